"""Colab and Kaggle: every lesson's links and set-up cell, from one setting, and what the cell does."""
import os
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest

from tools import hosted

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
FORK = {"repository": "someone/their-course", "ref": "spring-2027",
        "install": "https://example.org/wheels/deep_sequence_modeling-0.1.0-py3-none-any.whl"}


def test_eleven_lessons():
    assert LESSONS == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")) and len(LESSONS) == 11


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
def test_every_lesson_starts_with_the_current_links_and_set_up_cell(folder):
    found = []
    for name in LESSONS:
        nb = nbformat.read(ROOT / folder / name, as_version=4)
        found += hosted.problems(nb, folder, name)
        urls = hosted.urls(folder, name)
        assert urls["Colab"] in nb.cells[0].source and urls["Kaggle"] in nb.cells[0].source
        assert f"/blob/{hosted.settings()['ref']}/{folder}/{name}" in urls["Colab"]
        assert all(c.metadata.get("slideshow", {}).get("slide_type") == "skip" for c in nb.cells[:2])
    assert found == []


def test_readme_links_every_student_copy():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in LESSONS:
        assert hosted.readme_links(name) in readme, name


def test_settings_come_from_pyproject_and_a_fork_changes_every_link(tmp_path):
    s = hosted.settings()
    assert s["install"] == f"git+https://github.com/{s['repository']}@{s['ref']}"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.course]\nrepository = "someone/their-course"\nref = "spring-2027"\n'
                         'install = "https://example.org/wheels/deep_sequence_modeling-0.1.0-py3-none-any.whl"\n')
    assert hosted.settings(pyproject) == FORK
    nb = nbformat.read(ROOT / "solutions" / LESSONS[3], as_version=4)
    before = len(nb.cells)
    hosted.apply(nb, "solutions", LESSONS[3], FORK)
    assert len(nb.cells) == before                  # refreshed in place, not added again
    assert "github/someone/their-course/blob/spring-2027/solutions/" + LESSONS[3] in nb.cells[0].source
    assert FORK["install"] in nb.cells[1].source and "deep-sequence-modeling/course" not in nb.cells[1].source
    assert hosted.problems(nb, "solutions", LESSONS[3], FORK) == []
    assert hosted.problems(nb, "solutions", LESSONS[3]) != []   # the drift check sees the old setting


@pytest.mark.parametrize("text, message", [
    ('[tool.course]\nref = "main"\n', "repository"),
    ('[tool.course]\nrepository = "no-slash"\nref = "main"\n', "owner/name"),
    ('[tool.course]\nrepository = "a/b"\nref = "has space"\n', "ref"),
    ('[tool.course]\nrepository = "a/b"\nref = "main"\ninstall = ""\n', "install"),
])
def test_bad_settings_are_named(tmp_path, text, message):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(text)
    with pytest.raises(ValueError, match=message):
        hosted.settings(pyproject)


def _run_cell(python, env_extra, *, prelude=""):
    env = {k: v for k, v in os.environ.items() if k not in {"KAGGLE_KERNEL_RUN_TYPE", "COURSE_PACKAGE"}}
    env.update(env_extra)
    code = prelude + hosted.setup_source()
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=env, timeout=300,
                          cwd=str(ROOT.parent))


def test_set_up_cell_does_nothing_outside_colab_and_kaggle():
    done = _run_cell(sys.executable, {"COURSE_PACKAGE": "/nonexistent/course.whl"})
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_set_up_cell_run_twice_in_kaggle_says_the_package_is_there():
    for _ in range(2):
        done = _run_cell(sys.executable, {"KAGGLE_KERNEL_RUN_TYPE": "Interactive",
                                          "COURSE_PACKAGE": "/nonexistent/course.whl"})
        assert done.returncode == 0 and done.stderr == ""
        assert done.stdout.strip() == "course package 0.1.0 is installed"


def test_set_up_cell_turns_on_colabs_widget_manager(tmp_path):
    fake = tmp_path / "google" / "colab"
    fake.mkdir(parents=True)
    (tmp_path / "google" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "output.py").write_text("def enable_custom_widget_manager():\n    print('widget manager on')\n")
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    done = _run_cell(sys.executable, {"PYTHONPATH": path, "COURSE_PACKAGE": "/nonexistent/course.whl"},
                     prelude="import google.colab\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["course package 0.1.0 is installed", "widget manager on"]


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A fresh environment with pip and nothing of the course: a hosted runtime before the set-up cell."""
    where = tmp_path_factory.mktemp("bare")
    venv.EnvBuilder(with_pip=True).create(where)
    return where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@pytest.mark.parametrize("source", ["/nonexistent/deep_sequence_modeling-0.1.0-py3-none-any.whl",
                                    "http://127.0.0.1:9/deep_sequence_modeling-0.1.0-py3-none-any.whl"])
def test_unreachable_source_gives_one_sentence_and_changes_nothing(bare_python, source):
    freeze = [str(bare_python), "-m", "pip", "freeze", "--all"]
    before = subprocess.run(freeze, capture_output=True, text=True).stdout
    for _ in range(2):                                   # and again: the same sentence, still usable
        done = _run_cell(bare_python, {"KAGGLE_KERNEL_RUN_TYPE": "Batch", "COURSE_PACKAGE": source,
                                       "PIP_CONSTRAINT": "", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "",
                                       "PYTHONPATH": str(ROOT / "tests" / "netguard")})   # not the checkout
        assert done.returncode == 0 and done.stderr == "", done.stderr
        lines = done.stdout.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"could not install the course from {source} (")
        assert lines[0].endswith("check the network and run this cell again")
    assert subprocess.run(freeze, capture_output=True, text=True).stdout == before
