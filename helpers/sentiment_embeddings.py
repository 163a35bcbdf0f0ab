"""Lesson 08, what the Embedding layer learned: its weights, a 2-D projection (PCA with numpy's SVD), a scatter plot.

Part of :mod:`helpers.sentiment` (which re-exports these names).
"""
from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np

from . import text
from .validation import check_array, check_keras_model, check_string_list, check_type
from .figures import FONT_PT


def embedding_matrix(model: keras.Model) -> np.ndarray:
    """The first ``Embedding`` layer's weights ``(vocab_size, embedding_dim)``."""
    check_keras_model("model", model)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return np.asarray(layer.get_weights()[0])
    raise ValueError(f"argument 'model': expected a model with an Embedding layer, got layers "
                     f"{[type(layer).__name__ for layer in model.layers]}")


def embedding_projection(weights, vocab: text.Vocabulary, words):
    """Project the vectors of ``words`` onto their first two principal components (numpy SVD).

    ``weights`` is ``(vocab_size, embedding_dim)``. Returns ``(coords (n_words, 2),
    explained)``, ``explained`` being the share of variance each component keeps.
    """
    weights = check_array("weights", weights, ndim=2, kind="float")
    check_type("vocab", vocab, text.Vocabulary, "a helpers.text.Vocabulary")
    words = check_string_list("words", words, what="words")
    if len(words) < 2:
        raise ValueError(f"argument 'words': expected at least 2 words to project, got {len(words)}")
    if weights.shape[0] != len(vocab):
        raise ValueError(f"argument 'weights': expected {len(vocab)} rows (one per vocabulary entry), "
                         f"got {weights.shape[0]}")
    missing = [w for w in words if w not in vocab]
    if missing:
        raise ValueError(f"argument 'words': not in the vocabulary: {missing}")
    vectors = weights[[vocab.stoi[w] for w in words]]
    centred = vectors - vectors.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    explained = s**2 / max(float(np.sum(s**2)), 1e-12)
    return centred @ vt[:2].T, explained[:2]


def plot_embedding(coords, words, groups, *, title: str = "Learned word vectors (PCA)", explained=None):
    """Scatter of 2-D word vectors ``(n_words, 2)``, coloured by ``groups`` (e.g. "positive"/"negative"/"other")."""
    words = check_string_list("words", words, what="words")
    groups = check_string_list("groups", groups, what="group names")
    if len(groups) != len(words):
        raise ValueError(f"argument 'groups': expected one group per word ({len(words)}), got {len(groups)}")
    coords = check_array("coords", coords, shape=(len(words), 2), kind="number")
    colours = {"positive": "#0072B2", "negative": "#D55E00"}   # Okabe-Ito (helpers.palette)
    markers = {"positive": "^", "negative": "v"}        # shape as well as colour
    fig, ax = plt.subplots(figsize=(9.5, 5.0))     # room for the words at 12 pt (figures.FONT_PT)
    for (x, y), word, group in zip(coords, words, groups):
        colour = colours.get(group, "#595959")
        ax.scatter(x, y, color=colour, s=24, marker=markers.get(group, "o"))
        ax.annotate(word, (x, y), fontsize=FONT_PT, color=colour,
                    xytext=(3, 2), textcoords="offset points")
    for group, colour in colours.items():
        ax.scatter([], [], color=colour, marker=markers[group], label=group)
    ax.scatter([], [], color="#595959", marker="o", label="other words")
    ax.legend(loc="best", fontsize=FONT_PT)
    if explained is not None:
        ax.set_xlabel(f"component 1 ({explained[0]:.0%} of variance)")
        ax.set_ylabel(f"component 2 ({explained[1]:.0%})")
    ax.set_title(title)
    from .figures import describe, listing, number

    centres = {g: coords[[k == g for k in groups]].mean(axis=0) for g in dict.fromkeys(groups)}
    parts = [f"{g} words ({listing([w for w, k in zip(words, groups) if k == g], 10)}) centred at "
             f"({number(c[0])}, {number(c[1])})" for g, c in centres.items()]
    named = {g: c for g, c in centres.items() if g in colours}
    nearest = [f"{w} nearer the {min(named, key=lambda g: float(np.linalg.norm(coords[i] - named[g])))} words"
               for i, (w, k) in enumerate(zip(words, groups)) if k not in colours] if named else []
    describe(ax, f"{title}: a scatter of {len(words)} words on two components. " + "; ".join(parts) + "."
                 + (f" Of the other words: {listing(nearest, 12)}." if nearest else ""))
    return fig
