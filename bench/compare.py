"""`make bench-compare OLD=old.md NEW=BENCHMARKS.md`: flag regressions between two benchmark tables.

    python -m bench.compare OLD.md NEW.md [--time-tolerance 0.2] [--metric-tolerance 0.05]

Exit status 1 when something regressed, 0 otherwise. What counts as a regression:

* time: a notebook's median wall time grew by more than 20 % (``--time-tolerance``) and by more
  than 1 s (below that it is timer noise), in either profile;
* memory: the peak grew by more than 20 % and by more than 50 MiB;
* budget: a notebook that passed its budget (or ran) now fails it (or errors);
* metrics: a figure moved in its worse direction by more than 5 % of the old value
  (``--metric-tolerance``; at least 1e-6, so float noise in a ~1e-7 gradient check is not a
  regression). The direction comes from the metric's name, by this rule (first match wins):

  - lower is better when the name contains one of LOWER_IS_BETTER
    (error, diff, loss, bits, bpc, perplexity, time, seconds, latency, memory, mse, mae, distance);
  - higher is better when it contains one of HIGHER_IS_BETTER
    (accuracy, acc, rate, match, score, f1, precision, recall, auc, playable, parse, valid, pass);
  - words are matched whole, plural allowed ("timesteps" is not "time"; "|diff|" is "diff");
  - otherwise the metric has no direction: changes are listed, never flagged.

  "error rate" is therefore lower-is-better (error is checked first); name your metrics so
  the rule reads them right, e.g. "07 playable rate", "04 BPTT max |diff| vs GradientTape".

Notebooks or metrics that appear in only one table are listed as added/removed, not flagged.

Calibration: when both tables carry `bench/calibration.py`'s workload time, the old times are first
multiplied by new/old calibration, so a machine that is 30 % slower today shows as a slower
calibration, not as thirty regressions.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from bench.table import PROFILES, parse

LOWER_IS_BETTER = ("error", "diff", "loss", "bit", "bpc", "perplexity", "time", "second", "latency", "memory",
                   "mse", "mae", "distance")
HIGHER_IS_BETTER = ("accuracy", "acc", "rate", "match", "score", "f1", "precision", "recall", "auc",
                    "playable", "parse", "valid", "pass")
TIME_TOLERANCE, TIME_FLOOR_S = 0.20, 1.0
MEMORY_TOLERANCE, MEMORY_FLOOR_MIB = 0.20, 50.0
METRIC_TOLERANCE, METRIC_FLOOR = 0.05, 1e-6


def direction(name: str) -> int:
    """-1 when lower is better, +1 when higher is better, 0 when the name does not say.

    Words are compared whole (a plural 's' allowed): "timesteps" is not "time", "|diff|" is "diff".
    """
    words = set(re.findall(r"[a-z0-9]+", name.lower()))
    words |= {w[:-1] for w in words if w.endswith("s")}
    if words & set(LOWER_IS_BETTER):
        return -1
    if words & set(HIGHER_IS_BETTER):
        return +1
    return 0


def worse(old, new, tolerance: float, floor: float, sign: int) -> bool:
    """True when ``new`` moved against ``sign`` (+1: should not drop, -1: should not grow) past the margin."""
    if old is None or new is None or sign == 0:
        return False
    margin = max(abs(old) * tolerance, floor)
    return (old - new) > margin if sign > 0 else (new - old) > margin


def _ok(status: str | None) -> bool:
    return status == "pass"


def machine_speed(old: dict, new: dict):
    """New calibration total over old (>1: the new machine, or its day, is slower); None if either lacks one."""
    t0 = old.get("calibration", {}).get("before", {}).get("total")
    t1 = new.get("calibration", {}).get("before", {}).get("total")
    return t1 / t0 if t0 and t1 else None


def compare(old: dict, new: dict, *, time_tolerance: float = TIME_TOLERANCE,
            metric_tolerance: float = METRIC_TOLERANCE) -> tuple[list[str], list[str]]:
    """(regressions, notes) between two parsed benchmarks (see bench.table.parse)."""
    regressions, notes = [], []
    speed = machine_speed(old, new)
    if speed is not None:
        notes.append(f"calibration: the new machine took {speed:.2f}x the old one's time on the fixed workload; "
                     "old times are scaled by that before comparing")
    for stem in sorted(set(old["notebooks"]) | set(new["notebooks"])):
        if stem not in new["notebooks"]:
            notes.append(f"{stem}: removed (only in the old table)")
            continue
        if stem not in old["notebooks"]:
            notes.append(f"{stem}: added")
            continue
        for profile in PROFILES:
            before, after = old["notebooks"][stem].get(profile, {}), new["notebooks"][stem].get(profile, {})
            t0, t1 = before.get("seconds"), after.get("seconds")
            if speed is not None and t0 is not None:
                t0 = t0 * speed                   # what the old run would take on the new machine
            if worse(t0, t1, time_tolerance, TIME_FLOOR_S, -1):
                regressions.append(f"{stem} {profile} time: {t0:.3g} s -> {t1:.3g} s ({(t1 / t0 - 1) * 100:+.0f} %)"
                                   + (" (old time calibrated)" if speed is not None else ""))
            m0, m1 = before.get("peak_mib"), after.get("peak_mib")
            if worse(m0, m1, MEMORY_TOLERANCE, MEMORY_FLOOR_MIB, -1):
                regressions.append(f"{stem} {profile} peak memory: {m0:.4g} MiB -> {m1:.4g} MiB "
                                   f"({(m1 / m0 - 1) * 100:+.0f} %)")
            if _ok(before.get("status")) and after.get("status") and not _ok(after.get("status")):
                regressions.append(f"{stem} {profile} budget: {before['status']} -> {after['status']}")
    for stem in sorted(set(old["metrics"]) | set(new["metrics"])):
        before_all, after_all = old["metrics"].get(stem, {}), new["metrics"].get(stem, {})
        for name in sorted(set(before_all) | set(after_all)):
            if name not in after_all:
                notes.append(f"{stem} metric {name!r}: removed")
                continue
            if name not in before_all:
                notes.append(f"{stem} metric {name!r}: added")
                continue
            sign = direction(name)
            unit = after_all[name].get("unit") or ""
            for profile in PROFILES:
                v0, v1 = before_all[name].get(profile), after_all[name].get(profile)
                if v0 is None or v1 is None or v0 == v1:
                    continue
                change = f"{stem} {profile} {name!r}: {v0:.6g} -> {v1:.6g}{(' ' + unit) if unit else ''}"
                if worse(v0, v1, metric_tolerance, METRIC_FLOOR, sign):
                    regressions.append(change + (" (lower is better)" if sign < 0 else " (higher is better)"))
                elif sign == 0:
                    notes.append(change + " (no direction from the name)")
    return regressions, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--time-tolerance", type=float, default=TIME_TOLERANCE)
    parser.add_argument("--metric-tolerance", type=float, default=METRIC_TOLERANCE)
    args = parser.parse_args(argv)
    for path in (args.old, args.new):
        if not path.is_file():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
    old, new = (parse(p.read_text(encoding="utf-8")) for p in (args.old, args.new))
    regressions, notes = compare(old, new, time_tolerance=args.time_tolerance,
                                 metric_tolerance=args.metric_tolerance)
    for note in notes:
        print(f"note: {note}")
    for regression in regressions:
        print(f"REGRESSION: {regression}")
    print(f"{len(regressions)} regression(s) between {args.old} and {args.new}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
