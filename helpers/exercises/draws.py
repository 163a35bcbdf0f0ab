"""Where the checkers' inputs come from: seeded generators, fresh ones while grading.

In a notebook every check draws the same inputs (``rng(3)`` is ``np.random.default_rng(3)``), so a
hint is reproducible. The grader (``tools/scoring.py``) draws a salt from the operating system at
grading time and enters :func:`salted`: every ``rng(seed)`` then becomes
``default_rng([salt, seed])`` and every :func:`keras_seed` a salted Keras seed, so the inputs a
submission is graded on are inputs its notebook never saw (a table of the notebook's answers is
no help). Hand-written edge cases stay as they are; every exercise also has drawn cases.
"""
from __future__ import annotations

import contextlib
import secrets

import numpy as np

_SALT: int | None = None


def rng(seed: int) -> np.random.Generator:
    """``np.random.default_rng(seed)``, or a generator salted by :func:`salted` while grading."""
    return np.random.default_rng(seed if _SALT is None else [_SALT, seed])


def keras_seed(seed: int) -> None:
    """``keras.utils.set_random_seed(seed)``, salted while grading."""
    import keras

    keras.utils.set_random_seed(seed if _SALT is None else (_SALT + seed) % 2**31)


def current_salt() -> int | None:
    return _SALT


@contextlib.contextmanager
def salted(salt: int | None = None):
    """Inside: checkers draw inputs from ``salt`` (default: a fresh one from the operating system)."""
    global _SALT
    previous, _SALT = _SALT, secrets.randbits(63) if salt is None else int(salt)
    try:
        yield _SALT
    finally:
        _SALT = previous
