"""Bad input to helpers.sentiment: one row per family of issue 14, user CSV files, and IMDB without pickle."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import sentiment, text
from tests.validation_utils import assert_clear

NAN = float("nan")


@pytest.fixture(scope="module")
def setup():
    vocab = text.Vocabulary.build(["the food was good", "the food was bad"])
    model = sentiment.build_model("LSTM", len(vocab), embedding_dim=4, units=4)
    bigger = sentiment.build_model("LSTM", len(vocab) + 3, embedding_dim=4, units=4)
    x = sentiment.encode_texts(["the food was good", "the food was bad"], vocab)
    return vocab, model, bigger, x, np.array([1, 0])


ROWS = [
    ("nan", lambda s: sentiment.train(s[1], s[3], s[4], epochs=1, learning_rate=NAN), ValueError, "learning_rate",
     "finite number", "nan"),
    ("strings", lambda s: sentiment.encode_texts("the food", s[0]), TypeError, "texts", "a list of reviews",
     "'the food'"),
    ("strings", lambda s: sentiment.embedding_projection(np.ones((len(s[0]), 2)), s[0], "good"), TypeError, "words",
     "a list of words", "'good'"),
    ("named", lambda s: sentiment.train(s[1], s[3], s[4], epochs=1, batch_size=0), ValueError, "batch_size", ">= 1",
     "0"),
    ("named", lambda s: sentiment.token_trace(s[1], s[0], "good food", max_tokens=0), ValueError, "max_tokens",
     ">= 1", "0"),
    ("named", lambda s: sentiment.token_trace(s[2], s[0], "good food"), ValueError, "vocab", "a vocabulary of",
     "entries"),
    ("named", lambda s: sentiment.build_model("bidirectional LSTM", 20, units=1), ValueError, "units", ">= 2",
     "1"),
    ("unchecked", lambda s: sentiment.train(s[1], s[3], s[4], epochs=1, learning_rate=-1), ValueError,
     "learning_rate", "> 0", "-1"),
    ("unchecked", lambda s: sentiment.predict_proba(s[1], np.array([[-1, 2]])), ValueError, "x", "ids in [0,",
     "-1 at index (0, 0)"),
    ("unchecked", lambda s: sentiment.build_model("LSTM", 20, mask="no"), TypeError, "mask", "True or False",
     "str 'no'"),
    ("sizes", lambda s: sentiment.build_model("LSTM", 10**9), ValueError, "vocab_size", "<= 1,000,000",
     "1,000,000,000"),
    ("types", lambda s: sentiment.predict_proba("model", s[3]), TypeError, "model", "a Keras model", "str 'model'"),
    ("types", lambda s: sentiment.token_trace(s[1], "vocab", "good"), TypeError, "vocab", "a helpers.text.Vocabulary",
     "str 'vocab'"),
    ("types", lambda s: sentiment.compare({"a": 1}, None, epochs=1), TypeError, "builders", "a function for 'a'",
     "int"),
]


@pytest.mark.parametrize("family, call, error, name, expected, got", ROWS, ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_bad_arguments_get_clear_messages(setup, family, call, error, name, expected, got):
    assert_clear(lambda: call(setup), error, name, expected, got)


@pytest.mark.parametrize("data, encoding", [
    (b"\xef\xbb\xbftext,label\ngood food,1\n", "utf-8"),              # "CSV UTF-8" from a spreadsheet
    ("text,label\ngood food,1\n".encode("utf-16"), "utf-16-le"),
    ("text,label\r\ngood food,1\r\n".encode("utf-8"), "utf-8"),
])
def test_reviews_csv_in_each_encoding_is_read(tmp_path, data, encoding):
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    loaded = sentiment.load_reviews_csv(path)
    assert loaded.texts == ["good food"] and loaded.labels.tolist() == [1] and loaded.info["encoding"] == encoding


def test_reviews_csv_latin1_is_read_with_a_note_and_nul_bytes_are_refused(tmp_path, capsys):
    path = tmp_path / "old.csv"
    path.write_bytes("text,label\ncaf\u00e9 was good,1\n".encode("latin-1"))
    loaded = sentiment.load_reviews_csv(path)
    assert loaded.texts == ["caf\u00e9 was good"] and "line 2" in loaded.info["note"]
    assert "Latin-1" in capsys.readouterr().out
    path.write_bytes(b"text,label\ngood,1\nba\x00d,0\n")
    assert_clear(lambda: sentiment.load_reviews_csv(path), ValueError, "old.csv line 3", "text", "a NUL byte")
    assert_clear(lambda: sentiment.load_reviews_csv(None), TypeError, "path", "a path", "NoneType")


def test_imdb_archive_round_trip_without_pickle(tmp_path):
    path = sentiment.save_imdb_arrays(tmp_path / "imdb.npz", {"train": ([[1, 2], [3]], [1, 0]), "test": ([[2]], [1])})
    with np.load(path, allow_pickle=False) as archive:   # plain integer arrays only
        assert all(archive[k].dtype == np.int64 for k in archive.files)
    parts = sentiment.load_imdb_if_cached(path, n_train=2, n_test=1, num_words=10, maxlen=3)
    assert parts["x_test"].tolist() == [[0, 0, 3]]


def test_imdb_garbage_file_names_the_path(tmp_path):
    path = tmp_path / "imdb.npz"
    path.write_bytes(b"not a zip")
    assert_clear(lambda: sentiment.load_imdb_if_cached(path), ValueError, "path", "a NumPy .npz archive",
                 "cannot be read")
