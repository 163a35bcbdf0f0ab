"""Colab and Kaggle: the set-up cell and the "Open in" links, generated from one setting.

The setting is ``[tool.course]`` in ``pyproject.toml``::

    repository = "owner/name"        # the GitHub repository the links open
    ref = "main"                     # branch, tag or commit the links and the install use
    install = "git+https://github.com/{repository}@{ref}"   # or a wheel URL

Every lesson (solution and student copy) starts with two cells, tagged so this tool finds them:

* ``course-links``: "Open in Colab" and "Open in Kaggle" for that very notebook (``solutions/`` or
  ``notebooks/``), plain links (no badge images: the course opens offline);
* ``course-setup``: in Colab or Kaggle only, installs the course package from ``install`` without
  changing the runtime's TensorFlow, Keras or numpy (pip is asked for them at their installed versions
  beside the course, so it cannot replace them and no restart is needed), and turns on Colab's widget manager; anywhere else (a checkout,
  a hub, CI, offline) it does nothing. Run twice, it says the package is there; without network or with
  an unreachable source it prints one sentence and leaves the runtime as it was.

Both are slide type ``skip`` (not on the decks). ``python -m tools.hosted`` rewrites them in
``solutions/`` and the README's lesson table; ``make student`` then carries them into ``notebooks/``
(with links to ``notebooks/``). ``COURSE_PACKAGE`` in the environment overrides ``install`` (CI installs
the wheel it built this way).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LINKS_TAG = "course-links"
SETUP_TAG = "course-setup"

if sys.version_info >= (3, 11):
    import tomllib
else:                                    # Python 3.10: the same parser, from PyPI
    import tomli as tomllib


def settings(pyproject: Path = ROOT / "pyproject.toml") -> dict:
    """``repository``, ``ref`` and ``install`` (with ``{repository}`` and ``{ref}`` filled in)."""
    table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("course", {})
    repository, ref = table.get("repository"), table.get("ref")
    if not isinstance(repository, str) or not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", repository):
        raise ValueError(f"[tool.course] repository in {pyproject}: expected 'owner/name', got {repository!r}")
    if not isinstance(ref, str) or not re.fullmatch(r"[\w./-]+", ref):
        raise ValueError(f"[tool.course] ref in {pyproject}: expected a branch, tag or commit, got {ref!r}")
    install = table.get("install", "git+https://github.com/{repository}@{ref}")
    if not isinstance(install, str) or not install.strip():
        raise ValueError(f"[tool.course] install in {pyproject}: expected a pip source, got {install!r}")
    return {"repository": repository, "ref": ref, "install": install.format(repository=repository, ref=ref)}


def urls(folder: str, name: str, setting: dict | None = None) -> dict[str, str]:
    """``{"Colab": url, "Kaggle": url}`` opening ``folder/name`` of the repository at ``ref``."""
    s = setting or settings()
    github = f"github.com/{s['repository']}/blob/{s['ref']}/{folder}/{name}"
    return {"Colab": f"https://colab.research.google.com/{github.replace('github.com/', 'github/', 1)}",
            "Kaggle": f"https://kaggle.com/kernels/welcome?src=https://{github}"}


def links_source(folder: str, name: str, setting: dict | None = None) -> str:
    u = urls(folder, name, setting)
    return (f"[Open in Colab]({u['Colab']}) · [Open in Kaggle]({u['Kaggle']}) · "
            "locally: `make lab` (README). In Colab or Kaggle, run the set-up cell below first.")


SETUP_TEMPLATE = '''\
# Colab / Kaggle set-up: installs the course package, keeping the runtime's TensorFlow, Keras and numpy
# (no restart), and turns on Colab's widgets. Anywhere else this cell does nothing.
import importlib, importlib.metadata as md, os, subprocess, sys
SOURCE = os.environ.get("COURSE_PACKAGE", "{install}")
if "google.colab" in sys.modules or "KAGGLE_KERNEL_RUN_TYPE" in os.environ:
    have = {{(d.metadata["Name"] or "").lower(): d.version for d in md.distributions()}}
    if "deep-sequence-modeling" in have:
        print("course package", have["deep-sequence-modeling"], "is installed")
    else:
        keep = [f"{{p}}=={{have[p]}}" for p in ("tensorflow", "tensorflow-cpu", "keras", "numpy") if p in have]
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--retries", "1", "--timeout", "20",
                              SOURCE, *keep], capture_output=True, text=True)
        why = [x.strip() for x in pip.stderr.splitlines() if x.strip().startswith(("ERROR:", "fatal:"))] or ["pip failed"]
        importlib.invalidate_caches()
        print("course package installed" if pip.returncode == 0 else
              f"could not install the course from {{SOURCE}} ({{why[0]}}); check the network and run this cell again")
    if "google.colab" in sys.modules:
        from google.colab import output
        output.enable_custom_widget_manager()'''


def setup_source(setting: dict | None = None) -> str:
    return SETUP_TEMPLATE.format(install=(setting or settings())["install"])


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def links_cell(folder: str, name: str, setting: dict | None = None):
    cell = nbformat.v4.new_markdown_cell(links_source(folder, name, setting))
    cell.metadata = {"slideshow": {"slide_type": "skip"}, "tags": [LINKS_TAG]}
    cell["id"] = LINKS_TAG
    return cell


def setup_cell(setting: dict | None = None):
    cell = nbformat.v4.new_code_cell(setup_source(setting))
    cell.metadata = {"slideshow": {"slide_type": "skip"}, "tags": [SETUP_TAG]}
    cell["id"] = SETUP_TAG
    return cell


def apply(nb, folder: str, name: str, setting: dict | None = None):
    """Put (or refresh) the links cell and the set-up cell at the top of ``nb``; returns ``nb``."""
    setting = setting or settings()
    keep = [c for c in nb.cells if LINKS_TAG not in _tags(c) and SETUP_TAG not in _tags(c)]
    old = {tag: next((c for c in nb.cells if tag in _tags(c)), None) for tag in (LINKS_TAG, SETUP_TAG)}
    links, setup = links_cell(folder, name, setting), setup_cell(setting)
    for tag, new in ((LINKS_TAG, links), (SETUP_TAG, setup)):
        if old[tag] is not None and old[tag].cell_type == "code" and old[tag].source == new.source:
            new.outputs, new.execution_count = old[tag].get("outputs", []), old[tag].get("execution_count")
    nb.cells = [links, setup] + keep
    return nb


def problems(nb, folder: str, name: str, setting: dict | None = None) -> list[str]:
    """What is wrong with a notebook's first two cells (empty when they are the current ones)."""
    setting = setting or settings()
    where = f"{folder}/{name}"
    if len(nb.cells) < 2:
        return [f"{where}: fewer than two cells"]
    first, second = nb.cells[0], nb.cells[1]
    found = []
    if LINKS_TAG not in _tags(first) or first.source != links_source(folder, name, setting):
        found.append(f"{where}: the first cell is not the current Colab/Kaggle links cell (run `python -m tools.hosted`)")
    if SETUP_TAG not in _tags(second) or second.cell_type != "code" or second.source != setup_source(setting):
        found.append(f"{where}: the second cell is not the current set-up cell (run `python -m tools.hosted`)")
    return found


def readme_links(name: str, setting: dict | None = None) -> str:
    """The README lesson table's cell: Colab and Kaggle links to the student copy."""
    u = urls("notebooks", name, setting)
    return f"[Colab]({u['Colab']}) · [Kaggle]({u['Kaggle']})"


def write_solutions(setting: dict | None = None) -> list[Path]:
    setting = setting or settings()
    written = []
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        apply(nb, "solutions", path.name, setting)
        if nbformat.writes(nb) != before:
            nbformat.write(nb, path)
            written.append(path)
    return written


def update_readme(readme: Path = ROOT / "README.md", setting: dict | None = None) -> bool:
    """Rewrite the "open in" column of the README's lesson table; True when the file changed."""
    setting = setting or settings()
    text = readme.read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        match = re.match(r"\| (\d\d) \|.*\(notebooks/(\d\d_\w+\.ipynb)\)", line)
        if match:
            cells = line.split(" | ")
            cells[-1] = readme_links(match.group(2), setting) + " |"
            line = " | ".join(cells)
        out.append(line)
    new = "\n".join(out) + ("\n" if text.endswith("\n") else "")
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    for changed in write_solutions():
        print(f"wrote {changed.relative_to(ROOT)}")
    if update_readme():
        print("wrote README.md")
    print("now run `make student` to carry the cells into notebooks/")
