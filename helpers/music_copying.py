"""Is the music copied? The longest passage a tune shares with any training tune (lesson 07).

For every tune we measure, against all training tunes at once:

* the longest run of **characters** of its music it shares verbatim with some training tune;
* the longest run of **whole bars** it shares: its music is cut at bar lines into bars (spaces
  removed, since in ABC they only change how notes are beamed), and a run of consecutive bars
  must appear, consecutively, in one training tune.

Only the music counts, not the header lines (``X:``, ``T:``, ``M:``, ``L:``, ``K:``): every
tune starts with ``X:1``, and a shared meter is no copy. A tune that copies two or more bars
verbatim is counted as copying. The same measure on **held-out real tunes** says how much
verbatim sharing is normal in this tradition (jigs and reels share stock bars), so a
generated figure is read against it rather than against zero.

How it stays fast: the training tunes are joined (separated by a character no query holds,
so no match runs across two tunes) and their suffixes sorted once, a suffix array. The
longest run of a query starting at position i is then shared with one of the two sorted
suffixes next to where ``query[i:]`` would be inserted: a binary search, ``log2 n`` slice
comparisons. Bars are indexed the same way, each distinct bar written as one character.

    index = CopyIndex(corpus.train)
    report = index.report(tunes)        # per tune: longest shared characters and bars
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy as np

from .validation import check_string_list
from .figures import FONT_PT

HEADER = re.compile(r"^[A-Za-z]:")
# A bar line: | || |] [| |: :| :: :|: , optionally followed by a first/second ending number.
BAR_LINE = re.compile(r"(?:\[?:*\|+:*\]?|::)(?:\[?[1-9](?![0-9/]))?")
BAR_SYMBOLS = 0x10000        # bar k of the training tunes is chr(BAR_SYMBOLS + k) (past the surrogates)
UNSEEN_BAR = "\x01"          # a bar no training tune has: never matches
SEPARATOR = "\x00"          # between training tunes in the index: never in a query


def music_of(tune: str) -> str:
    """The music lines of an ABC tune (header lines such as ``X:1`` and ``K:G`` dropped), joined by newlines."""
    return "\n".join(line for line in tune.splitlines() if line.strip() and not HEADER.match(line))


def bars_of(tune: str) -> list[str]:
    """The tune's music cut into bars at its bar lines, spaces and line breaks removed.

    Empty pieces are dropped, and so is an unfinished last piece (music that does not end on a
    bar line, e.g. a generated tune cut off by its length limit): only whole bars count.
    """
    music = music_of(tune)
    pieces = BAR_LINE.split(music)[:-1]       # what follows the last bar line is not a whole bar
    return [p for p in ("".join(piece.split()) for piece in pieces) if p]


def suffix_array(text: str) -> np.ndarray:
    """Start positions of all suffixes of ``text`` in sorted order ``(len(text),)`` int64.

    Prefix doubling with numpy: rank the suffixes by their first m characters (packed into
    one integer), then by their first 2m, 4m, ... (each suffix's rank pair packed into one
    integer and sorted) until all ranks differ: a few sorts of the whole array.
    """
    if not text:
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    _, codes = np.unique(codes, return_inverse=True)                 # dense codes 0 .. V-1
    n, bits = len(codes), int(codes.max() + 1).bit_length()
    m = max(1, 62 // bits)                                           # characters packed in the first key
    padded = np.concatenate([codes.astype(np.int64) + 1, np.zeros(m, dtype=np.int64)])
    key = np.zeros(n, dtype=np.int64)
    for j in range(m):
        key = (key << bits) | padded[j:j + n]
    k = m
    while True:
        order = np.argsort(key, kind="stable")                       # one sort per round
        sorted_key = key[order]
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.cumsum(np.r_[False, sorted_key[1:] != sorted_key[:-1]])   # equal keys, equal rank
        if rank.max() == n - 1 or k >= n:
            return order
        second = np.zeros(n, dtype=np.int64)
        second[:n - k] = rank[k:] + 1
        key = rank * (n + 1) + second                                # < (n + 1) ** 2: fits in int64
        k *= 2


class SuffixIndex:
    """The suffix array of several strings, for the longest run of a query found in one of them.

    The strings are joined with a separator (NUL) that never occurs in a query, so no run can
    cross from one string into the next. :meth:`longest_match` binary-searches each suffix of
    the query among the sorted suffixes (``log2 n`` comparisons of short slices each), so a
    query costs about ``len(query) * log2(n)`` slice comparisons in C, not a scan of the text.
    """

    def __init__(self, strings):
        self.text = SEPARATOR.join(strings) + SEPARATOR
        self.sa = suffix_array(self.text).tolist()

    def longest_match(self, query: str) -> tuple[int, int]:
        """``(length, start)``: the longest run ``query[start:start + length]`` found in the strings."""
        if SEPARATOR in query:
            raise ValueError("argument 'query': expected no NUL character (it separates the indexed strings)")
        text, sa = self.text, self.sa
        best, best_start = 0, 0
        for i in range(len(query)):
            rest = query[i:]
            if len(rest) <= best:
                break
            width = len(rest)
            pos = bisect.bisect_left(sa, rest, key=lambda p: text[p:p + width])
            for neighbour in (pos - 1, pos):
                if 0 <= neighbour < len(sa):
                    run = _common_prefix(rest, text[sa[neighbour]:sa[neighbour] + width])
                    if run > best:
                        best, best_start = run, i
        return best, best_start


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    low, high = 0, n                   # a[:low] == b[:low], a[:high] != b[:high]: bisect on slices
    while high - low > 1:
        mid = (low + high) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid
    return low


@dataclass
class CopyReport:
    """Per tune: the longest shared run of characters and of whole bars, and the passages."""

    chars: np.ndarray          # (tunes,) longest shared run of music characters
    bars: np.ndarray           # (tunes,) longest shared run of whole bars
    char_passages: list        # the shared characters of each tune
    bar_passages: list         # the shared bars of each tune (a list of bar strings)
    n_bars: np.ndarray         # (tunes,) whole bars in each tune

    def share_copying(self, min_bars: int = 2) -> float:
        """Share of tunes that share at least ``min_bars`` consecutive whole bars with a training tune."""
        return float(np.mean(self.bars >= min_bars)) if len(self.bars) else float("nan")

    def most_copied(self) -> int:
        """Index of the tune with the longest shared run of bars (then of characters)."""
        return int(np.lexsort((self.chars, self.bars))[-1])


class CopyIndex:
    """Every training tune's music, indexed by characters and by bars (lesson 07)."""

    def __init__(self, training_tunes):
        tunes = check_string_list("training_tunes", training_tunes, what="ABC tunes")
        self.musics = [music_of(t) for t in tunes]
        self.titles = [next((line[2:].strip() for line in t.splitlines() if line.startswith("T:")), "")
                       for t in tunes]
        self.chars = SuffixIndex(self.musics)
        self.bar_symbols: dict[str, str] = {}     # each distinct training bar as one character
        bar_strings = ["".join(self.bar_symbols.setdefault(b, chr(BAR_SYMBOLS + len(self.bar_symbols)))
                               for b in bars_of(t)) for t in tunes]
        self.bar_strings = bar_strings
        self.bars = SuffixIndex(bar_strings)

    def source_of(self, passage: str) -> str:
        """The title of a training tune whose music contains ``passage`` (``''`` if none)."""
        for music, title in zip(self.musics, self.titles):
            if passage and passage in music:
                return title or "(untitled)"
        return ""

    def source_of_bars(self, bars) -> str:
        """The title of a training tune holding ``bars`` (a list of bar strings) in this order (``''`` if none)."""
        bars = check_string_list("bars", bars, what="bars", allow_empty=True)
        if not bars or any(b not in self.bar_symbols for b in bars):
            return ""
        wanted = "".join(self.bar_symbols[b] for b in bars)
        return next((title or "(untitled)" for symbols, title in zip(self.bar_strings, self.titles)
                     if wanted in symbols), "")

    def report(self, tunes) -> CopyReport:
        """Measure ``tunes`` (ABC strings) against the training tunes."""
        tunes = check_string_list("tunes", tunes, what="ABC tunes")
        chars, bars, char_passages, bar_passages, n_bars = [], [], [], [], []
        for tune in tunes:
            music = music_of(tune)
            length, start = self.chars.longest_match(music)
            chars.append(length)
            char_passages.append(music[start:start + length])
            tune_bars = bars_of(tune)
            symbols = "".join(self.bar_symbols.get(b, UNSEEN_BAR) for b in tune_bars)   # unseen bars never match
            length, start = self.bars.longest_match(symbols)
            bars.append(length)
            bar_passages.append(tune_bars[start:start + length])
            n_bars.append(len(tune_bars))
        return CopyReport(np.asarray(chars), np.asarray(bars), char_passages, bar_passages, np.asarray(n_bars))


def plot_copying(reports: dict, *, max_bars: int = 6):
    """``{label: CopyReport}`` → two panels: the longest shared run of characters (box plot) and
    the share of tunes by their longest shared run of whole bars (0, 1, 2, ... ``max_bars``+). Returns the Figure."""
    import matplotlib.pyplot as plt

    if not isinstance(reports, dict) or not reports or not all(isinstance(r, CopyReport) for r in reports.values()):
        raise TypeError(f"argument 'reports': expected a non-empty dict {{label: CopyReport}}, got {reports!r:.80}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
    labels = list(reports)
    left.boxplot([reports[k].chars for k in labels], vert=False)
    left.set_yticks(range(1, len(labels) + 1), labels)
    left.set_xlabel("longest run of characters shared with a training tune")
    bins = np.arange(max_bars + 1)
    width = 0.8 / len(labels)
    for j, label in enumerate(labels):
        counts = np.bincount(np.minimum(reports[label].bars, max_bars), minlength=max_bars + 1)
        right.bar(bins + j * width, counts / max(len(reports[label].bars), 1), width, label=label)
    right.set_xticks(bins + 0.4 - width / 2, [str(b) for b in bins[:-1]] + [f"{max_bars}+"])
    right.set_xlabel("longest run of whole bars shared with a training tune")
    right.set_ylabel("share of tunes")
    right.axvline(2 - width / 2 - 0.1, color="grey", linestyle=":")
    right.legend(fontsize=FONT_PT)
    fig.tight_layout()
    from .figures import describe, number, percent

    parts = [f"{label} ({len(reports[label].chars)} tunes): longest shared run of characters median "
             f"{number(np.median(reports[label].chars)) if len(reports[label].chars) else 'none'}, longest "
             f"{int(reports[label].chars.max()) if len(reports[label].chars) else 0}; tunes sharing 2 or more whole "
             f"bars with a training tune {percent(reports[label].share_copying(2)) if len(reports[label].bars) else 'none'}"
             for label in labels]
    describe(fig, "How much of each tune is copied from the training tunes. " + ". ".join(parts) + ".")
    return fig
