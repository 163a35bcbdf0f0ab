"""Every explorer of the course, moved the way Jupyter's front end moves it, on ipywidgets 7.7 and 8.

The course declares ``ipywidgets>=7.7``: Google Colab ships 7.7.1, JupyterLab and Kaggle 8.x. For
each explorer this file builds it with small real inputs, moves every control to another value
through the widget protocol (the ``update`` message a browser sends) and checks what the student
would see: the Output widgets' pictures and text, and the status lines, must change, and no
traceback may appear (ipywidgets hides one raised in a callback: an Output shows it, otherwise it
only reaches the kernel's log). Every control must also carry a description (the visible label
screen readers read out).

The kernel and the browser are played by :class:`FrontEnd`: an IPython shell routes what a callback
prints and displays to the Output widget that is capturing, as Jupyter does, and ``plt.show()`` shows
the open figures as the inline backend does (the figures are drawn with Agg).

Self-contained on purpose: it imports only the installed course package (``helpers``), numpy,
matplotlib, ipywidgets, pytest, and IPython and traitlets (ipywidgets' own dependencies), and no
other file of tests/, so it can be copied alone into any environment that has the course installed.
To run it on Colab's ipywidgets::

    pip install --no-deps --target /tmp/ipyw77 ipywidgets==7.7.1 widgetsnbextension==3.6.10 \
        jupyterlab_widgets==1.1.11 ipython_genutils==0.2.0
    PYTHONPATH=/tmp/ipyw77 COURSE_EXPECT_IPYWIDGETS=7.7.1 COURSE_PROFILE=fast \
        python -m pytest tests/test_explorers_both_ipywidgets.py -q -p no:cacheprovider

(``COURSE_EXPECT_IPYWIDGETS`` makes the run fail if another ipywidgets was imported.)
"""
from __future__ import annotations

import builtins
import hashlib
import json
import numbers
import os
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.core.pylabtools import select_figure_formats  # noqa: E402

import helpers  # noqa: E402

HELPERS = os.path.dirname(helpers.__file__)   # warnings raised from the course's own code

# ---- a stand-in for the kernel and the browser ------------------------------------------------------
#
# In Jupyter, ``with output:`` tags everything the kernel prints or displays with the current
# request's id, and the browser's Output widget keeps what carries its id; ``clear_output(wait=True)``
# empties it when the next output arrives. FrontEnd does the same, in this process.

_REQUEST = {"header": {"msg_id": "the-cell-that-built-the-explorer"}}


class _Kernel:
    """The two ways an Output widget asks the kernel for the current request (7.x and 8.x)."""

    _parent_header = _REQUEST

    def get_parent(self):
        return _REQUEST


class _Shell(InteractiveShell):
    """An IPython shell whose tracebacks go where Jupyter sends them: the active Output, or the log."""

    front = None

    def get_parent(self):
        return _REQUEST

    def set_parent(self, parent):
        pass

    def _showtraceback(self, etype, evalue, stb):
        self.front.emit({"output_type": "error", "ename": etype.__name__, "evalue": str(evalue),
                         "traceback": list(stb)})


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, *args, **kwargs):
        _Shell.front.emit({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    def clear_output(self, wait=False):
        _Shell.front.clear(wait)


class _Stdout:
    """``print`` inside ``with output:`` lands in the Output widget, as in a kernel."""

    def __init__(self, front, real):
        self.front, self.real = front, real

    def write(self, text):
        if self.front.active() is None:
            return self.real.write(text)
        self.front.emit({"output_type": "stream", "name": "stdout", "text": text})
        return len(text)

    def flush(self):
        self.real.flush()

    def __getattr__(self, name):
        return getattr(self.real, name)


class FrontEnd:
    """What the page shows for each Output widget, and what no Output caught (the kernel's log).

    Use as ``with FrontEnd() as front:`` inside the test itself (pytest puts its own ``sys.stdout``
    back between a fixture and the test body).
    """

    def __init__(self):
        self.outputs = []        # every Output widget built since this front end started
        self.shown = {}          # id(Output) -> its outputs as the page shows them
        self.clear_next = set()  # Outputs told clear_output(wait=True)
        self.lost = []           # outputs and tracebacks no Output caught: the student never sees them

    def __enter__(self):
        self._saved = _Shell.front, sys.stdout, plt.show
        _Shell.front = self
        sys.stdout = _Stdout(self, sys.stdout)
        plt.show = _inline_show
        W.Widget.on_widget_constructed(self.constructed)
        return self

    def __exit__(self, *exc):
        W.Widget.on_widget_constructed(None)
        _Shell.front, sys.stdout, plt.show = self._saved
        plt.close("all")

    def constructed(self, widget):
        if isinstance(widget, W.Output):
            self.outputs.append(widget)
            self.shown[id(widget)] = []

    def active(self):
        capturing = [out for out in self.outputs if out.msg_id]
        return capturing[-1] if capturing else None

    def emit(self, item):
        out = self.active()
        if out is None:
            self.lost.append(item)
            return
        shown = self.shown[id(out)]
        if id(out) in self.clear_next:
            shown.clear()
            self.clear_next.discard(id(out))
        if item["output_type"] == "stream" and shown and shown[-1]["output_type"] == "stream":
            shown[-1] = {**shown[-1], "text": shown[-1]["text"] + item["text"]}
        else:
            shown.append(item)

    def clear(self, wait):
        out = self.active()
        if out is None:
            return
        if wait:
            self.clear_next.add(id(out))
        else:
            self.shown[id(out)].clear()
            self.clear_next.discard(id(out))

    def errors(self):
        """Every traceback, shown in an Output or lost in the log, as one readable string each."""
        items = self.lost + [item for shown in self.shown.values() for item in shown]
        return [f"{item['ename']}: {item['evalue']}\n" + "\n".join(item["traceback"])
                for item in items if item["output_type"] == "error"]

    def screen(self, box):
        """What the student sees of ``box``: each Output's pictures and text, and the HTML/Label lines."""
        seen = []
        for widget in _tree(box):
            if isinstance(widget, W.Output):
                seen.append(tuple(_fingerprint(item) for item in self.shown.get(id(widget), [])))
            elif isinstance(widget, (W.HTML, W.HTMLMath, W.Label)):
                seen.append(widget.value)
        return seen

    def pictures(self, box):
        """The number of images each Output of ``box`` shows."""
        return [sum("image/png" in item.get("data", {}) for item in self.shown.get(id(widget), []))
                for widget in _tree(box) if isinstance(widget, W.Output)]


def _inline_show(*args, **kwargs):
    """``plt.show()`` as Jupyter's inline backend does it: display every open figure, then close them."""
    from IPython.display import display

    for number in plt.get_fignums():
        display(plt.figure(number))
    plt.close("all")


def _fingerprint(item):
    if item["output_type"] == "stream":
        return ("text", item["text"])
    if item["output_type"] == "error":
        return ("error", item["ename"], item["evalue"])
    data = item["data"]
    if "image/png" in data:
        png = data["image/png"]
        return ("image", hashlib.sha1(png if isinstance(png, bytes) else png.encode()).hexdigest())
    return ("data", data.get("text/plain", ""))


def _tree(widget):
    """``widget`` and everything inside it, in display order."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _tree(child)


def controls_of(box):
    """The widgets a student moves or types into (not the Outputs, not the HTML/Label lines)."""
    return [w for w in _tree(box) if isinstance(w, W.ValueWidget)
            and not isinstance(w, (W.Output, W.HTML, W.HTMLMath, W.Label))]


def _labels(control):
    return [str(o[0]) if isinstance(o, (tuple, list)) else str(o) for o in control.options]


def move(control, new):
    """Send ``control`` the message the browser sends when a student moves it (a menu or a slider of
    options sends the position of the option whose label is ``new``; the others send the value)."""
    state = {"index": _labels(control).index(new)} if hasattr(control, "options") else {"value": new}
    msg = {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []}
    control._handle_msg(msg)      # the widget's own entry point for browser messages (same in 7.x and 8.x)


def _json_number(value):
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"{type(value).__name__} {value!r} cannot be sent to the browser")


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """One IPython shell for the module (ipywidgets behaves as in a notebook while it exists)."""
    if InteractiveShell.initialized():
        pytest.skip("an IPython shell is already running in this process")
    before_builtins, main = set(vars(builtins)), sys.modules.get("__main__")
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    ip = _Shell.instance(config=config, ipython_dir=str(tmp_path_factory.mktemp("ipython")))
    ip.kernel = _Kernel()
    ip.display_pub = _Publisher(shell=ip)
    select_figure_formats(ip, {"png"})          # figures are shown as PNG, as the inline backend does
    yield ip
    _Shell.clear_instance()
    for name in set(vars(builtins)) - before_builtins:   # the shell adds `display` and `__IPYTHON__`
        delattr(builtins, name)
    sys.modules["__main__"] = main


def test_ipywidgets_version_is_the_expected_one(capsys):
    """Print the version under test; fail if it is not the one the caller asked for, or below 7.7."""
    with capsys.disabled():
        print(f"\nipywidgets {W.__version__} from {os.path.dirname(W.__file__)}")
    expected = os.environ.get("COURSE_EXPECT_IPYWIDGETS")
    if expected:
        assert W.__version__ == expected, f"expected ipywidgets {expected}, imported {W.__version__}"
    major, minor = (int(part) for part in W.__version__.split(".")[:2])
    assert (major, minor) >= (7, 7), f"the course declares ipywidgets>=7.7, got {W.__version__}"


# ---- the explorers, with small real inputs ------------------------------------------------------------
#
# Each builder returns the explorer as a lesson builds it, with tiny untrained models where it needs
# one (what is checked is the widget, not what a model learned). Each move is (control description,
# what the student sets: a value, or the label of an option); every control is moved at least once.

def _keras():
    import keras

    keras.utils.set_random_seed(0)
    return keras


def build_activation():
    from helpers import widgets

    return widgets.activation_explorer()


def build_window():
    from helpers import widgets

    return widgets.window_explorer("she grew up in france . she speaks fluent",
                                   {1: 0.1, 2: 0.12, 4: 0.55, 8: 0.9}, chance=0.1)


def build_bag():
    from helpers import text, widgets

    vocab = text.Vocabulary.build(["the food was good , not bad at all", "the food was bad , not good at all"])
    keras = _keras()
    model = keras.Sequential([keras.Input((len(vocab),)), keras.layers.Dense(2, activation="softmax")])
    return widgets.bag_explorer(vocab, model)


def _rnn_inputs():
    from helpers import numpy_rnn, text

    sentence = "she grew up in lisbon . she speaks fluent"
    vocab = text.Vocabulary.build([sentence])
    embedding = np.random.default_rng(0).normal(size=(len(vocab), 6))
    return vocab, embedding, numpy_rnn.init_params(6, 8, 3, seed=0), sentence


def build_unrolled():
    from helpers import widgets_rnn

    vocab, embedding, params, sentence = _rnn_inputs()
    return widgets_rnn.unrolled_stepper(vocab, embedding, params, ["en", "pt", "fr"], sentence)


def build_contribution():
    from helpers import widgets_rnn

    return widgets_rnn.contribution_explorer(time=12)


def build_spectral_radius():
    from helpers import widgets_gates

    return widgets_gates.spectral_radius_explorer(units=8)


def build_gates():
    from helpers import long_gap, lstm, widgets_gates

    _keras()
    vocab_size = long_gap.N_CLASSES + long_gap.N_DISTRACTORS + 1        # keys, distractors and '?'
    model = long_gap.build_model("LSTM (gated)", vocab_size, long_gap.N_CLASSES, units=6)
    return widgets_gates.gate_explorer(lstm.lstm_layer_weights(model), max_gap=30)


def build_tagging():
    from helpers import tagging, text, widgets_tagging

    vocab = text.Vocabulary.build([["teddy", "bears", "roosevelt", "are", "on", "sale"]])
    _keras()
    models = {"one way": tagging.build_tagger(len(vocab), bidirectional=False, units=4, embedding=3),
              "both ways": tagging.build_tagger(len(vocab), bidirectional=True, units=4, embedding=3)}
    return widgets_tagging.tagging_explorer(models, vocab, ["teddy bears are on sale", "teddy roosevelt"])


def build_temperature():
    from helpers import music, widgets_music

    tune = "X:1\nT:t\nM:4/4\nL:1/8\nK:D\nDEFG ABcd | dcBA GFED | DEFG ABcd | d8 |]\n"
    vocab = music.build_vocabulary(tune)
    _keras()
    model = music.build_model(len(vocab), embedding_dim=4, units=8)
    results = widgets_music.precompute_temperatures(model, vocab, temperatures=(0.5, 1.0, 1.5), seed=1,
                                                    max_chars=20)
    return widgets_music.temperature_explorer(results)


def build_review():
    from helpers import sentiment, text, widgets_sentiment

    vocab = text.Vocabulary.build(["the food was not bad , it was great", "the soup was bland and the staff rude"])
    _keras()
    models = {kind: sentiment.build_model(kind, len(vocab), embedding_dim=6, units=4)
              for kind in ("bag of words", "LSTM")}
    return widgets_sentiment.review_explorer(models, vocab)


def build_date_attention():
    from helpers import attention, widgets_attention

    helpers.set_seed(0)
    seq2seq = attention.Seq2Seq(attention=True, units=8, embed_dim=4)
    return widgets_attention.attention_explorer(seq2seq, ["3/3/87", "Mar 3, 1987"], max_beam=2)


def build_self_attention():
    from helpers import text, transformer, widgets_self_attention

    _keras()
    _, attention_model = transformer.build_classifier(8, 2, positions="sinusoidal", heads=2, max_len=6,
                                                      return_attention=True)
    vocab = text.Vocabulary(["good", "bad", "not", "the", "food", "was"])
    return widgets_self_attention.attention_explorer(attention_model, vocab,
                                                     ["the food was good", "the food was not bad"])


# (lesson, module.function, builder, moves). Moves marked as robustness are text a student may well
# type and the explorer promises to answer with a message, not a traceback.
EXPLORERS = [
    ("00", "widgets.activation_explorer", build_activation,
     [("weight", 2.0), ("bias", 0.5), ("activation", "sigmoid")]),
    ("01", "widgets.window_explorer", build_window, [("window", "4"), ("window", "8")]),
    ("02", "widgets.bag_explorer", build_bag,
     [("text A", "the food was bad"), ("text B", "good food , not bad"), ("text A", "")]),   # "" robustness
    ("03", "widgets_rnn.unrolled_stepper", build_unrolled,
     [("step t", 4), ("sentence", "she grew up"), ("step t", 1), ("sentence", "she speaks fluent portuguese"),
      ("sentence", "  ")]),                                                                  # "  " robustness
    ("04", "widgets_rnn.contribution_explorer", build_contribution, [("radius of W_hh", 1.2), ("window k", 3)]),
    ("05", "widgets_gates.spectral_radius_explorer", build_spectral_radius,
     [("radius ρ", 2.0), ("activation", "relu"), ("length T", 50)]),
    ("06", "widgets_gates.gate_explorer", build_gates, [("key K", 5), ("gap", 5), ("distractors", 2)]),
    ("06", "widgets_tagging.tagging_explorer", build_tagging,
     [("words read", 4), ("example", "teddy roosevelt"), ("sentence", "bears are on sale"), ("words read", 1),
      ("sentence", "")]),                                                                    # "" robustness
    ("07", "widgets_music.temperature_explorer", build_temperature,
     [("temperature", "0.5"), ("temperature", "1.5")]),
    ("08", "widgets_sentiment.review_explorer", build_review,
     [("model:", "bag of words"), ("review:", "the soup was bland"), ("review:", "zebra")]),  # unknown: robustness
    ("09", "widgets_attention.attention_explorer", build_date_attention,
     [("example", "Mar 3, 1987"), ("beam width", 2), ("or type", "1 jan 2000"),
      ("or type", "3 märz 1987")]),                                                          # ä: robustness
    ("10", "widgets_self_attention.attention_explorer", build_self_attention,
     [("show", "head 1"), ("example", "the food was not bad"), ("or type", "not bad"),
      ("or type", "the food was not bad at all")]),                              # 7 words > 6: robustness
]


@pytest.mark.parametrize("lesson, name, build, moves", EXPLORERS,
                         ids=[f"{lesson}-{name.split('.')[1]}" for lesson, name, _, _ in EXPLORERS])
def test_every_control_changes_what_the_student_sees(shell, lesson, name, build, moves):
    with FrontEnd() as front, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _build_and_move(front, lesson, name, build, moves)
    # An option this ipywidgets does not know (an 8.x one such as `tooltip`, `description_allow_html`,
    # `tabbable` or a new `style` key on 7.7; a 7.x one 8.x renamed) is ignored with only a warning.
    ignored = [f"{w.filename}:{w.lineno}: {w.message}" for w in caught
               if "unrecognized arguments" in str(w.message) or w.filename.startswith(HELPERS)]
    assert not ignored, f"{name}: options ipywidgets {W.__version__} warns about:\n" + "\n".join(ignored)


def _build_and_move(front, lesson, name, build, moves):
    box = build()
    assert isinstance(box, W.Box), f"lesson {lesson} {name}: expected an ipywidgets box, got {type(box).__name__}"
    assert front.errors() == [], f"{name} raised while building:\n" + "\n".join(front.errors())
    assert front.pictures(box).count(1) == 1, f"{name}: pictures before any move: {front.pictures(box)} (one expected)"

    controls = controls_of(box)
    unlabelled = [type(c).__name__ for c in controls if not str(c.description).strip()]
    assert not unlabelled, f"{name}: controls without a description (label): {unlabelled}"
    by_label = {c.description: c for c in controls}
    assert len(by_label) == len(controls), f"{name}: two controls share a description"
    assert set(by_label) == {label for label, _ in moves}, f"{name}: the moves must cover every control, no more"

    for label, new in moves:
        before = front.screen(box)
        control = by_label[label]
        move(control, new)
        now = _labels(control)[control.index] if hasattr(control, "options") else control.value
        assert now == new, f"{name}: the browser set {label!r} to {new!r}, the kernel has {now!r}"
        assert front.errors() == [], f"{name}: moving {label!r} to {new!r} raised:\n" + "\n".join(front.errors())
        assert front.lost == [], f"{name}: moving {label!r} printed or displayed outside the explorer: {front.lost}"
        assert front.screen(box) != before, f"{name}: moving {label!r} to {new!r} changed nothing on screen"
        assert all(n <= 1 for n in front.pictures(box)), \
            f"{name}: after moving {label!r}, an Output shows {front.pictures(box)} pictures (one expected)"

    for widget in _tree(box):     # what the kernel sends the browser must be JSON (numbers as numbers)
        json.dumps(widget.get_state(), default=_json_number)


def test_the_page_catches_the_tracebacks_ipywidgets_hides(shell):
    """The check above can fail: a callback's exception reaches neither the test nor the student's cell."""
    def explorer():
        slider = W.IntSlider(value=1, min=0, max=3, description="n")
        out = W.Output()

        def redraw(change):
            with out:
                out.clear_output(wait=True)
                print(f"n = {slider.value}")
                if change["new"] == 2:
                    raise ValueError("inside the Output")
            if change["new"] == 3:
                raise ValueError("outside any Output")

        slider.observe(redraw, names="value")
        return W.VBox([slider, out]), slider

    with FrontEnd() as front:
        box, slider = explorer()
        move(slider, 0)
        assert front.screen(box) == [(("text", "n = 0\n"),)] and front.errors() == []
        move(slider, 2)                             # no exception reaches this line, as in Jupyter
        assert [e.splitlines()[0] for e in front.errors()] == ["ValueError: inside the Output"]
        move(slider, 3)
        assert "ValueError: outside any Output" in front.errors()[-1].splitlines()[0]
        assert front.lost and front.lost[-1]["output_type"] == "error"   # only the kernel's log saw it
