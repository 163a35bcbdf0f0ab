"""Lesson 07, the data: ABC tunes → normalised text → character ids → training batches.

Part of :mod:`helpers.music` (which re-exports every public name here)::

    corpus = load_corpus()                      # O'Neill's 1850 collection, shipped with music21
    vocab = build_vocabulary(corpus.train_text)  # sorted characters
    ids = vectorize(corpus.train_text, vocab)    # (time,) int
    x, y = random_batch(ids, 64, 100, rng)       # (batch, time) inputs and next-character targets
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .validation import (MAX_ITEMS, MAX_LENGTH, check_callable, check_ids, check_number, check_seed,
                         check_size, check_text, check_type)
from .validation_files import files_in, read_user_text

KEEP_HEADERS = ("X", "T", "M", "L", "K")   # what a player needs: number, title, meter, unit length, key
TUNE_END = "\n\n"                          # a blank line ends a tune in ABC, and in our text
START = "X:1\n"                            # every normalised tune starts like this (the sampling seed)
MAX_VOCAB = 1_000                          # distinct characters: ABC text uses about 90
_HEADER = re.compile(r"^([A-Za-z]):(.*)$")
# ---- corpus ------------------------------------------------------------------------------------

def default_corpus_dir() -> Path:
    """The O'Neill's 1850 ABC files that ship inside the installed music21 package."""
    import music21

    return Path(music21.__file__).resolve().parent / "corpus" / "oneills1850"


def _read_abc_file(path: Path):
    """A file's text (UTF-8, UTF-16 or Latin-1, which the O'Neill files use); NUL bytes refused."""
    return read_user_text(path, argument="path")


def normalise_tune(raw: str) -> str | None:
    """One raw ABC tune → the normalised text the model learns, or ``None`` when it cannot be played.

    Keeps the headers a player needs, in the order ``X T M L K`` (``X:1`` always, the first title
    only, ``K`` last as ABC requires), drops the others (source, notes, transcriber ...) and
    comments, keeps inline ``M:``/``L:``/``K:`` changes in the body, strips trailing spaces and
    blank lines. A tune without ``K:``, ``M:`` or music is dropped (``None``).
    """
    check_type("raw", raw, str, "ABC text (a string)")
    headers: dict[str, str] = {}
    body: list[str] = []
    in_body = False
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.split("%", 1)[0].replace("\t", " ").rstrip()     # '%' starts a comment
        if not line.strip():
            continue
        match = _HEADER.match(line)
        if match:
            name, value = match.group(1), match.group(2).strip()
            if not in_body:
                if name in KEEP_HEADERS and name not in headers:
                    headers[name] = value
                if name == "K":
                    in_body = True
            elif name in ("M", "L", "K") and value:
                body.append(f"{name}:{value}")     # a change of meter/length/key inside the tune
            continue
        if in_body:
            body.append(line)
    if not headers.get("K") or not headers.get("M") or not body:
        return None
    lines = ["X:1"]
    if headers.get("T"):
        lines.append(f"T:{headers['T']}")
    lines.append(f"M:{headers['M']}")
    lines.append(f"L:{headers.get('L') or '1/8'}")
    lines.append(f"K:{headers['K']}")
    return "\n".join(lines + body) + "\n"


def split_tunes(text: str) -> tuple[list[str], int]:
    """ABC text → (normalised tunes, number of raw tunes dropped). Tunes start at an ``X:`` line."""
    check_type("text", text, str, "ABC text (a string)")
    chunks = re.split(r"(?m)^(?=X:)", text)
    tunes, dropped = [], 0
    for chunk in chunks:
        if not chunk.lstrip().startswith("X:"):
            continue            # file header before the first tune
        tune = normalise_tune(chunk)
        if tune is None:
            dropped += 1
        else:
            tunes.append(tune)
    return tunes, dropped


def _join(tunes) -> str:
    return "".join(t + "\n" for t in tunes)   # each tune ends with "\n", so tunes are split by TUNE_END


@dataclass
class Corpus:
    """Normalised tunes split by tune into train and validation; ``*_text`` joins them with blank lines."""

    train: list[str]
    valid: list[str]
    source: str
    files: int
    dropped: int = 0
    tunes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # e.g. files read as Latin-1

    @property
    def train_text(self) -> str:
        return _join(self.train)

    @property
    def valid_text(self) -> str:
        return _join(self.valid)

    def summary(self) -> str:
        chars = len(self.train_text) + len(self.valid_text)
        return (f"{self.source}: {self.files} files, {len(self.tunes)} tunes ({self.dropped} dropped: no key, "
                f"meter or music), {chars:,} characters; train {len(self.train)} tunes / "
                f"{len(self.train_text):,} chars, validation {len(self.valid)} tunes / {len(self.valid_text):,} chars")


def load_corpus(path=None, valid_fraction: float = 0.1, seed: int = 0) -> Corpus:
    """Load ABC tunes from ``path`` (a ``.abc`` file or a folder searched recursively; default:
    O'Neill's 1850 collection inside music21), normalise them, and split by tune.

    The validation tunes are a seeded random ``valid_fraction`` of the tunes, so no tune is
    split across the two sets. Raises ``FileNotFoundError`` for a missing path and
    ``ValueError`` when there are no playable tunes.
    """
    valid_fraction = check_number("valid_fraction", valid_fraction, low=0, high=0.9)
    check_seed("seed", seed)
    if path is None:
        folder = default_corpus_dir()
        if not folder.is_dir():  # pragma: no cover - music21 always ships it
            raise FileNotFoundError(f"the O'Neill corpus was not found in music21 at {folder}")
        files, source = sorted(folder.glob("*.abc")), "O'Neill's 1850 (music21 corpus)"
    else:
        check_type("path", path, (str, Path), "a path to an .abc file or a folder (a string or pathlib.Path)")
        path = Path(path).expanduser()
        if not path.exists():
            raise FileNotFoundError(f"argument 'path': {str(path)!r} does not exist (expected an .abc file "
                                    "or a folder of .abc files)")
        files = files_in(path, "*.abc") if path.is_dir() else [path]   # a folder named x.abc is skipped
        source = str(path)
        if not files:
            raise ValueError(f"argument 'path': the folder {str(path)!r} holds no .abc files")
    tunes, dropped, notes = [], 0, []
    for file in files:
        read = _read_abc_file(file)
        if read.note and path is not None:
            notes.append(read.note)
        found, lost = split_tunes(read.text)
        tunes += found
        dropped += lost
        if len(tunes) > MAX_ITEMS:
            raise ValueError(f"argument 'path': expected at most {MAX_ITEMS:,} tunes (the limit on a 2-core, "
                             f"24 GiB machine), got more than that in {source!r}")
    if not tunes:
        raise ValueError(f"argument 'path': no playable tunes in {source!r} (expected tunes that start with "
                         f"'X:' and have 'M:' and 'K:' headers; {dropped} tunes were dropped)")
    order = np.random.default_rng(seed).permutation(len(tunes))
    n_valid = int(round(valid_fraction * len(tunes))) if len(tunes) > 1 else 0
    valid_idx = set(order[:n_valid].tolist())
    train = [t for i, t in enumerate(tunes) if i not in valid_idx]
    valid = [t for i, t in enumerate(tunes) if i in valid_idx]
    return Corpus(train=train, valid=valid, source=source, files=len(files), dropped=dropped, tunes=tunes,
                  notes=notes)


# ---- characters <-> ids (exercise 07.1) ----------------------------------------------------------

def build_vocabulary(text: str) -> list[str]:
    """The sorted list of distinct characters in ``text``: character ``vocab[i]`` has id ``i``."""
    check_text("text", text)
    vocab = sorted(set(text))
    if len(vocab) > MAX_VOCAB:
        raise ValueError(f"argument 'text': expected at most {MAX_VOCAB} distinct characters (ABC text has about "
                         f"90), got {len(vocab)}")
    return vocab


def check_vocabulary(name: str, vocab) -> list:
    """A character vocabulary from :func:`build_vocabulary`: a list of distinct one-character strings."""
    if isinstance(vocab, str):
        raise TypeError(f"argument {name!r}: expected a list of characters (from build_vocabulary), got the "
                        f"string {vocab[:40]!r} (use build_vocabulary(text) or list(...))")
    check_type(name, vocab, (list, tuple), "a list of characters (from build_vocabulary)")
    if not vocab:
        raise ValueError(f"argument {name!r}: expected a non-empty list of characters, got an empty list")
    bad = [c for c in vocab if not isinstance(c, str) or len(c) != 1]
    if bad:
        raise ValueError(f"argument {name!r}: expected one-character strings, got {bad[0]!r}")
    if len(set(vocab)) != len(vocab):
        raise ValueError(f"argument {name!r}: expected distinct characters, got {len(vocab) - len(set(vocab))} repeated")
    return list(vocab)


def vectorize(text: str, vocab) -> np.ndarray:
    """Text → ids ``(time,)`` int64, with ``vocab[id] == character``. Unknown characters raise ValueError."""
    check_type("text", text, str, "a string")
    vocab = check_vocabulary("vocab", vocab)
    index = {c: i for i, c in enumerate(vocab)}
    try:
        return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))
    except KeyError as error:
        raise ValueError(f"argument 'text': character {error.args[0]!r} is not in the vocabulary "
                         f"({len(index)} characters)") from None


def unvectorize(ids, vocab) -> str:
    """Ids ``(time,)`` → text (the inverse of :func:`vectorize`)."""
    vocab = check_vocabulary("vocab", vocab)
    ids = check_ids("ids", ids, len(vocab), ndim=1, allow_empty=True)
    return "".join(vocab[i] for i in ids)


# ---- batches (exercise 07.2) ----------------------------------------------------------------------

def random_batch(ids, batch_size: int, seq_len: int, rng: np.random.Generator):
    """Random windows of the text: inputs ``x`` and next-character targets ``y``, both ``(batch, time)``.

    Row ``b`` starts at a uniformly random position ``s`` (drawn with ``rng``, so a seed repeats the
    batch): ``x[b] = ids[s : s + seq_len]`` and ``y[b] = ids[s + 1 : s + seq_len + 1]``.
    """
    ids = check_ids("ids", ids, ndim=1)
    batch_size = check_size("batch_size", batch_size, maximum=MAX_ITEMS, what="rows")
    seq_len = check_size("seq_len", seq_len, maximum=MAX_LENGTH, what="characters")
    check_type("rng", rng, np.random.Generator, "a numpy Generator (np.random.default_rng(seed))")
    if batch_size * seq_len > 50_000_000:
        raise ValueError(f"argument 'batch_size': expected batch_size * seq_len <= 50,000,000 (two int64 arrays "
                         f"on a 2-core, 24 GiB machine), got {batch_size:,} * {seq_len:,}")
    if len(ids) < seq_len + 1:
        raise ValueError(f"argument 'seq_len': expected at most len(ids) - 1 = {len(ids) - 1}, got {seq_len}")
    starts = rng.integers(0, len(ids) - seq_len, size=batch_size)     # s + seq_len <= len(ids) - 1
    window = starts[:, None] + np.arange(seq_len)[None, :]            # (batch, time)
    return ids[window], ids[window + 1]


def batch_dataset(ids, batch_size: int, seq_len: int, steps: int, seed: int = 0, batch_fn=None):
    """A ``keras.utils.PyDataset`` for ``fit``: ``steps`` fresh random batches per epoch, drawn by
    ``batch_fn`` (default :func:`random_batch`) with one seeded ``rng``, so a seed repeats training data."""
    import keras

    ids = check_ids("ids", ids, ndim=1)
    batch_size = check_size("batch_size", batch_size, maximum=MAX_ITEMS, what="rows")
    seq_len = check_size("seq_len", seq_len, maximum=MAX_LENGTH, what="characters")
    steps = check_size("steps", steps, what="steps per epoch")
    if len(ids) < seq_len + 1:
        raise ValueError(f"argument 'seq_len': expected at most len(ids) - 1 = {len(ids) - 1}, got {seq_len}")
    rng = np.random.default_rng(check_seed("seed", seed))
    batch_fn = random_batch if batch_fn is None else check_callable("batch_fn", batch_fn,
                                                                      "a function (ids, batch_size, seq_len, rng)")

    class CharBatches(keras.utils.PyDataset):
        def __len__(self):
            return steps

        def __getitem__(self, index):
            return batch_fn(ids, batch_size, seq_len, rng)

    return CharBatches()

