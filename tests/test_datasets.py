import numpy as np
import pytest

from helpers import datasets, scorecard, text


def test_generators_are_deterministic():
    a = datasets.language_sentences(20, (0, 5), distractor=True, seed=7)
    b = datasets.language_sentences(20, (0, 5), distractor=True, seed=7)
    assert a.texts == b.texts and np.array_equal(a.labels, b.labels)
    assert datasets.language_sentences(20, 3, seed=8).texts != a.texts


def test_language_sentences_answer_and_gap():
    data = datasets.language_sentences(50, 6, seed=1)
    for sentence, label in zip(data.texts, data.labels):
        words = sentence.split()
        assert words[-2:] == ["speaks", "fluent"]
        country, language, cities = datasets.PLACES[label]
        assert country in words or any(c in words for c in cities)
        assert data.label_names[label] == language
        assert len(words) == 1 + 3 + 1 + 1 + 6 + 3


def test_distractor_names_two_places_of_different_languages():
    data = datasets.language_sentences(100, 2, distractor=True, seed=2)
    place_language = {p: i for i, (c, _, cities) in enumerate(datasets.PLACES) for p in (c, *cities)}
    orders = set()
    for sentence, label in zip(data.texts, data.labels):
        words = sentence.split()
        named = [place_language[w] for w in words if w in place_language]
        assert len(named) == 2 and label in named and len(set(named)) == 2
        orders.add(words.index("grew") < words.index("lives"))
    assert orders == {True, False}, "both clause orders occur"


def test_sentiment_pairs_have_identical_bags_and_opposite_labels():
    pairs = datasets.sentiment_pairs(50, seed=3)
    vocab = text.Vocabulary.build(pairs.texts)
    bags = text.bag_of_words([vocab.encode(t) for t in pairs.texts], len(vocab))
    for k in range(50):
        assert np.array_equal(bags[2 * k], bags[2 * k + 1])
        assert pairs.labels[2 * k] != pairs.labels[2 * k + 1]


def test_key_phrase_positions():
    data = datasets.key_phrase(40, 12, range(5, 10), seed=4)
    for sentence, label in zip(data.texts, data.labels):
        words = sentence.split()
        i = words.index("open") if label else words.index("sesame")
        assert 5 <= i <= 9 and words[i + 1] == ("sesame" if label else "open")
    with pytest.raises(ValueError, match="'positions'.*\\[0, 10\\]"):
        datasets.key_phrase(4, 12, range(8, 12))


def test_variable_lengths():
    seqs = datasets.variable_lengths(30, 3, 9, seed=5)
    lengths = {len(s) for s in seqs}
    assert min(lengths) >= 3 and max(lengths) <= 9 and len(lengths) > 3


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="'n'.*>= 1.*got 0"):
        datasets.language_sentences(0)
    with pytest.raises(ValueError, match="'gap'"):
        datasets.language_sentences(3, (5, 2))
    with pytest.raises(ValueError, match="'criterion'.*'colour'"):
        datasets.criterion_data("colour")
    with pytest.raises(ValueError, match="'name'"):
        datasets.load_frozen("nope")


@pytest.mark.parametrize("name", sorted(datasets.FROZEN))
def test_frozen_sets_match_generators(name):
    frozen = datasets.load_frozen(name)
    fresh = datasets.FROZEN[name]()
    assert frozen.texts == fresh.texts and np.array_equal(frozen.labels, fresh.labels), \
        f"data/{name}.json is stale: the generator changed (rerun `python -m helpers.datasets` on purpose)"


def test_bag_of_words_is_exactly_half_on_pairs():
    """The lesson-02 claim, with a trained model: identical inputs, opposite labels."""
    train = datasets.reviews(300, seed=1)
    pairs = datasets.load_frozen("sentiment_pairs_test")
    vocab, tr, te = scorecard.encode(train, pairs)
    model = scorecard.train_linear(text.bag_of_words(tr, len(vocab)), train.labels, 2, steps=30)
    assert scorecard.accuracy(model, text.bag_of_words(te, len(vocab)), pairs.labels) == 0.5


def test_small_window_is_near_chance_on_fluent():
    train = datasets.language_sentences(400, (0, 8), seed=1)
    test = datasets.language_sentences(200, (0, 8), seed=2)
    accuracy = scorecard.window_accuracies([2], train, test, steps=40)[2]
    assert accuracy < 0.25, accuracy


def test_linear_model_learns_and_checks_labels():
    x = np.eye(4, dtype=np.float32)
    model = scorecard.train_linear(x, np.array([0, 1, 0, 1]), 2, steps=100)
    assert scorecard.accuracy(model, x, np.array([0, 1, 0, 1])) == 1.0
    with pytest.raises(ValueError, match="'y'.*labels in \\[0, 1\\]"):
        scorecard.train_linear(x, np.array([0, 1, 2, 1]), 2)


def test_scorecard_table_and_bad_criterion():
    card = scorecard.Scorecard()
    card.add("m", "word order", 0.5)
    assert "50%" in card.table()
    with pytest.raises(ValueError, match="'criterion'"):
        card.add("m", "speed", 1.0)
