"""Speaker notes on every slide: what to say, the pitfall, how long; for an exercise, in class or as homework.

    python -m tools.speaker_notes                        # every solution notebook: slides that lack a note
    python -m tools.speaker_notes solutions/06_lstm.ipynb

A slide is a ``slide`` or ``subslide`` cell and the cells after it up to the next one (fragments, notes).
Its instructor's note is a ``notes`` cell (not tagged ``reading``: a reading of a result reaches the
students, see :mod:`tools.nbtool`) with a line ``Time: about N min.``; on the slide that poses an exercise
(a heading or bold line "Exercise NN.M") the note also says ``In class`` or ``As homework``. The decks show the notes with
``s``; the lecture plan in docs/instructors.md adds up their times (:mod:`tools.lecture_plan`).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tools import nbtool

ROOT = Path(__file__).resolve().parent.parent
TIME = re.compile(r"^\*?\*?Time:?\*?\*?:? about (\d+) min\b", re.M)
WHERE = re.compile(r"\b(In class|As homework)\b")
EXERCISE = re.compile(r"^(?:#+ |\*\*)Exercise (\d\d\.\d)", re.M)     # where a slide poses an exercise
USES = re.compile(r"exercises\.use\(\"(\d\d\.\d)\"")


@dataclass
class Slide:
    start: int                                  # index of the slide's first cell
    title: str
    cells: list = field(default_factory=list)   # indices of its cells
    notes: list = field(default_factory=list)   # sources of its instructor notes
    text: str = ""                              # its markdown as shown (notes and skipped cells left out)

    @property
    def exercise(self) -> str | None:
        """The exercise this slide poses ("06.1"): a heading or a bold line "Exercise NN.M"."""
        found = EXERCISE.search(self.text)
        return found.group(1) if found else None

    @property
    def minutes(self) -> int | None:
        found = [int(m.group(1)) for note in self.notes for m in TIME.finditer(note)]
        return found[0] if len(found) == 1 else None

    @property
    def where(self) -> str | None:
        found = {m.group(1) for note in self.notes for m in WHERE.finditer(note)}
        return found.pop() if len(found) == 1 else None


slide_type = nbtool.slide_type


def title_of(cell) -> str:
    for line in cell.source.splitlines():
        if line.strip():
            return line.lstrip("#").strip()[:70]
    return ""


def slides(nb) -> list[Slide]:
    """The slides a presenter steps through, each with its cells and instructor notes."""
    found: list[Slide] = []
    for index, cell in enumerate(nb.cells):
        kind = slide_type(cell)
        if kind in {"slide", "subslide"}:
            found.append(Slide(start=index, title=title_of(cell)))
        if not found:
            continue
        found[-1].cells.append(index)
        if nbtool.is_instructor_note(cell):
            found[-1].notes.append(cell.source)
        elif cell.cell_type == "markdown" and kind not in {"notes", "skip"}:
            found[-1].text += cell.source + "\n"
    return found


def problems(nb, name: str = "notebook") -> list[str]:
    """Every slide without an instructor's note that says how long (and, for an exercise, where)."""
    out = []
    for slide in slides(nb):
        at = f"{name} cell {slide.start} {slide.title!r}"
        if not slide.notes:
            out.append(f"{at}: no speaker note")
            continue
        if slide.minutes is None:
            out.append(f"{at}: the note needs exactly one line 'Time: about N min.'")
        elif not 1 <= slide.minutes <= 20:
            out.append(f"{at}: 'Time: about {slide.minutes} min' is outside 1-20 min")
        if slide.exercise and slide.where is None:
            out.append(f"{at}: an exercise's note says 'In class' or 'As homework' (exactly one)")
    return out


def lesson_minutes(nb) -> int | None:
    """The notes' times added up (None when a slide has none)."""
    times = [slide.minutes for slide in slides(nb)]
    return None if not times or None in times else sum(times)


def exercises(nb) -> list[dict]:
    """One record per exercise slide: id, where ("In class" / "As homework"), minutes."""
    return [{"id": s.exercise, "where": s.where, "minutes": s.minutes} for s in slides(nb) if s.exercise]


def used_exercises(nb) -> list[str]:
    """The exercises the lesson checks (its ``exercises.use("NN.M", ...)`` cells), in order."""
    return [m.group(1) for cell in nb.cells if cell.cell_type == "code" for m in USES.finditer(cell.source)]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "solutions").glob("*.ipynb"))
    found = []
    for path in paths:
        found += problems(nbformat.read(path, as_version=4), path.name)
    print("\n".join(found) if found else f"every slide of {len(paths)} notebooks has its speaker note")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
