"""plot_summary draws Chinese labels with the plot extra's CJK font: no glyph is missing in the PNG."""

from __future__ import annotations

import io
import os
import warnings

import pytest

import jnpolice_ner as jn

try:
    import matplotlib  # noqa: F401
    import mplfonts  # noqa: F401
except ImportError:  # only outside CI: CI installs the plot extra (README's test command)
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("the plot extra is not installed (pip install -e '.[plot]')", allow_module_level=True)

from jnpolice_ner.models import CaseReport, DateValue, Money  # noqa: E402

LABELS = ["汶上县", "泗水县", "兖州区", "（未知）"]


def _summary():
    reports = [CaseReport(case_type="fraud.brushing", county=c, issue_date="2021-06-30",
                          reported_on=DateValue(iso=f"2021-0{k + 1}-02", granularity="day"),
                          amount_lost=Money(amount=1000 * (k + 1)))
               for k, c in enumerate(["汶上县", "泗水县", "兖州区", None])]
    return jn.summarize(jn.cases_table(reports), by="county")


def _png_warnings(fig) -> tuple[bytes, list[str]]:
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buf, format="png", dpi=60)
    return buf.getvalue(), [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_plot_has_every_chinese_glyph():
    fig = jn.plot_summary(_summary(), value="total_loss")
    png, missing = _png_warnings(fig)
    assert png.startswith(b"\x89PNG") and len(png) > 2000
    assert missing == []
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == sorted(LABELS[:3]) + ["（未知）"]
    assert ax.get_ylabel() == "损失总额（元）"
    assert all(t.get_fontname() == jn.plot.cjk_font() for t in ax.get_xticklabels())


def test_without_the_cjk_font_glyphs_go_missing():
    # the check above can fail: matplotlib's own font has no Chinese glyphs
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().set_title("汶上县", fontfamily="DejaVu Sans")
    _, missing = _png_warnings(fig)
    assert missing and "missing from" in missing[0]


def test_plot_rejects_an_unknown_column():
    with pytest.raises(ValueError, match="no column 'loss'"):
        jn.plot_summary(_summary(), value="loss")
