"""Bad input to helpers.music (corpus, model, ABC, audio): one row per family of issue 14."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import music
from tests.validation_utils import assert_clear

TUNE = "X:1\nT:t\nM:4/4\nL:1/8\nK:G\n" + "GABc dedB | " * 4 + "\n"
NAN = float("nan")


@pytest.fixture(scope="module")
def char():
    vocab = music.build_vocabulary(TUNE)
    return vocab, music.build_model(len(vocab), embedding_dim=4, units=4), music.vectorize(TUNE, vocab)


ROWS = [
    ("nan", lambda c: music.synthesize(np.array([[0, 1, NAN]])), ValueError, "notes", "finite numbers", "nan"),
    ("nan", lambda c: music.check_temperature(NAN), ValueError, "temperature", "(0, 10]", "nan"),
    ("nan", lambda c: music.build_model(5, 2, 2, learning_rate=NAN), ValueError, "learning_rate", "finite", "nan"),
    ("strings", lambda c: music.sample_tunes(c[1], "".join(c[0]), max_chars=2), TypeError, "vocab",
     "a list of characters", "the string"),
    ("strings", lambda c: music.playable_rate("X:1\nK:C\nabc"), TypeError, "checks", "a list of TuneCheck", "str"),
    ("named", lambda c: music.sample_tunes(c[1], c[0][:-1], max_chars=2), ValueError, "vocab",
     f"a vocabulary of {len(music.build_vocabulary(TUNE))} entries", f"{len(music.build_vocabulary(TUNE)) - 1} entries"),
    ("named", lambda c: music.sample_tunes(c[1], c[0], prefix="X:1\n\u00e9", max_chars=2), ValueError, "prefix",
     "characters of the vocabulary", "'\u00e9'"),
    ("unchecked", lambda c: music.build_model(5, 2, 2, learning_rate=-1), ValueError, "learning_rate", "> 0", "-1"),
    ("unchecked", lambda c: music.build_model(5, 2, 2, clipnorm=-1), ValueError, "clipnorm", "> 0", "-1"),
    ("unchecked", lambda c: music.bits_per_char(c[1], c[2], batch_size=-1), ValueError, "batch_size", ">= 1", "-1"),
    ("unchecked", lambda c: music.bits_per_char(c[1], np.array([0, -1, 2])), ValueError, "ids", "ids in [0,",
     "-1 at index 1"),
    ("sizes", lambda c: music.sample_tunes(c[1], c[0], n=10**9), ValueError, "n", "<= 10,000", "1,000,000,000"),
    ("sizes", lambda c: music.random_batch(c[2], 10**9, 5, np.random.default_rng(0)), ValueError, "batch_size",
     "<= 1,000,000", "1,000,000,000"),
    ("types", lambda c: music.sample_tunes("model", c[0]), TypeError, "model", "a Keras model", "str 'model'"),
    ("types", lambda c: music.bits_per_char(None, c[2]), TypeError, "model", "a Keras model", "NoneType"),
    ("types", lambda c: music.random_batch(c[2], 2, 3, 0), TypeError, "rng", "a numpy Generator", "int 0"),
]


@pytest.mark.parametrize("family, call, error, name, expected, got", ROWS, ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_bad_arguments_get_clear_messages(char, family, call, error, name, expected, got):
    assert_clear(lambda: call(char), error, name, expected, got)


def _tune(key="G", meter="4/4", length="1/8", body="GABc dedB | " * 4):
    return f"X:1\nT:t\nM:{meter}\nL:{length}\nK:{key}\n{body}\n"


@pytest.mark.parametrize("abc, line, expected, got", [
    (_tune(key="Zq9"), "line 5", "expected a key", "got 'Zq9'"),
    (_tune(key="Gq"), "line 5", "expected a mode", "got 'Gq'"),
    (_tune(meter="3/0"), "line 3", "expected a meter", "got '3/0'"),
    (_tune(length="1/0"), "line 4", "expected a unit note length", "got '1/0'"),
    (_tune(body="C" + "," * 27 + " cdef"), "line 6", "expected at most 4 octave marks", "got 27"),
    (_tune(body="@@@ ### $$$"), "line 6", "expected notes", "got none"),
])
def test_abc_a_tune_music21_would_misread_is_not_playable_and_the_reason_names_the_line(abc, line, expected, got):
    check = music.check_tune(abc)
    assert not check.playable
    assert line in check.reason and expected in check.reason and got in check.reason, check.reason


def test_abc_valid_tunes_of_the_corpus_still_play():
    assert music.check_tune(_tune()).playable
    assert music.check_tune(_tune(key="Ador", meter="C|", length="1/16")).playable
    for key in ("Bb", "F#m", "Dmix", "D mix", "Ebmaj", "none"):   # a flat tonic is not a mode
        music.check_abc_lines(_tune(key=key))


def test_files_utf16_bom_subfolders_and_nul_bytes(tmp_path):
    (tmp_path / "trap.abc").mkdir()                                  # a folder named like a file: skipped
    (tmp_path / "a.abc").write_bytes(TUNE.encode("utf-16"))          # UTF-16 with a byte-order mark
    (tmp_path / "b.abc").write_bytes(b"\xef\xbb\xbf" + TUNE.encode())  # UTF-8 with a byte-order mark
    corpus = music.load_corpus(tmp_path)
    assert corpus.files == 2 and len(corpus.tunes) == 2
    bad = tmp_path / "nul.abc"
    bad.write_bytes(b"X:1\nM:4/4\nK:C\x00\nabc\n")
    assert_clear(lambda: music.load_corpus(bad), ValueError, "nul.abc line 3", "text", "a NUL byte")


def test_latin1_file_is_read_with_a_note(tmp_path):
    path = tmp_path / "old.abc"
    path.write_bytes(TUNE.replace("T:t", "T:Caf\u00e9").encode("latin-1"))
    corpus = music.load_corpus(path)
    assert "T:Caf\u00e9" in corpus.tunes[0] and "line 2" in corpus.notes[0] and "Latin-1" in corpus.notes[0]


def test_music_keeps_its_public_names_after_the_split():
    for name in music.__all__:
        assert hasattr(music, name), name
    assert music.check_tune.__module__ == "helpers.music_checks"


def test_min_chars_above_max_chars_is_allowed_and_a_negative_one_is_not(char):
    vocab, model, _ = char
    tunes, _ = music.sample_tunes(model, vocab, n=1, max_chars=3, min_chars=120)   # lesson 07's fast profile
    assert len(tunes) == 1
    assert_clear(lambda: music.sample_tunes(model, vocab, max_chars=3, min_chars=-1), ValueError, "min_chars",
                 "in [0, ", "-1")
