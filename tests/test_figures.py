"""Every figure carries a description made from its data (helpers.figures), in notebooks, decks and exports."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers import figures, plots  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
DEFAULT_ALT = "No description has been provided for this image"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_labels_the_plot_font_cannot_draw_are_named():
    assert figures.drawable("café naïve , !") == "café naïve , !"          # the font has these: unchanged
    assert figures.drawable("great🙂") == "great[slightly smiling face]"
    assert "\ufe0f" not in figures.drawable("❤\ufe0f")                     # a variation selector is dropped
    assert figures.drawable("👩\u200d💻") == "[woman][personal computer]"   # and so is a zero-width joiner


def test_describe_checks_its_arguments():
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="argument 'target': expected a matplotlib Figure or Axes, got str"):
        figures.describe("a figure", "text")
    with pytest.raises(ValueError, match="argument 'text': expected a non-empty description"):
        figures.describe(ax, "   ")
    assert figures.describe(ax, "two\n  lines") is ax and figures.description(fig) == "Two lines."


def test_figure_description_wins_over_axes_and_axes_over_reading():
    fig, (a, b) = plt.subplots(1, 2)
    a.plot([0, 1], [2, 3], label="loss")
    figures.describe(b, "my own words about b")
    text = figures.description(fig)
    assert text.startswith("2 panels.") and "loss: 2 at 0 to 3 at 1" in text and "My own words about b" in text
    figures.describe(fig, "the whole figure")
    assert figures.description(fig) == "the whole figure"


def test_reading_lines_bars_heat_maps_and_points():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3, 4], [5.0, 9.0, 1.0, np.nan], label="GRU")
    ax.axhline(0.25, label="chance")
    ax.set(title="accuracy", xlabel="gap", ylabel="share", yscale="log")
    text = figures.description(fig)
    assert text.startswith("Accuracy: share (log scale) against gap;"), text
    assert "GRU: 5 at 1 to 1 at 3, highest 9 at 2 (1 missing)" in text
    assert "a horizontal line at 0.25 (chance)" in text

    fig, ax = plt.subplots()
    ax.bar([0, 1, 2], [3, 1, 2])
    ax.set_xticks([0, 1, 2], ["cat", "dog", "eel"])
    assert "bars: cat 3, dog 1, eel 2" in figures.description(fig)

    fig, ax = plt.subplots()
    ax.bar(np.arange(30), np.r_[np.zeros(29), 7.0])
    assert "30 bars, from 0 0 to 29 7, largest 29 7" in figures.description(fig)

    fig = plots.heatmap(np.array([[0.1, 0.9], [0.3, 0.2]]), ["a", "b"], ["x", "y"], title="weights")
    text = figures.description(fig)
    assert "a heat map of 2 rows by 2 columns, values from 0.1 to 0.9; highest at row 'a', column 'y'" in text

    fig, ax = plt.subplots()
    ax.scatter([0, 1, 2], [5, 6, 7], label="words")
    assert "words: 3 points, x from 0 to 2, y from 5 to 7" in figures.description(fig)


def test_long_descriptions_are_cut_at_a_sentence():
    fig, axes = plt.subplots(1, 40)
    for k, ax in enumerate(axes):
        figures.describe(ax, f"panel number {k} says something fairly long about its data, " * 2)
    text = figures.description(fig)
    assert len(text) <= figures.MAX_CHARS and text.endswith(".")


def test_course_plotting_functions_describe_the_numbers_they_draw():
    from helpers import attention, leaderboard, long_gap, music_audio, sentiment_embeddings, widgets_rnn

    card = plots.scorecard_plot({"RNN": {"word order": 0.64, "variable length": 0.42}},
                                chance={"word order": 0.5, "variable length": 0.1})
    text = figures.description(card)
    assert "RNN: word order 64 %, variable length 42 %" in text and "Chance: word order 50 %" in text

    rows = [leaderboard.Row("GRU", 1.76, 1000, 400, 140.0), leaderboard.Row("unigram", 4.9, 50, 0, 0.1)]
    text = figures.description(leaderboard.plot(rows, title="board", reference={"lesson 07": 1.8}))
    assert "best first: GRU 1.76 (400 steps), unigram 4.90 (0 steps); reference line: lesson 07 1.80" in text

    text = figures.description(long_gap.plot_scorecard({"LSTM": {5: 1.0, 50: 0.97}}))
    assert "LSTM: gap 5 100 %, gap 50 97 %" in text and "chance 12.5%" in text

    notes = np.array([[0, 1, 62], [1, 1, 66], [2, 2, 69]], dtype=float)
    text = figures.description(music_audio.piano_roll(notes, title="a tune"))
    assert text == "A tune: 3 notes over 4 quarter notes, pitches from D4 to A4; it begins D4, F#4, A4."

    weights = np.array([[[0.9, 0.1], [0.2, 0.8]]])
    text = figures.description(plots.attention_heads(["good", "food"], weights))
    assert "head 0: good → good, food → food" in text

    text = figures.description(attention.plot_attention("ab", "b", np.array([[0.1, 0.9], [0.7, 0.3]])))
    assert "Where each output character looks most: 'b' on 'b', '<end>' on 'a'" in text

    coords = np.array([[1.0, 0.0], [1.2, 0.1], [-1.0, 0.0], [0.9, 0.0]])
    text = figures.description(sentiment_embeddings.plot_embedding(
        coords, ["good", "great", "bad", "food"], ["positive", "positive", "negative", "other"]))
    assert "positive words (good, great) centred at (1.1, 0.05)" in text and "food nearer the positive words" in text

    text = figures.description(widgets_rnn.contribution_figure(np.r_[np.zeros(16), np.ones(4)], truncate=4))
    assert "the last 5 steps hold 100 %, the first half 0 %" in text and "cut off by truncation" in text
    assert "Highlighted: the gradient of L_2 goes back" in figures.description(widgets_rnn.graph_figure(4, 2))

    text = figures.description(plots.bag_comparison("not bad".split(), "bad not".split()))
    assert "text A: bad 1, not 1; text B: bad 1, not 1" in text


def _image_outputs(nb: dict):
    """(where, output) for every PNG in a notebook: cell outputs and those an explorer captured."""
    for index, cell in enumerate(nb["cells"]):
        for k, output in enumerate(cell.get("outputs", [])):
            yield f"cell {index}", cell.get("outputs", []), k
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model_id, model in state.get("state", {}).items():
        outputs = model.get("state", {}).get("outputs", [])
        for k, output in enumerate(outputs):
            yield f"explorer {model_id[:8]}", outputs, k


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_committed_figure_is_described(notebook):
    """Each PNG in a committed solution has a description (alt), not nbconvert's default, unique in the
    lesson, and is followed by the caption a screen reader in JupyterLab reads; a still records the size of
    its smallest text (``font_px``), explorers' figures too, which the decks measure on screen."""
    nb = nbformat.read(notebook, as_version=4)          # multi-line strings joined
    seen = {}
    count = 0
    for where, outputs, k in _image_outputs(nb):
        output = outputs[k]
        if "image/png" not in output.get("data", {}):
            continue
        count += 1
        alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
        assert alt.strip() and alt != DEFAULT_ALT, f"{notebook.name} {where}: a figure without a description"
        assert alt not in seen, f"{notebook.name} {where}: same description as {seen[alt]}: {alt[:80]}"
        seen[alt] = where
        caption = outputs[k + 1] if k + 1 < len(outputs) else {}
        assert caption.get("metadata", {}).get("course", {}).get(figures.CAPTION_KEY), \
            f"{notebook.name} {where}: the figure has no caption output after it"
        assert caption["data"]["text/plain"] == f"Figure: {alt}"
        font = output["metadata"]["image/png"].get("font_px")     # the decks measure it on screen
        assert isinstance(font, (int, float)) and 4 <= font <= 60, \
            f"{notebook.name} {where}: no size of its smallest text recorded (font_px: {font!r})"
    assert count >= 1, f"{notebook.name}: no figures found (were the solutions executed?)"


def test_smallest_text_counts_what_is_drawn():
    """The smallest visible text in CSS px at natural size (points x dpi / 72): hidden legends, a switched-off
    axis and empty labels do not count."""
    with matplotlib.rc_context({"font.size": 10}):            # whatever style an earlier test set
        fig, ax = plt.subplots(figsize=(4, 3), dpi=90)
    ax.plot([0, 1], [0, 1], label="a line")
    ax.set_title("title", fontsize=20)
    legend = ax.legend(fontsize=6)
    ax.annotate("", (0.5, 0.5))                                 # empty text: not drawn
    fig.canvas.draw()                                           # tick labels get their text when drawn
    assert figures.smallest_text_px(fig) == 7.5                 # the 6 pt legend
    legend.set_visible(False)
    assert figures.smallest_text_px(fig) == 12.5                # 10 pt tick labels
    ax.tick_params(labelsize=8)
    fig.canvas.draw()
    assert figures.smallest_text_px(fig) == 10.0
    ax.set_axis_off()
    assert figures.smallest_text_px(fig) == 25.0                # only the title is drawn
    ax.set_title("")
    assert figures.smallest_text_px(fig) is None
    assert "font_px" not in figures.figure_bundle(fig, "cG5n")[1]["image/png"]
    ax.set_title("back", fontsize=12)
    assert figures.figure_bundle(fig, "cG5n")[1]["image/png"]["font_px"] == 15.0
    assert figures.figure_bundle(figures.live(fig), "cG5n")[1]["image/png"]["font_px"] == 15.0    # an explorer's too


def test_a_kernel_shows_figures_with_alt_text_and_a_caption_and_live_plots_update_in_place():
    import nbclient
    import nbformat

    cells = ["from helpers.config import plot_style\nplot_style()\nimport matplotlib.pyplot as plt",
             "fig, ax = plt.subplots()\nax.plot([0, 1], [3, 4], label='loss')\nax.set_title('two points');",
             "from helpers.training import LiveLoss\nlive = LiveLoss('demo')\nlive.on_train_begin()\n"
             "live.on_epoch_end(0, {'loss': 2.0})\nlive.on_epoch_end(1, {'loss': 1.0})",
             *[f"from helpers.figures import fixed_layout\nfig, ax = plt.subplots(figsize=(4, 2), dpi=90)\n"
               f"ax.plot([0, 1]); ax.set_axis_off(); ax.set_position([0.3, 0.3, 0.4, 0.4])\n{mark}fig"
               for mark in ("fixed_layout(fig)\n", "")]]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    figure, caption = nb.cells[1].outputs
    assert figure.metadata["image/png"]["alt"] == "Two points; loss: 3 at 0 to 4 at 1."
    assert figure.data["text/plain"] == figure.metadata["image/png"]["alt"]
    assert caption.metadata["course"][figures.CAPTION_KEY] and "<em>Figure:</em> Two points" in caption.data["text/html"]
    assert figure.metadata["image/png"]["font_px"] == 15.0, "12 pt (figures.FONT_PT) tick labels at 90 dpi: the decks measure it"
    live = [o for o in nb.cells[2].outputs if "image/png" in o.get("data", {})]
    assert len(live) == 1, "the live loss plot must replace itself, not pile up"
    assert "epoch 2" in live[0].metadata["image/png"]["alt"] and "loss: 2 at 1 to 1 at 2" in live[0].metadata["image/png"]["alt"]
    # a fixed-layout figure is its whole canvas (no tight box measured); any other is cropped to its content
    import base64
    import io

    from PIL import Image

    sizes = [Image.open(io.BytesIO(base64.b64decode(cell.outputs[0].data["image/png"]))).size for cell in nb.cells[3:5]]
    assert sizes[0] == (360, 180) and sizes[1][0] < 200 and sizes[1][1] < 100, sizes


def test_no_course_figure_draws_text_below_the_course_size():
    """Every label is at least figures.FONT_PT (12 pt, 15 px at 90 dpi): the decks show figures at 94 % or
    more, so their text reaches 14 px on screen. A literal size under it, or a relative one ("small"), in a
    helper is a figure whose labels the back row cannot read (lesson 08's word map had 7 pt labels)."""
    import re

    small = re.compile(r"""(?:fontsize|labelsize)\s*=\s*(?:(\d+(?:\.\d+)?)\b|["'](?:xx?-)?small(?:er)?["'])""")
    found = []
    for path in sorted((ROOT / "helpers").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in small.finditer(line):
                if match.group(1) is None or float(match.group(1)) < figures.FONT_PT:
                    found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == [], "text below figures.FONT_PT:\n" + "\n".join(found)
    assert figures.FONT_PT * 90 / 72 * 0.94 >= 14
