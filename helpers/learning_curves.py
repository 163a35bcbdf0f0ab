"""Lesson 10's leaderboard as learning curves: every model at equal characters seen, and over a long budget.

A few seconds per network measure how many steps fit in the budget more than which model learns best. So
``make bench`` (``bench/learning_curves.py``) trains each network of :mod:`helpers.leaderboard` for a
longer budget on a quiet machine, scores held-out bits per character at checkpoints (steps 8, 16, 32, ...
and the end), and stores the curves with the date and the machine in ``data/learning_curves.json``. The
lesson loads and plots them (:func:`load`, :func:`plot`): bits per character against characters seen
(what each model makes of the same data) and against seconds (what each makes of the same time).

Training here keeps the learning rate constant (no decay by time), so a point on a curve depends on the
steps taken, not on how long the budget was going to be.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from .course_data import DATA_DIR
from .validation import check_ids, check_number, check_positive_int, check_seed, check_type
from .figures import FONT_PT

DATA = DATA_DIR / "learning_curves.json"      # data/ in a checkout, helpers/data/ in a wheel
BATCH, SEQ_LEN = 32, 128            # the live leaderboard's batches: 4,096 characters a step


def checkpoints(max_steps: int, first: int = 8) -> list[int]:
    """Steps at which to score: ``first``, then doubling (8, 16, 32, ...) below ``max_steps``."""
    max_steps = check_positive_int("max_steps", max_steps, maximum=10**7)
    steps, k = [], check_positive_int("first", first)
    while k < max_steps:
        steps.append(k)
        k *= 2
    return steps


def train_curve(model, train_ids, valid_ids, seconds: float, *, seed: int = 0, window: int = 128,
                burn_in: int = 32) -> list[dict]:
    """Train ``model`` (a :func:`helpers.leaderboard.build_char_model`) for ``seconds`` of training time,
    scoring ``valid_ids`` after steps 8, 16, 32, ... and at the end.

    Returns one point per score: ``{"steps", "chars", "seconds", "bits"}`` (``seconds`` counts training
    steps only, not scoring, nor the first step that builds the graph).
    """
    from .music import bits_per_char
    from .music_corpus import random_batch
    from .music_model import CAUSAL_LAYERS, check_char_model

    check_char_model("model", model, layers=CAUSAL_LAYERS)
    vocab = model.get_layer("embedding").input_dim
    train_ids = check_ids("train_ids", train_ids, vocab, ndim=1)
    valid_ids = check_ids("valid_ids", valid_ids, vocab, ndim=1)
    seconds = check_number("seconds", seconds, low=0, low_open=True, high=24 * 3600)
    rng = np.random.default_rng(check_seed("seed", seed))
    model.train_on_batch(*random_batch(train_ids, BATCH, SEQ_LEN, rng))   # builds the graph: not on the clock
    steps, spent, points = 1, 0.0, []
    marks = iter(checkpoints(10**7))
    mark = next(marks)
    while spent < seconds:
        x, y = random_batch(train_ids, BATCH, SEQ_LEN, rng)
        start = time.perf_counter()
        model.train_on_batch(x, y)
        spent += time.perf_counter() - start
        steps += 1
        if steps == mark or spent >= seconds:
            points.append({"steps": steps, "chars": steps * BATCH * SEQ_LEN, "seconds": round(spent, 3),
                           "bits": float(bits_per_char(model, valid_ids, window=window, burn_in=burn_in))})
            if steps == mark:
                mark = next(marks)
    return points


def load(path: Path | str = DATA) -> dict:
    """The stored curves: ``{"date", "machine", "seconds", "counts": {name: bits}, "curves": {name: [points]}}``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"argument 'path': expected the learning curves `make bench` writes, got no file "
                                f"at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"argument 'path': expected JSON learning curves, got a file that does not parse "
                         f"({error})") from None
    check_type("path", data, dict, "a JSON object with 'curves'")
    for key in ("date", "machine", "seconds", "counts", "curves"):
        if key not in data:
            raise ValueError(f"argument 'path': expected the key {key!r} in {path.name}, got {sorted(data)}")
    for name, points in data["curves"].items():
        if not points or any(set(p) != {"steps", "chars", "seconds", "bits"} for p in points):
            raise ValueError(f"argument 'path': curve {name!r} expected points with steps, chars, seconds, bits")
    return data


def at_chars(points: list[dict], chars: float) -> float | None:
    """Bits per character of a curve after ``chars`` characters (the last checkpoint at or before it)."""
    chars = check_number("chars", chars, low=0)
    before = [p for p in points if p["chars"] <= chars]
    return before[-1]["bits"] if before else None


def plot(data: dict, *, reference: dict | None = None):
    """Two panels: bits per character against characters seen (log scale) and against training seconds;
    count models as horizontal lines, ``reference`` ``{label: (seconds, bits)}`` as marked points."""
    import matplotlib.pyplot as plt

    from .figures import describe, listing

    fig, (by_chars, by_time) = plt.subplots(1, 2, figsize=(11, 3.4), sharey=True)   # 3.4: the legend goes under
    for name, points in data["curves"].items():
        chars = [p["chars"] for p in points]
        for ax, xs in ((by_chars, chars), (by_time, [p["seconds"] for p in points])):
            ax.plot(xs, [p["bits"] for p in points], marker="o", ms=3, label=name)
    for name, bits in data["counts"].items():
        for ax in (by_chars, by_time):
            ax.axhline(bits, color="#595959", lw=1, ls=":")
        by_time.annotate(f"{name} {bits:.2f}", (1.0, bits), xycoords=("axes fraction", "data"), xytext=(3, 0),
                         textcoords="offset points", va="center", fontsize=FONT_PT, color="#333333")
    for marker, (label, (seconds, bits)) in zip("*PXD", (reference or {}).items()):
        by_time.plot([seconds], [bits], marker=marker, ms=10, ls="", color="#000000", label=label)
    by_chars.set(xscale="log", xlabel="characters seen in training", ylabel="held-out bits per character",
                 title="same data")
    by_time.set(xlabel="training seconds", title=f"same time (up to {data['seconds']:.0f} s)")
    # under both panels, in columns: at 12 pt a legend inside either panel covers the curves
    fig.legend(*by_time.get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.47, 0.0), ncol=4,
               frameon=False)
    fig.subplots_adjust(left=0.08, right=0.85, top=0.9, bottom=0.17, wspace=0.08)
    ends = sorted(data["curves"].items(), key=lambda item: item[1][-1]["bits"])
    common = min(points[-1]["chars"] for points in data["curves"].values())
    same = sorted(((name, at_chars(points, common)) for name, points in data["curves"].items()),
                  key=lambda item: item[1] if item[1] is not None else np.inf)
    describe(fig, f"Held-out bits per character of each network against characters seen and against training "
                  f"seconds ({data['seconds']:.0f} s each). At the end, best first: "
                  + listing([f"{n} {p[-1]['bits']:.2f} after {p[-1]['steps']} steps" for n, p in ends], 10)
                  + f". After {common:,} characters (the fewest any network reached): "
                  + listing([f"{n} {b:.2f}" for n, b in same if b is not None], 10)
                  + ". Count models: " + ", ".join(f"{n} {b:.2f}" for n, b in data["counts"].items())
                  + "".join(f". {label}: {bits:.2f} at {seconds:.0f} s" for label, (seconds, bits)
                            in (reference or {}).items()) + ".")
    return fig
