"""Shared by the browser tests (tests/test_slides.py, tests/test_browser.py): paths, skip rule, request log.

The browser is Debian's Chromium (``/usr/bin/chromium``, or ``$COURSE_CHROMIUM``) driven by
Playwright from PyPI; Playwright's own browser downloads are never used. When either is
missing the browser tests are skipped with a message, except under ``CI=true``, where they fail.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
SCREENSHOTS = BUILD / "screenshots"
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(message: str):
    """Skip (on a laptop) or fail (under CI=true): a browser test that cannot run."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: browser tests must run in CI)")
    pytest.skip(message)


class RequestLog:
    """Failed requests, HTTP errors and uncaught page errors seen by one Playwright page."""

    def __init__(self, page, *, redirects_ok: bool = False):
        self.problems: list[str] = []
        self.redirects_ok = redirects_ok
        page.on("requestfailed", lambda request: self.problems.append(
            f"request failed: {request.url[:120]} ({request.failure})"))
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _response(self, response):
        status = response.status
        fine = 200 <= status < 300 or status == 304 or (self.redirects_ok and 300 <= status < 400)
        if not fine:
            self.problems.append(f"HTTP {status}: {response.url[:120]}")


@contextlib.contextmanager
def deck_build_lock():
    """One deck build at a time across pytest workers: the second waits, then reuses the explorer
    frames the first drew into build/deck_frames instead of drawing them again at the same time."""
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".deck-build.lock", "w") as handle:
        try:
            import fcntl
        except ImportError:          # Windows: no lock, the two builds only repeat work
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---- JupyterLab, started as `make present` starts it ---------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_json(url: str, process: subprocess.Popen, seconds: float = 120):
    """The JSON at ``url`` once the server answers, or None (the process ended or time ran out)."""
    import json

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.25)
    return None


@contextlib.contextmanager
def jupyterlab(root: Path, base: Path, seconds: float = 120, cwd: Path | None = None):
    """JupyterLab serving ``root`` with the options of ``make present`` (offline: no extension
    manager, news or update check), plus what a test needs: a free port and a token,
    ``window.jupyterapp`` to run commands, and its own (empty) user settings, workspaces,
    config and runtime folders under ``base``; started in ``cwd`` (default ``root``; `make present` starts in
    the repository, where nbgrader_config.py is). Yields ``{"url", "token", "log"}``."""
    from tools import present

    # as `make present` prepares them: no settings of a user's own, the course's defaults (overrides.json) and
    # the live deck's keys
    present.presenter_settings(base / "settings", own=base / "no-own-settings")
    port, token = free_port(), os.urandom(16).hex()
    env = dict(os.environ, COURSE_PROFILE="fast", JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), IPYTHONDIR=str(base / "ipython"))
    # no option twice: with duplicated LabApp options window.jupyterapp was missing in a run here
    command = present.lab_command(root, "127.0.0.1", port, token, settings=base / "settings") + [
        "--ServerApp.port_retries=0", "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={base / 'workspaces'}"]
    log_path = base / "jupyterlab.log"
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd or root)
        try:
            url = f"http://127.0.0.1:{port}"
            if wait_for_json(f"{url}/api/status?token={token}", server, seconds) is None:
                pytest.fail(f"JupyterLab did not start; its log:\n{log_path.read_text(encoding='utf-8')[-3000:]}")
            yield {"url": url, "token": token, "log": log_path}
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
