"""A BM25 index over short texts, held in scipy sparse matrices.

The weights live in one CSR matrix with a row per term and a column per document (the
postings of each term are contiguous), float32 values and int32 indices: about 8 bytes per
(term, document) pair, so a million short texts of ~30 features take a few hundred MB.
Scoring a query is a sum of a handful of posting rows; batch scoring is one sparse product.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy import sparse

from kexie.textsim.tokenize import tokenize

__all__ = ["Index"]


def _top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` best positive scores as (doc_id, score), best first; ties by lower doc_id so
    results never depend on the order argpartition happens to leave."""
    if k <= 0 or scores.size == 0:
        return []
    positive = np.flatnonzero(scores > 0)
    if positive.size == 0:
        return []
    if positive.size > k:
        vals = scores[positive]
        # Everything scoring at least the k-th best is a candidate (ties at the border kept).
        kth = np.partition(vals, positive.size - k)[positive.size - k]
        positive = positive[vals >= kth]
    order = np.lexsort((positive, -scores[positive]))[:k]
    return [(int(positive[i]), float(scores[positive[i]])) for i in order]


class Index:
    """BM25 (Okapi) index over a list of texts; document ids are positions in that list.

    ``k1`` and ``b`` are the usual BM25 parameters; ``tokenizer`` turns a text into features
    (default: jieba words + character bigrams, see :mod:`kexie.textsim.tokenize`).
    """

    def __init__(
        self,
        texts: Iterable[str],
        *,
        k1: float = 1.2,
        b: float = 0.75,
        tokenizer: Callable[[str], list[str]] = tokenize,
    ) -> None:
        self.k1 = k1
        self.b = b
        self.tokenizer = tokenizer
        self.vocab: dict[str, int] = {}
        # Compact accumulators: a Python list of 30 million ints would cost ~1 GB alone.
        term_ids = array("i")
        counts = array("f")
        indptr = array("q", [0])
        vocab = self.vocab
        for text in texts:
            tf = Counter(tokenizer(text))
            for tok, c in tf.items():
                tid = vocab.get(tok)
                if tid is None:
                    tid = vocab[tok] = len(vocab)
                term_ids.append(tid)
                counts.append(c)
            indptr.append(len(term_ids))
        n_docs = len(indptr) - 1
        n_terms = len(vocab)
        self.n_docs = n_docs
        cols = np.frombuffer(term_ids, dtype=np.int32)
        tf = np.frombuffer(counts, dtype=np.float32)
        ptr = np.frombuffer(indptr, dtype=np.int64)
        rows = np.repeat(np.arange(n_docs, dtype=np.int32), np.diff(ptr))
        doc_len = np.bincount(rows, weights=tf, minlength=n_docs).astype(np.float32)
        self.doc_len = doc_len
        avgdl = float(doc_len.mean()) if n_docs and doc_len.sum() else 1.0
        self.avgdl = avgdl
        df = np.bincount(cols, minlength=n_terms).astype(np.float32)
        self.df = df
        # BM25+ style idf floor: the Lucene form log(1 + (N - df + 0.5) / (df + 0.5)) is never
        # negative, so a term in most documents adds a little instead of subtracting.
        self.idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = self.k1 * (1 - self.b + self.b * doc_len / avgdl)
        weights = (self.idf[cols] * tf * (self.k1 + 1) / (tf + norm[rows])).astype(np.float32)
        del norm, tf
        # Postings: one row per term, one column per document.
        post = sparse.csr_matrix(
            (weights, (cols, rows)),
            shape=(n_terms, n_docs),
            dtype=np.float32,
        )
        post.sum_duplicates()
        post.indices = post.indices.astype(np.int32, copy=False)
        post.indptr = post.indptr.astype(np.int64 if post.nnz >= 2**31 else np.int32, copy=False)
        self.postings = post

    # -- queries ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.n_docs

    @property
    def nbytes(self) -> int:
        """Bytes held by the weight matrix and per-document arrays (not the vocabulary dict)."""
        p = self.postings
        return p.data.nbytes + p.indices.nbytes + p.indptr.nbytes + self.doc_len.nbytes + self.idf.nbytes + self.df.nbytes

    def query_matrix(self, queries: Sequence[str]) -> sparse.csr_matrix:
        """Queries as a (len(queries) × n_terms) CSR matrix of term counts; unknown terms are
        dropped because they cannot match any document."""
        data, cols, ptr = array("f"), array("i"), array("q", [0])
        for q in queries:
            tf = Counter(t for t in self.tokenizer(q) if t in self.vocab)
            for tok, c in tf.items():
                cols.append(self.vocab[tok])
                data.append(c)
            ptr.append(len(cols))
        return sparse.csr_matrix(
            (np.frombuffer(data, np.float32), np.frombuffer(cols, np.int32), np.frombuffer(ptr, np.int64)),
            shape=(len(queries), len(self.vocab)),
            dtype=np.float32,
        )

    def similarity(self, queries_matrix: sparse.spmatrix) -> sparse.csr_matrix:
        """BM25 scores of every query row against every document: (n_queries × n_docs), sparse
        (documents sharing no term with a query stay implicit zeros)."""
        return sparse.csr_matrix(queries_matrix, dtype=np.float32) @ self.postings

    def scores(self, query: str) -> np.ndarray:
        """Dense BM25 scores of one query against all documents."""
        q = self.query_matrix([query])
        out = np.zeros(self.n_docs, dtype=np.float32)
        if q.nnz == 0:
            return out
        rows = self.postings[q.indices]
        # Each posting's weight times how often its term occurs in the query, summed per doc.
        w = rows.data * np.repeat(q.data, np.diff(rows.indptr))
        out += np.bincount(rows.indices, weights=w, minlength=self.n_docs).astype(np.float32)
        return out

    def search(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        """The ``k`` best documents for ``query`` as (doc_id, score), best first; documents
        sharing nothing with the query are never returned."""
        return _top_k(self.scores(query), k)

    def search_many(self, queries: Sequence[str], k: int = 10) -> list[list[tuple[int, float]]]:
        """:meth:`search` for each query, scored in one batch."""
        if not queries:
            return []
        sims = self.similarity(self.query_matrix(queries))
        out = []
        for i in range(sims.shape[0]):
            row = np.zeros(self.n_docs, dtype=np.float32)
            lo, hi = sims.indptr[i], sims.indptr[i + 1]
            row[sims.indices[lo:hi]] = sims.data[lo:hi]
            out.append(_top_k(row, k))
        return out

    def tfidf(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Texts as L2-normalised TF-IDF rows over this index's vocabulary and idf (sublinear
        tf). The dot product of two rows is their cosine similarity, a score in [0, 1]."""
        q = self.query_matrix(texts)
        q.data = (1 + np.log(q.data)) * self.idf[q.indices]
        norms = np.sqrt(np.asarray(q.multiply(q).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sparse.csr_matrix(sparse.diags(1 / norms).astype(np.float32) @ q, dtype=np.float32)
