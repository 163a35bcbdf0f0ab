"""Every lesson's reveal.js deck: built offline, no CDN, and shown correctly by a real browser.

Decks are built once per session (``tools.slides.build``, what ``make slides`` runs) from
whatever ``solutions/NN_*.ipynb`` exist, served from 127.0.0.1 and opened in headless
Chromium at 1280x720. Every slide is visited with every fragment shown and must fit: no content
past the bottom or right edge, every figure fully visible, no code or output box hiding its end
(``tools/deck_fit.py`` measures; ``python -m tools.deck_fit`` prints the same report). → must
visit every slide, subslide and fragment in order. A screenshot of each first slide lands in
``build/screenshots/``.
"""
from __future__ import annotations

import contextlib
import html
import html.parser
import re

import nbformat
import pytest

from tests.browser_support import SCREENSHOTS, deck_build_lock, unavailable
from tools import deck_fit, nbtool, slides

LESSONS = slides.lesson_notebooks()
# One test per lesson; a clear skip while solutions/ has none.
PER_LESSON = [pytest.param(p, id=p.stem) for p in LESSONS] or [
    pytest.param(None, marks=pytest.mark.skip(reason="no lesson notebooks (solutions/NN_*.ipynb) yet"))]
MIN_SLIDES = 8
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
CSS_REMOTE = re.compile(r"""url\(\s*['"]?((?:https?:)?//[^'")]+)""")
SCRIPT_IMPORT = re.compile(r"""(?:\bimport\b[^'"]*|\brequire\s*\(\s*\[?\s*|\bimport\s*\(\s*)['"]((?:https?:)?//[^'"]+)""")


slide_type = nbtool.slide_type


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
        with deck_build_lock():
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
def test_every_figure_on_the_slides_is_described(notebook, decks):
    """Each <img> (figures and explorer frames) carries its figure's description, not nbconvert's default."""
    from tools import html_export

    page_html = decks[notebook.stem].read_text(encoding="utf-8")
    assert html_export.figure_problems(page_html, unique=False) == []
    frames = re.findall(r'"alts":(\[.*?\])', page_html)
    assert all('""' not in alts for alts in frames), "an explorer frame without a description"


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_deck_keeps_notes_and_drops_skipped_cells(notebook, decks):
    nb = nbformat.read(notebook, as_version=4)
    page_html = decks[notebook.stem].read_text(encoding="utf-8")
    shown = sum(slide_type(cell) != "skip" for cell in nb.cells)
    assert page_html.count('class="jp-Cell ') == shown, "skip cells must be left out, every other cell kept"
    notes = sum(slide_type(cell) == "notes" for cell in nb.cells)
    assert page_html.count('<aside class="notes">') == notes, "each notes cell becomes a speaker note"
    assert "application/vnd.jupyter.widget-view+json" not in page_html


def math_counts(page) -> tuple[int, int, int]:
    """(math sources, rendered formulas, formulas with TeX errors) in the page."""
    sources = page.locator('script[type^="math/tex"]').count()
    rendered = page.locator(".MathJax_CHTML").count()
    errors = page.locator(".MathJax_CHTML mjx-merror, .MathJax_CHTML .mjx-merror").count()
    return sources, rendered, errors


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_deck_in_browser(notebook, decks, deck_server, browser, request_log):
    nb = nbformat.read(notebook, as_version=4)
    deck = decks[notebook.stem]
    page = browser.new_page(viewport=deck_fit.VIEWPORT)
    log = request_log(page)
    try:
        deck_fit.open_deck(page, f"{deck_server}/{deck.name}")
        total = page.evaluate("Reveal.getTotalSlides()")
        assert total >= MIN_SLIDES, f"{deck.name}: {total} slides, a lesson needs at least {MIN_SLIDES}"
        if has_math(nb):
            # Poll until every math source has its rendered element (no marker racing MathJax's own
            # queue), generously under load; then assert, so a timeout still reports the counts.
            try:
                deck_fit.wait_for_math(page, timeout_ms=180_000)
            except Exception:      # playwright's TimeoutError: the assertions below say what is missing
                pass
            sources, rendered, errors = math_counts(page)
            assert sources > 0, f"{deck.name}: the notebook has $...$ math but MathJax found none"
            assert rendered == sources, f"{deck.name}: {rendered} of {sources} formulas rendered"
            assert errors == 0, f"{deck.name}: {errors} formulas have TeX errors"
            # each formula also as MathML, hidden on screen, for screen readers (MathJax's AssistiveMML)
            spoken = page.evaluate("document.querySelectorAll('.MJX_Assistive_MathML math').length")
            assert spoken == sources, f"{deck.name}: {spoken} of {sources} formulas have assistive MathML"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{notebook.stem}.slides.png"))
        fits = deck_fit.measure_page(page, notebook.stem)
        assert len(fits) == total, f"{deck.name}: measured {len(fits)} of {total} slides"
        problems = [line for fit in fits for line in fit.problems()]
        assert problems == [], f"{deck.name}: {len(problems)} slide problems at 1280x720:\n" + "\n".join(problems)
        unmeasured = [fit.where for fit in fits if not fit.sizes and not fit.figures]   # a figure alone has no text
        assert unmeasured == [], f"{deck.name}: slides with neither a measured text size nor a figure: {unmeasured}"
        assert log.problems == [], f"{deck.name}: " + "; ".join(log.problems)
        violations = deck_fit.accessibility(page, fits)
        assert violations == [], f"{deck.name}: {len(violations)} WCAG 2.1 AA violations (axe-core):\n" + \
            "\n".join(violations[:20])
        fonts = page.evaluate(FONTS_JS)
        assert fonts["loaded"] == {"Noto Sans": True, "Noto Sans Mono": True, "Noto Emoji": True}, \
            f"{deck.name}: the deck's own fonts did not load: {fonts}"
        assert fonts["errors"] == [], f"{deck.name}: font files failed: {fonts['errors']}"
    finally:
        page.close()
    # the same deck in a 4:3 window (a classroom projector at 1024x768): every slide fits there too
    page = browser.new_page(viewport=SMALL_WINDOW)
    try:
        deck_fit.open_deck(page, f"{deck_server}/{deck.name}")
        if has_math(nb):
            deck_fit.wait_for_math(page, timeout_ms=180_000)
        small = deck_fit.measure_page(page, notebook.stem)
        problems = [line for fit in small for line in fit.problems()]
        assert problems == [], f"{deck.name}: {len(problems)} slide problems at 1024x768:\n" + "\n".join(problems)
        assert len(small) == len(fits)
    finally:
        page.close()


SMALL_WINDOW = {"width": 1024, "height": 768}


# Each of the deck's own fonts loads from _static for the characters slides use (✅ ❌ from Noto Emoji).
FONTS_JS = """
async () => {
  await document.fonts.ready;
  const loaded = {};
  for (const [family, text] of [["Noto Sans", "Ab é"], ["Noto Sans Mono", "x = 1"], ["Noto Emoji", "\u2705\u274c"]]) {
    const faces = await document.fonts.load(`16px "${family}"`, text);
    loaded[family] = faces.length > 0 && faces.every(f => f.status === "loaded");
  }
  // (MathJax's own faces try local() fonts first and error by design; its web fonts are the -w faces)
  const ours = ["Noto Sans", "Noto Sans Mono", "Noto Emoji"];
  const errors = Array.from(document.fonts).filter(f => f.status === "error" && ours.includes(f.family.replace(/"/g, "")))
    .map(f => f.family);
  return {loaded, errors};
}
"""


# ---- the fit checker can fail ----------------------------------------------------------------

PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="


def _slide(cell, kind="slide"):
    cell.metadata["slideshow"] = {"slide_type": kind}
    return cell


def _bad_notebook():
    """Four slides: one that fits, one too long, one whose figure is pushed off, one with a clipped box."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    wide = "x = " + "+".join(["1"] * 200)
    clipped = nbformat.v4.new_output("display_data", data={"text/html": (
        f"<pre style='overflow: hidden; white-space: pre; width: 400px'>{wide}</pre>")})
    figure = nbformat.v4.new_output("display_data", data={"text/html": (
        f"<img alt='a figure' style='width: 600px; height: 400px' src='data:image/png;base64,{PIXEL}'>")})
    cells = [
        _slide(md("# A tiny deck\n\nIt fits.")),
        _slide(md("## Too long\n\n" + "\n".join(f"- point {i}" for i in range(40)))),
        _slide(md("## A figure pushed off\n\n" + "\n".join(f"{i}. step" for i in range(14)))),
        _slide(code("print('figure')", outputs=[figure]), "-"),
        _slide(md("## A box that hides its end")),
        _slide(code("show(x)", outputs=[clipped]), "-"),
    ]
    return nbformat.v4.new_notebook(cells=cells, metadata={"title": "A tiny deck"})


@contextlib.contextmanager
def _tiny_deck(nb, name, tmp_path, static_server, browser):
    """Build a one-off deck from ``nb``, open it at the reference size; yields (page, measured slides)."""
    source = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, source)
    out = tmp_path / "slides"
    try:
        [deck] = slides.build([source], out)
    except slides.SlidesError as error:
        unavailable(str(error))
    page = browser.new_page(viewport=deck_fit.VIEWPORT)
    try:
        deck_fit.open_deck(page, f"{static_server(out)}/{deck.name}")
        yield page, deck_fit.measure_page(page, name)
    finally:
        page.close()


def test_fit_checker_flags_a_long_slide(tmp_path, static_server, browser):
    with _tiny_deck(_bad_notebook(), "99_tiny", tmp_path, static_server, browser) as (_, fits):
        pass
    assert [fit.problems() for fit in fits][0] == [], "the short title slide fits"
    long_slide, figure_slide, box_slide = fits[1], fits[2], fits[3]
    assert long_slide.bottom > 200 and "past the bottom edge" in long_slide.problems()[0]
    assert "99_tiny slide 2 (1.0) 'Too long'" in long_slide.problems()[0]
    assert figure_slide.cut_figures, f"the figure below the list is cut: {figure_slide}"
    assert any("figure 1 is cut by" in line for line in figure_slide.problems())
    assert [box["side"] for box in box_slide.cut] == ["right"] and box_slide.cut[0]["px"] > 500
    counts = deck_fit.summary(fits)
    assert counts["overflowing slides"] >= 2 and counts["figures cut"] == 1
    assert counts["slides with a box cut at the right"] == 1


def _build_up_notebook():
    """What the audience sees only after a build-up: text, a table and a figure shown as fragments past the
    bottom. A measurement taken right after Reveal.nextFragment() (while the build-up still fades in and
    computes as hidden) saw none of these; the lessons had 12 such slides."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    rows = "".join(f"<tr><td>model {i}</td><td>{50 + i}.0 %</td></tr>" for i in range(24))
    table = nbformat.v4.new_output("display_data", data={"text/html": f"<table>{rows}</table>"})
    figure = nbformat.v4.new_output("display_data", data={"text/html": (
        f"<img alt='a figure' style='width: 600px; height: 400px' src='data:image/png;base64,{PIXEL}'>")})
    cells = [
        _slide(md("# Build-ups\n\nThis slide fits.")),
        _slide(md("## A build-up past the bottom\n\n" + "\n".join(f"- point {i}" for i in range(6)))),
        _slide(md("\n".join(f"- later point {i}" for i in range(30))), "fragment"),
        _slide(md("## A results table\n\n" + "\n".join(f"- line {i}" for i in range(5)))),
        _slide(code("show(results)", outputs=[table]), "fragment"),
        _slide(md("## A figure after its question\n\n" + "\n".join(f"{i}. step" for i in range(12)))),
        _slide(code("plot()", outputs=[figure]), "fragment"),
    ]
    return nbformat.v4.new_notebook(cells=cells, metadata={"title": "Build-ups"})


def test_fit_checker_sees_what_build_ups_show(tmp_path, static_server, browser):
    with _tiny_deck(_build_up_notebook(), "98_buildups", tmp_path, static_server, browser) as (page, fits):
        deck_fit.screenshots(page, fits[2:3], tmp_path / "shots")       # the screenshot path settles too
    assert fits[0].problems() == [] and all(f.settled for f in fits)
    text, table, figure = fits[1], fits[2], fits[3]
    assert text.bottom > 300 and "past the bottom edge" in text.problems()[0]
    assert table.bottom > 200, f"the table shown as a build-up runs past the bottom: {table}"
    assert figure.cut_figures and any("figure 1 is cut by" in line for line in figure.problems())
    assert (tmp_path / "shots" / "98_buildups-03.png").stat().st_size > 1000


# The offline explorers' style before issue 23 (controls at 9.6 px on screen, the note at 7.7 px).
OLD_EXPLORER_STYLE = """<style>
.course-explorer { font-size: 0.5em; text-align: left; }
.course-explorer-note { font-size: 0.8em; color: #666; }
</style>"""


def _small_text_notebook():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    html = lambda text: nbformat.v4.new_output("display_data", data={"text/html": text})  # noqa: E731
    explorer = html(OLD_EXPLORER_STYLE + "<div class='course-explorer'><div class='course-explorer-controls'>"
                    "<label>radius <input type='range'></label><output>0.9</output></div>"
                    "<p class='course-explorer-note'>Precomputed in the deck: 5 positions.</p></div>")
    cells = [_slide(md("# Sizes\n\nBig enough.")),
             _slide(md("## Small print")), _slide(code("note()", outputs=[html("<p style='font-size: 12px'>fine print</p>")]), "-"),
             _slide(md("## Small code")), _slide(code("log()", outputs=[html("<pre style='font-size: 11px'>x = 1</pre>")]), "-"),
             _slide(md("## An explorer as it was")), _slide(code("explore()", outputs=[explorer]), "-")]
    return nbformat.v4.new_notebook(cells=cells, metadata={"title": "Sizes"})


def test_size_check_flags_text_too_small_to_read_from_the_back(tmp_path, static_server, browser):
    """Text under 18 px, code under 16 px and explorer controls under 16 px on screen at 1280x720 are problems;
    the explorers' old style is one (the decks had it until issue 23)."""
    with _tiny_deck(_small_text_notebook(), "96_sizes", tmp_path, static_server, browser) as (_, fits):
        pass
    assert fits[0].problems() == [] and fits[0].sizes["text"]["px"] >= 18
    small_print, small_code, explorer = fits[1], fits[2], fits[3]
    assert [line.split(": ", 1)[1] for line in small_print.problems()] == \
        ["text 11.5 px < 18 px ('fine print') on screen at 1280x720"]
    assert any(line.endswith("code 10.6 px < 16 px ('x = 1') on screen at 1280x720") for line in small_code.problems())
    kinds = sorted(line.split(": ", 1)[1].split(" ")[0] for line in explorer.problems())
    assert kinds == ["control", "text"], explorer.problems()
    assert explorer.sizes["control"]["px"] < 10 and explorer.sizes["text"]["px"] < 8
    assert deck_fit.summary(fits)["slides with text below its minimum size"] == 3
    # sizes on screen are judged at the reference size only; fit in every window
    assert deck_fit.SlideFit(**{**small_print.__dict__, "viewport": "1024x768"}).problems() == []


def _figure_output(width_in: float, font_pt: float):
    """A real matplotlib figure as the course shows it (helpers.figures): PNG, alt text, smallest text size."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    from helpers import figures
    from helpers.config import plot_style

    plot_style()
    fig, ax = plt.subplots(figsize=(width_in, 2.5))
    ax.plot([0, 1, 2], [1, 3, 2], label="loss")
    ax.set_xlabel("step", fontsize=font_pt)
    ax.tick_params(labelsize=font_pt)
    ax.legend(fontsize=font_pt)
    data, metadata = figures.figure_bundle(fig, print_figure(fig, "png", base64=True))
    plt.close(fig)
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata)


def _figure_text_notebook():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [_slide(md("# Figures")),
             _slide(md("## The course's default")), _slide(code("plot()", outputs=[_figure_output(6, 10)]), "-"),
             _slide(md("## Large labels")), _slide(code("plot()", outputs=[_figure_output(6, 16)]), "-"),
             _slide(md("## Large labels on a wide figure")), _slide(code("plot()", outputs=[_figure_output(40, 16)]), "-")]
    return nbformat.v4.new_notebook(cells=cells, metadata={"title": "Figures"})


def test_size_check_measures_the_text_inside_figures(tmp_path, static_server, browser):
    """A figure's smallest label on screen is its size when drawn (recorded by helpers.figures) x the scale the
    slide shows it at; under 14 px is a problem: 10 pt at natural size is 12.5 px (and reveal's margin shows it
    a little smaller); 16 pt is 20 px, but about 9 px when a 40-inch-wide figure is shrunk to the slide's width.
    A figure without a recorded size (the tiny decks' pixel) cannot be measured: also a problem."""
    with _tiny_deck(_figure_text_notebook(), "95_figures", tmp_path, static_server, browser) as (_, fits):
        pass
    default, large, wide = fits[1], fits[2], fits[3]
    for fit, drawn in ((default, 12.5), (large, 20.0), (wide, 20.0)):
        [figure] = fit.figures
        assert figure["font"] == pytest.approx(drawn * figure["shown"] / 100, abs=0.3), fit
        assert fit.sizes["figure text"]["px"] == figure["font"]
    assert default.figures[0]["shown"] >= 95 and default.sizes["figure text"]["px"] < 12.5    # reveal's margin
    assert wide.figures[0]["shown"] < 50 and wide.sizes["figure text"]["px"] < 14
    assert large.problems() == [] and large.sizes["figure text"]["px"] >= 18
    assert [line.split(": ", 1)[1] for line in default.problems()] == \
        [f"figure text {default.figures[0]['font']} px < 14 px ('A panel: values against step; loss: 1 at') "
         "on screen at 1280x720"]
    assert len(wide.problems()) == 1 and "figure text" in wide.problems()[0]
    assert deck_fit.summary(fits)["slides with text below its minimum size"] == 2
    assert deck_fit.summary(fits)["figures without a recorded text size"] == 0
    with _tiny_deck(_bad_notebook(), "94_unrecorded", tmp_path, static_server, browser) as (_, unrecorded):
        pass
    assert any("figure 1 has no recorded text size" in line for line in unrecorded[2].problems())
    assert deck_fit.summary(unrecorded)["figures without a recorded text size"] == 1


def test_accessibility_check_flags_low_contrast(tmp_path, static_server, browser):
    """The deck test's axe-core pass fails on a real instance: faint text, and code the old colours drew."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    faint = nbformat.v4.new_output("display_data", data={"text/html": "<p style='color: #bbbbbb'>faint note</p>"})
    cells = [_slide(md("# Contrast\n\nReadable.")),
             _slide(md("## A faint output")), _slide(code("note()", outputs=[faint]), "-"),
             _slide(md("## Fine code")), _slide(code("x = 1  # a comment, 2.5e-3", outputs=[]), "-")]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"title": "Contrast"})
    with _tiny_deck(nb, "97_contrast", tmp_path, static_server, browser) as (page, fits):
        found = deck_fit.accessibility(page, fits)
        # JupyterLab's own comment colour (#408080 on #f5f5f5, 4.17:1) put back: axe must see it too
        page.add_style_tag(content=":root { --jp-mirror-editor-comment-color: #408080; }")
        old_colours = deck_fit.accessibility(page, fits[2:3])
    assert len(found) == 1 and "slide 2" in found[0] and "color-contrast" in found[0], found
    assert len(old_colours) == 1 and "color-contrast" in old_colours[0] and "#408080" in old_colours[0], old_colours


# ---- linear navigation -----------------------------------------------------------------------

def test_right_arrow_visits_every_slide_and_fragment_in_order(decks, deck_server, browser):
    """From the first slide, → alone (and Space alone) reaches every slide, subslide and fragment, in order."""
    def kinds(stem):
        return [slide_type(c) for c in nbformat.read(slides.SOLUTIONS / f"{stem}.ipynb", as_version=4).cells]

    candidates = [stem for stem in decks if "fragment" in kinds(stem) and "subslide" in kinds(stem)]
    if not candidates:
        pytest.skip("no deck has both subslides and fragments")
    stem = max(candidates, key=lambda name: kinds(name).count("subslide"))
    page = browser.new_page(viewport=deck_fit.VIEWPORT)
    try:
        deck_fit.open_deck(page, f"{deck_server}/{decks[stem].name}")
        page.evaluate("Reveal.configure({transition: 'none'})")
        slide_list = page.evaluate("""() => Reveal.getSlides().map(s => {
            const i = Reveal.getIndices(s); return [i.h, i.v || 0, s.querySelectorAll('.fragment').length]; })""")
        # every slide, then each of its fragments one by one (f: none shown = -1, no fragments = None)
        expected = [[h, v, f] for h, v, n in slide_list for f in ([None] if n == 0 else range(-1, n))]
        state = "(() => { const i = Reveal.getIndices(); return [i.h, i.v || 0, i.f === undefined ? null : i.f]; })()"
        # → through the whole deck (two presses more than needed: nothing after the end), Space
        # through its first slides (the same handler; a shorter run keeps the test quick)
        for key, presses in (("ArrowRight", len(expected) + 2), ("Space", 12)):
            page.evaluate("Reveal.slide(0, 0, -1)")
            visited = [page.evaluate(state)]
            for _ in range(presses):
                page.keyboard.press(key)
                here = page.evaluate(state)
                if here != visited[-1]:
                    visited.append(here)
            assert visited == expected[:len(visited)] and len(visited) == min(presses + 1, len(expected)), \
                f"{stem}: {key} visited {visited}, expected {expected}"
        assert sum(v > 0 for _, v, _ in expected) > 0 and sum(n for _, _, n in slide_list) > 0
        page.keyboard.press("Shift+Slash")     # "?" on a US keyboard
        help_text = page.locator(".reveal .overlay-help").inner_text(timeout=5_000)
        assert "Next slide" in help_text and "SPACE" in help_text and "→" in help_text, help_text
        assert "Speaker notes" in help_text and "This help" in help_text
    finally:
        page.close()


# ---- what goes on a slide, the index page, speaker notes ----------------------------------------

def test_slide_view_applies_the_cell_tags_and_trims_long_text():
    log = "\n".join(f"epoch {i}" for i in range(30))
    png = nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"})
    cells = [nbformat.v4.new_code_cell("plot()", outputs=[nbformat.v4.new_output("stream", text="a\n"), png]),
             nbformat.v4.new_code_cell("train()", outputs=[nbformat.v4.new_output("stream", text=log)]),
             nbformat.v4.new_code_cell("f()", outputs=[png]),
             nbformat.v4.new_code_cell("g()", outputs=[nbformat.v4.new_output("stream", text="short\n"), png])]
    cells[0].metadata["tags"] = [slides.HIDE_INPUT]
    cells[2].metadata["tags"] = [slides.HIDE_OUTPUT]
    cells[3].metadata["tags"] = [slides.HIDE_TEXT, "NBVAL_CHECK_OUTPUT"]
    nb = nbformat.v4.new_notebook(cells=cells)
    view = slides.slide_view(nb, max_lines=12)
    assert view.cells[0].metadata["transient"] == {"remove_source": True} and len(view.cells[0].outputs) == 2
    trimmed = view.cells[1].outputs[0].text
    assert trimmed.splitlines()[:12] == [f"epoch {i}" for i in range(12)]
    assert trimmed.splitlines()[12] == "… (18 more lines in the notebook)"
    assert view.cells[2].outputs == [] and view.cells[2].source == "f()"
    assert [list(o.data) for o in view.cells[3].outputs] == [["image/png", "text/plain"]]
    assert len(nb.cells[1].outputs[0].text.splitlines()) == 30 and "transient" not in nb.cells[0].metadata


def test_index_page_lists_every_deck_with_its_title(decks):
    page_html = (slides.OUT / slides.INDEX).read_text(encoding="utf-8")
    assert remote_references(page_html) == []
    for notebook in LESSONS:
        nb = nbformat.read(notebook, as_version=4)
        title = slides.deck_title(nb)
        assert title, f"{notebook.name} has no title heading"
        assert f'href="{slides.deck_name(notebook)}"' in page_html, f"index.html does not link {notebook.name}"
        assert html.escape(title) in page_html, f"index.html does not show the title of {notebook.name}"
    assert "print-pdf" in page_html and "Space" in page_html


INSTRUCTOR_REMARK = re.compile(
    r"let (the )?students|ask (the )?(students|class)|before showing|speaker note|\binstructors?:|"
    r"point at the|stress that|tell (the )?(students|class)|the audience", re.I)


def test_student_version_drops_speaker_notes():
    nb = nbformat.v4.new_notebook(cells=[
        _slide(nbformat.v4.new_markdown_cell("## Idea")),
        _slide(nbformat.v4.new_markdown_cell("Let students find the bug first."), "notes"),
        _slide(nbformat.v4.new_code_cell("x = 1"), "-")])
    student = nbtool.student_version(nb)
    assert [c.source for c in student.cells] == ["## Idea", "x = 1"]
    assert INSTRUCTOR_REMARK.search(nb.cells[1].source), "the remark pattern must catch a typical note"


# what a reading of a result looks like: a percentage, "the full profile", "the table/card/curve shows" ...
RESULT_READING = re.compile(r"\d+(\.\d+)? ?%|full profile|committed run|\bmeasured\b|\breading\b|what to look for|"
                            r"\bthe (table|card|curve|curves|plot|figure|still|scorecard)\b", re.I)


def test_student_version_keeps_readings_as_text():
    nb = nbformat.v4.new_notebook(cells=[
        _slide(nbformat.v4.new_markdown_cell("## Results")),
        _slide(nbformat.v4.new_markdown_cell("Reading the card: the LSTM wins at 90 %."), "notes"),
        _slide(nbformat.v4.new_markdown_cell("Ask the class which row surprises them."), "notes")])
    nb.cells[1].metadata["tags"] = [nbtool.READING]
    student = nbtool.student_version(nb)
    assert [c.source for c in student.cells] == ["## Results", "Reading the card: the LSTM wins at 90 %."]
    assert slide_type(student.cells[1]) == "-" and "tags" not in student.cells[1].metadata
    assert RESULT_READING.search(nb.cells[1].source) and not RESULT_READING.search(nb.cells[2].source)


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_every_reading_of_a_result_reaches_the_students(notebook):
    """A speaker-notes cell that reads a result is tagged `reading`, so the student copy shows it as text."""
    nb = nbformat.read(notebook, as_version=4)
    hidden = [cell.source[:70] for cell in nb.cells if nbtool.is_instructor_note(cell)
              and RESULT_READING.search(cell.source)]
    assert hidden == [], f"{notebook.name}: notes that read a result but students would not see: {hidden}"
    student = nbformat.read(nbtool.NOTEBOOKS / notebook.name, as_version=4)
    readings = [cell.source for cell in nb.cells if nbtool.is_note(cell) and not nbtool.is_instructor_note(cell)]
    shown = {cell.source for cell in student.cells if cell.cell_type == "markdown"}
    assert [r[:60] for r in readings if r not in shown] == [], "run `make student`"


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_student_notebook_has_no_speaker_notes(notebook):
    student = nbformat.read(nbtool.NOTEBOOKS / notebook.name, as_version=4)
    notes = [i for i, cell in enumerate(student.cells) if slide_type(cell) == "notes"]
    assert notes == [], f"notebooks/{notebook.name}: speaker-note cells {notes} (run `make student`)"
    remarks = [line for cell in student.cells if cell.cell_type == "markdown"
               for line in cell.source.splitlines() if INSTRUCTOR_REMARK.search(line)]
    assert remarks == [], f"notebooks/{notebook.name} addresses the instructor: {remarks}"


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


# ---- set-up installs the deck assets; the lecture-time estimate --------------------------------

def test_assets_step_without_npm_says_what_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(slides, "NODE_MODULES", tmp_path / "node_modules")      # nothing installed
    monkeypatch.setattr(slides.shutil, "which", lambda name: None)              # no npm on PATH
    assert slides.install_assets(optional=True) == 0, "set-up carries on without npm"
    message = capsys.readouterr().err
    assert "npm was not found" in message and "Node.js" in message and "make slides-assets" in message
    assert slides.install_assets() == 1, "`make slides-assets` itself fails without npm"
    assert slides.main(["--assets"]) == 1
    with pytest.raises(slides.SlidesError, match="npm was not found"):
        slides.ensure_node_modules()


def test_assets_step_is_a_no_op_once_installed(monkeypatch, capsys):
    if not slides.assets_installed():
        pytest.skip("slides/node_modules is not installed here (`make slides-assets`)")
    monkeypatch.setattr(slides.shutil, "which", lambda name: pytest.fail("npm must not run again"))
    assert slides.install_assets() == 0 and "already installed" in capsys.readouterr().out


def test_lecture_time_estimate_counts_slides_and_exercises():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [_slide(md("# 99 · Title")), _slide(code("import helpers"), "skip"), _slide(md("## One"), "slide"),
             _slide(md("more"), "subslide"), _slide(code('f = exercises.use("99.1", f)'), "-"),
             _slide(md("a note"), "notes"), _slide(md("## Two")), _slide(md("build-up"), "fragment")]
    nb = nbformat.v4.new_notebook(cells=cells)
    assert slides.slide_count(nb) == 4 and slides.exercise_count(nb) == 1
    assert slides.estimate_minutes(nb) == 10          # 4 x 2 + 1 x 3 = 11 -> 10
    assert slides.deck_title(nb) == "99 · Title"


@pytest.mark.parametrize("notebook", sorted(slides.SOLUTIONS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_exercise_shows_its_question_before_its_answer(notebook):
    """An exercise's answer (the solution cell) is a later build-up or slide, never shown with its question."""
    nb = nbformat.read(notebook, as_version=4)
    found = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and nbtool.BEGIN in cell.source:
            found += 1
            kind = slide_type(cell)
            assert kind in {"fragment", "subslide", "slide"}, \
                f"{notebook.name} cell {index}: the answer of an exercise is slide type {kind!r}, shown with its question"
    assert found >= 2
