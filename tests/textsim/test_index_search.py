"""The BM25 index: ranking, scores, batch search, empty inputs, memory layout."""

import numpy as np
import pytest

from kexie.textsim import Index

DOCS = [
    "实施科技期刊培育与提升行动，打造世界一流科技期刊",
    "深入实施全民科学素质行动计划，发布公民科学素质白皮书",
    "服务乡村振兴战略，组织专家开展技术培训和产业调研",
    "完善科协智库体系，建设高端科技创新智库",
    "加强高校、企业科协组织建设，推进高校科协全覆盖",
    "弘扬科学家精神，加强科研诚信和学风建设",
]


@pytest.fixture(scope="module")
def index():
    return Index(DOCS)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("一流期刊建设", 0),
        ("公民科学素质", 1),
        ("专家助力乡村振兴", 2),
        ("智库建设", 3),
        ("高校科协", 4),
        ("科学家精神和学风", 5),
    ],
)
def test_search_ranks_the_obvious_match_first(index, query, expected):
    assert index.search(query, k=3)[0][0] == expected


def test_scores_are_positive_finite_and_sorted(index):
    hits = index.search("科技 科协 建设", k=10)
    scores = [s for _, s in hits]
    assert hits and all(np.isfinite(s) and s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert len({d for d, _ in hits}) == len(hits)


def test_k_limits_the_results_and_unrelated_queries_find_nothing(index):
    assert len(index.search("建设", k=2)) <= 2
    assert index.search("量子引力", k=5) == []
    assert index.search("", k=5) == []
    assert index.search("期刊", k=0) == []


def test_search_many_agrees_with_search(index):
    queries = ["一流期刊", "乡村振兴", "", "智库"]
    many = index.search_many(queries, k=3)
    assert [[d for d, _ in r] for r in many] == [[d for d, _ in index.search(q, k=3)] for q in queries]
    for r, q in zip(many, queries):
        for (d1, s1), (d2, s2) in zip(r, index.search(q, k=3)):
            assert d1 == d2 and s1 == pytest.approx(s2, rel=1e-5)
    assert index.search_many([], k=3) == []


def test_similarity_gives_a_query_by_document_matrix(index):
    sims = index.similarity(index.query_matrix(["一流期刊", "智库"]))
    assert sims.shape == (2, len(DOCS))
    dense = sims.toarray()
    assert dense[0].argmax() == 0 and dense[1].argmax() == 3


def test_ties_are_broken_by_document_order():
    ix = Index(["科普期刊", "科普期刊", "科普期刊"])
    assert [d for d, _ in ix.search("期刊", k=3)] == [0, 1, 2]


def test_an_empty_index_and_empty_documents_are_harmless():
    assert Index([]).search("期刊") == []
    ix = Index(["", "科技期刊", ""])
    assert [d for d, _ in ix.search("期刊")] == [1]


def test_the_index_is_memory_lean(index):
    p = index.postings
    assert p.data.dtype == np.float32
    assert p.indices.dtype == np.int32


def test_the_same_texts_give_the_same_index_and_results():
    a, b = Index(DOCS), Index(DOCS)
    assert a.vocab == b.vocab
    assert a.search("科学素质 乡村振兴", k=6) == b.search("科学素质 乡村振兴", k=6)


def test_tfidf_rows_are_unit_vectors_so_cosines_stay_in_range(index):
    m = index.tfidf(DOCS + ["", "量子引力"])
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    assert np.allclose(norms[: len(DOCS)], 1.0, atol=1e-5)
    assert norms[-2] == 0 and norms[-1] == 0
    cos = (m @ m.T).toarray()
    assert cos.min() >= 0 and cos.max() <= 1 + 1e-5
