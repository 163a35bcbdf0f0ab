"""helpers.sentiment_reviews: the everyday review generator, its lexicon, the hand-written held-out set (lesson 08)."""
import hashlib
import json
from collections import Counter

import numpy as np
import pytest

from helpers import datasets, sentiment_reviews, text

# The held-out set is frozen: it was written by hand before any model was trained on the generator,
# and must not be edited to suit a model. Change this hash only for a typo, and say so in the commit.
EVERYDAY_SHA256 = "dba1ac45e8260df913c7d69c44aa6ad81a9ff1bc980387db73290355f8536f00"
NEGATION_SHA256 = "8ad9a52ce55b3fdb1f003e8bf884d7a1a6642daeaa51d1a3ce7c837f74c2aca9"


@pytest.fixture(scope="module")
def generated():
    return sentiment_reviews.everyday_reviews(4000, seed=0)


def test_generator_is_seeded_and_balanced(generated):
    again = sentiment_reviews.everyday_reviews(4000, seed=0)
    assert again.texts == generated.texts and again.labels.tolist() == generated.labels.tolist()
    assert sentiment_reviews.everyday_reviews(4000, seed=1).texts != generated.texts
    assert generated.labels.dtype == np.int64 and generated.labels.sum() == 2000
    assert len(set(generated.texts)) > 3900                  # hardly any repeats


def test_generator_vocabulary_and_grammar_are_broad(generated):
    counts = Counter(t for review in generated.texts for t in text.tokenize(review))
    assert len(counts) > 700
    lengths = [len(text.tokenize(t)) for t in generated.texts]
    assert min(lengths) <= 3 and max(lengths) >= 25
    joined = "\n".join(generated.texts)
    for phrase in (" not ", "wasn't", " but ", "although", "too", "than", "really", "a bit", " didn't "):
        assert phrase in joined, phrase


def test_negation_and_contrast_carry_the_label(generated):
    """The clause after "but" decides: its polarity words match the label far more often than chance."""
    lexicon = sentiment_reviews.load_lexicon()
    positive = set(lexicon.adjectives[1]["strong"] + lexicon.adjectives[1]["mild"])
    negative = set(lexicon.adjectives[-1]["strong"] + lexicon.adjectives[-1]["mild"])
    agree = total = 0
    for review, label in zip(generated.texts, generated.labels):
        if " , but " not in review:
            continue
        after = text.tokenize(review.split(" , but ", 1)[1])
        if any(w in ("not", "wasn't", "isn't", "weren't", "aren't", "never", "hardly", "barely", "than",
                     "didn't", "don't", "wouldn't") for w in after):
            continue
        polar = [1 for w in after if w in positive] + [0 for w in after if w in negative]
        if polar:
            total += 1
            agree += np.mean(polar) == label
    assert total > 200 and agree / total > 0.9


def test_lexicon_loads_and_bad_files_are_named(tmp_path):
    lexicon = sentiment_reviews.load_lexicon()
    assert len(lexicon.words()) > 700
    assert set(lexicon.adjectives) == {1, -1} and all(len(lexicon.phrases[s]) > 50 for s in (1, -1))
    with pytest.raises(FileNotFoundError, match="sentiment_lexicon.json"):
        sentiment_reviews.load_lexicon(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"topics": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="expected a review lexicon with keys"):
        sentiment_reviews.load_lexicon(broken)


def test_everyday_set_is_frozen_balanced_and_hand_written(generated):
    raw = sentiment_reviews.EVERYDAY_PATH.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == EVERYDAY_SHA256
    everyday = sentiment_reviews.load_everyday()
    assert len(everyday) >= 80 and everyday.labels.sum() * 2 == len(everyday)
    assert len(set(everyday.texts)) == len(everyday)
    # in no template of the generator: no hand-written review comes out of it verbatim
    tokenised = {" ".join(text.tokenize(t)) for t in everyday.texts}
    assert not tokenised & {" ".join(text.tokenize(t)) for t in generated.texts}
    lengths = [len(text.tokenize(t)) for t in everyday.texts]
    assert min(lengths) <= 4 and max(lengths) >= 18


def test_negation_set_is_frozen_balanced_and_not_in_the_generator(generated):
    """The negative-polarity set: pinned, balanced, and (like the first) never produced by the generator."""
    assert hashlib.sha256(sentiment_reviews.NEGATION_PATH.read_bytes()).hexdigest() == NEGATION_SHA256
    held = sentiment_reviews.load_everyday(sentiment_reviews.NEGATION_PATH)
    assert len(held) == 60 and held.labels.sum() == 30 and len(set(held.texts)) == 60
    tokenised = {" ".join(text.tokenize(t)) for t in held.texts}
    assert not tokenised & {" ".join(text.tokenize(t)) for t in generated.texts}
    assert not tokenised & {" ".join(text.tokenize(t)) for t in sentiment_reviews.load_everyday().texts}
    # every review turns on a negative-polarity word, for praise as often as for complaint
    negative_polarity = {"not", "never", "nothing", "no", "nobody", "none", "neither", "nor", "hardly", "far",
                         "without", "anything", "nowhere", "couldn't", "can't", "didn't", "wasn't", "won't",
                         "wouldn't", "hasn't", "doesn't", "isn't", "i've"}
    for review in held.texts:
        assert set(text.tokenize(review.lower())) & negative_polarity, review


@pytest.mark.parametrize("path", [sentiment_reviews.EVERYDAY_PATH, sentiment_reviews.NEGATION_PATH],
                         ids=["everyday", "negation"])
def test_no_lexicon_phrase_is_lifted_from_a_held_out_set(path):
    """No hand-written review is a lexicon phrase, and no lexicon phrase of 3+ tokens occurs inside one."""
    lexicon = sentiment_reviews.load_lexicon()
    phrases = [p for s in (1, -1) for p in lexicon.phrases[s] + lexicon.nouns[s]
               + lexicon.adjectives[s]["strong"] + lexicon.adjectives[s]["mild"]] + lexicon.adjuncts
    held = [" " + " ".join(t for t in text.tokenize(r) if t not in ".!") + " "
            for r in sentiment_reviews.load_everyday(path).texts]
    lifted = []
    for phrase in phrases:
        tokens = " ".join(text.tokenize(phrase))
        if any(h.strip() == tokens or (len(tokens.split()) >= 3 and f" {tokens} " in h) for h in held):
            lifted.append(phrase)
    assert not lifted


def test_load_everyday_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="everyday_reviews.csv"):
        sentiment_reviews.load_everyday(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\ngreat,1\nawful,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3, column 'label'"):
        sentiment_reviews.load_everyday(bad)


def test_vocabulary_coverage():
    vocab = text.Vocabulary.build(["the food was good"])
    cover = sentiment_reviews.vocabulary_coverage(vocab, ["The food was scrumptious!", "good food"])
    assert cover["tokens"] == 7 and cover["unknown tokens"] == 2
    assert cover["unknown words"] == ["!", "scrumptious"] and cover["reviews with an unknown word"] == 1
    assert sentiment_reviews.vocabulary_coverage(vocab, ["good"])["unknown share"] == 0
    with pytest.raises(TypeError, match="vocab"):
        sentiment_reviews.vocabulary_coverage({"good": 2}, ["good"])


@pytest.mark.parametrize("call, word", [
    (lambda: sentiment_reviews.everyday_reviews(0), "'n'"),
    (lambda: sentiment_reviews.everyday_reviews(10, seed=-1), "'seed'"),
    (lambda: sentiment_reviews.everyday_reviews(10, lexicon={"topics": {}}), "'lexicon'"),
])
def test_generator_bad_input(call, word):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert word in str(info.value)


def test_minimal_pairs_still_defeat_a_bag_of_words():
    """The training mix changed; the probe set did not: both sentences of a pair have the same bag."""
    pairs = datasets.load_frozen("sentiment_pairs_test")
    vocab = text.Vocabulary.build(pairs.texts)
    bags = text.bag_of_words([vocab.encode(t) for t in pairs.texts], len(vocab))
    assert all(np.array_equal(bags[2 * k], bags[2 * k + 1]) for k in range(len(pairs) // 2))
    assert pairs.labels[0::2].tolist() != pairs.labels[1::2].tolist()
