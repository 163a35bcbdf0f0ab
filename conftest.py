"""Root pytest configuration: network guard for every process, nbval comparison rules, and how
`make test` runs on two workers (pytest-xdist, ``--dist loadfile``: a notebook's cells share one
kernel and a test file its fixtures, so each file runs whole in one worker)."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
GUARD = ROOT / "tests" / "netguard"
BUILD = ROOT / "build"
BUILD.mkdir(exist_ok=True)

# Every Python process started from here on (notebook kernels included) loads the guard.
os.environ["PYTHONPATH"] = os.pathsep.join([str(GUARD), str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
os.environ.setdefault("COURSE_NETGUARD_LOG", str(BUILD / "network-attempts.log"))
sys.path.insert(0, str(GUARD))
import sitecustomize  # noqa: E402,F401  (install the guard in this process too)


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session):
    if not _is_worker(session.config):      # the log is emptied once, before any worker starts
        Path(os.environ["COURSE_NETGUARD_LOG"]).write_text("", encoding="utf-8")


def pytest_collectstart(collector):
    """nbval: outputs that legitimately differ between runs are not compared."""
    if getattr(collector, "fspath", None) is not None and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr", "text/html", "application/javascript",
                                   "application/vnd.jupyter.widget-view+json", "image/png", "image/svg+xml")


_PROBES = ("203.0.113.7", "example.org", "198.51.100.1")  # addresses the guard's own tests try on purpose


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any process (a notebook kernel included) tried to reach the network."""
    if _is_worker(session.config):          # the controller reads the log once every worker is done
        return
    log = Path(os.environ["COURSE_NETGUARD_LOG"])
    attempts = [line for line in log.read_text(encoding="utf-8").splitlines()
                if not any(p in line for p in _PROBES)] if log.exists() else []
    if attempts:
        print("\nNETWORK ACCESS ATTEMPTED (blocked by tests/netguard):\n" + "\n".join(attempts))
        session.exitstatus = 1
