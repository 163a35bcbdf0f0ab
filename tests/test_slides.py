"""Every lesson's reveal.js deck: built offline, no CDN, and shown correctly by a real browser.

Decks are built once per session (``tools.slides.build``, what ``make slides`` runs) from
whatever ``solutions/NN_*.ipynb`` exist, served from 127.0.0.1 and opened in headless
Chromium. A screenshot of each first slide lands in ``build/screenshots/``.
"""
from __future__ import annotations

import html.parser
import re

import nbformat
import pytest

from tests.browser_support import SCREENSHOTS, unavailable
from tools import slides

LESSONS = slides.lesson_notebooks()
# One test per lesson; a clear skip while solutions/ has none.
PER_LESSON = [pytest.param(p, id=p.stem) for p in LESSONS] or [
    pytest.param(None, marks=pytest.mark.skip(reason="no lesson notebooks (solutions/NN_*.ipynb) yet"))]
MIN_SLIDES = 8
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
CSS_REMOTE = re.compile(r"""url\(\s*['"]?((?:https?:)?//[^'")]+)""")
SCRIPT_IMPORT = re.compile(r"""(?:\bimport\b[^'"]*|\brequire\s*\(\s*\[?\s*|\bimport\s*\(\s*)['"]((?:https?:)?//[^'"]+)""")


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def has_math(nb) -> bool:
    """True when a shown markdown cell holds inline or display math ($...$ or $$...$$)."""
    pattern = re.compile(r"\$[^$\n]+\$")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and slide_type(cell) != "skip":
            prose = re.sub(r"```.*?```|`[^`\n]*`", "", cell.source, flags=re.S)   # MathJax skips code
            if pattern.search(prose):
                return True
    return False


class ResourceRefs(html.parser.HTMLParser):
    """Collects what a page loads: script/img/iframe/audio src, link href, inline script text."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"} and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.loads.append(attrs["href"])
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts.append(data)


def remote_references(page_html: str) -> list[str]:
    """URLs on another host that a page would load (src/href, ES-module imports, require lists)."""
    parser = ResourceRefs()
    parser.feed(page_html)
    found = [url for url in parser.loads if REMOTE.match(url)]
    for script in parser.inline_scripts:
        found += SCRIPT_IMPORT.findall(script)
    return found


def test_math_is_found_in_prose_not_in_code():
    def nb(*sources):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) for s in sources])

    assert has_math(nb("The state $h_t$ ..."))
    assert has_math(nb("$$y_t = W_{hy} h_t$$"))
    assert not has_math(nb("Run `echo $HOME $PATH` first", "```\nprice = $5 or $6\n```", "costs $5"))


def test_remote_references_are_detected():
    page = ('<script src="https://cdn.example/x.js"></script><link href="//cdn.example/a.css">'
            '<script type="module">import m from "https://cdn.example/m.mjs";</script>'
            '<script>require(["https://cdn.example/r.js"], f)</script>'
            '<script src="_static/require.js"></script><a href="https://doi.org/10.1/x">a paper</a>')
    assert remote_references(page) == ["https://cdn.example/x.js", "//cdn.example/a.css",
                                       "https://cdn.example/m.mjs", "https://cdn.example/r.js"]


@pytest.fixture(scope="session")
def decks():
    """Build every lesson's deck once (offline assets included); {notebook stem: deck path}."""
    if not LESSONS:
        pytest.skip("no lesson notebooks in solutions/ yet")
    try:
        built = slides.build(LESSONS)
    except slides.SlidesError as error:
        unavailable(str(error))
    return {deck.name[: -len(".slides.html")]: deck for deck in built}


@pytest.fixture(scope="module")
def deck_server(decks, static_server):
    return static_server(slides.OUT)


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_deck_is_offline(notebook, decks):
    deck = decks[notebook.stem]
    page_html = deck.read_text(encoding="utf-8")
    assert remote_references(page_html) == [], f"{deck.name} loads files from another host"
    for url in re.findall(r'(?:src|href)="(_static/[^"?#]+)', page_html):
        local = deck.parent / url
        assert local.is_file(), f"{deck.name} refers to {url}, which the build did not copy"
        if local.suffix == ".css":  # a theme may @import web fonts
            remote = CSS_REMOTE.findall(local.read_text(encoding="utf-8"))
            assert remote == [], f"{url} loads {remote}"


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_deck_keeps_notes_and_drops_skipped_cells(notebook, decks):
    nb = nbformat.read(notebook, as_version=4)
    page_html = decks[notebook.stem].read_text(encoding="utf-8")
    shown = sum(slide_type(cell) != "skip" for cell in nb.cells)
    assert page_html.count('class="jp-Cell ') == shown, "skip cells must be left out, every other cell kept"
    notes = sum(slide_type(cell) == "notes" for cell in nb.cells)
    assert page_html.count('<aside class="notes">') == notes, "each notes cell becomes a speaker note"
    assert "application/vnd.jupyter.widget-view+json" not in page_html


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_deck_in_browser(notebook, decks, deck_server, browser, request_log):
    nb = nbformat.read(notebook, as_version=4)
    deck = decks[notebook.stem]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    log = request_log(page)
    try:
        page.goto(f"{deck_server}/{deck.name}", wait_until="load")
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
        total = page.evaluate("Reveal.getTotalSlides()")
        assert total >= MIN_SLIDES, f"{deck.name}: {total} slides, a lesson needs at least {MIN_SLIDES}"
        if has_math(nb):
            # Queue a marker behind MathJax's own typesetting, then compare sources with renderings.
            page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.isReady", timeout=30_000)
            page.evaluate("MathJax.Hub.Queue(function () { window.courseMathDone = true; })")
            page.wait_for_function("window.courseMathDone === true", timeout=60_000)
            sources = page.locator('script[type^="math/tex"]').count()
            rendered = page.locator(".MathJax_CHTML").count()
            errors = page.locator(".MathJax_CHTML mjx-merror, .MathJax_CHTML .mjx-merror").count()
            assert sources > 0, f"{deck.name}: the notebook has $...$ math but MathJax found none"
            assert rendered == sources, f"{deck.name}: {rendered} of {sources} formulas rendered"
            assert errors == 0, f"{deck.name}: {errors} formulas have TeX errors"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{notebook.stem}.slides.png"))
        assert log.problems == [], f"{deck.name}: " + "; ".join(log.problems)
    finally:
        page.close()


def _widget_notebook(state):
    def view(model_id):
        return nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": model_id, "version_major": 2, "version_minor": 0},
            "text/plain": "VBox(...)"})

    nb = nbformat.v4.new_notebook(metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {
        "state": state, "version_major": 2, "version_minor": 0}}})
    nb.cells.append(nbformat.v4.new_code_cell("explorer()", outputs=[view("box")]))
    return nb


def test_widget_views_become_the_figures_they_showed():
    def model(name, **state):
        return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}

    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    state = {"box": model("VBoxModel", children=["IPY_MODEL_s", "IPY_MODEL_t", "IPY_MODEL_h", "IPY_MODEL_o"]),
             "s": model("SelectionSliderModel", description="window", _options_labels=["1", "2"], index=1),
             "t": model("TextModel", description="review", value="good <movie>"),
             "h": model("HTMLModel", value="<b>positive</b>"), "lay": model("LayoutModel"),
             "o": model("OutputModel", outputs=[png])}
    nb = _widget_notebook(state)
    shown = slides.static_widgets(nb)
    assert "widgets" not in shown.metadata and "widgets" in nb.metadata        # the input is left alone
    outputs = shown.cells[0].outputs
    assert "window: 2" in outputs[0].data["text/html"] and "good &lt;movie&gt;" in outputs[0].data["text/html"]
    assert outputs[1].data["text/html"] == "<b>positive</b>"
    assert outputs[2].data["image/png"] == "iVBORw0KGgo="
    assert all("application/vnd.jupyter.widget-view+json" not in o.get("data", {}) for o in outputs)


def test_widget_view_without_saved_state_becomes_a_note():
    nb = _widget_notebook({})
    outputs = slides.static_widgets(nb).cells[0].outputs
    assert len(outputs) == 1 and "Interactive in JupyterLab" in outputs[0].data["text/html"]
