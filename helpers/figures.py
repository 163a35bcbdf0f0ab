"""Figures that say what they show: a text description travels with every figure the course draws.

A screen reader cannot read a plot, and JupyterLab shows a notebook's images without alt text. So
each figure carries a short description made from the same data it plots:

* :func:`describe` attaches one (to a Figure, or to one Axes of it). The course's plotting functions
  call it with the numbers that matter ("test accuracy against window size: 1 word 50 %, ...").
* :func:`description` returns a figure's description: the figure's own, else each Axes' own, else one
  read off what the Axes draw (title, axis labels, each labelled line's first, last, lowest and highest
  point, bar heights, the range of a heat map), so a figure drawn in a lesson's cell is described too.
* :func:`install` (called by :func:`helpers.setup` through ``plot_style``) makes IPython show every
  matplotlib Figure as a PNG whose output metadata carries the description as ``alt`` (nbconvert's and
  the decks' HTML use it), followed by a one-line caption a screen reader in JupyterLab reads.

The caption output is marked ``{"course": {"figure_description": true}}``: the decks and the HTML
export leave it out, since their ``<img>`` carries the same text as ``alt``.
"""
from __future__ import annotations

import html
import math

import numpy as np

ATTRIBUTE = "_course_description"
FIXED = "_course_fixed_layout"   # set by fixed_layout(): the PNG is the whole canvas, no tight box to measure
LIVE = "_course_live"            # set by live(): an explorer's figure, redrawn on every move of a control
LIVE_COMPRESSION = 1             # zlib level for live figures: about a third quicker than the default 6
CAPTION_KEY = "figure_description"
# The smallest text the course draws, in points: 15 px at the course's 90 dpi, so at least 14 px on a slide
# that shows a figure at 94 % of its size or more (tools/deck_fit.py measures it; issue 23). The plot style's
# base size; tick labels, legends and annotations use it too, titles are larger.
FONT_PT = 12.0
MAX_CHARS = 1500         # a description, not a data dump: longer ones are cut at a sentence
MAX_ITEMS = 8            # lines, bars or labels listed per Axes before "and N more"


def describe(target, text: str):
    """Attach ``text`` as the description of ``target`` (a matplotlib Figure or Axes); returns ``target``."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if not isinstance(target, (Figure, Axes)):
        raise TypeError(f"argument 'target': expected a matplotlib Figure or Axes, got {type(target).__name__}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"argument 'text': expected a non-empty description, got {text!r:.60}")
    setattr(target, ATTRIBUTE, " ".join(text.split()))
    return target


def fixed_layout(fig):
    """Mark ``fig`` as laid out by its maker (margins set to fit its labels); returns ``fig``.

    Such a figure is shown as its whole canvas: the inline backend's ``bbox_inches="tight"`` would lay
    the text out once more only to measure it, which about doubles an explorer's redraw time.
    """
    setattr(fig, FIXED, True)
    return fig


def margins(fig, *, left: float, right: float, top: float, bottom: float, **spacing):
    """Set ``fig``'s margins in inches (the figure may change size later: call again) and mark it
    :func:`fixed_layout`; ``spacing`` (``hspace``, ``wspace``) goes to ``subplots_adjust``. Returns ``fig``.

    The margins come from the labels' lengths (:func:`text_inches`), which costs nothing, where
    ``tight_layout`` lays out and measures every label.
    """
    from .validation import check_number

    left, right, top, bottom = (check_number(name, value, low=0, high=20) for name, value in
                                (("left", left), ("right", right), ("top", top), ("bottom", bottom)))
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=min(0.45, left / width), right=max(0.55, 1 - right / width),
                        bottom=min(0.45, bottom / height), top=max(0.55, 1 - top / height), **spacing)
    return fixed_layout(fig)


def pin_labels(ax, *, below: float = 0.0, left: float = 0.0):
    """Put ``ax``'s axis labels ``below`` inches under it and ``left`` inches left of it (the room its tick
    labels take), and its title at the top: fixed places, where matplotlib would measure every tick
    label again on every draw to place them (about a fifth of a heat map explorer's redraw). Call it
    after the margins are set; returns ``ax``."""
    from .validation import check_number

    below = check_number("below", below, low=0, high=20)
    left = check_number("left", left, low=0, high=20)
    width, height = ax.figure.get_size_inches()
    box = ax.get_position()
    ax.xaxis.set_label_coords(0.5, -below / max(box.height * height, 1e-6))
    ax.yaxis.set_label_coords(-left / max(box.width * width, 1e-6), 0.5)
    ax.title.set_y(1.0)
    ax._autotitlepos = False            # the title's place is set: no ticks on top to avoid (matplotlib's own flag)
    return ax


def text_width(labels, fontsize: float) -> float:
    """The longest of ``labels``' length in inches at ``fontsize`` points: an estimate from its count of
    characters (0.6 em each, a little generous, which is what a margin needs)."""
    from .validation import check_number

    fontsize = check_number("fontsize", fontsize, low=0, low_open=True, high=200)
    return max((len(str(label)) for label in labels), default=0) * 0.6 * fontsize / 72


def text_height(labels, fontsize: float, rotation: float = 0) -> float:
    """The height in inches of the longest of ``labels`` drawn at ``rotation`` degrees (0: one line;
    90: its whole length), as x tick labels need below their axis."""
    import math

    from .validation import check_number

    angle = math.radians(check_number("rotation", rotation, low=-360, high=360))
    return abs(text_width(labels, fontsize) * math.sin(angle)) + abs(1.25 * fontsize / 72 * math.cos(angle))


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def power_label(value) -> str:
    """A log axis' tick label as plain text: ``1e-40`` as ``10⁻⁴⁰`` (empty between powers of ten, and for
    anything but a positive finite number: a tick formatter labels, it does not refuse)."""
    import math

    if not value > 0 or not math.isfinite(value):
        return ""
    exponent = math.log10(value)
    return f"10{str(round(exponent)).translate(_SUPERSCRIPT)}" if abs(exponent - round(exponent)) < 1e-6 else ""


def power_ticks(axis) -> None:
    """Label a log ``axis`` (``ax.yaxis``) with :func:`power_label`, minor ticks unlabelled: the same look
    as matplotlib's ``10^{-40}``, drawn as text rather than laid out as mathematics on every redraw
    (about half an explorer's drawing time on a log axis)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: power_label(value)))
    axis.set_minor_formatter(NullFormatter())


def live(fig):
    """Mark ``fig`` as an explorer's figure, drawn again on every move of a control; returns ``fig``.

    It is shown at the screen's density (the figure's own dpi, one pixel per CSS pixel) with quick PNG
    compression, whatever the notebook's format for other figures (music21 turns on "retina", which
    draws four times the pixels): a move of a slider then costs about a quarter of the drawing. The
    figure keeps its size on the page; on a high-density screen it is a little softer than a still.
    """
    setattr(fig, LIVE, True)
    return fig


def drawable(label: str) -> str:
    """``label`` with each character the plot font cannot draw replaced by its name in brackets.

    A typed emoji ("great 🙂") would otherwise show as an empty box, with a "Glyph missing from font"
    warning under the figure; ``"🙂"`` becomes ``"[slightly smiling face]"``. Invisible joiners and
    variation selectors are dropped.
    """
    import unicodedata

    font = _plot_font()
    out = []
    for char in str(label):
        if unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F:   # joiners, variation selectors
            continue
        if font.get_char_index(ord(char)) or char.isspace():
            out.append(char)
        else:
            out.append(f"[{unicodedata.name(char, f'U+{ord(char):04X}').lower()}]")
    return "".join(out)


def _plot_font():
    """The FT2Font matplotlib draws text with by default (the font ``rcParams["font.family"]`` finds;
    matplotlib caches both the lookup and the font)."""
    from matplotlib import font_manager

    return font_manager.get_font(font_manager.findfont(font_manager.FontProperties()))


def number(value) -> str:
    """``value`` with 3 significant digits, as a reader would say it (no exponent below 1e5)."""
    value = float(value)
    if not math.isfinite(value):
        return "not a number" if math.isnan(value) else ("infinity" if value > 0 else "minus infinity")
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.2e}"
    return f"{value:.3g}"


def percent(value) -> str:
    """A share in [0, 1] as a whole percentage ("76 %")."""
    return f"{100 * float(value):.0f} %"


def listing(items, limit: int = MAX_ITEMS) -> str:
    """``"a, b, c and 4 more"``: the first ``limit`` items of a list."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_CHARS:
        return text
    end = text.rfind(". ", 0, MAX_CHARS)
    return text[: end + 1] if end > 0 else text[: MAX_CHARS - 1] + "…"


# ---- reading a figure's Axes -------------------------------------------------------------------------

def _labels(axis) -> list[str]:
    """An axis' words (``set_xticks(positions, words)``), read before or after the figure is drawn."""
    from matplotlib.ticker import FixedLocator, ScalarFormatter

    locator, formatter = axis.get_major_locator(), axis.get_major_formatter()
    if not isinstance(locator, FixedLocator) or isinstance(formatter, ScalarFormatter):
        return []
    words = [str(formatter(loc, i)) for i, loc in enumerate(locator.locs)]
    return words if any(w.strip() for w in words) else []


def _line(line, ax) -> str | None:
    x = np.asarray(line.get_xdata(), dtype=float).ravel()
    y = np.asarray(line.get_ydata(), dtype=float).ravel()
    if x.size == 0 or y.size == 0 or x.size != y.size:
        return None
    label = line.get_label()
    named = not label.startswith("_")
    if x.size == 2 and y[0] == y[1] and (x[0], x[1]) == (0.0, 1.0) and line.get_transform() != ax.transData:
        return f"a horizontal line at {number(y[0])}" + (f" ({label})" if named else "")
    finite = np.isfinite(y)
    if not finite.any():
        return f"{label if named else 'a line'}: no finite values"
    xs, ys = x[finite], y[finite]
    name = label if named else "a line"
    if xs.size == 1:
        return f"{name}: a point at ({number(xs[0])}, {number(ys[0])})"
    low, high = int(np.argmin(ys)), int(np.argmax(ys))
    text = f"{name}: {number(ys[0])} at {number(xs[0])} to {number(ys[-1])} at {number(xs[-1])}"
    if 0 < high < ys.size - 1:
        text += f", highest {number(ys[high])} at {number(xs[high])}"
    if 0 < low < ys.size - 1:
        text += f", lowest {number(ys[low])} at {number(xs[low])}"
    if not finite.all():
        text += f" ({int((~finite).sum())} missing)"
    return text


def _bars(container, ax) -> str | None:
    patches = list(container.patches)
    if not patches:
        return None
    horizontal = getattr(container, "orientation", "vertical") == "horizontal"
    axis = ax.yaxis if horizontal else ax.xaxis
    tick_names = _labels(axis)                                   # words under the bars, not numbers
    named = bool(tick_names)
    locations = np.asarray(axis.get_major_locator().locs, dtype=float) if named else np.empty(0)
    spacing = float(np.min(np.diff(np.sort(locations)))) if locations.size > 1 else 1.0

    def where(centre):            # the word under a bar (grouped bars sit beside their tick)
        if locations.size:
            k = int(np.argmin(np.abs(locations - centre)))
            if abs(locations[k] - centre) < 0.5 * spacing and k < len(tick_names) and tick_names[k]:
                return tick_names[k]
        return number(centre)
    items = []
    for patch in patches:
        centre = patch.get_y() + patch.get_height() / 2 if horizontal else patch.get_x() + patch.get_width() / 2
        size = patch.get_width() if horizontal else patch.get_height()
        items.append(f"{where(centre)} {number(size)}")
    label = container.get_label()
    name = label if label and not label.startswith("_") else "bars"
    if len(items) <= MAX_ITEMS or named:
        return f"{name}: {listing(items, 2 * MAX_ITEMS)}"
    sizes = [abs(p.get_width() if horizontal else p.get_height()) for p in patches]
    largest = int(np.argmax(sizes))
    return f"{name}: {len(items)} bars, from {items[0]} to {items[-1]}, largest {items[largest]}"


def _image(image, ax) -> str:
    data = np.ma.masked_invalid(np.asarray(image.get_array(), dtype=float))
    if data.ndim != 2 or data.count() == 0:
        return "an image"
    rows, cols = data.shape
    text = f"a heat map of {rows} rows by {cols} columns, values from {number(data.min())} to {number(data.max())}"
    row_labels, col_labels = _labels(ax.yaxis), _labels(ax.xaxis)
    r, c = np.unravel_index(int(np.ma.argmax(data)), data.shape)
    if len(row_labels) == rows and len(col_labels) == cols:
        text += f"; highest at row {row_labels[r]!r}, column {col_labels[c]!r}"
    if len(row_labels) == rows:
        text += f"; rows: {listing(row_labels)}"
    if len(col_labels) == cols:
        text += f"; columns: {listing(col_labels)}"
    return text


def read_axes(ax) -> str:
    """What one Axes draws, read from its artists (used when no plotting function described it)."""
    parts = []
    title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t)
    xlabel, ylabel = ax.get_xlabel(), ax.get_ylabel()
    head = title if title else "a panel"
    if ylabel or xlabel:
        head += f": {ylabel or 'values'}" + (" (log scale)" if ax.get_yscale() == "log" else "")
        head += f" against {xlabel}" if xlabel else ""
    parts.append(head)
    bar_patches = {id(p) for c in ax.containers for p in getattr(c, "patches", [])}
    for container in ax.containers:
        if hasattr(container, "patches"):
            text = _bars(container, ax)
            if text:
                parts.append(text)
    lines = [text for text in (_line(line, ax) for line in ax.get_lines()) if text]
    parts.extend(lines[:MAX_ITEMS])
    if len(lines) > MAX_ITEMS:
        parts.append(f"and {len(lines) - MAX_ITEMS} more lines")
    parts.extend(_image(image, ax) for image in ax.images)
    for collection in ax.collections:
        offsets = np.asarray(collection.get_offsets()) if hasattr(collection, "get_offsets") else np.empty((0, 2))
        label = collection.get_label()
        if offsets.ndim == 2 and len(offsets) > 1:
            name = label if label and not label.startswith("_") else "points"
            parts.append(f"{name}: {len(offsets)} points, x from {number(offsets[:, 0].min())} to "
                         f"{number(offsets[:, 0].max())}, y from {number(offsets[:, 1].min())} to "
                         f"{number(offsets[:, 1].max())}")
    others = [p for p in ax.patches if id(p) not in bar_patches]
    if others and not ax.containers:
        parts.append(f"{len(others)} shape{'s' * (len(others) > 1)}")
    words = [t.get_text() for t in ax.texts if t.get_text().strip()]
    if words and len(parts) == 1:
        parts.append("text: " + listing(words, 16))
    return "; ".join(parts)


def _data_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and not hasattr(ax, "_colorbar")
            and getattr(ax, "get_label", lambda: "")() != "<colorbar>"]


def description(fig) -> str:
    """The description of a Figure: its own, else its Axes' own, else read off the Axes (never empty)."""
    own = getattr(fig, ATTRIBUTE, None)
    if own:
        return own
    axes = _data_axes(fig)
    parts = [getattr(ax, ATTRIBUTE, None) or read_axes(ax) for ax in axes]
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    text = ". ".join(p[0].upper() + p[1:].rstrip(".") for p in parts if p)
    if len(axes) > 1:
        text = f"{len(axes)} panels. " + text
    if suptitle:
        text = f"{suptitle}. " + text
    return _cut((text or "An empty figure") + ("" if text.endswith(".") else "."))


# ---- showing a figure in a notebook --------------------------------------------------------------------

def caption_bundle(text: str) -> tuple[dict, dict]:
    """The caption output shown under a figure: ``(data, metadata)`` for ``publish_display_data``."""
    data = {"text/plain": f"Figure: {text}",
            "text/html": f"<p class='course-figure-description'><em>Figure:</em> {html.escape(text)}</p>"}
    return data, {"course": {CAPTION_KEY: True}}


def smallest_text_px(fig) -> float | None:
    """The size of ``fig``'s smallest text, in CSS px at the figure's natural size (points x dpi / 72).

    Every visible, non-empty text counts: titles, axis and tick labels, legends, annotations, a colour
    bar's labels. The decks multiply it by the scale a figure is shown at (``tools/deck_fit.py``): the
    size of the figure's labels on screen. ``None`` for a figure without text.
    """
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    sizes = []

    def walk(artist) -> None:            # what draw() draws: invisible artists and hidden axes skipped
        if not artist.get_visible() or (isinstance(artist, Axis) and not artist.axes.axison):
            return
        if isinstance(artist, Text) and artist.get_text().strip():
            sizes.append(artist.get_fontsize())
        for child in artist.get_children():
            walk(child)

    walk(fig)
    return round(min(sizes) * fig.dpi / 72, 2) if sizes else None


def figure_bundle(fig, png) -> tuple[dict, dict]:
    """The figure's own output: the PNG with its description as ``alt`` (and as the plain-text form),
    and the size of its smallest text (:func:`smallest_text_px`) as ``font_px``."""
    text = description(fig)
    metadata = {}
    if isinstance(png, tuple):          # retina: (data, {"width": ..., "height": ...})
        png, metadata = png[0], dict(png[1] or {})
    metadata["alt"] = text
    font_px = smallest_text_px(fig)     # about 0.5 ms once drawn: an explorer's move stays quick
    if font_px is not None:
        metadata["font_px"] = font_px
    return {"image/png": png, "text/plain": text}, {"image/png": metadata}


def _png(fig):
    from IPython import get_ipython

    shell = get_ipython()
    fixed = {"bbox_inches": None} if getattr(fig, FIXED, False) else {}
    if getattr(fig, LIVE, False):       # an explorer's redraw: one pixel per CSS pixel, quick compression
        from IPython.core.pylabtools import print_figure

        return print_figure(fig, "png", base64=True, **{"bbox_inches": "tight", **fixed},
                            pil_kwargs={"compress_level": LIVE_COMPRESSION})
    formatter = shell.display_formatter.formatters["image/png"] if shell is not None else None
    printer = None
    if formatter is not None:
        from matplotlib.figure import Figure

        try:
            printer = formatter.lookup_by_type(Figure)
        except KeyError:
            printer = None
    if printer is not None:             # the inline backend's printer (png or retina), its options kept
        return printer(fig, **fixed) if fixed else formatter(fig)
    from IPython.core.pylabtools import print_figure   # the inline backend has not registered it yet

    return print_figure(fig, "png", base64=True, **fixed)


def _show(fig) -> None:
    from IPython.display import publish_display_data

    data, metadata = figure_bundle(fig, _png(fig))
    publish_display_data(data, metadata)
    publish_display_data(*caption_bundle(data["text/plain"]))


def show_live(fig, ids: tuple[str, str] | None = None) -> tuple[str, str]:
    """Show ``fig`` and its caption, or replace the pair shown before under ``ids`` (live training plots).

    Returns the pair of display ids to pass next time.
    """
    from uuid import uuid4

    from IPython.display import display

    update = ids is not None
    ids = ids or (uuid4().hex, uuid4().hex)
    data, metadata = figure_bundle(fig, _png(fig))
    display(data, metadata=metadata, raw=True, display_id=ids[0], update=update)
    caption, caption_metadata = caption_bundle(data["text/plain"])
    display(caption, metadata=caption_metadata, raw=True, display_id=ids[1], update=update)
    return ids


def install() -> bool:
    """Show every matplotlib Figure with its description (alt text and caption) in this IPython kernel.

    Returns ``False`` outside IPython (plain Python, the deck builder), where nothing changes.
    """
    try:
        from IPython import get_ipython
    except ImportError:                 # pragma: no cover - IPython comes with Jupyter
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from matplotlib.figure import Figure

    shell.display_formatter.ipython_display_formatter.for_type(Figure, _show)
    return True
