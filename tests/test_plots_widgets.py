import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots, text, widgets  # noqa: E402


def test_window_panel_and_bag_comparison_draw():
    fig = plots.window_panel("a b c d".split(), 2, {1: 0.1, 2: 0.2, 4: 0.9}, chance=0.1)
    assert len(fig.axes) == 2
    fig = plots.bag_comparison(["a", "b"], ["b", "a"], probabilities=[0.3, 0.3])
    assert "identical" in fig.axes[0].get_title()
    fig = plots.bag_comparison(["a", "b"], ["b", "c"])
    assert "different" in fig.axes[0].get_title()


def test_activation_curve_rejects_unknown():
    plots.activation_curve(1.0)
    with pytest.raises(ValueError, match="'activation'.*'swish'"):
        plots.activation_curve(1.0, activation="swish")


def test_scorecard_plot_and_bar_scores():
    fig = plots.scorecard_plot({"m": {"a": 0.5, "b": 1.0}, "n": {"a": 0.2}})
    assert fig.axes[0].get_title()
    plots.bar_scores(["x", "y"], np.array([0.2, 0.9]), chance=0.5)


def test_scorecard_colours_measure_accuracy_above_each_columns_chance():
    """54 % on a two-class column is drawn as red as 12 % on a ten-class one; 100 % is green everywhere."""
    table = {"m": {"ten classes": 0.12, "two classes": 0.54}, "n": {"ten classes": 1.0, "two classes": 1.0}}
    fig = plots.scorecard_plot(table, chance={"ten classes": 0.1, "two classes": 0.5})
    skill = np.asarray(fig.axes[0].images[0].get_array())
    assert np.allclose(skill, [[0.02 / 0.9, 0.08], [1.0, 1.0]])
    assert "chance 50%" in fig.axes[0].get_xticklabels()[1].get_text()
    below = plots.scorecard_plot({"m": {"two classes": 0.3}}, chance={"two classes": 0.5})
    assert np.asarray(below.axes[0].images[0].get_array())[0, 0] == 0.0   # below chance is as bad as chance
    without = plots.scorecard_plot({"m": {"two classes": 0.54}})          # no chance given: raw accuracy
    assert np.isclose(np.asarray(without.axes[0].images[0].get_array())[0, 0], 0.54)
    with pytest.raises(ValueError, match="'chance\\['two classes'\\]'.*below 1"):
        plots.scorecard_plot(table, chance={"two classes": 1.0})


def test_scorecard_uses_the_datasets_chance_levels():
    from helpers import datasets, scorecard

    card = scorecard.Scorecard()
    card.add("bag of words", "word order", 0.5)
    card.add("bag of words", "long-term dependency", 0.55)
    skill = np.asarray(card.plot().axes[0].images[0].get_array())
    assert skill[0, 0] == 0.0 and np.isclose(skill[0, 1], 0.5)
    assert datasets.CHANCE["long-term dependency"] == 1 / len(datasets.LANGUAGES)


def _spy(monkeypatch, name):
    """Record each call of plots.<name> (widgets outside a kernel cannot render, so we watch the calls)."""
    calls = []
    real = getattr(plots, name)

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(plots, name, spy)
    return calls


def test_window_explorer_redraws_on_slider_move(monkeypatch):
    calls = []
    real = plots.WindowPanel.update
    monkeypatch.setattr(plots.WindowPanel, "update", lambda self, w: calls.append(w) or real(self, w))
    box = widgets.window_explorer("a b c d e", {1: 0.1, 2: 0.5})
    box.children[0].value = 2
    assert calls == [1, 2]


def test_window_panel_updates_in_place():
    panel = plots.WindowPanel("a b c".split(), {1: 0.2, 3: 0.9})
    panel.update(1)
    colours = [b.get_facecolor() for b in panel.boxes]
    assert colours[0] != colours[2] and panel.note.get_text() == "20%"
    panel.update(3)
    assert len({b.get_facecolor() for b in panel.boxes}) == 1 and panel.note.get_text() == "90%"
    with pytest.raises(ValueError, match="'accuracies'"):
        plots.WindowPanel(["a"], {})


def test_a_window_longer_than_the_sentence_sees_all_of_it():
    panel = plots.WindowPanel("a b c".split(), {2: 0.5, 5: 0.8})     # lesson 01 measures windows past the sentence
    panel.update(5)
    assert len({b.get_facecolor() for b in panel.boxes}) == 1 and panel.note.get_text() == "80%"
    with pytest.raises(ValueError, match="'window'"):
        panel.update(6)


def test_bag_explorer_redraws_and_survives_empty_text(monkeypatch):
    calls = _spy(monkeypatch, "bag_comparison")
    vocab = text.Vocabulary.build(["good bad"])
    box = widgets.bag_explorer(vocab)
    box.children[0].value = "bad good"
    box.children[0].value = ""  # shows the message instead of raising
    assert len(calls) == 2 and calls[1][0][0] == ["bad", "good"]


def test_activation_explorer_updates(monkeypatch):
    calls = _spy(monkeypatch, "activation_curve")
    box = widgets.activation_explorer()
    box.children[0].children[0].value = 2.0
    assert [c[0][0] for c in calls] == [1.0, 2.0]


def test_loss_curve_draws_every_epoch_of_several_series():
    from helpers import plots

    fig = plots.loss_curve({"loss": [2.0, 1.5, 1.2], "val_loss": [2.1, 1.7, 1.6], "empty": []})
    lines = fig.axes[0].get_lines()
    assert [len(line.get_xdata()) for line in lines] == [3, 3]
    assert [line.get_label() for line in lines] == ["loss", "val_loss"]
