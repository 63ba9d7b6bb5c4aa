"""The page reader on the seed page (gold in ../shared) and on our own layouts."""

from __future__ import annotations

import json

import pytest

from jnpolice_ner import parse_page
from jnpolice_ner.layout import _config, parse_byline, parse_credits, segment
from jnpolice_ner.ruleset import load_rules


def test_seed_article_count(seed_text, seed_articles):
    assert len(segment(seed_text)) == len(seed_articles) == 8


@pytest.mark.parametrize("i", range(8))
def test_seed_article_fields(seed_text, seed_articles, i):
    seg = segment(seed_text)[i]
    gold = seed_articles[i]
    assert seg.headline == gold["headline"]
    assert seg.subheadline == gold["subheadline"]
    assert seg.reporters == gold["reporters"]
    assert seg.correspondents == gold["correspondents"]
    assert (seg.start, seg.end) == (gold["start"], gold["end"])


@pytest.mark.parametrize("i", range(8))
def test_seed_repairs(seed_text, seed_articles, i):
    seg = segment(seed_text)[i]
    want = sorted(json.dumps(r, ensure_ascii=False) for r in seed_articles[i]["repairs"])
    got = sorted(json.dumps(r, ensure_ascii=False) for r in seg.repairs)
    assert got == want


def test_seed_repaired_text_reads_joined_words(seed_text):
    page = parse_page(seed_text, issue_date="2016-08-20")
    first = page.articles[0].text
    assert "提高基层防范、发现" in first and "开展防务工作。" in first
    assert first.startswith("2016年是")  # the displaced lead is read first
    assert page.articles[6].text.startswith("近期，")
    assert "全体中层干部会议" in page.articles[6].text


def test_seed_datelines(seed_text, seed_articles):
    page = parse_page(seed_text, issue_date="2016-08-20")
    for art, gold in zip(page.articles, seed_articles, strict=True):
        if gold["dateline"] is None:
            assert art.dateline is None
        else:
            assert art.dateline is not None
            assert art.dateline.model_dump() == gold["dateline"]


@pytest.mark.parametrize("line,reporters,correspondents", [
    ("□ 记者 张小川 通讯员 赵立 钱多多 报道", ["张小川"], ["赵立", "钱多多"]),
    ("□ 本报记者 孙明 郑远  ", ["孙明", "郑远"], []),
    ("□ 周丽 吴山 报道", ["周丽", "吴山"], []),
    ("记者朱立新通讯员张武贾罡", ["朱立新"], ["张武", "贾罡"]),
    ("周详 记者文宇", ["周详", "文宇"], []),
    ("见习记者 欧阳明 实习生 王可 报道员 司马青", ["欧阳明", "王可"], ["司马青"]),
    ("新华社记者 王小明", ["王小明"], []),
    ("闪电新闻记者 高文静 通讯员 宋立明", ["高文静"], ["宋立明"]),
])
def test_byline_forms(line, reporters, correspondents):
    names = parse_byline(line, 0, _config(load_rules()))
    got_r = [line[s:e] for s, e, r in names if r == "reporter"]
    got_c = [line[s:e] for s, e, r in names if r == "correspondent"]
    assert (got_r, got_c) == (reporters, correspondents)


def test_inline_byline_and_outlet_dateline():
    text = "民警破获诈骗案\n\n本报讯（记者朱立新通讯员张武贾罡）3月5日，民警破获一起诈骗案。"
    seg = segment(text)[0]
    assert seg.headline == "民警破获诈骗案"
    assert seg.reporters == ["朱立新"] and seg.correspondents == ["张武", "贾罡"]
    text2 = "## 民警救助走失老人\n\n齐鲁网济南7月19日讯 昨天上午，一名老人在街头走失。"
    seg2 = segment(text2)[0]
    place = [c for c in seg2.candidates if c.label == "PLACE"]
    assert place and text2[place[0].start:place[0].end] == "济南"


def test_trailing_byline():
    text = ("## 民警帮助群众找回钱包\n\n**本报兖州讯** 3月2日，市民刘先生在街头丢失钱包，民警很快帮他找回。\n\n"
            "（记者 张小川 通讯员 赵立）")
    seg = segment(text)[0]
    assert seg.reporters == ["张小川"] and seg.correspondents == ["赵立"]
    assert not text[seg.start:seg.end].endswith("）") or "赵立" in text[seg.start:seg.end]


def test_plain_text_is_one_article():
    text = "3月2日，市民刘先生报警称被骗5000元。民警立即开展调查。"
    page = parse_page(text)
    assert len(page.articles) == 1
    assert page.articles[0].headline == ""
    assert page.articles[0].text == text


def test_article_offsets_locate_the_article(seed_text):
    page = parse_page(seed_text, issue_date="2016-08-20")
    for art in page.articles:
        chunk = seed_text[art.start:art.end]
        assert art.headline.split(" ")[0][:4] in chunk or art.headline == ""


def test_sample_page_layout():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "corpus" / "pages" / "sample_page.txt").read_text("utf-8")
    segs = segment(text)
    assert len(segs) == 3
    assert segs[0].correspondents == ["孔德明", "周雨桐"]  # wrapped byline
    assert any("join" in r for r in segs[0].repairs)
    assert segs[2].correspondents == ["颜廷波"]  # byline before its headline


_CREDIT_ARTICLE = "## 民警帮老人找回走失的孙子\n\n**本报汶上讯** 5月3日，一名老人在集市上与孙子走散，民警半小时后将孩子找回。\n\n"


@pytest.mark.parametrize("line,names", [
    ("编辑：曹雨晴\u3000审核：任志刚", ["曹雨晴", "任志刚"]),
    ("责任编辑 刘欣然  校对 马骁", ["刘欣然", "马骁"]),
    ("编辑/吕方 审核/施文涛 终审/窦立群", ["吕方", "施文涛", "窦立群"]),
    ("编辑：郑晓岚 | 审核：韦国栋、邹明 / 终审：窦立群", ["郑晓岚", "韦国栋", "邹明", "窦立群"]),
    ("美编 严可欣 编审 尤海波 柯振宇", ["严可欣", "尤海波", "柯振宇"]),
    ("责任校对：车敏；值班主任：柯振宇", ["车敏", "柯振宇"]),
    ("责任编辑：王立新", ["王立新"]),
])
def test_credit_line_names_are_persons_with_role_other(line, names):
    """Every credit of an editor/reviewer line is read; its names are PERSON (role other), role words never."""
    from jnpolice_ner import extract_entities

    text = _CREDIT_ARTICLE + line
    off = len(_CREDIT_ARTICLE)
    persons = [e for e in extract_entities(text, issue_date="2024-05-06") if e.label == "PERSON"]
    credit = [e for e in persons if e.start >= off]
    want = [(off + line.index(n), off + line.index(n) + len(n), n) for n in names]
    assert [(e.start, e.end, e.text) for e in credit] == want
    assert all(e.role == "other" and e.explanation == "person.byline.editor" for e in credit)
    assert not any(e.text in ("校对", "审核", "终审", "编审", "美编", "责任校对", "值班主任") for e in persons)


@pytest.mark.parametrize("line", [
    "编辑部接到读者来信，反映小区门口积水。",  # text, not a credit
    "编辑：张三，李四提供线索",  # punctuation inside names
    "审核通过后，民警为群众办理了证件。",
])
def test_not_a_credit_line(line):
    assert parse_credits(line, _config(load_rules())) == []


def test_credit_line_fires_its_rule():
    from jnpolice_ner.trace import recording

    with recording() as fired:
        segment(_CREDIT_ARTICLE + "责任编辑 刘欣然  校对 马骁")
    assert "layout.credit.multi" in fired and "layout.credit.line" not in fired
    with recording() as fired:
        segment(_CREDIT_ARTICLE + "编辑 胡立荣 李明")
    assert "layout.credit.line" in fired and "layout.credit.multi" not in fired


def test_plain_text_subheadline_and_bracketed_byline_closing_the_article_before():
    """A plain ``——`` line under a headline is its subheadline (not the headline), and a bracketed byline on
    its own line closes the article above it, even when the next headline follows right after."""
    page = (
        "城郊仓库深夜失窃 民警连夜追回货物\n"
        "——城东派出所快速侦破一起盗窃案\n\n"
        "本报记者 闻晓光 通讯员 梅清\n\n"
        "5月6日凌晨，城郊一仓库被盗，民警当晚将犯罪嫌疑人邹某抓获。\n\n"
        "（本报记者 严柯 通讯员 齐放）\n\n"
        "电动车频繁被盗 嫌疑人落网\n\n"
        "□ 本报记者 苗新\n\n"
        "5月9日，民警在小区内将盗窃电动车的犯罪嫌疑人葛某抓获。\n"
    )
    first, second = parse_page(page, issue_date="2024-05-20").articles
    assert first.headline == "城郊仓库深夜失窃 民警连夜追回货物"
    assert first.subheadline == "城东派出所快速侦破一起盗窃案"
    assert first.reporters == ["闻晓光", "严柯"] and first.correspondents == ["梅清", "齐放"]
    assert second.headline == "电动车频繁被盗 嫌疑人落网" and second.reporters == ["苗新"]


def test_a_bulletin_before_the_first_bylined_article_is_an_article():
    """A title with body text under it at the top of a page (警情通报, no byline) is an article of its own,
    not page furniture; the page header above it is passed over."""
    page = (
        "2024年5月20日 星期一                 综合新闻 第2版\n\n"
        "警情通报\n\n"
        "5月18日21时许，城关派出所接群众报警称，某饭店门前有人打架。经查，贾某某与郑某发生口角后将郑某打伤。"
        "目前，贾某某已被依法行政拘留。\n\n"
        "电动车频繁被盗 嫌疑人落网\n\n"
        "□ 本报记者 苗新\n\n"
        "5月9日，民警在小区内将盗窃电动车的犯罪嫌疑人葛某抓获。\n"
    )
    first, second = parse_page(page, issue_date="2024-05-20").articles
    assert first.headline == "警情通报" and first.text.startswith("5月18日21时许")
    assert second.headline == "电动车频繁被盗 嫌疑人落网" and second.reporters == ["苗新"]


def test_outlet_dateline_gives_the_outlet_as_org_with_or_without_a_place():
    from jnpolice_ner import extract_entities

    ents = extract_entities("民警提醒\n\n东湖网7月8日讯 暑期将至，民警提醒家长看好孩子。", issue_date="2025-07-09")
    assert [(e.label, e.text) for e in ents if e.label in ("ORG", "PLACE")] == [("ORG", "东湖网")]
    ents = extract_entities("民警提醒\n\n东湖网济南7月8日讯 暑期将至。", issue_date="2025-07-09")
    assert [(e.label, e.text) for e in ents if e.label in ("ORG", "PLACE")] == [("ORG", "东湖网"), ("PLACE", "济南")]
    assert not [e for e in extract_entities("新闻电视台报道了此事。") if e.label == "ORG"]


def test_bracketed_byline_closing_the_last_paragraph():
    page = "简讯\n\n本报讯 5月3日，城南派出所将盗窃电瓶的嫌疑人抓获。（记者 韩立新 通讯员 吴刚）\n"
    (article,) = parse_page(page, issue_date="2024-05-20").articles
    assert article.reporters == ["韩立新"] and article.correspondents == ["吴刚"]
    (plain,) = parse_page("简讯\n\n本报讯 5月3日，民警将嫌疑人抓获（男，25岁）。\n", issue_date="2024-05-20").articles
    assert plain.reporters == [] and plain.correspondents == []
