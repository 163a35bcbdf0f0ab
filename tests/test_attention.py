"""helpers.attention and helpers.widgets_attention: equality with Keras, decoding, measuring, the explorer."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import helpers  # noqa: E402
from helpers import attention as A  # noqa: E402
from helpers import dates as D  # noqa: E402
from helpers import widgets_attention as W  # noqa: E402


@pytest.fixture(scope="module")
def models():
    helpers.set_seed(0)
    return A.Seq2Seq(attention=True, units=8, embed_dim=4), A.Seq2Seq(attention=False, units=8, embed_dim=4)


def test_layer_equals_keras_additive_attention_on_the_shared_part():
    for seed in range(3):
        diffs = A.compare_with_keras(seed=seed)
        assert diffs["context"] <= 1e-6 and diffs["weights"] <= 1e-6, diffs


def test_layer_equals_the_numpy_reference_and_masks_padding():
    rng = np.random.default_rng(1)
    query, values = rng.normal(size=(2, 3, 5)).astype("float32"), rng.normal(size=(2, 6, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0]], dtype=bool)
    layer = A.AdditiveAttention(7)
    context, weights = layer(query, values, values_mask=mask)
    weights, context = np.asarray(weights), np.asarray(context)
    expected = A.additive_weights(query, values, np.asarray(layer.W_query), np.asarray(layer.W_key),
                                  np.asarray(layer.v), mask)
    assert np.abs(weights - expected).max() <= 1e-6
    assert np.abs(context - A.context_vector(expected, values)).max() <= 1e-5
    assert np.allclose(weights.sum(-1), 1, atol=1e-6)
    assert (weights[1, :, 2:] == 0).all()
    assert layer.get_config()["units"] == 7


def test_decoder_steps_threaded_by_hand_equal_the_teacher_forced_graph(models):
    for model in models:
        texts, isos = ["3 march 1987", "mon, 1 jan 2001 please"], ["1987-03-03", "2001-01-01"]
        memory = model.encode(texts)
        ids, state = memory[0], memory[2]
        dec_in, _ = D.encode_targets(isos)
        logits = np.asarray(model.model([ids, dec_in]))
        assert logits.shape == (2, D.OUTPUT_LEN + 1, len(D.OUTPUT_VOCAB))
        expected = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        for t in range(dec_in.shape[1]):
            log_probs, state, weights = model.decoder_step(dec_in[:, t], state, memory)
            assert np.abs(log_probs - expected[:, t]).max() <= 1e-4
            if model.attention:
                assert weights.shape == (2, ids.shape[1]) and (weights[0, len(texts[0]):] == 0).all()


def test_greedy_equals_beam_width_one_and_beam_is_batch_independent(models):
    texts = D.generate_dates(6, seed=2, noise_words=(0, 3)).inputs
    for model in models:
        greedy, weights = A.greedy_decode(model, texts)
        beam1, _ = A.beam_search(model, texts, beam_width=1)
        assert greedy == beam1
        together, scores = A.beam_search(model, texts, beam_width=3)
        alone = [A.beam_search(model, [t], beam_width=3)[0][0] for t in texts]
        assert together == alone and scores.shape == (6,)
        if model.attention:
            assert all(w.shape[1] == len(t) for w, t in zip(weights, texts))
        else:
            assert weights is None


class GardenPath:
    """A toy decoder whose greedy first choice leads into an uncertain continuation.

    Step 1: "1" (p=0.55) or "2" (0.45). After "1": "3" or "4" (0.3 each, the rest spread);
    after "2": <end> for sure. Greedy writes "13" (p = 0.165), beam search "2" (p = 0.45).
    The state is (steps taken, first character), threaded by the caller like a GRU state.
    """

    attention = False
    V = len(D.OUTPUT_VOCAB)
    end, one, two, three, four = (D.OUTPUT_VOCAB.id(c) for c in (D.END, "1", "2", "3", "4"))

    def encode(self, texts):
        n = len(texts)
        return np.ones((n, 1), dtype=np.int32), np.zeros((n, 1, 1)), np.zeros((n, 2))

    def decoder_step(self, prev, state, memory):
        p = np.full((len(prev), self.V), 1e-9)
        for row, (steps, _) in enumerate(state):
            if steps == 0:
                p[row, self.one], p[row, self.two] = 0.55, 0.45
            elif steps == 1 and prev[row] == self.one:
                p[row] = 0.4 / (self.V - 2)
                p[row, self.three], p[row, self.four] = 0.3, 0.3
            else:
                p[row, self.end] = 1.0
        new_state = np.stack([state[:, 0] + 1, np.where(state[:, 0] == 0, prev, state[:, 1])], axis=1)
        return np.log(p / p.sum(1, keepdims=True)), new_state, None


def test_beam_search_beats_greedy_on_a_garden_path():
    toy = GardenPath()
    assert A.greedy_decode(toy, ["x"])[0] == ["13"]
    assert A.beam_search(toy, ["x"], beam_width=1)[0] == ["13"]
    out, scores = A.beam_search(toy, ["x", "y"], beam_width=2, alpha=0.0)
    assert out == ["2", "2"] and np.allclose(scores, np.log(0.45), atol=1e-6)


def test_length_normalisation_changes_which_finished_output_wins():
    toy = GardenPath()
    # with alpha = 0 a short output ("2" + <end>) is favoured; normalising by length
    # (alpha = 1) ranks by mean log-probability per character instead
    _, raw = A.beam_search(toy, ["x"], beam_width=3, alpha=0.0)
    _, mean = A.beam_search(toy, ["x"], beam_width=3, alpha=1.0)
    assert np.isclose(raw[0], np.log(0.45)) and np.isclose(mean[0], np.log(0.45) / 2)


def test_beam_step_adds_log_probabilities_and_ranks_all_candidates():
    scores, parents, tokens = A.beam_step(np.array([0.0, -0.5]), np.log([[0.55, 0.45], [0.9, 0.1]]), 2)
    assert parents.tolist() == [0, 1] and tokens.tolist() == [0, 0]
    assert np.allclose(scores, [np.log(0.55), -0.5 + np.log(0.9)])


def test_exact_match_and_accuracy_by_length():
    assert A.exact_match(["a", "b", "c", "d"], ["a", "x", "c", "d"]) == 0.75
    with pytest.raises(ValueError, match="equal"):
        A.exact_match(["a"], ["a", "b"])
    centres, acc, counts = A.accuracy_by_length([5, 6, 15, 25], [1, 0, 1, 1], [0, 10, 20, 30, 40])
    assert centres.tolist() == [5, 15, 25, 35] and counts.tolist() == [2, 1, 1, 0]
    assert acc[:3].tolist() == [0.5, 1.0, 1.0] and np.isnan(acc[3])
    with pytest.raises(ValueError, match="increasing"):
        A.accuracy_by_length([1], [1], [3, 2])
    fig = A.plot_accuracy_by_length({"m": (centres, acc)})
    assert fig.axes[0].get_xlabel().startswith("input length")


def test_attention_for_and_its_heat_map(models):
    with_attention, without = models
    weights = A.attention_for(with_attention, "Mar 3, 1987", "1987-03-03")
    assert weights.shape == (11, 11) and np.allclose(weights.sum(-1), 1, atol=1e-5)
    fig = A.plot_attention("mar 3, 1987", "1987-03-03", weights)
    assert len(fig.axes[0].get_yticklabels()) == 11
    with pytest.raises(ValueError, match="no attention"):
        A.attention_for(without, "3/3/87", "1987-03-03")
    with pytest.raises(ValueError, match="expected shape"):
        A.plot_attention("3/3/87", "1987-03-03", weights)
    # an output cut at the step limit, with no <end>: one row per character, no <end> row
    fig = A.plot_attention("mar 3, 1987", "199-01-0-02", weights)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][-1] == "2"


def test_bad_inputs_get_clear_messages(models):
    model = models[0]
    with pytest.raises(ValueError, match="not in the date vocabulary"):
        A.greedy_decode(model, ["3 märz 1987"])
    with pytest.raises(ValueError, match="non-empty"):
        A.beam_search(model, [""])
    with pytest.raises(ValueError, match="encoder maximum"):
        A.greedy_decode(model, ["1" * 65])
    with pytest.raises(ValueError, match="beam_width"):
        A.beam_search(model, ["3/3/87"], beam_width=0)


def test_fit_runs_on_length_buckets():
    helpers.set_seed(0)
    model = A.Seq2Seq(attention=True, units=8, embed_dim=4)
    history = model.fit(D.generate_dates(64, seed=3, noise_words=(0, 6)), epochs=1, batch_size=16)
    assert np.isfinite(history.history["loss"][0])


def test_explorer_explains_and_reports_bad_input(models):
    model = models[0]
    result = W.explain(model, "Mar 3, 1987", beam_width=2)
    assert result["error"] is None and result["text"] == "mar 3, 1987"
    assert result["weights"].shape == (len(result["output"]) + 1, 11)
    bad = W.explain(model, "3 märz 1987")
    assert bad["output"] is None and "vocabulary" in bad["error"]
    assert W.explain(models[1], "3/3/87")["weights"] is None
    box = W.attention_explorer(model, ["3/3/87", "Mar 3, 1987"], max_beam=3)
    typed = box.children[1]
    typed.value = "1 jan 2000"
    slider = box.children[0].children[1]
    slider.value = 2
    assert "1 jan 2000" in box.children[2].value


def test_deck_results_match_what_the_explorer_shows_one_date_at_a_time(models):
    """The deck's recipe decodes all examples in one batch; each must equal the widget's own decode."""
    model = models[0]
    examples = ["Mar 3, 1987", "3 märz 1987", "11/5/12"]
    recipe = W.deck_results(model, examples, [1, 2])
    assert recipe["clean"][1] is None and "vocabulary" in recipe["decoded"][1]["error"]
    for i in (0, 2):
        for width, output, score, w in recipe["decoded"][i]:
            alone = W.explain(model, examples[i], beam_width=width)
            assert (output, round(score, 4)) == (alone["output"], round(alone["score"], 4))
            np.testing.assert_allclose(recipe["weights"][w], alone["weights"], atol=1e-5)
    box = W.attention_explorer(model, examples, max_beam=2)
    assert box.deck["kind"] == "attention" and box.deck["examples"] == examples
    pick, beam, status = box.children[0].children[0], box.children[0].children[1], box.children[2]
    pick.value, beam.value = examples[2], 2          # shown from those decodings, not decoded again: the same line
    alone = W.explain(model, examples[2], beam_width=2)
    assert status.value == W.status_line(alone["text"], alone["output"], alone["score"], 2)


def test_attention_panel_redraws_like_a_fresh_one_and_describes_like_plot_attention():
    import io

    import matplotlib.pyplot as plt

    from helpers import figures, widgets_attention

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        return buffer.getvalue()

    rng = np.random.default_rng(0)
    long_w, short_w = rng.random((11, 26)), rng.random((5, 7))
    panel = widgets_attention.AttentionPanel()
    panel.update("thursday 13 september 2029", "2029-09-13", long_w)
    kept = panel.update("1 march", "03-01", short_w)
    fresh = widgets_attention.AttentionPanel().update("1 march", "03-01", short_w)
    assert kept is panel.fig and png(kept) == png(fresh)
    assert figures.description(kept) == figures.description(A.plot_attention("1 march", "03-01", short_w))
    assert [t.get_text() for t in kept.axes[0].get_xticklabels()] == list("1␣march")
    plt.close("all")
