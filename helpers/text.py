"""Text to numbers: tokens, vocabularies, one-hot vectors, fixed windows, bags of words.

Introduced in lessons 01 (fixed window) and 02 (bag of words); reused by 03, 08.
Shapes use ``batch`` for examples, ``time`` for positions and ``V`` for the vocabulary size.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from .validation import (MAX_ITEMS, MAX_LENGTH, check_alloc, check_array, check_choice, check_ids,
                         check_positive_int, check_size, check_string_list, check_text)

PAD, UNK = "<pad>", "<unk>"
# words are runs of letters and digits in any script ("café", "naïve" stay whole), with an optional 's / 't;
# any other visible character is a token of its own
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\s\w]|_")


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
        tokens = check_string_list("tokens", tokens, what="tokens")
        self.itos = [PAD, UNK] + [t for t in dict.fromkeys(tokens) if t not in (PAD, UNK)]
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @classmethod
    def build(cls, corpus: Iterable, min_count: int = 1) -> "Vocabulary":
        if isinstance(corpus, str) or corpus is None or not hasattr(corpus, "__iter__"):
            raise TypeError(f"argument 'corpus': expected a list of texts or of token lists, got "
                            f"{type(corpus).__name__} {corpus!r:.60}" + (" (wrap a single text in a list)"
                                                                         if isinstance(corpus, str) else ""))
        min_count = check_positive_int("min_count", min_count, maximum=MAX_ITEMS)
        counts: Counter = Counter()
        n = 0
        for item in corpus:
            if isinstance(item, str):
                counts.update(tokenize(item) if item.strip() else [])
            else:
                counts.update(check_string_list(f"corpus[{n}]", item, allow_empty=True, what="tokens"))
            n += 1
            if n > MAX_ITEMS:
                raise ValueError(f"argument 'corpus': expected at most {MAX_ITEMS:,} texts on a 2-core, 24 GiB "
                                 f"machine, got more")
        if n == 0 or not counts:
            raise ValueError("argument 'corpus': expected at least one non-empty text, got an empty corpus")
        kept = [t for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_count]
        if not kept:
            raise ValueError(f"argument 'min_count': expected a count that keeps at least one token (the most "
                             f"frequent appears {max(counts.values())} times), got {min_count}")
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
            tokens = tokenize(tokens) if tokens.strip() else []
        else:
            tokens = check_string_list("tokens", tokens, allow_empty=True, what="tokens")
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
        ids = check_ids("ids", ids, len(self), ndim=1, allow_empty=True)
        return [self.itos[i] for i in ids]

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens: {self.itos[:8]}{' ...' if len(self) > 8 else ''})"


def one_hot(ids, vocab_size: int) -> np.ndarray:
    """Integer ids of any shape ``(...)`` → float32 one-hot vectors ``(..., vocab_size)``."""
    vocab_size = check_size("vocab_size", vocab_size, maximum=MAX_ITEMS, what="words")
    ids = check_ids("ids", ids, vocab_size, allow_empty=True)
    check_alloc("vocab_size", (*ids.shape, vocab_size), np.float32, what="one-hot array")
    out = np.zeros((ids.size, vocab_size), dtype=np.float32)
    out[np.arange(ids.size), ids.ravel()] = 1.0
    return out.reshape(*ids.shape, vocab_size)


def fixed_windows(ids, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Slide a window over one sequence: ids ``(time,)`` → inputs ``(time - window, window)``, next ids ``(time - window,)``.

    Example: ``[5, 6, 7, 8]`` with ``window=2`` gives inputs ``[[5, 6], [6, 7]]`` and targets ``[7, 8]``.
    """
    ids = check_array("ids", ids, ndim=1, kind="int")
    window = check_size("window", window, maximum=MAX_LENGTH, what="tokens")
    if window >= len(ids):
        raise ValueError(f"argument 'window': expected a window shorter than the sequence "
                         f"(< {len(ids)} tokens), got {window}")
    starts = np.arange(len(ids) - window)[:, None] + np.arange(window)[None, :]
    return ids[starts], ids[window:]


def last_window(ids, window: int, pad_id: int = 0) -> np.ndarray:
    """The last ``window`` ids of each sequence, left-padded with ``pad_id``: ``(batch, time)`` → ``(batch, window)``."""
    ids = check_array("ids", ids, ndim=2, kind="int")
    window = check_size("window", window, maximum=MAX_LENGTH, what="tokens")
    pad_id = check_positive_int("pad_id", pad_id, minimum=0)
    if window > ids.shape[1]:
        ids = np.pad(ids, ((0, 0), (window - ids.shape[1], 0)), constant_values=pad_id)
    return ids[:, ids.shape[1] - window:]


def window_features(windows, vocab_size: int) -> np.ndarray:
    """Windows of ids ``(batch, window)`` → concatenated one-hots ``(batch, window * vocab_size)``.

    Position matters: the same word at another place in the window lights up a
    different input, which is why a fixed window does not share parameters.
    """
    windows = check_array("windows", windows, ndim=2, kind="int")
    check_alloc("vocab_size", (*windows.shape, vocab_size), np.float32, what="one-hot features")
    encoded = one_hot(windows, vocab_size)  # (batch, window, V)
    return encoded.reshape(len(windows), -1)


def bag_of_words(sequences, vocab_size: int, ignore_ids: Sequence[int] = (0,)) -> np.ndarray:
    """Sequences of ids (a ``(batch, time)`` array or a list of 1-D arrays) → counts ``(batch, vocab_size)``.

    Order is thrown away: "good, not bad" and "bad, not good" get the same vector.
    Ids in ``ignore_ids`` (padding by default) are not counted.
    """
    vocab_size = check_size("vocab_size", vocab_size, maximum=MAX_ITEMS, what="words")
    sequences = _check_sequences(sequences)
    ignore_ids = [check_positive_int("ignore_ids", i, minimum=0, maximum=vocab_size - 1)
                  for i in (ignore_ids if hasattr(ignore_ids, "__iter__") else [ignore_ids])]
    check_alloc("vocab_size", (len(sequences), vocab_size), np.float32, what="count matrix")
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
    sequences = _check_sequences(sequences)
    value = check_positive_int("value", value, minimum=0)
    arrays = [check_array(f"sequences[{i}]", s, ndim=1, kind="int", allow_empty=True)
              for i, s in enumerate(sequences)]
    if maxlen is None:
        maxlen = max(len(a) for a in arrays)
    maxlen = check_size("maxlen", maxlen, maximum=MAX_LENGTH, what="tokens")
    check_alloc("maxlen", (len(arrays), maxlen), np.int64, what="padded array")
    out = np.full((len(arrays), maxlen), value, dtype=np.int64)
    for row, a in enumerate(arrays):
        a = a[-maxlen:] if side == "pre" else a[:maxlen]
        if len(a):
            if side == "pre":
                out[row, maxlen - len(a):] = a
            else:
                out[row, :len(a)] = a
    return out


def _check_sequences(sequences):
    """A ``(batch, time)`` int array or a non-empty list of 1-D id arrays (never a string)."""
    if isinstance(sequences, (str, bytes)) or sequences is None or not hasattr(sequences, "__len__"):
        raise TypeError(f"argument 'sequences': expected a list of id arrays or a (batch, time) int array, got "
                        f"{type(sequences).__name__} {sequences!r:.60}")
    if isinstance(sequences, np.ndarray):
        check_array("sequences", sequences, ndim=2, kind="int", allow_empty=True)
    if len(sequences) == 0:
        raise ValueError("argument 'sequences': expected at least one sequence, got none")
    if len(sequences) > MAX_ITEMS:
        raise ValueError(f"argument 'sequences': expected at most {MAX_ITEMS:,} sequences on a 2-core, 24 GiB "
                         f"machine, got {len(sequences):,}")
    return sequences
