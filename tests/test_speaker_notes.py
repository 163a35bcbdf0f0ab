"""Speaker notes on every slide (tools/speaker_notes.py): what to say, the pitfall, how long; in class or
as homework for each exercise. A note that reads a result is a student-visible reading instead
(tests/test_slides.py); these are the instructor's own."""
from __future__ import annotations

import nbformat
import pytest

from tools import lecture_plan, nbtool, slides, speaker_notes
from tools.speaker_notes import problems

LESSONS = slides.lesson_notebooks()
PER_LESSON = [pytest.param(p, id=p.stem) for p in LESSONS]


def _cell(source, kind="-", cell="markdown", tags=None):
    make = nbformat.v4.new_markdown_cell if cell == "markdown" else nbformat.v4.new_code_cell
    made = make(source)
    made.metadata["slideshow"] = {"slide_type": kind}
    if tags:
        made.metadata["tags"] = tags
    return made


NOTE = "**Say:** the point.\n\n**Pitfall:** the mistake.\n\n**Time:** about 3 min."
EXERCISE_NOTE = "**Say:** try it.\n\n**Pitfall:** off by one.\n\n**Where:** In class.\n\n**Time:** about 6 min."


def _deck(*cells):
    return nbformat.v4.new_notebook(cells=[_cell("setup", "skip", "code"), *cells])


def test_a_deck_with_every_note_passes_and_its_times_add_up():
    nb = _deck(_cell("# 99 · Title", "slide"), _cell(NOTE, "notes"),
               _cell("## Exercise 99.1 · a step", "subslide"), _cell('f = exercises.use("99.1", f)', "fragment", "code"),
               _cell(EXERCISE_NOTE, "notes"))
    assert problems(nb) == []
    assert speaker_notes.lesson_minutes(nb) == 9 and slides.estimate_minutes(nb) == 10
    assert speaker_notes.exercises(nb) == [{"id": "99.1", "where": "In class", "minutes": 6}]


@pytest.mark.parametrize("cells, expected", [
    ([_cell("## One", "slide")], "no speaker note"),
    ([_cell("## One", "slide"), _cell("**Say:** it.", "notes")], "Time: about N min"),
    ([_cell("## One", "slide"), _cell(NOTE + "\n\n**Time:** about 2 min.", "notes")], "Time: about N min"),
    ([_cell("## One", "slide"), _cell(NOTE.replace("3 min", "45 min"), "notes")], "outside 1-20 min"),
    # a reading of a result reaches the students: it is not the instructor's note
    ([_cell("## One", "slide"), _cell(NOTE, "notes", tags=[nbtool.READING])], "no speaker note"),
    ([_cell("## One", "slide"), _cell(NOTE, "notes"), _cell("## Two", "subslide")], "'Two': no speaker note"),
    ([_cell("**Exercise 99.2**: pad a batch", "slide"), _cell(NOTE, "notes")], "'In class' or 'As homework'"),
    ([_cell("## Exercise 99.2 · pad", "slide"), _cell(NOTE + "\n\nIn class or As homework", "notes")],
     "'In class' or 'As homework'"),
])
def test_a_slide_without_a_proper_note_is_listed(cells, expected):
    found = problems(_deck(*cells))
    assert any(expected in line for line in found), found


def test_a_deck_without_notes_falls_back_to_the_slide_count():
    nb = _deck(_cell("# 99 · Title", "slide"), _cell("## One", "subslide"), _cell("## Two", "subslide"))
    assert speaker_notes.lesson_minutes(nb) is None and slides.estimate_minutes(nb) == 5   # 3 x 2 = 6 -> 5


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_every_slide_has_its_speaker_note(notebook):
    nb = nbformat.read(notebook, as_version=4)
    assert problems(nb, notebook.name) == [], "add the notes (python -m tools.speaker_notes)"


@pytest.mark.parametrize("notebook", PER_LESSON)
def test_every_exercise_is_posed_on_a_slide_that_says_in_class_or_homework(notebook):
    nb = nbformat.read(notebook, as_version=4)
    posed = [record["id"] for record in speaker_notes.exercises(nb)]
    assert posed == speaker_notes.used_exercises(nb), \
        f"{notebook.name}: each exercise the lesson checks is posed on one slide ('## Exercise NN.M' or '**Exercise NN.M**')"
    assert all(record["where"] in {"In class", "As homework"} for record in speaker_notes.exercises(nb))


def test_the_guides_exercises_table_lists_every_exercise_once():
    records = lecture_plan.exercise_records()
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == sum(slides.exercise_count(nbformat.read(p, as_version=4)) for p in LESSONS)
    assert {r["where"] for r in records} == {"In class", "As homework"}
