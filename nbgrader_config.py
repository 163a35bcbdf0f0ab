"""nbgrader settings for the course (read by every `nbgrader` command run from this folder).

Use it through `make release` / `make autograde` or `python -m tools.grading` (docs/instructors.md,
section 3), which run nbgrader with this environment and write the source copies it grades.
"""
from pathlib import Path

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "deep-sequence-modeling"
# classroom/ holds source/, release/, submitted/, autograded/, feedback/ and gradebook.db; it is
# git-ignored because it holds student work. tools.grading passes the same folder explicitly.
c.CourseDirectory.root = str(Path(__file__).resolve().parent / "classroom")

# A cell may run this long while autograding (nbgrader's default, 30 s, is too short). The longest
# cell is lesson 07's training in the full profile: a 140 s wall-clock budget (the whole notebook
# takes ~160 s on 2 cores, BENCHMARKS.md). 600 s leaves room for a busy grading machine; a student's
# endless loop costs this much once per cell that runs it, then the kernel is interrupted and
# grading goes on.
c.Execute.timeout = 600

# The stub a released exercise gets, in the course's words (nbgrader's markers are the course's).
c.ClearSolutions.code_stub = {"python": '# YOUR CODE HERE\nraise NotImplementedError("write your code here")'}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
