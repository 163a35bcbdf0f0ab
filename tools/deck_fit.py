"""Does every slide fit? Measures built reveal.js decks in headless Chromium.

    python -m tools.deck_fit                         # every deck in build/slides/ (build them first)
    python -m tools.deck_fit build/slides/05_*.html  # only these

Each deck is opened at the reference size, 1280x720, with reveal.js' own scaling. Every slide
(vertical subslides included) is visited with all of its fragments shown, and measured in the
slide's own coordinates (reveal's configured width x height, before scaling):

- **overflow**: visible content (elements and text) past the slide box at the bottom or the right
  (or above / left of it);
- **cut figure**: an ``<img>`` not fully visible, because it runs past the slide box or is clipped by
  a box around it (or never loaded);
- **cut box**: a code or output box whose content is wider (or taller) than the box, which hides
  the rest (``overflow`` hidden, auto or scroll: nobody scrolls a box during a talk);
- **small text**: the size on screen (font size x reveal's scale) of the smallest text of each kind,
  checked at the reference size against :data:`MINIMUM_PX` (readable from the back row): text and a
  formula's main line 18 px, code and printed output 16 px, an explorer's controls 16 px. A formula's
  sub- and superscripts are measured and printed but have no minimum (TeX sets them smaller).
  The text inside figures at least 14 px: a figure's smallest label, recorded when it was drawn
  (``helpers.figures`` puts it in the output's metadata; the deck writes it as ``data-font-px``), x
  the scale the slide shows the figure at. A figure without that record counts as a problem.

Fit is measured in the slide's own coordinates, so it does not depend on the window; sizes on screen
do. ``--size 1024x768`` measures at another window size (4:3): fit must hold there too.

The command prints one line per problem and the totals; it exits 1 when there is any problem.
Playwright (the test extra) and Chromium (``/usr/bin/chromium`` or ``$COURSE_CHROMIUM``) are needed;
``tests/test_slides.py`` runs the same measurement on every deck.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECKS = ROOT / "build" / "slides"
VIEWPORT = {"width": 1280, "height": 720}
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
TOLERANCE = 1.0          # px: sub-pixel rounding is not an overflow
# The smallest size on screen, in px at the reference size, of each kind of text (issue 23).
# "figure text" is a figure's smallest label: the size recorded when it was drawn (helpers.figures) x the
# scale the slide shows the figure at.
MINIMUM_PX = {"text": 18.0, "math": 18.0, "code": 16.0, "control": 16.0, "figure text": 14.0}

# Shows every build-up of slide (h, v) as the audience finally sees it. Fragments fade in through a CSS
# transition (visibility and opacity), so right after Reveal.nextFragment() a build-up still computes as
# hidden: measured then, it would be skipped. Transitions are switched off and the function waits until
# every shown fragment computes as visible and opaque (at most ~2 s).
SHOW_ALL_JS = r"""
  async function showAll(h, v) {
    if (!document.getElementById("deck-fit-no-transitions")) {
      const style = document.createElement("style");
      style.id = "deck-fit-no-transitions";
      style.textContent = ".reveal .slides section, .reveal .slides section * { transition: none !important; " +
                          "animation: none !important; }";
      document.head.appendChild(style);
    }
    Reveal.configure({transition: "none", backgroundTransition: "none"});
    Reveal.slide(h, v, 0);
    let guard = 0;
    while (Reveal.availableFragments().next && guard++ < 200) Reveal.nextFragment();
    if (window.MathJax && MathJax.Hub && MathJax.Hub.Queue) await new Promise(r => MathJax.Hub.Queue(() => r()));
    const settled = () => Array.from(Reveal.getCurrentSlide().querySelectorAll(".fragment.visible")).every(f => {
      const s = getComputedStyle(f);
      return s.visibility === "visible" && parseFloat(s.opacity) >= 0.999;
    });
    for (let i = 0; i < 120 && !settled(); i++) await new Promise(r => requestAnimationFrame(() => r()));
    await new Promise(r => requestAnimationFrame(() => r()));
    return settled();
  }
"""

# Visit every slide with all fragments shown; measure each in slide coordinates.
# Runs inside the page; returns one record per slide.
MEASURE_JS = r"""
async (tolerance) => {
  const config = Reveal.getConfig();
  const W = config.width, H = config.height;
""" + SHOW_ALL_JS + r"""
  const box = (el) => el.getBoundingClientRect();
  const clipping = (style) => ["hidden", "auto", "scroll", "clip"];

  function title(slide) {
    const heading = slide.querySelector("h1, h2, h3, h4");
    const copy = (heading || slide).cloneNode(true);   // as written: math as $TeX$, no rendering, no notes
    copy.querySelectorAll(".MathJax_CHTML, .MathJax_Preview, aside.notes, style, a.anchor-link").forEach(e => e.remove());
    copy.querySelectorAll('script[type^="math/tex"]').forEach(e => e.replaceWith("$" + e.textContent + "$"));
    copy.querySelectorAll("script").forEach(e => e.remove());
    const text = copy.textContent || "";
    return text.replace(/\s+/g, " ").trim().slice(0, 60);
  }

  function measure(slide) {
    const scale = Reveal.getScale();
    const origin = box(document.querySelector(".reveal .slides"));
    // viewport px -> slide px
    const local = (r) => ({left: (r.left - origin.left) / scale, top: (r.top - origin.top) / scale,
                           right: (r.right - origin.left) / scale, bottom: (r.bottom - origin.top) / scale});
    // the part of a rect left visible by every clipping ancestor inside the slide
    function clipped(el, r) {
      let out = local(r);
      // boxes inside the slide clip (what they hide is reported as a cut box); the slide's own clipping
      // does not count: content it hides is overflow the audience cannot see
      for (let a = el.parentElement; a && a !== slide; a = a.parentElement) {
        const s = getComputedStyle(a);
        const c = local(box(a));
        if (s.overflowX !== "visible") { out.left = Math.max(out.left, c.left); out.right = Math.min(out.right, c.right); }
        if (s.overflowY !== "visible") { out.top = Math.max(out.top, c.top); out.bottom = Math.min(out.bottom, c.bottom); }
      }
      return out;
    }
    function hidden(el) {
      for (let a = el; a && a !== slide; a = a.parentElement) {
        if (a.matches("aside.notes, .MJX_Assistive_MathML")) return true;   // notes; MathJax's screen-reader copy
      }
      const s = getComputedStyle(el);
      return s.display === "none" || s.visibility === "hidden";
    }
    const extent = {left: 0, top: 0, right: 0, bottom: 0};
    const grow = (r) => {
      if (r.right - r.left <= 0 || r.bottom - r.top <= 0) return;
      extent.left = Math.min(extent.left, r.left); extent.top = Math.min(extent.top, r.top);
      extent.right = Math.max(extent.right, r.right); extent.bottom = Math.max(extent.bottom, r.bottom);
    };
    const elements = Array.from(slide.querySelectorAll("*")).filter(el => !hidden(el));
    for (const el of elements) {
      const r = box(el);
      if (r.width > 0 && r.height > 0) grow(clipped(el, r));
    }
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || !node.parentElement || hidden(node.parentElement)) continue;
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && r.height > 0) grow(clipped(node.parentElement, r));
      }
    }
    const figures = [], cut = [], sizes = {};
    for (const img of slide.querySelectorAll("img")) {
      if (hidden(img)) continue;
      const whole = local(box(img));
      const seen = clipped(img, box(img));
      seen.left = Math.max(seen.left, 0); seen.top = Math.max(seen.top, 0);
      seen.right = Math.min(seen.right, W); seen.bottom = Math.min(seen.bottom, H);
      const lost = Math.max(whole.bottom - seen.bottom, whole.right - seen.right,
                            seen.top - whole.top, seen.left - whole.left, 0);
      const loaded = img.complete && img.naturalWidth > 0;
      // the figure's smallest text on screen: its size at natural size (data-font-px, recorded when it was
      // drawn) x the scale it is shown at (its width on the slide / its natural CSS width) x reveal's scale
      const natural = parseFloat(img.getAttribute("width")) || img.naturalWidth;
      const fontPx = parseFloat(img.dataset.fontPx);
      const shown = natural > 0 ? (whole.right - whole.left) * scale / natural : NaN;   // on screen / natural
      const font = Number.isFinite(fontPx) && Number.isFinite(shown) ? Math.round(fontPx * shown * 10) / 10 : null;
      figures.push({lost: Math.round(lost), loaded: loaded, font: font, shown: Math.round(shown * 100),
                    height: Math.round(whole.bottom - whole.top), top: Math.round(whole.top)});
      if (font !== null && (!("figure text" in sizes) || font < sizes["figure text"].px)) {
        sizes["figure text"] = {px: font, text: (img.alt || "a figure").slice(0, 40)};
      }
    }
    for (const el of elements) {
      const s = getComputedStyle(el);
      const wide = el.scrollWidth - el.clientWidth, tall = el.scrollHeight - el.clientHeight;
      const what = el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
                   ? "." + el.className.trim().split(/\s+/).slice(0, 2).join(".") : "");
      if (clipping().includes(s.overflowX) && wide > tolerance && el.clientWidth > 0) {
        cut.push({what: what, side: "right", px: wide, text: (el.innerText || "").trim().split("\n")[0].slice(0, 50)});
      }
      if (clipping().includes(s.overflowY) && tall > tolerance && el.clientHeight > 0) {
        cut.push({what: what, side: "bottom", px: tall, text: (el.innerText || "").trim().split("\n")[0].slice(0, 50)});
      }
    }
    // the smallest text of each kind, in px on screen (computed font size x reveal's scale)
    const kindOf = (el) => el.closest(".mjx-sub, .mjx-sup, .mjx-under, .mjx-over, .mjx-numerator, .mjx-denominator")
        ? "math script" : el.closest(".MathJax_CHTML") ? "math"
        : el.closest(".course-explorer-controls, .widget-area, .jupyter-widgets") ? "control"
        : el.closest("pre, code, kbd, samp") ? "code" : "text";
    const texts = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.textContent.trim() || hidden(el) || el.closest("script, style")) continue;
      range.selectNodeContents(node);
      if (!Array.from(range.getClientRects()).some(r => r.width > 0 && r.height > 0)) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale, kind = kindOf(el);
      if (!(kind in sizes) || px < sizes[kind].px) sizes[kind] = {px: Math.round(px * 10) / 10,
                                                                  text: node.textContent.trim().slice(0, 40)};
    }
    return {bottom: Math.round(extent.bottom - H), right: Math.round(extent.right - W),
            top: Math.round(-extent.top), left: Math.round(-extent.left), figures: figures, cut: cut,
            width: W, height: H, scale: scale, sizes: sizes};
  }

  const out = [];
  const slides = Reveal.getSlides();
  for (let i = 0; i < slides.length; i++) {
    const idx = Reveal.getIndices(slides[i]);
    const settled = await showAll(idx.h, idx.v || 0);     // waits for MathJax and a frame too
    const slide = Reveal.getCurrentSlide();
    const record = measure(slide);
    record.settled = settled;
    record.index = i; record.h = idx.h; record.v = idx.v || 0; record.title = title(slide);
    out.push(record);
  }
  Reveal.slide(0, 0, 0);
  return out;
}
"""


@dataclass
class SlideFit:
    """What one slide (all fragments shown) looks like at the reference size, in slide px."""
    deck: str
    index: int                     # position in the deck, 0-based, subslides counted
    h: int
    v: int
    title: str
    bottom: int                    # content past the bottom edge (px, <= 0: fits)
    right: int
    top: int
    left: int
    figures: list = field(default_factory=list)     # {"lost": px, "loaded": bool, ...} per <img>
    cut: list = field(default_factory=list)         # {"what", "side", "px", "text"} per box hiding content
    settled: bool = True           # every build-up computed as visible when measured
    sizes: dict = field(default_factory=dict)       # {kind: {"px", "text"}}: smallest text on screen per kind
    viewport: str = "1280x720"

    @property
    def small_text(self) -> list[str]:
        """Kinds of text below their minimum on screen (only judged at the reference size)."""
        if self.viewport != f"{VIEWPORT['width']}x{VIEWPORT['height']}":
            return []
        return [f"{kind} {size['px']} px < {MINIMUM_PX[kind]:g} px ({size['text']!r})"
                for kind, size in sorted(self.sizes.items())
                if kind in MINIMUM_PX and size["px"] < MINIMUM_PX[kind] - 0.05]

    @property
    def where(self) -> str:
        return f"{self.deck} slide {self.index + 1} ({self.h}.{self.v}) {self.title!r}"

    @property
    def overflow(self) -> int:
        return max(self.bottom, self.right, self.top, self.left)

    @property
    def cut_figures(self) -> list:
        return [f for f in self.figures if f["lost"] > TOLERANCE or not f["loaded"]]

    def problems(self) -> list[str]:
        found = [] if self.settled else [f"{self.where}: a build-up was still hidden when measured"]
        for side in ("bottom", "right", "top", "left"):
            px = getattr(self, side)
            if px > TOLERANCE:
                found.append(f"{self.where}: content runs {px} px past the {side} edge")
        for number, figure in enumerate(self.figures, 1):
            if not figure["loaded"]:
                found.append(f"{self.where}: figure {number} did not load")
            elif figure["lost"] > TOLERANCE:
                found.append(f"{self.where}: figure {number} is cut by {figure['lost']} px "
                             f"(top at {figure['top']} px, {figure['height']} px tall)")
            if figure["loaded"] and figure.get("font") is None:
                found.append(f"{self.where}: figure {number} has no recorded text size (data-font-px): its labels "
                             "cannot be measured (drawn without helpers.figures?)")
        for box in self.cut:
            found.append(f"{self.where}: {box['what']} hides {box['px']} px at the {box['side']} "
                         f"({box['text']!r})")
        found += [f"{self.where}: {line} on screen at {self.viewport}" for line in self.small_text]
        return found


SHOW_JS = r"""
async ([h, v]) => {
""" + SHOW_ALL_JS + r"""
  return await showAll(h, v);
}
"""


# axe-core (pinned in slides/package-lock.json) on one slide with its build-ups shown, and on the deck's
# chrome (slide number, arrows): WCAG 2.1 A and AA rules; one record per violated rule.
AXE_JS = r"""
async ([h, v]) => {
""" + SHOW_ALL_JS + r"""
  await showAll(h, v);
  const result = await axe.run(
    {include: [[".reveal .slides section.present"], [".reveal .slide-number"], [".reveal .controls"]]},
    {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]});
  return result.violations.map(v => ({rule: v.id, nodes: v.nodes.map(n => n.failureSummary.split("\n").slice(-1)[0].trim()
                                        .slice(0, 160) + " at " + n.html.slice(0, 60))}));
}
"""
AXE_SCRIPT = ROOT / "slides" / "node_modules" / "axe-core" / "axe.min.js"


def accessibility(page, fits: list[SlideFit]) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on every slide of the open deck, one line per violating node."""
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `make slides-assets` (npm ci in slides/)")
    page.add_script_tag(path=str(AXE_SCRIPT))
    found = []
    for fit in fits:
        for violation in page.evaluate(AXE_JS, [fit.h, fit.v]):
            found += [f"{fit.where}: {violation['rule']}: {node}" for node in violation["nodes"]]
    return found


def screenshots(page, fits: list[SlideFit], folder: Path) -> None:
    """Save ``folder/<deck>-<NN>.png`` for each slide (all fragments shown), NN = its 1-based index."""
    folder.mkdir(parents=True, exist_ok=True)
    for fit in fits:
        page.evaluate(SHOW_JS, [fit.h, fit.v])
        page.screenshot(path=str(folder / f"{fit.deck}-{fit.index + 1:02d}.png"))


def measure_page(page, deck_name: str) -> list[SlideFit]:
    """Measure every slide of the deck open in ``page`` (Reveal ready, MathJax done)."""
    records = page.evaluate(MEASURE_JS, TOLERANCE)
    size = page.viewport_size or VIEWPORT
    return [SlideFit(deck=deck_name, index=r["index"], h=r["h"], v=r["v"], title=r["title"],
                     bottom=r["bottom"], right=r["right"], top=r["top"], left=r["left"],
                     figures=r["figures"], cut=r["cut"], settled=r.get("settled", True), sizes=r["sizes"],
                     viewport=f"{size['width']}x{size['height']}") for r in records]


def smallest(fits: list[SlideFit]) -> dict:
    """The smallest text of each kind over many slides: {kind: (px, where, text)}."""
    found = {}
    for fit in fits:
        for kind, size in fit.sizes.items():
            if kind not in found or size["px"] < found[kind][0]:
                found[kind] = (size["px"], fit.where, size["text"])
    return found


# MathJax 2 writes a rendered element with id "<script id>-Frame" before each math source.
MATH_SETTLED_JS = r"""
() => {
  if (!window.MathJax || !MathJax.Hub || !MathJax.isReady) return false;
  const sources = Array.from(document.querySelectorAll('script[type^="math/tex"]'));
  if (document.querySelector(".MathJax_Processing, .MathJax_Preview:not(:empty)")) return false;
  return sources.every(s => s.id && document.getElementById(s.id + "-Frame"));
}
"""


def wait_for_math(page, timeout_ms: int = 180_000) -> None:
    """Poll until every math source in the page has its rendered element (no race with MathJax's queue)."""
    page.wait_for_function(MATH_SETTLED_JS, timeout=timeout_ms, polling=250)


def open_deck(page, url: str, timeout_ms: int = 60_000) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=timeout_ms)


def summary(fits: list[SlideFit]) -> dict:
    """Counts over many slides: slides that overflow, figures cut of all figures, slides with a cut box."""
    return {
        "slides": len(fits),
        "overflowing slides": sum(f.overflow > TOLERANCE for f in fits),
        "overflowing at the bottom": sum(f.bottom > TOLERANCE for f in fits),
        "overflowing at the right": sum(f.right > TOLERANCE for f in fits),
        "figures": sum(len(f.figures) for f in fits),
        "figures cut": sum(len(f.cut_figures) for f in fits),
        "slides with a box cut at the right": sum(any(b["side"] == "right" for b in f.cut) for f in fits),
        "slides with a box cut at the bottom": sum(any(b["side"] == "bottom" for b in f.cut) for f in fits),
        "slides measured before their build-ups showed": sum(not f.settled for f in fits),
        "slides with text below its minimum size": sum(bool(f.small_text) for f in fits),
        "figures without a recorded text size": sum(f.get("font") is None for fit in fits for f in fit.figures),
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.deck_fit", description=__doc__.splitlines()[0])
    parser.add_argument("decks", nargs="*", type=Path, help="default: build/slides/*.slides.html")
    parser.add_argument("--quiet", action="store_true", help="print the totals only")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="also save a PNG of every slide, all fragments shown, to DIR")
    parser.add_argument("--figures", action="store_true",
                        help="also list every figure: its smallest text on screen and the scale it is shown at")
    parser.add_argument("--size", default=f"{VIEWPORT['width']}x{VIEWPORT['height']}", metavar="WxH",
                        help="the browser window (default: the reference size; sizes on screen are judged there only)")
    args = parser.parse_args(argv)
    try:
        width, height = (int(n) for n in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"argument --size: expected WIDTHxHEIGHT such as 1024x768, got {args.size!r}")
    decks = args.decks or sorted(DECKS.glob("*.slides.html"))
    if not decks:
        print(f"no decks in {DECKS}: run `python -m tools.slides` first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    folder = decks[0].resolve().parent
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    fits: list[SlideFit] = []
    with sync_playwright() as manager:
        browser = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        for deck in decks:
            page = browser.new_page(viewport={"width": width, "height": height})
            open_deck(page, f"{base}/{deck.name}")
            wait_for_math(page)
            measured = measure_page(page, deck.name.replace(".slides.html", ""))
            if args.screenshots:
                screenshots(page, measured, args.screenshots)
            page.close()
            fits.extend(measured)
            if not args.quiet:
                for fit in measured:
                    for line in fit.problems():
                        print(line)
                    if args.figures:
                        for number, figure in enumerate(fit.figures, 1):
                            print(f"{fit.where}: figure {number}: smallest text {figure.get('font')} px on screen, "
                                  f"shown at {figure.get('shown')} % of its natural size")
        browser.close()
    server.shutdown()
    counts = summary(fits)
    print(f"{len(decks)} decks at {width}x{height}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    for kind, (px, where, text) in sorted(smallest(fits).items()):
        floor = f" (minimum {MINIMUM_PX[kind]:g} px)" if kind in MINIMUM_PX else " (no minimum)"
        print(f"smallest {kind} on screen: {px} px{floor}, {where}: {text!r}")
    bad = counts["overflowing slides"] + counts["figures cut"] + counts["slides with a box cut at the right"] \
        + counts["slides with a box cut at the bottom"] + counts["slides measured before their build-ups showed"] \
        + counts["slides with text below its minimum size"] + counts["figures without a recorded text size"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
