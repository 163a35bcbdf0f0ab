"""The platforms and Pythons the course supports, and how each is checked.

One table, read by the README's platform table (a test keeps them equal), by the resolution test
(``tests/test_platforms.py``: ``requirements.lock`` resolves for every platform x Python below) and by
``.ci/run`` (``python -m tools.platforms --second-python`` names the second Python CI runs the tests on).

    python -m tools.platforms            # print the table as the README shows it
"""
from __future__ import annotations

# Python versions the lock is made for (``make lock``: uv's universal mode, requires-python in pyproject).
PYTHONS = ("3.10", "3.11", "3.12", "3.13")

# The main Python of CI and of the class image (binder/runtime.txt); a second one runs in CI too.
CI_PYTHON = "3.11"
CI_SECOND_PYTHON = "3.10"   # the oldest supported one: its numpy, Keras and music21 differ most

# (name students know, uv's --python-platform target, the TensorFlow package the lock installs there)
PLATFORMS = (
    ("Linux x86_64", "x86_64-manylinux_2_28", "tensorflow-cpu"),
    ("Linux ARM (aarch64)", "aarch64-manylinux_2_28", "tensorflow"),
    ("macOS, Apple Silicon", "aarch64-apple-darwin", "tensorflow"),
    ("Windows x86_64", "x86_64-pc-windows-msvc", "tensorflow-cpu"),
)
TESTED_IN_CI = "Linux x86_64"   # where the whole test suite runs; elsewhere the lock's resolution is checked


def how_checked(platform: str, python: str) -> str:
    """``tested in CI`` or ``resolution checked`` for one cell of the table."""
    if platform == TESTED_IN_CI and python == CI_PYTHON:
        return "tested in CI (all tests)"
    if platform == TESTED_IN_CI and python == CI_SECOND_PYTHON:
        return "tested in CI (unit tests, notebooks)"
    return "resolution checked"


def markdown_table() -> str:
    """The README's platform table."""
    lines = ["| platform | " + " | ".join(f"Python {v}" for v in PYTHONS) + " |",
             "|---|" + "---|" * len(PYTHONS)]
    for name, _, _ in PLATFORMS:
        lines.append(f"| {name} | " + " | ".join(how_checked(name, v) for v in PYTHONS) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys
    print(CI_SECOND_PYTHON if sys.argv[1:] == ["--second-python"] else markdown_table())
