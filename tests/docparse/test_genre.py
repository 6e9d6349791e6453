"""The document's genre, from its title or, without one, from its language."""

import pytest

from kexie.docparse import genre, parse_text


@pytest.mark.parametrize("title,expected", [
    ("某市科协2025年工作要点", genre.PLAN),
    ("某市科协2025年重点工作", genre.PLAN),  # an annual key-task list names no 方案 or 要点
    ("关于印发《2025年科普工作要点》的通知", genre.PLAN),
    ("关于开展2025年企业科协申报工作的通知", genre.NOTICE),
    ("关于征集2025年科技活动周特色活动方案的通知", genre.NOTICE),
    ("某县科协2024年工作总结", genre.SUMMARY),
    ("科协主席在年会上的讲话", genre.SUMMARY),
    ("推进企业科协组织建设经验做法汇报材料", genre.SUMMARY),
    ("某学会2024年度总结和2025年度工作计划", genre.MIXED),
    ("市科协召开全委会 部署全年重点工作", None),  # a news headline: its body decides
])
def test_the_title_names_the_genre(title, expected):
    assert genre.by_title(title) == expected


def test_without_a_title_requests_make_a_notice_and_completed_work_a_summary():
    assert genre.by_language("请各单位于5月10日前报送申报材料，逾期不予受理。申报单位须按要求提交。") == genre.NOTICE
    assert genre.by_language("全年举办了科普活动20场，已建成科普e站12个，累计培训3000人次，"
                             "圆满完成了换届工作，取得了明显成效。") == genre.SUMMARY
    assert genre.by_language("加强基层组织建设，推进学会改革，完善服务体系。") == genre.PLAN


def test_a_notice_without_a_title_owes_its_requests():
    text = ("各相关单位：\n现就征集科普项目有关事项通知如下：\n一、申报时间\n2025年7月1日至7月20日，逾期不予受理。\n"
            "二、申报条件\n1.在本市注册的社会组织。\n2.具有组织大型活动的经验。\n"
            "三、申报要求\n请各单位于7月20日前将申报书报送市科协科普部。\n")
    plan = parse_text(text)
    kinds = {i["title"]: i["kind"] for i in plan["items"]}
    assert plan["title"] is None
    assert kinds["申报时间"] == "task" and kinds["申报条件"] == "context"
    assert kinds["在本市注册的社会组织"] == "context"
