"""A copy of the course's own answer in an answer cell: the reference's code with names changed.

``tools/scoring.py`` scores an answer cell 0 when one of its definitions has the same shape (the
syntax tree with every name replaced by its order of appearance, docstrings and annotations
dropped) as the exercise's reference or a helper that implements it. Only sizeable functions
count, and a reference written exactly like the notebook's own solution is not looked for: those
copies cannot be told from the expected answer. A copy disguised beyond renaming (statements
reordered, code added) is not caught: like copying a friend's work, it is out of this tool's reach.
"""
from __future__ import annotations

import ast
import inspect
import textwrap

from helpers import exercises


class _Anonymous(ast.NodeTransformer):
    """Names replaced by their order of first appearance; docstrings dropped."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id=self._name(node.id), ctx=node.ctx), node)

    def visit_arg(self, node):
        node.arg, node.annotation = self._name(node.arg), None
        return node

    def _body(self, node):
        node.name = self._name(node.name)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        node.returns = None
        node.decorator_list = []
        self.generic_visit(node)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _body


def _shape(tree: ast.AST) -> str:
    return ast.dump(_Anonymous().visit(tree), annotate_fields=False)


def _definitions(source: str) -> list[ast.AST]:
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return []
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))]


# Smaller functions are too short to tell a copy from the obvious answer (a two-line causal mask).
MIN_COPY_NODES, MIN_COPY_STATEMENTS = 40, 3


def reference_shapes(exercise_id: str) -> dict[str, str]:
    """Normalised shapes of the reference's and its implementing helpers' definitions."""
    exercise = exercises.get(exercise_id)
    objects = list(exercise.reference) if isinstance(exercise.reference, tuple) else [exercise.reference]
    for name in exercise.implements:
        module, _, attribute = name.rpartition(".")
        objects.append(getattr(__import__(module, fromlist=[attribute]), attribute))
    shapes = {}
    for obj in objects:
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):
            continue
        for node in _definitions(source)[:1]:
            statements = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
            if sum(1 for _ in ast.walk(node)) >= MIN_COPY_NODES and len(statements) >= MIN_COPY_STATEMENTS:
                shapes[_shape(node)] = f"{obj.__module__}.{obj.__qualname__}"
    return shapes


def copied_reference(exercise_id: str, answer_source: str, solution_source: str = "") -> str | None:
    """The course function whose code the answer cell contains (names and docstrings aside), or None.

    A reference written exactly like the notebook's own solution (``solution_source``) is not looked
    for: a copy of it cannot be told from the expected answer."""
    shapes = reference_shapes(exercise_id)
    for node in _definitions(solution_source):
        shapes.pop(_shape(node), None)
    for node in _definitions(answer_source):
        found = shapes.get(_shape(node))
        if found:
            return found
    return None


