"""helpers.leaderboard and the causal character transformer: causality, scoring, the table, bad input."""
import keras
import numpy as np
import pytest

from helpers import leaderboard as L
from helpers import music, transformer

V = 7


def _text(n=3000, seed=0):
    """A text with structure: a repeated 6-character motif with a random character now and then."""
    rng = np.random.default_rng(seed)
    ids = np.tile(np.array([0, 1, 2, 3, 2, 1]), n // 6 + 1)[:n]
    noise = rng.random(n) < 0.05
    ids[noise] = rng.integers(0, V, size=noise.sum())
    return ids.astype(np.int64)


@pytest.mark.parametrize("kind", L.NETWORKS)
def test_every_network_is_causal_and_scored_by_the_lesson_07_function(kind):
    keras.utils.set_random_seed(0)
    model = L.build_char_model(kind, V, units=8, embedding_dim=4, window=3, width=8, heads=2, layers=1, max_len=32)
    rng = np.random.default_rng(1)
    a = rng.integers(0, V, size=(2, 12)).astype("int32")
    b = a.copy()
    b[:, 7:] = rng.integers(0, V, size=(2, 5))                     # change the future only
    la, lb = np.asarray(model(a)), np.asarray(model(b))
    assert la.shape == (2, 12, V)
    np.testing.assert_allclose(la[:, :7], lb[:, :7], atol=1e-5)      # positions 0..6 never see 7..11
    assert np.abs(la[:, 7:] - lb[:, 7:]).max() > 1e-6                # ... but the changed positions do change
    bits = music.bits_per_char(model, _text(200), window=32, burn_in=8)
    assert 0 < bits < 2 * np.log2(V)


def test_bag_of_characters_ignores_order_and_fixed_window_forgets():
    keras.utils.set_random_seed(0)
    bag = L.build_char_model("bag of characters", V, units=8)
    x = np.array([[1, 2, 3, 4, 5]], dtype="int32")
    y = np.array([[4, 2, 1, 3, 5]], dtype="int32")                 # same characters, another order
    np.testing.assert_allclose(np.asarray(bag(x))[0, -1], np.asarray(bag(y))[0, -1], atol=1e-5)
    window = L.build_char_model("fixed window", V, units=8, window=2)
    far_past_changed = np.array([[6, 6, 6, 4, 5]], dtype="int32")   # a window of 2 sees only "4 5"
    np.testing.assert_allclose(np.asarray(window(x))[0, -1], np.asarray(window(far_past_changed))[0, -1], atol=1e-5)
    rnn = L.build_char_model("GRU", V, units=8)
    assert np.abs(np.asarray(rnn(x))[0, -1] - np.asarray(rnn(y))[0, -1]).max() > 1e-6


def test_training_within_a_budget_beats_the_unigram_on_a_structured_text():
    text = _text(4000)
    keras.utils.set_random_seed(0)
    model = L.build_char_model("GRU", V, units=16, embedding_dim=8)
    row = L.train_and_score("GRU", model, text[:3000], text[3000:], seconds=2.0, seq_len=24, batch_size=16,
                            window=32, burn_in=8)
    unigram = L.count_rows(text[:3000], text[3000:], V, orders=[2, 3])[0]
    assert row.steps >= 2 and row.seconds < 10
    assert row.bits < unigram.bits - 0.3, (row, unigram)
    assert row.criterion == L.CRITERIA["GRU"]


def test_count_rows_pick_the_order_on_the_training_text_only():
    text = _text(4000)
    order, scores = L.best_ngram_order(text, V, orders=[1, 2, 3, 4])
    assert order >= 3 and scores[order] == min(scores.values()) and scores[1] > scores[order] + 1
    rows = L.count_rows(text[:3000], text[3000:], V, orders=[1, 2, 3, 4])
    assert rows[0].name == "unigram counts" and rows[1].name.endswith("-gram counts")
    assert rows[1].bits < rows[0].bits and rows[0].steps == rows[1].steps == 0


def test_table_sorts_and_shows_gaps_and_the_plot_draws_every_row():
    import matplotlib.pyplot as plt

    rows = [L.Row("b", 2.5, 10, 0, 0.1), L.Row("a", 1.75, 100, 50, 15.0), L.Row("c", 4.0, 5, 0, 0.0)]
    lines = L.table(rows).splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["a", "b", "c"]
    assert "+0.75" in lines[3] and "+1.50" in lines[4]
    fig = L.plot(rows, reference={"lesson 07": 1.78})
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["c", "b", "a"]
    plt.close(fig)


def test_transformer_sampling_reuses_lesson_07s_sampler():
    keras.utils.set_random_seed(0)
    vocab = ["\n", ":", "1", "X", "a", "b", "c"]
    model = transformer.build_char_transformer(len(vocab), width=8, heads=2, layers=1, max_len=16)
    step = transformer.causal_step(model, context=16)
    tunes, stats = music.sample_tunes(model, vocab, n=3, max_chars=20, seed=0, step=step,
                                      states=transformer.empty_history(3))
    again, _ = music.sample_tunes(model, vocab, n=3, max_chars=20, seed=0, step=step,
                                  states=transformer.empty_history(3))
    assert tunes == again and all(t.startswith("X:1\n") for t in tunes) and stats["chars"] > 0
    # the step computes what the whole model computes at the last position
    ids = np.array([[3, 1, 2, 0, 4, 5]], dtype="int32")
    logits, history = step(ids[:, -1], [ids[:, :-1]])
    np.testing.assert_allclose(np.asarray(logits), np.asarray(model(ids))[:, -1], atol=1e-5)
    assert history[0].shape == (1, 6)


@pytest.mark.parametrize("call, match", [
    (lambda: L.build_char_model("CNN", V), "kind"),
    (lambda: L.build_char_model("GRU", 1), "vocab_size"),
    (lambda: L.build_char_model("GRU", V, units=0), "units"),
    (lambda: L.build_char_model("fixed window", V, window=0), "window"),
    (lambda: L.build_char_model("LSTM", V, learning_rate=-1), "learning_rate"),
    (lambda: transformer.build_char_transformer(V, width=10, heads=3), "heads"),
    (lambda: transformer.build_char_transformer(V, positions="rotary"), "positions"),
    (lambda: L.best_ngram_order(_text(100), V, orders=[]), "orders"),
    (lambda: L.best_ngram_order(_text(100), V, orders=[12]), "orders"),
    (lambda: L.best_ngram_order(_text(100), V, dev_share=0.9), "dev_share"),
    (lambda: L.count_rows(_text(100), np.array([0, 9]), V), "valid_ids"),
    (lambda: L.table([]), "rows"),
    (lambda: L.table([("a", 1.0)]), "rows"),
    (lambda: L.train_for("not a model", _text(100), 1.0), "model"),
    (lambda: L.train_for(L.build_char_model("GRU", V, units=4), _text(100), 0), "seconds"),
    (lambda: transformer.empty_history(0), "batch_size"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_sampler_rejects_states_of_the_wrong_batch_and_positions_beyond_the_table():
    vocab = ["\n", ":", "1", "X", "a"]
    model = transformer.build_char_transformer(len(vocab), width=8, heads=2, layers=1, max_len=8)
    with pytest.raises(ValueError, match="states"):
        music.sample_tunes(model, vocab, n=2, step=transformer.causal_step(model), states=transformer.empty_history(3))
    with pytest.raises(ValueError, match="step"):
        music.sample_tunes(model, vocab, n=2, states=transformer.empty_history(2))
    with pytest.raises(ValueError, match="at most 8"):
        model(np.zeros((1, 9), dtype="int32"))
