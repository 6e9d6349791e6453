"""Questionnaires as data: a questionnaire is a JSON-able dict ::

    {"questions": [
        {"key": "field", "kind": "single", "text": "…", "required": True,
         "options": [{"value": "1", "label": "…"}, …]},
        {"key": "hours", "kind": "scale", "text": "…", "min": 1, "max": 5},
        {"key": "why", "kind": "text", "text": "…",
         "show_if": {"question": "field", "in": ["1", "2"]}},
    ]}

``kind`` is one of ``single`` (one option), ``multiple`` (several options), ``scale`` (a whole
number between ``min`` and ``max``) and ``text``. A question with ``show_if`` is shown only when
the earlier question it names is shown and answered with one of the listed values (skip logic).

The package is plain Python (no framework): the survey app, its forms, its API and its tests all
decide what a valid questionnaire and a valid set of answers is through these functions. Messages
are English format strings; pass ``translate`` (e.g. a gettext function) to have them in the
reader's language.
"""

from .core import (
    KINDS, MESSAGES, TEXT_LIMIT, clean_answers, format_answer, is_empty, question_map, validate_answers,
    validate_definition, visible_questions,
)

__all__ = ["KINDS", "MESSAGES", "TEXT_LIMIT", "clean_answers", "format_answer", "is_empty", "question_map",
           "validate_answers", "validate_definition", "visible_questions"]
