"""Chinese text takes full-width punctuation (，：；（）): in the catalogues' translations and where
a template puts a translated label next to a value ("欢迎，…", "审核导入：…", "下级组织（3）")."""

import re
from pathlib import Path

import polib
from django.urls import reverse

import kexie

ROOT = Path(kexie.__file__).parent
CATALOGUES = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))

# CJK ideographs, CJK punctuation (、。“” are not in it but 「」〔〕 are) and full-width forms.
CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
ASCII_NEXT_TO_CJK = re.compile(rf"{CJK} ?[,:;()]|[,:;()] ?{CJK}")
# Not Chinese text: placeholders, URLs and markup are read by machines.
NOT_TEXT = re.compile(r"%\([a-z_0-9]+\)[sdfr]|%[sd]|\{[a-z_0-9]*\}|https?://\S+|<[^>]*>")


def offending(text: str) -> list[str]:
    plain = NOT_TEXT.sub("x", text)
    return [plain[max(0, m.start() - 6):m.end() + 6] for m in ASCII_NEXT_TO_CJK.finditer(plain)]


def test_the_check_knows_ascii_punctuation_in_chinese_from_machine_text():
    assert offending("欢迎, %(name)s") and offending("审核导入: x") and offending("下级组织 (3)")
    assert not offending("欢迎，%(name)s") and not offending("请求头 Authorization: Token <令牌>。")
    assert not offending("%(org)s：%(reason)s") and not offending("见 https://example.cn/a,b。")


def test_no_chinese_translation_uses_ascii_punctuation_next_to_chinese():
    found = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text and offending(text):
                    found[f"{path.parts[-5]}: {entry.msgid[:40]}"] = text
    assert found == {}


TAG = r'\{%\s*translate\s+"[^"]*"[^%]*%\}|\{%\s*endblocktranslate\s*%\}'
OPEN = r'\{%\s*(?:translate|blocktranslate)\b'
GLUED = [
    re.compile(rf"(?:{TAG}) ?[,:;(]"),  # {% translate "Welcome" %}, {{ user }}
    re.compile(rf"[,:;(] ?(?:{OPEN})"),  # ({% translate "until" %} …
    re.compile(r"\(\{\{[^}]*\}\}\)"),  # ({{ org.short_name }}): the |brackets filter writes （…） in Chinese
]
MESSAGE = re.compile(r"\{%\s*blocktranslate.*?endblocktranslate\s*%\}")
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}")
ENTITY = re.compile(r"&#?\w+;")


def _template_problems() -> list[str]:
    problems = []
    for path in sorted(ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = MESSAGE.sub("x", ENTITY.sub(" ", line))  # &nbsp; is not a semicolon; a message's own text is
            where = f"{path.relative_to(ROOT)}:{number}"
            problems += [f"{where}: {m.group(0)}" for rx in GLUED for m in rx.finditer(line)]
            problems += [f"{where}: {text}" for text in offending(TEMPLATE_CODE.sub("", line))]
    return problems


def test_no_template_glues_ascii_punctuation_to_a_translated_label():
    """Punctuation around a translated label belongs inside the message, where the Chinese
    translation writes it full-width; literal Chinese in a template writes it full-width too."""
    assert _template_problems() == []


def test_the_home_page_greets_in_chinese_punctuation(world, signed_in):
    page = signed_in(world.national_clerk).get(reverse("home")).content.decode()

    assert "欢迎，国家改革办干事" in page


def test_the_organisation_pages_count_and_name_in_full_width_brackets(world, signed_in):
    client = signed_in(world.national_clerk)

    assert "下级组织（2）" in client.get(reverse("organizations:detail", args=[world.prov_a.pk])).content.decode()
    assert "（甲省科协）" in client.get(reverse("organizations:list")).content.decode()


def test_english_keeps_ascii_brackets(world, signed_in):
    client = signed_in(world.national_clerk)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("organizations:list")).content.decode()

    assert " (甲省科协)" in page and "（甲省科协）" not in page
