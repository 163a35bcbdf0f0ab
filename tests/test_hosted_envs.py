"""tools.hosted_envs: the constraint files say where they come from, and are made the way they say."""
import re

import pytest

from tools import hosted_envs as H

FREEZE = """\
# Do not modify this file directly
absl-py==1.4.0
google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz
ipywidgets==7.7.1
Keras==3.13.2
torch @ https://download.pytorch.org/whl/cpu/torch-2.11.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl
torchvision==0.26.0+cpu
widgetsnbextension==3.6.10
jupyterlab_widgets==3.0.16
"""
KAGGLE = """\
ipywidgets==8.1.5
# b/276358430: a comment
jupyter_server==2.12.5
jupyterlab
keras-cv
"""


def test_pins_keep_plain_name_version_lines_only():
    assert H.pins(FREEZE) == {"absl-py": "1.4.0", "ipywidgets": "7.7.1", "keras": "3.13.2",
                              "widgetsnbextension": "3.6.10", "jupyterlab-widgets": "3.0.16"}


def test_colab_file_names_its_source_and_keeps_every_pin():
    text = H.colab_constraints(FREEZE, "backend-info at abc of 2026-08-19")
    assert text.startswith("# Google Colab's runtime: backend-info at abc of 2026-08-19.")
    assert H.pins(text) == H.pins(FREEZE)


def test_kaggle_file_is_colabs_with_kaggles_pins_on_top():
    pinned = H.pins(H.kaggle_constraints(FREEZE, KAGGLE, "docker-python at def"))
    assert pinned["ipywidgets"] == "8.1.5" and pinned["jupyter-server"] == "2.12.5" and pinned["keras"] == "3.13.2"
    assert "widgetsnbextension" not in pinned and "jupyterlab-widgets" not in pinned   # ipywidgets 8 brings its own


@pytest.mark.parametrize("name, expected", [
    ("colab", {"tensorflow": "2.20.0", "keras": "3.13.2", "ipywidgets": "7.7.1", "music21": None}),
    ("kaggle", {"tensorflow": "2.20.0", "keras": "3.13.2", "ipywidgets": "8.1.5", "jupyter-server": "2.12.5"}),
    ("oldest", {"tensorflow-cpu": "2.16.1", "keras": "3.3.0", "numpy": "1.26.0", "ipywidgets": "7.7.0",
                "music21": "9.1.0", "matplotlib": "3.8.0", "psutil": "5.9.0"}),
])
def test_committed_constraint_files(name, expected):
    text = (H.CONSTRAINTS / f"{name}.txt").read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header and "make constraints" in text
    if name != "oldest":
        assert re.search(r"at commit [0-9a-f]{12} of \d{4}-\d\d-\d\d", header[0]), header[0]
    pinned = H.pins(text)
    for package, version in expected.items():
        assert package in pinned and (version is None or pinned[package] == version), (package, pinned.get(package))


def test_oldest_is_the_lower_bound_of_every_runtime_dependency():
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    deps = tomllib.loads((H.ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = H.pins((H.CONSTRAINTS / "oldest.txt").read_text())
    for dep in deps:
        name, bound = re.fullmatch(r"([\w-]+)>=([\d.]+)", dep.split("#")[0].strip()).groups()
        assert tuple(map(int, pinned[name].split("."))) [:len(bound.split("."))] == tuple(map(int, bound.split("."))), \
            f"{name}: oldest.txt has {pinned[name]}, pyproject.toml declares >={bound} (run `make constraints`)"


def test_environments_and_lesson_subsets():
    assert set(H.ENVIRONMENTS) == {"colab", "kaggle", "oldest"}
    assert [p.name[:2] for p in H.lesson_paths("03,07")] == ["03", "07"]
    assert len(H.lesson_paths("all")) == 11
    with pytest.raises(ValueError, match="lessons"):
        H.lesson_paths("03,99")
