"""helpers.tagging and helpers.widgets_tagging (lesson 06): the corpus's guarantees, the masked accuracy,
prefix probabilities (a unidirectional tagger never revises a word, a bidirectional one does), the
pure reading figure and the explorer's deck recipe."""
from collections import defaultdict

import numpy as np
import pytest

from helpers import tagging, widgets_tagging


@pytest.fixture(scope="module")
def corpus():
    return tagging.tagging_sentences(600, seed=3)


def test_sentences_are_deterministic_and_aligned(corpus):
    again = tagging.tagging_sentences(600, seed=3)
    assert again.tokens == corpus.tokens and again.tags == corpus.tags
    assert tagging.tagging_sentences(600, seed=4).tokens != corpus.tokens
    for words, tags, flags in zip(corpus.tokens, corpus.tags, corpus.ambiguous):
        assert len(words) == len(tags) == len(flags) > 0
        assert set(tags) <= set(tagging.TAGS)


def test_ambiguous_words_are_decided_by_the_next_word_only(corpus):
    """An ambiguous word has both readings about equally often, and the next word always decides it."""
    readings = defaultdict(lambda: defaultdict(int))
    decided = defaultdict(set)
    for words, tags, flags in zip(corpus.tokens, corpus.tags, corpus.ambiguous):
        for i, flag in enumerate(flags):
            if flag:
                assert words[i] in tagging.AMBIGUOUS
                readings[words[i]][tags[i]] += 1
                decided[(words[i], words[i + 1])].add(tags[i])
    assert set(readings) == set(tagging.AMBIGUOUS)
    for word, counts in readings.items():
        assert set(counts) == set(tagging.AMBIGUOUS[word]), word
        low, high = sorted(counts.values())
        assert low / (low + high) > 0.3, (word, dict(counts))      # both readings common: chance is 50 %
    assert all(len(tags) == 1 for tags in decided.values())


def test_every_other_word_always_has_the_same_tag(corpus):
    seen = defaultdict(set)
    for words, tags, flags in zip(corpus.tokens, corpus.tags, corpus.ambiguous):
        for word, tag, flag in zip(words, tags, flags):
            if not flag:
                seen[word].add(tag)
    assert all(len(tags) == 1 for tags in seen.values()), {w: t for w, t in seen.items() if len(t) > 1}


def test_no_ambiguity_when_the_share_is_zero():
    data = tagging.tagging_sentences(50, ambiguous_share=0.0, seed=0)
    assert not any(any(flags) for flags in data.ambiguous)
    with pytest.raises(ValueError, match="'ambiguous_share'.*\\[0, 1\\].*1.5"):
        tagging.tagging_sentences(5, ambiguous_share=1.5)
    with pytest.raises(ValueError, match="'n'"):
        tagging.tagging_sentences(0)


def test_encode_pads_at_the_end_with_a_mask(corpus):
    vocab = tagging.vocabulary(corpus)
    ids, tags, mask, ambiguous = tagging.encode(corpus, vocab)
    lengths = np.array([len(s) for s in corpus.tokens])
    assert ids.shape == tags.shape == mask.shape == ambiguous.shape == (600, lengths.max())
    assert np.array_equal(mask.sum(axis=1), lengths)
    assert np.array_equal(mask, ids != 0) and not (ambiguous & ~mask).any()
    assert (tags[~mask] == 0).all() and (ids[mask] > 1).all()            # no <unk> in generated text
    assert ambiguous.sum() == sum(map(sum, corpus.ambiguous))


def test_masked_token_accuracy_counts_real_words_only():
    tags = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    mask = np.array([[True, True, True, False], [True, False, False, False]])
    probabilities = np.eye(4)[[[1, 0, 0, 0], [3, 0, 0, 0]]].astype(float)   # right on 1st word, padding "right"
    assert tagging.masked_token_accuracy(tags, probabilities, mask) == pytest.approx(3 / 4)
    assert tagging.masked_token_accuracy(tags, probabilities, np.ones_like(mask)) == pytest.approx(7 / 8)


def _tiny(bidirectional, vocab_size=20):
    import keras

    keras.utils.set_random_seed(0)
    return tagging.build_tagger(vocab_size, bidirectional=bidirectional, units=4, embedding=3)


def test_prefix_probabilities_never_change_a_read_word_for_a_unidirectional_tagger():
    ids = np.array([5, 7, 2, 9, 4])
    one_way = tagging.prefix_probabilities(_tiny(False), ids)
    both_ways = tagging.prefix_probabilities(_tiny(True), ids)
    for p in (one_way, both_ways):
        assert p.shape == (5, 5, len(tagging.TAGS))
        assert np.isnan(p[1, 2:]).all() and not np.isnan(p[1, :2]).any()       # words not read yet are NaN
        assert np.allclose(np.nansum(p, axis=-1)[np.tril_indices(5)], 1.0, atol=1e-5)
    for word in range(5):                       # a unidirectional tagger's answer for a word is final
        assert np.allclose(one_way[word:, word], one_way[word, word], atol=1e-6)
    assert not np.allclose(both_ways[4, 0], both_ways[0, 0], atol=1e-4)     # a bidirectional one revises it


def test_scores_split_ambiguous_and_other_words():
    class Oracle:                               # a "model" that knows the tags except on ambiguous words
        def __call__(self, ids, training=False):
            p = np.eye(4)[tags[: len(ids)]].copy()
            p[ambiguous[: len(ids)]] = np.eye(4)[3]
            return p

    data = tagging.tagging_sentences(40, seed=1)
    ids, tags, mask, ambiguous = tagging.encode(data, tagging.vocabulary(data))
    result = tagging.scores(Oracle(), ids, tags, mask, ambiguous)
    wrong_on_ambiguous = (tags[ambiguous] != 3).mean()
    assert result["other tokens"] == 1.0
    assert result["ambiguous tokens"] == pytest.approx(1 - wrong_on_ambiguous)
    assert 0 < result["all tokens"] < 1


def test_reading_figure_shows_only_the_words_read():
    tokens = "teddy bears are on sale".split()
    p = np.full((5, 5, 4), np.nan)
    for r in range(5):
        p[r, : r + 1] = 0.25
    fig = tagging.reading_figure(tokens, {"one way": p, "both ways": p}, 1)
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["teddy", "bears", "", "", ""]
    assert "2 of 5 words" in fig.axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="'step'.*<= 4.*5"):
        tagging.reading_figure(tokens, {"one way": p}, 5)
    with pytest.raises(ValueError, match="probabilities\\['one way'\\]"):
        tagging.reading_figure(tokens, {"one way": p[:, :4]}, 1)
    with pytest.raises(TypeError, match="'tokens'"):
        tagging.reading_figure("teddy bears", {"one way": p}, 1)


def test_explorer_calls_the_pure_figure_and_saves_its_recipe(monkeypatch):
    from helpers import text

    calls = []
    real = tagging.reading_figure
    monkeypatch.setattr(tagging, "reading_figure", lambda *a, **k: calls.append(a) or real(*a, **k))
    vocab = text.Vocabulary.build([["teddy", "bears", "roosevelt", "are"]])
    models = {"one way": _tiny(False, len(vocab)), "both ways": _tiny(True, len(vocab))}
    box = widgets_tagging.tagging_explorer(models, vocab, ["teddy bears are", "teddy roosevelt"])
    assert calls and calls[-1][2] == 1                          # starts after two words read
    assert box.deck["kind"] == "tagging" and len(box.deck["sentences"]) == 2
    tokens, probabilities = box.deck["sentences"][0]
    assert tokens == ["teddy", "bears", "are"] and set(probabilities) == {"one way", "both ways"}
    assert probabilities["one way"][0][1] == [None] * 4          # not read yet: NaN, saved as null
    shown, _ = widgets_tagging.reading_data(models, vocab, "teddy sale")
    assert shown == ["teddy", "sale?"]                          # an unknown word is marked
    with pytest.raises(ValueError, match="'sentence'.*empty"):
        widgets_tagging.reading_data(models, vocab, "  ")


def test_deck_renderer_draws_every_example_and_length():
    from tools import deck_widgets as D

    p = np.full((2, 2, 4), np.nan)
    p[0, 0] = p[1, :2] = 0.25
    recipe = {"kind": "tagging", "sentences": [[["teddy", "bears"], {"m": p.tolist()}],
                                               [["alice"], {"m": [[[0.1, 0.2, 0.3, 0.4]]]}]]}
    controls, draw = D.RENDERERS["tagging"](recipe)
    assert [c.name for c in controls] == ["example", "words read"] and controls[1].values == [1, 2]
    _, fig = draw(1, 2)                                         # a shorter example shows all its words
    assert "1 of 1 words" in fig.axes[0].get_title(loc="left")
