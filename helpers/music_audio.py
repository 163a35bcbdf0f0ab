"""Lesson 07, hearing and seeing a tune: numpy synthesis, a notebook player, a piano roll.

Part of :mod:`helpers.music` (which re-exports every public name here). No system audio tools.
"""
from __future__ import annotations

import numpy as np

from .music_checks import TuneCheck, check_tune
from .validation import check_array, check_number, check_positive_int

MAX_SECONDS = 600.0         # ten minutes of audio: longer is no tune


def synthesize(notes, bpm: float = 120.0, rate: int = 16000, max_seconds: float = 20.0) -> np.ndarray:
    """Notes ``(n, 3)`` rows ``(onset, duration, midi)`` in quarter notes → a mono waveform ``(samples,)`` float32.

    Each note is a fundamental plus two softer harmonics under a plucked envelope (fast attack,
    exponential decay, short release), summed and scaled to a peak of 0.9. Numpy only.
    """
    notes = check_array("notes", notes, ndim=2, kind="number")
    if notes.shape[1] != 3:
        raise ValueError(f"argument 'notes': expected shape (n, 3) rows (onset, duration, midi), got {notes.shape}")
    if len(notes) and (notes[:, 0].min() < 0 or notes[:, 1].min() < 0):
        raise ValueError(f"argument 'notes': expected onsets and durations >= 0, got onset {notes[:, 0].min():g} "
                         f"and duration {notes[:, 1].min():g}")
    if len(notes) and (notes[:, 2].min() < 0 or notes[:, 2].max() > 127):
        raise ValueError(f"argument 'notes': expected MIDI pitches in [0, 127], got range "
                         f"[{notes[:, 2].min():g}, {notes[:, 2].max():g}]")
    bpm = check_number("bpm", bpm, low=0, low_open=True, high=1000)
    rate = check_positive_int("rate", rate, minimum=1000, maximum=192_000)
    max_seconds = check_number("max_seconds", max_seconds, low=0, low_open=True, high=MAX_SECONDS)
    seconds_per_quarter = 60.0 / bpm
    onsets, durations = notes[:, 0] * seconds_per_quarter, notes[:, 1] * seconds_per_quarter
    total = min(float((onsets + durations).max()) + 0.3, max_seconds)
    wave = np.zeros(int(total * rate) + 1, dtype=np.float64)
    for onset, duration, midi in zip(onsets, durations, notes[:, 2]):
        begin = int(onset * rate)
        if begin >= len(wave):
            continue
        length = min(int((duration + 0.05) * rate), len(wave) - begin)
        t = np.arange(length) / rate
        freq = 440.0 * 2.0 ** ((midi - 69) / 12)
        tone = np.sin(2 * np.pi * freq * t) + 0.4 * np.sin(4 * np.pi * freq * t) + 0.15 * np.sin(6 * np.pi * freq * t)
        envelope = np.minimum(1.0, t / 0.005) * np.exp(-3.0 * t)                    # attack, decay
        envelope *= np.clip((length / rate - t) / 0.03, 0.0, 1.0)                   # release, no click
        wave[begin:begin + length] += tone * envelope
    peak = np.abs(wave).max()
    return (0.9 * wave / peak if peak > 0 else wave).astype(np.float32)


def listen(abc: str, bpm: float = 120.0, rate: int = 11025, max_seconds: float = 15.0):
    """An ``IPython.display.Audio`` player for a tune, or ``None`` after printing why it cannot be played."""
    from IPython.display import Audio

    bpm = check_number("bpm", bpm, low=0, low_open=True, high=1000)
    rate = check_positive_int("rate", rate, minimum=1000, maximum=192_000)
    max_seconds = check_number("max_seconds", max_seconds, low=0, low_open=True, high=MAX_SECONDS)
    if not isinstance(abc, (str, TuneCheck)):
        raise TypeError(f"argument 'abc': expected ABC text or a TuneCheck, got {type(abc).__name__} {abc!r:.60}")
    check = abc if isinstance(abc, TuneCheck) else check_tune(abc, min_notes=1)
    if check.n_notes == 0:
        print(f"Cannot play this tune: {check.reason if check.reason != 'ok' else 'it has no notes'}")
        return None
    wave = synthesize(check.notes, bpm=bpm, rate=rate, max_seconds=max_seconds)
    return Audio(wave, rate=rate, normalize=False)


def piano_roll(notes, ax=None, title: str = ""):
    """Draw notes ``(n, 3)`` rows ``(onset, duration, midi)`` as bars: time across, pitch up. Returns the Figure."""
    import matplotlib.pyplot as plt

    notes = check_array("notes", notes, ndim=2, kind="number", allow_empty=True)
    if notes.shape[1] != 3:
        raise ValueError(f"argument 'notes': expected shape (n, 3) rows (onset, duration, midi), got {notes.shape}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 2.6))
    else:
        fig = ax.figure
    if len(notes):
        from matplotlib.collections import PolyCollection

        onset, end, midi = notes[:, 0], notes[:, 0] + 0.95 * notes[:, 1], notes[:, 2]
        boxes = np.stack([np.stack([onset, midi - 0.4], 1), np.stack([end, midi - 0.4], 1),
                          np.stack([end, midi + 0.4], 1), np.stack([onset, midi + 0.4], 1)], 1)   # (n, 4 corners, 2)
        ax.add_collection(PolyCollection(boxes, facecolors="#3b75af", edgecolors="#3b75af"))   # one artist: quick
        ax.set_xlim(0, float((notes[:, 0] + notes[:, 1]).max()))
        ax.set_ylim(notes[:, 2].min() - 2, notes[:, 2].max() + 2)
    else:
        ax.text(0.5, 0.5, "no notes", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("MIDI pitch")
    ax.set_title(title)
    from .figures import describe, listing, margins

    if len(fig.axes) == 1:                              # its own figure: margins set, no tight box to measure
        margins(fig, left=0.75, right=0.2, top=0.35 if title else 0.15, bottom=0.55)

    if len(notes):
        end = float((notes[:, 0] + notes[:, 1]).max())
        low, high = int(notes[:, 2].min()), int(notes[:, 2].max())
        describe(ax, f"{title or 'Piano roll'}: {len(notes)} notes over {end:.0f} quarter notes, pitches from "
                     f"{note_name(low)} to {note_name(high)}; it begins "
                     f"{listing([note_name(int(m)) for m in notes[:12, 2]], 12)}.")
    else:
        describe(ax, f"{title or 'Piano roll'}: no notes.")
    return fig


NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def note_name(midi: int) -> str:
    """Scientific pitch name of a MIDI note number (60 = C4, middle C)."""
    return f"{NOTE_NAMES[int(midi) % 12]}{int(midi) // 12 - 1}"