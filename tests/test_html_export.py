"""HTML exports of the lessons (tools.html_export) pass WCAG 2.1 AA in Chromium, every figure described."""
from __future__ import annotations

from pathlib import Path

import pytest

from tools import deck_fit, html_export

LESSONS = sorted(html_export.SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
AXE_PAGE_JS = """
async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => v.id + ": " + v.nodes.length + " nodes, e.g. " + v.nodes[0].html.slice(0, 80));
}
"""


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    exporter = html_export.exporter()
    pages = {}
    for notebook in LESSONS:
        target = folder / f"{notebook.stem}.html"
        target.write_text(html_export.export(notebook, exporter), encoding="utf-8")
        pages[notebook.stem] = target
    return folder, pages


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_figure_in_the_export_is_described(notebook, exports):
    _, pages = exports
    page = pages[notebook.stem].read_text(encoding="utf-8")
    assert html_export.figure_problems(page) == []
    assert html_export.heading_problems(page) == [], "the lesson's headings skip a level"


def test_the_figure_check_fails_on_nbconvert_s_own_template():
    """The stock JupyterLab template drops the descriptions: the check must see it."""
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter(template_name="lab").from_filename(str(LESSONS[0]))
    assert any("no description" in p for p in html_export.figure_problems(page))
    assert html_export.figure_problems('<html lang="en"><img alt="a"><img alt="a"></html>') == [
        "2 images share the description 'a'"]
    assert html_export.heading_problems("<h1>a</h1><h2>b</h2><h4>c</h4><h1>d</h1>") == [
        "expected one h1 first, got levels [1, 2, 4, 1]", "heading 3: h4 after h2"]


def test_exports_pass_axe(exports, static_server, browser):
    """axe-core (WCAG 2.1 A and AA rules) on every lesson's export: no violation; it fails on the old colours."""
    folder, pages = exports
    base = static_server(folder)
    found = {}
    page = browser.new_page(viewport=deck_fit.VIEWPORT)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    try:
        for stem, path in pages.items():
            page.goto(f"{base}/{path.name}", wait_until="load")
            page.add_script_tag(path=str(deck_fit.AXE_SCRIPT))
            found[stem] = page.evaluate(AXE_PAGE_JS)
        page.add_style_tag(content=":root { --jp-mirror-editor-comment-color: #408080; }")   # JupyterLab's own
        old = page.evaluate(AXE_PAGE_JS)
    finally:
        page.close()
    assert {stem: v for stem, v in found.items() if v} == {}
    assert any(line.startswith("color-contrast") for line in old), old
