"""Beachball of a ``seisfoc fps`` answer: polarities, the answer's planes, every
cluster's planes in its own colour, a sample of the weighted solutions in grey, and the
grade with its reason in the title."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from seisfoc import plotting
from seisfoc.errors import SeisfocError
from seisfoc.mechanism import auxiliary_plane

if TYPE_CHECKING:
    from .solve import EventFps

__all__ = ["plot_result"]

_CLUSTER_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown")


def plot_result(
    event_fps: EventFps, path: str, projection: str = "equal-area", n_grey: int = 60
) -> str:
    """Draw the beachball of an :class:`~seisfoc.fps.solve.EventFps` to ``path``."""
    r = event_fps.result
    if r.answer is None or r.pool_sdr is None or r.pool_counts is None:
        raise SeisfocError(f"no solution to plot: {r.message}")
    pol, ain, az = event_fps.readings.arrays()
    from seisfoc.mechanism import p_radiation

    wrong = pol * np.atleast_1d(p_radiation(*r.answer, ain, az)) < 0.0
    title = (
        f"{event_fps.label}  grade {r.grade}: {r.grade_reason}\n"
        f"r68 {r.radius68_deg:.0f} deg, {len(r.clusters)} cluster(s), "
        f"{r.n_polarities} polarities"
    )
    fig = plotting.beachball_figure(
        r.answer,
        polarity=pol,
        takeoff_deg=ain,
        azimuth_deg=az,
        inconsistent=wrong,
        planes_in_title=False,
        projection=projection,
        size_in=5.0,
    )
    ax = fig.axes[0]
    ax.set_title(title, fontsize=8)
    box = ax.get_position()  # room for the title above and the legend below
    ax.set_position([box.x0 + 0.08 * box.width, box.y0 + 0.12 * box.height,
                     0.84 * box.width, 0.78 * box.height])  # fmt: skip
    order = np.argsort(-r.pool_counts)[:n_grey]
    for k, i in enumerate(order):
        s, d, _ = r.pool_sdr[i]
        aux = auxiliary_plane(*r.pool_sdr[i])
        for strike, dip in ((s, d), (aux[0], aux[1])):
            x, y = plotting.great_circle(strike, dip, projection)
            ax.plot(x, y, color="0.75", lw=0.5, zorder=1.5,
                    label="weighted solutions" if k == 0 and strike == s else None)  # fmt: skip
    for c, cl in enumerate(r.clusters[: len(_CLUSTER_COLOURS)]):
        aux = auxiliary_plane(*cl.sdr)
        for j, (strike, dip) in enumerate(((cl.strike, cl.dip), (aux[0], aux[1]))):
            x, y = plotting.great_circle(strike, dip, projection)
            ax.plot(x, y, color=_CLUSTER_COLOURS[c], lw=2.0 if c == 0 else 1.2, zorder=3,
                    label=(f"cluster {c + 1} ({cl.probability:.0%})" + (" = answer" if c == 0
                           else "")) if j == 0 else None)  # fmt: skip
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=7, frameon=False)
    return plotting.save_figure(fig, path)
