"""A fixed workload that says how fast this machine is today, and whether something else is using it.

    python -m bench.calibration        # prints the workload's times and how busy the machine is

`make bench` runs :func:`workload` before and after the lessons and reports every notebook time
also as a multiple of it, so a slower machine shows as a slower calibration, not as a regression;
`make bench-compare` compares those calibrated times. Three parts, each the best of three tries
(the best is the least disturbed by anything else):

* numpy: 1024 x 1024 float32 matrix products (what the from-scratch lessons do);
* TensorFlow: a Keras GRU run forward and backward over a batch (what the training lessons do);
* matplotlib: a figure with lines and a heat map drawn and encoded as PNG (what explorers do).

:func:`busy_share` samples how much of the CPU other processes use while the bench is idle;
the bench refuses to start above :data:`BUSY_LIMIT` (``BENCH_FORCE=1`` runs anyway and says so)
and marks every notebook run that started above it. :func:`settled_busy_share` lets the previous
run's kernel finish exiting first (the least busy of a few samples).
"""
from __future__ import annotations

import io
import time

BUSY_LIMIT = 0.25        # share of all cores busy while the bench itself is idle
TRIES = 3


def _best(run, tries: int = TRIES) -> float:
    times = []
    for _ in range(tries):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _numpy() -> float:
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((1024, 1024), dtype=np.float32)
    b = rng.standard_normal((1024, 1024), dtype=np.float32)

    def run():
        c = a
        for _ in range(20):
            c = np.tanh(c @ b * 0.03)
    return _best(run)


def _tensorflow() -> float:
    import keras
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    layer = keras.layers.GRU(128)
    x = tf.constant(np.random.default_rng(0).standard_normal((64, 100, 32)).astype("float32"))
    layer(x)

    def run():
        for _ in range(3):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(layer(x))
            tape.gradient(loss, layer.trainable_variables)
    run()                                               # the first call builds; time the steady state
    return _best(run)


def _matplotlib() -> float:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    data = np.random.default_rng(0).standard_normal((64, 64))

    def run():
        for _ in range(5):
            fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3), dpi=100)
            for k in range(8):
                left.plot(np.cumsum(data[k]), label=f"line {k}")
            left.legend()
            right.imshow(data, cmap="cividis")
            fig.savefig(io.BytesIO(), format="png")
            plt.close(fig)
    return _best(run)


def workload() -> dict:
    """Seconds for each part of the fixed workload and their sum (``"total"``), measured in this process."""
    times = {"numpy matmul": _numpy(), "tensorflow GRU step": _tensorflow(), "matplotlib draw": _matplotlib()}
    times["total"] = sum(times.values())
    return times


def workload_in_subprocess() -> dict:
    """:func:`workload` in a fresh Python, so the bench itself never loads TensorFlow between lessons."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "bench.calibration", "--json"], capture_output=True, text=True,
                          timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the calibration workload failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def busy_share(seconds: float = 1.0) -> float:
    """Share of all CPU cores in use over ``seconds`` (0 to 1), while the caller itself sleeps."""
    import psutil

    return psutil.cpu_percent(interval=seconds) / 100.0


def settled_busy_share(seconds: float = 1.0, tries: int = 5) -> float:
    """The least busy of up to ``tries`` samples, stopping at the first under :data:`BUSY_LIMIT`.

    A kernel that was just shut down (the previous run's) keeps a core busy for a second or two;
    other work that goes on keeps the machine busy in every sample.
    """
    share = busy_share(seconds)
    for _ in range(tries - 1):
        if share <= BUSY_LIMIT:
            break
        share = min(share, busy_share(seconds))
    return share


def ratio(seconds, calibration: dict | None):
    """``seconds`` as a multiple of the calibration total (None when either is missing)."""
    if seconds is None or not calibration or not calibration.get("total"):
        return None
    return seconds / calibration["total"]


if __name__ == "__main__":
    import json
    import sys

    if "--json" in sys.argv[1:]:
        print(json.dumps(workload()))
    else:
        print(f"busy before: {busy_share(2.0):.0%} of the CPU")
        for name, seconds in workload().items():
            print(f"{name:<22}{seconds:7.3f} s")
