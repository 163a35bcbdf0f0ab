"""Type-a-review widget for lesson 08: the prediction after each token, and which words moved it.

A thin ipywidgets shell: the callback calls :func:`helpers.sentiment.token_trace` and
:func:`helpers.sentiment.plot_token_trace` (pure, tested) and shows their result; no
training happens here.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from .figures import live
from . import sentiment
from .text import Vocabulary


def describe(trace: sentiment.TokenTrace) -> str:
    """The verdict and the words that moved it most, then the words the model has never seen (if any)."""
    moved = ", ".join(f"{token!r} {change:+.2f}" for token, change in trace.movers(3))
    line = f"P(positive) = {trace.probabilities[-1]:.2f}; moved most by {moved}"
    unknown = list(dict.fromkeys(t for t, k in zip(trace.tokens, trace.known) if not k))
    if unknown:
        share = 1 - float(trace.known.mean())
        line += (f"\n⚠ never seen in training ({share:.0%} of the tokens): {', '.join(map(repr, unknown))}: "
                 "each is read as <unk>, which carries no meaning the model learned")
    if trace.left_out:
        line += (f"\nℹ read the first {len(trace.tokens)} tokens of {len(trace.tokens) + trace.left_out}: "
                 f"the explorer reads at most {len(trace.tokens)}, so the last {trace.left_out} were left out")
    return line


def review_report(model, vocab: Vocabulary, review: str, name: str = "model", panel=None):
    """What the widget shows for one review: ``(line of text, Figure or None)``; bad text gives a message, not a
    traceback. The explorer passes its ``panel`` (:class:`helpers.sentiment.TokenTracePanel`) to draw into."""
    try:
        trace = sentiment.token_trace(model, vocab, review)
    except (ValueError, TypeError) as error:  # empty text, only unknown words ...
        return f"⚠ {error}", None
    return describe(trace), (panel or sentiment.TokenTracePanel()).update(trace, title=f"{name}: read token by token")


def review_explorer(models: dict, vocab: Vocabulary, review: str = "the food was not bad , it was great"):
    """A text box and a model chooser; shows P(positive) token by token for the chosen model.

    ``models`` maps a name to a trained model over ids ``(batch, time)``.
    """
    if not models:
        raise ValueError("argument 'models': expected at least one trained model, got none")
    box = widgets.Text(value=review, description="review:", continuous_update=False,
                       layout=widgets.Layout(width="90%"))
    chooser = widgets.Dropdown(options=list(models), value=list(models)[-1], description="model:")
    out = widgets.Output()
    panel = sentiment.TokenTracePanel()                  # the figure kept from one review to the next

    def refresh(*_):
        out.clear_output(wait=True)
        with out:
            line, fig = review_report(models[chooser.value], vocab, box.value, chooser.value, panel)
            print(line)
            if fig is not None:
                display(live(fig))
                plt.close(fig)

    box.observe(refresh, names="value")
    chooser.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([chooser]), box, out])
