"""Widgets in a real browser: JupyterLab on 127.0.0.1, driven by headless Chromium (Playwright).

For every ``solutions/NN_*.ipynb`` that creates a widget or an audio player (found from the
code: ``ipywidgets``, ``helpers.widgets*``, ``interact(...)``, ``Audio(...)``; or from the saved
outputs: a widget view, an ``<audio>`` element), the test opens a
clean copy of the notebook in JupyterLab (fast profile), runs all cells once, and then

* moves one control of the first widget (slider: arrow key on its handle; text box: typing;
  dropdown: another option; check box or button: a click) and waits until the widget's
  output (figure, text, HTML) differs from what it showed before;
* for a notebook that plays sound (``Audio(...)``), checks that an ``<audio>`` element with a
  non-empty source is on the page.

Lesson 01's explorer is the course's smoke test; any lesson added later is picked up here.
Chromium or Playwright missing: skipped with a message, or failed under ``CI=true``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tests import browser_support
from tests.browser_support import ROOT, SCREENSHOTS
from tools.slides import lesson_notebooks

# ipywidgets itself, the course's widget modules (helpers.widgets, helpers.widgets_<topic>, however
# imported), or interact(...); comments are ignored.
WIDGET_SOURCE = re.compile(r"\bipywidgets\b|\bwidgets(?:_\w+)?\b|\binteract(?:ive)?\s*\(")
AUDIO_SOURCE = re.compile(r"\bAudio\s*\(|<audio\b")
RUN_TIMEOUT_S = 240          # one notebook, all cells, fast profile (budget 30 s; the machine may be busy)
CHANGE_TIMEOUT_S = 60        # from moving a control to seeing its output change


def code_of(path: Path) -> str:
    """The notebook's code, without comment lines."""
    nb = nbformat.read(path, as_version=4)
    lines = (line for cell in nb.cells if cell.cell_type == "code" for line in cell.source.splitlines())
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def outputs_of(path: Path) -> str:
    """The saved outputs' HTML and widget views (committed solutions are executed)."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(str(data.get("text/html", "")))
            if "application/vnd.jupyter.widget-view+json" in data:
                parts.append("<widget-view>")
    return "\n".join(parts)


def interactive_notebooks(folder: Path = ROOT / "solutions") -> list[tuple[Path, bool, bool]]:
    """(notebook, has widget, has audio) for each lesson whose code makes a widget or a player.

    Found from the code (ipywidgets, the helpers' widget modules, Audio(...)) or from the saved
    outputs (a widget view, an <audio> element), so a player made inside a helper counts too.
    """
    found = []
    for path in lesson_notebooks(folder):
        source, outputs = code_of(path), outputs_of(path)
        widget = bool(WIDGET_SOURCE.search(source)) or "<widget-view>" in outputs
        audio = bool(AUDIO_SOURCE.search(source)) or "<audio" in outputs
        if widget or audio:
            found.append((path, widget, audio))
    return found


CASES = interactive_notebooks()
PER_CASE = [pytest.param(case, id=case[0].stem) for case in CASES] or [
    pytest.param(None, marks=pytest.mark.skip(reason="no lesson in solutions/ makes a widget or an audio player yet"))]


def test_widget_detection_reads_code_cells(tmp_path):
    def notebook(name, *sources):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("ipywidgets in prose only, and Audio( too"))
        nbformat.write(nb, tmp_path / name)

    notebook("01_a.ipynb", "import ipywidgets as w\nw.IntSlider()")
    notebook("02_b.ipynb", "from helpers import widgets_music\nfrom IPython.display import Audio\nAudio(x, rate=8000)")
    notebook("03_c.ipynb", "print(1)\n# a widget would help here: ipywidgets")
    notebook("04_d.ipynb", "from helpers import datasets, widgets\nwidgets.window_explorer(s, acc)")
    notebook("05_e.ipynb", "from IPython.display import Audio, display\ndisplay(Audio(wave, rate=8000))")
    notebook("06_f.ipynb", "music.play(tune)")                 # the player comes from a helper ...
    nb = nbformat.read(tmp_path / "06_f.ipynb", as_version=4)   # ... and shows in the saved output
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": '<audio controls><source src="data:audio/wav;base64,UklGR" type="audio/wav"></audio>'})]
    nbformat.write(nb, tmp_path / "06_f.ipynb")
    notebook("notes.ipynb", "import ipywidgets")           # not a lesson: NN_ prefix missing
    found = [(p.name, w, a) for p, w, a in interactive_notebooks(tmp_path)]
    assert found == [("01_a.ipynb", True, False), ("02_b.ipynb", True, True), ("04_d.ipynb", True, False),
                     ("05_e.ipynb", False, True), ("06_f.ipynb", False, True)]


# ---- JupyterLab ------------------------------------------------------------------------------

def clean_copy(source: Path, target: Path) -> None:
    """The notebook without outputs or saved widget state, so what the test sees is fresh."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, target)


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab (this venv) on 127.0.0.1 with a token, serving clean copies of the lessons."""
    if not CASES:
        pytest.skip("no lesson in solutions/ makes a widget or an audio player yet")
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    root.mkdir()
    for path, _, _ in CASES:
        clean_copy(path, root / path.name)
    with browser_support.jupyterlab(root, base) as server:
        yield dict(server, root=root)
    shutil.rmtree(root, ignore_errors=True)


# Run in the page: find the first widget control and describe it, and fingerprint outputs.
FIND_CONTROL = """() => {
  const kinds = [
    ['slider', '.widget-slider .noUi-handle, .widget-hslider .noUi-handle, .widget-vslider .noUi-handle'],
    ['text', '.widget-text input, .widget-textarea textarea'],
    ['dropdown', '.widget-dropdown select'],
    ['checkbox', '.widget-checkbox input[type=checkbox]'],
    ['toggle', '.widget-toggle-buttons button, .widget-toggle-button'],
    ['button', 'button.jupyter-button'],
  ];
  for (const [kind, selector] of kinds) {
    const element = document.querySelector('.jp-Notebook .jp-OutputArea ' + selector.split(', ').join(', .jp-Notebook .jp-OutputArea '));
    if (element) {
      const cell = element.closest('.jp-Cell');
      const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
      element.setAttribute('data-course-control', '1');
      return {kind: kind, cell: cells.indexOf(cell)};
    }
  }
  return null;
}"""

FINGERPRINT = """(index) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
  if (!cell) return '';
  const parts = [];
  cell.querySelectorAll('.jp-OutputArea img').forEach(e => parts.push('img:' + e.getAttribute('src')));
  cell.querySelectorAll('.jp-OutputArea svg').forEach(e => parts.push('svg:' + e.innerHTML.length + ':' + e.textContent));
  cell.querySelectorAll('.jp-OutputArea pre, .widget-html-content, .widget-label, .jp-RenderedHTMLCommon')
      .forEach(e => { if (!e.closest('.widget-readout')) parts.push('text:' + e.textContent); });
  return parts.join('\\n');
}"""

KERNEL_READY = """() => {
  const panel = window.jupyterapp && jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && !!panel.content && panel.content.widgets.length > 0;
}"""

RUN_ALL = """(ms) => Promise.race([
  jupyterapp.commands.execute('notebook:run-all-cells'),
  new Promise(resolve => setTimeout(() => resolve('timeout'), ms)),
])"""

ERRORS = """() => Array.from(document.querySelectorAll(
  '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
  .map(e => e.textContent).filter(t => /Error|Traceback/.test(t)).map(t => t.slice(-1500))"""


def move_control(page, kind: str) -> str:
    """Change the control found by FIND_CONTROL the way a person would; returns what was done."""
    control = page.locator("[data-course-control]").first
    if kind == "slider":
        readout = control.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]//div[contains(@class,'widget-readout')]")
        before = readout.first.text_content() if readout.count() else None
        control.focus()
        control.press("ArrowRight")
        if readout.count() and readout.first.text_content() == before:   # already at the maximum
            control.press("ArrowLeft")
            control.press("ArrowLeft")
        return "slider moved with the arrow keys"
    if kind == "text":
        control.click()
        control.press("End")
        control.press_sequentially(" not bad at all", delay=20)
        control.press("Enter")
        return "text typed into the box"
    if kind == "dropdown":
        options = control.locator("option")
        current = control.input_value()
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        control.select_option(next(v for v in values if v != current))
        return "another option chosen"
    control.click()
    return f"{kind} clicked"


@pytest.mark.parametrize("case", PER_CASE)
def test_notebook_in_jupyterlab(case, jupyterlab, browser, request_log):
    path, has_widget, has_audio = case
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log = request_log(page, redirects_ok=True)
    try:
        page.goto(f"{jupyterlab['url']}/lab/tree/{path.name}?reset&token={jupyterlab['token']}")
        page.wait_for_function(KERNEL_READY, timeout=120_000, polling=250)
        result = page.evaluate(RUN_ALL, RUN_TIMEOUT_S * 1000)
        errors = page.evaluate(ERRORS)
        assert result != "timeout", f"{path.name}: running all cells took over {RUN_TIMEOUT_S} s"
        assert result is True and not errors, f"{path.name}: a cell failed in JupyterLab:\n" + "\n".join(errors)

        if has_widget:
            found = page.wait_for_function(FIND_CONTROL, timeout=30_000, polling=250).json_value()
            assert found, f"{path.name} uses widgets but no control rendered"
            before = page.evaluate(FINGERPRINT, found["cell"])
            action = move_control(page, found["kind"])
            try:
                page.wait_for_function(f"(b) => ({FINGERPRINT})({found['cell']}) !== b", arg=before,
                                       timeout=CHANGE_TIMEOUT_S * 1000, polling=200)
            except Exception:
                pytest.fail(f"{path.name}: {action}, but the widget's output did not change "
                            f"within {CHANGE_TIMEOUT_S} s")
        if has_audio:
            sources = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-Notebook audio'))
                .map(a => a.getAttribute('src') || (a.querySelector('source') || {getAttribute: () => ''}).getAttribute('src') || '')""")
            assert sources, f"{path.name} makes sound but no <audio> element is on the page"
            assert all(sources), f"{path.name}: an <audio> element has an empty source"
        if has_widget:   # the screenshot shows the widget from its control down
            page.evaluate("() => document.querySelector('[data-course-control]').scrollIntoView({block: 'start'})")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.jupyterlab.png"))
        assert log.problems == [], f"{path.name}: " + "; ".join(log.problems)
    finally:
        try:   # free the kernel (TensorFlow is large) before the next notebook
            page.evaluate("() => jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        except Exception:
            pass
        context.close()
