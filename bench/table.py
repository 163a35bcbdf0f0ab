"""The BENCHMARKS.md format: written by bench/run.py, read back by bench/compare.py.

A benchmark is a dict::

    {"date": "...", "machine": {label: text},
     "notebooks": {stem: {profile: {"seconds": s, "peak_mib": m, "status": "pass"|"fail"|"error: ..."}}},
     "metrics":   {stem: {metric name: {"unit": u, profile: value}}},
     "calibration": {"before": {part: s}, "after": {part: s}, "busy": {stem: share}}}   # optional

Profiles are ``fast`` and ``full``; a missing measurement is ``None`` (shown as ``-``).
"""
from __future__ import annotations

import re

from bench.calibration import BUSY_LIMIT, ratio

PROFILES = ("fast", "full")
BUDGETS = {"fast": 30.0, "full": 120.0}      # seconds per notebook (CONTRIBUTING.md)
# Lessons with a budget of their own: lesson 07 may train for 150 s, the whole notebook 3 minutes;
# lesson 10 (issue 15) trains four scorecard models, the long-gap model, two timing models, a transformer
# in lesson 07's 140 s and the leaderboard's six networks at 6 s each: the issue's 5 minutes;
# lesson 09 (issue 16) trains two encoder-decoders on tidy and typed dates, 6 epochs each: 3 minutes.
BUDGET_OVERRIDES = {"07_music_generation": {"full": 180.0}, "09_attention": {"full": 180.0},
                    "10_self_attention": {"full": 300.0}}


def budget(stem: str, profile: str) -> float:
    """The wall-time budget (seconds) of notebook ``stem`` in ``profile``."""
    return BUDGET_OVERRIDES.get(stem, {}).get(profile, BUDGETS[profile])


# Quality targets from the issues, checked against the full-profile metrics: (metric, comparison, value).
TARGETS = [
    ("02 bag of words, minimal pairs accuracy", "==", 0.5),
    ("03 numpy loop vs SimpleRNN max |diff|", "<=", 1e-5),
    ("03 RNN(cell) vs SimpleRNN max |diff|", "<=", 1e-5),
    ("03 simple RNN: long-term dependency", ">=", 95.0),
    ("03 simple RNN: word order", ">=", 95.0),
    ("04 BPTT vs central differences, max relative error", "<=", 1e-6),
    ("04 BPTT vs tf.GradientTape, max relative error", "<=", 1e-6),
    ("05 long-gap accuracy, tanh, small random init, gap 50", "<=", 0.2),
    ("06 LSTM numpy max abs diff vs keras.layers.LSTM", "<=", 1e-5),
    ("06 GRU numpy max abs diff vs keras.layers.GRU", "<=", 1e-5),
    ("06 long-gap accuracy at gap 50, LSTM (gated)", ">=", 0.95),
    ("07 training time", "<=", 150.0),
    ("07 held-out bits per character", "<=", 1.8),
    ("07 playable rate (generated)", ">=", 0.8),
    ("07 sampling speed", ">=", 1000.0),
    ("08 bag of words accuracy, minimal pairs", "==", 0.5),
    ("08 LSTM accuracy, minimal pairs", ">=", 0.97),
    ("08 LSTM training time", "<=", 60.0),
    ("08 LSTM accuracy, everyday reviews (hand-written)", ">=", 0.85),
    ("08 LSTM accuracy, negation reviews (hand-written)", ">=", 0.85),    # issue 26: at least 85 % on the
    ("08 LSTM accuracy, negation reviews (hand-written), worst of 3 seeds", ">=", 0.85),   #  negation set, across seeds
    ("08 LSTM without polarity reviews accuracy, negation reviews (hand-written), best of 3 seeds", "<=", 0.7),
                                                                          # 08: "without the second generator …
                                                                          #  near chance"
    ("07 bits per character saved by the GRU over the 5-gram", ">=", 0.5),   # what recurrence buys over counting
    ("07 tunes copying 2+ bars verbatim (generated)", "<=", 0.2),   # no more than real tunes share (0.17)
    ("09 exact match with attention (greedy, test)", ">=", 0.995),
    ("09 exact match with attention (greedy, test), worst of 3 seeds", ">=", 0.995),
    ("09 exact match with attention, typed by hand (greedy)", ">=", 0.95),
    ("09 exact match with attention, typed by hand (greedy), worst of 3 seeds", ">=", 0.95),
    ("09 training time with attention", "<=", 90.0),
    ("10 numpy multi-head attention max abs diff vs keras.layers.MultiHeadAttention", "<=", 1e-5),
    ("10 word order (minimal pairs), self-attention without positions", ">=", 0.47),
    ("10 word order (minimal pairs), self-attention without positions", "<=", 0.53),
    ("10 word order (minimal pairs), self-attention with sinusoidal positions", ">=", 0.95),
    ("10 long-gap accuracy at gap 50, self-attention", ">=", 0.95),
    # the transformer in lesson 07's 140 s (2.71 on a quiet 2-core machine, 3.52 under load 8-12)
    ("10 transformer held-out bits per character (lesson 07's 140 s budget)", "<=", 3.0),
    # the leaderboard: count models are deterministic; the bag cannot learn order, whatever its budget
    ("10 leaderboard unigram counts, held-out bits per character", ">=", 4.7),
    ("10 leaderboard unigram counts, held-out bits per character", "<=", 4.85),
    ("10 leaderboard n-gram counts (best order), held-out bits per character", "<=", 2.65),
    ("10 leaderboard fixed window, held-out bits per character", "<=", 3.0),
    ("10 leaderboard bag of characters, held-out bits per character", ">=", 4.0),
    ("10 leaderboard GRU, held-out bits per character", "<=", 4.0),
    # issue 17: the ball's next position (lesson 00) and tagging with a bidirectional LSTM (lesson 06)
    ("00 ball error ratio GRU / window of 3, 20+ positions seen", "<=", 0.85),
    ("00 ball next-position error, GRU, 20+ positions seen", "<=", 7.0),
    ("06 tagging accuracy, unidirectional LSTM, ambiguous tokens", ">=", 0.4),
    ("06 tagging accuracy, unidirectional LSTM, ambiguous tokens", "<=", 0.6),
    ("06 tagging accuracy, unidirectional LSTM, other tokens", ">=", 0.98),
    ("06 tagging accuracy, bidirectional LSTM, ambiguous tokens", ">=", 0.98),
    ("06 tagging accuracy, bidirectional LSTM, all tokens", ">=", 0.98),
] + [
    # issue 17: every number a sentence of the lessons relies on (the sentence is quoted or paraphrased beside it)
    ("01 2-word window accuracy on fluent ___", "<=", 0.15),                  # "at chance on speaks fluent ___"
    ("01 largest |weight of 'open'| at positions 6-11", "<=", 1e-6),         # "positions 6-11 ... exactly 0"
    ("02 bag of words, fluent ___ with a distractor place", "<=", 0.6),      # "cannot tell which place answers"
    ("02 scorecard bag of words / parameter sharing", ">=", 0.4),            # "at chance on parameter sharing too"
    ("02 scorecard bag of words / parameter sharing", "<=", 0.6),
    ("03 simple RNN: variable length", ">=", 95.0),                          # notes: "100 % on variable length"
    ("03 simple RNN: parameter sharing", ">=", 75.0),                        # "about 85 % on the key phrase"
    ("03 simple RNN: parameter sharing", "<=", 95.0),                        # "not perfect"
    ("05 gradient norm at t=50, tanh, radius 0.9", ">=", 1e-3),              # "about 2e-3 after 50 steps"
    ("05 gradient norm at t=50, tanh, radius 0.9", "<=", 5e-3),
    ("05 gradient norm at t=100, tanh, radius 0.9", ">=", 1e-6),             # "about 3e-6 after 100"
    ("05 gradient norm at t=100, tanh, radius 0.9", "<=", 1e-5),
    ("05 factor per step, tanh, radius 1.5", ">=", 0.97),                    # "levels off (about 1.0 per step)"
    ("05 factor per step, tanh, radius 1.5", "<=", 1.03),
    ("05 factor per step, tanh, radius 2.5", ">=", 1.1),                     # "still grows about 1.19 times per step"
    ("05 gradient norm at t=100, tanh, radius 2.5", ">=", 1e8),              # "to more than 1e8 by step 100"
    ("05 steps with a finite loss, no clipping", "<=", 1),                   # "the loss becomes nan"
    ("05 steps with a finite loss, clipnorm 1.0", ">=", 60),                 # clipped: stays finite
    ("05 final loss with clipnorm 1.0", ">=", 1.9),                          # "settles near ln 8 = 2.08"
    ("05 final loss with clipnorm 1.0", "<=", 2.3),
    ("05 long-gap accuracy, tanh, small random init, gap 10", ">=", 0.95),   # "the baseline solves gap 10"
    ("05 long-gap accuracy, ReLU, small random init, gap 10", "<=", 0.3),    # "ReLU ... does not help at all"
    ("05 long-gap accuracy, tanh, orthogonal init, gap 25", ">=", 0.95),     # "learn gap 25"
    ("05 long-gap accuracy, LSTM (gated), gap 50", ">=", 0.95),              # "the LSTM solves every gap"
    ("06 long-gap accuracy at gap 50, tanh, small random init", "<=", 0.2),  # "the tanh RNN stays near chance"
    ("06 dL/dx_0 over dL/dx_last, tanh, small random init", "<=", 1e-3),     # "many orders of magnitude below"
    ("06 dL/dx_0 over dL/dx_last, LSTM (gated)", ">=", 0.1),                 # "of the same order"
    ("06 scorecard LSTM, parameter sharing", ">=", 0.75),                    # "wins ... parameter sharing outright"
    ("06 scorecard LSTM, word order", ">=", 0.95),
]
# Claims that compare two recorded metrics: (metric, comparison, (other metric, margin)), read as
# "metric <comparison> other + margin". Each is a sentence of a lesson, quoted beside it: when a run stops
# supporting it, `make bench` says FAIL and the sentence must change with the numbers.
TARGETS += [
    ("07 tunes copying 2+ bars verbatim (generated)", "<=",                # 07: "no more generated tunes copy
     ("07 tunes copying 2+ bars verbatim (real held-out)", 0.0)),          #  two or more bars than real ones"
    ("08 SimpleRNN accuracy, broad reviews", ">=",                         # 08: "the SimpleRNN at 85.2 %, between
     ("08 bag of words accuracy, broad reviews", 0.05)),                   #  them and the bag of words"
    ("08 LSTM accuracy, broad reviews", ">=", ("08 SimpleRNN accuracy, broad reviews", 0.05)),
    ("08 SimpleRNN accuracy, everyday reviews (hand-written)", "<=",      # "on the hand-written sets the
     ("08 LSTM accuracy, everyday reviews (hand-written)", -0.03)),       #  SimpleRNN falls behind the LSTM"
    ("08 SimpleRNN accuracy, negation reviews (hand-written)", "<=",
     ("08 LSTM accuracy, negation reviews (hand-written)", -0.1)),
    ("08 LSTM accuracy, negation reviews (hand-written)", ">=",           # "reading what they apply to does"
     ("08 bag of words accuracy, negation reviews (hand-written)", 0.1)),
    ("10 transformer held-out bits per character (lesson 07's 140 s budget)", ">=",   # 10: "the recurrent model
     ("07 held-out bits per character", 0.0)),                                        #  wins" in 140 s
    ("10 training step GRU over self-attention, T=512", "<=", 0.5),        # 10: attention "the slower of the two"
    ("10 leaderboard fixed window, held-out bits per character", "<=",     # 10: "0.24 bits below the counts,
     ("10 leaderboard n-gram counts (best order), held-out bits per character", -0.1)),  # more than the noise"
    ("10 leaderboard transformer, held-out bits per character", ">=",      # 10: "last of the networks"
     ("10 leaderboard LSTM, held-out bits per character", 0.0)),
    ("10 leaderboard transformer, held-out bits per character", ">=",
     ("10 leaderboard SimpleRNN, held-out bits per character", 0.0)),
    ("10 leaderboard transformer, held-out bits per character", ">=",
     ("10 leaderboard GRU, held-out bits per character", 0.0)),
    ("10 leaderboard transformer, held-out bits per character", "<=",      # "not far below the unigram counts"
     ("10 leaderboard unigram counts, held-out bits per character", 0.0)),
    ("10 leaderboard transformer, held-out bits per character", ">=",      # "no better than the bag of characters"
     ("10 leaderboard bag of characters, held-out bits per character", -0.1)),   # (within the 0.1-bit noise)
]
TARGET_COLUMNS = ["metric", "target", "measured (full)", "met"]


def meets(value, comparison: str, target: float) -> bool:
    """Whether a measured ``value`` meets ``comparison target`` (a missing value never does)."""
    if value is None or value != value:        # missing or NaN
        return False
    return {"<=": value <= target, ">=": value >= target, "==": abs(value - target) <= 1e-9}[comparison]


def target_rows(bench: dict) -> list[tuple[str, str, object, bool]]:
    """(metric, target text, full-profile value or None, met) for every target in :data:`TARGETS`.

    A target is a number, or ``(other metric, margin)``: then it is the other metric's full-profile value plus
    the margin (missing if that metric is).
    """
    full = {name: values.get("full") for named in bench.get("metrics", {}).values() for name, values in named.items()}
    rows = []
    for name, comparison, target in TARGETS:
        if isinstance(target, tuple):
            other, margin = target
            value = full.get(other)
            text = f"{comparison} {other}" + (f" {margin:+g}" if margin else "")
            target = None if value is None else value + margin
        else:
            text = f"{comparison} {target:g}"
        rows.append((name, text, full.get(name), target is not None and meets(full.get(name), comparison, target)))
    return rows


NOTEBOOK_COLUMNS = ["notebook", "fast time (s)", "full time (s)", "fast peak memory (MiB)",
                    "full peak memory (MiB)", f"fast <= {BUDGETS['fast']:.0f} s", f"full <= {BUDGETS['full']:.0f} s",
                    "fast (x calibration)", "full (x calibration)", "machine busy before"]
OLD_NOTEBOOK_COLUMNS = 7         # tables written before the calibration (2026-12-06) have no last three columns
CALIBRATION_PARTS = ("numpy matmul", "tensorflow GRU step", "matplotlib draw", "total")
METRIC_COLUMNS = ["metric", "unit", "fast", "full"]
MISSING = "-"


def escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def split_row(line: str) -> list[str]:
    """Cells of a Markdown table row; ``\\|`` is a literal bar."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells, current, chars = [], [], iter(line)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    cells.append("".join(current).strip())
    return cells


def number(value, digits: int = 4) -> str:
    if value is None:
        return MISSING
    return f"{value:.{digits}g}"


def parse_number(text: str):
    text = text.strip()
    if text in {"", MISSING}:
        return None
    return float(text)


def learning_curve_lines(curves: dict | None) -> list[str]:
    """Lesson 10's leaderboard as `make bench` stored it (``data/learning_curves.json``): end of budget, equal data."""
    if not curves or not curves.get("curves"):
        return []
    from helpers.learning_curves import at_chars

    equal = min(points[-1]["chars"] for points in curves["curves"].values())
    ranked = sorted(curves["curves"].items(), key=lambda item: item[1][-1]["bits"])
    lines = ["", "## Learning curves (lesson 10's leaderboard)", "",
             f"Each network trained {curves.get('seconds', 0):g} s on lesson 07's tunes by `python -m bench.learning_curves` "
             f"(`make bench` runs it; stored in `data/learning_curves.json` on {curves.get('date', '?')}: "
             f"{curves.get('machine', '?')}); held-out bits per character, lower is better. \"Equal data\" is each "
             f"network after {equal:,} characters, the most the slowest one saw.", "",
             "| network | steps in the budget | characters seen | bits/char at the end | bits/char at equal data |",
             "|---|---|---|---|---|"]
    for name, points in ranked:
        lines.append(f"| {escape(name)} | {points[-1]['steps']:,} | {points[-1]['chars']:,} | "
                     f"{number(points[-1]['bits'], 3)} | {number(at_chars(points, equal), 3)} |")
    for name, bits in curves.get("counts", {}).items():
        lines.append(f"| {escape(name)} (counts, no training) | - | - | {number(bits, 3)} | {number(bits, 3)} |")
    return lines


def render(bench: dict) -> str:
    lines = ["# Benchmarks", "",
             f"Written by `make bench` (`bench/run.py`) on {bench.get('date', 'an unknown date')}: every "
             "solution notebook run top to bottom with nbclient in both profiles. Time is wall time "
             "including the kernel start; peak memory is the largest resident size of the kernel's process "
             "tree (sampled); both are medians of the repeats. Metrics are what the lessons report "
             "through `helpers.record()`. Compare two tables with `make bench-compare OLD=old.md NEW=BENCHMARKS.md`.",
             "", "## Machine", "", "| item | value |", "|---|---|"]
    lines += [f"| {escape(k)} | {escape(v)} |" for k, v in bench.get("machine", {}).items()]
    calibration = bench.get("calibration", {})
    if calibration.get("before"):
        lines += ["", "## Calibration", "", "A fixed workload (`bench/calibration.py`, best of three tries each), run before "
                  "and after the lessons. The notebooks' \"x calibration\" columns are their times divided by the total "
                  "before; `make bench-compare` compares those, so a slower machine is not a regression. \"Machine busy "
                  f"before\" is the largest share of the CPU in use just before a run, once the previous run's kernel has exited (limit "
                  f"{BUSY_LIMIT:.0%}).", "", "| workload | before (s) | after (s) |", "|---|---|---|"]
        lines += [f"| {part} | {number(calibration['before'].get(part), 4)} | "
                  f"{number(calibration.get('after', {}).get(part), 4)} |" for part in CALIBRATION_PARTS]
    lines += ["", "## Notebooks", "", "| " + " | ".join(NOTEBOOK_COLUMNS) + " |",
              "|" + "---|" * len(NOTEBOOK_COLUMNS)]
    for stem, runs in bench.get("notebooks", {}).items():
        cells = [escape(stem)]
        cells += [number(runs.get(p, {}).get("seconds"), 3) for p in PROFILES]
        cells += [number(runs.get(p, {}).get("peak_mib"), 4) for p in PROFILES]
        cells += [escape(runs.get(p, {}).get("status", MISSING)) for p in PROFILES]
        cells += [number(ratio(runs.get(p, {}).get("seconds"), calibration.get("before")), 3) for p in PROFILES]
        share = calibration.get("busy", {}).get(stem)
        cells.append(MISSING if share is None else f"{share:.0%}" + (" (over the limit)" if share > BUSY_LIMIT else ""))
        lines.append("| " + " | ".join(cells) + " |")
    overrides = ", ".join(f"{stem} {p} {s:.0f} s" for stem, b in BUDGET_OVERRIDES.items() for p, s in b.items())
    lines += ["", f"Budgets: fast {BUDGETS['fast']:.0f} s, full {BUDGETS['full']:.0f} s a notebook; own budgets: {overrides}."]
    if bench.get("metrics"):
        rows = target_rows(bench)
        lines += ["", "## Quality targets", "", f"The issues' targets, checked against the full-profile metrics below: "
                  f"{sum(r[3] for r in rows)} of {len(rows)} met.", "",
                  "| " + " | ".join(TARGET_COLUMNS) + " |", "|" + "---|" * len(TARGET_COLUMNS)]
        lines += [f"| {escape(name)} | {escape(text)} | {number(value, 4)} | {'pass' if ok else 'FAIL'} |"
                  for name, text, value, ok in rows]
    if bench.get("widgets"):
        lines += ["", "## Widget updates", "", "Every explorer control of every lesson, measured in the lesson's own "
                  "kernel after its first fast-profile run (`bench/explorer_probe.py`): the median milliseconds of six "
                  "moves, from setting the control to the callback's return (model call, plotting and the inline "
                  "backend's PNG encoding; the browser's share is not in it); target <= 100 ms.",
                  "", "| widget | median ms | <= 100 ms |", "|---|---|---|"]
        lines += [f"| {escape(name)} | {ms:.1f} | {'pass' if ms <= 100 else 'FAIL'} |" for name, ms in bench["widgets"].items()]
    lines += learning_curve_lines(bench.get("learning_curves"))
    lines += ["", "## Metrics", ""]
    metrics = bench.get("metrics", {})
    if not metrics:
        lines.append("No lesson recorded a metric.")
    for stem, named in metrics.items():
        lines += [f"### {stem}", "", "| " + " | ".join(METRIC_COLUMNS) + " |", "|" + "---|" * len(METRIC_COLUMNS)]
        for name, values in named.items():
            lines.append(f"| {escape(name)} | {escape(values.get('unit', ''))} | "
                         f"{number(values.get('fast'), 6)} | {number(values.get('full'), 6)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def parse(text: str) -> dict:
    """Read a BENCHMARKS.md back into the dict :func:`render` takes (numbers as rounded there)."""
    bench = {"machine": {}, "notebooks": {}, "metrics": {}}
    section, stem = None, None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            section, stem = line[3:].strip().lower(), None
            continue
        if line.startswith("### "):
            stem = line[4:].strip()
            if section == "metrics":
                bench["metrics"].setdefault(stem, {})
            continue
        match = re.match(r"Written by .* on (.+?): every", line)
        if match:
            bench["date"] = match.group(1)
        if not line.startswith("|") or re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):
            continue
        cells = split_row(line)
        if section == "machine" and cells != ["item", "value"] and len(cells) == 2:
            bench["machine"][cells[0]] = cells[1]
        elif section == "widget updates" and cells[0] != "widget" and len(cells) == 3:
            bench.setdefault("widgets", {})[cells[0]] = float(cells[1])
        elif section == "calibration" and cells[0] in CALIBRATION_PARTS and len(cells) == 3:
            for column, moment in ((1, "before"), (2, "after")):
                value = parse_number(cells[column])
                if value is not None:
                    bench.setdefault("calibration", {}).setdefault(moment, {})[cells[0]] = value
        elif section == "notebooks" and cells[0] != "notebook" and len(cells) in (len(NOTEBOOK_COLUMNS),
                                                                                 OLD_NOTEBOOK_COLUMNS):
            bench["notebooks"][cells[0]] = {
                profile: {"seconds": parse_number(cells[1 + i]), "peak_mib": parse_number(cells[3 + i]),
                          "status": cells[5 + i]}
                for i, profile in enumerate(PROFILES)}
            if len(cells) == len(NOTEBOOK_COLUMNS) and cells[9] != MISSING:
                bench.setdefault("calibration", {}).setdefault("busy", {})[cells[0]] = \
                    float(cells[9].split("%")[0]) / 100
        elif section == "metrics" and stem and cells[0] != "metric" and len(cells) == len(METRIC_COLUMNS):
            bench["metrics"][stem][cells[0]] = {"unit": cells[1], "fast": parse_number(cells[2]),
                                                "full": parse_number(cells[3])}
    return bench
