"""Every palette stays distinguishable with colour-vision deficiencies (CAM02-UCS ΔE under simulated
deuteranopia and protanopia, colorspacious), and status never rests on colour alone."""
import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from cwd import style
from cwd.checklist import STATUSES
from cwd.osi import CATEGORIES

VISIONS = [None, "deuteranomaly", "protanomaly"]  # severity 100: deuteranopia, protanopia


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def min_delta_e(colours, vision) -> float:
    rgb = np.array([_rgb(c) for c in colours])
    if vision is not None:
        rgb = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}, "sRGB1"), 0, 1)
    ucs = cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(ucs, 2))


PALETTES = {
    "partnerships": style.PARTNERSHIP_PALETTE,
    "OSI categories": tuple(style.OSI_COLORS[c] for c in style.OSI_CATEGORIES),
    "statuses": tuple(style.STATUS_COLORS[s] for s in STATUSES),
}


@pytest.mark.parametrize("vision", VISIONS, ids=["normal", "deuteranopia", "protanopia"])
@pytest.mark.parametrize("name", PALETTES)
def test_palette_distinguishable(name, vision):
    assert min_delta_e(PALETTES[name], vision) >= style.MIN_CVD_DELTA_E


def test_the_check_can_fail():
    # red and green merge for a deuteranope: the measure must say so
    assert min_delta_e(("#D00000", "#00A000"), "deuteranomaly") < style.MIN_CVD_DELTA_E <= min_delta_e(
        ("#D00000", "#00A000"), None)


def test_status_is_not_colour_alone():
    assert len(set(style.STATUS_SYMBOLS.values())) == len(STATUSES)
    assert len(set(map(str, style.STATUS_DASH.values()))) == len(STATUSES)
    assert len(set(map(str, style.STATUS_LINESTYLE.values()))) == len(STATUSES)


def test_every_category_has_a_colour_and_labels():
    assert set(style.OSI_COLORS) == set(style.OSI_LABELS) == set(style.OSI_SHORT) == set(CATEGORIES)


def test_partnership_colours_are_stable_under_filters():
    ids = [f"P{i:02d}" for i in range(1, 13)]
    every = style.partnership_colors(ids)
    assert style.partnership_colors(reversed(ids)) == every  # order of the input does not matter
    assert every["P01"] != every["P02"] and every["P11"] == every["P01"]  # beyond ten colours repeat
