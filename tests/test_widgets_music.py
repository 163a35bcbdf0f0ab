"""helpers.widgets_music: the precomputed temperature explorer (its callback only shows results)."""
import matplotlib
import numpy as np

from helpers import music, widgets_music

matplotlib.use("Agg")

GOOD = "X:1\nT:t\nM:4/4\nL:1/8\nK:D\nDEFG ABcd | dcBA GFED | DEFG ABcd | d8 |]\n"


def test_describe_playable_and_not():
    assert widgets_music.describe(music.check_tune(GOOD)).startswith("playable: key D major, meter 4/4")
    assert "not playable" in widgets_music.describe(music.check_tune(""))


def test_precompute_and_show(capsys):
    import keras

    keras.utils.set_random_seed(0)
    vocab = music.build_vocabulary(GOOD)
    model = music.build_model(len(vocab), embedding_dim=4, units=8)
    results = widgets_music.precompute_temperatures(model, vocab, temperatures=(0.5, 1.0), seed=1, max_chars=20)
    assert sorted(results) == [0.5, 1.0]
    tune, check = results[0.5]
    assert tune.startswith("X:1") and isinstance(check, music.TuneCheck)
    widgets_music.show_temperature(results, 1.0)
    assert "temperature 1" in capsys.readouterr().out
    box = widgets_music.temperature_explorer(results)
    assert box.children[0].options == (0.5, 1.0)
