"""The course's colours, chosen to stay apart for every colour vision (and checked by simulating it).

About 8 % of men and 0.5 % of women see red and green alike. So the course's figures draw categories
with the Okabe-Ito colours (Okabe & Ito, "Color Universal Design", 2002), each line also gets its own
line style (:data:`LINE_STYLES`), and the scorecards use the cividis map with the number written in
every cell. :func:`min_distance` measures how far apart a palette's colours stay when seen with
protanopia, deuteranopia or tritanopia: each colour goes through the simulation matrices of Machado,
Oliveira & Fernandes (2009, severity 1) in linear RGB, then into CIELAB, where the distance is the
CIE 1976 colour difference (about 2.3 is the smallest difference people notice).
"""
from __future__ import annotations

import numpy as np

# Okabe-Ito, in the order lines take them (yellow left out: too faint on white)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
LINE_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2))]
MIN_DISTANCE = 12.0      # CIELAB distance every pair must keep under every simulated vision

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB
DEFICIENCIES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def to_rgb(colour) -> np.ndarray:
    """``"#rrggbb"`` (or any matplotlib colour) as sRGB in [0, 1], shape ``(3,)``."""
    from matplotlib.colors import to_rgb as matplotlib_rgb

    return np.array(matplotlib_rgb(colour), dtype=float)


def _linear(srgb):
    srgb = np.asarray(srgb, dtype=float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _gamma(linear):
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(colour, deficiency: str) -> np.ndarray:
    """How ``colour`` looks with ``deficiency`` (a key of :data:`DEFICIENCIES`, or ``"normal"``), as sRGB."""
    rgb = to_rgb(colour)
    if deficiency == "normal":
        return rgb
    if deficiency not in DEFICIENCIES:
        raise ValueError(f"argument 'deficiency': expected one of {['normal', *DEFICIENCIES]}, got {deficiency!r}")
    return _gamma(DEFICIENCIES[deficiency] @ _linear(rgb))


def lab(srgb) -> np.ndarray:
    """sRGB in [0, 1] → CIELAB (D65 white)."""
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375],
                    [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ _linear(srgb)
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a, b, deficiency: str = "normal") -> float:
    """CIE 1976 colour difference between ``a`` and ``b`` as seen with ``deficiency``."""
    return float(np.linalg.norm(lab(simulate(a, deficiency)) - lab(simulate(b, deficiency))))


def min_distance(colours, deficiencies=("normal", *DEFICIENCIES)) -> tuple[float, str, str, str]:
    """The closest pair of ``colours`` under any of ``deficiencies``: ``(distance, a, b, deficiency)``."""
    colours = list(colours)
    if len(colours) < 2:
        raise ValueError(f"argument 'colours': expected at least two colours, got {len(colours)}")
    best = (float("inf"), "", "", "")
    for deficiency in deficiencies:
        for i, a in enumerate(colours):
            for b in colours[i + 1:]:
                d = distance(a, b, deficiency)
                if d < best[0]:
                    best = (d, str(a), str(b), deficiency)
    return best


def prop_cycle():
    """matplotlib's property cycle for the course: a colour and a line style per line."""
    from cycler import cycler

    return cycler(color=PALETTE) + cycler(linestyle=LINE_STYLES)
