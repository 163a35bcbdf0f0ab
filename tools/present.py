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


def lab_command(out: Path, host: str, port: int, token: str = "") -> list[str]:
    """The JupyterLab command ``make lab`` uses, with ``out`` as the root folder (and no online extension manager)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [str(jupyter) if jupyter.exists() else "jupyter", "lab", "--no-browser",
               f"--ServerApp.ip={host}", f"--ServerApp.port={port}", f"--ServerApp.root_dir={out}",
               "--LabApp.extension_manager=readonly", "--LabApp.news_url=",         # offline: never asks PyPI
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",  # or a feed for news or updates
               NO_FORMGRADER]
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
    args = parser.parse_args(argv)
    copies = copy_solutions(args.out)
    print(f"copied {len(copies)} solution notebooks to {args.out} (solutions/ stays untouched)")
    if args.copy_only:
        return 0
    print(f"Starting JupyterLab on http://{args.host}:{args.port}/lab in {args.out} (Ctrl-C to stop)", flush=True)
    command = lab_command(args.out, args.host, args.port, args.token)
    os.execvp(command[0], command)   # replaces this process: Ctrl-C and signals reach JupyterLab


if __name__ == "__main__":
    sys.exit(main())
