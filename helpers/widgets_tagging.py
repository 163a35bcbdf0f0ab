"""Lesson 06's tagging explorer: each word's tag probabilities as the sentence is read, for two taggers.

A thin shell over :func:`helpers.tagging.prefix_probabilities` (the models' predictions on every
prefix, computed once per sentence) and :func:`helpers.tagging.reading_figure` (pure, tested).
Moving the slider only redraws; typing a sentence runs the two models on its prefixes (no training).
"""
from __future__ import annotations

import numpy as np

from .figures import live
from . import tagging, text
from .explorer import explorer
from .validation import check_string_list, check_type


def reading_data(models: dict, vocab, sentence: str) -> tuple[list[str], dict]:
    """``(tokens, {model name: (time, time, n_tags)})`` for one sentence (words outside ``vocab`` are ``<unk>``)."""
    check_type("models", models, dict, "a dict {name: trained Keras tagger}")
    check_type("sentence", sentence, str, "a sentence (a string)")
    tokens = text.tokenize(sentence) if sentence.strip() else []
    if not tokens:
        raise ValueError("argument 'sentence': expected at least one word, got an empty sentence")
    if len(tokens) > 30:
        raise ValueError(f"argument 'sentence': expected at most 30 words, got {len(tokens)}")
    ids = vocab.encode(tokens)
    shown = [w if w in vocab else f"{w}?" for w in tokens]          # '?' marks a word the models never saw
    return shown, {name: tagging.prefix_probabilities(model, ids) for name, model in models.items()}


def tagging_explorer(models: dict, vocab, sentences):
    """Pick or type a sentence, move the slider, watch every word's tag probabilities as it is read (lesson 06).

    ``models`` maps a name to a trained tagger (:func:`helpers.tagging.build_tagger`); ``sentences`` are
    the examples offered (the offline deck keeps their frames).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    sentences = check_string_list("sentences", sentences, what="sentences")
    cache = {s: reading_data(models, vocab, s) for s in sentences}
    pick = widgets.Dropdown(options=sentences, value=sentences[0], description="example",
                            layout=widgets.Layout(width="95%"))
    box = widgets.Text(value=sentences[0], description="sentence", continuous_update=False,
                       layout=widgets.Layout(width="95%"))
    slider = widgets.IntSlider(value=min(2, len(cache[sentences[0]][0])), min=1, max=len(cache[sentences[0]][0]),
                               description="words read",
                               continuous_update=False)
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            try:
                if box.value not in cache:
                    cache[box.value] = reading_data(models, vocab, box.value)
            except ValueError as error:
                print(error)
                return
            tokens, probabilities = cache[box.value]
            moved = slider.value > len(tokens)
            slider.max = len(tokens)
            if moved:  # a shorter sentence pulled the slider back, and its callback has drawn: draw once
                return
            fig = tagging.reading_figure(tokens, probabilities, slider.value - 1)
            display(live(fig))
            plt.close(fig)

    def choose(change):
        box.value = change["new"]

    pick.observe(choose, "value")
    box.observe(redraw, "value")
    slider.observe(redraw, "value")
    redraw()
    recipe = [[tokens, {name: np.round(p, 3) for name, p in probabilities.items()}]
              for tokens, probabilities in (cache[s] for s in sentences)]
    return explorer([pick, box, slider, out], "tagging", sentences=recipe)
