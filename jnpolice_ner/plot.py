"""Plots of ``summarize`` tables with Chinese labels drawn right (``pip install "jnpolice_ner[plot]"``).

matplotlib's own fonts have no Chinese glyphs (labels become empty boxes). The ``plot`` extra
installs ``mplfonts``, which ships Noto Sans CJK SC (SIL Open Font License); ``cjk_font()``
registers it with matplotlib when a plot is drawn, without touching matplotlib's settings files.

    fig = plot_summary(summarize(cases_table(reports), by="county"), value="total_loss")
    fig.savefig("losses.png", dpi=150)

(tested in tests/test_plot.py: the doctest runner may lack the extra.)
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

#: the font file inside the ``mplfonts`` package (the ``plot`` extra)
FONT_FILE = "NotoSansCJKsc-Regular.otf"

_TITLES = {"cases": "案件数", "total_loss": "损失总额（元）", "median_loss": "损失中位数（元）",
           "total_recovered": "挽回总额（元）", "recovered_share": "挽回比例"}


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"plotting needs the plot extra: pip install \"jnpolice_ner[plot]\" ({module} is missing)") from None


@functools.lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register the shipped CJK font with matplotlib (once) and return its family name."""
    from importlib import resources

    _need("matplotlib")
    from matplotlib import font_manager

    _need("mplfonts")
    path = Path(str(resources.files("mplfonts").joinpath("fonts", FONT_FILE)))
    if not path.is_file():
        raise ImportError(f"the mplfonts package has no {FONT_FILE}: reinstall \"jnpolice_ner[plot]\"")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font() -> str:
    """Make the CJK font matplotlib's default for the rest of the session (for your own plots)."""
    import matplotlib

    family = cjk_font()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


def plot_summary(summary: Any, value: str = "cases", ax: Any = None, title: str | None = None) -> Any:
    """A bar chart of one column of a ``summarize`` table (``cases``, ``total_loss``, ``median_loss``,
    ``total_recovered`` or ``recovered_share``) over its groups, with Chinese labels drawn. Draws
    into ``ax`` when given, else into a new figure; returns the figure."""
    if value not in summary.columns:
        raise ValueError(f"plot_summary: no column {value!r}; the summary has {', '.join(map(str, summary.columns))}")
    _need("matplotlib")
    from matplotlib.figure import Figure

    family = cjk_font()  # every text gets it by name: a family from rcParams is resolved only at draw time
    if ax is None:
        fig = Figure(figsize=(max(4.0, 0.6 * len(summary) + 2), 3.2), layout="constrained")
        ax = fig.add_subplot()
    labels = [_label(k) for k in summary.index]
    ax.bar(range(len(labels)), summary[value].astype("float64").fillna(0).to_numpy(), color="#5b8bd0")
    tilt = len(labels) > 6
    ax.set_xticks(range(len(labels)), labels, rotation=45 if tilt else 0, ha="right" if tilt else "center")
    ax.tick_params(axis="both", labelfontfamily=family)
    ax.set_xlabel(" / ".join(str(n) for n in summary.index.names if n), fontfamily=family)
    ax.set_ylabel(_TITLES.get(value, value), fontfamily=family)
    ax.set_title(title if title is not None else _TITLES.get(value, value), fontfamily=family)
    return ax.figure


def _label(key: Any) -> str:
    import pandas as pd

    parts = key if isinstance(key, tuple) else (key,)
    return " ".join("（未知）" if pd.isna(p) else str(p) for p in parts)
