"""Notebook tooling: generate student notebooks, check drift, execute solutions, edit as text.

    python -m tools.nbtool student            # regenerate notebooks/ from solutions/ (make student)
    python -m tools.nbtool check              # exit 1 if notebooks/ differ from what `student` writes
    python -m tools.nbtool execute FILE...    # run notebooks in place, keeping outputs (profile from $COURSE_PROFILE)
    python -m tools.nbtool to-py NB.ipynb     # print a notebook as percent-format text, for editing
    python -m tools.nbtool from-py SRC.py NB.ipynb   # write a notebook from percent-format text

Percent format: ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell (its lines
start with ``# ``). After the header, ``slide=fragment`` sets ``slideshow.slide_type`` and
``tags=a,b`` sets tags, e.g. ``# %% [markdown] slide=slide``.
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
EXERCISE_ID = re.compile(r"""exercises\.(?:use|check)\(\s*["'](\d\d\.\d+)["']|#\s*Exercise\s+(\d\d\.\d+)""")
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


class NotebookError(ValueError):
    pass


# ---- student notebooks ---------------------------------------------------------------

def _exercise_id(source: str, where: str) -> str:
    found = {a or b for a, b in EXERCISE_ID.findall(source)}
    if len(found) != 1:
        raise NotebookError(f"{where}: a cell with a solution block must name exactly one exercise "
                            f"(via exercises.use/check(\"NN.M\", ...) or '# Exercise NN.M'), found {sorted(found)}")
    return found.pop()


def strip_solutions(source: str, where: str = "cell") -> str:
    """Replace each BEGIN/END SOLUTION block with a stub that raises NotImplementedError."""
    if BEGIN not in source:
        return source
    exercise_id = _exercise_id(source, where)
    out, inside, indent = [], False, ""
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise NotebookError(f"{where} line {number}: nested {BEGIN}")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            if not indent:
                raise NotebookError(f"{where} line {number}: solution blocks must sit inside a function "
                                    "body, so the stub raises only when the function is called")
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f'{indent}raise NotImplementedError("Exercise {exercise_id}: write your code here")')
        elif stripped == END:
            if not inside:
                raise NotebookError(f"{where} line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise NotebookError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


READING = "reading"     # a speaker-notes cell that reads a result: kept, as text, in the student copy


def slide_type(cell) -> str:
    """A cell's ``slideshow.slide_type`` (``"-"`` when it has none: part of the slide before it)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def is_note(cell) -> bool:
    return slide_type(cell) == "notes"


def is_instructor_note(cell) -> bool:
    """Speaker notes only for the instructor ("Ask the class ...", "Point at ..."): not in the student copy."""
    return is_note(cell) and READING not in cell.get("metadata", {}).get("tags", [])


def student_version(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A clean student copy: solution blocks stubbed, outputs and execution counts cleared.

    Speaker-note cells (slide type ``notes``) are for instructors and are left out, except those tagged
    ``reading``: a reading of a result (what a table or a curve shows) is speaker notes on the slide, and an
    ordinary text cell, in the same place, in the student's copy.
    """
    from tools import hosted

    nb = nbformat.from_dict(nb)
    nb.cells = [cell for cell in nb.cells if not is_instructor_note(cell)]
    for cell in nb.cells:
        if is_note(cell):                       # a reading: students see it as text
            cell.metadata["slideshow"]["slide_type"] = "-"
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != READING]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
    # the "Open in Colab / Kaggle" links of a student copy open the student copy
    nb.cells = [hosted.links_cell("notebooks", name) if hosted.LINKS_TAG in cell.get("metadata", {}).get("tags", [])
                else cell for cell in nb.cells]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{name} cell {index}")
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    # the executing interpreter's details (Python version ...) would make copies differ between machines
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


def student_text(solution_path: Path) -> str:
    nb = nbformat.read(solution_path, as_version=4)
    return nbformat.writes(student_version(nb, solution_path.name)) + "\n"


def write_students() -> list[Path]:
    NOTEBOOKS.mkdir(exist_ok=True)
    written = []
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        target = NOTEBOOKS / path.name
        target.write_text(student_text(path), encoding="utf-8")
        written.append(target)
    for stale in sorted(set(NOTEBOOKS.glob("*.ipynb")) - set(written)):
        stale.unlink()
    return written


def drift() -> list[str]:
    """Names of student notebooks that differ from what `student` would write (or are missing/extra)."""
    problems = []
    solutions = {p.name for p in SOLUTIONS.glob("*.ipynb")}
    for name in sorted(solutions):
        target = NOTEBOOKS / name
        if not target.exists():
            problems.append(f"{name}: missing from notebooks/")
        elif target.read_text(encoding="utf-8") != student_text(SOLUTIONS / name):
            problems.append(f"{name}: differs from its solution (run `make student`)")
    for extra in sorted({p.name for p in NOTEBOOKS.glob("*.ipynb")} - solutions):
        problems.append(f"{extra}: has no solution in solutions/")
    return problems


# ---- percent format --------------------------------------------------------------------

def from_percent(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                        "language_info": {"name": "python"}})
    blocks = re.split(r"^(# %%.*)$", text, flags=re.M)
    for header, body in zip(blocks[1::2], blocks[2::2]):
        rest = header[4:].strip()
        markdown = rest.startswith("[markdown]")
        if markdown:
            rest = rest[len("[markdown]"):].strip()
        metadata = {}
        for item in rest.split():
            key, _, value = item.partition("=")
            if key == "slide":
                if value not in SLIDE_TYPES:
                    raise NotebookError(f"unknown slide type {value!r} in {header!r}")
                metadata["slideshow"] = {"slide_type": value}
            elif key == "tags":
                metadata["tags"] = value.split(",")
            else:
                raise NotebookError(f"unknown cell attribute {item!r} in {header!r}")
        body = body.strip("\n")
        if markdown:
            body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines())
            cell = nbformat.v4.new_markdown_cell(body, metadata=metadata)
        else:
            cell = nbformat.v4.new_code_cell(body, metadata=metadata)
        cell.id = f"c{len(nb.cells):03d}"
        nb.cells.append(cell)
    return nb


def to_percent(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        header = "# %%" + (" [markdown]" if cell.cell_type == "markdown" else "")
        slide = cell.metadata.get("slideshow", {}).get("slide_type")
        if slide:
            header += f" slide={slide}"
        if cell.metadata.get("tags"):
            header += " tags=" + ",".join(cell.metadata["tags"])
        body = cell.source
        if cell.cell_type == "markdown":
            body = "\n".join(("# " + line) if line else "#" for line in body.splitlines())
        parts.append(f"{header}\n{body}\n")
    return "\n".join(parts)


# ---- execution ---------------------------------------------------------------------------

def execute(path: Path, timeout: int = 900) -> float:
    """Execute a notebook in place (in its own folder), keeping outputs; return seconds taken."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, args = argv[0], argv[1:]
    if command == "student":
        for path in write_students():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if command == "check":
        problems = drift()
        print("\n".join(problems) if problems else "student notebooks are up to date")
        return 1 if problems else 0
    if command == "execute":
        for name in args:
            seconds = execute(Path(name))
            print(f"executed {name} in {seconds:.1f} s")
        return 0
    if command == "to-py":
        print(to_percent(nbformat.read(args[0], as_version=4)))
        return 0
    if command == "from-py":
        nbformat.write(from_percent(Path(args[0]).read_text(encoding="utf-8")), args[1])
        return 0
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
