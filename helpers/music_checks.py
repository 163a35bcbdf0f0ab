"""Lesson 07, judging a tune: does it play (key, meter, enough notes in range), do its bars fit the meter.

Part of :mod:`helpers.music` (which re-exports every public name here).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .music_abc import AbcError, parse_abc
from .validation import check_positive_int

MIDI_RANGE = (21, 108)      # the piano's keys: a note outside cannot be a sensible tune


@dataclass
class TuneCheck:
    """What music21 made of one tune. ``notes`` rows are ``(onset, duration, midi)`` in quarter notes."""

    playable: bool
    reason: str
    key: str | None = None
    meter: str | None = None
    notes: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    bars: int = 0
    bars_matching: int = 0
    guesses: int = 0           # notes music21 could not read and guessed (as C), from parse_abc

    @property
    def n_notes(self) -> int:
        return len(self.notes)


def _notes_of(score) -> np.ndarray:
    """Sounding notes ``(n, 3)``: rows ``(onset, duration, midi)`` in quarter notes; tied notes merged, grace notes skipped."""
    import music21

    rows: list[list[float]] = []
    open_ties: dict[float, int] = {}          # midi pitch -> row of the note its tie started from
    for element in score.flatten().notes:
        if element.duration.isGrace or element.quarterLength <= 0:
            continue
        pitches = element.pitches if isinstance(element, music21.chord.Chord) else [element.pitch]
        tie = element.tie.type if element.tie is not None else None
        for pitch in pitches:
            midi = float(pitch.midi)
            tied = open_ties.pop(midi, None)
            if (tie in ("stop", "continue") and tied is not None
                    and abs(sum(rows[tied][:2]) - float(element.offset)) < 1e-6):
                rows[tied][1] += float(element.quarterLength)   # a tie lengthens the note, not repeats it
                if tie == "continue":
                    open_ties[midi] = tied
                continue
            rows.append([float(element.offset), float(element.quarterLength), midi])
            if tie == "start":
                open_ties[midi] = len(rows) - 1
    return np.array(rows, dtype=float).reshape(-1, 3)


MIN_NOTES = 16


def check_tune(abc: str, min_notes: int = MIN_NOTES) -> TuneCheck:
    """Parse a tune and report: playable (a key, a meter and >= ``min_notes`` notes), and its bars.

    Bars: a bar *matches* when its length equals the meter's bar length. The first and last bars
    are not counted (pick-up and closing bars are short on purpose).
    """
    import music21

    min_notes = check_positive_int("min_notes", min_notes, minimum=0, maximum=100_000)
    try:
        score = parse_abc(abc)
        keys = list(score.recurse().getElementsByClass(music21.key.KeySignature))
        meters = list(score.recurse().getElementsByClass(music21.meter.TimeSignature))
        notes = _notes_of(score)
        bars = matching = 0
        for part in score.parts[:1]:
            measures = list(part.getElementsByClass(music21.stream.Measure))
            current = None
            for i, measure in enumerate(measures):
                if measure.timeSignature is not None:
                    current = measure.timeSignature
                if current is None or i == 0 or i == len(measures) - 1:
                    continue
                bars += 1
                matching += abs(float(measure.highestTime) - float(current.barDuration.quarterLength)) < 1e-6
    except AbcError as error:
        return TuneCheck(False, str(error))
    except Exception as error:   # music21 inspection failed on a strange score
        return TuneCheck(False, f"music21 could not analyse this tune ({type(error).__name__})")
    key = str(keys[0]) if keys else None
    meter = meters[0].ratioString if meters else None
    if key is None:
        reason = "no key signature (the K: line was not understood)"
    elif meter is None:
        reason = "no meter (the M: line is missing or not understood)"
    elif len(notes) < min_notes:
        reason = f"only {len(notes)} notes (at least {min_notes} needed)"
    elif len(notes) and (notes[:, 2].min() < MIDI_RANGE[0] or notes[:, 2].max() > MIDI_RANGE[1]):
        reason = (f"pitches from MIDI {notes[:, 2].min():.0f} to {notes[:, 2].max():.0f}; expected the piano's "
                  f"range {MIDI_RANGE[0]}..{MIDI_RANGE[1]} (too many octave marks?)")
    else:
        reason = "ok"
    return TuneCheck(reason == "ok", reason, key, meter, notes, bars, int(matching),
                     len(getattr(score, "abc_guesses", [])))


def playable_rate(checks) -> float:
    """Share of :class:`TuneCheck` results that are playable."""
    checks = _check_list(checks)
    if not checks:
        raise ValueError("argument 'checks': expected at least one TuneCheck, got none")
    return float(np.mean([c.playable for c in checks]))


def _check_list(checks) -> list:
    """A list of :class:`TuneCheck` (from :func:`check_tune`), not ABC strings."""
    if isinstance(checks, (str, TuneCheck)) or not hasattr(checks, "__iter__"):
        raise TypeError(f"argument 'checks': expected a list of TuneCheck (from check_tune), got "
                        f"{type(checks).__name__} {checks!r:.60}")
    checks = list(checks)
    for i, c in enumerate(checks):
        if not isinstance(c, TuneCheck):
            raise TypeError(f"argument 'checks': expected a list of TuneCheck (call check_tune on each tune), "
                            f"got {type(c).__name__} {c!r:.40} at index {i}")
    return checks


def bar_match_rate(checks) -> float:
    """Share of counted bars (over all tunes) whose length matches the meter; NaN when there are none."""
    checks = _check_list(checks)
    bars = sum(c.bars for c in checks)
    return float(sum(c.bars_matching for c in checks) / bars) if bars else float("nan")

