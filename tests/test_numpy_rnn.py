"""helpers.numpy_rnn: forward equals SimpleRNN, BPTT equals numerical and tf.GradientTape gradients."""
import numpy as np
import pytest

from helpers import numpy_rnn as R


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(0)
    params = R.init_params(5, 7, 4, seed=1)
    x = rng.normal(size=(3, 6, 5))
    targets = rng.integers(4, size=(3, 6))
    h0 = np.tanh(rng.normal(size=(3, 7)))
    return x, targets, params, h0


def test_forward_matches_keras_simple_rnn():
    import keras

    keras.utils.set_random_seed(0)
    layer = keras.layers.SimpleRNN(8, return_sequences=True, bias_initializer="random_normal")
    x = np.random.default_rng(1).normal(size=(4, 9, 5)).astype("float32")
    want = np.asarray(layer(x))
    hs, ys = R.rnn_forward(x, R.params_from_keras(layer))
    assert ys is None
    assert hs.shape == (4, 9, 8)
    assert np.abs(hs - want).max() <= 1e-5


def test_step_is_one_forward_step(case):
    x, _, params, h0 = case
    hs, _ = R.rnn_forward(x, params, h0)
    h1 = R.rnn_step(x[:, 0], h0, params["W_xh"], params["W_hh"], params["b_h"])
    np.testing.assert_allclose(hs[:, 0], h1)


def test_bptt_matches_numerical_gradients(case):
    grads = R.rnn_backward(*case)
    numeric = R.numerical_gradients(*case)
    for k in R.PARAM_NAMES:
        assert R.relative_error(grads[k], numeric[k]) <= 1e-6, k


def test_bptt_matches_gradient_tape(case):
    grads = R.rnn_backward(*case)
    tape = R.tape_gradients(*case)
    for k in R.PARAM_NAMES:
        assert R.relative_error(grads[k], tape[k]) <= 1e-10, k


def test_bptt_with_mask_matches_numerical(case):
    x, targets, params, h0 = case
    mask = np.zeros(targets.shape)
    mask[:, 3:] = 1
    grads = R.rnn_backward(x, targets, params, h0, mask=mask)
    numeric = R.numerical_gradients(x, targets, params, h0, mask=mask)
    assert max(R.relative_error(grads[k], numeric[k]) for k in R.PARAM_NAMES) <= 1e-6


def test_truncation(case):
    full = R.rnn_backward(*case)
    same = R.rnn_backward(*case, truncate=6)
    for k in R.PARAM_NAMES:
        np.testing.assert_allclose(full[k], same[k], atol=1e-12)
    short = R.rnn_backward(*case, truncate=1)
    np.testing.assert_allclose(short["W_hy"], full["W_hy"])  # the output layer is not recurrent
    assert R.relative_error(short["W_hh"], full["W_hh"]) > 1e-3
    c = R.contributions(case[0], case[1], case[2], case[3], truncate=2)
    assert np.all(c[:-2] == 0) and np.all(c[-2:] > 0)
    np.testing.assert_allclose(R.contributions(*case)[-2:], c[-2:])


def test_loss_is_sum_of_steps(case):
    x, targets, params, h0 = case
    _, ys = R.rnn_forward(x, params, h0)
    total, per_step = R.sequence_loss(ys, targets)
    assert per_step.shape == (6,)
    assert total == pytest.approx(per_step.sum())
    assert total == pytest.approx(R.loss_fn(x, targets, params, h0))


def test_spectral_radius():
    W = R.set_spectral_radius(np.random.default_rng(0).normal(size=(6, 6)), 0.9)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(0.9)


def test_echo_task_and_training_learn_a_short_delay():
    x, targets, mask = R.echo_task(256, 8, 1, 3, seed=0)
    assert x.shape == (256, 8, 3) and targets.shape == (256, 8)
    assert np.array_equal(targets[:, 1:], x.argmax(-1)[:, :-1])
    params, losses = R.train(x, targets, R.init_params(3, 12, 3, seed=0), mask=mask, steps=150, lr=0.05)
    assert losses[-1] < losses[0]
    assert R.masked_accuracy(x, targets, params, mask) > 0.9


@pytest.mark.parametrize("bad, word", [
    (lambda c: R.rnn_forward(c[0][:, :, :4], c[2]), "'x'"),
    (lambda c: R.rnn_forward(c[0], c[2], c[3][:, :6]), "'h0'"),
    (lambda c: R.rnn_forward(c[0][:, :0], c[2]), "length"),
    (lambda c: R.rnn_backward(c[0][:, :, :4], c[1], c[2]), "'x'"),
    (lambda c: R.rnn_backward(c[0], c[1], c[2], c[3][:, :5]), "'h0'"),
    (lambda c: R.rnn_backward(c[0][:, :0], c[1][:, :0], c[2]), "length"),
    (lambda c: R.rnn_backward(c[0], c[1][:, :5], c[2]), "'targets'"),
    (lambda c: R.rnn_step(c[0][:, 0, :4], c[3], c[2]["W_xh"], c[2]["W_hh"], c[2]["b_h"]), "'x_t'"),
    (lambda c: R.rnn_step(c[0][:, 0], c[3][:, :3], c[2]["W_xh"], c[2]["W_hh"], c[2]["b_h"]), "'h_prev'"),
    (lambda c: R.rnn_forward(c[0], {"W_xh": c[2]["W_xh"]}), "missing"),
])
def test_bad_input_names_the_argument(case, bad, word):
    with pytest.raises((ValueError, TypeError)) as info:
        bad(case)
    assert word in str(info.value)
    assert "expected" in str(info.value)


@pytest.mark.parametrize("index, word", [(1, "'h_t'"), (2, "'h_prev'"), (3, "'x_t'"), (4, "'W_hh'")])
def test_step_backward_bad_shapes(index, word):
    args = [np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((3, 3))]
    args[index] = np.zeros((5, 5))
    with pytest.raises(ValueError, match=word + ".*expected shape"):
        R.step_backward(*args)
