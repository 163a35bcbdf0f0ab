"""Probe the public functions of ``helpers`` with bad input and classify what happens (issue 14).

Every case calls one function with one bad argument and says which argument is at fault.
A worker process (memory-capped) runs the cases one by one; the parent gives each a time
limit and restarts the worker after a hang or a crash. Outcomes:

* ``clear``: an error whose message names the argument (or the file and line), says what
  was expected and what was got (``expected`` and ``got`` in the text); for cases whose
  right answer is a result (an ABC tune judged not playable with a reason naming the
  line, a user file read in its encoding), the result's own check passes;
* ``vague``: an error without those three parts (a generic numpy / TensorFlow / music21 error);
* ``silent``: no error and a wrong or meaningless result;
* ``hang``: over the time limit; ``crash``: the worker process died.

Usage (from the worktree root; ``PYTHONPATH`` chooses which ``helpers`` is probed)::

    PYTHONPATH=$PWD COURSE_PROFILE=fast .venv/bin/python -m tools.probe_inputs            # counts
    PYTHONPATH=$PWD .venv/bin/python -m tools.probe_inputs --list vague,silent              # and the cases

It takes a few minutes (it builds small Keras models once), so ``make test`` does not run it.
"""
from __future__ import annotations

import argparse
import json
import os
import selectors
import subprocess
import sys
import time
from collections import Counter

TIME_LIMIT = 20.0          # seconds per case: every valid call here takes well under one second
MEMORY_LIMIT = 12 * 2**30  # the worker's address space: a runaway allocation fails instead of swapping

NAN, INF = "float('nan')", "float('inf')"

# (family, argument at fault, code). The code is an expression evaluated in the worker's namespace;
# "check:" cases are right when the expression after "=>" is true of the result `r`.
CASES = [
    # ---- NaN and infinity where a finite number is needed --------------------------------------------
    ("nan", "seconds", f"training.TimeBudget({NAN})"),
    ("nan", "seconds", f"training.TimeBudget({INF})"),
    ("nan", "fraction", f"training.decay_factor({NAN})"),
    ("nan", "hold", f"training.decay_factor(0.5, hold={NAN})"),
    ("nan", "floor", f"training.DecayByTime(10, floor={NAN})"),
    ("nan", "max_norm", f"gradients.clip_by_norm(np.ones(3), {NAN})"),
    ("nan", "max_norm", f"gradients.clip_by_norm(np.ones(3), {INF})"),
    ("nan", "grad", "gradients.clip_by_norm(np.array([np.nan, 1.0]), 1.0)"),
    ("nan", "radius", f"gradients.random_recurrent_matrix(4, {NAN})"),
    ("nan", "input_scale", f"gradients.jacobian_norms(np.eye(3), 5, input_scale={NAN})"),
    ("nan", "W_hh", "gradients.jacobian_norms(np.full((3, 3), np.nan), 5)"),
    ("nan", "W", "gradients.spectral_radius(np.array([[np.inf]]))"),
    ("nan", "radii", f"gradients.norm_curves(radii=({NAN},), length=5, units=4)"),
    ("nan", "a", "gradients.activation('tanh', np.array([np.nan]))"),
    ("nan", "radius", f"numpy_rnn.init_params(3, 4, radius={NAN})"),
    ("nan", "radius", f"numpy_rnn.set_spectral_radius(np.eye(3), {INF})"),
    ("nan", "x_t", "numpy_rnn.rnn_step(np.full((2, 3), np.nan), np.zeros((2, 4)), P['W_xh'], P['W_hh'], P['b_h'])"),
    ("nan", "x", "numpy_rnn.rnn_forward(np.full((2, 5, 3), np.inf), P)"),
    ("nan", "h0", "numpy_rnn.rnn_forward(np.ones((2, 5, 3)), P, h0=np.full((2, 4), np.nan))"),
    ("nan", "logits", "numpy_rnn.softmax(np.array([1.0, np.nan]))"),
    ("nan", "ys", "numpy_rnn.sequence_loss(np.full((1, 2, 3), np.nan), np.zeros((1, 2), int))"),
    ("nan", "lr", f"numpy_rnn.train(RX, RT, P, lr={NAN}, steps=1)"),
    ("nan", "eps", f"numpy_rnn.numerical_gradient(lambda: 0.0, np.ones(2), eps={NAN})"),
    ("nan", "a", "numpy_rnn.relative_error([np.nan], [1.0])"),
    ("nan", "x_t", "lstm.lstm_step(np.full((1, 3), np.nan), np.zeros((1, 4)), np.zeros((1, 4)), LK, LRK, LB)"),
    ("nan", "kernel", "lstm.lstm_forward(np.ones((1, 2, 3)), LK * np.nan, LRK, LB)"),
    ("nan", "h_prev", "lstm.gru_step(np.ones((1, 3)), np.full((1, 4), np.inf), GK, GRK, GB)"),
    ("nan", "a", "lstm.sigmoid(np.array([np.nan]))"),
    ("nan", "x", "attention_numpy.softmax(np.array([np.nan, 1.0]))"),
    ("nan", "query", "attention_numpy.additive_weights(AQ * np.nan, AK, AWQ, AWK, AV)"),
    ("nan", "weights", "attention_numpy.context_vector(np.full((1, 1, 2), np.nan), np.ones((1, 2, 3)))"),
    ("nan", "log_probs", "attention_numpy.beam_step(np.zeros(2), np.full((2, 3), np.nan), 2)"),
    ("nan", "alpha", f"attention.beam_search(S2S, ['3 march 1987'], alpha={NAN})"),
    ("nan", "alpha", f"attention.beam_search(S2S, ['3 march 1987'], alpha={INF})"),
    ("nan", "learning_rate", f"attention.Seq2Seq(units=4, embed_dim=4, learning_rate={NAN})"),
    ("nan", "notes", "music.synthesize(np.array([[0, 1, np.nan]]))"),
    ("nan", "bpm", f"music.synthesize(np.array([[0, 1, 60.0]]), bpm={NAN})"),
    ("nan", "max_seconds", f"music.synthesize(np.array([[0, 1, 60.0]]), max_seconds={INF})"),
    ("nan", "temperature", f"music.check_temperature({NAN})"),
    ("nan", "valid_fraction", f"music.load_corpus(valid_fraction={NAN})"),
    ("nan", "learning_rate", f"music.build_model(10, embedding_dim=4, units=4, learning_rate={NAN})"),
    ("nan", "clipnorm", f"music.build_model(10, embedding_dim=4, units=4, clipnorm={INF})"),
    ("nan", "learning_rate", f"sentiment.train(SM, SX, SY, epochs=1, learning_rate={NAN})"),
    ("nan", "pair_share", f"datasets.reviews(10, pair_share={NAN})"),
    ("nan", "weight", f"plots.activation_curve({NAN})"),
    ("nan", "clipnorm", f"long_gap.build_model('GRU (gated)', 5, 2, units=4, clipnorm={NAN})"),
    ("nan", "clipnorm", f"gradients.clipping_run({NAN}, steps=1, units=4, batch_size=4, gap=2)"),
    ("nan", "accuracy", f"scorecard.Scorecard().add('m', 'word order', {NAN})"),
    ("nan", "final_lr_fraction", f"S2S.fit(DS, epochs=1, final_lr_fraction={NAN})"),

    # ---- a string where a list is expected ---------------------------------------------------------
    ("strings", "corpus", "text.Vocabulary.build('the food was good')"),
    ("strings", "tokens", "text.Vocabulary('abc')"),
    ("strings", "predictions", "attention.exact_match('1987-03-03', '1987-03-04')"),
    ("strings", "tokens_a", "plots.bag_comparison('good', 'bad')"),
    ("strings", "tricks", "long_gap.tricks_scorecard('GRU (gated)', gaps=(1,), verbose=False)"),
    ("strings", "gaps", "long_gap.tricks_scorecard(['GRU (gated)'], gaps='10', verbose=False)"),
    ("strings", "formats", "dates.generate_dates(3, formats='d/m/yy')"),
    ("strings", "exclude", "dates.generate_dates(3, exclude='1987-03-03')"),
    ("strings", "models", "scorecard.baseline_scorecard(models='bag of words')"),
    ("strings", "criteria", "scorecard.baseline_scorecard(models=['bag of words'], criteria='word order')"),
    ("strings", "words", "sentiment.embedding_projection(np.ones((len(VOC), 2)), VOC, 'good')"),
    ("strings", "texts", "sentiment.encode_texts('the food', VOC)"),
    ("strings", "texts", "sentiment.padding_sensitivity(SM, 'good food', [1], VOC, side='pre')"),
    ("strings", "sequences", "text.bag_of_words('abc', 10)"),
    ("strings", "sequences", "text.pad_sequences('abc')"),
    ("strings", "positions", "datasets.key_phrase(4, positions='01')"),
    ("strings", "words", "sentiment.plot_embedding(np.zeros((2, 2)), 'ab', ['x', 'y'])"),
    ("strings", "metrics", "training.LiveLoss(metrics='loss')"),
    ("strings", "names", "plots.bar_scores('ab', [0.5, 0.5])"),
    ("strings", "checks", "music.playable_rate('X:1\\nK:C\\nabc')"),
    ("strings", "checks", "music.bar_match_rate('X:1\\nK:C\\nabc')"),
    ("strings", "vocab", "music.vectorize('abc', 'abc')"),
    ("strings", "vocab", "music.sample_tunes(CM, ''.join(CV), n=1, max_chars=2)"),
    ("strings", "sizes", "scorecard.window_accuracies('24', TD, TD)"),
    ("strings", "radii", "gradients.norm_curves(radii='0.5', length=3, units=2)"),
    ("strings", "tokens", "plots.window_panel('the food was good', 2, {2: 0.5})"),
    ("strings", "lengths", "sentiment.padding_sensitivity(SM, ['good food'], [1], VOC, side='pre', lengths='16')"),
    ("strings", "targets", "attention.exact_match(['1987-03-03'], '1987-03-03')"),

    # ---- the argument actually at fault is named ---------------------------------------------------
    ("named", "batch_size", "sentiment.train(SM, SX, SY, epochs=1, batch_size=0)"),
    ("named", "batch_size", "music.random_batch(CIDS, 0, 5, np.random.default_rng(0))"),
    ("named", "min_count", "text.Vocabulary.build(['a b'], min_count=0)"),
    ("named", "min_count", "text.Vocabulary.build(['a b'], min_count=5)"),
    ("named", "max_tokens", "sentiment.token_trace(SM, VOC, 'good food', max_tokens=0)"),
    ("named", "vocab", "sentiment.token_trace(SM_BIG, VOC, 'good food')"),
    ("named", "vocab", "music.sample_tunes(CM, CV[:-1], n=1, max_chars=2)"),
    ("named", "data", "S2S.fit(dates.DateSet([], [], []), epochs=1)"),
    ("named", "texts", "attention.greedy_decode(S2S, dates.DateSet([], [], []))"),
    ("named", "units", "sentiment.build_model('bidirectional LSTM', 20, embedding_dim=4, units=1)"),
    ("named", "batch_size", "music.bits_per_char(CM, CIDS, batch_size=0)"),
    ("named", "x", "sentiment.predict_proba(SM, np.array([[1, 10_000]]))"),
    ("named", "ids", "music.unvectorize([0, 99], CV)"),
    ("named", "n_symbols", "numpy_rnn.echo_task(4, 5, 1, n_symbols=1)"),
    ("named", "noise_words", "dates.generate_dates(2, noise_words=(3, 1))"),
    ("named", "gap", "datasets.language_sentences(2, gap=(5, 2))"),
    ("named", "prefix", "music.sample_tunes(CM, CV, n=1, prefix='X:1\\n\\u00e9', max_chars=2)"),
    ("named", "y", "sentiment.accuracy(SM, SX, SY[:1])"),
    ("named", "predictions", "attention.exact_match(['a'], ['a', 'b'])"),
    ("named", "seq_len", "music.random_batch(CIDS, 2, 10_000, np.random.default_rng(0))"),

    # ---- values nothing checked -----------------------------------------------------------------------
    ("unchecked", "learning_rate", "music.build_model(10, embedding_dim=4, units=4, learning_rate=-1)"),
    ("unchecked", "clipnorm", "music.build_model(10, embedding_dim=4, units=4, clipnorm=-1)"),
    ("unchecked", "learning_rate", "long_gap.build_model('GRU (gated)', 5, 2, units=4, learning_rate=-0.1)"),
    ("unchecked", "clipnorm", "long_gap.build_model('GRU (gated)', 5, 2, units=4, clipnorm=0)"),
    ("unchecked", "learning_rate", "sentiment.train(SM, SX, SY, epochs=1, learning_rate=-1)"),
    ("unchecked", "x", "sentiment.predict_proba(SM, np.array([[-1, 2]]))"),
    ("unchecked", "ids", "text.one_hot(np.array([-1]), 5)"),
    ("unchecked", "ids", "music.bits_per_char(CM, np.array([0, -1, 2, 1]))"),
    ("unchecked", "batch_size", "music.bits_per_char(CM, CIDS, batch_size=-1)"),
    ("unchecked", "pair_share", "datasets.reviews(10, pair_share=1.5)"),
    ("unchecked", "pair_share", "datasets.reviews(10, pair_share=-0.5)"),
    ("unchecked", "dtype", "numpy_rnn.init_params(3, 4, 2, dtype=np.int64)"),
    ("unchecked", "mask", "attention_numpy.additive_weights(AQ, AK, AWQ, AWK, AV, mask=np.zeros((1, 5), bool))"),
    ("unchecked", "beam_width", "attention.beam_search(S2S, ['3 march 1987'], beam_width=0)"),
    ("unchecked", "beam_width", "attention.beam_search(S2S, ['3 march 1987'], beam_width=-2)"),
    ("unchecked", "beam_width", "attention_numpy.beam_step(np.zeros(2), np.zeros((2, 3)), 0)"),
    ("unchecked", "W_query", "attention_numpy.additive_weights(AQ, AK, np.ones((7, 2)), AWK, AV)"),
    ("unchecked", "values", "attention_numpy.context_vector(np.ones((1, 2, 3)), np.ones((1, 4, 5)))"),
    ("unchecked", "log_probs", "attention_numpy.beam_step(np.zeros(2), np.ones((3, 4)), 2)"),
    ("unchecked", "axis", "attention_numpy.softmax([1.0, 2.0], axis=3)"),
    ("unchecked", "accuracy", "scorecard.Scorecard().add('m', 'word order', 1.7)"),
    ("unchecked", "chance", "plots.bar_scores(['a'], [0.5], chance=2)"),
    ("unchecked", "notes", "music.synthesize(np.array([[-1, 1, 60.0]]))"),
    ("unchecked", "rate", "music.synthesize(np.array([[0, 1, 60.0]]), rate=10**9)"),
    ("unchecked", "radius", "gradients.random_recurrent_matrix(4, -1)"),
    ("unchecked", "mask", "numpy_rnn.masked_accuracy(RX, RT, P, mask=np.zeros(RT.shape))"),
    ("unchecked", "distractor", "datasets.language_sentences(2, distractor='yes')"),
    ("unchecked", "attention", "attention.Seq2Seq(units=4, embed_dim=4, attention='no')"),
    ("unchecked", "mask", "sentiment.build_model('LSTM', 20, embedding_dim=4, units=4, mask='no')"),
    ("unchecked", "correct", "attention.accuracy_by_length([1, 2], [0.3, 5], [0, 5])"),
    ("unchecked", "ids", "dates.decode_outputs(np.array([[0.5]]))"),
    ("unchecked", "pad_id", "text.last_window(np.ones((2, 3), int), 4, pad_id=-1)"),
    ("unchecked", "value", "text.pad_sequences([[1, 2]], value=-1)"),
    ("unchecked", "notes", "music.piano_roll(np.ones((2, 2)))"),
    ("unchecked", "min_notes", "music.check_tune('X:1\\nK:C\\nabc', min_notes=-1)"),
    ("unchecked", "window", "plots.WindowPanel(['a', 'b'], {1: 0.5}).update(0)"),

    # ---- sizes beyond the machine -------------------------------------------------------------------
    ("sizes", "n", "datasets.language_sentences(10**9)"),
    ("sizes", "gap", "datasets.language_sentences(10, gap=10**9)"),
    ("sizes", "n_pairs", "datasets.sentiment_pairs(10**9)"),
    ("sizes", "n", "datasets.reviews(10**9)"),
    ("sizes", "n", "datasets.key_phrase(10**9)"),
    ("sizes", "high", "datasets.variable_lengths(10, high=10**9)"),
    ("sizes", "vocab_size", "text.one_hot(np.arange(10), 10**9)"),
    ("sizes", "vocab_size", "text.bag_of_words([np.arange(3)] * 10, 10**9)"),
    ("sizes", "maxlen", "text.pad_sequences([np.arange(3)], maxlen=10**9)"),
    ("sizes", "window", "text.fixed_windows(np.arange(10), 10**9)"),
    ("sizes", "n_in", "numpy_rnn.init_params(10**6, 10**6)"),
    ("sizes", "n", "numpy_rnn.echo_task(10**9, 10, 1)"),
    ("sizes", "steps", "numpy_rnn.train(RX, RT, P, steps=10**9)"),
    ("sizes", "units", "gradients.random_recurrent_matrix(10**6, 1.0)"),
    ("sizes", "length", "gradients.jacobian_norms(np.eye(2), 10**9)"),
    ("sizes", "steps", "gradients.clipping_run(None, steps=10**9)"),
    ("sizes", "n", "long_gap.make_long_gap(10**9, 5)"),
    ("sizes", "gap", "long_gap.make_long_gap(10, 10**9)"),
    ("sizes", "vocab_size", "music.build_model(10**9)"),
    ("sizes", "batch_size", "music.random_batch(CIDS, 10**9, 5, np.random.default_rng(0))"),
    ("sizes", "n", "music.sample_tunes(CM, CV, n=10**9)"),
    ("sizes", "max_chars", "music.sample_tunes(CM, CV, n=1, max_chars=10**9)"),
    ("sizes", "max_seconds", "music.synthesize(np.array([[0, 1e9, 60.0]]), max_seconds=1e9)"),
    ("sizes", "n", "dates.generate_dates(10**9)"),
    ("sizes", "noise_words", "dates.generate_dates(2, noise_words=10**9)"),
    ("sizes", "vocab_size", "sentiment.build_model('LSTM', 10**9)"),
    ("sizes", "n_train", "sentiment.lesson_data(n_train=10**9)"),
    ("sizes", "n_train", "datasets.criterion_data('word order', n_train=10**9)"),
    ("sizes", "units", "attention.Seq2Seq(units=10**6)"),
    ("sizes", "beam_width", "attention.beam_search(S2S, ['3 march 1987'], beam_width=10**6)"),
    ("sizes", "units", "lstm.make_lstm_cell(10**7)"),
    ("sizes", "units", "cells.MinimalRNNCell(10**7)"),

    # ---- files users bring ---------------------------------------------------------------------------
    ("files", "check: r.info.get('encoding') == 'latin-1' and 'line 2' in r.info.get('note', '')",
     "sentiment.load_reviews_csv(write('latin1.csv', 'text,label\\ncaf\\u00e9 was good,1\\n'.encode('latin-1')))"),
    ("files", "check: r.texts == ['good food']",
     "sentiment.load_reviews_csv(write('bom.csv', b'\\xef\\xbb\\xbftext,label\\ngood food,1\\n'))"),
    ("files", "check: r.texts == ['good food']",
     "sentiment.load_reviews_csv(write('utf16.csv', 'text,label\\ngood food,1\\n'.encode('utf-16')))"),
    ("files", "nul.csv line 3",
     "sentiment.load_reviews_csv(write('nul.csv', b'text,label\\ngood,1\\nba\\x00d,0\\n'))"),
    ("files", "path", "sentiment.load_reviews_csv(TMP)"),
    ("files", "path", "sentiment.load_reviews_csv(None)"),
    ("files", "check: r.files == 1 and len(r.tunes) == 1", "music.load_corpus(abc_folder_with_subfolder())"),
    ("files", "check: len(r.tunes) == 1",
     "music.load_corpus(write('tune16.abc', TUNE.encode('utf-16')))"),
    ("files", "check: len(r.tunes) == 1",
     "music.load_corpus(write('tune16nobom.abc', TUNE.encode('utf-16-le')))"),
    ("files", "nul.abc line 3", "music.load_corpus(write('nul.abc', b'X:1\\nM:4/4\\nK:C\\x00\\nabc\\n'))"),
    ("files", "path", "music.load_corpus(123)"),

    # ---- ABC that music21 would misread --------------------------------------------------------------
    ("abc", "check: not r.playable and 'line 5' in r.reason and 'Zq9' in r.reason", "music.check_tune(tune(key='Zq9'))"),
    ("abc", "check: not r.playable and 'line 5' in r.reason", "music.check_tune(tune(key='Gq'))"),
    ("abc", "check: not r.playable and 'line 6' in r.reason", "music.check_tune(tune(body='C' + ',' * 27 + ' ' + 'cdef ' * 8))"),
    ("abc", "check: not r.playable and 'line 6' in r.reason", "music.check_tune(tune(body='c' + \"'\" * 12 + ' ' + 'cdef ' * 8))"),
    ("abc", "check: not r.playable and 'line 6' in r.reason", "music.check_tune(tune(body='@@@ ### $$$'))"),
    ("abc", "check: not r.playable and 'line' in r.reason", "music.check_tune('X:1\\nT:t\\nM:4/4\\nL:1/8\\nK:C\\n')"),
    ("abc", "check: not r.playable and 'line 3' in r.reason", "music.check_tune(tune(meter='3/0'))"),
    ("abc", "check: not r.playable and 'line 3' in r.reason", "music.check_tune(tune(meter='abc'))"),
    ("abc", "check: not r.playable and 'line 4' in r.reason", "music.check_tune(tune(length='1/0'))"),
    ("abc", "check: not r.playable and 'line 4' in r.reason", "music.check_tune(tune(length='x'))"),
    ("abc", "abc", "music.parse_abc(None)"),
    ("abc", "abc", "music.listen(123)"),
    ("abc", "raw", "music.normalise_tune(None)"),
    ("abc", "text", "music.split_tunes(None)"),

    # ---- security --------------------------------------------------------------------------------------
    ("security", "path", "sentiment.load_imdb_if_cached(pickle_bomb())"),
    ("security", "path", "sentiment.load_imdb_if_cached(write('garbage.npz', b'not a zip'))"),

    # ---- None or a wrong type at an entry point --------------------------------------------------------
    ("types", "model", "sentiment.predict_proba('model', SX)"),
    ("types", "model", "sentiment.predict_proba(None, SX)"),
    ("types", "model", "sentiment.token_trace('m', VOC, 'good')"),
    ("types", "vocab", "sentiment.token_trace(SM, 'vocab', 'good')"),
    ("types", "model", "music.sample_tunes('model', CV)"),
    ("types", "model", "music.sample_tunes(None, CV)"),
    ("types", "model", "music.bits_per_char([1, 2], CIDS)"),
    ("types", "model", "music.initial_states('m', 2)"),
    ("types", "model", "music.make_step(None)"),
    ("types", "seq2seq", "attention.greedy_decode('s2s', ['3 march 1987'])"),
    ("types", "seq2seq", "attention.beam_search(None, ['3 march 1987'])"),
    ("types", "seq2seq", "attention.attention_for('s2s', '3 march 1987', '1987-03-03')"),
    ("types", "data", "S2S.fit(['3 march 1987'], epochs=1)"),
    ("types", "vocab", "sentiment.encode_texts(['good'], 'vocab')"),
    ("types", "vocab", "sentiment.padded_batch(['good'], [1], 'vocab')"),
    ("types", "model", "sentiment.embedding_matrix('m')"),
    ("types", "model", "lstm.lstm_layer_weights(None)"),
    ("types", "model", "gradients.input_gradient_norms('m', np.ones((1, 2, 3)), [0])"),
    ("types", "model", "long_gap.accuracy('m', long_gap.make_long_gap(4, 2))"),
    ("types", "train", "scorecard.encode(['a'], ['b'])"),
    ("types", "builders", "sentiment.compare({'a': 1}, None, epochs=1)"),
    ("types", "params", "numpy_rnn.rnn_forward(np.ones((1, 2, 3)), None)"),
    ("types", "rnn_layer", "numpy_rnn.params_from_keras('layer')"),
    ("types", "cell", "cells.run_cell('cell', np.ones((1, 2, 3)))"),
    ("types", "rng", "music.random_batch(CIDS, 2, 3, 0)"),
    ("types", "batch_fn", "music.batch_dataset(CIDS, 2, 3, 1, batch_fn='f')"),
    ("types", "text", "text.tokenize(None)"),
    ("types", "text", "music.build_vocabulary(None)"),
    ("types", "texts", "dates.encode_inputs(None)"),
    ("types", "title", "training.LiveLoss(title=None)"),
    ("types", "rows", "sentiment.comparison_table('rows')"),
    ("types", "card", "long_gap.scorecard_table({'a': 'b'})"),
    ("types", "history", "plots.loss_curve([1, 2])"),
    ("types", "table", "plots.scorecard_plot({'m': {'c': 2.0}})"),
    ("types", "x", "numpy_rnn.rnn_forward(None, P)"),
    ("types", "grad", "gradients.clip_by_norm(None, 1.0)"),
]

# ---- the worker ------------------------------------------------------------------------------------------

SETUP = r'''
import os, sys, json, tempfile, resource, traceback
from pathlib import Path
os.environ.setdefault("COURSE_PROFILE", "fast")
import matplotlib
matplotlib.use("Agg")
import numpy as np
import helpers
from helpers import (text, datasets, training, gradients, numpy_rnn, lstm, attention, attention_numpy, dates,
                     sentiment, music, plots, long_gap, scorecard, cells)
import matplotlib.pyplot as plt

TMP = Path(tempfile.mkdtemp(prefix="probe_"))
TUNE = "X:1\nT:probe\nM:4/4\nL:1/8\nK:G\n" + "GABc dedB | " * 4 + "\n"


def write(name, data):
    path = TMP / name
    path.write_bytes(data)
    return path


def tune(key="G", meter="4/4", length="1/8", body="GABc dedB | " * 4):
    return f"X:1\nT:probe\nM:{meter}\nL:{length}\nK:{key}\n{body}\n"


def abc_folder_with_subfolder():
    folder = TMP / "corpus"
    (folder / "trap.abc").mkdir(parents=True, exist_ok=True)
    (folder / "tune.abc").write_text(TUNE, encoding="utf-8")
    return folder


class _Bomb:
    def __reduce__(self):
        return (os.system, (f"touch {TMP / 'PWNED'}",))


def pickle_bomb():
    path = TMP / "imdb.npz"
    ragged = np.array([[1, 2], _Bomb()] + [None], dtype=object)[:-1]
    np.savez(path, x_train=ragged, y_train=np.array([1, 0]), x_test=ragged, y_test=np.array([0, 1]))
    return path


# small fixtures, built once
P = numpy_rnn.init_params(3, 4, 3, seed=0)
RX, RT, _ = numpy_rnn.echo_task(8, 5, 1, n_symbols=3)
LK, LRK, LB = np.ones((3, 16)) * 0.1, np.ones((4, 16)) * 0.1, np.zeros(16)
GK, GRK, GB = np.ones((3, 12)) * 0.1, np.ones((4, 12)) * 0.1, np.zeros((2, 12))
AQ, AK = np.ones((1, 2, 3)), np.ones((1, 5, 4))
AWQ, AWK, AV = np.ones((3, 2)), np.ones((4, 2)), np.ones(2)
VOC = text.Vocabulary.build(["the food was good", "the food was bad"])
SM = sentiment.build_model("LSTM", len(VOC), embedding_dim=4, units=4)
SM_BIG = sentiment.build_model("LSTM", len(VOC) + 5, embedding_dim=4, units=4)
SX = sentiment.encode_texts(["the food was good", "the food was bad"], VOC)
SY = np.array([1, 0])
CV = music.build_vocabulary(TUNE)
CM = music.build_model(len(CV), embedding_dim=4, units=4)
CIDS = music.vectorize(TUNE, CV)
S2S = attention.Seq2Seq(units=4, embed_dim=4)
DS = dates.generate_dates(4, seed=0)
TD = datasets.sentiment_pairs(4)
'''


def _worker() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    report = os.fdopen(os.dup(1), "w")       # outcomes go here; what the functions print goes to stderr
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    namespace: dict = {}
    exec(SETUP, namespace)
    print(json.dumps({"ready": True}), file=report, flush=True)
    for line in sys.stdin:
        index = int(line)
        family, expected, code = CASES[index]
        out = {"index": index}
        try:
            result = eval(code, namespace)
            if expected.startswith("check:"):
                namespace["r"] = result
                out["outcome"] = "clear" if eval(expected[len("check:"):], namespace) else "silent"
            else:
                out["outcome"] = "silent"
            out["message"] = f"returned {type(result).__name__}"
        except BaseException as error:  # noqa: BLE001 - classifying every error is the point
            message = f"{type(error).__name__}: {error}"
            out["message"] = message[:400]
            out["outcome"] = "clear" if _is_clear(expected, message) else "vague"
        if family == "security" and (namespace["TMP"] / "PWNED").exists():
            out["outcome"], out["message"] = "silent", "the pickled payload ran"
        namespace["plt"].close("all")
        print(json.dumps(out), file=report, flush=True)


def _is_clear(expected: str, message: str) -> bool:
    if expected.startswith("check:"):
        return False
    if " line " in expected:   # "file line N"
        file, line = expected.split(" line ")
        named = file in message and f"line {line}" in message
    else:
        named = any(f"{q}{expected}{end}" in message for q in "'\"" for end in ("'", "["))   # 'x' or 'x[0]'
    return named and "expected" in message and "got" in message


class _Worker:
    def __init__(self):
        env = dict(os.environ, COURSE_PROFILE=os.environ.get("COURSE_PROFILE", "fast"))
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = self.read(600)
        if not ready or not ready.get("ready"):
            raise RuntimeError("the probe worker did not start")

    def read(self, timeout: float):
        if not self.selector.select(timeout):
            return None
        line = self.process.stdout.readline()
        return json.loads(line) if line else {"died": True}

    def run(self, index: int) -> dict:
        self.process.stdin.write(f"{index}\n")
        self.process.stdin.flush()
        out = self.read(TIME_LIMIT)
        if out is None:
            self.kill()
            return {"index": index, "outcome": "hang", "message": f"over {TIME_LIMIT:g} s"}
        if out.get("died"):
            self.process.wait()
            return {"index": index, "outcome": "crash", "message": f"worker exited with {self.process.returncode}"}
        return out

    def kill(self):
        self.process.kill()
        self.process.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--list", default="", help="print the cases with these outcomes, e.g. vague,silent")
    parser.add_argument("--family", default="", help="only these families, e.g. nan,strings")
    parser.add_argument("--json", default="", help="write every outcome to this file")
    args = parser.parse_args(argv)
    if args.worker:
        _worker()
        return 0
    families = set(filter(None, args.family.split(",")))
    chosen = [i for i, case in enumerate(CASES) if not families or case[0] in families]
    start = time.perf_counter()
    worker, results = _Worker(), []
    for index in chosen:
        if worker.process.poll() is not None:
            worker = _Worker()
        result = worker.run(index)
        results.append(result)
        if result["outcome"] in ("hang", "crash"):
            worker = _Worker()
    worker.kill()
    counts = Counter(r["outcome"] for r in results)
    by_family: dict[str, Counter] = {}
    for r in results:
        by_family.setdefault(CASES[r["index"]][0], Counter())[r["outcome"]] += 1
    shown = set(filter(None, args.list.split(",")))
    for r in results:
        if r["outcome"] in shown:
            family, expected, code = CASES[r["index"]]
            print(f"[{r['outcome']}] {family}: {code}\n    want {expected}; {r['message'][:300]}")
    outcomes = ("clear", "vague", "silent", "hang", "crash")
    print(f"{'family':<10}" + "".join(f"{o:>8}" for o in outcomes))
    for family, c in by_family.items():
        print(f"{family:<10}" + "".join(f"{c[o]:>8}" for o in outcomes))
    total = len(results)
    print(f"{'total':<10}" + "".join(f"{counts[o]:>8}" for o in outcomes))
    print(f"{total} bad calls of {len({CASES[r['index']][2].split('(')[0] for r in results})} public functions: "
          f"{counts['clear']} clear ({counts['clear'] / max(total, 1):.0%}), {counts['vague']} vague, "
          f"{counts['silent']} silent, {counts['hang']} hangs, {counts['crash']} crashes "
          f"({time.perf_counter() - start:.0f} s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump([{**r, "case": CASES[r["index"]]} for r in results], handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
