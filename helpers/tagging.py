"""Named-entity tagging where a tag depends on the words after it (lesson 06, bidirectional layers).

"Teddy Roosevelt was a great president" and "Teddy bears are on sale" start with the same word, and
only the *next* word tells whether *teddy* is a person or a thing. :func:`tagging_sentences`
generates such sentences: every sentence holds one or two entity phrases, some of which start with
an **ambiguous** word (*teddy*, *washington*, *jordan*, *apple*, *amazon*) whose two readings are
equally likely and are told apart only by the word that follows; the other entity words (*alice*,
*london*, *acme* ...) and the filler words always carry the same tag.

A unidirectional tagger has read only the words up to and including *teddy* when it must tag it, so on
ambiguous words it can do no better than guess between two readings (50 %); a bidirectional one reads
the rest of the sentence too.

Arrays are ``(batch, time)``: token ids padded with 0 at the end (``side="post"``), tags padded with 0,
and a boolean mask that is True on real tokens.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import text
from .training import build_optimizer
from .validation import check_array, check_number, check_seed, check_share, check_size
from .figures import FONT_PT

TAGS = ["O", "PER", "LOC", "ORG"]          # other, person, place, organisation
TAG_DESCRIPTIONS = {"O": "other", "PER": "person", "LOC": "place", "ORG": "organisation"}

# ambiguous first word -> {tag of the phrase: the words that can follow it}
AMBIGUOUS = {
    "teddy": {"PER": ["roosevelt"], "O": ["bears"]},
    "washington": {"PER": ["irving"], "LOC": ["state"]},
    "jordan": {"PER": ["baker"], "LOC": ["river"]},
    "apple": {"ORG": ["shares"], "O": ["pie"]},
    "amazon": {"ORG": ["stock"], "LOC": ["rainforest"]},
}
# unambiguous entity phrases: one tag whatever follows
UNAMBIGUOUS = {
    "PER": [["alice"], ["bob", "smith"], ["maria"], ["ahmed", "khan"]],
    "LOC": [["london"], ["tokyo"], ["lake", "geneva"], ["berlin"]],
    "ORG": [["acme"], ["globex", "corp"], ["initech"]],
    "O": [["the", "cakes"], ["old", "toys"], ["fresh", "bread"]],
}
# what may follow a phrase of each tag (all filler, tagged O); shared words keep the ending from giving the
# reading away before the second word does
ENDINGS = {
    "PER": [["was", "a", "great", "president"], ["gave", "a", "long", "speech"], ["wrote", "a", "book"],
            ["was", "here", "today"]],
    "LOC": [["is", "rainy", "in", "winter"], ["was", "crowded", "today"], ["looks", "lovely", "in", "spring"],
            ["was", "here", "today"]],
    "ORG": [["fell", "sharply", "today"], ["hired", "new", "staff"], ["rose", "this", "week"]],
    "O": [["are", "on", "sale"], ["taste", "great"], ["were", "sold", "out", "today"]],
}
PREFIXES = [[], [], ["yesterday"], ["i", "think"], ["they", "said"], ["we", "heard"]]
JOINERS = [["and"], ["but"], ["while"]]


@dataclass
class TaggedSentences:
    """Sentences with one tag per word. ``tokens[i]`` and ``tags[i]`` are lists of equal length;
    ``ambiguous[i]`` marks the words whose tag depends on the word after them."""

    tokens: list[list[str]]
    tags: list[list[str]]
    ambiguous: list[list[bool]]
    info: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.tokens)

    def text(self, i: int) -> str:
        return " ".join(self.tokens[i])


def _phrase(rng, ambiguous_share: float):
    """One entity phrase: (words, tags, ambiguous flags, tag of the phrase)."""
    if rng.random() < ambiguous_share:
        first = list(AMBIGUOUS)[int(rng.integers(len(AMBIGUOUS)))]
        readings = AMBIGUOUS[first]
        tag = list(readings)[int(rng.integers(len(readings)))]
        second = readings[tag][int(rng.integers(len(readings[tag])))]
        second_tag = "O" if tag == "ORG" else tag           # "apple shares": the company, then a common noun
        return [first, second], [tag, second_tag], [True, False], tag
    tag = list(UNAMBIGUOUS)[int(rng.integers(len(UNAMBIGUOUS)))]
    words = UNAMBIGUOUS[tag][int(rng.integers(len(UNAMBIGUOUS[tag])))]
    return list(words), [tag] * len(words), [False] * len(words), tag


def tagging_sentences(n: int, *, ambiguous_share: float = 0.5, seed: int = 0) -> TaggedSentences:
    """``n`` generated sentences of one or two clauses, ``[prefix] phrase ending [joiner phrase ending]``.

    About ``ambiguous_share`` of the entity phrases start with an ambiguous word; its two readings
    are equally likely. Deterministic for a given ``seed``.
    """
    n = check_size("n", n, what="sentences")
    seed = check_seed("seed", seed)
    share = check_share("ambiguous_share", ambiguous_share)
    rng = np.random.default_rng(seed)
    tokens, tags, ambiguous = [], [], []
    for _ in range(n):
        words, labels, flags = [], [], []
        prefix = PREFIXES[int(rng.integers(len(PREFIXES)))]
        words += prefix
        labels += ["O"] * len(prefix)
        flags += [False] * len(prefix)
        for clause in range(1 + int(rng.random() < 0.4)):
            if clause:
                joiner = JOINERS[int(rng.integers(len(JOINERS)))]
                words += joiner
                labels += ["O"] * len(joiner)
                flags += [False] * len(joiner)
            phrase, phrase_tags, phrase_flags, tag = _phrase(rng, share)
            ending = ENDINGS[tag][int(rng.integers(len(ENDINGS[tag])))]
            words += phrase + ending
            labels += phrase_tags + ["O"] * len(ending)
            flags += phrase_flags + [False] * len(ending)
        tokens.append(words)
        tags.append(labels)
        ambiguous.append(flags)
    return TaggedSentences(tokens, tags, ambiguous, {"generator": "tagging_sentences", "n": n, "seed": seed,
                                                      "ambiguous_share": share})


def vocabulary(data: TaggedSentences) -> text.Vocabulary:
    """A vocabulary over every word the generator can produce (id 0 = padding, 1 = unknown)."""
    words = set()
    for first, readings in AMBIGUOUS.items():
        words.add(first)
        words.update(w for options in readings.values() for w in options)
    for groups in (UNAMBIGUOUS, ENDINGS):
        words.update(w for phrases in groups.values() for phrase in phrases for w in phrase)
    words.update(w for phrase in PREFIXES + JOINERS for w in phrase)
    words.update(w for sentence in data.tokens for w in sentence)
    return text.Vocabulary.build([sorted(words)])


def encode(data: TaggedSentences, vocab: text.Vocabulary, maxlen: int | None = None):
    """``(ids, tags, mask, ambiguous)``, each ``(batch, time)``, padded at the end with 0 / False."""
    if maxlen is None:
        maxlen = max(len(s) for s in data.tokens)
    maxlen = check_size("maxlen", maxlen, maximum=10_000, what="tokens")
    ids = text.pad_sequences([vocab.encode(s) for s in data.tokens], maxlen, side="post")
    index = {tag: k for k, tag in enumerate(TAGS)}
    tags = text.pad_sequences([np.array([index[t] for t in s], dtype=np.int64) for s in data.tags], maxlen,
                              side="post")
    mask = ids != 0
    ambiguous = np.zeros_like(mask)
    for row, flags in enumerate(data.ambiguous):
        ambiguous[row, :min(len(flags), maxlen)] = flags[:maxlen]
    return ids, tags, mask, ambiguous


def masked_token_accuracy(tags, probabilities, mask) -> float:
    """Share of the real tokens (``mask`` True) whose most probable tag is the true one (exercise 06.3).

    ``tags`` ``(batch, time)`` ints, ``probabilities`` ``(batch, time, n_tags)``, ``mask`` ``(batch, time)`` bool.
    Every real token counts once, so a long sentence weighs more than a short one; padding never counts.
    """
    predicted = np.argmax(probabilities, axis=-1)
    mask = np.asarray(mask, dtype=bool)
    return float(np.sum((predicted == tags) & mask) / np.sum(mask))


def build_tagger(vocab_size: int, *, bidirectional: bool, units: int = 32, embedding: int = 16,
                 learning_rate: float = 1e-2):
    """An LSTM tagger over ids ``(batch, time)`` → tag probabilities ``(batch, time, len(TAGS))``.

    ``mask_zero=True`` makes the padding invisible to the LSTM (and to Keras' loss); the
    bidirectional version runs one LSTM of ``units // 2`` forwards and one backwards, so both have
    about the same number of parameters.
    """
    import keras

    vocab_size = check_size("vocab_size", vocab_size, minimum=2, maximum=1_000_000, what="words")
    units = check_size("units", units, minimum=2, maximum=4096, what="units")
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    layer = (keras.layers.Bidirectional(keras.layers.LSTM(units // 2, return_sequences=True)) if bidirectional
             else keras.layers.LSTM(units, return_sequences=True))
    model = keras.Sequential([keras.Input((None,), dtype="int32"),
                              keras.layers.Embedding(vocab_size, embedding, mask_zero=True),
                              layer,
                              keras.layers.Dense(len(TAGS), activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return build_optimizer(model)                            # the first training step then traces once


def scores(model, ids, tags, mask, ambiguous, accuracy=masked_token_accuracy) -> dict:
    """``{"all tokens", "ambiguous tokens", "other tokens"}``: per-token accuracy of ``model`` on each group."""
    probabilities = np.concatenate([np.asarray(model(ids[i:i + 512], training=False))   # eager: no tracing
                                    for i in range(0, len(ids), 512)])
    return {"all tokens": accuracy(tags, probabilities, mask),
            "ambiguous tokens": accuracy(tags, probabilities, mask & ambiguous),
            "other tokens": accuracy(tags, probabilities, mask & ~ambiguous)}


def prefix_probabilities(model, ids) -> np.ndarray:
    """Tag probabilities of every word after reading each prefix: ``(time, time, n_tags)``.

    Row ``r`` holds what the model says about words ``0 … r`` after reading words ``0 … r`` (the rest
    not typed yet); entries for words after ``r`` are NaN. For a unidirectional model a word's row
    never changes once it is read; for a bidirectional one it changes as later words arrive.
    ``ids`` is one sentence ``(time,)`` without padding.
    """
    ids = check_array("ids", ids, ndim=1, kind="int")
    time = len(ids)
    out = np.full((time, time, len(TAGS)), np.nan)
    batch = np.zeros((time, time), dtype=np.int64)          # prefix r in row r, padded at the end
    for r in range(time):
        batch[r, :r + 1] = ids[:r + 1]
    from .inference import graph_call

    probabilities = graph_call(model)(batch)                  # a graph traced once: an explorer calls it per move
    for r in range(time):
        out[r, :r + 1] = probabilities[r, :r + 1]
    return out


def reading_figure(tokens, probabilities: dict, step: int, *, title: str = ""):
    """Each word's tag probabilities after reading words ``0 … step``, one heat-map per model (pure).

    ``tokens`` is the sentence (a list of ``time`` words); ``probabilities`` maps a model name to the
    ``(time, time, n_tags)`` array of :func:`prefix_probabilities`. Columns are words, rows tags; a
    word not read yet is blank. Watch an ambiguous word's column: it never changes for the
    unidirectional model, and flips for the bidirectional one once the next word is read.
    """
    import matplotlib.pyplot as plt

    if isinstance(tokens, str) or not isinstance(tokens, (list, tuple)) or not tokens:
        raise TypeError(f"argument 'tokens': expected a non-empty list of words, got {tokens!r:.60}")
    if not isinstance(probabilities, dict) or not probabilities:
        raise TypeError(f"argument 'probabilities': expected a dict {{model name: array (time, time, tags)}}, "
                        f"got {type(probabilities).__name__}")
    time = len(tokens)
    arrays = {}
    for name, array in probabilities.items():
        arrays[name] = check_array(f"probabilities[{name!r}]", np.asarray(array, dtype=float),
                                   shape=(time, time, len(TAGS)), dims=("step", "word", "tag"), kind="number",
                                   finite=False)                 # NaN marks the words not read yet
    step = check_size("step", step, minimum=0, maximum=time - 1, what="steps (0 = after the first word)")
    from .figures import margins, pin_labels, text_height, text_width

    labels = [str(w) for w in tokens]
    below = text_height(labels, FONT_PT, rotation=30) + 0.1            # each map's word labels, at 30 degrees
    top = 0.3 + (0.35 if title else 0.0)                          # the first map's title (and the figure's)
    gap = below + 0.32                                            # word labels, then the next map's title
    rows = len(arrays)
    fig, axes = plt.subplots(rows, 1, figsize=(max(6.0, 0.75 * time + 1.6), rows * 1.1 + (rows - 1) * gap + top + below + 0.1),
                             squeeze=False)
    for ax, (name, array) in zip(axes[:, 0], arrays.items()):
        shown = array[step].T.copy()                               # (tags, time), NaN after `step`
        ax.imshow(np.ma.masked_invalid(shown), cmap="Blues", vmin=0, vmax=1, aspect="auto")
        for word in range(step + 1):
            best = int(np.argmax(array[step, word]))
            for tag in range(len(TAGS)):
                p = array[step, word, tag]
                if p >= 0.05:
                    ax.text(word, tag, f"{p:.0%}", ha="center", va="center", fontsize=FONT_PT,
                            color="white" if p > 0.6 else "black", fontweight="bold" if tag == best else None)
        ax.set_xticks(range(time), [w if i <= step else "" for i, w in enumerate(tokens)], rotation=30, ha="right")
        ax.set_yticks(range(len(TAGS)), TAGS)
        ax.grid(False)
        ax.set_title(f"{name}: after reading {step + 1} of {time} words", fontsize=FONT_PT, loc="left")
    if title:
        fig.suptitle(title, y=1 - 0.1 / fig.get_size_inches()[1], va="top")
    reach = max(text_width(TAGS, FONT_PT), text_width(labels[:1], FONT_PT) * 0.87) + 0.25   # tag names, first word's tail
    margins(fig, left=reach, right=0.2, top=top, bottom=below + 0.1, hspace=gap / 1.1)
    for ax in axes[:, 0]:                                     # the titles placed once, not measured per draw
        pin_labels(ax)
    return fig
