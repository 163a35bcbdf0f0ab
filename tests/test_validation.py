"""The shared validation layer (helpers.validation, helpers.validation_files), and the NaN sweep:
no public function of helpers accepts NaN or infinity where a finite number is needed."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

from helpers import validation as V
from helpers.validation_files import files_in, read_user_text
from tests.validation_utils import assert_clear

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("family, call, error, name, expected, got", [
    ("nan", lambda: V.check_number("rate", NAN, low=0), ValueError, "rate", "finite number >= 0", "nan"),
    ("nan", lambda: V.check_number("rate", -INF), ValueError, "rate", "finite number", "-inf"),
    ("nan", lambda: V.check_array("x", [1.0, NAN]), ValueError, "x", "finite numbers", "nan at index 1"),
    ("nan", lambda: V.check_array("x", [[1.0, INF]]), ValueError, "x", "finite numbers", "inf at index (0, 1)"),
    ("nan", lambda: V.check_array("lp", [NAN, -INF], finite="no_nan"), ValueError, "lp", "NaN not", "nan at index 0"),
    ("range", lambda: V.check_number("p", 1.5, low=0, high=1), ValueError, "p", "<= 1 (valid range [0, 1])", "1.5"),
    ("range", lambda: V.check_share("share", -0.1), ValueError, "share", ">= 0", "-0.1"),
    ("type", lambda: V.check_number("p", "0.5"), TypeError, "p", "a number", "str '0.5'"),
    ("type", lambda: V.check_positive_int("n", 2.0), TypeError, "n", "an integer", "float 2.0"),
    ("type", lambda: V.check_array("x", None), TypeError, "x", "an array", "None"),
    ("type", lambda: V.check_bool("flag", "False"), TypeError, "flag", "True or False", "str 'False'"),
    ("strings", lambda: V.check_string_list("words", "good"), TypeError, "words", "a list of strings", "'good'"),
    ("strings", lambda: V.check_string_list("words", ["a", 3]), TypeError, "words", "a string at index 1", "int 3"),
    ("strings", lambda: V.check_choices("tricks", "GRU", {"GRU"}), TypeError, "tricks", "a list of names", "'GRU'"),
    ("strings", lambda: V.check_choices("tricks", ["gru"], {"GRU"}), ValueError, "tricks", "names from ['GRU']",
     "'gru' at index 0"),
    ("sizes", lambda: V.check_size("n", 10**9), ValueError, "n", "<= 1,000,000 (at most 1,000,000 items on a 2-core",
     "1,000,000,000"),
    ("sizes", lambda: V.check_alloc("vocab_size", (10, 10**9)), ValueError, "vocab_size", "fits in 2 GiB",
     "needs 37.3 GiB"),
    ("unchecked", lambda: V.check_ids("ids", [1, -1], 5), ValueError, "ids", "ids in [0, 4]", "-1 at index 1"),
    ("unchecked", lambda: V.check_float_dtype("dtype", np.int64), TypeError, "dtype", "a float dtype", "int64"),
    ("types", lambda: V.check_keras_model("model", "a model"), TypeError, "model", "a Keras model", "str 'a model'"),
    ("types", lambda: V.check_type("data", [1], dict, "a dict"), TypeError, "data", "a dict", "list [1]"),
])
def test_core_checks_name_argument_expected_and_got(family, call, error, name, expected, got):
    assert_clear(call, error, name, expected, got)


def test_core_checks_accept_good_values():
    assert V.check_number("x", 0.5, low=0, high=1) == 0.5
    assert V.check_array("lp", [0.0, -INF], finite="no_nan").shape == (2,)
    assert V.check_string_list("words", ("a", "b")) == ["a", "b"]
    assert V.check_size("n", 10**6) == 10**6
    V.check_alloc("x", (1000, 1000))


# ---- user files ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, encoding, text", [
    ("text,label\ngood,1\n".encode("utf-8"), "utf-8", "text,label\ngood,1\n"),
    (b"\xef\xbb\xbftext\n", "utf-8", "text\n"),
    ("text\r\nb\u00e9\n".encode("utf-16"), "utf-16-le", "text\nb\u00e9\n"),
    ("text\n".encode("utf-16-le"), "utf-16-le", "text\n"),
    ("a\nb\u00e9\n".encode("latin-1"), "latin-1", "a\nb\u00e9\n"),
])
def test_read_user_text_detects_the_encoding(tmp_path, data, encoding, text):
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    read = read_user_text(path)
    assert (read.encoding, read.text) == (encoding, text)
    assert ("line 2" in read.note) == (encoding == "latin-1")


def test_read_user_text_refuses_nul_bytes_and_folders(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"a\nb\nc\x00d\n")
    assert_clear(lambda: read_user_text(path), ValueError, "bin.csv line 3", "text", "a NUL byte")
    assert_clear(lambda: read_user_text(tmp_path), ValueError, "path", "a file", "the folder")
    (tmp_path / "x.abc").mkdir()
    (tmp_path / "y.abc").write_text("X:1\n")
    assert [p.name for p in files_in(tmp_path, "*.abc")] == ["y.abc"]


# ---- the NaN sweep -----------------------------------------------------------------------------------

def _nan_calls():
    """Every public function or class of helpers with a float parameter, called with NaN there (other
    arguments valid). :func:`test_every_float_parameter_is_in_the_sweep` keeps this list complete."""
    from matplotlib.figure import Figure

    from helpers import figures
    from helpers import (attention, datasets, dates_typed, gradients, leaderboard, learning_curves, long_gap, music,
                         numpy_rnn, plots, scorecard, search_errors, sentiment, training, transformer, widgets_attention,
                         widgets_gates, widgets_music, widgets_rnn)

    P = numpy_rnn.init_params(3, 4, 3)
    x, t, _ = numpy_rnn.echo_task(4, 3, 1, n_symbols=3)
    s2s = attention.Seq2Seq(units=4, embed_dim=4) if hasattr(attention, "Seq2Seq") else None
    vocab = music.build_vocabulary("X:1\nK:C\nabc\n")
    note = np.array([[0, 1, 60.0]])
    calls = {
        "attention.Seq2Seq.__init__:learning_rate": lambda v: attention.Seq2Seq(units=4, embed_dim=4, learning_rate=v),
        "attention.Seq2Seq.fit:final_lr_fraction": lambda v: s2s.fit(_dates(), final_lr_fraction=v),
        "attention.beam_search:alpha": lambda v: attention.beam_search(s2s, ["3 march 1987"], alpha=v),
        "datasets.reviews:pair_share": lambda v: datasets.reviews(4, pair_share=v),
        "dates_typed.generate_typed_dates:lead_share": lambda v: dates_typed.generate_typed_dates(4, lead_share=v),
        "dates_typed.training_mix:typed_share": lambda v: dates_typed.training_mix(4, typed_share=v),
        "search_errors.sequence_scores:alpha": lambda v: search_errors.sequence_scores(
            np.zeros((1, 2, 3)), np.zeros((1, 2), dtype=int), np.array([2]), alpha=v),
        "search_errors.score_outputs:alpha": lambda v: search_errors.score_outputs(
            s2s, ["3 march 1987"], ["1987-03-03"], alpha=v),
        "search_errors.analyse_errors:alpha": lambda v: search_errors.analyse_errors(
            s2s, ["3 march 1987"], ["1987-03-03"], ["1987-03-04"], alpha=v),
        "gradients.random_recurrent_matrix:radius": lambda v: gradients.random_recurrent_matrix(3, v),
        "gradients.jacobian_norms:input_scale": lambda v: gradients.jacobian_norms(np.eye(2), 3, input_scale=v),
        "gradients.clip_by_norm:max_norm": lambda v: gradients.clip_by_norm(np.ones(2), v),
        "gradients.clipping_run:clipnorm": lambda v: gradients.clipping_run(v, steps=1),
        "gradients.clipping_run:gain": lambda v: gradients.clipping_run(None, steps=1, gain=v),
        "gradients.clipping_run:learning_rate": lambda v: gradients.clipping_run(None, steps=1, learning_rate=v),
        "long_gap.build_model:learning_rate": lambda v: long_gap.build_model("GRU (gated)", 5, 2, learning_rate=v),
        "long_gap.build_model:clipnorm": lambda v: long_gap.build_model("GRU (gated)", 5, 2, clipnorm=v),
        "long_gap.build_model:forget_bias": lambda v: long_gap.build_model("LSTM (gated)", 5, 2, forget_bias=v),
        "music_audio.synthesize:bpm": lambda v: music.synthesize(note, bpm=v),
        "music_audio.synthesize:max_seconds": lambda v: music.synthesize(note, max_seconds=v),
        "music_audio.listen:bpm": lambda v: music.listen("X:1\nK:C\nabc", bpm=v),
        "music_audio.listen:max_seconds": lambda v: music.listen("X:1\nK:C\nabc", max_seconds=v),
        "music_corpus.load_corpus:valid_fraction": lambda v: music.load_corpus(valid_fraction=v),
        "music_model.build_model:learning_rate": lambda v: music.build_model(5, 2, 2, learning_rate=v),
        "music_model.build_model:clipnorm": lambda v: music.build_model(5, 2, 2, clipnorm=v),
        "music_model.sample_tunes:temperature": lambda v: music.sample_tunes(
            music.build_model(len(vocab), 2, 2), vocab, temperature=v),
        "numpy_rnn.init_params:radius": lambda v: numpy_rnn.init_params(2, 2, radius=v),
        "numpy_rnn.set_spectral_radius:radius": lambda v: numpy_rnn.set_spectral_radius(np.eye(2), v),
        "numpy_rnn.numerical_gradient:eps": lambda v: numpy_rnn.numerical_gradient(lambda: 0.0, np.ones(2), v),
        "numpy_rnn.numerical_gradients:eps": lambda v: numpy_rnn.numerical_gradients(x, t, P, eps=v),
        "numpy_rnn.train:lr": lambda v: numpy_rnn.train(x, t, P, steps=1, lr=v),
        "numpy_rnn.train:clip": lambda v: numpy_rnn.train(x, t, P, steps=1, clip=v),
        "plots.bar_scores:chance": lambda v: plots.bar_scores(["a"], [0.5], chance=v),
        "plots.WindowPanel.__init__:chance": lambda v: plots.WindowPanel(["a"], {1: 0.5}, chance=v),
        "plots.window_panel:chance": lambda v: plots.window_panel(["a"], 1, {1: 0.5}, chance=v),
        "plots.activation_curve:weight": lambda v: plots.activation_curve(v),
        "plots.activation_curve:bias": lambda v: plots.activation_curve(1.0, v),
        "scorecard.Scorecard.add:accuracy": lambda v: scorecard.Scorecard().add("m", "word order", v),
        "scorecard.LinearSoftmax.fit:learning_rate": lambda v: scorecard.LinearSoftmax(2, 2).fit(
            np.ones((2, 2)), [0, 1], steps=1, learning_rate=v),
        "scorecard.LinearSoftmax.fit:l2": lambda v: scorecard.LinearSoftmax(2, 2).fit(np.ones((2, 2)), [0, 1],
                                                                                     steps=1, l2=v),
        "widgets_attention.deck_results:alpha": lambda v: widgets_attention.deck_results(None, [], [1], alpha=v),
        "widgets_attention.status_line:score": lambda v: widgets_attention.status_line("3 march 1987", "1987-03-03", v, 1),
        "widgets_gates.spectral_radius_figure:radius": lambda v: widgets_gates.spectral_radius_figure(v, "tanh", 5),
        "widgets_gates.RadiusPanel.update:radius": lambda v: widgets_gates.RadiusPanel().update(v, "tanh", 5),
        "figures.margins:left": lambda v: figures.margins(Figure(), left=v, right=0.1, top=0.1, bottom=0.1),
        "figures.margins:right": lambda v: figures.margins(Figure(), left=0.1, right=v, top=0.1, bottom=0.1),
        "figures.margins:top": lambda v: figures.margins(Figure(), left=0.1, right=0.1, top=v, bottom=0.1),
        "figures.margins:bottom": lambda v: figures.margins(Figure(), left=0.1, right=0.1, top=0.1, bottom=v),
        "figures.text_width:fontsize": lambda v: figures.text_width(["a"], v),
        "figures.pin_labels:below": lambda v: figures.pin_labels(Figure().add_subplot(), below=v),
        "figures.pin_labels:left": lambda v: figures.pin_labels(Figure().add_subplot(), left=v),
        "figures.text_height:fontsize": lambda v: figures.text_height(["a"], v),
        "figures.text_height:rotation": lambda v: figures.text_height(["a"], 8, v),
        "widgets_music.temperature_text:temperature": lambda v: widgets_music.temperature_text("X:1", None, v),
        "widgets_rnn.contribution_panel:radius": lambda v: widgets_rnn.contribution_panel(10, v, 3),
        "transformer.build_classifier:learning_rate": lambda v: transformer.build_classifier(
            5, 2, width=4, heads=2, learning_rate=v),
        "sentiment.train:learning_rate": lambda v: sentiment.train(
            sentiment.build_model("LSTM", 5, embedding_dim=2, units=2), [[1, 2]], [1], epochs=1, learning_rate=v),
        "sentiment.lesson_data:pair_share": lambda v: sentiment.lesson_data(20, 10, pair_share=v),
        "sentiment.lesson_data:polarity_share": lambda v: sentiment.lesson_data(20, 10, polarity_share=v),
        "sentiment.lesson_data:unknown_rate": lambda v: sentiment.lesson_data(20, 10, unknown_rate=v),
        "training.TimeBudget.__init__:seconds": lambda v: training.TimeBudget(v),
        "training.decay_factor:fraction": lambda v: training.decay_factor(v),
        "training.decay_factor:hold": lambda v: training.decay_factor(0.5, hold=v),
        "training.decay_factor:floor": lambda v: training.decay_factor(0.5, floor=v),
        "training.DecayByTime.__init__:seconds": lambda v: training.DecayByTime(v),
        "training.DecayByTime.__init__:hold": lambda v: training.DecayByTime(10, hold=v),
        "training.DecayByTime.__init__:floor": lambda v: training.DecayByTime(10, floor=v),
        "widgets.window_explorer:chance": lambda v: __import__("helpers.widgets").widgets.window_explorer(
            "a b", {1: 0.5}, chance=v),
        "widgets_attention.explain:alpha": lambda v: widgets_attention.explain(s2s, "3 march 1987", alpha=v),
        "widgets_gates.gradient_curves:radius": lambda v: widgets_gates.gradient_curves(v, "tanh", 3),
        "widgets_music.show_temperature:temperature": lambda v: widgets_music.show_temperature({1.0: ("", None)}, v),
        "widgets_rnn.contribution_values:radius": lambda v: widgets_rnn.contribution_values(3, v),
        "transformer.build_char_transformer:learning_rate": lambda v: transformer.build_char_transformer(
            5, width=4, heads=2, layers=1, learning_rate=v),
        "transformer.build_char_transformer:clipnorm": lambda v: transformer.build_char_transformer(
            5, width=4, heads=2, layers=1, clipnorm=v),
        "leaderboard.build_char_model:learning_rate": lambda v: leaderboard.build_char_model("GRU", 5, learning_rate=v),
        "leaderboard.best_ngram_order:dev_share": lambda v: leaderboard.best_ngram_order(
            np.arange(40) % 5, 5, orders=[2], dev_share=v),
        "leaderboard.train_for:seconds": lambda v: leaderboard.train_for(_tiny_char_model(), np.arange(40) % 5, v),
        "learning_curves.train_curve:seconds": lambda v: learning_curves.train_curve(
            _tiny_char_model(), np.arange(400) % 5, np.arange(40) % 5, v),
        "learning_curves.at_chars:chars": lambda v: learning_curves.at_chars(
            [{"steps": 8, "chars": 100, "seconds": 1.0, "bits": 2.0}], v),
        "leaderboard.train_for:hold": lambda v: leaderboard.train_for(_tiny_char_model(), np.arange(40) % 5, 1, hold=v),
        "leaderboard.train_for:floor": lambda v: leaderboard.train_for(_tiny_char_model(), np.arange(40) % 5, 1, floor=v),
        "leaderboard.train_and_score:seconds": lambda v: leaderboard.train_and_score(
            "GRU", _tiny_char_model(), np.arange(40) % 5, np.arange(10) % 5, v),
        "tagging.build_tagger:learning_rate": lambda v: __import__("helpers.tagging").tagging.build_tagger(
            10, bidirectional=False, learning_rate=v),
        "tagging.tagging_sentences:ambiguous_share": lambda v: __import__("helpers.tagging").tagging.tagging_sentences(
            3, ambiguous_share=v),
        "trajectory.bouncing_balls:dt": lambda v: __import__("helpers.trajectory").trajectory.bouncing_balls(2, dt=v),
        "trajectory.bouncing_balls:noise": lambda v: __import__("helpers.trajectory").trajectory.bouncing_balls(
            2, noise=v),
        "trajectory.build_rnn_regressor:learning_rate": lambda v: __import__(
            "helpers.trajectory").trajectory.build_rnn_regressor(learning_rate=v),
        "trajectory.plot_error_by_history:noise": lambda v: __import__(
            "helpers.trajectory").trajectory.plot_error_by_history({"a": [0.1, 0.2]}, noise=v),
    }
    return calls


def _tiny_char_model():
    from helpers import leaderboard

    return leaderboard.build_char_model("GRU", 5, units=2, embedding_dim=2)


def _dates():
    from helpers import dates

    return dates.generate_dates(2)


NOT_NUMBERS = {"sentiment_trace.TokenTrace.__init__:start",    # result records, built from measurements:
               "leaderboard.Row.__init__:bits", "leaderboard.Row.__init__:seconds",   # token_trace, train_and_score,
               "trajectory.Balls.__init__:dt", "trajectory.Balls.__init__:noise"}     # bouncing_balls


def _float_parameters():
    import importlib
    import pkgutil

    import helpers

    found = set()
    for info in pkgutil.iter_modules(helpers.__path__):
        if info.name.startswith("exercises"):
            continue
        module = importlib.import_module(f"helpers.{info.name}")
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj):
                targets = [(f"{attr}.__init__", obj.__init__)] + [
                    (f"{attr}.{m}", f) for m, f in vars(obj).items() if inspect.isfunction(f) and not m.startswith("_")]
            elif inspect.isfunction(obj):
                targets = [(attr, obj)]
            else:
                continue
            for label, function in targets:
                try:
                    parameters = inspect.signature(function).parameters.values()
                except (TypeError, ValueError):
                    continue
                for p in parameters:
                    annotation = str(p.annotation)
                    if isinstance(p.default, float) or annotation.startswith("float"):
                        found.add(f"{info.name}.{label}:{p.name}")
    return found


def test_every_float_parameter_is_in_the_sweep():
    missing = _float_parameters() - set(_nan_calls()) - NOT_NUMBERS
    assert not missing, f"float parameters without a NaN row in _nan_calls: {sorted(missing)}"


def test_no_public_function_accepts_nan_or_infinity_where_a_finite_number_is_needed():
    accepted = []
    for key, call in _nan_calls().items():
        argument = key.split(":")[1]
        for value in (NAN, INF):
            try:
                call(value)
            except (ValueError, TypeError) as error:
                message = str(error)
                if f"'{argument}'" not in message or "expected" not in message or "got" not in message:
                    accepted.append(f"{key}={value}: unclear message {message!r}")
            else:
                accepted.append(f"{key}={value}: accepted")
    assert not accepted, "\n".join(accepted)
