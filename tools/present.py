"""Present live on a copy: ``make present`` copies solutions/ to build/present/ and opens JupyterLab there.

    python -m tools.present                                  # what `make present` runs
    python -m tools.present --host 0.0.0.0 --port 9999 --token secret
    python -m tools.present --copy-only                      # only refresh build/present/

Presenting runs cells, moves widgets and autosaves; on ``solutions/`` that rewrites the committed
source (outputs re-run in another profile, widget ids that no longer match the saved widget
state, so a deck would show an empty slide). Every start copies the committed solutions afresh
over ``build/present/`` (so it also resets a lesson that was presented or edited there); the copy
is never read back.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
OUT = ROOT / "build" / "present"


def copy_solutions(out: Path = OUT, source: Path = SOLUTIONS) -> list[Path]:
    """Copy every ``*.ipynb`` of ``source`` to ``out`` (overwriting older copies); returns the copies."""
    source, out = Path(source), Path(out)
    if out.resolve() == source.resolve():
        raise ValueError(f"argument 'out': expected a folder other than the solutions, got {out}")
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"argument 'source': expected notebooks in {source}, found none")
    out.mkdir(parents=True, exist_ok=True)
    copies = []
    for notebook in notebooks:
        target = out / notebook.name
        shutil.copyfile(notebook, target)     # contents only: the copy is the presenter's to change
        copies.append(target)
    return copies


# nbgrader's formgrader reads nbgrader_config.py from the repository and logs an error when the course folder
# (classroom/) is not under the server's root, as for notebooks/ and build/present/. Students and presenters do
# not grade: it stays off there (instructors grade with `make autograde`, or start JupyterLab at the root).
NO_FORMGRADER = "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False"
# The course's style for JupyterLab (tools/lab_custom.css: a live deck shows every slide whole), installed by
# install_defaults() where JupyterLab's custom_css looks for it.
CUSTOM_CSS = "--LabApp.custom_css=True"
OVERRIDES = ROOT / "tools" / "lab_overrides.json"      # settings: no news pop-up
STYLE = ROOT / "tools" / "lab_custom.css"


def install_defaults(prefix: Path | None = None) -> list[Path]:
    """The course's JupyterLab defaults into this environment: ``overrides.json`` (settings) under
    ``<prefix>/share/jupyter/lab/settings`` and ``custom.css`` in jupyter_server's static ``custom`` folder
    (the one ``--LabApp.custom_css=True`` serves when the user has no ``~/.jupyter/custom/custom.css``)."""
    import jupyter_server

    prefix = Path(prefix or sys.prefix)
    targets = [(OVERRIDES, prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"),
               (STYLE, Path(jupyter_server.__file__).parent / "static" / "custom" / "custom.css")]
    for source, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return [target for _, target in targets]


SETTINGS = ROOT / "build" / "present-settings"   # the presenter's JupyterLab settings, plus the deck's keys
SHORTCUTS = Path("@jupyterlab") / "shortcuts-extension" / "shortcuts.jupyterlab-settings"

# Keys while presenting (jupyterlab-deck 0.2 binds them only while the notebook itself has the focus, and
# Space never reaches it): Space, Page Down and the arrows go on through every build-up and subslide, in
# the order of the cells; Shift Space, Page Up, left and up go back; Esc leaves the deck. Typing in a cell
# or a text box keeps its keys, and on a focused slider the arrows move the slider.
_PRESENTING = "body[data-jp-deck-mode='presenting']"
_TYPING = (".jp-mod-editMode", "input:focus", "textarea:focus", "select:focus", "[contenteditable='true']:focus")
_NOTEBOOK = f"{_PRESENTING} .jp-Deck .jp-Notebook.jp-mod-commandMode:focus"   # outranks the deck's own


def _unless(*inside: str) -> str:
    """Presenting, with none of ``inside`` in the page (a shortcut's selector may not contain commas)."""
    return _PRESENTING + "".join(f":not(:has({selector}))" for selector in inside)


def deck_shortcuts() -> list[dict]:
    """JupyterLab shortcut settings for presenting with jupyterlab-deck."""
    forward, back = {"direction": "down", "alternate": "forward"}, {"direction": "up", "alternate": "back"}
    not_typing = _unless(*_TYPING)
    not_in_widget = _unless(".jupyter-widgets :focus", *_TYPING)
    groups = [(not_typing, ["Space", "PageDown"], ["Shift Space", "PageUp"], True),
              (not_in_widget, ["ArrowRight", "ArrowDown"], ["ArrowLeft", "ArrowUp"], False),
              (_NOTEBOOK, ["Space", "PageDown", "ArrowRight", "ArrowDown"],
               ["Shift Space", "PageUp", "ArrowLeft", "ArrowUp"], True)]
    shortcuts = []
    for selector, ahead, behind, escape in groups:
        shortcuts += [{"command": "deck:go", "args": forward, "keys": [key], "selector": selector} for key in ahead]
        shortcuts += [{"command": "deck:go", "args": back, "keys": [key], "selector": selector} for key in behind]
        if escape:
            shortcuts.append({"command": "deck:stop", "args": {}, "keys": ["Escape"], "selector": selector})
    return shortcuts


def presenter_settings(target: Path = SETTINGS, own: Path | None = None) -> Path:
    """``target``: a copy of the presenter's own JupyterLab settings (``own``, default JupyterLab's user
    settings folder) with the deck's keys added to the keyboard shortcuts. Returns ``target``."""
    from jupyterlab.commands import get_user_settings_dir

    target, own = Path(target), Path(own or get_user_settings_dir())
    if target.exists():
        shutil.rmtree(target)
    if own.is_dir() and own.resolve() != target.resolve():
        shutil.copytree(own, target)
    target.mkdir(parents=True, exist_ok=True)
    path = target / SHORTCUTS
    settings = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:       # JSON5 with comments: the presenter's own, left as it is
            print(f"note: {path} is not plain JSON; the deck's keys were not added to it", file=sys.stderr)
            return target
    theirs = [s for s in settings.get("shortcuts", []) if not str(s.get("command", "")).startswith("deck:")]
    settings["shortcuts"] = theirs + deck_shortcuts()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return target


def lab_command(out: Path, host: str, port: int, token: str = "", settings: Path | None = None) -> list[str]:
    """The JupyterLab command ``make lab`` uses, with ``out`` as the root folder (and no online extension manager);
    ``settings``: a user-settings folder (:func:`presenter_settings`) instead of the presenter's own."""
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [str(jupyter) if jupyter.exists() else "jupyter", "lab", "--no-browser",
               f"--ServerApp.ip={host}", f"--ServerApp.port={port}", f"--ServerApp.root_dir={out}",
               "--LabApp.extension_manager=readonly", "--LabApp.news_url=",         # offline: never asks PyPI
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",  # or a feed for news or updates
               NO_FORMGRADER, CUSTOM_CSS]
    if settings is not None:
        command.append(f"--LabApp.user_settings_dir={settings}")
    if token:
        command.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.present", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.relative_to(ROOT)}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--token", default="", help="default: a random token shown in the URL")
    parser.add_argument("--copy-only", action="store_true", help="copy, do not start JupyterLab")
    parser.add_argument("--install-defaults", action="store_true",
                        help="install the course's JupyterLab settings and style into this environment, then stop")
    args = parser.parse_args(argv)
    if args.install_defaults:
        for target in install_defaults():
            print(f"installed {target}")
        return 0
    copies = copy_solutions(args.out)
    print(f"copied {len(copies)} solution notebooks to {args.out} (solutions/ stays untouched)")
    if args.copy_only:
        return 0
    print(f"Starting JupyterLab on http://{args.host}:{args.port}/lab in {args.out} (Ctrl-C to stop)", flush=True)
    command = lab_command(args.out, args.host, args.port, args.token, settings=presenter_settings())
    os.execvp(command[0], command)   # replaces this process: Ctrl-C and signals reach JupyterLab


if __name__ == "__main__":
    sys.exit(main())
