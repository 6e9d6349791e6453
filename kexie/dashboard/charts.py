"""Chart images drawn on the server with Pillow, for documents that cannot run the page's scripts
(the meeting pack): the colour counts as a pie and the progress of each lead unit as stacked bars.

Chinese labels need a CJK font. The usual ones are looked for under /usr/share/fonts; when none
is installed the chart carries numbers (1, 2, …) in place of its labels and ``Chart.legend``
says what each number stands for, for the document to print under the image.
"""

import functools
import glob
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from .data import ColourCounts, UnitRow

GREEN, AMBER, RED = "#2e7d32", "#f9a825", "#c62828"
COLOURS = {"green": GREEN, "amber": AMBER, "red": RED}
COLOUR_LABELS = {"green": "绿灯", "amber": "黄灯", "red": "红灯"}
INK, GRID, BACKGROUND = "#212121", "#bdbdbd", "#ffffff"

FONT_PATTERNS = (
    "/usr/share/fonts/**/NotoSansCJK*-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJK*.ttc",
    "/usr/share/fonts/**/NotoSansSC*.otf",
    "/usr/share/fonts/**/NotoSerifCJK*-Regular.ttc",
    "/usr/share/fonts/**/wqy-microhei.ttc",
    "/usr/share/fonts/**/wqy-zenhei.ttc",
    "/usr/share/fonts/**/DroidSansFallback*.ttf",
)

PIE_SIZE = (1200, 700)
BAR_WIDTH = 1400
BAR_ROW = 56


@dataclass(frozen=True)
class Chart:
    png: bytes
    width: int
    height: int
    # Filled only when no CJK font was found: "1 办公厅", … for the numbers drawn in the chart.
    legend: list[str] = field(default_factory=list)


@functools.cache
def cjk_font() -> tuple[str, int] | None:
    """(path, face index) of an installed font with Chinese glyphs, preferring the simplified
    Chinese face of a collection, or None."""
    for pattern in FONT_PATTERNS:
        for path in sorted(glob.glob(pattern, recursive=True)):
            index = _simplified_face(path)
            if index is not None:
                return path, index
    return None


def _simplified_face(path: str) -> int | None:
    first = None
    for index in range(16):
        try:
            font = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        first = index if first is None else first
        family = font.getname()[0] or ""
        if family.endswith(" SC") or "SC" in family.split():
            return index
    return first


class _Labels:
    """Hands out label text: the label itself with a CJK font, a number otherwise."""

    def __init__(self, font_source):
        self.font_source = font_source
        self.legend: list[str] = []

    def font(self, size: int):
        if self.font_source is None:
            return ImageFont.load_default(size=size)
        path, index = self.font_source
        return ImageFont.truetype(path, size, index=index)

    def text(self, label: str) -> str:
        if self.font_source is not None or label.isascii():
            return label
        self.legend.append(f"{len(self.legend) + 1} {label}")
        return str(len(self.legend))


_FIND = object()


def _labels(font) -> _Labels:
    return _Labels(cjk_font() if font is _FIND else font)


def _png(image: Image.Image, labels: _Labels) -> Chart:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return Chart(png=buffer.getvalue(), width=image.width, height=image.height, legend=labels.legend)


def colour_pie(counts: ColourCounts, *, title: str = "任务亮灯情况", font=_FIND) -> Chart:
    """A pie of green / amber / red tasks with a legend giving each count and share."""
    labels = _labels(font)
    image = Image.new("RGB", PIE_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((PIE_SIZE[0] // 2, 30), labels.text(title), fill=INK, font=labels.font(40), anchor="mt")
    box = (80, 120, 620, 660)
    total = counts.total
    values = [("green", counts.green), ("amber", counts.amber), ("red", counts.red)]
    if total == 0:
        draw.ellipse(box, outline=GRID, width=4)
    else:
        start = -90.0
        for key, value in values:
            if value == 0:
                continue
            end = start + 360.0 * value / total
            draw.pieslice(box, start, end, fill=COLOURS[key], outline=BACKGROUND, width=3)
            start = end
    legend_font = labels.font(34)
    for row, (key, value) in enumerate(values):
        y = 260 + row * 90
        draw.rectangle((700, y, 750, y + 50), fill=COLOURS[key])
        share = f"{100 * value / total:.1f}%" if total else "—"
        draw.text((775, y + 25), f"{labels.text(COLOUR_LABELS[key])}  {value}  ({share})", fill=INK,
                  font=legend_font, anchor="lm")
    return _png(image, labels)


def lead_bars(rows: Sequence[UnitRow], *, title: str = "各牵头单位任务亮灯情况", font=_FIND) -> Chart:
    """One horizontal bar per lead unit, split into its green, amber and red tasks, with the
    unit's average progress at the end of the bar."""
    labels = _labels(font)
    height = 150 + max(len(rows), 1) * BAR_ROW + 90
    image = Image.new("RGB", (BAR_WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((BAR_WIDTH // 2, 30), labels.text(title), fill=INK, font=labels.font(40), anchor="mt")
    name_font, value_font = labels.font(28), labels.font(26)
    left, right, top = 380, BAR_WIDTH - 200, 120
    widest = max((row.counts.total for row in rows), default=0) or 1
    scale = (right - left) / widest
    # Grid lines at whole task counts, at most ten of them.
    step = max(1, math.ceil(widest / 10))
    for tick in range(0, widest + 1, step):
        x = left + tick * scale
        draw.line((x, top - 10, x, top + len(rows) * BAR_ROW), fill=GRID, width=1)
        draw.text((x, top + len(rows) * BAR_ROW + 10), str(tick), fill=INK, font=value_font, anchor="mt")
    for i, row in enumerate(rows):
        y = top + i * BAR_ROW
        draw.text((left - 16, y + BAR_ROW // 2), labels.text(row.name), fill=INK, font=name_font, anchor="rm")
        x = left
        for key in ("green", "amber", "red"):
            value = getattr(row.counts, key)
            if value:
                draw.rectangle((x, y + 8, x + value * scale, y + BAR_ROW - 8), fill=COLOURS[key])
                x += value * scale
        if row.average_percent is not None:
            draw.text((x + 12, y + BAR_ROW // 2), f"{row.average_percent:g}%", fill=INK, font=value_font,
                      anchor="lm")
    legend_y = height - 50
    for j, key in enumerate(("green", "amber", "red")):
        x = left + j * 220
        draw.rectangle((x, legend_y - 16, x + 32, legend_y + 16), fill=COLOURS[key])
        draw.text((x + 44, legend_y), labels.text(COLOUR_LABELS[key]), fill=INK, font=name_font, anchor="lm")
    return _png(image, labels)
