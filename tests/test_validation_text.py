"""Bad input to helpers.text and helpers.datasets: one row per family of issue 14."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import datasets, text
from tests.validation_utils import assert_clear

NAN = float("nan")

ROWS = [
    ("nan", lambda: datasets.reviews(10, pair_share=NAN), ValueError, "pair_share", "finite number", "nan"),
    ("strings", lambda: text.Vocabulary.build("the food was good"), TypeError, "corpus", "a list of texts",
     "str 'the food was good'"),
    ("strings", lambda: text.Vocabulary("abc"), TypeError, "tokens", "a list of tokens", "'abc'"),
    ("strings", lambda: text.bag_of_words("abc", 10), TypeError, "sequences", "a list of id arrays", "str"),
    ("strings", lambda: datasets.key_phrase(4, positions="01"), TypeError, "positions", "a list or range of ints",
     "str"),
    ("named", lambda: text.Vocabulary.build(["a b"], min_count=0), ValueError, "min_count", "in [1, ", "0"),
    ("named", lambda: text.Vocabulary.build(["a b"], min_count=5), ValueError, "min_count",
     "keeps at least one token", "5"),
    ("named", lambda: datasets.language_sentences(2, gap=(5, 2)), ValueError, "gap", ">= 5", "2"),
    ("unchecked", lambda: text.one_hot(np.array([-1]), 5), ValueError, "ids", "ids in [0, 4]", "-1 at index 0"),
    ("unchecked", lambda: datasets.reviews(10, pair_share=1.5), ValueError, "pair_share", "<= 1", "1.5"),
    ("unchecked", lambda: datasets.language_sentences(2, distractor="yes"), TypeError, "distractor", "True or False",
     "'yes'"),
    ("unchecked", lambda: text.pad_sequences([[1, 2]], value=-1), ValueError, "value", ">= 0", "-1"),
    ("sizes", lambda: datasets.language_sentences(10**9), ValueError, "n", "<= 1,000,000", "1,000,000,000"),
    ("sizes", lambda: datasets.language_sentences(10, gap=10**9), ValueError, "gap", "<= 10,000", "1,000,000,000"),
    ("sizes", lambda: datasets.language_sentences(10**5, gap=10**4), ValueError, "gap", "n * (gap + 20)",
     "100,000 sentences"),
    ("sizes", lambda: text.one_hot(np.arange(1000), 10**6), ValueError, "vocab_size", "fits in 2 GiB", "GiB"),
    ("sizes", lambda: text.pad_sequences([np.arange(3)], maxlen=10**9), ValueError, "maxlen", "<= 100,000",
     "1,000,000,000"),
    ("types", lambda: text.tokenize(None), TypeError, "text", "a string", "NoneType"),
]


@pytest.mark.parametrize("family, call, error, name, expected, got", ROWS, ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_bad_arguments_get_clear_messages(family, call, error, name, expected, got):
    assert_clear(call, error, name, expected, got)


def test_good_calls_still_work():
    vocab = text.Vocabulary.build([["the", "food"], "the food was good"], min_count=2)
    assert vocab.itos == ["<pad>", "<unk>", "food", "the"]
    assert text.one_hot(np.array([[1, 0]]), 3).tolist() == [[[0, 1, 0], [1, 0, 0]]]
    assert len(datasets.language_sentences(3, gap=[0, 2])) == 3
