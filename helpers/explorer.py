"""What an explorer leaves behind for the offline deck (used by every ``helpers.widgets*`` module).

An explorer returns an :class:`Explorer`: an ipywidgets ``VBox`` with one more synced attribute,
``deck``, a small JSON recipe ``{"kind": ..., <inputs>}``. The executed notebook saves it with the
rest of the widget state, and ``make slides`` (``tools/deck_widgets.py``) redraws the figure for
every position of the controls from it, with the same pure functions the callbacks call, so the
explorer still responds in a deck with no kernel. The recipe holds inputs (accuracies, sampled
tunes, decoded dates), never pictures: the notebook stays small.
"""
from __future__ import annotations

import math
import numbers

import ipywidgets as W
import numpy as np
import traitlets


class Explorer(W.VBox):
    """A ``VBox`` that also carries ``deck``: the recipe the offline deck redraws it from."""

    deck = traitlets.Dict().tag(sync=True)


def jsonable(value, digits: int = 5):
    """``value`` as plain JSON types: arrays to nested lists, floats rounded to ``digits`` significant digits.

    Dict keys must already be strings (JSON would turn ``{1: x}`` into ``{"1": x}`` silently);
    use a list of pairs for numeric keys. Non-finite floats become ``None``.
    """
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"argument 'value': expected string dict keys, got {key!r}")
        return {key: jsonable(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item, digits) for item in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist(), digits)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return float(f"{value:.{digits}g}") if math.isfinite(value) else None
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"argument 'value': expected JSON-like data (numbers, strings, lists, dicts, arrays), "
                    f"got {type(value).__name__}")


def explorer(children, kind: str, **inputs) -> Explorer:
    """The explorer's box (``children`` as in ``VBox``) with its deck recipe ``{"kind": kind, **inputs}``."""
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"argument 'kind': expected a non-empty string, got {kind!r}")
    return Explorer(list(children), deck={"kind": kind, **jsonable(inputs)})
