"""helpers.widgets_rnn: the pure functions behind the explorers, and that the shells build and redraw."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import numpy_rnn, text, widgets_rnn  # noqa: E402

SENTENCE = "she grew up in lisbon . she speaks fluent"


@pytest.fixture(scope="module")
def model():
    vocab = text.Vocabulary.build([SENTENCE])
    embedding = np.random.default_rng(0).normal(size=(len(vocab), 6))
    return vocab, embedding, numpy_rnn.init_params(6, 8, 3, seed=0)


def test_trace_shapes_and_probabilities(model):
    trace = widgets_rnn.unrolled_trace(SENTENCE, *model)
    assert trace["tokens"] == SENTENCE.split()
    assert trace["x"].shape == (9, 6) and trace["h"].shape == (9, 8) and trace["p"].shape == (9, 3)
    np.testing.assert_allclose(trace["p"].sum(-1), 1)
    hs, _ = numpy_rnn.rnn_forward(trace["x"][None], model[2])
    np.testing.assert_allclose(trace["h"], hs[0])


def test_trace_unknown_words_and_bad_sentence(model):
    trace = widgets_rnn.unrolled_trace("zebra grew up", *model)
    assert trace["x"].shape == (3, 6)
    with pytest.raises(ValueError, match="'sentence'"):
        widgets_rnn.unrolled_trace("   ", *model)


def test_figures(model):
    trace = widgets_rnn.unrolled_trace(SENTENCE, *model)
    fig = widgets_rnn.unrolled_figure(trace, 3, ["a", "b", "c"])
    assert "lisbon" not in fig.axes[0].get_title() and "'in'" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="'step'"):
        widgets_rnn.unrolled_figure(trace, 9)
    plt.close("all")
    widgets_rnn.graph_figure(5, highlight_loss=3)
    widgets_rnn.contribution_figure(np.arange(6.0), truncate=2, title="t")
    plt.close("all")


def test_contribution_values_respect_truncation_and_radius():
    full = widgets_rnn.contribution_values(20, 0.9)
    cut = widgets_rnn.contribution_values(20, 0.9, truncate=5)
    assert np.all(cut[:15] == 0)
    np.testing.assert_allclose(cut[15:], full[15:])
    small = widgets_rnn.contribution_values(20, 0.3)
    assert small[:10].sum() / small.sum() < full[:10].sum() / full.sum()


def test_shells_build_and_redraw(model):
    stepper = widgets_rnn.unrolled_stepper(*model, labels=["a", "b", "c"], sentence=SENTENCE)
    box, slider, _ = stepper.children
    slider.value = 4
    box.value = "she grew up"
    assert slider.max == 2
    explorer = widgets_rnn.contribution_explorer(time=12)
    radius, window = explorer.children[0].children
    radius.value = 1.2
    window.value = 3
    plt.close("all")


def test_unrolled_panel_redraws_like_a_fresh_figure():
    """The stepper keeps one figure: after a longer sentence and another step it draws what a new figure
    draws, pixel for pixel, with the same description."""
    import io

    from helpers import figures

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=50)
        return buffer.getvalue()

    rng = np.random.default_rng(0)

    def trace(words):
        time = len(words)
        p = rng.random((time, 3))
        return {"tokens": words, "x": rng.normal(size=(time, 4)), "h": rng.normal(size=(time, 6)),
                "p": p / p.sum(1, keepdims=True)}

    panel = widgets_rnn.UnrolledPanel()
    panel.update(trace("a much longer sentence than the next one".split()), 5, ["x", "y", "z"])
    short = trace(["one", "two", "three"])
    panel.update(short, 0, ["x", "y", "z"])
    kept = panel.update(short, 2, ["x", "y", "z"])
    fresh = widgets_rnn.unrolled_figure(short, 2, ["x", "y", "z"])
    assert kept is panel.fig and png(kept) == png(fresh)
    assert figures.description(kept) == figures.description(fresh)
    plt.close("all")
