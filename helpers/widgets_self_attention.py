"""The attention-weights explorer of lesson 10: type a sentence, see where each head looks.

A thin ipywidgets shell: the callback calls :func:`explain` (pure, tested) and
:func:`helpers.plots.attention_heads`; no training happens here.
"""
from __future__ import annotations

import numpy as np

from .figures import live
from . import plots
from .text import tokenize
from .transformer import PositionEncoding


def explain(attention_model, vocab, text: str) -> dict:
    """Encode ``text`` with ``vocab`` and return ``{"tokens", "weights" (H, T, T), "unknown", "error"}``.

    ``attention_model`` maps ids ``(1, T)`` to weights ``(1, H, T, T)`` (lesson 10's
    ``build_classifier(..., return_attention=True)``). Words outside the vocabulary become ``<unk>``
    and are listed in ``"unknown"``; empty text gives ``"error"`` instead of raising.
    """
    result = {"tokens": [], "weights": None, "unknown": [], "error": None}
    if not isinstance(text, str) or not text.split():
        result["error"] = "type a sentence (at least one word)"
        return result
    tokens = tokenize(text)
    result["tokens"] = tokens
    result["unknown"] = [t for t in tokens if t not in vocab]
    max_len = min((layer.max_len for layer in getattr(attention_model, "layers", [])
                   if isinstance(layer, PositionEncoding)), default=None)
    if max_len is not None and len(tokens) > max_len:
        result["error"] = (f"argument 'text': expected at most {max_len} words (the length of the position table), "
                           f"got {len(tokens)}")
        return result
    ids = np.asarray(vocab.encode(tokens), dtype="int32")
    from .inference import graph_call

    result["weights"] = graph_call(attention_model)(ids[None])[0]      # a graph traced once, then quick
    return result


def attention_explorer(attention_model, vocab, examples):
    """A dropdown of ``examples``, a text box and a head selector over the per-head heat-maps.

    Returns the ipywidgets container (display it as the last line of a cell).
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    examples = list(examples)
    if not examples:
        raise ValueError("argument 'examples': expected at least one sentence, got none")
    pick = w.Dropdown(options=examples, value=examples[0], description="example", layout=w.Layout(width="460px"))
    typed = w.Text(value=examples[0], description="or type", continuous_update=False, layout=w.Layout(width="460px"))
    n_heads = int(np.asarray(explain(attention_model, vocab, examples[0])["weights"]).shape[0])
    head = w.Dropdown(options=[("all heads", -1)] + [(f"head {h}", h) for h in range(n_heads)], value=-1,
                      description="show")
    status = w.HTML()
    out = w.Output()
    panel = plots.AttentionHeadsPanel()                 # its Axes are kept from one redraw to the next

    def redraw(*_):
        result = explain(attention_model, vocab, typed.value)
        out.clear_output(wait=True)
        status.value = (result["error"] or "") + (
            f" words never seen in training (read as &lt;unk&gt;): {', '.join(result['unknown'])}"
            if result["unknown"] else "")
        if result["error"]:
            return
        with out:
            fig = panel.update(result["tokens"], result["weights"], heads=None if head.value < 0 else head.value)
            display(live(fig))
            plt.close(fig)

    pick.observe(lambda change: setattr(typed, "value", change["new"]), names="value")
    typed.observe(redraw, names="value")
    head.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([pick, head]), typed, status, out])
