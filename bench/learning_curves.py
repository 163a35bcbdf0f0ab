"""Lesson 10's learning curves (helpers.learning_curves): every leaderboard network trained for SECONDS on a
quiet machine, held-out bits per character at checkpoints; written to data/learning_curves.json with the
date and the machine. `make bench` runs it; on its own:

    python -m bench.learning_curves              # 60 s a network, about 8 minutes
    python -m bench.learning_curves --seconds 5  # a quick look
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys

SECONDS = 60.0
EVAL_CHARS = 20_000          # the live leaderboard's held-out slice


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    from helpers import leaderboard, learning_curves, music   # first: helpers sets TensorFlow's environment

    import keras

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    corpus = music.load_corpus()
    vocab = music.build_vocabulary(corpus.train_text + corpus.valid_text)
    train_ids = music.vectorize(corpus.train_text, vocab)
    valid_ids = music.vectorize(corpus.valid_text, vocab)[:EVAL_CHARS]
    counts = {row.name: round(row.bits, 4) for row in leaderboard.count_rows(train_ids, valid_ids, len(vocab))}
    curves = {}
    for kind in leaderboard.NETWORKS:
        keras.utils.set_random_seed(0)
        model = leaderboard.build_char_model(kind, len(vocab))
        curves[kind] = learning_curves.train_curve(model, train_ids, valid_ids, args.seconds)
        last = curves[kind][-1]
        print(f"{kind:<20} {last['bits']:.3f} bits/char after {last['steps']} steps ({last['seconds']:.0f} s)",
              flush=True)
    data = {"date": datetime.date.today().isoformat(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}, Python "
                       f"{platform.python_version()}, Keras {keras.__version__}; load average at the start "
                       f"{load:.2f}, at the end {os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan'):.2f}",
            "seconds": args.seconds, "batch": learning_curves.BATCH, "seq_len": learning_curves.SEQ_LEN,
            "held_out_chars": len(valid_ids), "counts": counts, "curves": curves}
    out = args.out or learning_curves.DATA
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
        handle.write("\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
