"""Lesson 08 across seeds: the LSTM and the bag of words on the hand-written everyday reviews.

    python -m bench.everyday_seeds            # seeds 0 and 1, full-profile data and epochs (~1 min a seed)
    python -m bench.everyday_seeds 0 1 2

`make bench` runs seeds 0, 1 and 2 after lesson 08 (:func:`measure`) and records each figure, so
the lesson's sentences about seeds are checked like its other numbers.

Trains each model as the lesson does in the full profile (32,000 generated reviews, 4 epochs,
``sentiment.lesson_data(seed=s)`` and ``keras.utils.set_random_seed(s)``) and prints its accuracy
on the broad generated test set, the minimal pairs, ``data/everyday_reviews.csv`` and
``data/negation_reviews.csv``. The lesson itself runs seed 0; this shows how much the hand-written
figures move with the seed. A third model, "LSTM without polarity reviews", is the same LSTM trained
on the same number of reviews with ``polarity_share=0`` (no :mod:`helpers.sentiment_polarity`
reviews): what the negation figure is when the generator never says things that way.
"""
from __future__ import annotations

import sys

N_TRAIN, N_BROAD, EPOCHS = 32_000, 1000, 4     # the full profile of solutions/08_sentiment.ipynb


def run(seeds) -> list[dict]:
    import helpers
    helpers.setup(verbose=False)
    import keras

    from helpers import sentiment
    rows = []
    for seed in seeds:
        lesson = sentiment.lesson_data(N_TRAIN, N_BROAD, seed=seed)
        for kind in ("bag of words", "LSTM", WITHOUT):
            data = sentiment.lesson_data(N_TRAIN, N_BROAD, seed=seed, polarity_share=0) if kind == WITHOUT else lesson
            keras.utils.set_random_seed(seed)
            model = sentiment.build_model("LSTM" if kind == WITHOUT else kind, len(data.vocab))
            seconds = sentiment.train(model, data.x_train, data.y_train, epochs=EPOCHS, seed=seed)
            rows.append({"seed": seed, "model": kind, "seconds": seconds,
                         "broad": sentiment.accuracy(model, data.x_broad, data.y_broad),
                         "pairs": sentiment.accuracy(model, data.x_pairs, data.y_pairs),
                         "everyday": sentiment.accuracy(model, data.x_everyday, data.y_everyday),
                         "negation": sentiment.accuracy(model, data.x_negation, data.y_negation)})
            r = rows[-1]
            print(f"seed {seed}  {kind:<29} train {seconds:5.1f} s  broad {r['broad']:6.1%}  pairs {r['pairs']:6.1%}  "
                  f"everyday (hand-written, {len(data.everyday)}) {r['everyday']:6.1%}  "
                  f"negation (hand-written, {len(data.negation)}) {r['negation']:6.1%}", flush=True)
    return rows


SEEDS = (0, 1, 2)
WITHOUT = "LSTM without polarity reviews"   # polarity_share=0: the generator's first part only


def measure(seeds=SEEDS, log=print) -> dict[str, dict]:
    """Lesson 08's held-out accuracies per seed in bench.run's format: ``{name: {"value", "unit"}}``.

    Trains in a fresh Python (``--json``), so the bench itself never loads TensorFlow between lessons.
    """
    import json
    import subprocess

    done = subprocess.run([sys.executable, "-m", "bench.everyday_seeds", "--json", *map(str, seeds)],
                          capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench.everyday_seeds failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        log(line)
    return metrics_from_rows(json.loads(lines[-1]))


def metrics_from_rows(rows) -> dict[str, dict]:
    """``run``'s rows as bench.run's metrics: each seed's figure, and the worst and best of the seeds."""
    metrics = {}
    for r in rows:
        for key, what in (("everyday", "everyday reviews"), ("negation", "negation reviews")):
            metrics[f"08 {r['model']} accuracy, {what} (hand-written), seed {r['seed']}"] = {"value": r[key], "unit": ""}
    for kind in sorted({r["model"] for r in rows}):
        for key, what in (("everyday", "everyday reviews"), ("negation", "negation reviews")):
            values = [r[key] for r in rows if r["model"] == kind]
            metrics[f"08 {kind} accuracy, {what} (hand-written), worst of {len(values)} seeds"] = {
                "value": min(values), "unit": ""}
            metrics[f"08 {kind} accuracy, {what} (hand-written), best of {len(values)} seeds"] = {
                "value": max(values), "unit": ""}
    return metrics


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--json"]
    results = run([int(s) for s in arguments] or [0, 1])
    if "--json" in sys.argv[1:]:
        import json

        print(json.dumps(results))
