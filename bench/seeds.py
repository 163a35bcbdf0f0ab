"""Lesson 09's attention model trained with three seeds: do its targets hold for each one?

    python -m bench.seeds                # seeds 0, 1, 2: frozen test set and typed-by-hand dates, greedy
    python -m bench.seeds --seeds 3 4    # other seeds

Trains exactly what the full profile of ``solutions/09_attention.ipynb`` trains (the constants
below; a test checks they equal the notebook's), once per seed, and reports each seed's exact
match on the 1,000 frozen test dates and on the 55 dates typed by hand, and the worst seed.
`make bench` (``bench.run``) adds these figures to lesson 09's metrics, where BENCHMARKS.md's
targets judge the worst seed. About a minute per seed on a quiet 2-core machine.
"""
from __future__ import annotations

import argparse
import sys
import time

# The full profile of solutions/09_attention.ipynb (tests/test_bench.py checks they agree).
N_TRAIN = 20_000
EPOCHS = 6
FINAL_LR = 0.1
TYPED_SHARE = 0.5
UNITS = 64
ATTENTION_UNITS = 32
NOISE = (0, 6)
SEEDS = (0, 1, 2)
STEM = "09_attention"


def train_and_score(seed: int, log=print) -> dict[str, float]:
    """One seed: ``{"test": exact match, "typed": exact match, "seconds": training time}``."""
    import helpers
    from helpers import attention as A
    from helpers import dates as D
    from helpers import dates_typed as T

    test, typed = D.load_test_set(), T.load_typed_dates()
    train = T.training_mix(N_TRAIN, seed=1, typed_share=TYPED_SHARE, noise_words=NOISE,
                           exclude=set(test.targets) | set(typed.targets))
    helpers.set_seed(seed)
    model = A.Seq2Seq(attention=True, units=UNITS, attention_units=ATTENTION_UNITS)
    start = time.perf_counter()
    model.fit(train, epochs=EPOCHS, final_lr_fraction=FINAL_LR)
    seconds = time.perf_counter() - start
    scores = {"test": A.exact_match(A.greedy_decode(model, test)[0], test.targets),
              "typed": A.exact_match(A.greedy_decode(model, typed)[0], typed.targets), "seconds": seconds}
    log(f"seed {seed}: test {scores['test']:.3f}, typed by hand {scores['typed']:.3f} ({seconds:.0f} s of training)")
    return scores


def measure(seeds=SEEDS, log=print) -> dict[str, dict]:
    """Metrics for lesson 09 in bench.run's format: ``{name: {"value", "unit"}}``."""
    results = {seed: train_and_score(seed, log) for seed in seeds}
    metrics = {}
    for seed, scores in results.items():
        metrics[f"09 exact match with attention (greedy, test), seed {seed}"] = {"value": scores["test"], "unit": ""}
        metrics[f"09 exact match with attention, typed by hand (greedy), seed {seed}"] = {"value": scores["typed"],
                                                                                          "unit": ""}
    n = len(results)
    metrics[f"09 exact match with attention (greedy, test), worst of {n} seeds"] = {
        "value": min(s["test"] for s in results.values()), "unit": ""}
    metrics[f"09 exact match with attention, typed by hand (greedy), worst of {n} seeds"] = {
        "value": min(s["typed"] for s in results.values()), "unit": ""}
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seeds", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    args = parser.parse_args(argv)
    import helpers

    helpers.setup(verbose=False)
    for name, value in measure(args.seeds).items():
        print(f"{name}: {value['value']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
