"""Small documents composed for these tests (docs/), one construction of the genre each,
with exact expectations."""

from pathlib import Path

from kexie.docparse import parse_file

DOCS = Path(__file__).parent / "docs"


def parse(name: str) -> dict:
    return parse_file(str(DOCS / name))


def outline(plan: dict) -> list[tuple[str, str, str, str]]:
    return [(i["key"], i["marker"], i["kind"], i["title"]) for i in plan["items"]]


def by_key(plan: dict) -> dict[str, dict]:
    return {i["key"]: i for i in plan["items"]}


def targets(item: dict) -> list[tuple]:
    return [(t["min"], t["max"], t["unit"]) for t in item["targets"]]


def test_every_heading_level_nests_in_official_order():
    assert outline(parse("01_levels.txt")) == [
        ("1", "一、", "section", "深化组织建设"),
        ("1.1", "(一)", "section", "加强基层组织"),
        ("1.1.1", "1.", "task", "推进乡镇科协建设"),
        ("1.1.1.1", "(1)", "task", "完善组织章程"),
        ("1.1.1.2", "(2)", "section", "充实工作力量"),
        ("1.1.1.2.1", "①", "task", "选配兼职副主席"),
        ("1.1.1.2.2", "②", "task", "建立联络员队伍"),
        ("1.1.2", "2.", "task", "推进企业科协建设"),
        ("1.2", "(二)", "section", "加强学会建设"),
        ("1.2.1", "1.", "task", "规范学会换届"),
        ("2", "二、", "section", "提升服务能力"),
        ("2.1", "1.", "task", "做好人才举荐"),
    ]


def test_numbers_with_a_dunhao_sit_directly_under_chinese_numerals():
    plan = parse("02_dunhao.txt")
    assert outline(plan) == [
        ("1", "一、", "section", "主要任务"),
        ("1.1", "1、", "task", "办好全国科普日活动"),
        ("1.2", "2、", "task", "推进科普基地建设"),
        ("1.3", "3、", "task", "加强科普队伍建设"),
        ("2", "二、", "section", "工作安排"),
        ("2.1", "1、", "task", "上半年完成基地申报"),
        ("2.2", "2、", "task", "下半年开展评估检查"),
    ]
    assert by_key(plan)["2.1"]["due"] == "2023-06-30"
    assert by_key(plan)["2.2"]["due"] == "2023-12-31"


def test_yishi_paragraphs_are_one_level_below_their_heading():
    assert outline(parse("03_yishi.txt")) == [
        ("1", "一、", "section", "重点工作"),
        ("1.1", "(一)", "section", "围绕中心服务大局"),
        ("1.1.1", "一是", "task", "强化政治引领"),
        ("1.1.2", "二是", "task", "服务乡村振兴"),
        ("1.1.3", "三是", "task", "推动创新创业"),
        ("1.2", "(二)", "section", "加强自身建设"),
        ("1.2.1", "一是", "task", "加强作风建设"),
        ("1.2.2", "二是", "task", "加强制度建设"),
    ]


def test_dash_bullets_and_heading_words_decide_kinds():
    plan = parse("04_dash.txt")
    assert outline(plan) == [
        ("1", "一、", "context", "总体要求"),
        ("1.1", "1.", "context", "指导思想"),
        ("1.2", "2.", "context", "基本原则"),
        ("1.2.1", "——", "context", "坚持党的领导"),
        ("1.2.2", "——", "context", "坚持问题导向"),
        ("2", "二、", "goal", "主要目标"),
        ("3", "三、", "section", "重点任务"),
        ("3.1", "1.", "task", "推进学会治理改革"),
        ("4", "四、", "safeguard", "保障措施"),
        ("4.1", "1.", "safeguard", "加强组织领导"),
    ]
    items = by_key(plan)
    assert plan["period"] is None
    assert items["1"]["due"] is None and items["1.2.1"]["due"] is None  # context: never a due date
    assert items["2"]["due"] == "2025-12-31"  # 到2025年
    assert targets(items["2"]) == [(10, None, "家")]
    assert items["4.1"]["due"] is None  # no period, no explicit deadline


def test_topic_paragraphs_are_items_and_long_first_sentences_are_text():
    plan = parse("05_topic.txt")
    assert outline(plan) == [
        ("1", "一、", "context", "发展基础"),
        ("1.1", "", "context", "“十三五”时期是科协事业快速发展的五年"),
        ("2", "二、", "task", "重点举措"),
        ("2.1", "1.", "section", "强化思想引领"),
        ("2.1.1", "", "task", "筑牢思想根基"),
        ("2.1.2", "", "task", "弘扬科学家精神"),
        ("2.2", "2.", "section", "服务创新发展"),
        ("2.2.1", "", "task", "搭建协同创新平台"),
    ]
    items = by_key(plan)
    assert plan["period"] == {"start": "2021-01-01", "end": "2025-12-31"}
    assert items["2"]["text"].startswith("围绕全市发展大局")
    assert "同时，要加强" in items["2.1.2"]["text"]  # a plain paragraph joins the item above


def test_inline_enumerations_with_lost_brackets_and_unit_brackets():
    plan = parse("06_inline.txt")
    assert outline(plan) == [
        ("1", "一、", "section", "重点任务"),
        ("1.1", "1.", "task", "加强学术交流"),
        ("1.1.1", "(1)", "task", "培育品牌学术会议"),
        ("1.1.2", "(2)", "task", "办好学术期刊"),
        ("1.1.3", "(3)", "task", "推动学术成果评价改革"),
        ("1.2", "2.", "task", "完善科普体系"),
        ("1.2.1", "(1)", "task", "实施全民科学素质行动"),
        ("1.2.2", "(2)", "task", "建设科普信息化平台"),
        ("1.2.3", "(3)", "task", "推进科技馆体系建设"),
    ]
    units = {i["key"]: (i["lead_units"], i["co_units"]) for i in plan["items"]}
    # The bracket after the list belongs to the whole item and is inherited...
    assert units["1.1"] == units["1.1.1"] == units["1.1.3"] == (["学会部"], [])
    # ...while brackets on several children stay with each child.
    assert units["1.2"] == ([], [])
    assert units["1.2.1"] == (["科普部"], [])
    assert units["1.2.2"] == (["信息中心"], [])
    assert units["1.2.3"] == (["科普部"], ["学会部"])


def test_inline_yishi_and_circled_numbers():
    assert outline(parse("07_inline_shi.txt")) == [
        ("1", "一、", "section", "主要任务"),
        ("1.1", "1.", "task", "优化机构设置"),
        ("1.1.1", "一是", "task", "职能调整到位，理顺各部门职责分工"),
        ("1.1.2", "二是", "task", "人员配备到位，按编制足额配备干部"),
        ("1.1.3", "三是", "task", "制度建设到位，健全议事决策制度"),
        ("1.2", "2.", "task", "规范工作流程"),
        ("1.2.1", "①", "task", "建立收文登记制度"),
        ("1.2.2", "②", "task", "建立督办反馈制度"),
        ("1.2.3", "③", "task", "建立归档制度"),
    ]


def test_lead_unit_forms_and_inheritance():
    items = by_key(parse("08_units.txt"))
    assert items["1.1"]["title"] == "组织建设"  # the bracket is not part of the title
    got = {k: (v["lead_units"], v["co_units"]) for k, v in items.items()}
    assert got["1"] == ([], [])
    assert got["1.1"] == (["组织人事部"], [])
    assert got["1.1.1"] == (["组织人事部"], [])  # inherited
    assert got["1.1.2"] == (["学会学术部"], ["组织人事部", "科学技术普及部"])  # 牵头单位：/配合单位：
    assert got["1.1.3"] == (["企业工作部"], ["省工业和信息化厅"])  # 由…牵头，会同…
    assert got["1.1.4"] == (["组织人事部"], ["各省级学会"])  # 责任单位 are co-responsible
    assert got["1.1.5"] == (["各成员单位"], [])  # a collective name in the bracket


def test_deadline_forms_in_the_plan_year():
    items = by_key(parse("09_deadlines.txt"))
    assert {k: v["due"] for k, v in items.items()} == {
        "1": None,  # section
        "1.1": "2022-06-30",  # 2022年6月底前
        "1.2": "2022-06-30",  # 上半年
        "1.3": "2022-09-30",  # 9月底前, in the plan's year
        "1.4": "2022-12-31",  # 年底前
        "1.5": "2023-12-31",  # 2023年底前, beyond the plan year
        "1.6": "2022-09-30",  # 三季度
        "2": None,
        "2.1": "2022-12-31",  # inherited from the plan period
    }


def test_target_forms():
    items = by_key(parse("10_targets.txt"))
    assert items["1"]["kind"] == "goal"
    assert targets(items["1"]) == [
        (30, 30, "场"),  # 三十场
        (10000, 10000, "名"),  # 1万名
        (5, 8, "个"),  # 5至8个
        (20, None, "家"),  # 不少于20家
        (15, None, "个"),  # 至少15个
        (500000, None, "人次"),  # 超过50万人次
        (15, 15, "%"),  # 达到15%
        (2000, 2000, "名"),  # 2000名左右
    ]
    first = items["1"]["targets"][0]
    assert first["verb"] == "举办" and first["metric"] == "学术活动" and first["due"] == "2024-12-31"
    assert targets(items["2.1"]) == [(2, None, "名")]  # 两名以上


def test_numbers_that_are_not_targets():
    items = by_key(parse("11_non_targets.txt"))
    # names, references, ordinals, criteria, past results, the plan's own task count, frequencies
    assert targets(items["1.1"]) == []
    assert targets(items["1.2"]) == []
    assert targets(items["1.3"]) == []
    assert targets(items["1.4"]) == [(1, 1, "座")]


def test_traditional_characters_are_read_as_simplified():
    plan = parse("12_traditional.txt")
    assert plan["title"] == "某学会2023年工作计划"
    assert outline(plan) == [
        ("1", "一、", "section", "加强组织建设"),
        ("1.1", "1.", "task", "完善会员发展机制"),
        ("1.2", "2.", "task", "推进学术交流"),
        ("2", "二、", "safeguard", "保障措施"),
        ("2.1", "1.", "safeguard", "加强组织领导"),
    ]
    assert by_key(plan)["1.2"]["lead_units"] == ["学术部"]
    assert targets(by_key(plan)["1.1"]) == [(500, 500, "名")]


def test_pdf_style_wraps_are_joined_and_page_markers_dropped():
    plan = parse("13_pdf_wraps.txt")
    assert outline(plan) == [
        ("1", "一、", "section", "主要任务"),
        ("1.1", "1.", "task", "实施全民科学素质提升行动"),
        ("1.2", "2.", "task", "加强科普信息化建设"),
        ("2", "二、", "safeguard", "保障措施"),
        ("2.1", "1.", "safeguard", "加强经费保障"),
    ]
    items = by_key(plan)
    assert targets(items["1.1"]) == [(20, 20, "个"), (1000, None, "名")]
    assert "科普教育基地" in items["1.1"]["text"]  # 科 / 普 joined across the wrap
    assert "—1—" not in items["1.1"]["text"] and "第 2 页" not in items["1.2"]["text"]


def test_table_rows_flattened_to_lines_become_items():
    plan = parse("14_table.txt")
    assert outline(plan) == [
        ("1", "一、", "section", "重点任务"),
        ("1.1", "1.", "task", "举办青年科学家论坛3场"),
        ("1.2", "2.", "task", "建设科普教育基地10个以上"),
        ("1.3", "3.", "task", "完善学会评价体系"),
        ("2", "二、", "safeguard", "保障措施"),
        ("2.1", "1.", "safeguard", "加强组织领导"),
    ]
    rows = by_key(plan)
    assert (rows["1.1"]["lead_units"], rows["1.1"]["co_units"], rows["1.1"]["due"]) == (["学会部"], ["科普部"], "2024-06-30")
    assert (rows["1.2"]["lead_units"], rows["1.2"]["co_units"], rows["1.2"]["due"]) == (["科普部"], [], "2024-12-31")
    assert rows["1.3"]["due"] == "2024-09-30"
    assert targets(rows["1.2"]) == [(10, None, "个")]


def test_web_page_chrome_in_html_yields_only_the_document():
    plan = parse("15_chrome.html")
    assert plan["title"] == "某市科协2023年工作要点"
    assert plan["issued_on"] is None  # a page's publication time is not the issue date
    assert [i["title"] for i in plan["items"]] == ["加强思想引领", "开展主题教育", "弘扬科学家精神",
                                                    "服务创新发展", "推进“科创中国”建设"]


def test_web_page_chrome_in_text_yields_only_the_document():
    plan = parse("16_chrome.txt")
    assert plan["title"] == "某区科协2023年工作要点"
    assert [i["key"] for i in plan["items"]] == ["1", "1.1", "1.2", "2", "2.1"]
    assert targets(by_key(plan)["1.1"]) == [(10, 10, "个")]


def test_covering_notice_gives_metadata_and_no_items():
    plan = parse("17_notice.txt")
    assert {k: plan[k] for k in ("title", "issuer", "doc_number", "issued_on", "period")} == {
        "title": "某省科协2023年学会工作要点",
        "issuer": "某省科学技术协会",
        "doc_number": "某科协发〔2023〕12号",
        "issued_on": "2023-03-15",
        "period": {"start": "2023-01-01", "end": "2023-12-31"},
    }
    assert outline(plan) == [
        ("1", "一、", "section", "加强学会党建"),
        ("1.1", "1.", "task", "推进学会党组织全覆盖"),
        ("2", "二、", "section", "提升学会服务能力"),
        ("2.1", "1.", "task", "开展学会能力提升行动"),
    ]
    assert "抄送" not in by_key(plan)["2.1"]["text"]


def test_encodings_all_read_the_same_plan():
    utf16 = parse("19_utf16_bom.txt")
    assert utf16["title"] == "某市科协2024年学术工作要点"
    for name in ("20_utf16le_nobom.txt", "24_utf8_sig.txt"):
        assert outline(parse(name)) == outline(utf16)
    gbk = parse("18_gbk.txt")
    assert gbk["title"] == "某县科协2023年工作计划"
    assert targets(by_key(gbk)["1.1"]) == [(20, 20, "场")]


def test_headings_glued_to_body_text():
    assert outline(parse("21_glued.txt")) == [
        ("1", "一、", "context", "指导思想"),  # 指导思想坚持以… ends with the heading phrase
        ("2", "二、", "section", "重点任务"),
        ("2.1", "1.", "task", "加强政治引领"),
        ("2.2", "2.", "task", "服务创新发展"),  # glued after 。 on the line above
        ("3", "三、", "safeguard", "保障措施"),
        ("3.1", "1.", "safeguard", "加强组织领导"),
    ]


def test_a_news_report_past_work_is_context_and_next_steps_are_tasks():
    plan = parse("22_news.txt")
    assert plan["period"] is None and plan["issued_on"] is None and plan["issuer"] is None
    assert outline(plan) == [
        ("1", "一是", "context", "政治引领不断加强"),
        ("2", "二是", "context", "服务能力持续提升"),
        ("3", "一是", "task", "深化科协改革"),
        ("4", "二是", "task", "做好科普工作"),
    ]
    assert all(not i["targets"] for i in plan["items"])  # past results are not targets
    assert by_key(plan)["3"]["due"] is None


def test_a_year_range_in_the_title_is_the_period():
    plan = parse("23_period.txt")
    assert plan["period"] == {"start": "2021-01-01", "end": "2023-12-31"}
    items = by_key(plan)
    assert items["1.1"]["due"] == "2023-12-31"
    assert targets(items["1.1"]) == [(100000, 100000, "名")]  # 达到10万名


def test_full_width_digits_and_brackets():
    plan = parse("25_fullwidth.txt")
    assert plan["title"] == "某市科协2023年工作要点"
    assert outline(plan) == [
        ("1", "一、", "section", "加强组织建设"),
        ("1.1", "(一)", "section", "推进基层组织建设"),
        ("1.1.1", "1.", "task", "建设社区科协"),
        ("1.1.1.1", "(1)", "task", "制定建设标准"),
        ("1.1.1.2", "(2)", "task", "开展示范创建"),
        ("1.1.2", "2、", "task", "加强企业科协建设"),
    ]
    assert targets(by_key(plan)["1.1.1"]) == [(15, 15, "个")]


def test_spans_are_offsets_in_the_original_text():
    path = DOCS / "25_fullwidth.txt"
    text = path.read_text(encoding="utf-8")
    item = by_key(parse_file(str(path)))["1.1.1"]
    start, end = item["span"]
    assert text[start:end] == "１．建设社区科协。新建社区科协１５个。"


def test_a_notice_that_is_itself_the_document():
    plan = parse("27_notice_itself.txt")
    assert plan["title"] == "某省科学技术协会关于开展2023年全国科普日活动的通知"
    assert (plan["issuer"], plan["issued_on"]) == ("某省科学技术协会", "2023-08-01")
    assert outline(plan) == [
        ("1", "一、", "context", "活动主题"),  # a fact of the activity: read, not owed
        ("2", "二、", "section", "重点活动"),
        ("2.1", "1.", "task", "举办科普日主场活动"),
        ("2.2", "2.", "task", "开展科普进社区活动"),
        ("3", "三、", "safeguard", "工作要求"),
    ]
    items = by_key(plan)
    # 责任单位：科普部（牵头）、学会部、办公室 — the marked unit leads.
    assert (items["2.1"]["lead_units"], items["2.1"]["co_units"]) == (["科普部"], ["学会部", "办公室"])
    assert items["2.2"]["due"] == "2023-09-30"
    assert targets(items["2.2"]) == [(100, None, "场")]
    assert "各地要高度重视" in items["3"]["text"] and "2023年8月1日" not in items["3"]["text"]


def test_parts_above_chinese_numerals_units_with_brackets_and_frequencies():
    plan = parse("28_parts.txt")
    assert plan["issuer"] == "某市科协"
    assert outline(plan) == [
        ("1", "第一部分", "context", "发展基础"),
        ("2", "第二部分", "section", "主要任务"),
        ("2.1", "一、", "section", "强化基层组织"),
        ("2.1.1", "(一)", "task", "完善县级科协组织"),
        ("2.1.2", "(二)", "task", "建立工作例会制度"),
        ("2.2", "二、", "section", "加强协同推进"),
        ("2.2.1", "1.", "task", "建立联席会议机制"),
    ]
    items = by_key(plan)
    assert items["2.1.1"]["co_units"] == ["各县(市、区)科协"]  # the bracket inside a name stays
    assert (items["2.2.1"]["lead_units"], items["2.2.1"]["co_units"]) == (["市科协办公室"], ["各县(市、区)科协"])
    assert targets(items["2.1.2"]) == [(30, 30, "个")]  # 每季度召开1次 is a frequency
    assert items["2.1.2"]["targets"][0]["due"] == "2025-12-31"


def test_numbered_pcn_items_across_sections_with_units_and_targets():
    plan = parse("29_party_notice.txt")
    assert {k: plan[k] for k in ("title", "issuer", "doc_number", "issued_on")} == {
        "title": "某省科协2024年工作要点", "issuer": "中共某省科协党组",
        "doc_number": "某科协党发〔2024〕3号", "issued_on": "2024-02-20",
    }
    assert [i["marker"] for i in plan["items"]] == [
        "一、", "(一)", "(二)", "二、", "(三)", "(四)", "三、", "(五)", "(六)", "四、", "(七)", "(八)"]
    items = by_key(plan)
    assert (items["1.1"]["lead_units"], items["1.1"]["co_units"]) == (["机关党委"], ["各部门"])
    assert items["1.2"]["lead_units"] == ["调宣部"]  # （调宣部负责）
    assert targets(items["1.1"]) == [(4, 4, "期")]
    assert targets(items["2.1"]) == [(15, 15, "家")]  # 15家左右
    assert targets(items["2.2"]) == [(30, 30, "家"), (5, 5, "个")]  # not “3+1”
    assert targets(items["3.1"]) == [(20, 20, "个"), (500, None, "家"), (100, 100, "项")]
    assert targets(items["4.2"]) == []  # 每月开展1次
    assert "75周年" not in str([i["targets"] for i in plan["items"]])


def test_goal_bullets_percentages_and_stage_deadlines():
    plan = parse("30_stages.txt")
    assert outline(plan)[:3] == [
        ("1", "一、", "goal", "工作目标"),
        ("1.1", "——", "goal", "科普基础设施更加完善"),
        ("1.2", "——", "goal", "科普队伍不断壮大"),
    ]
    items = by_key(plan)
    assert targets(items["1"]) == [(14, None, "%"), (1.5, 1.5, "个百分点")]
    assert targets(items["1.1"]) == [(2, 2, "个"), (90, 90, "%")]
    assert targets(items["1.2"]) == [(30000, 30000, "人")]
    assert items["2.2"]["kind"] == "task"  # a heading with a paragraph of its own
    assert (items["2.2"]["lead_units"], items["2.2"]["co_units"]) == (["市科协农技中心"], ["市农业农村局"])
    assert [items[k]["due"] for k in ("3.1", "3.2", "3.3")] == ["2023-03-31", "2023-10-31", "2023-12-31"]


def test_numbered_navigation_and_footer_links_around_an_html_document():
    plan = parse("31_numbered_nav.html")
    assert (plan["title"], plan["issuer"], plan["issued_on"]) == ("某协会2022年工作计划", "某协会", "2022-01-10")
    assert [(i["key"], i["title"]) for i in plan["items"]] == [
        ("1", "学术交流"), ("1.1", "举办学术年会"), ("1.2", "办好专业期刊"),
        ("2", "科普工作"), ("2.1", "开展科普进校园活动，全年不少于20场"),
    ]
    items = by_key(plan)
    assert targets(items["1.1"]) == [(300, None, "人")]  # 参会人数300人以上: a measure and its value
    assert targets(items["1.2"]) == [(6, 6, "期")]
    assert targets(items["2.1"]) == [(20, None, "场")]


def test_past_work_review_brackets_closing_only_and_exact_days():
    plan = parse("32_review_and_days.txt")
    assert outline(plan) == [
        ("1", "一、", "context", "2022年工作回顾"),
        ("2", "二、", "section", "2023年重点工作"),
        ("2.1", "1.", "section", "加强学会党建"),
        ("2.1.1", "1)", "task", "推进党组织覆盖"),
        ("2.1.2", "2)", "task", "开展党建强会活动"),
        ("2.2", "2.", "task", "提升服务能力"),
        ("3", "三、", "safeguard", "工作要求"),
        ("3.1", "(一)", "safeguard", "各学会要高度重视，认真抓好落实"),
        ("3.2", "(二)", "safeguard", "请各学会于12月10日前报送年度工作总结"),
    ]
    items = by_key(plan)
    assert targets(items["1"]) == []  # 新增省级学会5家 was last year's result
    assert targets(items["2.2"]) == [(20, 20, "项"), (3000, 3000, "名")]
    assert items["3.2"]["due"] == "2023-12-10"


def test_di_yi_markers_and_shared_duties():
    plan = parse("33_di_markers.txt")
    assert outline(plan) == [
        ("1", "一、", "section", "重点工作"),
        ("1.1", "第一，", "task", "加强组织建设"),
        ("1.2", "第二，", "task", "加强科普工作"),
    ]
    assert by_key(plan)["1.1"]["lead_units"] == ["组织部", "宣传部"]  # …按职责分工负责


def test_a_rate_names_what_is_measured_and_its_verb_is_the_one_before_the_value():
    from kexie.docparse import parse_text

    plan = parse_text("某县科协2027年工作要点\n一、夯实基层组织\n1.扩大组织覆盖。到年底，乡镇（街道）科协组织覆盖率达到90%，"
                      "村级科普活动站建成率不低于60%。\n")
    found = [(t["metric"], t["verb"], t["min"], t["max"], t["unit"]) for t in by_key(plan)["1.1"]["targets"]]
    assert found == [("乡镇(街道)科协组织覆盖率", "达到", 90, 90, "%"), ("村级科普活动站建成率", "不低于", 60, None, "%")]
