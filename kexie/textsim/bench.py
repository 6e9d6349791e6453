"""Measure the similarity index and plan alignment on synthetic Chinese texts.

    python -m kexie.textsim.bench --n 1000000 [--sample 50000] [--queries 200]

Generates short policy-like texts deterministically (a fixed seed), builds the index and
reports build time, memory and search latency; then builds the same index and a rank-bm25
``BM25Okapi`` over the first ``--sample`` texts (rank-bm25 scores every document in Python,
so it is only timed on a sample) with the same tokens, and reports both latencies and their
ratio; finally it times ``align`` of a 300-item plan against a 2,000-item plan.
A measurement tool, not a test: the numbers go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time

import numpy as np

from kexie.textsim.align import align
from kexie.textsim.index import Index
from kexie.textsim.tokenize import tokenize

# Words of the genre, so that jieba meets real vocabulary; the rest of the vocabulary is made
# of pairs and triples of common characters, drawn with a Zipf-like skew as real text is.
GENRE = """科协 学会 科普 智库 期刊 院士 专家 人才 青年 科技工作者 基层 高校 企业 园区 乡村振兴 双创
科创中国 学术交流 学术会议 科学素质 科技馆 信息化 数字化 平台 机制 体系 组织 改革 创新 服务 决策
咨询 评价 标准 成果 转化 产业 技术 攻关 培训 示范 试点 品牌 论坛 国际 合作 交流 志愿 服务站 农技
医疗 教育 青少年 科学家精神 学风 诚信 党建 意识形态 宣传 媒体 网络 数据库 开源 共享 联合体 区域
协同 县级 市州 省级 全国 中长期 规划 纲要 方案 要点 任务 目标 指标 考核 督查 评估 项目 资金 政策""".split()
CHARS = "科技学会普及创新服务组织体系人才工作建设发展推动提升研究管理平台产业经济社会文化教育卫生农业工业信息网络数据安全绿色能源材料生物医药海洋航天交通城市乡村区域国家地方基层专业团队合作交流评价标准质量效益机制制度规划项目资金政策"


def synthetic_texts(n: int, seed: int = 20260501, n_words: int = 30000) -> list[str]:
    """``n`` short texts (4–10 words, ~20–35 characters), the same for the same arguments."""
    rng = np.random.default_rng(seed)
    chars = np.array(list(CHARS))
    lengths = rng.integers(2, 4, size=n_words - len(GENRE))
    made = ["".join(rng.choice(chars, size=int(k))) for k in lengths]
    vocab = np.array(GENRE + made)
    ranks = np.arange(1, len(vocab) + 1)
    p = 1.0 / ranks**1.05
    p /= p.sum()
    # Shuffle which word gets which rank, but keep the genre words common.
    counts = rng.integers(4, 11, size=n)
    flat = rng.choice(len(vocab), size=int(counts.sum()), p=p)
    out, pos = [], 0
    for c in counts:
        out.append("".join(vocab[flat[pos : pos + c]]))
        pos += c
    return out


def _rss_mb() -> float:
    """Current resident memory (Linux /proc), in MB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q))


def _time_search(fn, queries) -> list[float]:
    out = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        out.append(time.perf_counter() - t)
    return out


def bench_index(n: int, n_queries: int, sample: int) -> dict:
    r: dict = {}
    texts = synthetic_texts(n)
    queries = synthetic_texts(n_queries, seed=7)
    tokenize("预热")  # load jieba's dictionary outside the timed build
    gc.collect()
    rss0 = _rss_mb()
    t = time.perf_counter()
    index = Index(texts)
    r["build_s"] = time.perf_counter() - t
    r["rss_growth_mb"] = _rss_mb() - rss0
    r["peak_rss_mb"] = _peak_mb()
    r["matrix_mb"] = index.nbytes / 2**20
    r["nnz"] = index.postings.nnz
    r["terms"] = len(index.vocab)
    index.search(queries[0])
    lat = _time_search(lambda q: index.search(q, k=10), queries)
    r["p50_ms"], r["p95_ms"] = _pct(lat, 50), _pct(lat, 95)
    t = time.perf_counter()
    index.search_many(queries, k=10)
    r["batch_ms_per_query"] = (time.perf_counter() - t) * 1000 / len(queries)
    del index
    gc.collect()

    # Same-sample comparison with rank-bm25, on identical tokens.
    from rank_bm25 import BM25Okapi

    sample_texts = texts[:sample]
    del texts
    gc.collect()
    small = Index(sample_texts)
    tokenised = [tokenize(x) for x in sample_texts]
    bm = BM25Okapi(tokenised)
    few = queries[: max(10, n_queries // 10)]
    ours = _time_search(lambda q: small.search(q, k=10), few)
    theirs = _time_search(lambda q: bm.get_top_n(tokenize(q), list(range(len(tokenised))), n=10), few)
    r["sample"] = len(sample_texts)
    r["sample_queries"] = len(few)
    r["ours_sample_p50_ms"], r["ours_sample_p95_ms"] = _pct(ours, 50), _pct(ours, 95)
    r["bm25_sample_p50_ms"], r["bm25_sample_p95_ms"] = _pct(theirs, 50), _pct(theirs, 95)
    overlap = []
    for q in few:
        a = {d for d, _ in small.search(q, k=10)}
        b = set(bm.get_top_n(tokenize(q), list(range(len(tokenised))), n=10))
        overlap.append(len(a & b) / 10)
    r["top10_overlap"] = float(np.mean(overlap))
    return r


def synthetic_plan(n_items: int, seed: int) -> list[dict]:
    """A plan of ``n_items`` items: sections of ten tasks, each a title and a sentence."""
    texts = synthetic_texts(n_items * 2, seed=seed)
    items = []
    for i in range(n_items):
        section, task = divmod(i, 10)
        if task == 0:
            items.append({"key": f"{section + 1}", "kind": "section", "title": texts[2 * i], "text": ""})
        else:
            items.append(
                {"key": f"{section + 1}.{task}", "kind": "task", "title": texts[2 * i], "text": texts[2 * i + 1]}
            )
    return items


def bench_align(n_lower: int = 300, n_upper: int = 2000, repeat: int = 5) -> dict:
    lower, upper = synthetic_plan(n_lower, 11), synthetic_plan(n_upper, 12)
    align(lower[:5], upper[:5])
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        align(lower, upper, k=3)
        times.append(time.perf_counter() - t)
    return {"lower": n_lower, "upper": n_upper, "p50_ms": _pct(times, 50), "max_ms": max(times) * 1000}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kexie.textsim.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="texts in the index (default 1,000,000)")
    ap.add_argument("--sample", type=int, default=50_000, help="texts for the rank-bm25 comparison")
    ap.add_argument("--queries", type=int, default=200, help="timed queries")
    ap.add_argument("--no-align", action="store_true", help="skip the alignment timing")
    args = ap.parse_args(argv)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    r = bench_index(args.n, args.queries, min(args.sample, args.n))
    print(f"index of {args.n:,} texts: {r['terms']:,} terms, {r['nnz']:,} postings")
    print(f"  build {r['build_s']:.1f} s; matrix {r['matrix_mb']:.0f} MB; RSS growth {r['rss_growth_mb']:.0f} MB;"
          f" peak RSS {r['peak_rss_mb']:.0f} MB")
    print(f"  search top-10: p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms"
          f" ({args.queries} queries); batch {r['batch_ms_per_query']:.1f} ms/query")
    ratio = r["bm25_sample_p95_ms"] / r["ours_sample_p95_ms"]
    print(f"sample of {r['sample']:,} texts, {r['sample_queries']} queries:")
    print(f"  kexie.textsim p50 {r['ours_sample_p50_ms']:.2f} ms, p95 {r['ours_sample_p95_ms']:.2f} ms")
    print(f"  rank-bm25     p50 {r['bm25_sample_p50_ms']:.1f} ms, p95 {r['bm25_sample_p95_ms']:.1f} ms")
    print(f"  ratio (p95, same sample): {ratio:.0f}x; rank-bm25 sample p95 vs ours at {args.n:,}:"
          f" {r['bm25_sample_p95_ms'] / r['p95_ms']:.0f}x; top-10 overlap {r['top10_overlap']:.2f}")
    if not args.no_align:
        a = bench_align()
        print(f"align {a['lower']} lower items against {a['upper']} upper items:"
              f" p50 {a['p50_ms']:.0f} ms, max {a['max_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
