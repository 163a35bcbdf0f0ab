"""Submissions that try to earn points without doing the work (issue 24), and honest controls.

Each cheat is one exercise cell's text, written the way a student who wants the points would write
it: reuse the course's own answer, fool the checker from inside the kernel, or attack nbgrader.
``tests/test_scoring.py`` grades the answer-cell cheats with ``tools/scoring.py`` directly (fast,
in ``make test``); ``tests/test_grading_cheats.py`` hands every cheat to ``make autograde`` as a
whole submission (``make test-grading``). Every cheat must score 0; the honest controls score as
their kind says.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import inspect
import io
import textwrap
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cheat:
    name: str
    family: str        # "reference", "kernel", "nbgrader", "control"
    exercise: str      # the exercise it targets
    cell: str          # the answer cell's whole text ("" for a notebook-level attack)
    points: int = 0    # what it must score (controls: 1 for correct work)
    how: str = ""      # for the report


def _cell(body: str, name: str, exercise: str) -> str:
    return textwrap.dedent(body).strip() + f"\n\n\n{name} = exercises.use(\"{exercise}\", {name})\n"


_WRONG_ONE_HOT = ("def one_hot(ids, vocab_size):\n"
                  "    return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32)  # not the work\n")


def pasted_reference_source() -> str:
    """text.one_hot's source, pasted with every local name changed (a disguised copy)."""
    from helpers import text

    tree = ast.parse(textwrap.dedent(inspect.getsource(text.one_hot)))
    function = tree.body[0]
    local = {a.arg for a in function.args.args} | {n.id for n in ast.walk(function)
                                                   if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(function):
        if isinstance(node, ast.arg):
            node.arg = node.arg + "_mine"
        elif isinstance(node, ast.Name) and node.id in local:
            node.id = node.id + "_mine"
    function.name = "one_hot"
    source = ast.unparse(tree)
    # the course's module-level names it relies on come from the module itself
    return "from helpers.text import *\nfrom helpers.validation import *\n" + source + "\n"


def lookup_table_cell() -> str:
    """one_hot answered from a table of the checker's own (notebook-time) inputs and the right outputs."""
    from helpers import exercises, text

    table = {}

    def recorder(ids, vocab_size):
        ids = np.asarray(ids)
        out = text.one_hot(ids, vocab_size)
        table[_key(ids, vocab_size)] = _pack(out)
        return out

    exercises.evaluate("01.1", recorder)
    return (f"import base64, hashlib, io\nTABLE = {table!r}\n\n"
            "def _key(ids, vocab_size):\n"
            "    ids = np.asarray(ids)\n"
            "    return hashlib.sha256(ids.tobytes() + str((ids.shape, str(ids.dtype), vocab_size)).encode()).hexdigest()\n\n"
            "def one_hot(ids, vocab_size):\n"
            "    packed = TABLE.get(_key(ids, vocab_size))\n"
            "    if packed is None:\n"
            "        return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32)\n"
            "    return np.load(io.BytesIO(base64.b64decode(packed)))\n\n\n"
            "one_hot = exercises.use(\"01.1\", one_hot)\n")


def _key(ids, vocab_size) -> str:
    ids = np.asarray(ids)
    return hashlib.sha256(ids.tobytes() + str((ids.shape, str(ids.dtype), vocab_size)).encode()).hexdigest()


def _pack(array) -> str:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode()


def answer_cell_cheats() -> list[Cheat]:
    """Cheats that live in one answer cell (lessons 01 and 03), and honest controls."""
    one_hot = lambda body: _cell(body, "one_hot", "01.1")  # noqa: E731
    return [
        # -- the installed answer ---------------------------------------------------------------------
        Cheat("reference object", "reference", "01.1",
              one_hot("one_hot = exercises.get('01.1').reference"), how="the registered reference itself"),
        Cheat("reference partial", "reference", "01.1",
              one_hot("import functools\none_hot = functools.partial(exercises.get('01.1').reference)"),
              how="functools.partial of the reference"),
        Cheat("reference wrapped", "reference", "01.1",
              one_hot("def one_hot(ids, vocab_size):\n    return exercises.get('01.1').reference(ids, vocab_size)"),
              how="a function that calls the reference"),
        Cheat("reference code object", "reference", "01.1",
              one_hot("import types\nfrom helpers import text as _t\n"
                      "one_hot = types.FunctionType(_t.one_hot.__code__, _t.one_hot.__globals__, 'one_hot')"),
              how="a new function made from the reference's code object"),
        Cheat("public helper 01.1", "reference", "01.1",
              one_hot("def one_hot(ids, vocab_size):\n    return text.one_hot(ids, vocab_size)"),
              how="text.one_hot, the helper the lesson uses later"),
        Cheat("pasted reference source", "reference", "01.1",
              pasted_reference_source() + "\n\none_hot = exercises.use(\"01.1\", one_hot)\n",
              how="text.one_hot's source pasted, names changed"),
        Cheat("source read at run time", "reference", "01.1",
              one_hot("import inspect\nnamespace = dict(vars(text))\n"
                      "exec(inspect.getsource(text.one_hot), namespace)\none_hot = namespace['one_hot']"),
              how="inspect.getsource of the helper, executed"),
        Cheat("module reloaded", "reference", "01.1",
              one_hot("import importlib\n\ndef one_hot(ids, vocab_size):\n"
                      "    fresh = importlib.reload(importlib.import_module('helpers.text'))\n"
                      "    return fresh.one_hot(ids, vocab_size)"),
              how="importlib.reload of the helper's module during the call"),
        Cheat("solutions notebook executed", "reference", "01.1",
              one_hot("import json\nfrom pathlib import Path\nimport helpers as _h\n"
                      "_nb = Path(_h.__file__).resolve().parents[1] / 'solutions' / '01_fixed_window.ipynb'\n"
                      "_cells = json.loads(_nb.read_text())['cells']\n"
                      "_src = next(''.join(c['source']) for c in _cells if 'def one_hot' in ''.join(c['source']))\n"
                      "exec(_src.split('one_hot = exercises.use')[0], globals())"),
              how="the exercise cell of solutions/ found next to the package, executed"),
        Cheat("subprocess", "reference", "01.1",
              one_hot("import subprocess, sys, json\n\ndef one_hot(ids, vocab_size):\n"
                      "    code = ('import json, sys, numpy as np; from helpers import text; a = json.loads(sys.argv[1]); '\n"
                      "            'print(json.dumps(text.one_hot(np.asarray(a[0], dtype=a[2]), a[1]).tolist()))')\n"
                      "    ids = np.asarray(ids)\n"
                      "    data = json.dumps([ids.tolist(), int(vocab_size), str(ids.dtype)])\n"
                      "    done = subprocess.run([sys.executable, '-c', code, data],\n"
                      "                          capture_output=True, text=True)\n"
                      "    if done.returncode:  # the reference refused the input: refuse it too\n"
                      "        raise ValueError(done.stderr.strip().splitlines()[-1])\n"
                      "    return np.asarray(json.loads(done.stdout), dtype=np.float32).reshape(ids.shape + (int(vocab_size),))"),
              how="another Python process computes the reference"),
        Cheat("public helper 03.2", "reference", "03.2",
              _cell("def rnn_forward_loop(x, params, h0):\n    return numpy_rnn.rnn_forward(x, params, h0)[0]",
                    "rnn_forward_loop", "03.2"), how="numpy_rnn.rnn_forward"),
        Cheat("reference class 03.3", "reference", "03.3",
              _cell("class FixedRNNCell(cells.MinimalRNNCell):\n    pass", "FixedRNNCell", "03.3"),
              how="a subclass of cells.MinimalRNNCell"),
        Cheat("reference class alias 03.3", "reference", "03.3",
              _cell("FixedRNNCell = cells.MinimalRNNCell", "FixedRNNCell", "03.3"), how="cells.MinimalRNNCell itself"),
        # -- fooling the checker from inside the kernel -------------------------------------------------
        Cheat("grade patched", "kernel", "01.1",
              "import helpers.exercises.grading as _g\n_g.grade = lambda *a, **k: print('passed')\n"
              + _WRONG_ONE_HOT + "\n\none_hot = exercises.use(\"01.1\", one_hot)\n",
              how="helpers.exercises.grading.grade replaced"),
        Cheat("registry patched", "kernel", "01.1",
              "import dataclasses\nfrom helpers.exercises import _REGISTRY\n"
              "_REGISTRY['01.1'] = dataclasses.replace(_REGISTRY['01.1'], checker=lambda c: None)\n"
              + _WRONG_ONE_HOT + "\n\none_hot = exercises.use(\"01.1\", one_hot)\n",
              how="the exercise registry's checker replaced"),
        Cheat("numpy patched", "kernel", "01.1",
              "np.allclose = lambda *a, **k: True\nnp.all = lambda *a, **k: True\n"
              "np.array_equal = lambda *a, **k: True\n" + _WRONG_ONE_HOT
              + "\n\none_hot = exercises.use(\"01.1\", one_hot)\n", how="np.all, np.allclose, np.array_equal replaced"),
        Cheat("expected value from the stack", "kernel", "01.1",
              one_hot("import sys\n\ndef one_hot(ids, vocab_size):\n"
                      "    frame = sys._getframe(1)\n"
                      "    while frame is not None:\n"
                      "        for name in ('want', 'expected', 'reference'):\n"
                      "            value = frame.f_locals.get(name)\n"
                      "            if isinstance(value, np.ndarray) and value.shape == np.shape(ids) + (vocab_size,):\n"
                      "                return value\n"
                      "        frame = frame.f_back\n"
                      "    return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32)"),
              how="the checker's expected array read from its stack frame"),
        Cheat("lookup table", "kernel", "01.1", lookup_table_cell(),
              how="answers for the checker's fixed inputs, stored in the cell"),
        Cheat("ndarray subclass", "kernel", "01.1",
              one_hot("import sys\n\nclass Answer(np.ndarray):\n"
                      "    def numpy(self):\n"
                      "        frame = sys._getframe(1)\n"
                      "        while frame is not None:\n"
                      "            if 'expected' in frame.f_locals:\n"
                      "                return np.asarray(frame.f_locals['expected'])\n"
                      "            frame = frame.f_back\n"
                      "        return np.asarray(self)\n\n"
                      "def one_hot(ids, vocab_size):\n"
                      "    return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32).view(Answer)"),
              how="an ndarray subclass whose .numpy() hands back the checker's expected value"),
        Cheat("equality faked", "kernel", "01.1",
              one_hot("class Anything(np.ndarray):\n"
                      "    def __eq__(self, other):\n        return np.ones(np.shape(other), dtype=bool)\n"
                      "    def __sub__(self, other):\n        return np.zeros(np.shape(other))\n\n"
                      "def one_hot(ids, vocab_size):\n"
                      "    return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32).view(Anything)"),
              how="an ndarray subclass whose == and - always agree"),
        Cheat("process exits", "kernel", "01.1",
              one_hot("import os\n\ndef one_hot(ids, vocab_size):\n    os._exit(0)"), how="os._exit during the check"),
        Cheat("grader killed", "kernel", "01.1",
              one_hot("import os, signal\n\ndef one_hot(ids, vocab_size):\n"
                      "    os.kill(os.getppid(), signal.SIGKILL)\n"
                      "    return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32)"),
              how="os.kill of the parent process"),
        Cheat("alarm disabled", "kernel", "01.1",
              one_hot("import signal\n\ndef one_hot(ids, vocab_size):\n"
                      "    signal.setitimer(signal.ITIMER_REAL, 0)\n"
                      "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                      "    while True:\n        pass"),
              how="the time limit's alarm switched off, then an endless loop"),
        # -- honest controls ---------------------------------------------------------------------------
        Cheat("own correct code", "control", "01.1",
              one_hot("def one_hot(ids, vocab_size):\n"
                      "    ids = np.asarray(ids)\n"
                      "    out = np.zeros(ids.shape + (vocab_size,), dtype=np.float32)\n"
                      "    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)\n"
                      "    return out"), points=1, how="a correct answer written differently from the solution"),
        Cheat("own correct cell 03.3", "control", "03.3",
              _cell("class FixedRNNCell(keras.layers.Layer):\n"
                    "    def __init__(self, units, **kwargs):\n"
                    "        super().__init__(**kwargs)\n"
                    "        self.units = units\n"
                    "        self.state_size = units\n\n"
                    "    def build(self, input_shape):\n"
                    "        self.W_xh = self.add_weight(shape=(input_shape[-1], self.units), name='W_xh')\n"
                    "        self.W_hh = self.add_weight(shape=(self.units, self.units), name='W_hh')\n"
                    "        self.b_h = self.add_weight(shape=(self.units,), initializer='zeros', name='b_h')\n\n"
                    "    def call(self, inputs, states):\n"
                    "        h = ops.tanh(inputs @ self.W_xh + states[0] @ self.W_hh + self.b_h)\n"
                    "        return h, [h]", "FixedRNNCell", "03.3"), points=1, how="a correct cell of one's own"),
        Cheat("blank", "control", "01.1", one_hot("def one_hot(ids, vocab_size):\n"
                                                  "    raise NotImplementedError('write your code here')"),
              how="the released stub"),
    ]
