"""Dates as people type them: a broader generator and a hand-written held-out set (lesson 09).

The sixteen formats of :data:`helpers.dates.FORMATS` are tidy. People also write
"Mar. 3, 1987", "the third of march 1987", "12/25/1999", "on sat 7th feb 2015" or
"1999 dec 31". This module adds

* :func:`generate_typed_dates`: dates written by *combining* the pieces such spellings are
  made of (a day as ``3``, ``03``, ``3rd``, ``third`` or ``the 3rd``; a month as ``march``,
  ``mar``, ``mar.``, ``sept``; a year as ``1987``, ``87`` or ``'87``; an optional weekday as
  ``tuesday``, ``tue``, ``tue.`` or ``tues``; day-month, month-day and year-first orders;
  numeric dates with ``/``, ``-``, ``.`` or spaces; a few leading words such as "on the"
  or "due by");
* :func:`training_mix`: the lesson's training data, half :func:`helpers.dates.generate_dates`
  (the frozen test set's formats, with noise words) and half typed dates;
* :func:`load_typed_dates`: the hand-written held-out set ``data/dates_typed.tsv`` (55
  dates, one ``typed text<TAB>ISO date`` a line), checked line by line with messages that
  name the line.

Numeric dates stay unambiguous: they are day first, except that a date whose day is above 12
may also be written month first ("12/25/1999"), where only one reading exists. Two-digit
years keep the pivot of :mod:`helpers.dates` (50–99 → 19xx, 00–49 → 20xx).
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np

from . import dates as D
from .validation import MAX_ITEMS, check_seed, check_share, check_size, check_string_list

TYPED_FILE = D.DATA_DIR / "dates_typed.tsv"

ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                 "eighteenth", "nineteenth", "twentieth"] + [f"twenty-{w}" for w in
                 ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]] + \
                ["thirtieth", "thirty-first"]
# Words people put before a date; none is (or abbreviates) a month or a weekday.
LEAD_WORDS = ["on", "on the", "due by", "born on", "around", "dated", "by", "from", "until", "since",
              "the last day was", "it was", "deadline", "see you", "paid on", "as of"]
_EXTRA_WEEKDAYS = {1: ["tues", "tues."], 2: ["weds"], 3: ["thur", "thurs", "thurs."]}


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _day_word(rng, day: int, *, words: bool = True) -> str:
    """3 → '3', '3rd' or 'third' (and '03' now and then)."""
    forms = [str(day), f"{day}{D._suffix(day)}"]
    if words:
        forms += [ORDINAL_WORDS[day - 1]] * 2      # the hardest form to learn: seen as often as the other two
    if day < 10:
        forms.append(f"0{day}")
    return _pick(rng, forms)


def _month_word(rng, month: int) -> str:
    full, short = D.MONTHS[month - 1], D.MONTHS_SHORT[month - 1]
    forms = [full, short, short + "."]
    if month == 9:
        forms += ["sept", "sept."]
    return _pick(rng, forms)


def _year_word(rng, year: int) -> str:
    yy = f"{year % 100:02d}"
    return _pick(rng, [str(year), str(year), yy, "'" + yy])


def _weekday_word(rng, weekday: int) -> str:
    forms = [D.WEEKDAYS[weekday], D.WEEKDAYS_SHORT[weekday], D.WEEKDAYS_SHORT[weekday] + "."]
    return _pick(rng, forms + _EXTRA_WEEKDAYS.get(weekday, []))


def _numeric(rng, date: _dt.date) -> str:
    """Numbers only: day first; month first only when the day is above 12; or year first."""
    sep = _pick(rng, ["/", "-", "."])
    pad = bool(rng.integers(2))
    d, m = (f"{date.day:02d}", f"{date.month:02d}") if pad else (str(date.day), str(date.month))
    year = str(date.year) if rng.random() < 0.6 else f"{date.year % 100:02d}"
    order = int(rng.integers(3))
    if order == 2:                                   # year first always has four digits
        return sep.join([str(date.year), m, d])
    if order == 1 and date.day > 12:                 # month first only where it cannot be misread
        return sep.join([m, d, year])
    return sep.join([d, m, year])


def write_typed(date: _dt.date, rng: np.random.Generator) -> tuple[str, str]:
    """One way a person might type ``date``: ``(text, layout name)``."""
    if rng.random() < 0.3:
        return _numeric(rng, date), "numeric"
    day, month, year = _day_word(rng, date.day), _month_word(rng, date.month), _year_word(rng, date.year)
    layouts = {
        "d m y": f"{day} {month} {year}",
        "d m, y": f"{day} {month}, {year}",
        "d of m y": f"{day} of {month} {year}",
        "the d of m, y": f"the {day} of {month}, {year}",
        "m d y": f"{month} {day} {year}",
        "m d, y": f"{month} {day}, {year}",
        "m the d, y": f"{month} the {day}, {year}",
        "y m d": f"{date.year} {month} {day}",
        "y, m d": f"{date.year}, {month} {day}",
        "d-m-y": f"{_day_word(rng, date.day, words=False)}-{D.MONTHS_SHORT[date.month - 1]}-{year}",
    }
    name = _pick(rng, list(layouts))
    text = layouts[name]
    if name[0] != "y" and rng.random() < 0.3:        # a weekday in front, as people write it
        the = name in ("d m y", "d m, y", "d of m y") and not day[0].isdigit() or day[-1].isalpha()
        joint = _pick(rng, [" ", ", ", " the "] if name in ("d m y", "d m, y", "d of m y") and the else [" ", ", "])
        text = _weekday_word(rng, date.weekday()) + joint + text
        name = "weekday " + name
    return text, name


def generate_typed_dates(n: int, *, seed: int = 0, lead_share: float = 0.3, exclude=(),
                         max_len: int = D.MAX_INPUT_LEN) -> D.DateSet:
    """``n`` random dates (1950–2049) as people type them (:func:`write_typed`), with their ISO form.

    ``lead_share`` of them start with a few words ("on the", "due by" ...: :data:`LEAD_WORDS`);
    ``exclude`` holds ISO dates never to produce. Inputs are at most ``max_len`` characters.
    """
    n = check_size("n", n, maximum=MAX_ITEMS, what="dates")
    rng = np.random.default_rng(check_seed("seed", seed))
    lead_share = check_share("lead_share", lead_share)
    excluded = set(check_string_list("exclude", exclude, allow_empty=True, what="ISO dates"))
    if len(excluded) >= D.N_DAYS:
        raise ValueError(f"argument 'exclude': excludes all {D.N_DAYS} possible dates")
    inputs, targets, formats = [], [], []
    while len(inputs) < n:
        date = D.FIRST_DATE + _dt.timedelta(days=int(rng.integers(D.N_DAYS)))
        text, name = write_typed(date, rng)
        if rng.random() < lead_share:
            text, name = f"{_pick(rng, LEAD_WORDS)} {text}", "lead " + name
        if date.isoformat() in excluded or len(text) > max_len:
            continue
        inputs.append(text)
        targets.append(date.isoformat())
        formats.append("typed: " + name)
    return D.DateSet(inputs, targets, formats, {"generator": "generate_typed_dates", "seed": seed, "n": n})


def concat(*sets: D.DateSet) -> D.DateSet:
    """One :class:`~helpers.dates.DateSet` holding the rows of ``sets`` in order."""
    for i, s in enumerate(sets):
        if not isinstance(s, D.DateSet):
            raise TypeError(f"argument 'sets[{i}]': expected a DateSet, got {type(s).__name__}")
    return D.DateSet([t for s in sets for t in s.inputs], [t for s in sets for t in s.targets],
                     [f for s in sets for f in s.formats], {"parts": [s.info for s in sets]})


def training_mix(n: int, *, seed: int = 1, typed_share: float = 0.5, noise_words=(0, 6), exclude=()) -> D.DateSet:
    """The lesson's training data: ``typed_share`` of :func:`generate_typed_dates`, the rest
    :func:`helpers.dates.generate_dates` with ``noise_words``; shuffled (seeded), no date in ``exclude``."""
    n = check_size("n", n, maximum=MAX_ITEMS, what="dates")
    typed_share = check_share("typed_share", typed_share)
    n_typed = int(round(n * typed_share))
    mixed = concat(D.generate_dates(n - n_typed, seed=seed, noise_words=noise_words, exclude=exclude),
                   generate_typed_dates(n_typed, seed=seed + 10_000, exclude=exclude))
    order = np.random.default_rng(seed).permutation(len(mixed))
    out = mixed[order]
    out.info = {"generator": "training_mix", "seed": seed, "n": n, "typed_share": typed_share}
    return out


# ---- the hand-written held-out set -----------------------------------------------------------

def parse_typed_lines(lines, *, source: str = "typed dates") -> D.DateSet:
    """Lines ``typed text<TAB>YYYY-MM-DD`` (``#`` comments and blank lines skipped) → a DateSet.

    Each line is checked: one tab, an ISO date between 1950-01-01 and 2049-12-31, a text the
    encoder can read (:data:`helpers.dates.INPUT_CHARS`, at most :data:`helpers.dates.MAX_INPUT_LEN`
    characters). A bad line raises a ``ValueError`` naming ``source``, the line number and the line.
    """
    lines = check_string_list("lines", lines, allow_empty=True, what="lines")
    inputs, targets = [], []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}, line {number}: {line!r}"
        parts = line.split("\t")
        if len(parts) != 2:
            raise ValueError(f"{where}: expected 'typed text<TAB>YYYY-MM-DD' (one tab), got {len(parts) - 1} tabs")
        text, iso = parts[0].strip(), parts[1].strip()
        try:
            date = _dt.date.fromisoformat(iso)
        except ValueError:
            date = None
        if date is None or len(iso) != D.OUTPUT_LEN:
            raise ValueError(f"{where}: expected an ISO date 'YYYY-MM-DD' after the tab, got {iso!r}")
        if not D.FIRST_DATE <= date <= D.LAST_DATE:
            raise ValueError(f"{where}: expected a date between {D.FIRST_DATE} and {D.LAST_DATE}, got {iso}")
        try:
            D.INPUT_VOCAB.check(text, D.MAX_INPUT_LEN, argument="typed text")
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: {error}") from None
        inputs.append(text)
        targets.append(iso)
    if not inputs:
        raise ValueError(f"{source}: expected at least one 'typed text<TAB>YYYY-MM-DD' line, got none")
    return D.DateSet(inputs, targets, ["typed by hand"] * len(inputs), {"source": source})


def load_typed_dates(path=None) -> D.DateSet:
    """The hand-written held-out dates (``data/dates_typed.tsv`` unless ``path`` is given)."""
    path = TYPED_FILE if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"argument 'path': expected the typed-dates file (typed text<TAB>YYYY-MM-DD lines), "
                                f"got {str(path)!r}, which does not exist")
    return parse_typed_lines(path.read_text(encoding="utf-8").splitlines(), source=path.name)
