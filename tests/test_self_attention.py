"""Lesson 10: numpy self-attention equals keras.layers.MultiHeadAttention; masks, heads, positions;
bad input is named; the Keras models, the plot and the explorer's pure function."""
import keras
import matplotlib
import numpy as np
import pytest

from helpers import figures, plots, text, transformer, widgets_self_attention
from helpers import self_attention as S

matplotlib.use("Agg")


def _keras_layer(rng, heads=3, key_dim=4, width=12, tq=7, tk=7):
    """A built MultiHeadAttention with every weight (biases too) set to random values."""
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim)
    layer(np.zeros((1, tq, width), "float32"), np.zeros((1, tk, width), "float32"))
    weights = {name: rng.normal(scale=0.4, size=np.shape(v)).astype("float32")
               for name, v in S.weights_from_keras(layer).items()}
    layer.set_weights([weights[name] for name in S.WEIGHT_NAMES])
    return layer, weights


@pytest.mark.parametrize("heads, key_dim, masked", [(3, 4, False), (3, 4, True), (1, 12, True), (4, 2, True)])
def test_numpy_multi_head_attention_equals_keras(heads, key_dim, masked):
    rng = np.random.default_rng(heads * 10 + key_dim)
    layer, weights = _keras_layer(rng, heads, key_dim)
    x = rng.normal(size=(3, 7, 12)).astype("float32")
    mask = None
    if masked:
        ids = np.array([[3] * 7, [3] * 5 + [0] * 2, [3] * 3 + [0] * 4])
        mask = S.causal_mask(7)[None] & S.padding_mask(ids)
    keras_out, keras_w = layer(x, x, attention_mask=mask, return_attention_scores=True)
    numpy_out, numpy_w = S.multi_head_attention(x, x, weights, mask=mask, return_weights=True)
    assert np.abs(np.asarray(keras_out) - numpy_out).max() <= 1e-5
    assert np.abs(np.asarray(keras_w) - numpy_w).max() <= 1e-5
    # negative control: the same comparison notices a head count that is off
    if heads > 1:
        wrong = S.merge_heads(S.split_heads(numpy_out, 1))
        assert np.abs(np.asarray(keras_out) - wrong).max() <= 1e-5            # split/merge round trip is exact
        weights_swapped = dict(weights, query_kernel=weights["key_kernel"])
        assert np.abs(np.asarray(keras_out) - S.multi_head_attention(x, x, weights_swapped, mask=mask)).max() > 1e-3


def test_cross_attention_with_other_lengths():
    rng = np.random.default_rng(5)
    layer, weights = _keras_layer(rng, 2, 3, width=6, tq=4, tk=9)
    q, v = rng.normal(size=(2, 4, 6)).astype("float32"), rng.normal(size=(2, 9, 6)).astype("float32")
    assert np.abs(np.asarray(layer(q, v)) - S.multi_head_attention(q, v, weights)).max() <= 1e-5


def test_weights_rows_sum_to_one_and_masked_keys_get_zero():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3))
    out, w = S.scaled_dot_product_attention(q, k, v, S.causal_mask(5))
    assert out.shape == (2, 5, 3) and w.shape == (2, 5, 5)
    assert np.allclose(w.sum(-1), 1)
    assert np.all(w[:, ~S.causal_mask(5)] == 0)
    assert np.allclose(w[:, 0, 0], 1)                    # the first position can only see itself


def test_permutation_equivariance_without_positions_and_not_with_them():
    rng = np.random.default_rng(1)
    layer, weights = _keras_layer(rng)
    x = rng.normal(size=(1, 7, 12))
    order = rng.permutation(7)
    out = S.multi_head_attention(x, x, weights)
    permuted = S.multi_head_attention(x[:, order], x[:, order], weights)
    assert np.abs(permuted - out[:, order]).max() < 1e-12
    table = S.sinusoidal_positions(7, 12)
    with_pos = S.multi_head_attention(S.add_positions(x, table), S.add_positions(x, table), weights)
    permuted_pos = S.multi_head_attention(S.add_positions(x[:, order], table), S.add_positions(x[:, order], table),
                                          weights)
    assert np.abs(permuted_pos - with_pos[:, order]).max() > 1e-3


def test_split_merge_heads_and_masks():
    x = np.arange(2 * 3 * 6).reshape(2, 3, 6)
    heads = S.split_heads(x, 3)
    assert heads.shape == (2, 3, 3, 2)
    assert np.array_equal(heads[1, 2, 0], x[1, 0, 4:6])                 # head 2, position 0
    assert np.array_equal(S.merge_heads(heads), x)
    assert S.causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert S.padding_mask(np.array([[0, 4, 5]]))[0].tolist() == [[False, True, True]] * 3


def test_sinusoidal_table_values():
    table = S.sinusoidal_positions(4, 6)
    assert table.shape == (4, 6) and table.dtype == np.float32
    assert np.allclose(table[0], [0, 1, 0, 1, 0, 1])
    assert np.isclose(table[3, 0], np.sin(3)) and np.isclose(table[3, 3], np.cos(3 / 10000 ** (2 / 6)))


@pytest.mark.parametrize("call, words", [
    (lambda: S.scaled_dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 3)), np.zeros((2, 5, 2))),
     ["'k'", "(2, keys, 4)", "(2, 5, 3)"]),
    (lambda: S.scaled_dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)), np.zeros((2, 4, 2))),
     ["'v'", "(2, 5, d_v)", "(2, 4, 2)"]),
    (lambda: S.scaled_dot_product_attention(np.zeros(4), np.zeros((5, 4)), np.zeros((5, 2))), ["'q'"]),
    (lambda: S.scaled_dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)), np.zeros((2, 5, 2)),
                                            np.ones((3, 4), bool)), ["'mask'", "(3, 5)", "(3, 4)"]),
    (lambda: S.scaled_dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)), np.zeros((2, 5, 2)),
                                            np.ones((3, 5))), ["'mask'", "bool", "float64"]),
    (lambda: S.split_heads(np.zeros((2, 3, 12)), 5), ["'n_heads'", "divisor", "12", "5"]),
    (lambda: S.split_heads(np.zeros((3, 12)), 3), ["'x'", "(batch, time, width)", "(3, 12)"]),
    (lambda: S.add_positions(np.zeros((1, 9, 4)), S.sinusoidal_positions(8, 4)), ["'x'", "at most 8", "got 9"]),
    (lambda: S.sinusoidal_positions(5, 7), ["'d_model'", "even", "7"]),
    (lambda: S.causal_mask(0), ["'length'", ">= 1", "0"]),
    (lambda: S.multi_head_attention(np.zeros((2, 3, 5)), np.zeros((2, 3, 5)),
                                    {n: np.zeros((4, 2, 2)) for n in S.WEIGHT_NAMES}), ["'query'", "(batch, queries, 4)"]),
    (lambda: S.multi_head_attention(np.zeros((2, 3, 4)), np.zeros((3, 3, 4)),
                                    {n: np.zeros((4, 2, 2)) for n in S.WEIGHT_NAMES}), ["'value'", "(2, keys, 4)", "(3, 3, 4)"]),
    (lambda: S.multi_head_attention(np.zeros((2, 3, 4)), np.zeros((2, 3, 4)), {}), ["'weights'", "missing"]),
])
def test_bad_input_is_named(call, words):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    for word in words:
        assert word in str(info.value), str(info.value)


def test_keras_position_layer_and_builder_reject_bad_input():
    layer = transformer.PositionEncoding("sinusoidal", 8, 4)
    assert np.allclose(np.asarray(layer(np.zeros((1, 3, 4), "float32")))[0], S.sinusoidal_positions(3, 4))
    with pytest.raises(ValueError, match=r"'x'.*at most 8.*got 9"):
        layer(np.zeros((1, 9, 4), "float32"))
    with pytest.raises(ValueError, match=r"'heads'.*divisor.*32.*got 5"):
        transformer.build_classifier(10, 2, heads=5)
    with pytest.raises(ValueError, match="'positions'"):
        transformer.build_classifier(10, 2, positions="rotary")


def test_classifier_without_positions_ignores_word_order_and_with_positions_does_not():
    keras.utils.set_random_seed(0)
    ids = np.array([[0, 0, 3, 4, 5, 6], [0, 0, 6, 5, 4, 3]], dtype="int32")   # same bag, other order
    plain = transformer.build_classifier(8, 2, positions="none")
    p = np.asarray(plain(ids))
    assert np.allclose(p[0], p[1], atol=1e-6)
    placed = transformer.build_classifier(8, 2, positions="learned")
    q = np.asarray(placed(ids))
    assert not np.allclose(q[0], q[1], atol=1e-4)


def test_attention_model_shares_layers_and_rows_sum_to_one():
    keras.utils.set_random_seed(0)
    model, attention_model = transformer.build_classifier(8, 2, positions="sinusoidal", heads=2,
                                                          return_attention=True)
    w = transformer.attention_for(attention_model, np.array([3, 4, 5]))
    assert w.shape == (2, 3, 3) and np.allclose(w.sum(-1), 1, atol=1e-5)
    assert set(map(id, attention_model.layers)) <= set(map(id, model.layers))


def test_step_seconds_measures_each_length():
    model = transformer.build_timing_model("self-attention", width=8, heads=2)
    seconds = transformer.step_seconds(model, [4, 6], batch=2, repeats=1)
    assert seconds.shape == (2,) and np.all(seconds > 0)


def test_attention_heads_plot_and_explainer():
    w = np.full((2, 3, 3), 1 / 3)
    fig = plots.attention_heads(["a", "b", "c"], w, title="t")
    assert len(fig.axes) == 2
    assert len(plots.attention_heads(["a", "b", "c"], w, heads=1).axes) == 1
    with pytest.raises(ValueError, match="'heads'"):
        plots.attention_heads(["a", "b", "c"], w, heads=2)
    with pytest.raises(ValueError, match="'weights'"):
        plots.attention_heads(["a", "b"], w)
    vocab = text.Vocabulary(["good", "bad", "not"])
    fake = lambda ids, training=False: np.full((1, 2, ids.shape[1], ids.shape[1]), 1 / ids.shape[1])  # noqa: E731
    result = widgets_self_attention.explain(fake, vocab, "not good , zebra")
    assert result["tokens"] == ["not", "good", ",", "zebra"] and result["unknown"] == [",", "zebra"]
    assert result["weights"].shape == (2, 4, 4) and result["error"] is None
    assert widgets_self_attention.explain(fake, vocab, "   ")["error"]


def test_explorer_redraws_when_the_text_or_the_head_changes(monkeypatch):
    calls, figures = [], []
    real = plots.AttentionHeadsPanel.update

    def spy(self, *a, **k):
        calls.append((a, k))
        figures.append(real(self, *a, **k))
        return figures[-1]

    monkeypatch.setattr(plots.AttentionHeadsPanel, "update", spy)
    keras.utils.set_random_seed(0)
    _, attention_model = transformer.build_classifier(8, 2, positions="sinusoidal", heads=2, max_len=6,
                                                      return_attention=True)
    vocab = text.Vocabulary(["good", "bad", "not", "the", "food", "was"])
    box = widgets_self_attention.attention_explorer(attention_model, vocab, ["the food was good"])
    head, typed, status = box.children[0].children[1], box.children[1], box.children[2]
    typed.value = "the food was not bad at all"                  # 7 words: longer than the table of 6
    assert "at most 6" in status.value and len(calls) == 1       # a message, no plot, no exception
    typed.value = "not bad"
    head.value = 1
    assert [c[0][0] for c in calls] == [["the", "food", "was", "good"], ["not", "bad"], ["not", "bad"]]
    assert calls[-1][1]["heads"] == 1 and status.value == ""
    # one figure kept across redraws while the number of heads shown stays (2, 2), rebuilt for one head
    assert figures[0] is figures[1] and figures[2] is not figures[1]
    assert [ax.get_title() for ax in figures[2].axes] == ["head 1"]
    assert [t.get_text() for t in figures[1].axes[0].get_xticklabels()] == ["not", "bad"]


def test_the_kept_heads_figure_draws_what_a_new_one_draws():
    """After a longer sentence, the explorer's kept figure shows a shorter one pixel for pixel as a fresh one."""
    import io

    rng = np.random.default_rng(0)

    def weights(count):
        w = rng.random((2, count, count))
        return w / w.sum(-1, keepdims=True)

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=60)
        return buffer.getvalue()

    panel = plots.AttentionHeadsPanel()
    panel.update("the service was not slow at all".split(), weights(7), title="long")
    short, w = ["not", "bad", "food"], weights(3)
    assert png(panel.update(short, w)) == png(plots.attention_heads(short, w))
    assert figures.description(panel.fig) == figures.description(plots.attention_heads(short, w))


def test_classifier_trains_the_same_eagerly_and_as_a_graph(monkeypatch):
    """The fast profile's eager training (no graph to trace) must not change what a model learns."""
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 8, size=(40, 6)).astype("int32")
    labels = (ids[:, 0] > 4).astype("int32")
    trained = {}
    for eager in (True, False):
        keras.utils.set_random_seed(0)
        model = transformer.build_classifier(8, 2, positions="sinusoidal", heads=2, run_eagerly=eager)
        assert model.run_eagerly is eager
        model.fit(ids, labels, epochs=2, batch_size=16, shuffle=False, verbose=0)
        trained[eager] = model.get_weights()
    assert all(np.allclose(a, b, atol=1e-4) for a, b in zip(trained[True], trained[False]))
    monkeypatch.setattr(transformer.profile, "name", "full")
    assert transformer.build_classifier(8, 2).run_eagerly is False
    monkeypatch.setattr(transformer.profile, "name", "fast")
    assert transformer.build_classifier(8, 2).run_eagerly is True
    with pytest.raises(TypeError, match="'run_eagerly'"):
        transformer.build_classifier(8, 2, run_eagerly="yes")
