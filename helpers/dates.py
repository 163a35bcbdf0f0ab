"""Date normalisation data: human-written dates in many formats → ISO ``YYYY-MM-DD`` (lesson 09).

Everything is generated offline from a seed, so the task is unlimited and reproducible::

    >>> data = generate_dates(3, seed=0)
    >>> data.inputs[0], data.targets[0]            # e.g. ('tue, 3 mar 1987', '1987-03-03')

Dates lie between 1950-01-01 and 2049-12-31, so a two-digit year is unambiguous
(``50``–``99`` → 19xx, ``00``–``49`` → 20xx). Numeric formats are day first
(``3/4/87`` is the 3rd of April); the month-first habit only appears with a month *name*
("april 3, 1987"), so every input has exactly one right answer.

Characters become ids with a :class:`CharVocab`: :data:`INPUT_VOCAB` for what people
write (lower-cased first), :data:`OUTPUT_VOCAB` for ISO dates plus ``<start>``/``<end>``.
Encoding refuses, with a message that says what and where, an empty string, a string
longer than the encoder maximum (:data:`MAX_INPUT_LEN`) and a character outside the
vocabulary, instead of failing later with a shape error.

The frozen evaluation set (1,000 clean dates) is ``data/dates_test.json``;
:func:`load_test_set` reads it and a test checks it still equals :func:`make_test_set`.
Its dates never occur in training data made with ``exclude=test.targets``.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .course_data import DATA_DIR, missing_message  # data/ in a checkout, helpers/data/ in a wheel
from .validation import (MAX_ITEMS, check_array, check_choices, check_positive_int, check_seed, check_size,
                         check_string_list)

MAX_NOISE_WORDS = 1_000   # noise words around one date (inputs are cut to max_len characters anyway)

TEST_FILE = DATA_DIR / "dates_test.json"
TEST_SEED = 909
TEST_SIZE = 1000

FIRST_DATE = _dt.date(1950, 1, 1)
LAST_DATE = _dt.date(2049, 12, 31)
N_DAYS = (LAST_DATE - FIRST_DATE).days + 1

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
MONTHS_SHORT = [m[:3] for m in MONTHS[:8]] + ["sep", "oct", "nov", "dec"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS_SHORT = [w[:3] for w in WEEKDAYS]

# Words that carry no date: used to lengthen inputs for the bottleneck experiment.
# None is a month or weekday name (or an abbreviation of one: no "may", "sun", "sat", "mar").
NOISE_WORDS = ["the", "date", "is", "was", "it", "on", "please", "convert", "this", "thanks",
               "note", "that", "meeting", "happened", "around", "deadline", "for", "our",
               "report", "signed", "booked", "party", "trip", "due", "hello", "ok", "so",
               "about", "last", "checked", "in", "from", "form", "entry", "written"]


def _suffix(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


# Each format takes a date and returns how a person might write it.
FORMATS = {
    "weekday d month yyyy": lambda d: f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}",
    "d month yyyy": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "month d, yyyy": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "Mon d, yyyy": lambda d: f"{MONTHS_SHORT[d.month - 1].capitalize()} {d.day}, {d.year}",
    "d/m/yy": lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}",
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "yyyy/mm/dd": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "dth of month yyyy": lambda d: f"{d.day}{_suffix(d.day)} of {MONTHS[d.month - 1]} {d.year}",
    "wkd, d mon yyyy": lambda d: f"{WEEKDAYS_SHORT[d.weekday()]}, {d.day} {MONTHS_SHORT[d.month - 1]} {d.year}",
    "month dth, yyyy": lambda d: f"{MONTHS[d.month - 1]} {d.day}{_suffix(d.day)}, {d.year}",
    "dd-mon-yy": lambda d: f"{d.day:02d}-{MONTHS_SHORT[d.month - 1]}-{d.year % 100:02d}",
    "dd.mm.yy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    "d mon 'yy": lambda d: f"{d.day} {MONTHS_SHORT[d.month - 1]} '{d.year % 100:02d}",
    "WEEKDAY D MONTH YYYY": lambda d: f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}".upper(),
    "yyyy-mm-dd": lambda d: d.isoformat(),
}


# ---- vocabularies ------------------------------------------------------------------------

PAD = "<pad>"
START, END = "<start>", "<end>"
INPUT_CHARS = " ',-./0123456789abcdefghijklmnopqrstuvwxyz"
OUTPUT_CHARS = "-0123456789"
MAX_INPUT_LEN = 64       # the encoder's maximum: longer strings are refused, not cut
OUTPUT_LEN = 10          # "YYYY-MM-DD"


class CharVocab:
    """Characters ↔ ids. Id 0 is padding; ``specials`` follow, then one id per character.

    ``lower=True`` lower-cases text before encoding (people write "Mar" and "MAR").
    """

    def __init__(self, chars: str, specials=(), *, lower: bool = False, name: str = "text"):
        if len(set(chars)) != len(chars):
            raise ValueError(f"argument 'chars': expected distinct characters, got {chars!r}")
        self.itos = [PAD, *specials, *chars]
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        self.chars = chars
        self.lower = lower
        self.name = name

    def __len__(self) -> int:
        return len(self.itos)

    def id(self, symbol: str) -> int:
        return self.stoi[symbol]

    def check(self, text, max_len: int | None = None, *, argument: str = "text") -> str:
        """Return the (lower-cased) text after checking it can be encoded; raise a clear error if not."""
        if not isinstance(text, str):
            raise TypeError(f"argument {argument!r}: expected a string, got {type(text).__name__} {text!r}")
        if self.lower:
            text = text.lower()
        if not text.strip():
            raise ValueError(f"argument {argument!r}: expected a non-empty {self.name}, got {text!r}")
        if max_len is not None and len(text) > max_len:
            raise ValueError(f"argument {argument!r}: {self.name} is {len(text)} characters long, longer than "
                             f"the encoder maximum of {max_len}: {text[:max_len]!r}...")
        for position, char in enumerate(text):
            if char not in self.stoi:
                raise ValueError(f"argument {argument!r}: character {char!r} at position {position} of {text!r} "
                                 f"is not in the {self.name} vocabulary (allowed: {self.chars!r})")
        return text

    def encode(self, text: str, max_len: int | None = None) -> np.ndarray:
        """One string → ids ``(len(text),)`` (int32)."""
        text = self.check(text, max_len)
        return np.asarray([self.stoi[c] for c in text], dtype=np.int32)

    def decode(self, ids, stop_at_end: bool = True) -> str:
        """Ids ``(time,)`` → string; padding and ``<start>`` are skipped, ``<end>`` stops (if present)."""
        out = []
        for i in check_array("ids", ids, kind="int", allow_empty=True).ravel().tolist():
            if not 0 <= i < len(self):
                raise ValueError(f"argument 'ids': expected ids in [0, {len(self) - 1}], got {i}")
            symbol = self.itos[i]
            if symbol == END and stop_at_end:
                break
            if symbol in (PAD, START, END):
                continue
            out.append(symbol)
        return "".join(out)

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} ids: {self.itos[:4]} ... {self.chars[-5:]!r})"


INPUT_VOCAB = CharVocab(INPUT_CHARS, lower=True, name="date")
OUTPUT_VOCAB = CharVocab(OUTPUT_CHARS, (START, END), name="ISO date")


def encode_inputs(texts, max_len: int = MAX_INPUT_LEN, pad_to: int | None = None) -> np.ndarray:
    """Strings → ids ``(batch, width)`` int32, padded with 0 at the end (lesson 09).

    ``width`` is ``pad_to`` if given, else the longest string (shorter batches train faster).
    Raises a ``ValueError`` naming the string (and its index) that is empty, longer than
    ``max_len`` (the encoder maximum) or has a character outside :data:`INPUT_VOCAB`.
    """
    if isinstance(texts, str):
        texts = [texts]
    max_len = check_size("max_len", max_len, maximum=10_000, what="characters")
    if isinstance(texts, DateSet):
        texts = texts.inputs
    texts = check_string_list("texts", texts, what="date strings")
    checked = [INPUT_VOCAB.check(text, max_len, argument="texts" if len(texts) == 1 else f"texts[{row}]")
               for row, text in enumerate(texts)]
    width = max(len(t) for t in checked)
    if pad_to is not None:
        pad_to = check_size("pad_to", pad_to, minimum=width, maximum=10_000, what="characters")
        width = pad_to
    out = np.zeros((len(checked), width), dtype=np.int32)
    for row, text in enumerate(checked):
        out[row, :len(text)] = [INPUT_VOCAB.stoi[c] for c in text]
    return out


def encode_targets(isos) -> tuple[np.ndarray, np.ndarray]:
    """ISO strings → teacher-forcing pair, each ``(batch, OUTPUT_LEN + 1)`` int32.

    ``decoder_in`` is ``<start> Y Y Y Y - M M - D D`` and ``decoder_out`` the same shifted
    by one: ``Y Y Y Y - M M - D D <end>``. At step t the decoder reads the *true*
    previous character (teacher forcing) and is trained to output the next one.
    """
    isos = [isos] if isinstance(isos, str) else check_string_list("isos", isos, what="ISO dates")
    body = np.zeros((len(isos), OUTPUT_LEN), dtype=np.int32)
    for row, iso in enumerate(isos):
        if not isinstance(iso, str) or len(iso) != OUTPUT_LEN:
            raise ValueError(f"argument 'isos[{row}]': expected a 'YYYY-MM-DD' string, got {iso!r}")
        body[row] = OUTPUT_VOCAB.encode(iso)
    start = np.full((len(isos), 1), OUTPUT_VOCAB.id(START), dtype=np.int32)
    end = np.full((len(isos), 1), OUTPUT_VOCAB.id(END), dtype=np.int32)
    return np.concatenate([start, body], axis=1), np.concatenate([body, end], axis=1)


def decode_outputs(ids) -> list[str]:
    """Output ids ``(batch, time)`` → strings (stopping at ``<end>``)."""
    ids = check_array("ids", ids, ndim=2, dims=("batch", "time"), kind="int", allow_empty=True)
    return [OUTPUT_VOCAB.decode(row) for row in ids]


# ---- the generator -----------------------------------------------------------------------

@dataclass
class DateSet:
    """Pairs of human-written ``inputs`` and ISO ``targets``, with the ``formats`` used."""

    inputs: list[str]
    targets: list[str]
    formats: list[str]
    info: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, index) -> "DateSet":
        rows = np.atleast_1d(np.arange(len(self))[index])
        return DateSet([self.inputs[i] for i in rows], [self.targets[i] for i in rows],
                       [self.formats[i] for i in rows], dict(self.info))

    @property
    def lengths(self) -> np.ndarray:
        """Input lengths in characters ``(batch,)``."""
        return np.asarray([len(t) for t in self.inputs])

    def to_json(self) -> dict:
        return {"inputs": self.inputs, "targets": self.targets, "formats": self.formats, "info": self.info}

    @classmethod
    def from_json(cls, data: dict) -> "DateSet":
        return cls(list(data["inputs"]), list(data["targets"]), list(data["formats"]), dict(data.get("info", {})))


def _noise_range(noise_words) -> tuple[int, int]:
    if isinstance(noise_words, tuple):
        if (len(noise_words) != 2 or not all(isinstance(v, int) for v in noise_words)
                or noise_words[0] < 0 or noise_words[1] < noise_words[0]):
            raise ValueError("argument 'noise_words': expected an int >= 0 or a pair (low, high) with "
                             f"0 <= low <= high, got {noise_words!r}")
        check_size("noise_words", noise_words[1], minimum=0, maximum=MAX_NOISE_WORDS, what="words")
        return noise_words
    value = check_size("noise_words", noise_words, minimum=0, maximum=MAX_NOISE_WORDS, what="words")
    return value, value


def generate_dates(n: int, *, seed: int = 0, noise_words=0, formats=None, exclude=(),
                   max_len: int = MAX_INPUT_LEN) -> DateSet:
    """``n`` random dates written in random formats, with their ISO form (lesson 09).

    ``noise_words`` (an int, or a ``(low, high)`` range drawn per example) adds that many
    date-free words around the date, split at random between before and after: the
    inputs get longer while the answer stays the same. Words are dropped again, if needed,
    so no input exceeds ``max_len`` characters. ``formats`` restricts the formats (names
    from :data:`FORMATS`); ``exclude`` is a collection of ISO dates never to produce (pass
    the test set's targets to keep training data disjoint from it).
    """
    n = check_size("n", n, maximum=MAX_ITEMS, what="dates")
    seed = check_seed("seed", seed)
    low, high = _noise_range(noise_words)
    names = list(FORMATS) if formats is None else check_choices("formats", formats, set(FORMATS))
    max_len = check_positive_int("max_len", max_len, minimum=10, maximum=10_000)
    excluded = set(check_string_list("exclude", exclude, allow_empty=True, what="ISO dates"))
    if len(excluded) >= N_DAYS:
        raise ValueError(f"argument 'exclude': excludes all {N_DAYS} possible dates")
    rng = np.random.default_rng(seed)
    inputs, targets, used = [], [], []
    while len(inputs) < n:
        date = FIRST_DATE + _dt.timedelta(days=int(rng.integers(N_DAYS)))
        fmt = names[int(rng.integers(len(names)))]
        k = int(rng.integers(low, high + 1))
        words = [NOISE_WORDS[int(i)] for i in rng.integers(len(NOISE_WORDS), size=k)]
        split = int(rng.integers(k + 1))
        iso = date.isoformat()
        if iso in excluded:
            continue
        text = FORMATS[fmt](date)
        while len(" ".join(words + [text])) > max_len and words:   # keep within the encoder maximum
            words.pop()
            split = min(split, len(words))
        text = " ".join(words[:split] + [text] + words[split:])
        inputs.append(text)
        targets.append(iso)
        used.append(fmt)
    return DateSet(inputs, targets, used, {"generator": "generate_dates", "seed": seed,
                                           "noise_words": [low, high], "n": n})


def make_test_set() -> DateSet:
    """The frozen evaluation set: 1,000 clean dates (no noise words), seed :data:`TEST_SEED`."""
    return generate_dates(TEST_SIZE, seed=TEST_SEED)


def load_test_set() -> DateSet:
    """Read ``data/dates_test.json`` (the frozen copy of :func:`make_test_set`)."""
    if not TEST_FILE.exists():
        raise FileNotFoundError(missing_message(TEST_FILE, "`python -m helpers.dates`"))
    return DateSet.from_json(json.loads(TEST_FILE.read_text(encoding="utf-8")))


def freeze_test_set() -> Path:
    """(Re)write ``data/dates_test.json``."""
    DATA_DIR.mkdir(exist_ok=True)
    TEST_FILE.write_text(json.dumps(make_test_set().to_json(), indent=1) + "\n", encoding="utf-8")
    return TEST_FILE


if __name__ == "__main__":
    print(f"wrote {freeze_test_set()}")
