"""The questionnaire package's messages (kexie.questionnaire.MESSAGES), listed for the catalogue:
the package is plain Python, so the survey app translates them with gettext when it checks a
questionnaire or a set of answers. A test keeps this list equal to the package's."""

from django.utils.translation import gettext_noop

MESSAGES = {
    'not_a_dict': gettext_noop('The questionnaire must be an object with a list of questions.'),
    'no_questions': gettext_noop('The questionnaire has no question.'),
    'too_many_questions': gettext_noop('The questionnaire has more than %(limit)s questions.'),
    'question_not_a_dict': gettext_noop('Question %(number)s is not an object.'),
    'bad_key': gettext_noop('Question %(number)s: the key must start with a letter and hold only letters, digits and underscores (at most 40).'),
    'duplicate_key': gettext_noop('Question %(number)s: the key “%(key)s” is used twice.'),
    'bad_kind': gettext_noop('Question “%(key)s”: the kind must be single, multiple, scale or text.'),
    'no_text': gettext_noop('Question “%(key)s” has no text.'),
    'no_options': gettext_noop('Question “%(key)s” has no options.'),
    'too_many_options': gettext_noop('Question “%(key)s” has more than %(limit)s options.'),
    'bad_option': gettext_noop('Question “%(key)s”: each option needs a value and a label.'),
    'duplicate_option': gettext_noop('Question “%(key)s”: the option value “%(value)s” is used twice.'),
    'unexpected_options': gettext_noop('Question “%(key)s”: only single and multiple choice questions have options.'),
    'bad_scale': gettext_noop('Question “%(key)s”: a scale needs whole numbers min and max with min below max.'),
    'bad_required': gettext_noop('Question “%(key)s”: required must be true or false.'),
    'bad_show_if': gettext_noop('Question “%(key)s”: show_if needs the key of a question and a list of its values.'),
    'show_if_unknown': gettext_noop('Question “%(key)s” is shown depending on “%(other)s”, which is not a question of the questionnaire.'),
    'show_if_later': gettext_noop('Question “%(key)s” is shown depending on “%(other)s”, which does not come before it.'),
    'show_if_not_choice': gettext_noop('Question “%(key)s” is shown depending on “%(other)s”, which is not a choice question.'),
    'show_if_bad_value': gettext_noop('Question “%(key)s” is shown depending on the value “%(value)s”, which is not an option of “%(other)s”.'),
    'answers_not_a_dict': gettext_noop('The answers must be an object keyed by question.'),
    'unknown_question': gettext_noop('There is no such question.'),
    'required': gettext_noop('Please answer this question.'),
    'hidden_answered': gettext_noop('This question is not shown for your other answers and must be left empty.'),
    'not_an_option': gettext_noop('Choose one of the options.'),
    'not_options': gettext_noop('Choose among the options.'),
    'duplicate_choice': gettext_noop('An option is chosen twice.'),
    'not_in_scale': gettext_noop('Choose a whole number from %(min)s to %(max)s.'),
    'text_too_long': gettext_noop('Keep the answer under %(limit)s characters.'),
    'not_text': gettext_noop('Enter the answer as text.'),
}
