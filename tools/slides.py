"""Offline reveal.js decks from the solution notebooks (``make slides``).

    python -m tools.slides                      # every solutions/NN_*.ipynb -> build/slides/NN_*.slides.html
    python -m tools.slides solutions/03_*.ipynb # only these
    python -m tools.slides --out DIR            # somewhere else
    python -m tools.slides --assets [--optional] # only install the pinned front-end files (set-up step)

Each deck is ``nbconvert --to slides`` (the SlidesExporter) with the course template
``slides/templates/course_reveal``. Nothing is fetched from a CDN when a deck is shown:
reveal.js (and its speaker-notes plugin), MathJax 2, require.js and jQuery come from the npm
registry at build time (pinned in ``slides/package.json`` + ``slides/package-lock.json``,
installed with ``npm ci`` into ``slides/node_modules``) and are copied to ``_static/`` beside
the decks, so the folder works from a USB stick or any static web server.

Slide metadata: ``slide``/``subslide``/``fragment`` as usual, ``notes`` cells become speaker
notes (press ``s`` in the deck), ``skip`` cells (setup, long logs) are left out. Cell tags decide
what of a shown cell goes on the slide (the notebook keeps everything):

- ``slides-hide-input``: the slide shows the cell's output only (a long plotting cell: the
  audience needs the figure; students still read the code in the notebook);
- ``slides-hide-output``: the slide shows the code only;
- ``slides-hide-text``: the slide leaves out what the cell printed and keeps its figures, tables
  and audio (a training log above the plot of the same numbers);
- long text outputs are trimmed to their first ``MAX_OUTPUT_LINES`` lines on the slide, with a
  line saying how many more the notebook shows.

Every deck is laid out for 1280x720 (reveal.js scales it to the screen), navigates linearly
(→ and Space visit every slide, subslide and fragment in order) and gets an index page,
``build/slides/index.html``, listing the decks with their titles. Widgets
cannot run without a kernel: each widget view is replaced by what it showed when the
solution was executed (the figures captured in its Output widgets, and a line naming the
control values); present them live with RISE in JupyterLab (see docs/instructors.md).
"""
from __future__ import annotations

import argparse
import copy
import html
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from . import deck_widgets, nbtool

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
OUT = ROOT / "build" / "slides"
SLIDES = ROOT / "slides"                     # package.json, package-lock.json, templates/
NODE_MODULES = SLIDES / "node_modules"
TEMPLATES = SLIDES / "templates"
STATIC = "_static"                           # beside the decks

WIDTH, HEIGHT = 1280, 720                    # the reference size every slide must fit
HIDE_INPUT, HIDE_OUTPUT, HIDE_TEXT = "slides-hide-input", "slides-hide-output", "slides-hide-text"
SLIDE_TAGS = {HIDE_INPUT, HIDE_OUTPUT, HIDE_TEXT}
MAX_OUTPUT_LINES = 12                        # a text output longer than this is trimmed on the slide
INDEX = "index.html"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# (source inside node_modules, destination inside _static); MathJax is trimmed to what the
# TeX-AMS_CHTML-full configuration loads (73 MB -> a few MB).
ASSETS = [
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("reveal.js/LICENSE", "reveal.js/LICENSE"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
    ("mathjax/config", "mathjax/config"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/localization/en", "mathjax/localization/en"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
    # The decks carry their fonts, so a slide looks (and fits) the same on every laptop: Noto Sans for
    # text, Noto Sans Mono for code, Noto Emoji for the symbols outputs print (✅, ❌), each under the
    # SIL Open Font License. Fontsource's stylesheets with the woff2 files of the weights used.
    ("@fontsource/noto-sans/400.css", "fonts/noto-sans/400.css"),
    ("@fontsource/noto-sans/400-italic.css", "fonts/noto-sans/400-italic.css"),
    ("@fontsource/noto-sans/700.css", "fonts/noto-sans/700.css"),
    ("@fontsource/noto-sans/700-italic.css", "fonts/noto-sans/700-italic.css"),
    ("@fontsource/noto-sans/LICENSE", "fonts/noto-sans/LICENSE"),
    ("@fontsource/noto-sans/files", "fonts/noto-sans/files", ("*-400-normal.woff2", "*-400-italic.woff2",
                                                              "*-700-normal.woff2", "*-700-italic.woff2")),
    ("@fontsource/noto-sans-mono/400.css", "fonts/noto-sans-mono/400.css"),
    ("@fontsource/noto-sans-mono/LICENSE", "fonts/noto-sans-mono/LICENSE"),
    ("@fontsource/noto-sans-mono/files", "fonts/noto-sans-mono/files", ("*-400-normal.woff2",)),
    ("@fontsource/noto-emoji/400.css", "fonts/noto-emoji/400.css"),
    ("@fontsource/noto-emoji/LICENSE", "fonts/noto-emoji/LICENSE"),
    ("@fontsource/noto-emoji/files", "fonts/noto-emoji/files", ("*-400-normal.woff2",)),
]

# Relative URLs written into every deck (the decks sit beside _static/).
URLS = {
    "reveal_url_prefix": f"{STATIC}/reveal.js",
    "mathjax_url": f"{STATIC}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": f"{STATIC}/require.js",
    "jquery_url": f"{STATIC}/jquery.min.js",
}


class SlidesError(RuntimeError):
    pass


def lesson_notebooks(folder: Path = SOLUTIONS) -> list[Path]:
    """Every lesson notebook ``NN_*.ipynb`` in ``folder``, in lesson order (found, never listed)."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb") if p.is_file())


def deck_name(notebook: Path) -> str:
    return Path(notebook).stem + ".slides.html"


# ---- front-end files ----------------------------------------------------------------------

NPM_MISSING = ("the slide decks need reveal.js and MathJax from slides/package-lock.json, installed once with "
               "npm; npm was not found: install Node.js (>= 18, it brings npm; e.g. `apt-get install nodejs npm`, "
               "`brew install node`, or https://nodejs.org), then run `make slides-assets` (or "
               "`python -m tools.slides --assets`) while online; after that the decks build offline")


def assets_installed() -> bool:
    """True when slides/node_modules holds every pinned file and is not older than the lock."""
    stamp = NODE_MODULES / ".package-lock.json"     # npm writes it on every install
    lock = SLIDES / "package-lock.json"
    return stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime and \
        all((NODE_MODULES / src).exists() for src, *_ in ASSETS)


def install_assets(optional: bool = False) -> int:
    """The set-up step: install the pinned deck assets now, so the first deck build needs no network.

    Returns 0 when they are installed (or already were). When npm is missing or ``npm ci`` fails,
    prints what to do and returns 1, or 0 with ``optional`` (set-up carries on: only decks need them).
    """
    try:
        already = assets_installed()
        ensure_node_modules()
    except SlidesError as error:
        print(f"{'note' if optional else 'error'}: {error}", file=sys.stderr)
        return 0 if optional else 1
    print(f"deck assets {'already ' if already else ''}installed in {NODE_MODULES} (pinned by slides/package-lock.json)")
    return 0


def ensure_node_modules() -> Path:
    """Install the pinned front-end packages with ``npm ci`` when missing or older than the lock."""
    if assets_installed():
        return NODE_MODULES
    stamp = NODE_MODULES / ".package-lock.json"
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError(NPM_MISSING)
    print("installing reveal.js, MathJax, require.js and jQuery (pinned in slides/package-lock.json) ...")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=SLIDES)
    if done.returncode != 0:
        raise SlidesError(f"`npm ci` in {SLIDES} failed (exit {done.returncode}): it needs the npm registry "
                          "once (is the network up?); after that the decks build offline")
    missing = [src for src, *_ in ASSETS if not (NODE_MODULES / src).exists()]
    if missing:
        raise SlidesError(f"npm installed the packages but these files are missing: {missing}")
    stamp.touch()
    return NODE_MODULES


def copy_assets(out: Path) -> Path:
    """Copy the front-end files to ``out/_static`` (skipped when already there and current)."""
    modules = ensure_node_modules()
    static = Path(out) / STATIC
    stamp = static / ".copied-from-lock"
    lock_text = (SLIDES / "package-lock.json").read_text(encoding="utf-8")
    if stamp.exists() and stamp.read_text(encoding="utf-8") == lock_text:
        return static
    if static.exists():
        shutil.rmtree(static)
    for src, dst, *only in ASSETS:
        source, target = modules / src, static / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if only:                                   # a folder, but only the files matching these patterns
            target.mkdir(parents=True, exist_ok=True)
            for pattern in only[0]:
                for file in source.glob(pattern):
                    shutil.copy2(file, target / file.name)
        elif source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
        else:
            shutil.copy2(source, target)
    stamp.write_text(lock_text, encoding="utf-8")
    return static


# ---- widgets -> the figures they showed ----------------------------------------------------

def _model_id(reference) -> str | None:
    if isinstance(reference, str) and reference.startswith("IPY_MODEL_"):
        return reference[len("IPY_MODEL_"):]
    return None


def _walk(model_id: str, state: dict, controls: list, outputs: list, seen: set) -> None:
    if model_id in seen or model_id not in state:
        return
    seen.add(model_id)
    model = state[model_id]
    name, values = model.get("model_name", ""), model.get("state", {})
    if name == "OutputModel":
        outputs.extend(values.get("outputs", []))
    elif name in {"HTMLModel", "HTMLMathModel", "LabelModel"}:   # display content, not a control
        if values.get("value"):
            kind = "text/plain" if name == "LabelModel" else "text/html"
            outputs.append({"output_type": "display_data", "metadata": {}, "data": {kind: values["value"]}})
    elif not name.endswith(("LayoutModel", "StyleModel")):
        label = (values.get("description") or name.replace("Model", "")).rstrip(": ")   # "model:" -> "model"
        options, index = values.get("_options_labels"), values.get("index")
        if isinstance(options, list) and isinstance(index, int) and 0 <= index < len(options):
            controls.append(f"{label}: {options[index]}")          # Dropdown, SelectionSlider ...
        elif "value" in values and not isinstance(values["value"], (dict, list)):
            controls.append(f"{label}: {values['value']}")
    for child in values.get("children", []):
        child_id = _model_id(child)
        if child_id:
            _walk(child_id, state, controls, outputs, seen)


def static_widgets(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose widget views are replaced by the outputs they captured when executed.

    Needs the widget state nbclient saves in ``nb.metadata.widgets``; without it a widget view
    becomes a one-line note. The state itself is dropped, so no widget renderer is loaded.
    """
    nb = copy.deepcopy(nb)
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        replaced = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW) if output.get("output_type") in {
                "display_data", "execute_result"} else None
            if view is None:
                replaced.append(output)
                continue
            controls, captured = [], []
            _walk(view.get("model_id", ""), state, controls, captured, set())
            caption = " · ".join(html.escape(str(c)) for c in controls)
            note = (f"<p class='course-widget-note'><em>Interactive in JupyterLab</em>"
                    f"{' (shown with ' + caption + ')' if caption else ''}</p>")
            replaced.append(nbformat.v4.new_output("display_data", data={"text/html": note}))
            replaced.extend(nbformat.from_dict(o) for o in captured)
        cell.outputs = replaced
    return nb


# ---- what of each cell goes on the slide -------------------------------------------------------

def _trim(text: str, limit: int) -> str:
    lines = text.splitlines()
    if len(lines) <= limit:
        return text
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + f"\n… ({more} more line{'s' if more > 1 else ''} in the notebook)\n"


def slide_view(nb: nbformat.NotebookNode, max_lines: int = MAX_OUTPUT_LINES) -> nbformat.NotebookNode:
    """A copy of ``nb`` with each cell as its slide shows it: tags applied, long text outputs trimmed.

    ``slides-hide-input`` keeps a code cell's outputs but not its source, ``slides-hide-output``
    the source but not the outputs, ``slides-hide-text`` drops printed text (stream and plain-text
    outputs) but keeps figures, HTML and audio. Consecutive prints are joined, then a text output
    longer than ``max_lines`` lines keeps its first ``max_lines`` lines and a line counting the rest.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        if HIDE_INPUT in tags:
            cell.metadata["transient"] = {"remove_source": True}
        outputs = [] if HIDE_OUTPUT in tags else cell.get("outputs", [])
        if HIDE_TEXT in tags:
            outputs = [o for o in outputs if o.get("output_type") != "stream" and not (
                set(o.get("data", {})) <= {"text/plain"} and o.get("output_type") != "error")]
        joined = []
        for output in outputs:
            if output.get("output_type") == "stream" and joined and joined[-1].get("output_type") == "stream" \
                    and joined[-1].get("name") == output.get("name"):
                joined[-1]["text"] = joined[-1]["text"] + output.get("text", "")
            else:
                joined.append(output)
        for output in joined:
            if output.get("output_type") == "stream":
                output["text"] = _trim(output.get("text", ""), max_lines)
            elif set(output.get("data", {})) == {"text/plain"}:
                output["data"]["text/plain"] = _trim(output["data"]["text/plain"], max_lines)
        if "outputs" in cell:
            cell.outputs = joined
    return nb


# ---- decks ----------------------------------------------------------------------------------

def exporter():
    from nbconvert import SlidesExporter

    from tools.html_export import course_config

    config = course_config("SlidesExporter", "course_reveal")
    config.SlidesExporter.reveal_theme = "white"      # its fonts ship with reveal.js ("simple" imports web fonts)
    config.SlidesExporter.reveal_number = "c/t"
    config.SlidesExporter.reveal_width = str(WIDTH)
    config.SlidesExporter.reveal_height = str(HEIGHT)
    for trait, url in URLS.items():
        setattr(config.SlidesExporter, trait, url)
    return SlidesExporter(config=config)


def build_deck(notebook: Path, out: Path = OUT, slides_exporter=None) -> Path:
    """Write ``out/NN_name.slides.html`` from one executed solution notebook."""
    notebook = Path(notebook)
    nb = slide_view(static_widgets(deck_widgets.animate(nbformat.read(notebook, as_version=4))))  # explorers that move
    body, _ = (slides_exporter or exporter()).from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    target = Path(out) / deck_name(notebook)
    target.write_text(body, encoding="utf-8")
    return target


def deck_title(nb: nbformat.NotebookNode, fallback: str = "") -> str:
    """The lesson's title: the first markdown heading of the notebook (its title slide)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def slide_count(nb: nbformat.NotebookNode) -> int:
    """Slides a presenter steps through (each slide and subslide; fragments not counted)."""
    kinds = [nbtool.slide_type(cell) for cell in nb.cells]
    shown = [kind for kind in kinds if kind not in {"skip", "notes"}]
    starts = sum(kind in {"slide", "subslide"} for kind in shown)
    return starts + (1 if shown and shown[0] not in {"slide", "subslide"} else 0)


MINUTES_PER_SLIDE = 2        # explaining one slide or subslide and its figure, a question or two
MINUTES_PER_EXERCISE = 3     # posing an exercise and letting the room try it before the answer


def exercise_count(nb: nbformat.NotebookNode) -> int:
    """Exercises in the lesson (cells that call ``exercises.use("NN.M", ...)``)."""
    return sum(cell.cell_type == "code" and "exercises.use(" in cell.source for cell in nb.cells)


def estimate_minutes(nb: nbformat.NotebookNode) -> int:
    """Lecture time, rounded to 5 min: the speaker notes' times added up (``Time: about N min`` on every
    slide, :mod:`tools.speaker_notes`); a deck whose notes do not all say it gets 2 min a slide + 3 min an
    exercise (docs/instructors.md)."""
    from tools import speaker_notes

    minutes = speaker_notes.lesson_minutes(nb)
    if minutes is None:
        minutes = MINUTES_PER_SLIDE * slide_count(nb) + MINUTES_PER_EXERCISE * exercise_count(nb)
    return max(5, 5 * round(minutes / 5))


def write_index(notebooks: list[Path], out: Path = OUT) -> Path:
    """``out/index.html``: every deck with its title, number of slides and estimated time."""
    rows = []
    for notebook in notebooks:
        nb = nbformat.read(notebook, as_version=4)
        count, minutes = slide_count(nb), estimate_minutes(nb)
        rows.append(f'<tr><td><a href="{html.escape(deck_name(notebook))}">'
                    f'{html.escape(deck_title(nb, Path(notebook).stem))}</a></td>'
                    f'<td>{count}</td><td>about {minutes} min</td></tr>')
    page = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Deep Sequence Modeling: lecture decks</title>
<style>
body {{ font-family: sans-serif; max-width: 56em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .4em .6em; text-align: left; }}
td:nth-child(2), th:nth-child(2) {{ text-align: right; }}
kbd {{ border: 1px solid #bbb; border-radius: 3px; padding: 0 .3em; font-size: 90%; }}
</style></head>
<body>
<h1>Deep Sequence Modeling: lecture decks</h1>
<table>
<thead><tr><th>deck</th><th>slides</th><th>time (estimate)</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p>Keys in a deck: <kbd>→</kbd> or <kbd>Space</kbd> next (every slide, subslide and build-up in order),
<kbd>←</kbd> back, <kbd>s</kbd> speaker notes and timer, <kbd>f</kbd> full screen, <kbd>o</kbd> or
<kbd>Esc</kbd> overview, <kbd>?</kbd> all keys. PDF: open a deck with <code>?print-pdf</code> after its name
and print to PDF. Time: an estimate, {MINUTES_PER_SLIDE} minutes a slide plus {MINUTES_PER_EXERCISE} an exercise,
rounded to 5 minutes (docs/instructors.md).</p>
</body>
</html>
"""
    target = Path(out) / INDEX
    target.write_text(page, encoding="utf-8")
    return target


def build(notebooks: list[Path] | None = None, out: Path = OUT) -> list[Path]:
    """Build a deck for each notebook (default: every lesson in solutions/), ``_static/`` and the index."""
    notebooks = lesson_notebooks() if notebooks is None else [Path(p) for p in notebooks]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    slides_exporter = exporter()
    decks = [build_deck(path, out, slides_exporter) for path in notebooks]
    listed = {p.name: p for p in lesson_notebooks() if (out / deck_name(p)).exists()}   # built before
    listed.update({Path(p).name: Path(p) for p in notebooks})
    write_index([listed[name] for name in sorted(listed)], out)
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.slides", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every solutions/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.relative_to(ROOT)}")
    parser.add_argument("--assets", action="store_true",
                        help="only install the pinned reveal.js/MathJax files (npm ci), e.g. during set-up")
    parser.add_argument("--optional", action="store_true",
                        help="with --assets: when npm is missing or fails, say what to install and exit 0")
    args = parser.parse_args(argv)
    if args.assets:
        return install_assets(optional=args.optional)
    notebooks = args.notebooks or lesson_notebooks()
    if not notebooks:
        print(f"no lesson notebooks (NN_*.ipynb) in {SOLUTIONS}: nothing to build")
        return 0
    try:
        decks = build(notebooks, args.out)
    except SlidesError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for deck in decks:
        print(f"wrote {deck}")
    print(f"open {Path(args.out) / INDEX} in a browser: it lists the decks (in a deck, press ? for the keys)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
