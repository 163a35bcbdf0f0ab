"""Root pytest configuration: network guard for every process, nbval comparison rules."""
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


def pytest_sessionstart(session):
    Path(os.environ["COURSE_NETGUARD_LOG"]).write_text("", encoding="utf-8")


def pytest_collectstart(collector):
    """nbval: outputs that legitimately differ between runs are not compared."""
    if getattr(collector, "fspath", None) is not None and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr", "text/html", "application/javascript",
                                   "application/vnd.jupyter.widget-view+json", "image/png", "image/svg+xml")
