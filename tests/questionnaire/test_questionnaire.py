"""The questionnaire package: definitions checked, skip logic, answers checked and cleaned. Plain
Python, no database."""

import copy

import pytest

from kexie.questionnaire import (
    MESSAGES, clean_answers, format_answer, validate_answers, validate_definition, visible_questions,
)


DEFN = {"questions": [
    {"key": "sector", "kind": "single", "text": "您所在单位类型", "required": True,
     "options": [{"value": "uni", "label": "高校"}, {"value": "ent", "label": "企业"}]},
    {"key": "rd", "kind": "single", "text": "您是否从事研发工作", "required": True,
     "options": [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}],
     "show_if": {"question": "sector", "in": ["ent"]}},
    {"key": "rd_hours", "kind": "scale", "text": "每周研发时间（小时）", "min": 0, "max": 80, "required": True,
     "show_if": {"question": "rd", "in": ["yes"]}},
    {"key": "needs", "kind": "multiple", "text": "您最希望科协提供的服务",
     "options": [{"value": "train", "label": "培训"}, {"value": "fund", "label": "经费"},
                 {"value": "talk", "label": "交流"}]},
    {"key": "say", "kind": "text", "text": "其他建议"},
]}


def _defn(**changes):
    defn = copy.deepcopy(DEFN)
    for index, change in changes.items():
        defn["questions"][int(index[1:])].update(change)
    return defn


def test_a_good_definition_has_no_error():
    assert validate_definition(DEFN) == []


@pytest.mark.parametrize("defn, code", [
    (None, "not_a_dict"), ({"questions": []}, "no_questions"), ({"questions": "x"}, "not_a_dict"),
])
def test_a_definition_without_questions(defn, code):
    assert validate_definition(defn) == [MESSAGES[code]]


def test_duplicate_keys():
    defn = _defn(q4={"key": "sector"})
    assert validate_definition(defn) == [MESSAGES["duplicate_key"] % {"number": 5, "key": "sector"}]


def test_bad_key_kind_and_text():
    errors = validate_definition(_defn(q4={"key": "9x"}))
    assert errors == [MESSAGES["bad_key"] % {"number": 5}]
    assert validate_definition(_defn(q4={"kind": "essay"})) == [MESSAGES["bad_kind"] % {"key": "say"}]
    assert validate_definition(_defn(q4={"text": " "})) == [MESSAGES["no_text"] % {"key": "say"}]
    assert validate_definition(_defn(q4={"required": "yes"})) == [MESSAGES["bad_required"] % {"key": "say"}]


def test_options():
    assert validate_definition(_defn(q3={"options": []})) == [MESSAGES["no_options"] % {"key": "needs"}]
    assert validate_definition(_defn(q3={"options": [{"value": "a"}]})) == [MESSAGES["bad_option"] % {"key": "needs"}]
    twice = [{"value": "a", "label": "甲"}, {"value": "a", "label": "乙"}]
    assert validate_definition(_defn(q3={"options": twice})) == [
        MESSAGES["duplicate_option"] % {"key": "needs", "value": "a"}]
    assert validate_definition(_defn(q4={"options": twice[:1]})) == [MESSAGES["unexpected_options"] % {"key": "say"}]


@pytest.mark.parametrize("low, high", [(5, 5), (5, 1), ("1", 5), (None, 5), (True, 5)])
def test_a_scale_needs_min_below_max(low, high):
    assert validate_definition(_defn(q2={"min": low, "max": high})) == [MESSAGES["bad_scale"] % {"key": "rd_hours"}]


def test_show_if_must_name_an_earlier_choice_question_and_its_values():
    later = _defn(q0={"show_if": {"question": "rd", "in": ["yes"]}})
    assert validate_definition(later) == [MESSAGES["show_if_later"] % {"key": "sector", "other": "rd"}]
    unknown = _defn(q1={"show_if": {"question": "nope", "in": ["ent"]}})
    assert validate_definition(unknown) == [MESSAGES["show_if_unknown"] % {"key": "rd", "other": "nope"}]
    itself = _defn(q1={"show_if": {"question": "rd", "in": ["yes"]}})
    assert validate_definition(itself) == [MESSAGES["show_if_later"] % {"key": "rd", "other": "rd"}]
    value = _defn(q1={"show_if": {"question": "sector", "in": ["gov"]}})
    assert validate_definition(value) == [
        MESSAGES["show_if_bad_value"] % {"key": "rd", "other": "sector", "value": "gov"}]
    on_text = _defn(q4={"show_if": {"question": "rd_hours", "in": ["1"]}})
    assert validate_definition(on_text) == [MESSAGES["show_if_not_choice"] % {"key": "say", "other": "rd_hours"}]
    empty = _defn(q1={"show_if": {"question": "sector", "in": []}})
    assert validate_definition(empty) == [MESSAGES["bad_show_if"] % {"key": "rd"}]


def test_messages_can_be_translated():
    errors = validate_definition({"questions": []}, translate=lambda s: "译：" + s)
    assert errors == ["译：" + MESSAGES["no_questions"]]


def _keys(answers):
    return [q["key"] for q in visible_questions(DEFN, answers)]


def test_skip_logic_shows_follow_up_questions_only_for_the_listed_answers():
    assert _keys({}) == ["sector", "needs", "say"]
    assert _keys({"sector": "uni"}) == ["sector", "needs", "say"]
    assert _keys({"sector": "ent"}) == ["sector", "rd", "needs", "say"]
    assert _keys({"sector": "ent", "rd": "yes"}) == ["sector", "rd", "rd_hours", "needs", "say"]
    # A hidden question's answer never opens a later one.
    assert _keys({"sector": "uni", "rd": "yes"}) == ["sector", "needs", "say"]


def test_skip_logic_on_a_multiple_choice_question():
    defn = _defn(q4={"show_if": {"question": "needs", "in": ["fund"]}})
    assert "say" not in [q["key"] for q in visible_questions(defn, {"needs": ["train"]})]
    assert "say" in [q["key"] for q in visible_questions(defn, {"needs": ["train", "fund"]})]


def test_required_shown_questions_must_be_answered():
    assert validate_answers(DEFN, {}) == {"sector": MESSAGES["required"]}
    assert validate_answers(DEFN, {"sector": "uni"}) == {}
    assert validate_answers(DEFN, {"sector": "ent"}) == {"rd": MESSAGES["required"]}
    assert validate_answers(DEFN, {"sector": "ent", "rd": "yes", "rd_hours": ""}) == {
        "rd_hours": MESSAGES["required"]}


def test_values_must_be_among_the_options_and_in_range():
    assert validate_answers(DEFN, {"sector": "gov"}) == {"sector": MESSAGES["not_an_option"]}
    assert validate_answers(DEFN, {"sector": "uni", "needs": ["train", "cash"]}) == {
        "needs": MESSAGES["not_options"]}
    assert validate_answers(DEFN, {"sector": "uni", "needs": ["train", "train"]}) == {
        "needs": MESSAGES["duplicate_choice"]}
    too_many = {"sector": "ent", "rd": "yes", "rd_hours": 81}
    assert validate_answers(DEFN, too_many) == {"rd_hours": MESSAGES["not_in_scale"] % {"min": 0, "max": 80}}
    assert validate_answers(DEFN, {**too_many, "rd_hours": "3.5"}) == {
        "rd_hours": MESSAGES["not_in_scale"] % {"min": 0, "max": 80}}
    assert validate_answers(DEFN, {**too_many, "rd_hours": "40"}) == {}
    assert validate_answers(DEFN, {"sector": "uni", "say": "x" * 2001}) == {
        "say": MESSAGES["text_too_long"] % {"limit": 2000}}
    assert validate_answers(DEFN, {"sector": "uni", "age": "30"}) == {"age": MESSAGES["unknown_question"]}
    assert validate_answers(DEFN, ["uni"]) == {"__all__": MESSAGES["answers_not_a_dict"]}


def test_hidden_questions_must_be_empty():
    assert validate_answers(DEFN, {"sector": "uni", "rd": "yes"}) == {"rd": MESSAGES["hidden_answered"]}
    assert validate_answers(DEFN, {"sector": "uni", "rd": "", "rd_hours": None}) == {}


def test_clean_answers_drops_hidden_questions_and_normalises():
    cleaned, errors = clean_answers(DEFN, {"sector": "uni", "rd": "yes", "rd_hours": "12",
                                           "needs": ["talk", "train"], "say": "  多办沙龙 "})
    assert errors == {}
    assert cleaned == {"sector": "uni", "needs": ["train", "talk"], "say": "多办沙龙"}
    cleaned, errors = clean_answers(DEFN, {"sector": "ent", "rd": "yes", "rd_hours": "12"})
    assert cleaned == {"sector": "ent", "rd": "yes", "rd_hours": 12} and errors == {}
    assert clean_answers(DEFN, {"sector": "ent"}) == ({}, {"rd": MESSAGES["required"]})


def test_format_answer():
    questions = {q["key"]: q for q in DEFN["questions"]}
    assert format_answer(questions["sector"], "ent") == "企业"
    assert format_answer(questions["needs"], ["train", "talk"]) == "培训；交流"
    assert format_answer(questions["rd_hours"], 12) == "12"
    assert format_answer(questions["say"], None) == ""


def test_the_package_does_not_import_the_framework():
    import sys
    import subprocess

    code = "import sys, kexie.questionnaire; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
