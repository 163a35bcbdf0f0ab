"""Explorers that move in the offline decks (tools/deck_widgets.py, helpers/explorer.py).

Unit tests draw small recipes and check the HTML explorer; the browser test builds the decks of
the lessons whose explorers must move (01, 04, 05, 07, 09), opens each in Chromium, moves the
deck's control and checks that the picture changed (screenshots: build/screenshots/*.deck-explorer*.png).
"""
from __future__ import annotations

import json
import re

import nbformat
import numpy as np
import pytest

from helpers import explorer as E
from tests.browser_support import SCREENSHOTS, deck_build_lock, unavailable
from tools import deck_widgets as D
from tools import slides

MUST_MOVE = ["01_fixed_window", "04_backprop_through_time", "05_vanishing_gradients", "06_lstm",
             "07_music_generation", "09_attention"]
# Explorers whose committed solution predates their deck recipe (none now; re-execute, then remove).
NOT_YET: set[str] = set()
MAX_DECK_MB = 15
WINDOW = {"kind": "window", "tokens": "she grew up in france . she speaks fluent".split(),
          "accuracies": [[1, 0.1], [2, 0.12], [4, 0.55], [8, 0.9]], "chance": 0.1}


# ---- the recipe the helpers leave behind -----------------------------------------------------------

def test_jsonable_turns_arrays_into_rounded_lists_and_refuses_numeric_keys():
    assert E.jsonable({"w": np.array([[0.123456789, 2.0]]), "n": np.int64(3), "x": float("nan")}) == \
        {"w": [[0.12346, 2.0]], "n": 3, "x": None}
    with pytest.raises(TypeError, match="string dict keys"):
        E.jsonable({1: 0.5})
    with pytest.raises(TypeError, match="JSON-like"):
        E.jsonable({"f": object()})


def test_explorer_carries_its_recipe_as_a_synced_trait():
    box = E.explorer([], "window", accuracies=[[1, np.float32(0.25)]])
    assert box.deck == {"kind": "window", "accuracies": [[1, 0.25]]}
    assert "deck" in box.keys            # sent to the front end, so the executed notebook saves it
    with pytest.raises(ValueError, match="kind"):
        E.explorer([], "")


def test_window_explorer_recipe_reproduces_the_widget():
    from helpers import widgets

    box = widgets.window_explorer("she grew up in france . she speaks fluent", {4: 0.5, 1: 0.1}, chance=0.1)
    assert box.deck["kind"] == "window"
    assert box.deck["accuracies"] == [[1, 0.1], [4, 0.5]]
    assert box.deck["tokens"][-1] == "fluent"


# ---- frames and the HTML explorer --------------------------------------------------------------------

def test_render_draws_every_position_and_to_html_embeds_them(tmp_path):
    frames = D.render(WINDOW, cache=tmp_path)
    assert [c.values for c in frames.controls] == [[1, 2, 4, 8]]
    assert set(frames.frames) == {"0", "1", "2", "3"}
    assert len(frames.images) == 4 and all(image.startswith(b"\x89PNG") for image in frames.images)
    assert len({image for image in frames.images}) == 4, "each window size draws a different picture"
    page = D.to_html(frames)
    data = json.loads(re.search(r"class='course-explorer-data'>(.*?)</script>", page).group(1))
    assert data["labels"] == [["1", "2", "4", "8"]] and len(data["images"]) == 4
    assert "type='range'" in page and "max='3'" in page
    cached = D.render(WINDOW, cache=tmp_path)          # the second time comes from the cache
    assert cached.images == frames.images and cached.frames == frames.frames
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_render_refuses_unknown_kinds_and_too_many_positions(monkeypatch):
    with pytest.raises(ValueError, match="expected a kind"):
        D.render({"kind": "typed-text"}, cache=None)
    monkeypatch.setattr(D, "MAX_FRAMES", 3)
    with pytest.raises(ValueError, match="at most 3 positions, got 4"):
        D.render(WINDOW, cache=None)


def test_control_checks_its_positions():
    with pytest.raises(ValueError, match="at least one value"):
        D.Control("window", [])
    with pytest.raises(ValueError, match="initial index"):
        D.Control("window", [1, 2], initial=2)
    assert D.Control("radius", [0.5, 1.0]).labels == ["0.5", "1"]


def _notebook(state, model_id="box"):
    nb = nbformat.v4.new_notebook(metadata={"widgets": {D.WIDGET_STATE: {
        "state": state, "version_major": 2, "version_minor": 0}}})
    view = nbformat.v4.new_output("display_data", data={
        D.WIDGET_VIEW: {"model_id": model_id, "version_major": 2, "version_minor": 0}, "text/plain": "VBox(...)"})
    nb.cells.append(nbformat.v4.new_code_cell("explorer()", outputs=[view]))
    return nb


def test_animate_replaces_views_with_a_recipe_and_leaves_the_others(tmp_path, monkeypatch):
    monkeypatch.setattr(D, "CACHE", tmp_path)
    with_recipe = _notebook({"box": {"model_name": "VBoxModel", "state": {"children": [], "deck": WINDOW}}})
    report = []
    out = D.animate(with_recipe, report)
    (output,) = out.cells[0].outputs
    assert D.WIDGET_VIEW not in output["data"] and "course-explorer" in output["data"]["text/html"]
    assert report == [("window", 4, report[0][2])]
    assert D.WIDGET_VIEW in with_recipe.cells[0].outputs[0]["data"], "the notebook itself is not changed"
    without = _notebook({"box": {"model_name": "VBoxModel", "state": {"children": []}}})
    assert D.animate(without).cells[0].outputs == without.cells[0].outputs


def test_empty_widget_views_finds_a_slide_that_would_be_empty():
    """The check behind tests/test_present.py, on synthetic notebooks (it can fail)."""
    out_with_figure = {"model_name": "OutputModel", "state": {"outputs": [{"output_type": "display_data",
                       "data": {"image/png": "iVBOR"}, "metadata": {}}]}}
    fine = _notebook({"box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_out"]}},
                      "out": out_with_figure})
    assert D.empty_widget_views(fine) == []
    recipe_only = _notebook({"box": {"model_name": "VBoxModel", "state": {"children": [], "deck": WINDOW}}})
    assert D.empty_widget_views(recipe_only) == []
    drifted = _notebook({"other": out_with_figure}, model_id="box")     # ids no longer match the state
    assert D.empty_widget_views(drifted) == ["cell 0: widget box has no saved widget state"]
    hollow = _notebook({"box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_out"]}},
                        "out": {"model_name": "OutputModel", "state": {"outputs": []}}})
    assert D.empty_widget_views(hollow) == ["cell 0: widget box has saved state but no recipe and no still"]


# ---- in the browser ------------------------------------------------------------------------------------

def has_recipe(stem: str) -> bool:
    """Whether the committed solution's explorer saved a deck recipe (it was executed with this code)."""
    nb = nbformat.read(slides.SOLUTIONS / f"{stem}.ipynb", as_version=4)
    return any(D.recipe_of(o, D.widget_state(nb)) for c in nb.cells for o in c.get("outputs", []))


def test_lessons_with_a_recipe_are_the_ones_expected():
    """Which committed solutions carry recipes; 07 waits for a full-profile run on a quiet machine."""
    assert [stem for stem in MUST_MOVE if has_recipe(stem)] == [s for s in MUST_MOVE if s not in NOT_YET]


@pytest.fixture(scope="module")
def explorer_decks(tmp_path_factory):
    notebooks = [slides.SOLUTIONS / f"{stem}.ipynb" for stem in MUST_MOVE if stem not in NOT_YET]
    out = tmp_path_factory.mktemp("decks")
    try:
        with deck_build_lock():
            return {deck.name[: -len(".slides.html")]: deck for deck in slides.build(notebooks, out)}
    except slides.SlidesError as error:
        unavailable(str(error))


@pytest.mark.parametrize("stem", MUST_MOVE)
def test_deck_explorer_moves_in_the_browser(stem, explorer_decks, static_server, browser, request_log):
    if stem in NOT_YET:
        pytest.skip(f"{stem}: the committed solution predates deck recipes; re-execute it in the full profile "
                    f"(python -m tools.nbtool execute solutions/{stem}.ipynb) and remove it from NOT_YET")
    deck = explorer_decks[stem]
    megabytes = deck.stat().st_size / 1e6
    print(f"{deck.name}: {megabytes:.1f} MB")
    assert megabytes < MAX_DECK_MB, f"{deck.name} is {megabytes:.1f} MB (at most {MAX_DECK_MB})"
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    log = request_log(page)
    try:
        page.goto(f"{static_server(deck.parent)}/{deck.name}", wait_until="load")
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
        explorer = page.locator(".course-explorer").first
        assert explorer.count() == 1, f"{deck.name}: no moving explorer in the deck"
        # go to the explorer's slide the way the presenter does (reveal's own API)
        page.evaluate("""() => { const e = document.querySelector('.course-explorer');
            const s = e.closest('section'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v, 99); }""")
        page.wait_for_timeout(600)
        image = explorer.locator("img.course-explorer-frame")
        before = image.get_attribute("src")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{stem}.deck-explorer-before.png"))
        sliders = explorer.locator("input[type=range]")
        assert sliders.count() >= 1, f"{deck.name}: the explorer has no slider"
        assert sliders.first.is_visible(), f"{deck.name}: the explorer's slider is not on screen"
        moved = []
        # move each control the way a presenter would (arrow key on a slider, another item in a menu)
        # until the picture changes: in lesson 09 the beam width rarely changes the decoded date
        for i in range(explorer.locator("[data-control]").count()):
            control = explorer.locator("[data-control]").nth(i)
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(index=1 if control.input_value() == "0" else 0)
                moved.append("menu")
            else:
                control.focus()
                top = int(control.input_value()) == int(control.get_attribute("max"))
                control.press("ArrowLeft" if top else "ArrowRight")
                moved.append("slider")
            if image.get_attribute("src") != before:
                break
        assert image.get_attribute("src") != before, f"{deck.name}: moved {moved}, the picture did not change"
        assert _explorer_slide_is_current(page), "the arrow key moved the slider, not the deck"
        page.screenshot(path=str(SCREENSHOTS / f"{stem}.deck-explorer-after.png"))
        assert log.problems == [], f"{deck.name}: " + "; ".join(log.problems)
    finally:
        page.close()


def _explorer_slide_is_current(page) -> bool:
    return page.evaluate("""() => { const s = document.querySelector('.course-explorer').closest('section');
        return Reveal.getCurrentSlide() === s || s.contains(Reveal.getCurrentSlide()) ||
               Reveal.getCurrentSlide().contains(s); }""")
