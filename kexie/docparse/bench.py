"""Time the parser on documents: ``python -m kexie.docparse.bench FILE [FILE ...] [--runs N]``.

Prints size, p50 and p95 per file after a warm-up. A measurement tool, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from kexie.docparse.readers import read_file
from kexie.docparse.parser import parse_text


def measure(text: str, runs: int) -> tuple[float, float]:
    for _ in range(3):
        parse_text(text)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_text(text)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(0.95 * len(samples)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    print(f"{'file':40} {'bytes':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for path in args.files:
        text = read_file(path)
        p50, p95 = measure(text, args.runs)
        print(f"{path.rsplit('/', 1)[-1]:40} {len(text.encode('utf-8')):8d} {p50:8.1f} {p95:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- a long plan with a long task table, for timing .docx reading and table merging ------------

_AREAS = ["科普阵地", "学会治理", "人才举荐", "科技志愿", "院士工作站", "青少年科技教育", "企业科协", "智库研究",
          "学术交流", "科技期刊", "基层组织", "数字科协"]
_VERBS = ["推进", "深化", "完善", "加强", "拓展", "提升", "健全", "优化"]
_WAYS = ["建设", "服务", "机制", "体系", "能力", "平台", "品牌", "队伍"]
_UNITS = ["科普部", "学会部", "组织人事部", "办公室", "调研宣传部", "科技馆", "信息中心"]


def _task(n: int) -> str:
    return f"{_VERBS[n % len(_VERBS)]}{_AREAS[n % len(_AREAS)]}{_WAYS[(n // len(_AREAS)) % len(_WAYS)]}第{n}项工作"


def write_table_docx(path: str, *, pages: int = 60, rows: int = 200) -> str:
    """A plan of about ``pages`` printed pages (some 700 characters each) whose attachment is a
    task-division table of ``rows`` rows, with merged category cells; half the rows detail a
    body task by its wording. Written with python-docx; returns ``path``."""
    import docx

    document = docx.Document()
    document.add_paragraph("某市科协2026年重点工作任务")
    chars, n, chapter = 0, 0, 0
    numerals = "一二三四五六七八九十"

    def chinese(k: int) -> str:  # 1–99 as written in headings: 十一, 二十, 二十三
        tens, ones = divmod(k, 10)
        return (numerals[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (numerals[ones - 1] if ones else "")

    while chars < pages * 700:
        chapter += 1
        document.add_paragraph(f"{chinese(chapter)}、{_AREAS[chapter % len(_AREAS)]}工作")
        for section in range(1, 5):
            document.add_paragraph(f"({numerals[section - 1]}){_VERBS[section]}{_AREAS[(chapter + section) % len(_AREAS)]}")
            for item in range(1, 6):
                n += 1
                text = (f"{item}.{_task(n)}。围绕全市科技创新和全民科学素质提升的需要，统筹各方资源，"
                        f"组织开展第{n}批示范活动，建成示范点{n % 9 + 2}个，形成可复制可推广的经验做法，"
                        f"年底前完成阶段总结并报送市科协办公室。（{_UNITS[n % len(_UNITS)]}牵头）")
                document.add_paragraph(text)
                chars += len(text)
    document.add_paragraph("附件")
    document.add_paragraph("重点工作任务分工表")
    header = ["序号", "项目类别", "重点任务", "责任领导", "牵头单位", "配合单位", "工作目标", "完成时限"]
    table = document.add_table(rows=1, cols=len(header))
    for cell, value in zip(table.rows[0].cells, header):
        cell.text = value
    for r in range(1, rows + 1):
        # Odd rows name a body task; even rows a task the body does not have.
        task = _task(r * 2) if r % 2 else f"组织{_AREAS[r % len(_AREAS)]}专题调研并形成报告（第{r // 2}次）"
        values = [str(r), _AREAS[(r - 1) // 10 % len(_AREAS)] + "类", task, "分管副主席",
                  _UNITS[r % len(_UNITS)], "、".join(_UNITS[(r + 1) % len(_UNITS):(r + 1) % len(_UNITS) + 2]),
                  f"建成示范点{r % 7 + 1}个", f"{r % 12 + 1}月底前"]
        for c, (cell, value) in enumerate(zip(table.add_row().cells, values)):
            if c != 1 or (r - 1) % 10 == 0:  # the category once per ten rows, merged down below
                cell.text = value
    for start in range(1, rows + 1, 10):
        table.cell(start, 1).merge(table.cell(min(start + 9, rows), 1))
    document.save(path)
    return path
