"""helpers.gradients: Jacobian products against tf.GradientTape, decay rates, clipping, bad input."""
import numpy as np
import pytest

from helpers import gradients


def test_step_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(5, 5))
    h_prev = rng.normal(size=5)
    u = rng.normal(size=5)
    f = lambda h: np.tanh(W @ h + u)  # noqa: E731
    J = gradients.step_jacobian(W, W @ h_prev + u)
    eps = 1e-6
    numeric = np.stack([(f(h_prev + eps * e) - f(h_prev - eps * e)) / (2 * eps) for e in np.eye(5)], axis=1)
    assert np.allclose(J, numeric, atol=1e-7)


@pytest.mark.parametrize("name", gradients.ACTIVATIONS)
def test_jacobian_norms_match_gradient_tape(name):
    import tensorflow as tf

    units, length = 6, 15
    W = gradients.random_recurrent_matrix(units, 1.1, seed=3)
    norms = gradients.jacobian_norms(W, length, name, seed=4)
    rng = np.random.default_rng(4)                     # the same inputs jacobian_norms draws
    inputs = [0.1 * rng.normal(size=units) for _ in range(length)]
    act = {"tanh": tf.tanh, "relu": tf.nn.relu, "sigmoid": tf.sigmoid}[name]
    h0 = tf.Variable(np.zeros(units))
    with tf.GradientTape(persistent=True) as tape:
        h, states = h0, []
        for t in range(length):
            h = act(tf.linalg.matvec(tf.constant(W), h) + inputs[t])
            states.append(h)
    for t in (4, length - 1):
        J = tape.jacobian(states[t], h0).numpy()
        assert np.isclose(np.linalg.norm(J, 2), norms[t], rtol=1e-6, atol=1e-300)


def test_norms_vanish_below_and_grow_above_one_for_tanh():
    small = gradients.jacobian_norms(gradients.random_recurrent_matrix(32, 0.5), 60)
    large = gradients.jacobian_norms(gradients.random_recurrent_matrix(32, 2.5), 60)
    assert small[-1] < 1e-10 < 1 < large[-1]
    assert gradients.decay_rate(small) < 0.6 < 1.0 < gradients.decay_rate(large)


def test_random_recurrent_matrix_has_requested_radius():
    assert np.isclose(gradients.spectral_radius(gradients.random_recurrent_matrix(16, 1.3, seed=2)), 1.3)


def test_sigmoid_derivative_at_most_quarter():
    a = np.linspace(-5, 5, 101)
    assert gradients.activation_derivative("sigmoid", a).max() == pytest.approx(0.25)
    assert set(np.unique(gradients.activation_derivative("relu", a))) <= {0.0, 1.0}


def test_clip_by_norm_keeps_direction_and_short_gradients():
    g = np.array([3.0, 4.0])
    assert np.allclose(gradients.clip_by_norm(g, 1.0), [0.6, 0.8])
    assert np.allclose(gradients.clip_by_norm(g, 10.0), g)


def test_plot_norm_curves_returns_figure_with_one_line_per_curve():
    import matplotlib.pyplot as plt

    fig = gradients.plot_norm_curves({0.5: np.array([1.0, 0.5, np.inf]), 1.5: np.array([1.0, 2.0, 4.0])})
    assert len(fig.axes[0].lines) == 3                 # two curves and the line at 1
    plt.close(fig)


@pytest.mark.parametrize("call, word", [
    (lambda: gradients.jacobian_norms(np.ones((3, 4)), 5), "W_hh"),
    (lambda: gradients.jacobian_norms(np.eye(3), 0), "length"),
    (lambda: gradients.jacobian_norms(np.eye(3), 5, "softplus"), "activation"),
    (lambda: gradients.step_jacobian(np.eye(3), np.ones(4)), "a_t"),
    (lambda: gradients.clip_by_norm(np.ones(3), 0), "max_norm"),
    (lambda: gradients.clip_by_norm(np.array([]), 1.0), "grad"),
    (lambda: gradients.random_recurrent_matrix(0, 1.0), "units"),
    (lambda: gradients.plot_norm_curves({}), "curves"),
])
def test_bad_input_names_the_argument(call, word):
    with pytest.raises((ValueError, TypeError), match=word):
        call()


def test_clipping_run_diverges_without_and_stays_finite_with_clipping():
    unclipped = gradients.clipping_run(None, steps=4, gap=30)
    clipped = gradients.clipping_run(1.0, steps=4, gap=30)
    assert unclipped["grad_norm"][0] > 1e3
    assert not np.all(np.isfinite(unclipped["loss"]))
    assert np.all(np.isfinite(clipped["loss"]))


def test_input_gradient_norms_shape():
    import keras

    from helpers import long_gap

    data = long_gap.make_long_gap(8, 4)
    model = long_gap.build_model("tanh, small random init", data.vocab_size, data.n_classes, units=4)
    norms = gradients.input_gradient_norms(model, data.one_hot(), data.y)
    assert norms.shape == (6,) and np.all(norms > 0)
    with pytest.raises(ValueError, match="x"):
        gradients.input_gradient_norms(model, data.one_hot()[0], data.y)
    del keras
