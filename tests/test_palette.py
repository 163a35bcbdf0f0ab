"""The course's colours stay apart for every colour vision, and the check fails on palettes that do not."""
from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from helpers import palette, plots


def test_the_simulation_matches_what_is_known():
    # red and green: far apart with normal vision, close with deuteranopia and protanopia
    assert palette.distance("#ff0000", "#00ff00") > 80
    assert palette.distance("#d62728", "#2ca02c", "deuteranopia") < 12
    # blue and yellow stay apart for red-green deficiencies, and grey is grey for everyone
    assert palette.distance("#0000ff", "#ffff00", "deuteranopia") > 50
    for deficiency in palette.DEFICIENCIES:
        assert np.allclose(palette.simulate("#808080", deficiency), palette.to_rgb("#808080"), atol=0.01)
    with pytest.raises(ValueError, match="argument 'deficiency': expected one of"):
        palette.simulate("#000000", "achromat")


def test_the_course_palette_keeps_every_pair_apart_for_every_vision():
    distance, a, b, deficiency = palette.min_distance(palette.PALETTE)
    assert distance >= palette.MIN_DISTANCE, f"{a} and {b} are {distance:.1f} apart with {deficiency}"
    assert len(set(palette.LINE_STYLES)) == len(palette.PALETTE), "each line gets its own style too"


@pytest.mark.parametrize("colours, name", [
    ([matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab10"].colors], "matplotlib's default tab10"),
    (["#2a9d4b", "#d1495b"], "the old positive/negative green and red"),
    (["#4c9be8", "#e6e6e6", "crimson", "#2a9d4b"], "a blue, grey, crimson and green mix"),
])
def test_the_check_fails_on_palettes_that_need_colour_vision(colours, name):
    distance, *_ = palette.min_distance(colours)
    assert distance < palette.MIN_DISTANCE, f"{name} should fail, got {distance:.1f}"


def test_figures_use_the_palette_and_line_styles():
    from helpers.config import plot_style

    plot_style()
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()
    assert [c.upper() for c in cycle["color"]] == palette.PALETTE and cycle["linestyle"] == palette.LINE_STYLES


def test_the_scorecard_map_is_ordered_by_lightness_for_every_vision():
    """cividis: lighter means better whatever the colour vision, and the number is written in every cell."""
    def ordered(name):
        colours = [matplotlib.colors.to_hex(matplotlib.colormaps[name](x)) for x in np.linspace(0, 1, 6)]
        for deficiency in ("normal", *palette.DEFICIENCIES):
            lightness = [palette.lab(palette.simulate(c, deficiency))[0] for c in colours]
            if not all(b - a > 8 for a, b in zip(lightness, lightness[1:])):
                return False
        return True

    assert ordered(plots.SCORE_MAP)
    assert not ordered("RdYlGn"), "the old red-yellow-green map is lightest in the middle: the check must say so"
    fig = plots.scorecard_plot({"a": {"x": 0.5, "y": 1.0}}, chance={"x": 0.5, "y": 0.5})
    assert [t.get_text() for t in fig.axes[0].texts] == ["50%", "100%"]
