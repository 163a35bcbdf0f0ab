"""Set-up where students are: the one lock resolves on every platform x Python, the class image builds.

The resolution test asks uv (from the lock's own test extra) to resolve ``requirements.lock`` for a
foreign platform and Python (``--python-platform``, ``--python-version``): that checks, without
installing, that every pinned package the markers select has a wheel (or a source build) for that
target and that nothing outside the lock is needed. It reads the package index, so it needs the
package registry: without it, it skips locally and fails in CI.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser_support import free_port

from tools import platforms

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
BIN = Path(sys.executable).parent
UV = shutil.which("uv", path=str(BIN)) or shutil.which("uv")
NETWORK_WORDS = ("Failed to fetch", "dns error", "error sending request", "Could not connect", "timed out")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(text: str) -> set[tuple[str, str]]:
    """Every ``name==version`` of a requirements file (markers and comments ignored)."""
    pins = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and "==" in line:
            name, _, rest = line.partition("==")
            pins.add((_norm(name.strip()), rest.split(";", 1)[0].strip()))
    return pins


def uv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([UV, *args, "--quiet", "--no-config"], capture_output=True, text=True, timeout=600,
                          cwd=ROOT, env={**os.environ, "UV_NO_PROGRESS": "1"})


def relock(out: Path) -> subprocess.CompletedProcess:
    """What `make lock` writes, with the committed lock as its preferences (no upgrade)."""
    shutil.copy(LOCK, out)
    return uv("pip", "compile", "pyproject.toml", "--all-extras", "--universal", "--python-version", "3.10",
              "--no-emit-package", "deep-sequence-modeling", "--custom-compile-command", "make lock", "-o", str(out))


def resolve(platform: str, python: str, *, offline: bool) -> subprocess.CompletedProcess:
    return uv("pip", "compile", str(LOCK), "--python-platform", platform, "--python-version", python,
              "--no-header", "--no-annotate", *(["--offline"] if offline else []))


CASES = [(name, target, python) for name, target, _ in platforms.PLATFORMS for python in platforms.PYTHONS]


@pytest.fixture(scope="module")
def relocked(tmp_path_factory):
    """`make lock` again (online): it reads every package's index page once, so the per-platform
    resolutions below can run from uv's cache (16 online resolutions take ~2 minutes, offline ~10 s)."""
    if UV is None:
        pytest.fail("uv is not installed: it comes with the test extra of requirements.lock (make setup)")
    out = tmp_path_factory.mktemp("lock") / "requirements.lock"
    result = relock(out)
    if result.returncode != 0 and any(w in result.stderr for w in NETWORK_WORDS):
        if os.environ.get("CI"):
            pytest.fail("the package registry was not reachable for the resolution test:\n" + result.stderr)
        pytest.skip("the package registry is not reachable here (the test runs in CI)")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def resolutions(relocked):
    results = {}
    for case in CASES:
        result = resolve(case[1], case[2], offline=True)
        if result.returncode != 0:                      # something not in uv's cache yet: ask the index
            result = resolve(case[1], case[2], offline=False)
        results[case] = result
    return results


def test_the_lock_is_what_make_lock_writes_from_pyproject(relocked):
    assert relocked.read_text() == LOCK.read_text(), \
        "requirements.lock is out of date with pyproject.toml: run `make lock` and commit it"


@pytest.mark.parametrize("case", CASES, ids=[f"{name}-py{python}" for name, _, python in CASES])
def test_the_lock_resolves_for_every_platform_and_python(resolutions, case):
    name, target, python = case
    result = resolutions[case]
    assert result.returncode == 0, f"requirements.lock does not install on {name}, Python {python}:\n{result.stderr}"
    resolved = lock_pins(result.stdout)
    assert resolved, f"{name}, Python {python}: uv resolved nothing"
    outside = resolved - lock_pins(LOCK.read_text())
    assert not outside, f"{name}, Python {python} needs packages the lock does not pin: {sorted(outside)}"


@pytest.mark.parametrize("name, target, tensorflow", platforms.PLATFORMS)
def test_each_platform_gets_the_tensorflow_build_that_exists_there(resolutions, name, target, tensorflow):
    for python in platforms.PYTHONS:
        names = {n for n, _ in lock_pins(resolutions[(name, target, python)].stdout)}
        other = {"tensorflow", "tensorflow-cpu"} - {tensorflow}
        assert tensorflow in names and not names & other, f"{name}, Python {python}: {sorted(names & {'tensorflow', 'tensorflow-cpu'})}"


def test_lock_pins_parse_markers_and_comments():
    text = "numpy==2.2.6 ; python_full_version < '3.11'\n    # via keras\nKeras==3.15.1\n# header\n"
    assert lock_pins(text) == {("numpy", "2.2.6"), ("keras", "3.15.1")}


def test_pyproject_declares_exactly_the_supported_pythons():
    text = (ROOT / "pyproject.toml").read_text()
    low, high = platforms.PYTHONS[0], platforms.PYTHONS[-1]
    minor = int(high.split(".")[1]) + 1
    assert f'requires-python = ">={low},<3.{minor}"' in text


def test_the_readme_states_every_platform_as_checked():
    readme = (ROOT / "README.md").read_text()
    assert platforms.markdown_table() in readme, "README's platform table differs from `python -m tools.platforms`"


# ---- the class image (repo2docker) ---------------------------------------------------------------

def test_repo2docker_plans_the_pinned_python_the_lock_and_the_package():
    r2d = shutil.which("jupyter-repo2docker", path=str(BIN)) or shutil.which("jupyter-repo2docker")
    assert r2d, "jupyter-repo2docker comes with the test extra of requirements.lock"
    result = subprocess.run([r2d, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    plan = result.stdout + result.stderr
    assert result.returncode == 0, plan[-3000:]
    pinned = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert pinned == f"python-{platforms.CI_PYTHON}"
    assert f"python={platforms.CI_PYTHON}" in plan and "Python version unspecified" not in plan
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in plan
    assert "-r ../requirements.lock" in (ROOT / "binder" / "requirements.txt").read_text()
    assert "./binder/postBuild" in plan and "pip install --no-cache-dir ." in (ROOT / "binder" / "postBuild").read_text()
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in plan


def test_the_image_start_script_runs_jupyterlab_instead_of_the_classic_notebook(tmp_path):
    fake = tmp_path / "jupyter"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    start = str(ROOT / "binder" / "start")
    out = subprocess.run([start, "jupyter", "notebook", "--ip", "0.0.0.0"], capture_output=True, text=True, env=env)
    assert out.stdout.split() == ["lab", "--ip", "0.0.0.0"]
    out = subprocess.run([start, "echo", "jupyterhub-singleuser"], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "jupyterhub-singleuser"           # a hub's command passes through


def test_the_image_config_opens_jupyterlab_on_the_student_notebooks(tmp_path):
    """The config postBuild installs makes JupyterLab's front page the notebooks/ folder."""
    config = tmp_path / "config"
    config.mkdir()
    source = ROOT / "binder" / "jupyter_lab_config.json"
    assert f"cp binder/{source.name}" in (ROOT / "binder" / "postBuild").read_text()
    shutil.copy(source, config)
    (tmp_path / "notebooks").mkdir()
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_CONFIG_PATH": str(config)}
    server = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=t", f"--ServerApp.root_dir={tmp_path}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        deadline, location = time.time() + 60, None
        while time.time() < deadline and location is None:
            try:
                urllib.request.build_opener(NoRedirect).open(f"http://127.0.0.1:{port}/?token=t", timeout=5)
            except urllib.error.HTTPError as error:
                location = error.headers.get("Location")
            except OSError:
                time.sleep(0.5)
        assert location is not None, "JupyterLab did not answer within 60 s"
        assert location.split("?")[0].endswith("/lab/tree/notebooks"), location
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert json.loads(source.read_text())["LabApp"]["default_url"] == "/lab/tree/notebooks"
