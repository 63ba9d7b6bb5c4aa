"""Screenshots of ``render``: the sample page's entities and one case report, for a person to look at.

    apt-get install -y chromium fonts-noto-cjk      # once (Debian packages)
    python3 scripts/screenshot_render.py [OUT_DIR]  # default: ./render_shots

Writes ``page.html`` + ``page.png`` (the sample page, every article with its entities marked),
``case.html`` + ``case.png`` (the sample page's second case: its field table, each field's evidence
marked, then its article with the evidence named by field) and ``labels.html`` + ``labels.png``
(an invented sentence with one mention of each of the seven labels). Chromium runs headless; the
PNGs show the seven colours and the PERSON roles (checked by eye, see docs/analyst.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's package, not another installed one

import jnpolice_ner as jn  # noqa: E402

#: invented: one mention of each label (DATE, UNIT, PLACE, PERSON, CASE_TYPE, ORG, MONEY)
LABELS_TEXT = ("7月22日，金乡县公安局兴隆派出所接家住鸡黍镇的群众王某报警，称遭遇电信诈骗，"
               "在中国农业银行转账被骗8万余元。民警李明随即展开调查，嫌疑人张某已被抓获。")
PAGE = "<!doctype html><meta charset='utf-8'><body style='font-family:\"Noto Sans CJK SC\",sans-serif;max-width:1000px'>{}</body>"


def shoot(html_path: Path, png_path: Path, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium is not installed: apt-get install -y chromium fonts-noto-cjk")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={png_path}", f"--window-size=1050,{height}", html_path.resolve().as_uri()],
                   check=True, capture_output=True, timeout=120)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = (REPO / "corpus" / "pages" / "sample_page.txt").read_text("utf-8")
    page = jn.parse_page(text, issue_date="2016-10-20")
    article = page.articles[2]
    shots = {
        "page": (jn.render(page), 2200),
        "case": (jn.render(article.case, text=article.text), 1100),
        "labels": (jn.render(LABELS_TEXT, issue_date="2016-08-20"), 300),
    }
    for name, (html, height) in shots.items():
        html_path = out / f"{name}.html"
        html_path.write_text(PAGE.format(html), "utf-8")
        shoot(html_path, out / f"{name}.png", height)
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("render_shots"))
