"""helpers.search_errors: teacher-forced scores equal the decoder's own step by step; search vs model errors."""
import numpy as np
import pytest

from helpers import attention as A
from helpers import dates as D
from helpers import search_errors as S

TEXTS = ["3 march 1987", "the 2nd of may 99", "12/25/1999"]


@pytest.fixture(scope="module")
def model():
    import keras
    keras.utils.set_random_seed(0)
    return A.Seq2Seq(attention=True, units=8, embed_dim=4)


def stepped_log_prob(model, text, output):
    """log P(output, <end> | text) by running the decoder one step at a time (an independent path)."""
    memory = model.encode([text])
    state, previous, total = memory[2], np.array([D.OUTPUT_VOCAB.id(D.START)]), 0.0
    for token in [D.OUTPUT_VOCAB.stoi[c] for c in output] + [D.OUTPUT_VOCAB.id(D.END)]:
        log_probs, state, _ = model.decoder_step(previous, state, memory)
        total += float(log_probs[0, token])
        previous = np.array([token])
    return total


def test_scores_equal_the_step_by_step_decoder(model):
    outputs = ["1987-03-03", "1999-05-0", "2000-01-011"]          # any length, also too short or too long
    scores = S.score_outputs(model, TEXTS, outputs)
    expected = [stepped_log_prob(model, t, o) for t, o in zip(TEXTS, outputs)]
    np.testing.assert_allclose(scores, expected, atol=1e-4)
    normalised = S.score_outputs(model, TEXTS, outputs, alpha=0.7)
    np.testing.assert_allclose(normalised, np.array(expected) / np.array([11, 10, 12]) ** 0.7, atol=1e-4)


def test_greedy_output_is_a_model_error_against_itself_and_beam_never_scores_below_greedy(model):
    greedy, _ = A.greedy_decode(model, TEXTS)
    beam, _ = A.beam_search(model, TEXTS, beam_width=5, alpha=0.0)
    g, b = S.score_outputs(model, TEXTS, greedy), S.score_outputs(model, TEXTS, beam)
    assert np.all(b >= g - 1e-4)                                  # a wider search finds at least as probable a path
    analysis = S.analyse_errors(model, TEXTS, beam, greedy)        # "truth" = beam's output: greedy loses on search
    assert set(analysis.causes) <= {S.SEARCH, S.MODEL}
    assert all(c == (S.SEARCH if t > o else S.MODEL) for c, t, o in
               zip(analysis.causes, analysis.true_scores, analysis.output_scores))


def test_classify_and_shares():
    causes = S.classify_errors([-1.0, -5.0, -2.0, -3.0], [-2.0, -1.0, -2.0, -4.0])
    assert causes.tolist() == ["search", "model", "model", "search"]    # a tie is the model's fault
    analysis = S.ErrorAnalysis(["a"] * 4, ["x"] * 4, ["y"] * 4, np.zeros(4), np.zeros(4), causes, 10)
    assert analysis.share("search") == 0.5 and analysis.share("model") == 0.5
    assert analysis.summary() == "4 errors in 10 dates: 50% due to the search, 50% due to the model"
    empty = S.ErrorAnalysis([], [], [], np.zeros(0), np.zeros(0), S.classify_errors([], []), 5)
    assert np.isnan(empty.share("search")) and empty.summary() == "no errors in 5 dates"


def test_sequence_scores_ignore_padding():
    log_probs = np.log(np.full((2, 3, 4), 0.25))
    log_probs[1, 2] = -1e9                                           # padding of row 1: must not count
    out = S.sequence_scores(log_probs, np.zeros((2, 3), dtype=int), np.array([3, 2]))
    np.testing.assert_allclose(out, [3 * np.log(0.25), 2 * np.log(0.25)])


def test_bad_input_is_refused_with_the_argument_named(model):
    with pytest.raises(ValueError, match="outputs\\[1\\]"):
        S.encode_outputs(["1987-03-03", "1987/03/03"])
    with pytest.raises(ValueError, match="one output per text"):
        S.score_outputs(model, TEXTS, ["1987-03-03"])
    with pytest.raises(ValueError, match="steps"):
        S.sequence_scores(np.zeros((1, 2, 3)), np.zeros((1, 2), dtype=int), np.array([3]))
    with pytest.raises(ValueError, match="as many texts, targets and outputs"):
        S.analyse_errors(model, TEXTS, ["1987-03-03"] * 3, ["x"])
