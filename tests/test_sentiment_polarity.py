"""helpers.sentiment_polarity: reviews that turn on a negative word (lesson 08's second generator)."""
from collections import Counter

import numpy as np
import pytest

from helpers import sentiment, sentiment_polarity, sentiment_reviews, text

NEGATIVE_WORDS = {"not", "never", "nothing", "no", "nobody", "none", "neither", "nor", "hardly", "barely", "far",
                  "without", "anything", "can't", "couldn't", "didn't", "wasn't", "wouldn't", "won't", "once",
                  "single", "could", "would", "will", "cannot", "doesn't", "don't"}


@pytest.fixture(scope="module")
def generated():
    return sentiment_polarity.polarity_reviews(12_000, seed=0)


def test_generator_is_seeded_balanced_and_varied(generated):
    again = sentiment_polarity.polarity_reviews(12_000, seed=0)
    assert again.texts == generated.texts and again.labels.tolist() == generated.labels.tolist()
    assert sentiment_polarity.polarity_reviews(200, seed=1).texts != generated.texts[:200]
    assert generated.labels.dtype == np.int64 and generated.labels.sum() == 6000
    assert len(set(generated.texts)) > 11_000
    assert all(t == " ".join(t.split()) and t == t.lower() and "’" not in t for t in generated.texts)


def test_every_construction_is_written_both_ways_with_the_same_negative_words():
    """The negative word alone never gives the label away: each construction uses it for praise and complaint."""
    lexicon = sentiment_reviews.load_lexicon()
    writer = sentiment_polarity._PolarityWriter(lexicon, np.random.default_rng(0))
    for name in writer.CONSTRUCTIONS:
        used = {}
        for sign in (1, -1):
            words = Counter()
            for _ in range(300):
                writer.topic = writer.pick(sorted(lexicon.topics))
                words.update(set(text.tokenize(getattr(writer, name)(sign).replace("’", "'"))) & NEGATIVE_WORDS)
            used[sign] = words
        assert used[1] and used[-1], name
        assert set(used[1]) & set(used[-1]), (name, used)


def test_a_negative_word_says_little_about_the_label(generated):
    """Across the whole generator, reviews with "never", "nothing", "not" … are praise about as often as complaint."""
    positive, total = Counter(), Counter()
    for review, label in zip(generated.texts, generated.labels):
        for word in set(text.tokenize(review)) & NEGATIVE_WORDS:
            total[word] += 1
            positive[word] += int(label)
    for word in ("not", "never", "nothing", "no", "none", "neither", "hardly", "can't", "didn't", "wouldn't",
                 "wasn't", "far", "anything", "without"):
        assert total[word] > 100, word
        assert 0.35 <= positive[word] / total[word] <= 0.65, (word, positive[word] / total[word])


def _runs(tokens, longest):
    return {tuple(tokens[i:i + n]) for n in range(1, longest + 1) for i in range(len(tokens) - n + 1)}


@pytest.mark.parametrize("path", [sentiment_reviews.NEGATION_PATH, sentiment_reviews.EVERYDAY_PATH],
                         ids=["negation", "everyday"])
def test_no_run_of_more_than_five_words_is_shared_with_a_held_out_review(generated, path):
    """The held-out sets were written first; the grammar must not copy them (words only, punctuation ignored)."""
    def words(review):
        return [t for t in text.tokenize(review) if t[0].isalnum()]

    produced = set()
    for review in generated.texts:
        produced |= _runs(words(review), 6)
    copied = []
    for review in sentiment_reviews.load_everyday(path).texts:
        shared = [run for run in _runs(words(review), 6) if len(run) == 6 and run in produced]
        if shared:
            copied.append((review, " ".join(shared[0])))
    assert not copied


@pytest.mark.parametrize("word, more, most", [
    ("nice", "nicer", "nicest"), ("friendly", "friendlier", "friendliest"), ("dirty", "dirtier", "dirtiest"),
    ("hot", "hotter", "hottest"), ("clean", "cleaner", "cleanest"), ("good", "better", "best"),
    ("bad", "worse", "worst"), ("helpful", "more helpful", "most helpful"),
    ("comfortable", "more comfortable", "most comfortable"), ("rude", "ruder", "rudest")])
def test_comparatives(word, more, most):
    assert sentiment_polarity.comparative(word) == more
    assert sentiment_polarity.superlative(word) == most


@pytest.mark.parametrize("call, word", [
    (lambda: sentiment_polarity.polarity_reviews(0), "'n'"),
    (lambda: sentiment_polarity.polarity_reviews(10, seed=-1), "'seed'"),
    (lambda: sentiment_polarity.polarity_reviews(10, lexicon={"topics": {}}), "'lexicon'"),
    (lambda: sentiment.lesson_data(200, 50, pair_share=0.5, polarity_share=0.6), "'polarity_share'"),
    (lambda: sentiment.lesson_data(200, 50, polarity_share=1.5), "'polarity_share'"),
])
def test_bad_input(call, word):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert word in str(info.value)


def test_lesson_data_mixes_the_polarity_reviews_in():
    mixed = sentiment.lesson_data(400, 50, seed=0)
    plain = sentiment.lesson_data(400, 50, seed=0, polarity_share=0)
    assert mixed.train.info["polarity_share"] == 0.3 and plain.train.info["polarity_share"] == 0
    turned = set(sentiment_polarity.polarity_reviews(120, seed=20_000).texts)
    assert len(turned & set(mixed.train.texts)) >= 100
    assert not turned & set(plain.train.texts)
    assert abs(len(mixed.train) - len(plain.train)) < 20
