"""Profiles, seeds and the environment report every notebook starts with (lesson 00).

``COURSE_PROFILE=full`` (the default) trains for real within a CPU budget;
``COURSE_PROFILE=fast`` (set by ``make test`` and CI) runs the same code paths on tiny
budgets. A notebook shows its budget openly::

    EPOCHS = profile.pick(full=8, fast=1)
"""
from __future__ import annotations

import os
import platform
import sys

PROFILES = ("full", "fast")
DEFAULT_SEED = 0


class Profile:
    """A named budget: ``full`` for students, ``fast`` for tests."""

    def __init__(self, name: str):
        if not isinstance(name, str) or name not in PROFILES:
            raise ValueError(f"argument 'name' (COURSE_PROFILE): expected one of {list(PROFILES)}, got {name!r}")
        self.name = name

    @property
    def is_fast(self) -> bool:
        return self.name == "fast"

    def pick(self, *, full, fast):
        """Return the ``full`` value in the full profile and the ``fast`` value in the fast one."""
        return fast if self.is_fast else full

    def __repr__(self) -> str:
        return f"Profile({self.name!r})"


def get_profile(name: str | None = None) -> Profile:
    """The profile named ``name``, or by ``$COURSE_PROFILE`` (default ``full``)."""
    if name is None:
        name = os.environ.get("COURSE_PROFILE", "full").strip().lower() or "full"
    return Profile(name)


profile = get_profile()


def set_seed(seed: int = DEFAULT_SEED) -> int:
    """Seed Python, numpy and Keras/TensorFlow at once (``keras.utils.set_random_seed``)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"argument 'seed': expected a non-negative integer, got {seed!r}")
    import keras  # imported here so that `import helpers` stays light

    keras.utils.set_random_seed(seed)
    return seed


def environment_report() -> dict:
    """Versions, profile and hardware, as a dict (shown by :func:`setup`)."""
    import numpy
    import psutil

    report = {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "profile": profile.name,
        "cpu cores": os.cpu_count(),
        "memory (GiB)": round(psutil.virtual_memory().total / 2**30, 1),
    }
    try:
        import tensorflow as tf
        import keras

        report["tensorflow"] = tf.__version__
        report["keras"] = keras.__version__
        report["keras backend"] = keras.backend.backend()
        report["gpu"] = ", ".join(d.name for d in tf.config.list_physical_devices("GPU")) or "none (CPU only: fine)"
    except ImportError as error:  # pragma: no cover - shown to the student
        report["tensorflow"] = f"missing ({error})"
    for package in ("matplotlib", "ipywidgets", "music21"):
        try:
            report[package] = __import__(package).__version__
        except ImportError:
            report[package] = "missing"
    return report


def plot_style() -> None:
    """The course's matplotlib style (set by :func:`setup`; the offline decks draw with it too)."""
    import matplotlib

    from .palette import prop_cycle

    from .figures import FONT_PT

    matplotlib.rcParams.update({"figure.figsize": (7, 3.5), "figure.dpi": 90, "font.size": FONT_PT, "axes.grid": True,
                                "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
                                "axes.prop_cycle": prop_cycle()})   # colour-vision-safe colours, a style per line
    from .figures import install

    install()   # in a notebook: every figure shown with its description (alt text and a caption)


def setup(seed: int = DEFAULT_SEED, *, verbose: bool = True) -> dict:
    """Start a lesson: seed everything, set the plot style, and print the environment.

    Returns the report as a dict. Every notebook calls this in its Setup cell. A package missing or
    older than the course supports stops here, named with its installed version and the supported range
    (:func:`helpers.versions.check_versions`).
    """
    from .versions import check_versions

    check_versions()
    set_seed(seed)
    plot_style()
    report = environment_report()
    report["seed"] = seed
    if verbose:
        width = max(len(k) for k in report)
        for key, value in report.items():
            print(f"{key:<{width}}  {value}")
    if sys.version_info < (3, 10):  # pragma: no cover
        print("warning: this course needs Python >= 3.10")
    return report


def record(name: str, value, unit: str = "", *, digits: int = 3):
    """Print a measured quality figure, and log it for `make bench` (``$COURSE_METRICS_FILE``, JSON lines).

    Lessons call this for every number they report (accuracies, bits per character,
    gradient-check errors ...), so the benchmark table gathers them without parsing prose.
    """
    import json
    import numbers

    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"argument 'name': expected a non-empty string, got {name!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"argument 'value': expected a number, got {type(value).__name__} {value!r}")
    value = float(value)
    path = os.environ.get("COURSE_METRICS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"name": name, "value": value, "unit": unit, "profile": profile.name}) + "\n")
    shown = f"{value:.{digits}g}"
    print(f"{name}: {shown}{(' ' + unit) if unit else ''}")
    return value
