"""Every result-like number in a lesson's prose is one its outputs show (issue 26: claims bound to outputs).

A sentence in a lesson is judged by the output above it. For every markdown cell of every committed
solution, each number with a decimal point or a percent sign (``2.24``, ``77.2 %``, ``13 %``) must be
one of these, after rounding to the digits the prose gives:

* a number printed by a code cell above it (text, tables, a figure's description), as it is, as a
  percentage of it, or as a fraction of it;
* a number written in the code above it (a budget, a learning rate the prose quotes);
* a recorded metric of ``BENCHMARKS.md`` named in :data:`FROM_METRICS` (the prose names the lesson
  and run it comes from: lesson 08's seeds, another lesson's result);
* a constant listed in :data:`CONSTANTS`, each with the reason it is not a result.

When a re-executed lesson prints other numbers, this test names each sentence that still quotes the
old ones. Exercise numbers (``Exercise 03.2``) and numbers in code spans, formulas and links are not
read.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from bench import table

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))

NUMBER = re.compile(r"(?<![\w./-])([−-]?\d+(?:,\d{3})*(?:\.\d+)?)(\s?%)?")
PRINTED = re.compile(r"[−-]?\d+(?:,\d{3})*(?:\.\d+)?(?:e[−+-]?\d+)?")
NOT_READ = [re.compile(p) for p in (r"`[^`]*`", r"\$\$.*?\$\$", r"\$[^$]*\$", r"\]\([^)]*\)",
                                    r"[Ee]xercise \d\d\.\d", r"\b\d\d\.\d\b(?= ·)")]

# (lesson, number as written) -> the BENCHMARKS.md metric (full profile) the sentence quotes.
FROM_METRICS = {
    ("08_sentiment", "84.1 %"): "08 LSTM accuracy, everyday reviews (hand-written), seed 1",
    ("08_sentiment", "88.6 %"): "08 LSTM accuracy, everyday reviews (hand-written), seed 2",
    ("08_sentiment", "88.3 %"): "08 LSTM accuracy, negation reviews (hand-written), seed 1",
    ("08_sentiment", "60.0 %"): "08 LSTM without polarity reviews accuracy, negation reviews (hand-written), seed 0",
    ("08_sentiment", "65.0 %"): "08 LSTM without polarity reviews accuracy, negation reviews (hand-written), seed 1",
    ("08_sentiment", "58.3 %"): "08 LSTM without polarity reviews accuracy, negation reviews (hand-written), seed 2",
    ("10_self_attention", "90 %"): "06 scorecard LSTM, parameter sharing",
    ("10_self_attention", "4.18"): "10 leaderboard transformer, held-out bits per character",
    ("10_self_attention", "4.22"): "10 leaderboard bag of characters, held-out bits per character",
    ("10_self_attention", "13 %"): "05 long-gap accuracy, tanh, small random init, gap 50",
}
# (lesson, number as written) -> why it is not a result the outputs must show.
CONSTANTS = {
    ("00_start_here", "0.05"): "the simulated camera's frame interval (helpers/trajectory.py), a setting",
    ("01_fixed_window", "50 %"): "chance with two classes",
    ("03_rnn_from_scratch", "99 %"): "a design run the sentence names as such (Going further, recurrent dropout)",
    ("03_rnn_from_scratch", "9 %"): "the same design run",
    ("05_vanishing_gradients", "2.08"): "ln 8, the loss of a uniform guess among 8 classes",
    ("05_vanishing_gradients", "12.5 %"): "chance, 1/8",
    ("06_lstm", "0.003"): "the long-gap experiment's learning rate (helpers/long_gap.py's default), a setting",
    ("07_music_generation", "1.82"): "design runs the paragraph names as such (why a GRU; why the schedule)",
    ("07_music_generation", "2.01"): "the same design runs",
    ("08_sentiment", "5 %"): "the share of training tokens hidden as <unk>, a setting of lesson_data",
    ("08_sentiment", "1.1 %"): "one review of 88, arithmetic",
    ("08_sentiment", "1.7 %"): "one review of 60, arithmetic",
    ("09_attention", "3.3"): "part of a date written '3.3.1987', not a number",
    ("10_self_attention", "2.1"): "the same ratio",
    ("10_self_attention", "3.6"): "875 steps x 16 x 256 characters, arithmetic on printed figures",
    ("10_self_attention", "0.24"): "140 s / 575 steps, arithmetic on printed figures",
    ("10_self_attention", "0.16"): "140 s / 875 steps, arithmetic on printed figures",
    ("10_self_attention", "0.22"): "5-gram counts 2.579 - fixed window 2.359 on the printed board, arithmetic",
    ("10_self_attention", "1.6"): "bag of characters 4.19 - 5-gram counts 2.58, arithmetic on the printed board",
    ("10_self_attention", "1.8"): "65 / 31 and 31 / 17 of the timings printed above; 4.19 - 2.36 on the board, arithmetic",
    ("10_self_attention", "4.68"): "an earlier `make bench` run, named as such (BENCHMARKS.md of 2026-12-06 10:00 UTC, in git)",
    ("10_self_attention", "2.23"): "the SimpleRNN's best point in data/learning_curves.json (tests/test_learning_curves.py)",
    ("03_rnn_from_scratch", "0.1"): "the recurrent dropout of the same design run, a setting",
    ("05_vanishing_gradients", "0.001"): "a learning rate the exercise asks students to try, a setting",
    ("07_music_generation", "1.72"): "the same design runs",
    ("08_sentiment", "0.01"): "Adam's learning rate (helpers/sentiment.py LEARNING_RATE), a setting",
}


def _text_of_outputs(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        for kind in ("text/plain", "text/markdown", "text/html"):
            value = output.get("data", {}).get(kind, "")
            parts.append(value if isinstance(value, str) else "".join(value))
        alt = output.get("metadata", {}).get("image/png", {}) if isinstance(output.get("metadata"), dict) else {}
        parts.append(alt.get("alt", "") if isinstance(alt, dict) else "")
    return "\n".join(parts)


def _numbers(text: str) -> list[float]:
    values = []
    for match in PRINTED.finditer(text):
        try:
            values.append(float(match.group(0).replace("−", "-").replace(",", "")))
        except ValueError:
            pass
    return values


def shows(token: str, seen: list[float]) -> bool:
    """Whether ``token`` (as the prose writes it) is one of ``seen`` rounded to its digits; a percentage may
    also be a printed share (0.567 for 56.7 %). Only a percentage is scaled: "4.68" is not a printed 468."""
    plain = token.replace("%", "").strip().replace("−", "-").replace(",", "")
    value = float(plain)
    digits = len(plain.split(".")[1]) if "." in plain else 0
    half = 0.5 * 10 ** -digits + 1e-9
    scales = (1, 100) if "%" in token else (1,)
    return any(abs(abs(y * scale) - abs(value)) <= half for y in seen for scale in scales)


def unsupported(path: Path, metrics: dict) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    seen, problems, started = [], [], False
    for cell in nb.cells:
        if cell.cell_type == "code":
            started = True
            seen += _numbers(_text_of_outputs(cell)) + _numbers(cell.source)
            continue
        if not started or cell.cell_type != "markdown":
            continue
        prose = cell.source
        for pattern in NOT_READ:
            prose = pattern.sub(" ", prose)
        for match in NUMBER.finditer(prose):
            token = match.group(1) + (" %" if match.group(2) else "")
            if "." not in token and "%" not in token:
                continue                                   # whole numbers: counts, sizes, lesson numbers
            key = (path.stem, token)
            if key in CONSTANTS or shows(token, seen):
                continue
            if key in FROM_METRICS and metrics.get(FROM_METRICS[key]) is not None \
                    and shows(token, [metrics[FROM_METRICS[key]]]):
                continue
            context = " ".join(prose[max(0, match.start() - 60):match.end() + 30].split())
            problems.append(f"{path.stem} cell {cell.get('id')}: {token!r} in '…{context}…'")
    return problems


@pytest.fixture(scope="module")
def metrics():
    bench = table.parse((ROOT / "BENCHMARKS.md").read_text(encoding="utf-8"))
    return {name: values.get("full") for named in bench["metrics"].values() for name, values in named.items()}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_number_in_the_prose_is_shown_above_it(path, metrics):
    assert not unsupported(path, metrics)


def test_the_check_catches_a_number_no_output_shows(tmp_path, metrics):
    nb = nbformat.read(ROOT / "solutions" / "08_sentiment.ipynb", as_version=4)
    reading = next(c for c in nb.cells if "reading" in c.metadata.get("tags", []) and "is right on 85.0 %" in c.source)
    reading.source = reading.source.replace("is right on 85.0 %", "is right on 81.7 %")   # a stale figure
    broken = tmp_path / "08_sentiment.ipynb"
    nbformat.write(nb, broken)
    assert [p for p in unsupported(broken, metrics) if "'81.7 %'" in p]
    assert shows("77.2 %", [0.772]) and shows("2.24", [2.2376]) and not shows("2.24", [2.2549])
    assert shows("0.022", [0.0221]) and not shows("0.03", [0.0121])


def test_every_exception_is_still_needed():
    """A constant or metric binding that no sentence uses any more is dead weight: say so."""
    used = set()
    for path in LESSONS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            prose = cell.source
            for pattern in NOT_READ:
                prose = pattern.sub(" ", prose)
            used |= {(path.stem, m.group(1) + (" %" if m.group(2) else "")) for m in NUMBER.finditer(prose)}
    assert not (set(CONSTANTS) | set(FROM_METRICS)) - used


def test_only_a_percentage_may_be_a_printed_share():
    """56.7 % may be a printed 0.567; 4.68 is not a printed 468 nor a printed 0.0468 (a stale 4.68 once
    passed that way, matched by an unrelated number)."""
    assert shows("56.7 %", [0.567]) and shows("56.7 %", [56.7]) and shows("4.68", [4.681])
    assert not shows("4.68", [468.0]) and not shows("4.68", [0.0468]) and not shows("0.57", [57.0])
