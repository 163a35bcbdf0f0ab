"""helpers.sentiment: encoding, masks, models, traces, projections and loaders (lesson 08)."""
import keras
import numpy as np
import pytest

from helpers import datasets, sentiment, text, widgets_sentiment


@pytest.fixture(scope="module")
def vocab():
    return text.Vocabulary.build(datasets.reviews(300, seed=0).texts)


def _model(kind, vocab, seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    return sentiment.build_model(kind, len(vocab), embedding_dim=6, units=4, **kwargs)


# ---- data -------------------------------------------------------------------------------------

def test_lesson_data_keeps_test_sentences_out_of_training():
    data = sentiment.lesson_data(300, 200)
    assert not set(data.pairs.texts) & set(data.train.texts)
    assert not set(data.broad.texts) & set(data.train.texts)
    assert data.x_train.shape == (len(data.train), data.maxlen) and data.x_train.dtype == np.int32
    assert data.x_pairs.shape == (400, data.maxlen)
    assert data.x_everyday.shape == (88, data.maxlen) and data.y_everyday.tolist() == data.everyday.labels.tolist()
    assert data.x_negation.shape == (60, data.maxlen) and data.y_negation.tolist() == data.negation.labels.tolist()
    assert data.negation.texts[0].startswith("Never a dull moment")
    assert (data.x_train[:, -1] != 0).all()  # padded at the front: the last step is a word


def test_lesson_data_mixes_pairs_and_hides_some_tokens():
    data = sentiment.lesson_data(1000, 100, pair_share=0.2, unknown_rate=0.05)
    pair_texts = set(datasets.sentiment_pairs(100, seed=10_000).texts)
    assert 150 <= sum(t in pair_texts for t in data.train.texts) <= 200   # a fifth, minus the probe set's
    hidden = data.info["training tokens hidden as <unk>"]
    real = int((data.x_train != 0).sum())
    assert 0.03 < hidden / real < 0.07 and (data.x_train == 1).sum() >= hidden
    clean = sentiment.lesson_data(1000, 100, pair_share=0.0, unknown_rate=0.0)
    assert clean.info["training tokens hidden as <unk>"] == 0
    assert not any(t in pair_texts for t in clean.train.texts)


def test_padded_batch_pre_pads_and_masks(vocab):
    ids, mask, y = sentiment.padded_batch(["the food was good", "bad"], [1, 0], vocab)
    assert ids.shape == (2, 4) and ids[1, :3].tolist() == [0, 0, 0]
    assert mask.dtype == bool and mask.tolist()[1] == [False, False, False, True]
    assert y.dtype == np.float32 and y.tolist() == [1.0, 0.0]
    cut, _, _ = sentiment.padded_batch(["the food was good"], [1], vocab, maxlen=2)
    assert cut[0].tolist() == vocab.encode("was good").tolist()


@pytest.mark.parametrize("texts, labels, word", [
    (["good", ""], [1, 0], "row 1"),
    ([], [], "non-empty"),
    (["good", "bad"], [1, 2], "0 (negative) or 1"),
    (["good", "bad"], [1], "one label per review"),
])
def test_padded_batch_bad_input(vocab, texts, labels, word):
    with pytest.raises(ValueError, match=None) as info:
        sentiment.padded_batch(texts, labels, vocab)
    assert word in str(info.value)


# ---- models ----------------------------------------------------------------------------------

def test_word_counts_equal_bag_of_words(vocab):
    ids = sentiment.encode_texts(["the food was good , not bad", "bad"], vocab)
    got = np.asarray(sentiment.WordCounts(len(vocab))(ids))
    np.testing.assert_array_equal(got, text.bag_of_words(ids.astype(np.int64), len(vocab)))


def test_bag_of_words_is_exactly_half_right_on_whole_pairs(vocab):
    pairs = datasets.sentiment_pairs(40, seed=3)
    model = _model("bag of words", vocab)
    model.layers[-1].set_weights([np.random.default_rng(0).normal(size=(len(vocab), 1)).astype("float32"),
                                  np.zeros(1, "float32")])
    assert sentiment.accuracy(model, sentiment.encode_texts(pairs.texts, vocab), pairs.labels) == 0.5


@pytest.mark.parametrize("kind", sentiment.MODEL_KINDS)
def test_masked_models_ignore_padding_amount_and_side(vocab, kind):
    model = _model(kind, vocab)
    reviews = ["the food was good , not bad at all", "bad"]
    base = sentiment.predict_proba(model, sentiment.encode_texts(reviews, vocab))
    for length, side in [(20, "pre"), (20, "post"), (40, "pre")]:
        other = sentiment.predict_proba(model, sentiment.encode_texts(reviews, vocab, length, side=side))
        np.testing.assert_allclose(other, base, atol=1e-6)


def test_unmasked_model_reads_padding(vocab):
    model = _model("SimpleRNN", vocab, mask=False)
    result = sentiment.padding_sensitivity(model, ["the food was good"] * 2, [1, 1], vocab, side="post",
                                           lengths=(4, 30))
    assert result["max_change"] > 1e-4
    assert set(result["accuracy"]) == {4, 30}


def test_parameter_counts_match_formulas(vocab):
    v, e, u = len(vocab), 6, 4
    assert _model("bag of words", vocab).count_params() == v + 1
    assert _model("SimpleRNN", vocab).count_params() == v * e + (e * u + u * u + u) + u + 1
    assert _model("LSTM", vocab).count_params() == v * e + 4 * (e * u + u * u + u) + u + 1
    h = u // 2
    assert _model("bidirectional LSTM", vocab).count_params() == v * e + 2 * 4 * (e * h + h * h + h) + u + 1


def test_compare_and_table(vocab):
    data = sentiment.lesson_data(200, 100)
    rows, models = sentiment.compare({"bag of words": lambda v: sentiment.build_model("bag of words", v)}, data,
                                     epochs=1)
    assert rows[0]["pairs"] == 0.5 and rows[0]["parameters"] == len(data.vocab) + 1
    assert 0 <= rows[0]["everyday"] <= 1 and 0 <= rows[0]["negation"] <= 1
    table = sentiment.comparison_table(rows)
    assert "minimal pairs" in table and "50.0%" in table and "everyday (hand)" in table and "negation (hand)" in table
    no_everyday = [{k: v for k, v in rows[0].items() if k not in ("everyday", "negation")}]
    assert "everyday" not in sentiment.comparison_table(no_everyday)
    assert "negation" not in sentiment.comparison_table(no_everyday)
    with pytest.raises(ValueError, match="at least one row"):
        sentiment.comparison_table([])


def test_train_rejects_bad_labels(vocab):
    with pytest.raises(ValueError, match="0 \\(negative\\) or 1"):
        sentiment.train(_model("LSTM", vocab), np.ones((3, 4), "int32"), [0, 1, 3], epochs=1)


# ---- embeddings --------------------------------------------------------------------------------

def test_embedding_projection_is_pca(vocab):
    weights = np.random.default_rng(1).normal(size=(len(vocab), 5))
    words = ["good", "bad", "great", "awful", "food"]
    coords, explained = sentiment.embedding_projection(weights, vocab, words)
    vectors = weights[[vocab.stoi[w] for w in words]]
    centred = vectors - vectors.mean(0)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(centred.T))
    top = eigenvectors[:, ::-1][:, :2]
    np.testing.assert_allclose(np.abs(coords), np.abs(centred @ top), atol=1e-8)
    assert explained[0] >= explained[1] > 0
    with pytest.raises(ValueError, match="not in the vocabulary"):
        sentiment.embedding_projection(weights, vocab, ["good", "zebra"])
    with pytest.raises(ValueError, match="rows"):
        sentiment.embedding_projection(weights[:5], vocab, words)
    fig = sentiment.plot_embedding(coords, words, ["positive", "negative", "positive", "negative", "other"],
                                   explained=explained)
    assert fig.axes


def test_embedding_matrix_needs_an_embedding(vocab):
    assert sentiment.embedding_matrix(_model("LSTM", vocab)).shape == (len(vocab), 6)
    with pytest.raises(ValueError, match="Embedding"):
        sentiment.embedding_matrix(_model("bag of words", vocab))


# ---- token trace ----------------------------------------------------------------------------------

def test_token_trace_matches_prefix_predictions(vocab):
    model = _model("LSTM", vocab)
    review = "the food was not good , it was bland"
    trace = sentiment.token_trace(model, vocab, review)
    assert trace.tokens == text.tokenize(review)
    full = sentiment.predict_proba(model, sentiment.encode_texts([review], vocab))[0]
    assert trace.probabilities[-1] == pytest.approx(full, abs=1e-6)
    third = sentiment.predict_proba(model, sentiment.encode_texts(["the food was"], vocab))[0]
    assert trace.probabilities[2] == pytest.approx(third, abs=1e-6)
    np.testing.assert_allclose(np.cumsum(trace.deltas) + trace.start, trace.probabilities, atol=1e-6)
    assert len(trace.movers(3)) == 3
    assert sentiment.plot_token_trace(trace).axes


def test_token_trace_flags_unknown_words(vocab):
    model = _model("LSTM", vocab)
    trace = sentiment.token_trace(model, vocab, "the zebra was good")
    assert trace.known.tolist() == [True, False, True, True]
    line = widgets_sentiment.describe(trace)
    assert "never seen in training (25% of the tokens): 'zebra'" in line and "<unk>" in line
    known = widgets_sentiment.describe(sentiment.token_trace(model, vocab, "the food was good"))
    assert "never seen" not in known                       # the negative case: nothing to flag
    fig = sentiment.plot_token_trace(trace)
    ticks = {t.get_text(): t for t in fig.axes[1].get_xticklabels()}
    assert ticks["zebra\n(unknown)"].get_color() == "#d1495b" and ticks["good"].get_color() != "#d1495b"


def test_token_trace_panel_redraws_like_a_fresh_figure():
    """The explorer keeps one figure: after a long review with unknown words, a short one draws what a new
    figure draws, pixel for pixel, with no bar, band or red tick left over."""
    import io

    import matplotlib.pyplot as plt

    from helpers import figures

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        return buffer.getvalue()

    rng = np.random.default_rng(0)
    long = sentiment.TokenTrace("the zebra was not good but the quokka was fine today".split(),
                                np.array([1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1], bool), 0.5, rng.random(11))
    short = sentiment.TokenTrace(["good", "food"], np.array([True, True]), 0.4, np.array([0.7, 0.9]))
    panel = sentiment.TokenTracePanel()
    panel.update(long, title="long")
    kept = panel.update(short)
    fresh = sentiment.plot_token_trace(short)
    assert kept is panel.fig and png(kept) == png(fresh)
    assert figures.description(kept) == figures.description(fresh)
    assert all(t.get_color() == "black" for t in kept.axes[1].get_xticklabels())
    plt.close("all")


@pytest.mark.parametrize("review, word", [("", "non-empty"), ("   ", "non-empty"),
                                          ("zebra quokka", "none of its words")])
def test_token_trace_bad_input(vocab, review, word):
    with pytest.raises(ValueError) as info:
        sentiment.token_trace(_model("LSTM", vocab), vocab, review)
    assert word in str(info.value)


def test_a_long_review_is_read_up_to_the_limit_and_says_so(vocab):
    model = _model("LSTM", vocab)
    review = "the food was good , " * 14 + "but the service was slow"         # 75 tokens
    trace = sentiment.token_trace(model, vocab, review, max_tokens=60)
    assert trace.tokens == text.tokenize(review)[:60] and trace.left_out == 15 and len(trace.probabilities) == 60
    first = sentiment.predict_proba(model, sentiment.encode_texts([" ".join(trace.tokens)], vocab))[0]
    assert trace.probabilities[-1] == pytest.approx(first, abs=1e-6)    # what it reads is the first 60
    line, fig = widgets_sentiment.review_report(model, vocab, review)
    assert "read the first 60 tokens of 75" in line and "the last 15 were left out" in line and fig is not None
    short, _ = widgets_sentiment.review_report(model, vocab, "the food was good")
    assert "left out" not in short                                      # the negative case: nothing to say


def test_an_emoji_is_drawn_by_name_without_a_font_warning(vocab):
    import warnings

    model = _model("LSTM", vocab)
    trace = sentiment.token_trace(model, vocab, "the food was good 🙂👍🏽")
    fig = sentiment.plot_token_trace(trace)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                   # "Glyph ... missing from font(s)"
        fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert "[slightly smiling face]\n(unknown)" in labels and "good" in labels
    assert "[thumbs up sign]\n(unknown)" in labels


def test_widget_builds_and_reports_bad_text(vocab):
    model = _model("LSTM", vocab)
    box = widgets_sentiment.review_explorer({"LSTM": model}, vocab, review="good")
    box.children[1].value = "zebra"  # the callback runs without raising
    line, fig = widgets_sentiment.review_report(model, vocab, "zebra")
    assert "none of its words" in line and fig is None
    line, fig = widgets_sentiment.review_report(model, vocab, "", "LSTM")
    assert "non-empty" in line and fig is None
    line, fig = widgets_sentiment.review_report(model, vocab, "the food was good", "LSTM")
    assert line.startswith("P(positive)") and fig.axes
    with pytest.raises(ValueError, match="at least one"):
        widgets_sentiment.review_explorer({}, vocab)


# ---- loaders ----------------------------------------------------------------------------------------

def test_load_reviews_csv(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text('text,label\n"good, not bad",1\nawful,0\nfine,positive\n', encoding="utf-8")
    data = sentiment.load_reviews_csv(path)
    assert data.texts == ["good, not bad", "awful", "fine"] and data.labels.tolist() == [1, 0, 1]


@pytest.mark.parametrize("content, words", [
    ("review,sentiment\ngood,1\n", ["column 'text' not found", "review"]),
    ("text,label\ngood,1\nbad,2\n", ["line 3", "column 'label'", "'2'"]),
    ("text,label\ngood,1\n,0\n", ["line 3", "column 'text'", "empty"]),
    ("text,label\n", ["no rows"]),
    ("", ["empty"]),
])
def test_load_reviews_csv_bad_input(tmp_path, content, words):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        sentiment.load_reviews_csv(path)
    for word in words:
        assert word in str(info.value)


def test_load_reviews_csv_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file"):
        sentiment.load_reviews_csv(tmp_path / "nope.csv")


def test_imdb_missing_says_so_and_returns_none(tmp_path, capsys):
    assert sentiment.load_imdb_if_cached(tmp_path / "imdb.npz") is None
    assert "not cached" in capsys.readouterr().out


def test_imdb_cached_file_is_read_without_keras_download(tmp_path):
    path = tmp_path / "imdb.npz"
    sentiment.save_imdb_arrays(path, {"train": ([[1, 2, 3], [4, 5, 6, 7, 9000]], [1, 0]), "test": ([[3, 2]], [0])})
    parts = sentiment.load_imdb_if_cached(path, n_train=2, n_test=1, num_words=100, maxlen=4)
    assert parts["x_train"].shape == (2, 4) and parts["x_test"].tolist() == [[0, 0, 4, 3]]
    assert 1 in parts["x_train"]  # the rare word became <unk>
    assert sorted(parts["y_train"].tolist()) == [0, 1]


class _RunsCode:
    def __reduce__(self):
        return (print, ("pickled code ran",))


def test_imdb_pickled_archive_is_refused_without_running_code(tmp_path, capsys):
    path = tmp_path / "imdb.npz"
    ragged = np.array([[1, 2], _RunsCode()] + [None], dtype=object)[:-1]   # Keras' format: pickled objects
    np.savez(path, x_train=ragged, y_train=np.array([1, 0]), x_test=ragged, y_test=np.array([0, 1]))
    with pytest.raises(ValueError, match=r"argument .path.: expected arrays x_train_ranks.*got Keras. own IMDB format.*pickled"):
        sentiment.load_imdb_if_cached(path)
    assert "pickled code ran" not in capsys.readouterr().out
