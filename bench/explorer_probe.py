"""Every explorer's redraw time, measured inside the lesson's own kernel (`make bench`, fast profile).

After a lesson has run, :func:`measure` (its source is sent to the kernel and called there) finds
every live control that has a callback on ``value`` (a slider, a drop-down, a text box, a toggle),
sets it to a few other values one after another and times each assignment. The assignment runs the
callback exactly as a student's move does (the kernel side of it): the model call, the plotting
function and the inline backend's PNG encoding of what the callback displays. The browser's share
(the comm round trip and painting the PNG) is not included.

Result: ``{"<explorer> · <control>": median milliseconds}``, with the explorer named by its deck
recipe's kind (or its function for the few without one). Controls are restored afterwards.
"""
from __future__ import annotations

from pathlib import Path

SOURCE = Path(__file__).read_text(encoding="utf-8") if "__file__" in globals() else ""  # sent to the kernel
MOVES = 6              # assignments timed per control
SLOW_S = 5.0           # a control this slow is timed once more, not six times


def _texts(value: str) -> list[str]:
    """Other sentences a student might type, made from the box's current one (never empty)."""
    words = value.split() or ["good"]
    shorter = " ".join(words[:-1]) or words[0]
    return [shorter, value + " today", " ".join(reversed(words)), words[0], value]


def _positions(control, moves: int) -> list:
    """Up to ``moves`` values for ``control`` other than its current one, spread over its range."""
    import ipywidgets as W

    current = control.value
    if isinstance(control, (W.Text, W.Textarea)):
        return [t for t in _texts(str(current)) if t != current][:moves] + [current]
    if isinstance(control, (W.Checkbox, W.ToggleButton)):
        return [not current, current] * (moves // 2)
    if hasattr(control, "_options_values"):         # drop-downs, toggle buttons, selection sliders
        values = [v for v in control._options_values if v != current] or [current]
        return [values[i % len(values)] for i in range(moves - 1)] + [current]
    if hasattr(control, "min") and hasattr(control, "max"):   # int and float sliders
        low, high = control.min, control.max
        step = getattr(control, "step", None) or 1
        spots = [low + (high - low) * k / (moves - 1) for k in range(moves)]
        values = [low + round((s - low) / step) * step for s in spots]
        if isinstance(current, int):
            values = [int(v) for v in values]
        return [v for v in values if v != current][:moves - 1] + [current]
    return []


def _owners() -> dict:
    """``{id(widget): top-level box}`` over every live widget."""
    import ipywidgets as W

    live = list(W.widgets.widget._instances.values()) if hasattr(W.widgets.widget, "_instances") else list(
        W.Widget.widgets.values())
    parent = {}
    for widget in live:
        for child in getattr(widget, "children", ()) or ():
            parent[id(child)] = widget
    roots = {}
    for widget in live:
        top = widget
        while id(top) in parent:
            top = parent[id(top)]
        roots[id(widget)] = top
    return live, roots


def _name(root, control, callbacks, counts: dict) -> str:
    kind = (getattr(root, "deck", None) or {}).get("kind")
    if not kind:                                    # an explorer without a recipe: the function that built it
        built = [f"{getattr(c, '__module__', '').split('.')[-1]}.{c.__qualname__.split('.')[0]}" for c in callbacks
                 if getattr(c, "__module__", "").startswith("helpers") and hasattr(c, "__qualname__")]
        kind = built[0] if built else type(root).__name__
    label = control.description or type(control).__name__
    key = f"{kind} · {label}"
    counts[key] = counts.get(key, 0) + 1
    return key if counts[key] == 1 else f"{key} ({counts[key]})"


def measure(moves: int = MOVES, only=None) -> dict:
    """``{"<explorer kind> · <control>": median ms}`` for every control with a ``value`` callback
    (``only``: a list of top-level boxes to limit it to)."""
    import statistics
    import time

    import matplotlib.pyplot as plt

    live, roots = _owners()
    results, counts = {}, {}
    for control in live:
        callbacks = getattr(control, "_trait_notifiers", {}).get("value", {}).get("change", [])
        if not callbacks or type(control).__name__ == "Play":
            continue
        if only is not None and not any(roots[id(control)] is box for box in only):
            continue
        values = _positions(control, moves)
        if not values:
            continue
        original, times = control.value, []
        for value in values:
            start = time.perf_counter()
            control.value = value
            times.append((time.perf_counter() - start) * 1000)
            if times[-1] > SLOW_S * 1000 and len(times) >= 2:
                break
        if control.value != original:
            control.value = original
        plt.close("all")
        results[_name(roots[id(control)], control, callbacks, counts)] = round(statistics.median(times), 1)
    return results
