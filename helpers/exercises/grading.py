"""What nbgrader's test cells run: the exercise's checker, again, on the student's own code.

``tools/grading.py`` adds one locked test cell after each exercise of the release copies::

    from helpers.exercises.grading import grade
    grade("03.1", rnn_step)

``use`` hands back the reference when the student's function fails, so the name ``rnn_step``
may hold the reference by then; :func:`grade` checks what the student gave to ``use``
(:func:`helpers.exercises.submitted`), and only when ``use`` never ran for this exercise (its
line was deleted) the object the test cell names, which is then the student's own definition. The
reference itself never passes. A failure raises ``AssertionError`` with the checker's hint,
which nbgrader scores 0 and shows in the feedback.
"""
from __future__ import annotations

from . import evaluate, get, submitted

__all__ = ["grade"]


def _is_reference(candidate, reference) -> bool:
    if candidate is reference:
        return True
    if isinstance(reference, tuple) and isinstance(candidate, tuple):
        return any(c is r for c, r in zip(candidate, reference))
    return False


def grade(exercise_id: str, defined=None) -> None:
    """Raise ``AssertionError`` unless the student's own candidate for ``exercise_id`` passes.

    ``defined`` is what the exercise cell defines (the argument of its ``use`` line); it is
    graded only when the notebook never called ``use`` for this exercise.
    """
    exercise = get(exercise_id)
    candidate, how = submitted(exercise_id), "the code you gave to exercises.use"
    if candidate is None:
        candidate, how = defined, "the code your cell defines (its exercises.use line is missing)"
    label = f"Exercise {exercise_id} ({exercise.title})"
    if candidate is None:
        raise AssertionError(f"{label}: nothing to grade: the exercise cell defines nothing")
    if _is_reference(candidate, exercise.reference):
        raise AssertionError(f"{label}: {how} is the course's reference solution, not your own code")
    try:
        passed, message = evaluate(exercise_id, candidate)
    except BaseException as error:  # SystemExit and friends from the student's code still score 0
        if isinstance(error, KeyboardInterrupt):
            raise
        passed, message = False, f"your code raised {type(error).__name__}: {error}"
    if not passed:
        raise AssertionError(f"{label}: {message} (graded: {how})")
    print(f"{label}: passed (graded: {how}).")
