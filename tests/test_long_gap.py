"""helpers.long_gap: the task's guarantees, models per trick, the scorecard table and plot."""
import numpy as np
import pytest

from helpers import long_gap


def test_sequences_have_key_distractors_and_question():
    data = long_gap.make_long_gap(40, 7, seed=3)
    assert data.x.shape == (40, 9) and data.y.shape == (40,)
    assert np.array_equal(data.x[:, 0], data.y)
    assert np.all((data.x[:, 1:8] >= 8) & (data.x[:, 1:8] < 16))
    assert data.recall_id == 16 and np.all(data.x[:, -1] == 16)
    assert data.one_hot().shape == (40, 9, 17)
    assert np.bincount(data.y, minlength=8).tolist() == [5] * 8        # balanced keys


def test_deterministic_and_seed_dependent():
    a, b, c = (long_gap.make_long_gap(16, 5, seed=s) for s in (1, 1, 2))
    assert np.array_equal(a.x, b.x) and not np.array_equal(a.x, c.x)


def test_describe_names_tokens():
    data = long_gap.make_long_gap(1, 2, seed=0)
    text = data.describe(0)
    assert text.startswith(f"K{data.y[0]} d") and text.endswith(f"?  → {data.y[0]}")


@pytest.mark.parametrize("call, word", [
    (lambda: long_gap.make_long_gap(0, 5), "'n'"),
    (lambda: long_gap.make_long_gap(4, -1), "gap"),
    (lambda: long_gap.make_long_gap(4, 3, n_classes=1), "n_classes"),
    (lambda: long_gap.build_model("magic", 17, 8), "trick"),
    (lambda: long_gap.tricks_scorecard(["magic"], (5,)), "tricks"),
    (lambda: long_gap.tricks_scorecard(None, ()), "gaps"),
    (lambda: long_gap.scorecard_table({}), "card"),
])
def test_bad_input_names_the_argument(call, word):
    with pytest.raises((ValueError, TypeError), match=word):
        call()


@pytest.mark.parametrize("trick", list(long_gap.TRICKS))
def test_every_trick_builds_a_model_with_class_probabilities(trick):
    model = long_gap.build_model(trick, 17, 8, units=4)
    out = np.asarray(model(long_gap.make_long_gap(3, 4).one_hot()))
    assert out.shape == (3, 8) and np.allclose(out.sum(axis=1), 1, atol=1e-5)


def test_small_init_has_small_spectral_radius():
    from helpers.gradients import spectral_radius

    model = long_gap.build_model("tanh, small random init", 17, 8, units=32)
    W_hh = model.layers[0].get_weights()[1].T
    assert spectral_radius(W_hh) < 0.6


def test_scorecard_runs_table_and_plot():
    import matplotlib.pyplot as plt

    card = long_gap.tricks_scorecard(["tanh, small random init"], (2,), n_train=64, n_test=32, epochs=1,
                                     units=4, verbose=False)
    assert set(card) == {"tanh, small random init"} and 0 <= card["tanh, small random init"][2] <= 1
    table = long_gap.scorecard_table(card)
    assert "gap 2" in table and "%" in table
    fig = long_gap.plot_scorecard(card)
    assert len(fig.axes[0].lines) == 2                                   # the trick and chance
    plt.close(fig)
