"""Text to numbers: tokens, vocabularies, one-hot vectors, fixed windows, bags of words.

Introduced in lessons 01 (fixed window) and 02 (bag of words); reused by 03, 08.
Shapes use ``batch`` for examples, ``time`` for positions and ``V`` for the vocabulary size.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from .validation import check_array, check_choice, check_positive_int, check_text

PAD, UNK = "<pad>", "<unk>"
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def tokenize(text: str) -> list[str]:
    """Lower-case word and punctuation tokens: ``"Good, not bad!"`` → ``["good", ",", "not", "bad", "!"]``."""
    check_text("text", text)
    return _TOKEN.findall(text.lower())


class Vocabulary:
    """A token ↔ id mapping with ``<pad>`` = 0 and ``<unk>`` = 1.

    ``Vocabulary.build(corpus)`` takes a list of token lists (or of strings, tokenised
    with :func:`tokenize`) and orders tokens by frequency, then alphabetically.
    """

    def __init__(self, tokens: Sequence[str]):
        tokens = list(tokens)
        if not tokens:
            raise ValueError("argument 'tokens': expected at least one token, got an empty list")
        self.itos = [PAD, UNK] + [t for t in dict.fromkeys(tokens) if t not in (PAD, UNK)]
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @classmethod
    def build(cls, corpus: Iterable, min_count: int = 1) -> "Vocabulary":
        counts: Counter = Counter()
        n = 0
        for item in corpus:
            counts.update(tokenize(item) if isinstance(item, str) else item)
            n += 1
        if n == 0 or not counts:
            raise ValueError("argument 'corpus': expected at least one non-empty text, got an empty corpus")
        kept = [t for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_count]
        return cls(kept)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    @property
    def pad_id(self) -> int:
        return 0

    @property
    def unk_id(self) -> int:
        return 1

    def encode(self, tokens, unknown: str = "unk") -> np.ndarray:
        """Token list (or text) → ids ``(time,)``. ``unknown="error"`` rejects unknown tokens by name."""
        check_choice("unknown", unknown, {"unk", "error"})
        if isinstance(tokens, str):
            tokens = tokenize(tokens)
        ids = []
        for position, token in enumerate(tokens):
            if token in self.stoi:
                ids.append(self.stoi[token])
            elif unknown == "error":
                raise ValueError(f"argument 'tokens': token {token!r} at position {position} is not in the "
                                 f"vocabulary ({len(self)} tokens, e.g. {self.itos[2:7]})")
            else:
                ids.append(self.unk_id)
        return np.asarray(ids, dtype=np.int64)

    def decode(self, ids) -> list[str]:
        """Ids ``(time,)`` → tokens."""
        ids = check_array("ids", ids, ndim=1, kind="int", allow_empty=True)
        bad = ids[(ids < 0) | (ids >= len(self))]
        if bad.size:
            raise ValueError(f"argument 'ids': expected ids in [0, {len(self) - 1}], got {int(bad[0])}")
        return [self.itos[i] for i in ids]

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens: {self.itos[:8]}{' ...' if len(self) > 8 else ''})"


def one_hot(ids, vocab_size: int) -> np.ndarray:
    """Integer ids of any shape ``(...)`` → float32 one-hot vectors ``(..., vocab_size)``."""
    vocab_size = check_positive_int("vocab_size", vocab_size)
    ids = check_array("ids", ids, kind="int", allow_empty=True)
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"argument 'ids': expected ids in [0, {vocab_size - 1}], got range "
                         f"[{ids.min()}, {ids.max()}]")
    return np.eye(vocab_size, dtype=np.float32)[ids]


def fixed_windows(ids, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Slide a window over one sequence: ids ``(time,)`` → inputs ``(time - window, window)``, next ids ``(time - window,)``.

    Example: ``[5, 6, 7, 8]`` with ``window=2`` gives inputs ``[[5, 6], [6, 7]]`` and targets ``[7, 8]``.
    """
    ids = check_array("ids", ids, ndim=1, kind="int")
    window = check_positive_int("window", window)
    if window >= len(ids):
        raise ValueError(f"argument 'window': expected a window shorter than the sequence "
                         f"(< {len(ids)} tokens), got {window}")
    starts = np.arange(len(ids) - window)[:, None] + np.arange(window)[None, :]
    return ids[starts], ids[window:]


def last_window(ids, window: int, pad_id: int = 0) -> np.ndarray:
    """The last ``window`` ids of each sequence, left-padded with ``pad_id``: ``(batch, time)`` → ``(batch, window)``."""
    ids = check_array("ids", ids, ndim=2, kind="int")
    window = check_positive_int("window", window)
    if window > ids.shape[1]:
        ids = np.pad(ids, ((0, 0), (window - ids.shape[1], 0)), constant_values=pad_id)
    return ids[:, ids.shape[1] - window:]


def window_features(windows, vocab_size: int) -> np.ndarray:
    """Windows of ids ``(batch, window)`` → concatenated one-hots ``(batch, window * vocab_size)``.

    Position matters: the same word at another place in the window lights up a
    different input, which is why a fixed window does not share parameters.
    """
    windows = check_array("windows", windows, ndim=2, kind="int")
    encoded = one_hot(windows, vocab_size)  # (batch, window, V)
    return encoded.reshape(len(windows), -1)


def bag_of_words(sequences, vocab_size: int, ignore_ids: Sequence[int] = (0,)) -> np.ndarray:
    """Sequences of ids (a ``(batch, time)`` array or a list of 1-D arrays) → counts ``(batch, vocab_size)``.

    Order is thrown away: "good, not bad" and "bad, not good" get the same vector.
    Ids in ``ignore_ids`` (padding by default) are not counted.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    if isinstance(sequences, np.ndarray):
        check_array("sequences", sequences, ndim=2, kind="int")
    if len(sequences) == 0:
        raise ValueError("argument 'sequences': expected at least one sequence, got none")
    counts = np.zeros((len(sequences), vocab_size), dtype=np.float32)
    for row, seq in enumerate(sequences):
        seq = check_array(f"sequences[{row}]", seq, ndim=1, kind="int", allow_empty=True)
        if seq.size and (seq.min() < 0 or seq.max() >= vocab_size):
            raise ValueError(f"argument 'sequences[{row}]': expected ids in [0, {vocab_size - 1}], "
                             f"got range [{seq.min()}, {seq.max()}]")
        np.add.at(counts[row], seq, 1.0)
    counts[:, list(ignore_ids)] = 0.0
    return counts


def pad_sequences(sequences, maxlen: int | None = None, side: str = "pre", value: int = 0) -> np.ndarray:
    """List of 1-D id arrays → ``(batch, maxlen)`` int array, padded (and cut) on ``side``.

    ``side="pre"`` keeps the end of long sequences (the part next to the prediction);
    ``"post"`` keeps the beginning.
    """
    check_choice("side", side, {"pre", "post"})
    if len(sequences) == 0:
        raise ValueError("argument 'sequences': expected at least one sequence, got none")
    arrays = [check_array(f"sequences[{i}]", s, ndim=1, kind="int", allow_empty=True)
              for i, s in enumerate(sequences)]
    if maxlen is None:
        maxlen = max(len(a) for a in arrays)
    maxlen = check_positive_int("maxlen", maxlen)
    out = np.full((len(arrays), maxlen), value, dtype=np.int64)
    for row, a in enumerate(arrays):
        a = a[-maxlen:] if side == "pre" else a[:maxlen]
        if len(a):
            if side == "pre":
                out[row, maxlen - len(a):] = a
            else:
                out[row, :len(a)] = a
    return out
