"""Ranking experts for a target (供需对接, 评审专家推荐), with the reasons for each rank.

Build an :class:`ExpertIndex` once over the library (a BM25 index of :mod:`kexie.textsim` over
the keywords, one over works' titles and profile, and code arrays), then ask it for each target:
``index.rank(target, k=10, filters=Filters(discipline="48"))``. Scores are a weighted mix
(:class:`Weights`) of

* text relevance: BM25 of the target's text against the expert's keywords and, separately,
  against works' titles and profile, each divided by the best score among the candidates, so
  each lies in [0, 1] (an expert with no works simply gets 0 for that part);
* discipline agreement (GB/T 13745): 1 for the same code, ½ for the same first level (first two
  digits), else 0; industry agreement (GB/T 4754) the same way on its first two characters;
* region: 1 for the same code or name, ½ for the same province (first two digits of a code);
* past service: a small bonus growing with reviews in the last three years (capped at three),
  and a small penalty for more than ``busy_reviews`` reviews in the last year.

Each :class:`Ranked` result carries structured :class:`Reason` items and ``sentence()`` gives
the Chinese line "关键词：储能、锂电池；学科：4801；近三年参与评审4次". ``rank_keywords`` is the
keyword-only baseline: the count of the expert's keywords found verbatim in the target's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from kexie.textsim.index import Index
from kexie.textsim.tokenize import fold, words

from .messages import LIST_SEPARATOR, REASON_SEPARATOR, REASONS
from .model import ACTIVE, Expert, Target

__all__ = ["ExpertIndex", "Filters", "Ranked", "Reason", "Weights", "sentence"]


@dataclass(frozen=True)
class Weights:
    """How much each part counts; the text parts dominate, the rest reorders near-ties."""

    keywords: float = 0.45
    works: float = 0.25
    discipline: float = 0.15
    industry: float = 0.05
    region: float = 0.04
    services: float = 0.03
    load: float = 0.05
    busy_reviews: int = 6


@dataclass(frozen=True)
class Filters:
    """Which experts may appear: a discipline code prefix ("48" or "4801"), an industry prefix,
    a region prefix (code prefix or exact name), a set of allowed ids (one library, one level,
    a panel's pool) and/or a predicate over :class:`~.model.Expert` (slower: called once per
    expert). Only experts with status ``active`` appear unless ``statuses`` says otherwise."""

    discipline: str = ""
    industry: str = ""
    region: str = ""
    ids: frozenset | None = None
    predicate: Callable[[Expert], bool] | None = None
    statuses: tuple[str, ...] = (ACTIVE,)
    exclude_ids: frozenset = frozenset()


@dataclass(frozen=True)
class Reason:
    """Why an expert ranks where it does: ``kind`` is a key of :data:`~.messages.REASONS`."""

    kind: str
    value: object

    def text(self) -> str:
        value = self.value
        if isinstance(value, (list, tuple)):
            value = LIST_SEPARATOR.join(str(v) for v in value)
        return REASONS[self.kind].format(value=value)


def sentence(reasons: Iterable[Reason]) -> str:
    """Reasons as one Chinese line, in the order given."""
    return REASON_SEPARATOR.join(r.text() for r in reasons)


@dataclass(frozen=True)
class Ranked:
    expert_id: Hashable
    score: float
    parts: dict = field(default_factory=dict, compare=False)
    reasons: tuple[Reason, ...] = ()

    def sentence(self) -> str:
        return sentence(self.reasons)


def _code_matrix(values: Sequence[Sequence[str]], width: int):
    """(n × distinct codes) 0/1 CSR matrices of each row's codes cut to full length and to
    ``width`` characters, with the two vocabularies."""
    full_vocab: dict[str, int] = {}
    near_vocab: dict[str, int] = {}
    fr, fc, nr, nc = [], [], [], []
    for row, codes in enumerate(values):
        for code in dict.fromkeys(c.strip() for c in codes if c and c.strip()):
            fr.append(row)
            fc.append(full_vocab.setdefault(code, len(full_vocab)))
            near = code[:width]
            nr.append(row)
            nc.append(near_vocab.setdefault(near, len(near_vocab)))
    n = len(values)

    def mat(r, c, vocab):
        m = sparse.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(n, max(len(vocab), 1)))
        m.data[:] = 1
        return m

    return mat(fr, fc, full_vocab), full_vocab, mat(nr, nc, near_vocab), near_vocab


def _vector(codes: Iterable[str], vocab: dict[str, int], transform=lambda c: c) -> np.ndarray:
    v = np.zeros(max(len(vocab), 1), np.float32)
    for c in codes:
        i = vocab.get(transform(c.strip()))
        if i is not None:
            v[i] = 1
    return v


def _region_near(region: str) -> str:
    r = region.strip()
    return r[:2] if r[:2].isdigit() else r


def _unit_scale(x: np.ndarray) -> np.ndarray:
    top = float(x.max()) if x.size else 0.0
    return x / top if top > 0 else x


class ExpertIndex:
    """The library prepared for ranking; build once, rank many targets.

    ``today`` fixes the window of past services (last three years, last year). Building over
    100,000 experts takes a minute (jieba cuts every text once); a query then costs a few sparse
    row sums over the library plus numpy arithmetic on arrays of its length.
    """

    def __init__(self, experts: Sequence[Expert], *, today: dt.date, weights: Weights = Weights(),
                 discipline_level: int = 2, industry_level: int = 2):
        self.experts = list(experts)
        # How many leading characters name a code's first level: 2 in a four-digit scheme such as
        # 4801, 3 in GB/T 13745 (520 计算机科学技术, 52020 人工智能); GB/T 4754 major groups are 2.
        self.widths = {"discipline": discipline_level, "industry": industry_level}
        self.weights = weights
        self.today = today
        self.ids = [e.id for e in self.experts]
        self.position = {eid: n for n, eid in enumerate(self.ids)}
        self.kw_index = Index([" ".join(e.keywords) for e in self.experts])
        self.works_index = Index([" ".join([w.title for w in e.works] + [e.profile]) for e in self.experts])
        self.disc, self.disc_vocab, self.disc2, self.disc2_vocab = _code_matrix(
            [e.disciplines for e in self.experts], discipline_level)
        self.ind, self.ind_vocab, self.ind2, self.ind2_vocab = _code_matrix(
            [e.industries for e in self.experts], industry_level)
        self.regions = np.array([e.region.strip() for e in self.experts], dtype=object)
        self.region_vocab: dict[str, int] = {}
        self.region_code = np.array([self.region_vocab.setdefault(r, len(self.region_vocab))
                                     for r in self.regions], dtype=np.int32)
        self.region2_vocab: dict[str, int] = {}
        self.region2_code = np.array([self.region2_vocab.setdefault(_region_near(r), len(self.region2_vocab))
                                      for r in self.regions], dtype=np.int32)
        self.status = np.array([e.status for e in self.experts], dtype=object)
        three_years = today.replace(year=today.year - 3) if not (today.month == 2 and today.day == 29) \
            else today - dt.timedelta(days=3 * 365)
        one_year = today - dt.timedelta(days=365)
        self.services = np.array([sum(1 for d in e.past_services if three_years <= d <= today)
                                  for e in self.experts], dtype=np.float32)
        self.recent = np.array([sum(1 for d in e.past_services if one_year <= d <= today)
                                for e in self.experts], dtype=np.float32)
        self._kw_folded = [[(k, fold(k)) for k in e.keywords] for e in self.experts]
        kw_vocab: dict[str, int] = {}
        rows, cols = [], []
        for n, kws in enumerate(self._kw_folded):
            for _k, f in dict.fromkeys(kws):
                if f:
                    rows.append(n)
                    cols.append(kw_vocab.setdefault(f, len(kw_vocab)))
        self.kw_vocab = kw_vocab
        self.kw_matrix = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                           shape=(len(self.experts), max(len(kw_vocab), 1)))

    def __len__(self) -> int:
        return len(self.experts)

    # -- filters ----------------------------------------------------------------------------

    def mask(self, filters: Filters | None) -> np.ndarray:
        """Boolean array: which experts pass ``filters``."""
        f = filters or Filters()
        ok = np.isin(self.status, list(f.statuses)) if f.statuses else np.ones(len(self), bool)
        if f.discipline:
            ok &= self._prefix(self.disc, self.disc_vocab, f.discipline)
        if f.industry:
            ok &= self._prefix(self.ind, self.ind_vocab, f.industry)
        if f.region:
            wanted = np.array([r.startswith(f.region) or r == f.region for r in self.region_vocab], bool)
            ok &= wanted[self.region_code] if wanted.size else False
        if f.ids is not None:
            ok &= np.array([eid in f.ids for eid in self.ids], bool)
        if f.exclude_ids:
            ok &= np.array([eid not in f.exclude_ids for eid in self.ids], bool)
        if f.predicate is not None:
            for n in np.flatnonzero(ok):
                ok[n] = bool(f.predicate(self.experts[n]))
        return ok

    @staticmethod
    def _prefix(matrix, vocab, prefix: str) -> np.ndarray:
        v = np.array([code.startswith(prefix) for code in vocab], np.float32)
        if not v.any():
            return np.zeros(matrix.shape[0], bool)
        return np.asarray(matrix @ v).ravel() > 0

    # -- scores -----------------------------------------------------------------------------

    def _codes(self, full, full_vocab, near, near_vocab, codes, width: int) -> np.ndarray:
        if not codes:
            return np.zeros(len(self), np.float32)
        exact = np.asarray(full @ _vector(codes, full_vocab)).ravel() > 0
        same_first = np.asarray(near @ _vector(codes, near_vocab, lambda c: c[:width])).ravel() > 0
        return np.where(exact, 1.0, np.where(same_first, 0.5, 0.0)).astype(np.float32)

    def parts(self, target: Target) -> dict[str, np.ndarray]:
        """Each part of the score for every expert, unweighted, text parts not yet scaled."""
        n = len(self)
        region = np.zeros(n, np.float32)
        if target.region.strip():
            r = target.region.strip()
            if r in self.region_vocab:
                region[self.region_code == self.region_vocab[r]] = 1.0
            near = self.region2_vocab.get(_region_near(r))
            if near is not None:
                region = np.maximum(region, np.where(self.region2_code == near, 0.5, 0.0).astype(np.float32))
        return {
            "keywords": self.kw_index.scores(target.text),
            "works": self.works_index.scores(target.text),
            "discipline": self._codes(self.disc, self.disc_vocab, self.disc2, self.disc2_vocab, target.disciplines,
                                      self.widths["discipline"]),
            "industry": self._codes(self.ind, self.ind_vocab, self.ind2, self.ind2_vocab, target.industries,
                                    self.widths["industry"]),
            "region": region,
            "services": np.minimum(self.services, 3) / 3,
            "load": (self.recent > self.weights.busy_reviews).astype(np.float32),
        }

    def scores(self, target: Target, *, filters: Filters | None = None) -> tuple[np.ndarray, dict, np.ndarray]:
        """(score of every expert, its parts, the filter mask); filtered-out experts score -inf.
        Text parts are scaled by their best value among the experts that pass the filters."""
        ok = self.mask(filters)
        p = self.parts(target)
        w = self.weights
        for key in ("keywords", "works"):
            p[key] = _unit_scale(np.where(ok, p[key], 0))
        total = (w.keywords * p["keywords"] + w.works * p["works"] + w.discipline * p["discipline"]
                 + w.industry * p["industry"] + w.region * p["region"] + w.services * p["services"]
                 - w.load * p["load"])
        return np.where(ok, total, -np.inf), p, ok

    def rank(self, target: Target, *, k: int = 10, filters: Filters | None = None,
             with_reasons: bool = True) -> list[Ranked]:
        """The ``k`` best experts for ``target``, best first (ties by library order). Experts
        with nothing in common with the target (score 0) are still ranked when fewer match: a
        panel needs ``k`` names even for an unusual demand."""
        total, p, _ok = self.scores(target, filters=filters)
        order = _top(total, k)
        out = []
        tokens = None
        for n in order:
            parts = {key: float(v[n]) for key, v in p.items()}
            reasons: tuple[Reason, ...] = ()
            if with_reasons:
                if tokens is None:
                    tokens = set(words(target.text))
                reasons = self.reasons(n, target, parts, tokens)
            out.append(Ranked(self.ids[n], round(float(total[n]), 6), parts, reasons))
        return out

    def reasons(self, n: int, target: Target, parts: dict, tokens: set[str]) -> tuple[Reason, ...]:
        """The structured reasons for expert at position ``n``."""
        e = self.experts[n]
        text = fold(target.text)
        out: list[Reason] = []
        hit = [k for k, f in self._kw_folded[n] if f and (f in text or tokens & set(words(k)))]
        if hit:
            out.append(Reason("keywords", hit[:5]))
        if parts["works"] > 0:
            titles = [w.title for w in e.works if tokens & set(words(w.title))]
            if titles:
                out.append(Reason("works", titles[:2]))
            elif e.profile:
                shared = [w for w in dict.fromkeys(words(e.profile)) if w in tokens]
                if shared:
                    out.append(Reason("profile", shared[:3]))
        for key, codes, mine in (("discipline", target.disciplines, e.disciplines),
                                 ("industry", target.industries, e.industries)):
            if parts[key] >= 1:
                out.append(Reason(key, [c for c in mine if c in codes][0]))
            elif parts[key] > 0:
                width = self.widths[key]
                out.append(Reason(key + "_near", [c for c in mine if any(c[:width] == t[:width] for t in codes)][0]))
        if parts["region"] >= 1:
            out.append(Reason("region", e.region))
        elif parts["region"] > 0:
            out.append(Reason("region_near", e.region))
        if self.services[n] > 0:
            out.append(Reason("services", int(self.services[n])))
        if parts["load"] > 0:
            out.append(Reason("load", int(self.recent[n])))
        return tuple(out)

    def rank_keywords(self, target: Target, *, k: int = 10, filters: Filters | None = None) -> list[Ranked]:
        """The keyword-only baseline: experts by how many of their keywords occur verbatim in the
        target's text (ties by library order), with the keywords found as the reason."""
        text = fold(target.text)
        found = np.array([kw in text for kw in self.kw_vocab], np.float32)
        counts = np.asarray(self.kw_matrix @ found).ravel() if found.size else np.zeros(len(self), np.float32)
        ok = self.mask(filters)
        total = np.where(ok, counts, -np.inf)
        out = []
        for n in _top(total, k):
            hit = [kw for kw, f in self._kw_folded[n] if f and f in text]
            out.append(Ranked(self.ids[n], float(total[n]), {"keywords": float(total[n])},
                              (Reason("keywords", hit),) if hit else ()))
        return out

    def relevance(self, targets: Sequence[Target], expert_ids: Sequence[Hashable] | None = None) -> np.ndarray:
        """(targets × experts) matrix of scores, for :func:`~.assign.assign`; ``expert_ids``
        picks and orders the columns (default: the whole library). No filters apply."""
        cols = np.arange(len(self)) if expert_ids is None else np.array([self.position[e] for e in expert_ids])
        out = np.zeros((len(targets), len(cols)), np.float64)
        for i, t in enumerate(targets):
            total, _p, _ok = self.scores(t, filters=Filters(statuses=()))
            out[i] = total[cols]
        return out


def _top(total: np.ndarray, k: int) -> list[int]:
    """Positions of the ``k`` highest finite scores, best first, ties by position."""
    finite = np.flatnonzero(np.isfinite(total))
    if k <= 0 or finite.size == 0:
        return []
    if finite.size > k:
        vals = total[finite]
        kth = np.partition(vals, finite.size - k)[finite.size - k]
        finite = finite[vals >= kth]
    order = np.lexsort((finite, -total[finite]))[:k]
    return [int(finite[i]) for i in order]
