"""Tokenisation of Chinese policy text: words, bigrams, stop words, width folding."""

import subprocess
import sys

from kexie.textsim.tokenize import STOP_WORDS, bigrams, fold, tokenize, words


def test_it_folds_full_width_letters_digits_and_punctuation():
    assert fold("ＡＩ与５Ｇ，２０３５年") == "ai与5g,2035年"


def test_it_cuts_words_and_drops_the_genres_empty_verbs():
    ws = words("进一步加强科普人才队伍建设工作")
    assert "科普" in ws
    assert "人才队伍" in ws or "人才" in ws
    for empty in ("进一步", "加强", "工作"):
        assert empty not in ws


def test_it_keeps_the_nouns_that_separate_tasks():
    for noun in ("科协", "学会", "科普", "智库", "期刊"):
        assert noun not in STOP_WORDS


def test_full_and_half_width_text_give_the_same_tokens():
    assert tokenize("推进５Ｇ科普") == tokenize("推进5G科普")
    assert "5g" in tokenize("推进５Ｇ科普")


def test_bigrams_cover_runs_of_chinese_and_skip_stop_word_bigrams():
    assert bigrams("一流期刊") == ["~一流", "~流期", "~期刊"]
    assert "~加强" not in bigrams("加强期刊")
    # Bigrams never cross punctuation or Latin text.
    assert "~刊a" not in bigrams("期刊ai科普") and "~刊科" not in bigrams("期刊,科普")


def test_empty_and_punctuation_only_text_has_no_tokens():
    assert tokenize("") == []
    assert tokenize("   ，。！") == []
    assert tokenize(None) == []


def test_tokenisation_is_deterministic():
    text = "实施科技期刊培育与提升行动，对标中国科协“一流期刊”建设"
    assert tokenize(text) == tokenize(text)


def test_jieba_loads_offline_and_quietly_in_a_fresh_process():
    # A new interpreter: jieba's dictionary comes from the package and nothing is printed.
    code = "from kexie.textsim import tokenize; print(len(tokenize('科普信息化')))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() != "0"
    assert r.stderr == ""
