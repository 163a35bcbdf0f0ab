"""Explorers that still respond in the offline decks: every position precomputed at build time.

An explorer (``helpers.widgets*``) returns a :class:`helpers.explorer.Explorer` whose saved
widget state carries a recipe, ``{"kind": ..., <inputs>}`` (accuracies, sampled tunes, decoded
dates ...). For each widget view in a solution notebook, :func:`animate` looks the recipe up,
redraws the figure for every position of the explorer's controls (or a grid of positions) with
the same pure functions the widget's callback calls, and replaces the view with a small HTML
explorer: the frames as compressed PNGs, and a range slider / select per control whose
JavaScript swaps them. No kernel, no network. A view without a recipe (or of a kind this module
does not know, e.g. a free-text box) is left alone: ``tools.slides.static_widgets`` turns it
into the still it showed when executed, with the control values named.

    python -m tools.deck_widgets solutions/05_vanishing_gradients.ipynb   # frames and bytes per explorer
"""
from __future__ import annotations

import base64
import copy
import html
import io
import itertools
import json
import os
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import hashlib

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "deck_frames"    # frames of a recipe already drawn (keyed by recipe and code)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MIME = "text/html"
MAX_FRAMES = 400          # a recipe whose grid is larger is a bug here, not something to embed
PNG_COLOURS = 128         # palette PNGs: line plots and heat-maps lose nothing visible


@dataclass
class Control:
    """One control of a deck explorer: its label, the positions it can take, and where it starts."""

    name: str
    values: list
    labels: list[str] = field(default_factory=list)
    initial: int = 0
    kind: str = "range"   # "range" (a slider over the positions) or "select"

    def __post_init__(self):
        if not self.values:
            raise ValueError(f"control {self.name!r}: expected at least one value, got none")
        self.labels = self.labels or [f"{v:g}" if isinstance(v, float) else str(v) for v in self.values]
        if not 0 <= self.initial < len(self.values):
            raise ValueError(f"control {self.name!r}: expected an initial index in [0, {len(self.values)}), "
                             f"got {self.initial}")


def nearest(values, value) -> int:
    """Index of the entry of ``values`` closest to ``value`` (where a deck control starts)."""
    return min(range(len(values)), key=lambda i: abs(values[i] - value))


# ---- one renderer per explorer kind: (controls, draw(*values) -> (html text, Figure, PNG bytes or None)) --
# Grids are kept small on purpose: each position costs one matplotlib render (~0.1-0.3 s on a laptop core).

def _activation(recipe):
    from helpers import plots

    controls = [Control("weight", [-3.0, -1.0, 0.0, 1.0, 3.0], initial=3), Control("bias", [-2.0, 0.0, 2.0], initial=1),
                Control("activation", ["tanh", "sigmoid", "relu"], kind="select")]
    return controls, lambda w, b, a: ("", plots.activation_curve(w, b, a))


def _window(recipe):
    from helpers import plots

    accuracies = {int(size): float(acc) for size, acc in recipe["accuracies"]}
    panel = plots.WindowPanel(recipe["tokens"], accuracies, chance=recipe.get("chance"))
    sizes = sorted(accuracies)
    return [Control("window", sizes)], lambda size: ("", panel.update(size))


def _contribution(recipe):
    from helpers import widgets_rnn

    time = int(recipe["time"])
    windows = sorted({k for k in (1, 3, 5, 10, 20, time) if k <= time})
    radii = [0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.6]
    controls = [Control("radius of W_hh", radii, initial=nearest(radii, 0.9)),
                Control("window k", windows, initial=len(windows) - 1)]
    return controls, lambda radius, k: ("", widgets_rnn.contribution_panel(time, radius, k))


def _spectral_radius(recipe):
    from helpers import gradients, widgets_gates

    units = int(recipe.get("units", 32))
    radii = [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0]   # dense where it turns
    lengths = [30, 100, 300]
    controls = [Control("radius ρ", radii, initial=nearest(radii, 1.0)),
                Control("activation", list(gradients.ACTIVATIONS), kind="select"),
                Control("length T", lengths, initial=1)]
    return controls, lambda r, a, n: ("", widgets_gates.spectral_radius_figure(r, a, n, units=units))


def _temperature(recipe):
    from helpers import music, widgets_music

    tunes = {float(t): abc for t, abc in recipe["tunes"]}
    temperatures = sorted(tunes)
    checks = {t: music.check_tune(tunes[t]) for t in temperatures}

    def draw(t):
        text = widgets_music.temperature_text(tunes[t], checks[t], t, max_lines=6)
        fig = music.piano_roll(checks[t].notes, title=f"temperature {t:g}")
        fig.set_size_inches(8, 2.2)
        return f"<pre class='course-explorer-pre'>{html.escape(text)}</pre>", fig

    initial = nearest(temperatures, float(recipe.get("initial", temperatures[len(temperatures) // 2])))
    return [Control("temperature", temperatures, initial=initial)], draw


def _attention(recipe):
    import numpy as np

    from helpers import attention, figures, widgets_attention

    examples, decoded, weights = recipe["examples"], recipe["decoded"], recipe["weights"]
    widths = sorted({row[0] for rows in decoded if isinstance(rows, list) for row in rows}) or [1]

    pictures = {}   # one PNG per distinct (input, output): most widths agree

    def draw(index, width):
        rows = decoded[index]
        if isinstance(rows, dict):
            return f"<b style='color:#b00'>cannot read this date:</b> {html.escape(rows['error'])}", None
        _, output, score, w = next(row for row in rows if row[0] == width)
        text = recipe["clean"][index]
        line = widgets_attention.status_line(text, output, score, width)
        if w is None:
            return line, None
        if w not in pictures:
            fig = attention.plot_attention(text, output, np.asarray(weights[w], dtype=float))
            pictures[w] = (png(fig), figures.description(fig), figures.smallest_text_px(fig))
        return line, pictures[w]

    controls = [Control("example", list(range(len(examples))), labels=list(examples), kind="select"),
                Control("beam width", widths)]
    return controls, draw


def _tagging(recipe):
    import numpy as np

    from helpers import tagging

    examples = [(tokens, {name: np.asarray(p, dtype=float) for name, p in probabilities.items()})
                for tokens, probabilities in recipe["sentences"]]              # None (not read yet) -> NaN
    longest = max(len(tokens) for tokens, _ in examples)

    def draw(index, words):
        tokens, probabilities = examples[index]
        return "", tagging.reading_figure(tokens, probabilities, min(words, len(tokens)) - 1)

    controls = [Control("example", list(range(len(examples))), labels=[" ".join(t) for t, _ in examples],
                        kind="select"),
                Control("words read", list(range(1, longest + 1)), initial=1)]
    return controls, draw


RENDERERS = {"activation": _activation, "window": _window, "contribution": _contribution,
             "spectral_radius": _spectral_radius, "temperature": _temperature, "attention": _attention,
             "tagging": _tagging}


# ---- frames -> HTML ------------------------------------------------------------------------------------

def png(fig) -> bytes:
    """The figure as the notebook shows it (tight box, its own dpi), as a palette PNG."""
    import matplotlib.pyplot as plt
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", facecolor="white")   # as the notebook shows it
    plt.close(fig)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    small = io.BytesIO()
    image.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT).save(small, format="PNG", optimize=True)
    return small.getvalue()


@dataclass
class Frames:
    """Every position of one explorer: ``frames["i-j"] = (image index, text index)``, images and texts deduplicated."""

    kind: str
    controls: list[Control]
    images: list[bytes]
    texts: list[str]
    frames: dict[str, tuple]
    alts: list[str] = field(default_factory=list)    # each image's description (helpers.figures), its alt text
    font_px: float | None = None   # the smallest text in any image, px at natural size (helpers.figures)

    @property
    def nbytes(self) -> int:
        return sum(len(image) for image in self.images)


def cache_key(recipe: dict) -> str:
    """A digest of the recipe and of the code that draws it (this module and ``helpers/``)."""
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode())
    for source in sorted([Path(__file__), *(ROOT / "helpers").glob("*.py")]):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


def render(recipe: dict, cache: Path | None = CACHE) -> Frames:
    """Draw every position of the explorer described by ``recipe`` (kinds: :data:`RENDERERS`).

    With ``cache`` (a folder), frames drawn before from the same recipe by the same code are reused.
    """
    path = Path(cache) / f"{cache_key(recipe)}.json" if cache is not None and isinstance(recipe, dict) else None
    if path is not None and path.is_file():
        saved = json.loads(path.read_text(encoding="utf-8"))
        return Frames(saved["kind"], [Control(**c) for c in saved["controls"]],
                      [base64.b64decode(b) for b in saved["images"]], saved["texts"],
                      {k: tuple(v) for k, v in saved["frames"].items()}, saved["alts"], saved.get("font_px"))
    frames = _render(recipe)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # written whole, then renamed: a test or `make slides` in another process never reads half a file
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps({"kind": frames.kind, "controls": [vars(c) for c in frames.controls],
                                       "images": [base64.b64encode(b).decode("ascii") for b in frames.images],
                                       "texts": frames.texts, "frames": frames.frames, "alts": frames.alts,
                                       "font_px": frames.font_px}),
                           encoding="utf-8")
        os.replace(partial, path)
    return frames


def _render(recipe: dict) -> Frames:
    import matplotlib

    from helpers import figures
    from helpers.config import plot_style

    kind = recipe.get("kind") if isinstance(recipe, dict) else None
    if kind not in RENDERERS:
        raise ValueError(f"argument 'recipe': expected a kind in {sorted(RENDERERS)}, got {kind!r}")
    matplotlib.use("Agg")
    plot_style()
    controls, draw = RENDERERS[kind](recipe)
    count = 1
    for control in controls:
        count *= len(control.values)
    if count > MAX_FRAMES:
        raise ValueError(f"recipe {kind!r}: expected at most {MAX_FRAMES} positions, got {count}")
    images, alts, texts, frames, seen_images, seen_texts = [], [], [], {}, {}, {}
    font_sizes = []
    for position in itertools.product(*(range(len(c.values)) for c in controls)):
        text, fig = draw(*(c.values[i] for c, i in zip(controls, position)))
        if isinstance(fig, tuple):                      # (PNG bytes, description, smallest text) drawn before
            data, alt, font_px = fig
        elif fig is None:
            data, alt, font_px = b"", "", None
        else:
            alt = figures.description(fig)
            data = png(fig)                             # drawn: the tick labels have their text
            font_px = figures.smallest_text_px(fig)
        if font_px is not None:
            font_sizes.append(font_px)
        image = seen_images.setdefault(data, len(seen_images))
        if image == len(images):
            images.append(data)
            alts.append(alt)
        text_index = seen_texts.setdefault(text, len(seen_texts))
        if text_index == len(texts):
            texts.append(text)
        frames["-".join(map(str, position))] = (image, text_index)
    return Frames(kind, controls, images, texts, frames, alts, min(font_sizes, default=None))


SCRIPT = """(function () {
  var root = document.getElementById("%s");
  var data = JSON.parse(root.querySelector("script.course-explorer-data").textContent);
  var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-control]"));
  var img = root.querySelector("img.course-explorer-frame");
  var text = root.querySelector(".course-explorer-text");
  function show() {
    var key = inputs.map(function (el) { return el.value; }).join("-");
    inputs.forEach(function (el, i) {
      var out = root.querySelector("output[data-for='" + i + "']");
      if (out) { out.textContent = data.labels[i][Number(el.value)]; }
    });
    var frame = data.frames[key];
    if (!frame) { return; }
    var image = data.images[frame[0]];
    img.style.display = image ? "" : "none";
    if (image) { img.src = "data:image/png;base64," + image; img.alt = data.alts[frame[0]]; }
    text.innerHTML = data.texts[frame[1]];
    root.setAttribute("data-position", key);
  }
  inputs.forEach(function (el) { el.addEventListener("input", show); el.addEventListener("change", show); });
  show();
})();"""

# Sizes on screen at 1280x720 (reveal.js scales the 1280x720 slide by 0.96): controls 17 px (>= 16), the
# explorer's text and note 18 px (>= 18), its printed text 17 px (code, >= 16); tools/deck_fit.py measures them.
STYLE = """<style>
.course-explorer { font-size: 0.9em; text-align: left; }
.course-explorer-controls { display: flex; flex-wrap: wrap; gap: 0.3em 1.4em; align-items: center; margin: 0.1em 0; }
.course-explorer-controls label { display: inline-flex; gap: 0.5em; align-items: center; }
.course-explorer-controls input[type=range] { width: 10em; }
.course-explorer-controls output { min-width: 2.5em; font-weight: bold; }
.course-explorer-controls select { font-size: 1em; max-width: 30em; }
.course-explorer-text { font-size: 1.05em; margin: 0.1em 0; }
.reveal pre.course-explorer-pre { font-size: 0.95em; margin: 0; box-shadow: none; }
.reveal img.course-explorer-frame { display: block; max-width: 100%; max-height: 400px; margin: 0; }
.course-explorer-note { font-size: 1.05em; color: #595959; margin: 0.1em 0 0 0; }
</style>"""


def to_html(frames: Frames) -> str:
    """The deck's explorer: controls, the current frame, the frames as JSON and the script that swaps them."""
    uid = "course-explorer-" + uuid.uuid4().hex[:10]
    start = "-".join(str(c.initial) for c in frames.controls)
    image, text = frames.frames[start]
    parts = [STYLE, f"<div class='course-explorer' id='{uid}' data-kind='{frames.kind}' data-position='{start}'>",
             "<div class='course-explorer-controls' data-prevent-swipe>"]
    for i, control in enumerate(frames.controls):
        name = html.escape(control.name)
        if control.kind == "select":
            options = "".join(f"<option value='{j}'{' selected' if j == control.initial else ''}>"
                              f"{html.escape(label)}</option>" for j, label in enumerate(control.labels))
            parts.append(f"<label>{name} <select data-control='{i}' aria-label='{name}'>{options}</select></label>")
        else:
            parts.append(f"<label>{name} <input type='range' data-control='{i}' aria-label='{name}' min='0' "
                         f"max='{len(control.values) - 1}' step='1' value='{control.initial}'>"
                         f"<output data-for='{i}'>{html.escape(control.labels[control.initial])}</output></label>")
    parts.append("</div>")
    parts.append(f"<div class='course-explorer-text'>{frames.texts[text]}</div>")
    first = base64.b64encode(frames.images[image]).decode("ascii")
    font = f" data-font-px='{frames.font_px}'" if frames.font_px is not None else ""
    parts.append(f"<img class='course-explorer-frame' alt='{html.escape(frames.alts[image], quote=True)}'{font} "
                 f"src='data:image/png;base64,{first}'>")
    data = {"labels": [c.labels for c in frames.controls], "frames": frames.frames, "texts": frames.texts,
            "alts": frames.alts,
            "images": [base64.b64encode(b).decode("ascii") for b in frames.images]}
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    parts.append(f"<script type='application/json' class='course-explorer-data'>{payload}</script>")
    parts.append(f"<p class='course-explorer-note'>Precomputed in the deck: {len(frames.frames)} positions "
                 f"(the notebook's explorer takes any value).</p>")
    parts.append(f"<script>{SCRIPT % uid}</script></div>")
    return "".join(parts)


# ---- notebooks ------------------------------------------------------------------------------------------

def widget_state(nb) -> dict:
    return nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def recipe_of(output, state: dict) -> dict | None:
    """The deck recipe of a widget-view output (``None`` for anything else, or a view without one)."""
    view = output.get("data", {}).get(WIDGET_VIEW) if output.get("output_type") in {
        "display_data", "execute_result"} else None
    if not view:
        return None
    recipe = state.get(view.get("model_id", ""), {}).get("state", {}).get("deck")
    return recipe if isinstance(recipe, dict) and recipe.get("kind") in RENDERERS else None


def animate(nb, report=None):
    """A copy of ``nb`` whose explorers with a recipe become precomputed HTML explorers.

    Views without a recipe stay (``tools.slides.static_widgets`` makes stills of them). A
    recipe that fails to render is reported on stderr and left as a still, so a deck is
    always built. ``report``, if a list, receives ``(kind, positions, png bytes)`` per explorer.
    """
    nb = copy.deepcopy(nb)
    state = widget_state(nb)
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            recipe = recipe_of(output, state)
            if recipe is None:
                outputs.append(output)
                continue
            try:
                frames = render(recipe)
            except Exception as error:  # noqa: BLE001 - a deck with a still beats no deck
                print(f"deck explorer {recipe.get('kind')!r} left as a still: {error}", file=sys.stderr)
                outputs.append(output)
                continue
            if report is not None:
                report.append((frames.kind, len(frames.frames), frames.nbytes))
            outputs.append(nbformat.v4.new_output("display_data", data={MIME: to_html(frames)}))
        cell["outputs"] = outputs
    return nb


def _shows_something(model_id: str, state: dict, seen: set) -> bool:
    """Whether the saved widget tree under ``model_id`` holds anything a still can show."""
    if model_id in seen or model_id not in state:
        return False
    seen.add(model_id)
    model = state[model_id]
    values = model.get("state", {})
    if model.get("model_name") == "OutputModel" and values.get("outputs"):
        return True
    if model.get("model_name") in {"HTMLModel", "HTMLMathModel", "LabelModel"} and values.get("value"):
        return True
    children = [c[len("IPY_MODEL_"):] for c in values.get("children", [])
                if isinstance(c, str) and c.startswith("IPY_MODEL_")]
    return any(_shows_something(child, state, seen) for child in children)


def empty_widget_views(nb) -> list[str]:
    """Widget outputs a deck would show as an empty slide: each as ``"cell N: why"``.

    A widget view is fine when its model is in the saved widget state (``metadata.widgets``) and
    either carries a deck recipe or holds a still (an Output widget with outputs, an HTML or
    Label value).
    Saving a notebook from a live session without the widget state (or after a restart) gives
    views whose model ids are missing: that is what this catches.
    """
    state, problems = widget_state(nb), []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        views = [o["data"][WIDGET_VIEW] for o in outputs
                 if o.get("output_type") in {"display_data", "execute_result"} and WIDGET_VIEW in o.get("data", {})]
        for view in views:
            model_id = view.get("model_id", "")
            if model_id not in state:
                problems.append(f"cell {index}: widget {model_id or '(no id)'} has no saved widget state")
            elif not (isinstance(state[model_id].get("state", {}).get("deck"), dict)
                      or _shows_something(model_id, state, set())):
                problems.append(f"cell {index}: widget {model_id} has saved state but no recipe and no still")
    return problems


def main(argv: list[str] | None = None) -> int:
    import time

    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    for path in paths:
        report = []
        start = time.perf_counter()
        animate(nbformat.read(path, as_version=4), report)
        seconds = time.perf_counter() - start
        for kind, positions, nbytes in report:
            print(f"{path.name}: {kind}: {positions} positions, {nbytes / 1e6:.2f} MB of PNG")
        if not report:
            print(f"{path.name}: no explorer with a deck recipe (stills only)")
        print(f"{path.name}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
