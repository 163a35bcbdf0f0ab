"""Music generation with a character-level RNN over ABC notation (lesson 07).

The pipeline, one function per step::

    corpus = load_corpus()                      # O'Neill's 1850 collection, shipped with music21
    vocab = build_vocabulary(corpus.train_text)  # sorted characters
    ids = vectorize(corpus.train_text, vocab)    # (time,) int
    x, y = random_batch(ids, 64, 100, rng)       # (batch, time) inputs and next-character targets
    model = build_model(len(vocab))              # Embedding -> LSTM/GRU -> Dense, logits (batch, time, V)
    tunes, _ = sample_tunes(model, vocab, n=64, temperature=0.8, seed=0)   # many tunes in one batch
    check = check_tune(tunes[0])                 # music21 parse: key, meter, notes, bar durations
    listen(tunes[0])                             # numpy-synthesised audio, or a clear message

Shapes: ``batch`` examples, ``time`` characters, ``V`` the vocabulary size, ``units`` the
recurrent state size. Nothing here reaches the network or calls system audio tools.

The code lives in one module per concept, and this module gathers their public names:

* :mod:`helpers.music_corpus`: ABC files → normalised tunes → character ids → batches;
* :mod:`helpers.music_model`: the model, sampling, bits per character;
* :mod:`helpers.music_abc`: header checks and the music21 parse (errors name the line);
* :mod:`helpers.music_checks`: is a tune playable, do its bars fit the meter;
* :mod:`helpers.music_audio`: synthesis, the notebook player, the piano roll.
"""
from __future__ import annotations

from .music_abc import AbcError, check_abc_lines, parse_abc
from .music_audio import listen, piano_roll, synthesize
from .music_checks import MIN_NOTES, MIDI_RANGE, TuneCheck, bar_match_rate, check_tune, playable_rate
from .music_corpus import (KEEP_HEADERS, START, TUNE_END, Corpus, batch_dataset, build_vocabulary,
                           check_vocabulary, default_corpus_dir, load_corpus, normalise_tune, random_batch,
                           split_tunes, unvectorize, vectorize)
from .music_model import (MAX_TEMPERATURE, bits_per_char, build_model, check_char_model, check_temperature,
                          initial_states, make_step, sample_tunes)

__all__ = ["KEEP_HEADERS", "TUNE_END", "START", "default_corpus_dir", "Corpus", "normalise_tune",
           "split_tunes", "load_corpus", "build_vocabulary", "vectorize", "unvectorize", "random_batch",
           "batch_dataset", "build_model", "make_step", "initial_states", "check_temperature",
           "sample_tunes", "bits_per_char", "AbcError", "parse_abc", "TuneCheck", "check_tune",
           "playable_rate", "bar_match_rate", "synthesize", "listen", "piano_roll",
           "check_vocabulary", "check_char_model", "check_abc_lines", "MIN_NOTES", "MIDI_RANGE", "MAX_TEMPERATURE"]
