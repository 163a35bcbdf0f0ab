import numpy as np
import pytest

from helpers import text


def test_tokenize():
    assert text.tokenize("The food was GOOD, not bad!") == ["the", "food", "was", "good", ",", "not", "bad", "!"]
    for empty in ("", "   "):
        with pytest.raises(ValueError, match="'text'.*non-empty"):
            text.tokenize(empty)
    with pytest.raises(TypeError, match="'text'.*string"):
        text.tokenize(3)


def test_accented_letters_stay_inside_words():
    """Everyday reviews have cafés and naïve plots: a word is one token in any script (it was "caf" + "é")."""
    assert text.tokenize("A naïve café, très bien; Ünïcode don't") == [
        "a", "naïve", "café", ",", "très", "bien", ";", "ünïcode", "don't"]
    assert text.tokenize("well-made_film…") == ["well", "-", "made", "_", "film", "…"]


def test_vocabulary_roundtrip_and_unknown():
    vocab = text.Vocabulary.build(["b a b", "c b"])
    assert vocab.itos[:3] == ["<pad>", "<unk>", "b"]
    ids = vocab.encode("a b c")
    assert vocab.decode(ids) == ["a", "b", "c"]
    assert vocab.encode("a zebra")[1] == vocab.unk_id
    with pytest.raises(ValueError, match="'zebra' at position 1 is not in the vocabulary"):
        vocab.encode("a zebra", unknown="error")
    with pytest.raises(ValueError, match="empty corpus"):
        text.Vocabulary.build([])
    with pytest.raises(ValueError, match=r"ids in \[0, 4\].*got 9"):
        vocab.decode(np.array([9]))


def test_one_hot():
    out = text.one_hot(np.array([[0, 2]]), 3)
    assert out.shape == (1, 2, 3) and out.dtype == np.float32
    assert np.array_equal(out[0], [[1, 0, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match=r"'ids'.*\[0, 2\].*\[0, 3\]"):
        text.one_hot(np.array([0, 3]), 3)
    with pytest.raises(TypeError, match="'ids'.*int dtype.*float"):
        text.one_hot(np.array([0.5]), 3)


def test_fixed_windows():
    x, y = text.fixed_windows(np.array([5, 6, 7, 8]), 2)
    assert np.array_equal(x, [[5, 6], [6, 7]]) and np.array_equal(y, [7, 8])
    with pytest.raises(ValueError, match=r"'window'.*shorter than the sequence \(< 4 tokens\), got 4"):
        text.fixed_windows(np.array([5, 6, 7, 8]), 4)
    with pytest.raises(ValueError, match=r"'ids': expected shape"):
        text.fixed_windows(np.zeros((2, 3), dtype=int), 1)


def test_window_features_keep_position():
    f = text.window_features(np.array([[1, 2], [2, 1]]), 3)
    assert f.shape == (2, 6)
    assert not np.array_equal(f[0], f[1])


def test_bag_of_words_ignores_order_and_padding():
    bags = text.bag_of_words(np.array([[0, 1, 2, 2], [0, 2, 1, 2]]), 3)
    assert np.array_equal(bags[0], bags[1]) and bags[0, 0] == 0 and bags[0, 2] == 2
    with pytest.raises(ValueError, match="at least one sequence"):
        text.bag_of_words([], 3)


def test_pad_sequences_and_last_window():
    padded = text.pad_sequences([np.array([1, 2]), np.array([3, 4, 5])], side="pre")
    assert np.array_equal(padded, [[0, 1, 2], [3, 4, 5]])
    assert np.array_equal(text.pad_sequences([np.array([1, 2, 3])], 2, side="post"), [[1, 2]])
    assert np.array_equal(text.last_window(np.array([[1, 2, 3]]), 5), [[0, 0, 1, 2, 3]])
    with pytest.raises(ValueError, match="'side'.*'middle'"):
        text.pad_sequences([np.array([1])], side="middle")
