"""helpers.ngram: counts by hand on a tiny text, probabilities that sum to one, clear errors."""
import numpy as np
import pytest

from helpers.ngram import NGramModel, ngram_bits_per_char


def test_bigram_matches_counts_by_hand():
    # text "abab a" as ids: a=0, b=1, c=2; after 'a' came b, b (2 times, 1 distinct follower)
    ids = np.array([0, 1, 0, 1, 0], dtype=np.int64)
    model = NGramModel(2, 3).fit(ids)
    unigram = (np.array([3, 2, 0]) + 1.0) / (5 + 3)
    # Witten-Bell: P(b|a) = (C(a,b) + N1+(a) * P_uni(b)) / (C(a) + N1+(a)) = (2 + 1 * 3/8) / (2 + 1)
    p = model.probabilities(np.array([0, 1]))
    assert p[0] == pytest.approx(unigram[0])
    assert p[1] == pytest.approx((2 + unigram[1]) / 3)
    # a context never seen in training ('c') falls back on the unigram
    assert model.probabilities(np.array([2, 1]))[1] == pytest.approx(unigram[1])


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_probabilities_over_the_vocabulary_sum_to_one(order):
    rng = np.random.default_rng(0)
    train = rng.integers(0, 6, size=400)
    model = NGramModel(order, 7).fit(train)          # id 6 never occurs in training
    context = train[50:50 + order - 1]
    total = sum(model.probabilities(np.concatenate([context, [k]]))[-1] for k in range(7))
    assert total == pytest.approx(1.0)


def test_longer_context_helps_on_a_text_with_structure():
    text = np.tile(np.array([0, 1, 2, 3, 2, 1]), 200)
    assert ngram_bits_per_char(text, text[:120], 4, 4) < 0.2 < ngram_bits_per_char(text, text[:120], 1, 4)


@pytest.mark.parametrize("call, match", [
    (lambda: NGramModel(0, 5), "order"),
    (lambda: NGramModel(10, 5), "order"),
    (lambda: NGramModel(3, 1), "vocab_size"),
    (lambda: NGramModel(3, 5).fit(np.array([0, 1, 7])), "ids"),
    (lambda: NGramModel(3, 5).fit(np.array([0, 1])), "ids.*at least order=3"),
    (lambda: NGramModel(3, 5).fit(np.array([[0, 1, 2]])), "ids"),
    (lambda: NGramModel(2, 5).fit(np.array([0, 1, 2])).bits_per_char(np.array([1])), "ids.*at least 2"),
    (lambda: NGramModel(2, 5).fit(np.array([0, 1, 2])).probabilities(np.array([-1, 2])), "ids"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_unfitted_model_says_so():
    with pytest.raises(RuntimeError, match="fit"):
        NGramModel(2, 5).probabilities(np.array([0, 1]))
