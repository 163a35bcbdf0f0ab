"""Lesson 07 widget: one seed, several temperatures, a slider to compare the tunes (lesson 07).

The expensive part (sampling and music21 parsing) happens once in
:func:`precompute_temperatures`; the slider's callback only shows what was computed.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from IPython.display import display

from . import music
from .figures import live
from .validation import check_number
from .explorer import explorer


def precompute_temperatures(model, vocab, temperatures=(0.3, 0.6, 0.8, 1.0, 1.3), seed: int = 0,
                            max_chars: int = 600, min_chars: int = 0) -> dict:
    """``{temperature: (abc, TuneCheck)}``: one tune per temperature from the same seed."""
    if not temperatures:
        raise ValueError("argument 'temperatures': expected at least one temperature, got none")
    step = music.make_step(model)
    results = {}
    for temperature in temperatures:
        (tune,), _ = music.sample_tunes(model, vocab, n=1, temperature=temperature, seed=seed,
                                        max_chars=max_chars, min_chars=min_chars, step=step)
        results[float(temperature)] = (tune, music.check_tune(tune))
    return results


def describe(check: music.TuneCheck) -> str:
    """One line about a checked tune: playable or why not, notes, and bars that fit the meter."""
    if not check.playable:
        return f"not playable: {check.reason}"
    bars = f"{check.bars_matching}/{check.bars} bars fit the meter" if check.bars else "no full bars"
    guessed = f", {check.guesses} unreadable note{'s' * (check.guesses != 1)} read as C" if check.guesses else ""
    return f"playable: key {check.key}, meter {check.meter}, {check.n_notes} notes, {bars}{guessed}"


def temperature_text(tune: str, check: music.TuneCheck, temperature: float, max_lines: int = 14) -> str:
    """The explorer's text for one tune: its verdict, then its first ``max_lines`` lines."""
    temperature = check_number("temperature", temperature, low=0, low_open=True)
    lines = tune.splitlines()
    return (f"temperature {temperature:g}: {describe(check)}\n\n"
            + "\n".join(lines[:max_lines]) + ("\n..." if len(lines) > max_lines else ""))


def show_temperature(results: dict, temperature: float, max_lines: int = 14):
    """Print the tune sampled at ``temperature`` and draw its piano roll (the callback's whole job)."""
    if not isinstance(results, dict) or not results:
        raise TypeError(f"argument 'results': expected the dict from precompute_temperatures, got {type(results).__name__}")
    if temperature not in results:
        raise ValueError(f"argument 'temperature': expected one of the precomputed temperatures "
                         f"{sorted(results)}, got {temperature!r}")
    tune, check = results[temperature]
    print(temperature_text(tune, check, temperature, max_lines))
    fig = live(music.piano_roll(check.notes, title=f"temperature {temperature:g}"))
    display(fig)
    plt.close(fig)


def temperature_explorer(results: dict):
    """A slider over the precomputed temperatures; returns the widget box."""
    import ipywidgets as widgets

    temperatures = sorted(results)
    slider = widgets.SelectionSlider(options=temperatures, value=temperatures[len(temperatures) // 2],
                                     description="temperature", continuous_update=False)
    output = widgets.interactive_output(lambda temperature: show_temperature(results, temperature),
                                        {"temperature": slider})
    return explorer([slider, output], "temperature", tunes=[[t, results[t][0]] for t in temperatures],
                    initial=slider.value)
