"""Accessible HTML exports of the lessons: what an instructor publishes on a course website.

Each solution notebook becomes ``build/html/NN_name.html`` through nbconvert's JupyterLab template
with the course's additions (``slides/templates/course_html``): each figure's description as its alt
text (``helpers.figures``), code colours that pass WCAG 2.1 AA, and each explorer as the figure it
showed when the notebook was executed (a web page has no kernel). ``tests/test_html_export.py`` runs
axe-core on every export in Chromium.

    python -m tools.html_export                      # every lesson -> build/html/
    python -m tools.html_export solutions/05_*.ipynb   # some
"""
from __future__ import annotations

import html.parser
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
OUT = ROOT / "build" / "html"
TEMPLATES = ROOT / "slides" / "templates"


DEFAULT_ALT = "No description has been provided for this image"     # what nbconvert writes when none is given


class _Images(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts, self.lang, self.captions, self.headings = [], None, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.alts.append(attrs.get("alt"))
        elif tag == "html":
            self.lang = attrs.get("lang")
        if "course-figure-description" in (attrs.get("class") or ""):
            self.captions += 1


def figure_problems(page: str, *, unique: bool = True) -> list[str]:
    """What is wrong with the figures' descriptions in one page (empty when all is well): an image without
    a description or with nbconvert's default, two images sharing one (``unique``), no language, captions."""
    parser = _Images()
    parser.feed(page)
    problems = [f"image {i + 1}: no description" for i, alt in enumerate(parser.alts)
                if not alt or not alt.strip() or alt == DEFAULT_ALT]
    repeated = {alt for alt in parser.alts if alt and parser.alts.count(alt) > 1} if unique else set()
    problems += [f"{parser.alts.count(alt)} images share the description {alt[:60]!r}" for alt in repeated]
    if parser.lang != "en":
        problems.append(f"the page's language is {parser.lang!r}, expected 'en'")
    if parser.captions:
        problems.append(f"{parser.captions} caption outputs repeat the alt text")
    if not parser.alts:
        problems.append("no figures")
    return problems


def heading_problems(page: str) -> list[str]:
    """Headings a screen reader's outline would trip on: a page not starting with one h1, or a level skipped
    on the way down (h2 then h4)."""
    parser = _Images()
    parser.feed(page)
    levels = parser.headings
    problems = [] if levels[:1] == [1] and levels.count(1) == 1 else [f"expected one h1 first, got levels {levels[:5]}"]
    problems += [f"heading {i + 2}: h{b} after h{a}" for i, (a, b) in enumerate(zip(levels, levels[1:])) if b > a + 1]
    return problems



def course_config(exporter: str, template: str):
    """nbconvert configuration for one of the course's templates (``slides/templates/<template>``), shared
    by the web pages and the decks: the template, its shared macros, and no ``In [3]:`` prompts."""
    from traitlets.config import Config

    config = Config()
    section = config[exporter]
    section.template_name = template
    section.extra_template_basedirs = [str(TEMPLATES)]
    section.extra_template_paths = [str(TEMPLATES)]      # for course_shared/access.j2
    section.exclude_input_prompt = True                  # a page to read: no prompts in faint colours
    section.exclude_output_prompt = True
    return config


def exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(config=course_config("HTMLExporter", "course_html"))


def export(notebook: Path, html_exporter=None) -> str:
    """The HTML page of one executed notebook (explorers as the stills they showed)."""
    from tools.slides import static_widgets

    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"argument 'notebook': expected an executed .ipynb file, got {notebook}")
    nb = static_widgets(nbformat.read(notebook, as_version=4))
    body, _ = (html_exporter or exporter()).from_notebook_node(
        nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}, "language_code": "en"})
    return body


def main(argv: list[str]) -> int:
    notebooks = [Path(a) for a in argv] or sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    OUT.mkdir(parents=True, exist_ok=True)
    html_exporter = exporter()
    for notebook in notebooks:
        target = OUT / f"{notebook.stem}.html"
        target.write_text(export(notebook, html_exporter), encoding="utf-8")
        print(f"{target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
