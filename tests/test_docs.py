"""docs/instructors.md: every command it shows exists, every file it names is in the repository.

Checked: `make TARGET` (a target of the Makefile), `python -m MODULE` (importable here),
`.venv/bin/TOOL` (installed in the venv), repository paths in code (exist, or match a glob),
and the Python snippet (compiles; the helpers it calls exist). Tools the guide tells the
reader to install first (nbgrader, repo2docker) and shell basics are listed in EXTERNAL.
"""
from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "instructors.md"

# Commands that are not ours: the guide says where they come from.
EXTERNAL = {
    "mkdir": "coreutils", "cp": "coreutils", "cd": "shell",
    "nbgrader": "in the course environment; run through `python -m tools.grading nbgrader` (section 3)",
    "repo2docker": "installed in section 4 (`pip install jupyter-repo2docker`)",
    "pip": "Python's installer",
    "git": "the repository's version control (resetting a lesson, section 1)",
}
# Paths the guide mentions that a command creates (not committed).
GENERATED = ("build/", "slides/node_modules/", "classroom/", "release/", "submitted/", "BENCHMARKS.md",
             "old-BENCHMARKS.md", "grades.csv")
# Folders that arrive with other parts of the course (lessons, the environment recipe); their
# paths are checked once the folder exists, so this guide can be merged before or after them.
ARRIVING = ("solutions/", "notebooks/", "binder/")
URL_PATHS = ("lab/", "rise/")      # JupyterLab addresses, not files
PLACEHOLDERS = {"NN_name": "[0-9][0-9]_*", "NN": "[0-9][0-9]"}


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def code_blocks(text: str) -> list[tuple[str, str]]:
    blocks = re.findall(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", text, flags=re.M | re.S)
    return [(lang or "", textwrap.dedent(body)) for lang, body in blocks]


def inline_code(text: str) -> list[str]:
    without_blocks = re.sub(r"^[ \t]*```.*?^[ \t]*```", "", text, flags=re.M | re.S)
    return re.findall(r"`([^`\n]+)`", without_blocks)


def shell_commands(text: str) -> list[str]:
    """Command lines from bash blocks, plus inline code that starts with a command we own."""
    lines = []
    for lang, body in code_blocks(text):
        if lang in {"bash", "sh", "shell", "console"}:
            lines += [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#")]
    for span in inline_code(text):
        if re.match(r"(\.venv/bin/)?(make|python)\b", span):
            lines.append(span)
    return lines


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.M))


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def check_command(line: str) -> list[str]:
    """Problems with one command line (empty when it is fine)."""
    words = shlex.split(line)
    program = words[0]
    if program == "make":
        targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        missing = sorted(set(targets or ["help"]) - makefile_targets())
        return [f"`{line}`: no Makefile target {t!r}" for t in missing]
    if program.startswith(".venv/bin/"):
        tool = program[len(".venv/bin/"):]
        if not (Path(sys.prefix) / "bin" / tool).exists() and shutil.which(tool) is None:
            return [f"`{line}`: {tool} is not installed in the environment"]
        if tool == "jupyter" and len(words) > 1 and not (Path(sys.prefix) / "bin" / f"jupyter-{words[1]}").exists():
            return [f"`{line}`: there is no `jupyter {words[1]}` in the environment"]
        program, words = tool, [tool] + words[1:]
    if program in {"python", "python3"}:
        if len(words) > 2 and words[1] == "-m" and not module_exists(words[2]):
            return [f"`{line}`: module {words[2]} cannot be imported"]
        return []
    if program in {"jupyter", "pip"}:
        return []
    if program not in EXTERNAL:
        return [f"`{line}`: {program!r} is neither ours (make, python -m, .venv/bin) nor listed in EXTERNAL"]
    return []


def repository_paths(text: str) -> list[str]:
    """Paths inside the repository named in inline code or commands (relative, with a folder or suffix)."""
    candidates = inline_code(text)
    for line in shell_commands(text):
        candidates += shlex.split(line)
    found = []
    for token in candidates:
        token = token.split("=", 1)[-1]
        if re.fullmatch(r"[A-Za-z0-9_.*/<>-]+", token) and not token.startswith(("-", ".venv", "http", "/")) and \
                ("/" in token or re.search(r"\.(md|py|ipynb|json|toml|lock)$", token)) and "<" not in token:
            found.append(token)
    return sorted(set(found))


def path_problem(token: str) -> str | None:
    if token.startswith(GENERATED + URL_PATHS) or token in GENERATED:
        return None
    if token.startswith(ARRIVING) and not (ROOT / token.split("/")[0]).is_dir():
        return None
    pattern = token
    for placeholder, glob in PLACEHOLDERS.items():
        pattern = pattern.replace(placeholder, glob)
    if any(ch in pattern for ch in "*?["):
        return None if list(ROOT.glob(pattern.rstrip("/"))) or token.startswith(ARRIVING) else \
            f"`{token}` matches no file"
    return None if (ROOT / token).exists() else f"`{token}` does not exist"


def test_guide_exists_and_covers_the_four_topics():
    text = guide_text()
    for topic in ("make slides", "jupyterlab_rise", "make student", "nbgrader", "BEGIN SOLUTION",
                  "binder/", "repo2docker", "JupyterHub", "BinderHub"):
        assert topic in text, f"the instructor guide does not mention {topic}"


def test_the_checker_understands_commands():
    assert check_command("make slides") == []
    assert check_command("make no-such-target") and check_command("rm -rf /")
    assert check_command("python -m tools.slides solutions/NN_name.ipynb") == []
    assert check_command("python -m tools.no_such_module")
    assert path_problem("docs/instructors.md") is None and path_problem("docs/missing.md")


def test_every_command_exists():
    commands = shell_commands(guide_text())
    assert len(commands) >= 10
    problems = [p for line in commands for p in check_command(line)]
    assert problems == [], "\n".join(problems)


def test_every_file_named_exists():
    paths = repository_paths(guide_text())
    assert "slides/package-lock.json" in paths
    problems = [p for p in map(path_problem, paths) if p]
    assert problems == [], "\n".join(problems)


def test_python_snippets_compile_and_use_real_helpers():
    from helpers import exercises

    snippets = [body for lang, body in code_blocks(guide_text()) if lang == "python"]
    assert snippets
    for body in snippets:
        compile(body, "docs/instructors.md", "exec")
        for name in re.findall(r"\bexercises\.(\w+)", body):
            assert hasattr(exercises, name) or module_exists(f"helpers.exercises.{name}"), \
                f"the guide uses exercises.{name}, which does not exist"


@pytest.mark.parametrize("folder", ARRIVING)
def test_arriving_folders_are_checked_once_present(folder):
    if not (ROOT / folder).is_dir():
        pytest.skip(f"{folder} is not in this checkout yet; its paths in the guide are checked once it is")
    for token in repository_paths(guide_text()):
        if token.startswith(folder):
            assert path_problem(token) is None, path_problem(token)


def test_timing_table_and_term_plan_are_generated_from_the_decks():
    from tools import lecture_plan

    text = guide_text()
    tables = lecture_plan.generated()
    for kind in ("timing", "term"):
        assert lecture_plan.in_guide(text, kind) == tables[kind], \
            f"docs/instructors.md: the {kind} table is out of date (python -m tools.lecture_plan --write)"
    records = lecture_plan.lessons()
    lectures = lecture_plan.term(records)
    assert [r["number"] for lecture in lectures for r in lecture] == [r["number"] for r in records]
    assert all(sum(r["minutes"] for r in lecture) <= lecture_plan.LECTURE_MINUTES or len(lecture) == 1
               for lecture in lectures)
    assert len(records) == 11 and records[-1]["number"] == "10"


def test_term_plan_groups_in_order_and_never_overfills():
    from tools import lecture_plan

    records = [{"number": f"{i:02d}", "minutes": m} for i, m in enumerate([40, 40, 20, 95, 30])]
    assert [[r["number"] for r in lecture] for lecture in lecture_plan.term(records)] == \
        [["00", "01"], ["02"], ["03"], ["04"]]
