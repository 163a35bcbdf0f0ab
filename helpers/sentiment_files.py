"""Lesson 08, your own reviews: a CSV file in any common encoding, and IMDB word ranks read without pickle.

Part of :mod:`helpers.sentiment` (which re-exports these names). Nothing is downloaded.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

from . import datasets, text
from .validation import MAX_ITEMS, MAX_LENGTH, check_ids, check_seed, check_size, check_text
from .validation_files import read_user_text


def _check_labels(name: str, labels, n: int) -> np.ndarray:
    labels = check_ids(name, labels, 2, ndim=1, what="labels 0 (negative) or 1 (positive)")
    if len(labels) != n:
        raise ValueError(f"argument {name!r}: expected one label per review, shape ({n},), got {labels.shape}")
    return labels


# ---- your own data ----------------------------------------------------------------------------

def load_reviews_csv(path, *, text_column: str = "text", label_column: str = "label") -> datasets.TextDataset:
    """Read a CSV with a header and one review per row: ``text`` (a string) and ``label`` (0 or 1).

    Errors name the file line and the column: a missing column, an empty text, or a label
    other than 0/1 (``"1"``, ``"1.0"`` and ``"positive"``/``"negative"`` are accepted).
    The encoding is detected: UTF-8 (with the byte-order mark spreadsheets write, or without),
    UTF-16, else Latin-1 with a printed note; a NUL byte is refused with its line.
    """
    if path is None or not isinstance(path, (str, Path)):
        raise TypeError(f"argument 'path': expected a path to a CSV file, got {type(path).__name__} {path!r:.40}")
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"argument 'path': expected a CSV file, got {str(path)!r} (no file there)")
    check_text("text_column", text_column)
    check_text("label_column", label_column)
    read = read_user_text(path)
    if read.note:
        print(f"note: {read.note}")
    named = {"0": 0, "1": 1, "0.0": 0, "1.0": 1, "negative": 0, "positive": 1, "neg": 0, "pos": 1}
    texts, labels = [], []
    reader = csv.DictReader(io.StringIO(read.text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise ValueError(f"{path.name} line 1: expected a CSV header line, got unreadable CSV ({error})") from None
    if not header:
        raise ValueError(f"{path.name}: the file is empty; expected a header line with columns "
                         f"{text_column!r} and {label_column!r}")
    reader.fieldnames = header
    for column in (text_column, label_column):
        if column not in header:
            raise ValueError(f"{path.name} line 1: column {column!r} not found; expected it in the header, got "
                             f"{header} (pass text_column=... / label_column=... to use other names)")
    try:
        for row in reader:
            line = reader.line_num
            review = (row.get(text_column) or "").strip()
            if not review:
                raise ValueError(f"{path.name} line {line}, column {text_column!r}: expected a review text, got "
                                 f"an empty one")
            raw = (row.get(label_column) or "").strip().lower()
            if raw not in named:
                raise ValueError(f"{path.name} line {line}, column {label_column!r}: expected a label 0 or 1, "
                                 f"got {row.get(label_column)!r}")
            texts.append(review)
            labels.append(named[raw])
            if len(texts) > MAX_ITEMS:
                raise ValueError(f"{path.name}: expected at most {MAX_ITEMS:,} reviews on a 2-core, 24 GiB "
                                 f"machine, got more")
    except csv.Error as error:
        raise ValueError(f"{path.name} line {reader.line_num}: expected CSV, got unreadable CSV ({error})") from None
    if not texts:
        raise ValueError(f"{path.name}: the header is there but there are no rows of reviews")
    info = {"source": str(path), "encoding": read.encoding}
    if read.note:
        info["note"] = read.note
    return datasets.TextDataset(texts, np.asarray(labels, dtype=np.int64), ["negative", "positive"], info)


IMDB_CACHE = Path("~/.keras/datasets/imdb.npz")
IMDB_SPLITS = ("train", "test")


def save_imdb_arrays(path, splits: dict) -> Path:
    """Write reviews as word ranks to an ``.npz`` that loads without pickle.

    ``splits`` is ``{"train": (x, y), "test": (x, y)}`` with ``x`` a list of rank lists. Each ``x``
    is stored flat (``x_train_ranks``) with the length of every review (``x_train_lengths``).
    """
    arrays = {}
    for split in IMDB_SPLITS:
        x, y = splits[split]
        rows = [np.asarray(r, dtype=np.int64).ravel() for r in x]
        arrays[f"x_{split}_ranks"] = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        arrays[f"x_{split}_lengths"] = np.asarray([len(r) for r in rows], dtype=np.int64)
        arrays[f"y_{split}"] = np.asarray(y, dtype=np.int64)
    path = Path(path).expanduser()
    np.savez(path, **arrays)
    return path


def _read_imdb(path: Path) -> dict:
    """``{split: (list of rank arrays, labels)}`` from an archive of :func:`save_imdb_arrays`; never unpickles."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValueError(f"argument 'path': expected a NumPy .npz archive, got {str(path)!r} that cannot be read "
                         f"({type(error).__name__})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"argument 'path': expected a NumPy .npz archive, got a single array in {str(path)!r}")
    with archive:
        names = set(archive.files)
        if {"x_train", "x_test"} <= names and "x_train_ranks" not in names:
            raise ValueError(f"argument 'path': expected arrays x_train_ranks, x_train_lengths, y_train (and the "
                             f"same for test) as written by helpers.sentiment.save_imdb_arrays, got Keras' own IMDB "
                             f"format in {str(path)!r}: pickled Python lists, which can run code when loaded, so "
                             "they are not read")
        parts = {}
        for split in IMDB_SPLITS:
            wanted = [f"x_{split}_ranks", f"x_{split}_lengths", f"y_{split}"]
            missing = [k for k in wanted if k not in names]
            if missing:
                raise ValueError(f"argument 'path': expected arrays {wanted} in {str(path)!r}, got {sorted(names)}")
            try:
                ranks, lengths, y = (archive[k] for k in wanted)
            except ValueError as error:   # an object array: numpy refuses it without pickle
                raise ValueError(f"argument 'path': expected plain integer arrays in {str(path)!r}, got {error}") from None
            ranks = check_ids(f"{split} ranks", ranks, ndim=1, allow_empty=True)
            lengths = check_ids(f"{split} lengths", lengths, ndim=1)
            if int(lengths.sum()) != len(ranks):
                raise ValueError(f"argument 'path': expected {split} lengths summing to {len(ranks)} ranks, got "
                                 f"{int(lengths.sum())}")
            y = _check_labels(f"y_{split}", y, len(lengths))
            parts[split] = (np.split(ranks, np.cumsum(lengths)[:-1]), y)
    return parts


def load_imdb_if_cached(path=None, *, n_train: int = 2000, n_test: int = 1000, num_words: int = 5000,
                        maxlen: int = 120, seed: int = 0):
    """IMDB reviews as word ranks, only if the archive is already on disk; never downloads, never unpickles.

    Returns ``None`` (after printing why) when the file is missing, else a dict with
    ``x_train, y_train, x_test, y_test`` (ids ``(batch, maxlen)`` padded at the front,
    0 = pad, 1 = unknown or rarer than the ``num_words`` most frequent words) and
    ``vocab_size``. A random subset of ``n_train``/``n_test`` reviews keeps it CPU-sized.

    The archive holds flat integer arrays (:func:`save_imdb_arrays`). Keras' own ``imdb.npz``
    stores pickled lists, and unpickling a file can run code: it is refused (with the default
    path, a note is printed and ``None`` returned, so a lesson goes on with the built-in reviews).
    """
    default = path is None
    if not default and not isinstance(path, (str, Path)):
        raise TypeError(f"argument 'path': expected a path to an .npz file or None, got {type(path).__name__}")
    path = Path(path if path is not None else IMDB_CACHE).expanduser()
    n_train = check_size("n_train", n_train, what="reviews")
    n_test = check_size("n_test", n_test, what="reviews")
    num_words = check_size("num_words", num_words, minimum=3, maximum=MAX_ITEMS, what="words")
    maxlen = check_size("maxlen", maxlen, maximum=MAX_LENGTH, what="tokens")
    seed = check_seed("seed", seed)
    if not path.is_file():
        print(f"IMDB is not cached at {path}: going on with the built-in reviews "
              "(nothing is downloaded; sentiment.save_imdb_arrays writes an archive there that loads without pickle).")
        return None
    try:
        splits = _read_imdb(path)
    except ValueError as error:
        if not default:
            raise
        print(f"IMDB at {path} is not used: {str(error).split(': ', 1)[-1]}. Going on with the built-in reviews.")
        return None
    rng = np.random.default_rng(seed)
    parts = {}
    for split, n in (("train", n_train), ("test", n_test)):
        xs, ys = splits[split]
        pick = rng.permutation(len(xs))[:n]
        sequences = []
        for i in pick:
            ids = xs[i] + 1                      # rank 1 (most frequent) → id 2; 0 and 1 stay free
            ids[ids >= num_words] = 1            # rare words → <unk>
            sequences.append(ids[-maxlen:])
        parts[f"x_{split}"] = text.pad_sequences(sequences, maxlen, side="pre").astype(np.int32)
        parts[f"y_{split}"] = ys[pick]
    parts["vocab_size"] = num_words
    print(f"IMDB found at {path}: {len(parts['x_train'])} training and {len(parts['x_test'])} test reviews "
          f"(last {maxlen} tokens, {num_words} words).")
    return parts
