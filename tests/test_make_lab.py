"""`make lab` (the README's first command) starts JupyterLab on notebooks/ at the given address."""
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.browser_support import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_make_lab_serves_the_student_notebooks():
    port, token = free_port(), "course-test"
    process = subprocess.Popen(["make", "lab", f"PORT={port}", f"TOKEN={token}"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline, listing = time.monotonic() + 120, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=2) as r:
                    listing = json.load(r)
                    break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, f"JupyterLab did not answer on port {port}:\n{process.stdout.read() if process.poll() is not None else ''}"
        names = {item["name"] for item in listing["content"]}
        assert {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} <= names
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
