"""Lesson 07, reading ABC: header checks and the music21 parse, with errors that name the line.

Part of :mod:`helpers.music` (which re-exports every public name here). music21 reads an
unknown key such as ``K:Zq9`` as C major, turns 27 octave commas into a high note, and
fails on a bad ``M:`` or ``L:`` line with "not enough values to unpack" or "division by
zero". :func:`check_abc_lines` catches these first and says which line is at fault.
"""
from __future__ import annotations

import contextlib
import io
import re
import warnings

from .validation import MAX_LENGTH

MAX_OCTAVE_MARKS = 4        # C,,,, is MIDI 12 and c'''' MIDI 120: beyond that no instrument plays it
_MODES = ("maj", "min", "mix", "dor", "phr", "lyd", "loc", "ion", "aeo", "exp", "m")
_METER = re.compile(r"^(?:C\|?|none|(\d+(?:\+\d+)*)/(\d+))$")
_LENGTH = re.compile(r"^(\d+)(?:/(\d+))?$")
_LINE = re.compile(r"^([A-Za-z]):(.*)$")
_NOTE_MARKS = re.compile(r"([A-Ga-g])([,']+)")


class AbcError(ValueError):
    """The ABC text cannot be played; the message says why (never a music21 traceback)."""


def _key_problem(value: str) -> str | None:
    if not value or value in ("HP", "Hp", "none"):
        return None                                  # an empty key means "no key signature"
    match = re.match(r"^[A-G][#b]?(.*)$", value)
    if not match:
        return "expected a key such as G, Em, Ador, Bb or F#m (a tonic A-G, then an optional mode)"
    rest = match.group(1).lstrip()
    mode = re.match(r"[A-Za-z]*", rest).group(0)
    if mode and not mode.lower().startswith(_MODES):
        return "expected a mode such as maj, m, min, mix, dor, phr, lyd or loc after the tonic"
    after = rest[len(mode):]
    if after and not after[0].isspace():          # e.g. "G9": clef=... and accidentals come after a space
        return "expected a key such as G, Em, Ador, Bb or F#m (a tonic A-G, then an optional mode)"
    return None


def _meter_problem(value: str) -> str | None:
    match = _METER.match(value)
    if not match:
        return "expected a meter such as 6/8, 3/4, C or C|"
    if match.group(1) is not None:
        top, bottom = sum(int(v) for v in match.group(1).split("+")), int(match.group(2))
        if top == 0 or bottom == 0 or top > 64 or bottom > 64:
            return "expected a meter n/m with 1 <= n, m <= 64, such as 6/8"
    return None


def _length_problem(value: str) -> str | None:
    match = _LENGTH.match(value)
    if not match:
        return "expected a unit note length such as 1/8 or 1/16"
    top, bottom = int(match.group(1)), int(match.group(2) or 1)
    if top == 0 or bottom == 0 or bottom > 256:
        return "expected a unit note length n/m with n >= 1 and 1 <= m <= 256, such as 1/8"
    return None


_CHECKS = {"K": _key_problem, "M": _meter_problem, "L": _length_problem}


def check_abc_lines(text: str) -> None:
    """Raise :class:`AbcError` naming the first line whose ``K:``, ``M:`` or ``L:`` value music21 would
    misread, or whose note carries more than :data:`MAX_OCTAVE_MARKS` octave marks (``,`` or ``'``)."""
    for number, line in enumerate(text.split("\n"), start=1):
        code = line.split("%", 1)[0].rstrip()
        match = _LINE.match(code)
        if match:
            name, value = match.group(1), match.group(2).strip()
            problem = _CHECKS.get(name, lambda v: None)(value)
            if problem:
                raise AbcError(f"line {number} {code!r}: {problem}, got {value!r}")
            continue
        body = re.sub(r'"[^"]*"|![^!]*!|\+[^+]*\+', "", code)     # chord symbols, decorations
        for note in _NOTE_MARKS.finditer(body):
            if len(note.group(2)) > MAX_OCTAVE_MARKS:
                raise AbcError(f"line {number}: expected at most {MAX_OCTAVE_MARKS} octave marks on a note (beyond "
                               f"that no instrument plays it), got {len(note.group(2))} in {note.group(0)[:12]!r}")


def _body_start(text: str) -> int:
    """1-based number of the first line after the ``K:`` header (where the music starts)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("K:"):
            return number + 1
    return 1


def parse_abc(abc: str):
    """ABC text → a ``music21.stream.Score``; ``AbcError`` with a clear reason when it cannot be read.

    Reasons name the line at fault: an unknown key, meter or unit length, absurd octave marks,
    or a body with no notes in it. What music21 guessed while reading (a letter it could not read as a
    note, ``"Could not get pitch information from note: p, assuming C"``) is not printed in the middle
    of a lesson's output: it is kept as ``score.abc_guesses`` (a list of str), and :func:`check_tune`
    counts it.
    """
    if not isinstance(abc, str):
        raise AbcError(f"argument 'abc': expected ABC text (a string), got {type(abc).__name__}")
    text = abc.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise AbcError("argument 'abc': expected ABC text, got an empty string: nothing to play")
    if len(text) > 20 * MAX_LENGTH:
        raise AbcError(f"argument 'abc': expected a tune of at most {20 * MAX_LENGTH:,} characters, got {len(text):,}")
    if "\x00" in text:
        raise AbcError(f"argument 'abc': expected text, got a NUL character on line {text[:text.index(chr(0))].count(chr(10)) + 1}")
    if not re.search(r"(?m)^K:", text):
        raise AbcError("the ABC text has no key line 'K:...' (every tune needs one, after X/T/M/L)")
    if not text.startswith("X:"):
        text = "X:1\n" + text
    check_abc_lines(text)
    import music21

    part_class = music21.stream.Part
    make_beams = part_class.makeBeams
    said = io.StringIO()       # music21 writes what it guessed ("... assuming C") to stderr: kept, not printed
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(said):
            warnings.simplefilter("ignore")
            # Beams only matter for drawing notation, and music21 spends two thirds of its ABC
            # parse time making them: skip them while we parse, then put the method back.
            part_class.makeBeams = lambda self, *args, **kwargs: self
            score = music21.converter.parseData(text + "\n", format="abc")
    except Exception as error:   # music21 raises many kinds of errors on malformed ABC
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise AbcError(f"music21 could not read this ABC ({type(error).__name__}{': ' + first[:120] if first else ''}); "
                       "the K:, M: and L: lines are valid, so look at the notes after line "
                       f"{_body_start(text) - 1}") from None
    finally:
        part_class.makeBeams = make_beams
    if isinstance(score, music21.stream.Opus):
        if not len(score.scores):
            raise AbcError("the ABC text holds no tune")
        score = score.scores[0]
    if not len(score.flatten().notes):
        start = _body_start(text)
        lines = text.split("\n")
        shown = lines[start - 1][:40] if start <= len(lines) else ""
        raise AbcError(f"line {start}: expected notes after the K: line, got none music21 could read "
                       f"({shown!r})" if shown else "expected notes after the K: line, got an empty body")
    score.abc_guesses = [line.split("WARNING:", 1)[-1].strip() for line in said.getvalue().splitlines() if line.strip()]
    return score
