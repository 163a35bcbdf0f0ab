"""Presenting live: on a copy (``make present`` = ``python -m tools.present``), with explorers that work.

* ``make present`` copies solutions/ to build/present/ and serves that copy; saving there never
  touches the committed solutions.
* No committed solution has a widget output that a deck would show as an empty slide (a view
  without its saved widget state, or with neither a deck recipe nor a still). The check itself is
  shown failing on synthetic notebooks in tests/test_deck_widgets.py.
* Live presenting with working explorers: JupyterLab with jupyterlab-deck (a presentation mode
  that shows the notebook's own cells, so ipywidgets 8 work; jupyterlab-rise 0.43.1 shows them as
  text, jupyterlab-contrib/rise#119). The test opens lesson 04, runs it, starts the deck, goes
  forward with the deck's own navigation to the explorer's slide, moves the slider and waits for
  the figure to change. Screenshot: build/screenshots/04_backprop_through_time.live-deck.png.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.browser_support import ROOT, SCREENSHOTS, free_port, jupyterlab, unavailable, wait_for_json
from tools import deck_widgets, present

SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
LIVE_LESSON = ROOT / "solutions" / "04_backprop_through_time.ipynb"


@pytest.mark.parametrize("notebook", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_no_committed_widget_output_would_be_an_empty_slide(notebook):
    problems = deck_widgets.empty_widget_views(nbformat.read(notebook, as_version=4))
    assert problems == [], (f"{notebook.name}: {problems}. Was it saved from a live session? Restore it "
                            f"(git checkout) and re-execute it: python -m tools.nbtool execute {notebook}")


def test_copy_solutions_copies_every_notebook_and_refuses_the_source(tmp_path):
    source = tmp_path / "solutions"
    source.mkdir()
    (source / "01_a.ipynb").write_text("{}", encoding="utf-8")
    (source / "02_b.ipynb").write_text("{}", encoding="utf-8")
    out = tmp_path / "present"
    out.mkdir()
    (out / "01_a.ipynb").write_text('{"edited": "while presenting"}', encoding="utf-8")
    copies = present.copy_solutions(out, source)
    assert [p.name for p in copies] == ["01_a.ipynb", "02_b.ipynb"]
    assert (out / "01_a.ipynb").read_text(encoding="utf-8") == "{}", "each start resets the copy"
    with pytest.raises(ValueError, match="other than the solutions"):
        present.copy_solutions(source, source)
    with pytest.raises(FileNotFoundError, match="found none"):
        present.copy_solutions(out, tmp_path / "empty")


def test_lab_command_matches_make_lab():
    command = present.lab_command(Path("/x/build/present"), "0.0.0.0", 9999, "secret")
    assert command[1:3] == ["lab", "--no-browser"]
    assert {"--ServerApp.ip=0.0.0.0", "--ServerApp.port=9999", "--ServerApp.root_dir=/x/build/present",
            "--IdentityProvider.token=secret"} <= set(command)
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    assert not any(a.startswith("--IdentityProvider.token") for a in present.lab_command(Path("p"), "h", 1))


OFFLINE_OPTIONS = ("--LabApp.extension_manager=readonly", "--LabApp.news_url=",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", present.NO_FORMGRADER)


def test_lab_never_asks_pypi_or_a_news_feed():
    """A CI run failed on one name lookup of pypi.org: JupyterLab's update check, from the live-presenting server."""
    command = present.lab_command(Path("p"), "h", 1)
    recipe = re.search(r"^lab:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    for option in OFFLINE_OPTIONS:
        assert option in command, f"make present: {option} missing"
        assert option in recipe.split(), f"make lab: {option} missing"


def test_makefile_present_runs_tools_present_with_the_lab_options():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^present: .*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no `present` target"
    assert "-m tools.present" in recipe.group(1)
    for option in ("--host $(HOST)", "--port $(PORT)", "--token $(TOKEN)"):
        assert option in recipe.group(1)


def test_present_serves_a_copy_and_saving_there_leaves_the_solutions_alone(tmp_path):
    """``python -m tools.present`` (what ``make present`` runs): save a notebook through the server."""
    port, token, out = free_port(), "course-present-test", tmp_path / "present"
    before = {p.name: p.read_bytes() for p in SOLUTIONS}
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    process = subprocess.Popen([sys.executable, "-m", "tools.present", "--out", str(out), "--port", str(port),
                                "--token", token], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        listing = wait_for_json(f"http://127.0.0.1:{port}/api/contents?token={token}", process)
        assert listing is not None, f"JupyterLab did not answer:\n{process.stdout.read() if process.poll() is not None else ''}"
        assert {p.name for p in SOLUTIONS} <= {item["name"] for item in listing["content"]}
        name = SOLUTIONS[0].name
        model = {"type": "notebook", "format": "json",
                 "content": nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("edited live")])}
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents/{name}?token={token}",
                                         data=json.dumps(model).encode(), method="PUT",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201)
        assert "edited live" in (out / name).read_text(encoding="utf-8")
        assert {p.name: p.read_bytes() for p in SOLUTIONS} == before, "presenting changed solutions/"
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


# ---- live, in the browser --------------------------------------------------------------------------

def _deck_extension_installed() -> bool:
    from jupyter_core.paths import jupyter_path

    return any((Path(p) / "@deathbeds" / "jupyterlab-deck" / "package.json").is_file()
               for p in jupyter_path("labextensions"))


ACTIVE_CELL = "() => jupyterapp.shell.currentWidget.content.activeCellIndex"
PRESENTING = "() => document.body.dataset.jpDeckMode === 'presenting'"
# the slider's handle: where it is, and whether a click there lands on it (not on the deck's panel above it)
HANDLE = """() => { const r = document.querySelector('[data-course-control]').getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2, top = document.elementFromPoint(x, y);
  return {x, y, onTop: !!top && !!top.closest('[data-course-control]'), inView: r.top >= 0 && r.bottom <= innerHeight}; }"""
READOUT = ("() => document.querySelector('[data-course-control]').closest('.widget-slider')"
           ".querySelector('.widget-readout').textContent")


def test_live_presenting_moves_an_explorer(tmp_path, browser, request_log):
    """Presenting as a person does: Space through every build-up to the explorer, a mouse drag on its slider
    changes the figure, the arrow keys then move the slider, Space goes on, Shift Space back, Esc leaves."""
    from tests.test_browser import FIND_CONTROL, FINGERPRINT, KERNEL_READY, RUN_ALL, clean_copy

    if not _deck_extension_installed():
        unavailable("jupyterlab-deck is not installed (it is in requirements.lock: "
                    "pip install -r requirements.lock)")
    root = tmp_path / "present"
    root.mkdir()
    clean_copy(LIVE_LESSON, root / LIVE_LESSON.name)
    with jupyterlab(root, tmp_path, cwd=ROOT) as server:  # as `make present` runs it: from the repository
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        problems = request_log(page, redirects_ok=True)
        console_errors = []
        page.on("console", lambda message: console_errors.append(message.text[:300])
                if message.type == "error" else None)
        try:
            page.goto(f"{server['url']}/lab/tree/{LIVE_LESSON.name}?reset&token={server['token']}")
            try:
                page.wait_for_function(KERNEL_READY, timeout=180_000, polling=500)
            except Exception:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{LIVE_LESSON.stem}.live-deck-no-kernel.png"))
                pytest.fail("the kernel did not start; JupyterLab's log:\n"
                            + server["log"].read_text(encoding="utf-8")[-3000:])
            assert page.evaluate("() => jupyterapp.commands.keyBindings.length") > 100, \
                "JupyterLab's own shortcuts did not load (a shortcut setting it rejected?)"
            assert page.evaluate(RUN_ALL, 240_000) is True, "running the lesson failed or timed out"
            found = page.wait_for_function(FIND_CONTROL, timeout=30_000, polling=250).json_value()
            assert found and found["kind"] == "slider", f"no slider rendered in {LIVE_LESSON.name}"
            # the deck's button (or the palette's "Start Deck") from the top; from then on only keys and the mouse
            page.evaluate("() => { jupyterapp.shell.currentWidget.content.activeCellIndex = 0;"
                          " return jupyterapp.commands.execute('deck:start'); }")
            page.wait_for_function(PRESENTING, timeout=10_000)
            path = [page.evaluate(ACTIVE_CELL)]
            while path[-1] < found["cell"] and len(path) < 80:
                page.keyboard.press("Space")
                page.wait_for_function(f"(i) => ({ACTIVE_CELL})() > i", arg=path[-1], timeout=5_000)
                path.append(page.evaluate(ACTIVE_CELL))
            assert path[-1] == found["cell"], f"Space went {path}, past the explorer's cell {found['cell']}"
            cell_classes = page.evaluate("(i) => document.querySelectorAll('.jp-Notebook .jp-Cell')[i].className",
                                         found["cell"])
            assert "jp-deck-mod-onscreen" in cell_classes, f"the deck does not show the explorer: {cell_classes}"
            page.wait_for_timeout(500)
            handle = page.evaluate(HANDLE)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{LIVE_LESSON.stem}.live-deck-before.png"))
            assert handle["inView"] and handle["onTop"], f"the slider is hidden or covered on the slide: {handle}"
            # a real drag: press on the handle, move, release
            before, readout = page.evaluate(FINGERPRINT, found["cell"]), page.evaluate(READOUT)
            page.mouse.move(handle["x"], handle["y"])
            page.mouse.down()
            page.mouse.move(handle["x"] + 50, handle["y"], steps=8)
            page.mouse.up()
            page.wait_for_function(f"(b) => ({FINGERPRINT})({found['cell']}) !== b", arg=before,
                                   timeout=60_000, polling=200)
            dragged = page.evaluate(READOUT)
            assert dragged != readout, f"the drag did not move the slider ({readout})"
            page.screenshot(path=str(SCREENSHOTS / f"{LIVE_LESSON.stem}.live-deck.png"))
            # the focused slider keeps its arrow keys; Space goes on, Shift Space back, Esc leaves the deck
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"(r) => ({READOUT})() !== r", arg=dragged, timeout=30_000)
            assert page.evaluate(ACTIVE_CELL) == found["cell"], "→ on the focused slider moved the deck"
            page.keyboard.press("Space")
            page.wait_for_function(f"(i) => ({ACTIVE_CELL})() > i", arg=found["cell"], timeout=5_000)
            page.keyboard.press("Shift+Space")
            page.wait_for_function(f"(i) => ({ACTIVE_CELL})() <= i", arg=found["cell"], timeout=5_000)
            page.keyboard.press("Escape")
            page.wait_for_function(f"() => !({PRESENTING})()", timeout=5_000)
            assert "VBox(children=" not in page.evaluate("() => document.body.innerText"), \
                "an explorer is shown as text"
            assert problems.problems == [], "; ".join(problems.problems)
            assert console_errors == [], "errors in the browser's console:\n" + "\n".join(console_errors)
            # the course's defaults (overrides.json, installed by make setup) turn the news pop-up off
            news = page.evaluate("async (t) => { const s = await (await fetch('/lab/api/settings/"
                                 "@jupyterlab/apputils-extension:notification?token=' + t)).json();"
                                 " return [s.settings.fetchNews, s.schema.properties.fetchNews.default]; }",
                                 server["token"])
            assert news[0] in (None, "false") and news[1] == "false", f"the news pop-up would show: {news}"
            errors = [line for line in server["log"].read_text(encoding="utf-8").splitlines() if line.startswith("[E ")]
            assert errors == [], "the server logged errors while presenting:\n" + "\n".join(errors)
            print(f"Space x{len(path) - 1} to the explorer; dragged its slider {readout} -> {dragged}; "
                  "→ moved the slider, Space on, Shift Space back, Esc out")
        finally:
            try:
                page.evaluate("() => jupyterapp.shell.currentWidget.sessionContext.shutdown()")
            except Exception:
                pass
            context.close()
    shutil.rmtree(root, ignore_errors=True)


def test_deck_shortcuts_are_selectors_jupyterlab_accepts():
    """JupyterLab rejects a shortcut whose selector holds a comma, and then loads none of its own shortcuts."""
    shortcuts = present.deck_shortcuts()
    assert all("," not in s["selector"] and s["command"] in {"deck:go", "deck:stop"} for s in shortcuts)
    keys = {(s["keys"][0], s["selector"]) for s in shortcuts}
    assert len(keys) == len(shortcuts), "a key bound twice for the same selector"
    assert {s["keys"][0] for s in shortcuts} >= {"Space", "Shift Space", "ArrowRight", "ArrowLeft", "Escape"}


def test_presenter_settings_keep_the_presenters_own_and_add_the_deck_keys(tmp_path):
    own = tmp_path / "own"
    (own / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (own / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings").write_text('{"theme": "JupyterLab Dark"}')
    (own / present.SHORTCUTS).parent.mkdir(parents=True)
    mine = {"command": "notebook:run-cell", "keys": ["Ctrl R"], "selector": ".jp-Notebook"}
    (own / present.SHORTCUTS).write_text(json.dumps({"shortcuts": [mine]}))
    target = present.presenter_settings(tmp_path / "made", own=own)
    assert (target / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings").read_text() == \
        '{"theme": "JupyterLab Dark"}'
    shortcuts = json.loads((target / present.SHORTCUTS).read_text())["shortcuts"]
    assert shortcuts[0] == mine and shortcuts[1:] == present.deck_shortcuts()
    assert json.loads((own / present.SHORTCUTS).read_text()) == {"shortcuts": [mine]}, "the presenter's own changed"
    again = present.presenter_settings(tmp_path / "made", own=own)       # made afresh, the keys not doubled
    assert len(json.loads((again / present.SHORTCUTS).read_text())["shortcuts"]) == 1 + len(present.deck_shortcuts())
    command = present.lab_command(tmp_path, "127.0.0.1", 1, settings=target)
    assert f"--LabApp.user_settings_dir={target}" in command and present.CUSTOM_CSS in command


def test_setup_installs_the_course_defaults_for_jupyterlab(tmp_path, monkeypatch):
    """No "official Jupyter news?" pop-up over a live deck, and the deck's style: make setup installs both."""
    overrides = json.loads((ROOT / "tools" / "lab_overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    recipe = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert "tools/lab_overrides.json" in recipe.group(1) and "tools/lab_custom.css" in recipe.group(1)
    assert "$(BIN)/python -m tools.present --install-defaults" in recipe.group(2)
    import jupyter_server

    static = tmp_path / "jupyter_server"
    monkeypatch.setattr(jupyter_server, "__file__", str(static / "__init__.py"))
    installed = present.install_defaults(tmp_path / "venv")
    assert installed == [tmp_path / "venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.json",
                         static / "static" / "custom" / "custom.css"]
    assert installed[1].read_text() == (ROOT / "tools" / "lab_custom.css").read_text()
    assert "--LabApp.custom_css=True" in (ROOT / "Makefile").read_text()      # make lab loads it too
