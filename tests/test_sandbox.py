"""tools/sandbox.py: what student code inside the grading sandbox can and cannot do."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import sandbox

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sandbox.available() and not os.environ.get("CI"),
                                reason="bubblewrap is not installed (CI installs it)")

PROBE = r"""
import json, os, socket, sys
from pathlib import Path
root = Path(sys.argv[1])
out = {}
try:
    (root / "sandbox-probe.txt").write_text("x"); out["write_repo"] = True
except OSError:
    out["write_repo"] = False
Path("mine.txt").write_text("x"); out["write_own"] = Path("mine.txt").exists()
out["solutions"] = sorted(os.listdir(root / "solutions"))
out["helpers"] = (root / "helpers" / "text.py").exists()
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2); out["network"] = True
except OSError as error:
    out["network"] = type(error).__name__
out["pids"] = len([p for p in os.listdir("/proc") if p.isdigit()])
print(json.dumps(out))
"""


def test_the_sandbox_is_read_only_hides_solutions_and_has_no_network(tmp_path):
    assert sandbox.available(), "CI must have bubblewrap"
    command = sandbox.wrap([sys.executable, "-c", PROBE, str(ROOT)], tmp_path, hide=sandbox.hidden_folders())
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1000:]
    out = json.loads(done.stdout)
    assert out["write_repo"] is False and not (ROOT / "sandbox-probe.txt").exists()
    assert out["write_own"] is True and (tmp_path / "mine.txt").exists()
    assert out["solutions"] == [] and out["helpers"] is True  # the course package is there, its answers are not
    assert out["network"] != True  # noqa: E712
    assert out["pids"] <= 3  # its own process table: bwrap, python


def test_the_grading_kernelspec_starts_the_kernel_through_the_sandbox(tmp_path):
    spec = sandbox.write_kernelspec(tmp_path, tmp_path / "classroom")
    argv = json.loads((spec / "kernel.json").read_text())["argv"]
    assert argv[1:4] == ["-m", "tools.sandbox", "kernel"] and argv[-1] == "{connection_file}"


DETACHED = r"""
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time, pathlib, sys; time.sleep(2); pathlib.Path(sys.argv[1]).write_text('late')",
                  sys.argv[1]], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""


@pytest.mark.parametrize("sandboxed", [True, False])
def test_a_detached_process_dies_with_the_sandbox(tmp_path, sandboxed):
    """What a notebook starts in the background cannot write after grading: without the sandbox it does."""
    import time

    target = tmp_path / "written-after-grading.txt"
    command = [sys.executable, "-c", DETACHED, str(target)]
    if sandboxed:
        command = sandbox.wrap(command, tmp_path, hide=sandbox.hidden_folders())
    subprocess.run(command, timeout=60, check=True)
    time.sleep(4)
    assert target.exists() is not sandboxed
