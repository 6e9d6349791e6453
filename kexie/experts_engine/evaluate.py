"""Precision@5 of the ranking against the keyword-only baseline, on two labelled sets.

    python -m kexie.experts_engine.evaluate [--data tests/data/matching/hand.json] [--generated 300]

1. The hand-written set (``tests/data/matching/hand.json``): 75 invented experts in 15 fields,
   each with keywords and works written for it, and 54 texts of the project's kinds (enterprise
   demands 企业技术需求, award nominations, proposals 建言, open-call tasks 揭榜) worded
   differently from the experts' keywords, each labelled by hand with its relevant experts.
   Nominations carry a discipline code and demands and open calls an industry code, as the
   forms that produce them ask for one; proposals carry only text.
2. A generated set (:mod:`.synthetic`): ``--generated`` demand texts over a generated library of
   2,000 experts; each text names two keywords of its field and one of another field, and an
   expert is relevant when its main field is the text's. Half the texts carry the field's
   codes. The texts reuse the keywords verbatim, so the baseline does well here: this set checks
   that the stray keyword does not pull the ranking away; the hand-written set checks wording.

The figures are those of docs/experts-engine.md; tests/experts_engine/test_quality.py keeps them
above the issue's bars.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

from .match import ExpertIndex
from .model import Expert, Target, Work
from .synthetic import DEMANDS, FIELDS, generate

ROOT = Path(__file__).resolve().parents[2]
HAND = ROOT / "tests" / "data" / "matching" / "hand.json"
TODAY = dt.date(2026, 12, 1)


def load_hand(path: Path = HAND) -> tuple[list[Expert], list[tuple[Target, set]]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    experts = [Expert(e["id"], e["name"], tuple(e["keywords"]), tuple(Work(w) for w in e.get("works", ())),
                      e.get("profile", ""), tuple(e.get("disciplines", ())), tuple(e.get("industries", ())),
                      e.get("region", "")) for e in data["experts"]]
    queries = [(Target(q["id"], q["text"], disciplines=tuple(q.get("disciplines", ())),
                       industries=tuple(q.get("industries", ()))), set(q["relevant"])) for q in data["queries"]]
    return experts, queries


def generated_set(n_queries: int = 300, *, n_experts: int = 2000, seed: int = 5):
    lib = generate(n_experts, seed=seed, today=TODAY)
    rng = random.Random(seed)
    relevant_of: dict[str, set] = {}
    for eid, code in lib.field_of.items():
        relevant_of.setdefault(code, set()).add(eid)
    queries = []
    for i in range(n_queries):
        code = rng.choice(list(FIELDS))
        other = rng.choice([c for c in FIELDS if c != code])
        a, b = rng.sample(FIELDS[code][1], 2)
        text = rng.choice(DEMANDS).format(a=a, b=rng.choice(FIELDS[other][1]), c=b)
        t = Target(f"G{i}", text, disciplines=(code,) if i % 2 == 0 else (),
                   industries=(FIELDS[code][0],) if i % 2 == 0 else ())
        queries.append((t, relevant_of[code]))
    return lib.experts, queries


def precision_at(experts, queries, k: int = 5) -> dict[str, float]:
    """Mean precision@k of :meth:`ExpertIndex.rank` and of the keyword-only baseline."""
    index = ExpertIndex(experts, today=TODAY)
    full = base = 0.0
    for target, relevant in queries:
        full += sum(r.expert_id in relevant for r in index.rank(target, k=k, with_reasons=False)) / k
        base += sum(r.expert_id in relevant for r in index.rank_keywords(target, k=k)) / k
    n = max(len(queries), 1)
    return {"queries": len(queries), "experts": len(experts), "full": round(full / n, 3),
            "keywords_only": round(base / n, 3), "gain": round((full - base) / n, 3)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HAND))
    parser.add_argument("--generated", type=int, default=300)
    args = parser.parse_args(argv)
    hand = precision_at(*load_hand(Path(args.data)))
    gen = precision_at(*generated_set(args.generated))
    for name, r in (("hand-written", hand), ("generated", gen)):
        print(f"{name}: {r['queries']} texts, {r['experts']} experts: P@5 {r['full']:.3f} "
              f"(keyword-only {r['keywords_only']:.3f}, +{r['gain']:.3f})")


if __name__ == "__main__":
    main()
