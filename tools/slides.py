"""Offline reveal.js decks from the solution notebooks (``make slides``).

    python -m tools.slides                      # every solutions/NN_*.ipynb -> build/slides/NN_*.slides.html
    python -m tools.slides solutions/03_*.ipynb # only these
    python -m tools.slides --out DIR            # somewhere else

Each deck is ``nbconvert --to slides`` (the SlidesExporter) with the course template
``slides/templates/course_reveal``. Nothing is fetched from a CDN when a deck is shown:
reveal.js (and its speaker-notes plugin), MathJax 2, require.js and jQuery come from the npm
registry at build time (pinned in ``slides/package.json`` + ``slides/package-lock.json``,
installed with ``npm ci`` into ``slides/node_modules``) and are copied to ``_static/`` beside
the decks, so the folder works from a USB stick or any static web server.

Slide metadata: ``slide``/``subslide``/``fragment`` as usual, ``notes`` cells become speaker
notes (press ``s`` in the deck), ``skip`` cells (setup, long logs) are left out. Widgets
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

from . import deck_widgets

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
OUT = ROOT / "build" / "slides"
SLIDES = ROOT / "slides"                     # package.json, package-lock.json, templates/
NODE_MODULES = SLIDES / "node_modules"
TEMPLATES = SLIDES / "templates"
STATIC = "_static"                           # beside the decks

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

def ensure_node_modules() -> Path:
    """Install the pinned front-end packages with ``npm ci`` when missing or older than the lock."""
    lock = SLIDES / "package-lock.json"
    stamp = NODE_MODULES / ".package-lock.json"     # npm writes it on every install
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime and \
            all((NODE_MODULES / src).exists() for src, _ in ASSETS):
        return NODE_MODULES
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError("`make slides` needs npm (Node.js >= 18) once, to install reveal.js and MathJax "
                          "from slides/package-lock.json into slides/node_modules; install Node.js and retry")
    print("installing reveal.js, MathJax, require.js and jQuery (pinned in slides/package-lock.json) ...")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=SLIDES)
    if done.returncode != 0:
        raise SlidesError(f"`npm ci` in {SLIDES} failed (exit {done.returncode})")
    missing = [src for src, _ in ASSETS if not (NODE_MODULES / src).exists()]
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
    for src, dst in ASSETS:
        source, target = modules / src, static / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
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
        label = values.get("description") or name.replace("Model", "")
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


# ---- decks ----------------------------------------------------------------------------------

def exporter():
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.SlidesExporter.template_name = "course_reveal"
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.reveal_theme = "white"      # its fonts ship with reveal.js ("simple" imports web fonts)
    config.SlidesExporter.reveal_number = "c/t"
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    for trait, url in URLS.items():
        setattr(config.SlidesExporter, trait, url)
    return SlidesExporter(config=config)


def build_deck(notebook: Path, out: Path = OUT, slides_exporter=None) -> Path:
    """Write ``out/NN_name.slides.html`` from one executed solution notebook."""
    notebook = Path(notebook)
    nb = static_widgets(deck_widgets.animate(nbformat.read(notebook, as_version=4)))  # explorers that move
    body, _ = (slides_exporter or exporter()).from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    target = Path(out) / deck_name(notebook)
    target.write_text(body, encoding="utf-8")
    return target


def build(notebooks: list[Path] | None = None, out: Path = OUT) -> list[Path]:
    """Build a deck for each notebook (default: every lesson in solutions/) plus ``_static/``."""
    notebooks = lesson_notebooks() if notebooks is None else [Path(p) for p in notebooks]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    slides_exporter = exporter()
    return [build_deck(path, out, slides_exporter) for path in notebooks]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.slides", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every solutions/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
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
    print(f"open {Path(args.out) / deck_name(notebooks[0])} in a browser (press s for speaker notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
