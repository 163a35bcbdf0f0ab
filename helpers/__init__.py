"""Helpers for the Deep Sequence Modeling course.

One module per concept (see README, "Helpers"). Importing this package sets two
TensorFlow environment variables *before* anything imports TensorFlow: that keeps
notebook stderr free of C++ log noise and makes CPU runs reproducible (oneDNN's
re-ordered floating-point sums are switched off).

Submodules are imported on first use (``helpers.text``, ``helpers.plots`` ...), so
``import helpers`` stays fast and does not pull in TensorFlow.
"""
import importlib
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# Keras picks its backend once, at import: this course is written for TensorFlow.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from .config import profile, get_profile, record, set_seed, setup  # noqa: E402  (after the env vars)

__all__ = ["profile", "get_profile", "record", "set_seed", "setup"]


def __getattr__(name):
    """Import ``helpers.<name>`` lazily, so ``helpers.text`` works without an explicit import."""
    try:
        module = importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as error:
        if error.name == f"{__name__}.{name}":
            raise AttributeError(f"module 'helpers' has no attribute or submodule {name!r}") from None
        raise
    globals()[name] = module
    return module
