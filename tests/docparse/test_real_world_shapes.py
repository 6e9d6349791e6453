"""Documents as they really come (docs/34–40, written for these tests in the genre's shapes):
the genre deciding what is owed, text whose line breaks were lost, page furniture and pinyin
inside sentences, traditional script, a notice's requests, a form around the document, and a
task table flattened to field lines."""

from kexie.docparse import parse_text
from tests.docparse.test_constructions import DOCS, by_key, outline, parse, targets


def test_a_summary_with_next_years_plan_owes_only_the_plan_part():
    plan = parse("34_summary_and_plans.txt")
    assert outline(plan) == [
        ("1", "一、", "context", "2024年工作总结"),
        ("1.1", "(一)", "context", "科普阵地建设取得新成效"),
        ("1.2", "(二)", "context", "学会服务能力稳步提升"),
        ("1.2.1", "一是", "context", "完成了3家县级学会换届"),
        ("1.2.2", "二是", "context", "组织学会开展技术服务活动18场"),
        ("2", "二、", "section", "2025年工作打算"),
        ("2.1", "(一)", "task", "加强基层科协组织建设"),
        ("2.2", "(二)", "task", "办好全国科普日活动"),
    ]
    items = by_key(plan)
    # The plan year, not the summary's: 6月底前 is June of 2025.
    assert plan["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert items["2.1"]["due"] == "2025-06-30"
    assert targets(items["2.1"]) == [(5, None, "家")]
    assert all(not i["targets"] and i["due"] is None for i in plan["items"] if i["kind"] == "context")


def test_a_pure_summary_has_no_period_and_no_targets():
    text = ("某县科协2024年工作总结\n\n一、主要工作\n（一）建成科普e站12个。全年开展科普活动86场，"
            "受益群众2万人次。\n（二）完成了县级学会换届工作。\n")
    plan = parse_text(text)
    assert plan["period"] is None
    assert {i["kind"] for i in plan["items"]} == {"context"}
    assert all(not i["targets"] for i in plan["items"])


def test_a_document_on_one_line_is_read_as_its_headings():
    plan = parse("35_one_line.txt")
    assert plan["title"] == "某市科协2025年科普工作要点"
    assert outline(plan) == [
        ("1", "一、", "context", "总体要求"),
        ("2", "二、", "section", "重点任务"),
        ("2.1", "1、", "task", "实施青少年科学素质提升行动"),
        ("2.2", "2、", "task", "实施农民科学素质提升行动"),
        ("2.2.1", "一是", "task", "开展农业技术培训"),
        ("2.2.2", "二是", "task", "推进科技小院建设"),
        ("2.3", "3、", "task", "加强科普基础设施建设"),
        ("3", "三、", "safeguard", "保障措施"),
    ]
    assert targets(by_key(plan)["2.3"]) == [(20, 20, "个")]


def test_pinyin_redactions_and_page_furniture_inside_sentences_are_not_read():
    path = DOCS / "36_noise.txt"
    original = path.read_text(encoding="utf-8")
    plan = parse("36_noise.txt")
    assert plan["title"] == "某区科协2025年学会工作要点"
    assert outline(plan) == [
        ("1", "一、", "section", "加强学会党建工作"),
        ("1.1", "(一)", "task", "推动学会党组织全覆盖"),
        ("1.2", "(二)", "task", "开展学会党建示范创建"),
        ("2", "二、", "section", "提升学会服务能力"),
        ("2.1", "(一)", "task", "组织学术交流活动"),
    ]
    items = by_key(plan)
    assert targets(items["1.1"]) == [(2, 2, "期")]  # "党务—2—干部": a page mark, not a count
    assert "—2—" not in items["1.1"]["text"] and "(shí)" not in items["1.1"]["text"]
    assert targets(items["2.1"]) == [(12, 12, "场")]
    # Spans still point into the text as uploaded.
    start, end = items["1.1"]["span"]
    assert original[start:end].startswith("（一）推动学会党组织全覆盖")
    assert "实(shí)现" in original[start:end]


def test_traditional_script_beyond_common_characters_is_read():
    plan = parse("37_traditional.txt")
    items = by_key(plan)
    assert plan["title"] == "某市科学技术协会2025年工作要点"
    # 鑑 and 諮 are not among the characters of everyday official texts.
    assert items["2.1"]["title"] == "鉴定科技成果并协助企业攻关"
    assert (items["1.1"]["lead_units"], items["1.1"]["co_units"]) == (["市科协办公室"], ["各县区科协"])
    assert items["2.1"]["lead_units"] == ["学会部"]
    assert targets(items["2.1"]) == [(2, 2, "家"), (10, 10, "项")]


def test_a_notice_owes_its_requests_and_reads_its_facts():
    plan = parse("38_notice_requests.txt")
    assert outline(plan) == [
        ("1", "一、", "task", "征集时间"),  # it sets the deadline
        ("2", "二、", "context", "征集对象"),
        ("3", "三、", "context", "作品要求"),
        ("3.1", "(一)", "context", "作品主题鲜明，内容科学准确"),
        ("3.2", "(二)", "context", "每个单位推荐作品不少于5件"),
        ("4", "四、", "safeguard", "工作要求"),
    ]
    items = by_key(plan)
    assert items["1"]["due"] == "2025-04-30"
    assert items["4"]["due"] == "2025-04-30"


def test_a_form_around_the_document_is_left_out():
    plan = parse("39_form_then_document.txt")
    assert outline(plan) == [
        ("1", "一、", "context", "2024年度工作总结"),
        ("2", "二、", "section", "2025年工作计划"),
        ("2.1", "(一)", "section", "学术交流"),
        ("2.1.1", "1.", "task", "办好学术年会"),
        ("2.1.2", "2.", "task", "组织青年沙龙"),
    ]
    assert targets(by_key(plan)["2.1.1"]) == [(1, 1, "次"), (50, None, "篇")]


def test_a_task_table_flattened_to_field_lines_gives_units_and_deadlines():
    plan = parse("40_field_lines.txt")
    items = by_key(plan)
    assert [i["key"] for i in plan["items"]] == ["1", "2"]
    assert (items["1"]["lead_units"], items["1"]["co_units"]) == (["计划科", "创新平台服务中心"], [])
    assert items["1"]["due"] == "2025-10-31"  # 完成时限：2025年10月 is the month's end
    assert (items["2"]["lead_units"], items["2"]["co_units"]) == (["农村科技科"], ["办公室"])
    assert "王某某" not in items["1"]["lead_units"]  # 责任领导 names a person
    assert targets(items["2"]) == [(100, None, "名")]


def test_contents_page_numbers_and_lost_marks_do_not_make_items():
    plan = parse("41_contents_and_page_numbers.txt")
    assert outline(plan) == [
        ("1", "1.", "task", "加强学术交流"),
        ("2", "2.", "task", "提升期刊质量"),
        ("2.1", "一是", "task", "实施科技期刊提升计划，培养学术带头人"),
        ("2.2", "二是", "task", "重视期刊数字化转型"),  # its mark before it was lost in the copy
        ("2.3", "三是", "task", "推进期刊集群建设"),
        ("3", "3.", "task", "推进学会改革"),
    ]
    # "3、" where a page broke the sentence is the site's page number: the sentence goes on.
    assert by_key(plan)["1"]["text"].endswith("推动青年科技工作者参与学术交流活动。")


def test_numbers_an_encoding_error_made_unreadable_keep_their_place():
    text = ("关于召开2025年学术年会的通知\n一、会议注册\n注：\n"
            "?。?)本次会议只接受网上注册，现场不再受理报名。\n?。?)差旅和住宿费用自理。\n")
    assert outline(parse_text(text)) == [
        ("1", "一、", "task", "会议注册"),
        ("1.1", "(1)", "task", "本次会议只接受网上注册，现场不再受理报名"),
        ("1.2", "(2)", "task", "差旅和住宿费用自理"),
    ]


def test_characters_a_page_injected_into_a_traditional_text_are_removed():
    """Pages that defeat copying slip two characters in before punctuation marks (一贼酵、,
    時間模庐。). In a traditional-script text, a character that exists only in simplified script
    gives them away; the simplified chrome around the document is left alone."""
    plan = parse("42_injected.txt")
    assert plan["title"] == "某省科学技术协会关于举办2025年科技工作者日活动的通知"
    assert outline(plan) == [
        ("1", "一、", "context", "活动时间和主题"),
        ("1.1", "(一)", "context", "时间"),
        ("1.2", "(二)", "context", "主题"),
        ("2", "二、", "section", "活动内容"),
        ("2.1", "1.", "task", "组织科技工作者座谈会"),
        ("2.2", "2.", "task", "开展典型宣传"),
    ]
    items = by_key(plan)
    assert "门痕" not in items["2.1"]["text"] and items["2.1"]["due"] == "2025-05-31"
