"""Seeded, offline data generators built around the lecture's own examples (lessons 01-03, 08).

Each design criterion of sequence models has a dataset on which a named baseline fails
(measured in lessons 01-02; a recurrent model passes all four in lesson 03):

===================  =================================================  ===============================
criterion            dataset                                            fails on it
===================  =================================================  ===============================
variable length      :func:`language_sentences`, gap drawn per example  fixed windows (too short, or cut)
long-term deps       :func:`language_sentences`, a long fixed gap       a small window
word order           :func:`sentiment_pairs` (minimal pairs)            bag of words (exactly 50 %)
parameter sharing    :func:`key_phrase` at unseen positions             big window, bag of words
===================  =================================================  ===============================

The bag of words passes the two "fluent ___" columns (the answer's place name is in the bag, and
these sentences name one place); the distractor set (:func:`language_sentences` with
``distractor=True``) is where it fails on them. A big window passes word order, because the
minimal pairs are shorter than the window.

Everything is deterministic given ``seed``. Frozen copies of the evaluation sets live in
``data/`` (see ``data/README.md``); :func:`load_frozen` reads them and a test checks they
still equal what the generators produce.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .course_data import DATA_DIR, missing_message  # data/ in a checkout, helpers/data/ in a wheel
from .validation import check_bool, check_positive_int, check_seed, check_share, check_size

MAX_GAP = 10_000      # filler words between the place and the blank (a sentence longer than any model reads)

# country, language, cities: the lecture's "grew up in France ... speaks fluent ___".
PLACES = [
    ("france", "french", ("paris", "lyon")),
    ("spain", "spanish", ("madrid", "seville")),
    ("italy", "italian", ("rome", "milan")),
    ("germany", "german", ("berlin", "munich")),
    ("portugal", "portuguese", ("lisbon", "porto")),
    ("japan", "japanese", ("tokyo", "osaka")),
    ("russia", "russian", ("moscow", "kazan")),
    ("greece", "greek", ("athens", "patras")),
    ("poland", "polish", ("warsaw", "krakow")),
    ("china", "chinese", ("beijing", "shanghai")),
]
LANGUAGES = [language for _, language, _ in PLACES]
FILLER = ("she has a small dog and two cats . her brother works at the bank on most days . "
          "they like long walks by the river . the weather was mild last week . "
          "on sundays she cooks soup for her friends . the train to work is often late . "
          "her favourite colour is green . she reads a book every month .").split()
PRONOUNS = ("she", "he")


@dataclass
class TextDataset:
    """Texts with integer labels. ``texts[i]`` is a string, ``labels`` is ``(batch,)`` int64."""

    texts: list[str]
    labels: np.ndarray
    label_names: list[str]
    info: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index) -> "TextDataset":
        index = np.arange(len(self))[index]
        return TextDataset([self.texts[i] for i in np.atleast_1d(index)], self.labels[index],
                           self.label_names, dict(self.info))

    def to_json(self) -> dict:
        return {"texts": self.texts, "labels": self.labels.tolist(), "label_names": self.label_names,
                "info": self.info}

    @classmethod
    def from_json(cls, data: dict) -> "TextDataset":
        return cls(list(data["texts"]), np.asarray(data["labels"], dtype=np.int64),
                   list(data["label_names"]), dict(data.get("info", {})))


def _filler(rng: np.random.Generator, n_words: int) -> list[str]:
    start = int(rng.integers(len(FILLER)))
    words = [FILLER[(start + i) % len(FILLER)] for i in range(n_words)]
    return words


def language_sentences(n: int, gap=8, *, distractor: bool = False, seed: int = 0) -> TextDataset:
    """Sentences ending in "… speaks fluent" whose answer is the language of the place grown up in.

    ``gap`` is the number of filler words between the last place name and the blank: an
    int, or a ``(low, high)`` pair drawn per example (variable length). With
    ``distractor=True`` the sentence also names where the person lives now (another
    language's city or country), before or after the origin clause, so that only word
    order tells which place answers the question. Labels index :data:`LANGUAGES`.
    """
    n = check_size("n", n, what="sentences")
    low, high = _gap_range(gap)
    if n * (high + 20) > 50_000_000:
        raise ValueError(f"argument 'gap': expected n * (gap + 20) <= 50,000,000 words on a 2-core, 24 GiB machine "
                         f"(a few GiB of text), got {n:,} sentences with gaps up to {high:,}")
    distractor = check_bool("distractor", distractor)
    rng = np.random.default_rng(check_seed("seed", seed))
    texts, labels = [], []
    for _ in range(n):
        origin = int(rng.integers(len(PLACES)))
        who = PRONOUNS[int(rng.integers(2))]
        origin_place = _place(rng, origin)
        clause = f"grew up in {origin_place}"
        if distractor:
            other = int((origin + rng.integers(1, len(PLACES))) % len(PLACES))
            residence = f"now lives in {_place(rng, other)}"
            clause = f"{clause} , but {residence}" if rng.random() < 0.5 else f"{residence} , but {clause}"
        words = [who, *clause.split(), "."] + _filler(rng, int(rng.integers(low, high + 1))) + [who, "speaks", "fluent"]
        texts.append(" ".join(words))
        labels.append(origin)
    return TextDataset(texts, np.asarray(labels, dtype=np.int64), list(LANGUAGES),
                       {"generator": "language_sentences", "gap": [low, high], "distractor": distractor, "seed": seed})


def _gap_range(gap) -> tuple[int, int]:
    """``gap`` as ``(low, high)``: an int or a pair, each in ``[0, MAX_GAP]``."""
    if isinstance(gap, (tuple, list)):
        if len(gap) != 2:
            raise ValueError(f"argument 'gap': expected an int >= 0 or a pair (low, high), got {gap!r}")
        low = check_size("gap", gap[0], minimum=0, maximum=MAX_GAP, what="filler words")
        high = check_size("gap", gap[1], minimum=low, maximum=MAX_GAP, what="filler words")
        return low, high
    value = check_size("gap", gap, minimum=0, maximum=MAX_GAP, what="filler words")
    return value, value


def _place(rng: np.random.Generator, index: int) -> str:
    country, _, cities = PLACES[index]
    return country if rng.random() < 0.5 else cities[int(rng.integers(len(cities)))]


POSITIVE = ["good", "great", "tasty", "friendly", "excellent", "lovely", "fresh", "pleasant"]
NEGATIVE = ["bad", "awful", "bland", "rude", "terrible", "nasty", "stale", "dreadful"]
THINGS = ["food", "service", "staff", "movie", "soup", "music", "room", "coffee", "book", "hotel"]
PAIR_TEMPLATES = [
    "the {thing} was {a} , not {b} at all",
    "the {thing} was not {b} , it was {a}",
    "i expected the {thing} to be {b} but it was {a}",
    "not {b} , the {thing} was really {a}",
]


def sentiment_pairs(n_pairs: int, *, seed: int = 0) -> TextDataset:
    """Order-sensitive minimal pairs: the same words, opposite labels (1 = positive).

    Each pair swaps a positive and a negative adjective in one template, e.g.
    "the food was good , not bad at all" (1) / "the food was bad , not good at all" (0).
    Both sentences have identical bags of words, so any bag-of-words model scores exactly
    50 % on a set made of whole pairs. Rows ``2k`` and ``2k+1`` form pair ``k``.
    """
    n_pairs = check_size("n_pairs", n_pairs, maximum=500_000, what="pairs")
    rng = np.random.default_rng(check_seed("seed", seed))
    texts, labels = [], []
    for _ in range(n_pairs):
        template = PAIR_TEMPLATES[int(rng.integers(len(PAIR_TEMPLATES)))]
        thing = THINGS[int(rng.integers(len(THINGS)))]
        good = POSITIVE[int(rng.integers(len(POSITIVE)))]
        bad = NEGATIVE[int(rng.integers(len(NEGATIVE)))]
        texts += [template.format(thing=thing, a=good, b=bad), template.format(thing=thing, a=bad, b=good)]
        labels += [1, 0]
    return TextDataset(texts, np.asarray(labels, dtype=np.int64), ["negative", "positive"],
                       {"generator": "sentiment_pairs", "seed": seed})


REVIEW_TEMPLATES = [
    ("the {thing} was {p}", 1), ("the {thing} was {n}", 0),
    ("the {thing} was not {p}", 0), ("the {thing} was not {n}", 1),
    ("i loved the {thing}", 1), ("i hated the {thing}", 0),
    ("really {p} {thing} , would come back", 1), ("really {n} {thing} , never again", 0),
    ("the {thing} was {p} and the {thing2} was {p2}", 1), ("the {thing} was {n} and the {thing2} was {n2}", 0),
    ("the {thing} was {p} but the {thing2} was {n} , overall {n2}", 0),
    ("the {thing} was {n} but the {thing2} was {p} , overall {p2}", 1),
]


def reviews(n: int, *, seed: int = 0, pair_share: float = 0.4) -> TextDataset:
    """Broad short reviews (1 = positive), with a share of minimal-pair sentences mixed in.

    Covers plain praise and complaint, negation ("not good"), contrast ("… but …") and,
    for ``pair_share`` of the rows, the order-sensitive pair templates.
    """
    n = check_size("n", n, what="reviews")
    seed = check_seed("seed", seed)
    pair_share = check_share("pair_share", pair_share)
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    n_pairs = int(round(n * pair_share / 2))
    pairs = sentiment_pairs(max(n_pairs, 1), seed=seed + 10_000)
    if n_pairs:
        texts += pairs.texts[: 2 * n_pairs]
        labels += pairs.labels[: 2 * n_pairs].tolist()
    while len(texts) < n:
        template, label = REVIEW_TEMPLATES[int(rng.integers(len(REVIEW_TEMPLATES)))]
        pick = lambda words: words[int(rng.integers(len(words)))]  # noqa: E731
        texts.append(template.format(thing=pick(THINGS), thing2=pick(THINGS), p=pick(POSITIVE),
                                     p2=pick(POSITIVE), n=pick(NEGATIVE), n2=pick(NEGATIVE)))
        labels.append(label)
    order = rng.permutation(len(texts))[:n]
    return TextDataset([texts[i] for i in order], np.asarray(labels, dtype=np.int64)[order],
                       ["negative", "positive"], {"generator": "reviews", "seed": seed, "pair_share": pair_share})


KEY = ("open", "sesame")
KEY_FILLER = ["door", "wall", "stone", "cave", "gold", "thief", "night", "camel", "sand", "lamp", "rope", "key"]


def key_phrase(n: int, length: int = 12, positions=range(0, 5), *, seed: int = 0) -> TextDataset:
    """Parameter sharing: is "open sesame" said in order (1) or reversed, "sesame open" (0)?

    Each sequence has ``length`` words: filler words with the two key words at
    ``position`` and ``position + 1``, the position drawn from ``positions``. Train on
    early positions and test on late ones: a model that shares its weights across time
    recognises the phrase anywhere; a fixed big window never saw it at those positions.
    """
    n = check_size("n", n, what="sequences")
    length = check_size("length", length, minimum=3, maximum=MAX_GAP, what="words")
    if isinstance(positions, (str, bytes)) or positions is None or not hasattr(positions, "__iter__"):
        raise TypeError(f"argument 'positions': expected a list or range of ints, got {type(positions).__name__} "
                        f"{positions!r:.40}")
    positions = [check_positive_int("positions", p, minimum=0, maximum=max(length - 2, 0)) for p in positions]
    seed = check_seed("seed", seed)
    if not positions or min(positions) < 0 or max(positions) > length - 2:
        raise ValueError(f"argument 'positions': expected positions in [0, {length - 2}] for length {length}, "
                         f"got {positions!r}")
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        words = [KEY_FILLER[int(j)] for j in rng.integers(len(KEY_FILLER), size=length)]
        position = positions[int(rng.integers(len(positions)))]
        label = i % 2
        words[position:position + 2] = KEY if label else KEY[::-1]
        texts.append(" ".join(words))
        labels.append(label)
    return TextDataset(texts, np.asarray(labels, dtype=np.int64), ["reversed", "in order"],
                       {"generator": "key_phrase", "length": length, "positions": positions, "seed": seed})


def variable_lengths(n: int, low: int = 3, high: int = 30, *, seed: int = 0) -> list[np.ndarray]:
    """``n`` random id sequences with lengths drawn in ``[low, high]`` (ids in ``[2, 50)``; 0 pad, 1 unk)."""
    n = check_size("n", n, what="sequences")
    low = check_size("low", low, maximum=MAX_GAP, what="ids per sequence")
    high = check_size("high", high, minimum=low, maximum=MAX_GAP, what="ids per sequence")
    if n * high > 200_000_000:
        raise ValueError(f"argument 'n': expected n * high <= 200,000,000 ids on a 2-core, 24 GiB machine, "
                         f"got {n:,} * {high:,}")
    rng = np.random.default_rng(check_seed("seed", seed))
    return [rng.integers(2, 50, size=int(rng.integers(low, high + 1))) for _ in range(n)]


# ---- the four design criteria ------------------------------------------------------------

CRITERIA = ("variable length", "long-term dependency", "word order", "parameter sharing")
# Chance accuracy on each criterion's test set: ten languages to guess from on the two "fluent ___" sets,
# two classes (positive / negative, in order / reversed) on the other two.
CHANCE = {"variable length": 1 / len(LANGUAGES), "long-term dependency": 1 / len(LANGUAGES),
          "word order": 0.5, "parameter sharing": 0.5}


def criterion_data(criterion: str, n_train: int = 2000, n_test: int = 400, seed: int = 0):
    """``(train, test)`` :class:`TextDataset` pair for one of :data:`CRITERIA`."""
    if not isinstance(criterion, str) or criterion not in CRITERIA:
        raise ValueError(f"argument 'criterion': expected one of {list(CRITERIA)}, got {criterion!r}")
    n_train = check_size("n_train", n_train, what="examples")
    n_test = check_size("n_test", n_test, what="examples")
    seed = check_seed("seed", seed)
    if criterion == "variable length":
        return (language_sentences(n_train, (0, 24), seed=seed), language_sentences(n_test, (0, 24), seed=seed + 1))
    if criterion == "long-term dependency":
        return (language_sentences(n_train, 14, seed=seed), language_sentences(n_test, 14, seed=seed + 1))
    if criterion == "word order":
        return (reviews(n_train, seed=seed), sentiment_pairs(max(n_test // 2, 1), seed=seed + 1))
    return (key_phrase(n_train, 12, range(0, 5), seed=seed), key_phrase(n_test, 12, range(5, 10), seed=seed + 1))


# ---- frozen evaluation sets ----------------------------------------------------------------

FROZEN = {
    "fluent_gap14_test": lambda: language_sentences(400, 14, seed=101),
    "fluent_distractor_test": lambda: language_sentences(400, (2, 8), distractor=True, seed=102),
    "fluent_variable_test": lambda: language_sentences(400, (0, 24), seed=103),
    "sentiment_pairs_test": lambda: sentiment_pairs(200, seed=104),
    "key_phrase_unseen_test": lambda: key_phrase(400, 12, range(5, 10), seed=105),
}


def load_frozen(name: str) -> TextDataset:
    """Read a frozen evaluation set from ``data/<name>.json``."""
    if not isinstance(name, str) or name not in FROZEN:
        raise ValueError(f"argument 'name': expected one of {sorted(FROZEN)}, got {name!r}")
    path = DATA_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(missing_message(path, "`python -m helpers.datasets`"))
    return TextDataset.from_json(json.loads(path.read_text(encoding="utf-8")))


def freeze_all() -> list[Path]:
    """(Re)write every frozen evaluation set into ``data/``."""
    DATA_DIR.mkdir(exist_ok=True)
    paths = []
    for name, make in FROZEN.items():
        path = DATA_DIR / f"{name}.json"
        path.write_text(json.dumps(make().to_json(), indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in freeze_all():
        print(f"wrote {written}")
