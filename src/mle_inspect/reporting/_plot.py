"""Pictures of a report: medal rates per split, and a competition × seed percentile heat map.

PNG/SVG/PDF with matplotlib (the ``plot`` extra); HTML with plotly where it is installed.
"""

from __future__ import annotations

import math
from pathlib import Path

from .._extras import install_hint
from ._build import Report

PLOT_EXTRA = install_hint("plot")
MEDAL_COLOURS = {"gold": "#d4af37", "silver": "#a8a9ad", "bronze": "#cd7f32"}


class PlotUnavailable(RuntimeError):
    """The plotting library for the requested file type is not installed."""


def _medal_bars(report: Report) -> tuple[list[str], dict[str, list[float]], list[float]]:
    splits = list(report.splits)
    names = [f"{s.split}\n(n={s.competitions})" for s in splits]
    stacks = {m: [s.metrics[m].mean for s in splits] for m in MEDAL_COLOURS}
    errors = [s.metrics["any_medal"].standard_error for s in splits]
    return names, stacks, errors


def _heat(report: Report) -> tuple[list[str], list[int], list[list[float]]]:
    competitions = sorted({r.competition_id for r in report.runs})
    seeds = list(range(1, report.seeds + 1))
    index = {(r.competition_id, r.seed): r for r in report.runs}
    grid = [
        [0.0 if index[(c, s)].failed else index[(c, s)].percentile for s in seeds]
        for c in competitions
    ]
    return competitions, seeds, grid


def _matplotlib(report: Report, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotUnavailable(f"--plot {path.name} needs matplotlib: {PLOT_EXTRA}") from None
    names, stacks, errors = _medal_bars(report)
    competitions, seeds, grid = _heat(report)
    height = max(4.0, 0.25 * len(competitions) + 1.5)
    fig, (bars, heat) = plt.subplots(
        1, 2, figsize=(13, height), gridspec_kw={"width_ratios": [1, 1.2]}
    )
    bottom = [0.0] * len(names)
    for medal, colour in MEDAL_COLOURS.items():
        values = [0.0 if math.isnan(v) else v for v in stacks[medal]]
        bars.bar(names, values, bottom=bottom, color=colour, label=medal)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    bars.errorbar(
        names, bottom, yerr=errors, fmt="none", ecolor="black", capsize=4, label="any medal ± SEM"
    )
    bars.set_ylabel("% of competitions (mean over seeds)")
    bars.set_ylim(0, 110)
    bars.set_title("Medal rate per split")
    bars.legend(loc="upper left", ncols=4, fontsize=8)
    image = heat.imshow(grid, aspect="auto", cmap="viridis", vmin=0, vmax=100)
    if len(competitions) <= 25 and len(seeds) <= 10:  # small grids: print the values too
        for row, values in enumerate(grid):
            for column, value in enumerate(values):
                if not math.isnan(value):
                    colour = "white" if value < 60 else "black"
                    heat.text(column, row, f"{value:.0f}", ha="center", va="center", color=colour)
    heat.set_xticks(range(len(seeds)), [f"seed {s}" for s in seeds])
    heat.set_yticks(range(len(competitions)), competitions, fontsize=7)
    heat.set_title("Percentile on the leaderboard (failures 0, blank: unknown)")
    fig.colorbar(image, ax=heat, label="percentile")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _plotly(report: Report, path: Path) -> None:
    try:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots
    except ImportError:
        raise PlotUnavailable(
            f"--plot {path.name} (HTML) needs plotly: pip install plotly; "
            "or write a .png with matplotlib"
        ) from None
    names, stacks, errors = _medal_bars(report)
    competitions, seeds, grid = _heat(report)
    labels = [n.replace("\n", " ") for n in names]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Medal rate per split", "Percentile"))
    for medal, colour in MEDAL_COLOURS.items():
        fig.add_trace(go.Bar(x=labels, y=stacks[medal], name=medal, marker_color=colour), 1, 1)
    totals = [
        sum(0.0 if math.isnan(stacks[m][i]) else stacks[m][i] for m in MEDAL_COLOURS)
        for i in range(len(labels))
    ]
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=totals,
            mode="markers",
            name="any medal ± SEM",
            error_y={"type": "data", "array": errors},
        ),
        1,
        1,
    )
    fig.add_trace(
        go.Heatmap(z=grid, x=[f"seed {s}" for s in seeds], y=competitions, zmin=0, zmax=100),
        1,
        2,
    )
    fig.update_layout(barmode="stack")
    fig.write_html(str(path))


def plot_reports(reports: list[Report], path: Path) -> list[Path]:
    """One picture per report.

    ``path`` itself, or ``<stem>_<model_solver><suffix>`` each when there are several models or
    solvers.
    """
    from ._render import slug

    if len(reports) == 1:
        return [plot_report(reports[0], path)]
    return [
        plot_report(report, path.with_name(f"{path.stem}_{slug(report.group)}{path.suffix}"))
        for report in reports
    ]


def plot_report(report: Report, path: Path) -> Path:
    """Write the two pictures to ``path``: ``.html`` with plotly, anything else matplotlib."""
    if path.suffix.lower() in (".html", ".htm"):
        _plotly(report, path)
    else:
        _matplotlib(report, path)
    return path
