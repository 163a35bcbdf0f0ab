"""pyproject.toml, the lock, environment.yml and binder/ agree; the README has its two commands."""
import os
import re
import subprocess
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:                                    # Python 3.10: the same parser, from PyPI (test extra)
    import tomli as tomllib
from pathlib import Path

import pytest

from helpers import course_data

ROOT = Path(__file__).resolve().parent.parent


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"] + [d for extra in data["project"]["optional-dependencies"].values()
                                              for d in extra]
    return {_norm(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in deps}


def _lock() -> dict[str, set[str]]:
    """name -> pinned versions (a universal lock pins some packages once per Python range)."""
    pins: dict[str, set[str]] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, rest = line.partition("==")
            assert sep, f"requirements.lock: {line!r} is not pinned with =="
            pins.setdefault(_norm(name.strip()), set()).add(rest.split(";", 1)[0].strip())
    return pins


def test_lock_pins_every_dependency_exactly():
    lock = _lock()
    missing = _pyproject_names() - set(lock)
    assert not missing, f"in pyproject.toml but not in requirements.lock: {sorted(missing)}"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for versions in lock.values() for v in versions)


def test_environment_yml_names_the_same_packages():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*-e\s+\.\.?/?\s*$", text, re.M) or "-e ." in text, "environment.yml installs the package"
    listed = {_norm(m) for m in re.findall(r"^\s*-\s*([A-Za-z0-9_.][A-Za-z0-9_.-]*)", text, re.M)} - {"pip", "python", "conda-forge"}
    conda_names = {"tensorflow-cpu": "tensorflow"}  # conda-forge builds are CPU-capable under this name
    expected = {conda_names.get(n, n) for n in _pyproject_names()}
    missing = expected - listed
    assert not missing, f"environment.yml lacks {sorted(missing)}"
    unknown = listed - expected - {"python"}
    assert not unknown, f"environment.yml lists packages pyproject.toml does not: {sorted(unknown)}"


def test_binder_installs_from_the_lock():
    assert "requirements.lock" in (ROOT / "binder" / "requirements.txt").read_text()
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-cache-dir ." in post and "-e ." not in post   # the wheel path, as on Colab


def test_readme_opens_with_the_two_commands_and_lists_every_lesson():
    readme = (ROOT / "README.md").read_text()
    head = readme[:1500]
    assert "make lab" in head and "make test" in head
    for nb in sorted((ROOT / "solutions").glob("*.ipynb")):
        assert f"solutions/{nb.name}" in readme and f"notebooks/{nb.name}" in readme, f"README table lacks {nb.name}"


def test_ci_script_calls_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "chromium" in ci


# ---- the package as pip installs it: a wheel that works outside the checkout ---------------------

RUNTIME_ONLY = {"numpy", "keras", "matplotlib", "ipywidgets", "music21", "psutil"}


def test_runtime_dependencies_are_minimal_ranges_without_tensorflow():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"]
    names = {_norm(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in deps}
    assert names == RUNTIME_ONLY, "runtime dependencies are what a lesson's kernel imports, nothing more"
    assert all(">=" in d and "==" not in d for d in deps), "ranges, so a hosted runtime's versions satisfy them"
    assert "ipywidgets>=7.7" in deps                      # Colab's front end is ipywidgets 7.7
    extras = data["project"]["optional-dependencies"]
    assert {"cpu", "lab", "instructor", "test"} <= set(extras)
    assert any(d.startswith("tensorflow-cpu") for d in extras["cpu"])


def test_every_shipped_file_is_listed_and_present():
    shipped = {p.name for p in (ROOT / "data").iterdir() if p.is_file() and p.name != "README.md"}
    assert shipped == set(course_data.FILES)
    assert course_data.DATA_DIR == ROOT / "data"          # a checkout reads data/ itself: one source


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, text=True, timeout=300)
    (built,) = out.glob("deep_sequence_modeling-*.whl")
    return built


def test_the_wheel_carries_every_data_file_byte_for_byte(wheel):
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        for name in course_data.FILES + ("README.md",):
            assert archive.read(f"helpers/data/{name}") == (ROOT / "data" / name).read_bytes(), name
        names = archive.namelist()
    assert not [n for n in names if n.startswith(("solutions/", "tests/", "tools/", "data/"))]


def test_the_wheel_works_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300)
    code = ("import helpers, helpers.course_data as c, helpers.datasets as d, helpers.dates as D, "
            "helpers.dates_typed as T, helpers.sentiment_reviews as S\n"
            "print(helpers.__file__); print(c.DATA_DIR)\n"
            "print(sum(len(d.load_frozen(n).texts) for n in d.FROZEN), len(D.load_test_set().inputs), "
            "len(T.load_typed_dates().inputs), len(S.load_everyday().texts), len(S.load_lexicon().words()) > 800)\n")
    guard = ROOT / "tests" / "netguard"
    env = {**os.environ, "PYTHONPATH": f"{guard}{os.pathsep}{target}"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    where, data_dir, counts = done.stdout.splitlines()
    assert where.startswith(str(target)) and data_dir == str(target / "helpers" / "data")
    assert counts.split()[1:] == ["1000", "55", "88", "True"]
