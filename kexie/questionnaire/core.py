"""Checking a questionnaire definition, working out which questions are shown for given answers
(skip logic), and checking and cleaning a set of answers."""

import re
from collections.abc import Callable, Mapping

KINDS = ("single", "multiple", "scale", "text")
CHOICE_KINDS = ("single", "multiple")
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
TEXT_LIMIT = 2000
QUESTION_LIMIT = 200
OPTION_LIMIT = 100
SCALE_LIMIT = 1000

# Every message the package can give, as English format strings (the key is its code).
MESSAGES = {
    "not_a_dict": "The questionnaire must be an object with a list of questions.",
    "no_questions": "The questionnaire has no question.",
    "too_many_questions": "The questionnaire has more than %(limit)s questions.",
    "question_not_a_dict": "Question %(number)s is not an object.",
    "bad_key": "Question %(number)s: the key must start with a letter and hold only letters, digits and "
               "underscores (at most 40).",
    "duplicate_key": "Question %(number)s: the key “%(key)s” is used twice.",
    "bad_kind": "Question “%(key)s”: the kind must be single, multiple, scale or text.",
    "no_text": "Question “%(key)s” has no text.",
    "no_options": "Question “%(key)s” has no options.",
    "too_many_options": "Question “%(key)s” has more than %(limit)s options.",
    "bad_option": "Question “%(key)s”: each option needs a value and a label.",
    "duplicate_option": "Question “%(key)s”: the option value “%(value)s” is used twice.",
    "unexpected_options": "Question “%(key)s”: only single and multiple choice questions have options.",
    "bad_scale": "Question “%(key)s”: a scale needs whole numbers min and max with min below max.",
    "bad_required": "Question “%(key)s”: required must be true or false.",
    "bad_show_if": "Question “%(key)s”: show_if needs the key of a question and a list of its values.",
    "show_if_unknown": "Question “%(key)s” is shown depending on “%(other)s”, which is not a question of "
                       "the questionnaire.",
    "show_if_later": "Question “%(key)s” is shown depending on “%(other)s”, which does not come before it.",
    "show_if_not_choice": "Question “%(key)s” is shown depending on “%(other)s”, which is not a choice "
                          "question.",
    "show_if_bad_value": "Question “%(key)s” is shown depending on the value “%(value)s”, which is not an "
                         "option of “%(other)s”.",
    # Answers.
    "answers_not_a_dict": "The answers must be an object keyed by question.",
    "unknown_question": "There is no such question.",
    "required": "Please answer this question.",
    "hidden_answered": "This question is not shown for your other answers and must be left empty.",
    "not_an_option": "Choose one of the options.",
    "not_options": "Choose among the options.",
    "duplicate_choice": "An option is chosen twice.",
    "not_in_scale": "Choose a whole number from %(min)s to %(max)s.",
    "text_too_long": "Keep the answer under %(limit)s characters.",
    "not_text": "Enter the answer as text.",
}


def _message(translate: Callable[[str], str] | None, code: str, **params) -> str:
    template = MESSAGES[code]
    if translate is not None:
        template = translate(template)
    return template % params if params else template


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_empty(value) -> bool:
    """Whether an answer counts as not given: None, blank text or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def question_map(defn: Mapping) -> dict:
    """The questions of a (valid) definition keyed by their key, in order."""
    return {q["key"]: q for q in defn.get("questions", ())}


# --- the definition ------------------------------------------------------------------------------

def _check_options(question: dict, key: str, translate) -> list[str]:
    options = question.get("options")
    if not isinstance(options, list) or not options:
        return [_message(translate, "no_options", key=key)]
    if len(options) > OPTION_LIMIT:
        return [_message(translate, "too_many_options", key=key, limit=OPTION_LIMIT)]
    errors, seen = [], set()
    for option in options:
        if not isinstance(option, Mapping) or not isinstance(option.get("value"), str) \
                or not option["value"].strip() or not isinstance(option.get("label"), str) \
                or not option["label"].strip():
            errors.append(_message(translate, "bad_option", key=key))
            continue
        if option["value"] in seen:
            errors.append(_message(translate, "duplicate_option", key=key, value=option["value"]))
        seen.add(option["value"])
    return errors


def _check_show_if(question: dict, key: str, earlier: dict, known: set, translate) -> list[str]:
    rule = question["show_if"]
    if not isinstance(rule, Mapping) or not isinstance(rule.get("question"), str) \
            or not isinstance(rule.get("in"), list) or not rule["in"]:
        return [_message(translate, "bad_show_if", key=key)]
    other = rule["question"]
    if other not in earlier:
        code = "show_if_later" if other in known else "show_if_unknown"
        return [_message(translate, code, key=key, other=other)]
    gate = earlier[other]
    if gate.get("kind") not in CHOICE_KINDS:
        return [_message(translate, "show_if_not_choice", key=key, other=other)]
    values = {o.get("value") for o in gate.get("options") or () if isinstance(o, Mapping)}
    return [_message(translate, "show_if_bad_value", key=key, other=other, value=value)
            for value in rule["in"] if value not in values]


def validate_definition(defn, translate: Callable[[str], str] | None = None) -> list[str]:
    """The problems of a questionnaire definition, as messages; an empty list when it is valid:
    keys well formed and unique, a known kind, a text, options (non-empty, unique values) for the
    choice kinds only, min below max for a scale, and each ``show_if`` naming an earlier choice
    question and values among its options."""
    if not isinstance(defn, Mapping) or not isinstance(defn.get("questions"), list):
        return [_message(translate, "not_a_dict")]
    questions = defn["questions"]
    if not questions:
        return [_message(translate, "no_questions")]
    if len(questions) > QUESTION_LIMIT:
        return [_message(translate, "too_many_questions", limit=QUESTION_LIMIT)]
    known = {q.get("key") for q in questions if isinstance(q, Mapping) and isinstance(q.get("key"), str)}
    errors: list[str] = []
    earlier: dict = {}
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, Mapping):
            errors.append(_message(translate, "question_not_a_dict", number=number))
            continue
        key = question.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            errors.append(_message(translate, "bad_key", number=number))
            continue
        if key in earlier:
            errors.append(_message(translate, "duplicate_key", number=number, key=key))
            continue
        kind = question.get("kind")
        if kind not in KINDS:
            errors.append(_message(translate, "bad_kind", key=key))
        if not isinstance(question.get("text"), str) or not question["text"].strip():
            errors.append(_message(translate, "no_text", key=key))
        if "required" in question and not isinstance(question["required"], bool):
            errors.append(_message(translate, "bad_required", key=key))
        if kind in CHOICE_KINDS:
            errors += _check_options(question, key, translate)
        elif question.get("options"):
            errors.append(_message(translate, "unexpected_options", key=key))
        if kind == "scale":
            low, high = question.get("min"), question.get("max")
            if not (_is_int(low) and _is_int(high) and low < high and high - low <= SCALE_LIMIT):
                errors.append(_message(translate, "bad_scale", key=key))
        if question.get("show_if") is not None:
            errors += _check_show_if(question, key, earlier, known, translate)
        earlier[key] = question
    return errors


# --- skip logic ----------------------------------------------------------------------------------

def _chosen(value) -> set:
    if isinstance(value, (list, tuple)):
        return {str(v) for v in value}
    if is_empty(value):
        return set()
    return {str(value)}


def visible_questions(defn: Mapping, answers: Mapping | None) -> list[dict]:
    """The questions shown for ``answers``, in order: those without ``show_if``, and those whose
    gating question is itself shown and answered with one of the listed values. A hidden question's
    own answer never shows a later one."""
    answers = answers if isinstance(answers, Mapping) else {}
    shown: list[dict] = []
    shown_keys: set = set()
    for question in defn.get("questions", ()):
        rule = question.get("show_if")
        if rule:
            gate = rule.get("question")
            if gate not in shown_keys or not (_chosen(answers.get(gate)) & {str(v) for v in rule.get("in", ())}):
                continue
        shown.append(question)
        shown_keys.add(question["key"])
    return shown


# --- answers -------------------------------------------------------------------------------------

def _clean_one(question: dict, value, translate):
    """``(cleaned value, error message or None)`` for a non-empty answer to ``question``."""
    kind = question["kind"]
    values = [o["value"] for o in question.get("options") or ()]
    if kind == "single":
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        value = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if value not in values:
            return None, _message(translate, "not_an_option")
        return value, None
    if kind == "multiple":
        items = value if isinstance(value, (list, tuple)) else [value]
        items = [str(v) if isinstance(v, (str, int)) and not isinstance(v, bool) else None for v in items]
        if any(v not in values for v in items):
            return None, _message(translate, "not_options")
        if len(set(items)) != len(items):
            return None, _message(translate, "duplicate_choice")
        return sorted(items, key=values.index), None
    if kind == "scale":
        low, high = question["min"], question["max"]
        number = None
        if _is_int(value):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,6}\s*", value):
            number = int(value)
        if number is None or not low <= number <= high:
            return None, _message(translate, "not_in_scale", min=low, max=high)
        return number, None
    if not isinstance(value, str):
        return None, _message(translate, "not_text")
    value = value.strip()
    if len(value) > TEXT_LIMIT:
        return None, _message(translate, "text_too_long", limit=TEXT_LIMIT)
    return value, None


def _check(defn: Mapping, answers, translate, *, strict_hidden: bool) -> tuple[dict, dict]:
    if not isinstance(answers, Mapping):
        return {}, {"__all__": _message(translate, "answers_not_a_dict")}
    questions = question_map(defn)
    errors: dict = {}
    for key in answers:
        if key not in questions:
            errors[key] = _message(translate, "unknown_question")
    shown = visible_questions(defn, answers)
    shown_keys = {q["key"] for q in shown}
    if strict_hidden:
        for key, value in answers.items():
            if key in questions and key not in shown_keys and not is_empty(value):
                errors[key] = _message(translate, "hidden_answered")
    cleaned: dict = {}
    for question in shown:
        key, value = question["key"], answers.get(question["key"])
        if is_empty(value):
            if question.get("required"):
                errors[key] = _message(translate, "required")
            continue
        value, error = _clean_one(question, value, translate)
        if error:
            errors[key] = error
        else:
            cleaned[key] = value
    return cleaned, errors


def validate_answers(defn: Mapping, answers, translate: Callable[[str], str] | None = None) -> dict:
    """The problems of ``answers`` for a (valid) definition, one message per question key
    (``{}`` when they are valid): every required shown question answered, choices among the
    options, scale values within range, text within the limit, no answer to an unknown question,
    and none to a question hidden by the skip logic."""
    return _check(defn, answers, translate, strict_hidden=True)[1]


def clean_answers(defn: Mapping, answers, translate: Callable[[str], str] | None = None) -> tuple[dict, dict]:
    """``(cleaned answers, errors)``: the answers as they are stored — shown questions only
    (whatever was entered for a question the skip logic hides is dropped), choices as option
    values in the questionnaire's order, scales as whole numbers, text stripped, unanswered
    questions left out — and the problems as in :func:`validate_answers` except that answers to
    hidden questions are dropped rather than refused (a respondent who changes an earlier answer
    on the page may leave a value behind in a question that is then hidden)."""
    cleaned, errors = _check(defn, answers, translate, strict_hidden=False)
    return (cleaned, errors) if not errors else ({}, errors)


def format_answer(question: Mapping, value, separator: str = "；") -> str:
    """A stored answer as text for a report: option labels for choices, the number for a scale."""
    if is_empty(value):
        return ""
    labels = {o["value"]: o["label"] for o in question.get("options") or ()}
    if question.get("kind") == "multiple" and isinstance(value, (list, tuple)):
        return separator.join(labels.get(str(v), str(v)) for v in value)
    if question.get("kind") == "single":
        return labels.get(str(value), str(value))
    return str(value)
