"""Chart images: real PNGs of the expected size, in the traffic-light colours."""

import io

import pytest
from PIL import Image

from kexie.dashboard import charts
from kexie.dashboard.data import ColourCounts, UnitRow

COUNTS = ColourCounts(green=5, amber=3, red=2, completed=1, overdue=1)
ROWS = [
    UnitRow(organization_id=1, name="科学技术普及部", counts=ColourCounts(green=3, amber=1, red=1), average_percent=55.5),
    UnitRow(organization_id=2, name="学会学术部", counts=ColourCounts(green=1, red=2), average_percent=20.0),
]


def opened(chart: charts.Chart) -> Image.Image:
    image = Image.open(io.BytesIO(chart.png))
    image.load()
    assert image.format == "PNG"
    assert image.size == (chart.width, chart.height)
    return image.convert("RGB")


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def colour_pixels(image: Image.Image) -> dict[tuple, int]:
    return {colour: count for count, colour in image.getcolors(maxcolors=1 << 20)}


def test_the_colour_pie_shows_each_colour_in_proportion():
    image = opened(charts.colour_pie(COUNTS))
    assert image.size == charts.PIE_SIZE
    pixels = colour_pixels(image)
    green, amber, red = (pixels.get(rgb(c), 0) for c in (charts.GREEN, charts.AMBER, charts.RED))
    # The legend squares add the same area to each colour; the slices keep the order 5 : 3 : 2.
    assert green > amber > red > 0
    assert green / red == pytest.approx(5 / 2, rel=0.15)


def test_a_colour_missing_from_the_counts_is_only_in_the_legend():
    image = opened(charts.colour_pie(ColourCounts(green=4)))
    pixels = colour_pixels(image)
    legend_square = 51 * 51
    assert pixels[rgb(charts.RED)] <= legend_square
    assert pixels[rgb(charts.GREEN)] > 20 * legend_square


def test_the_lead_bars_grow_with_the_number_of_units():
    one, two = opened(charts.lead_bars(ROWS[:1])), opened(charts.lead_bars(ROWS))
    assert one.width == two.width == charts.BAR_WIDTH
    assert two.height - one.height == charts.BAR_ROW
    pixels = colour_pixels(two)
    assert all(pixels.get(rgb(c), 0) > 1000 for c in (charts.GREEN, charts.AMBER, charts.RED))


def test_with_a_cjk_font_the_labels_are_drawn_and_no_legend_is_needed():
    if charts.cjk_font() is None:
        pytest.skip("no CJK font installed")
    assert charts.lead_bars(ROWS).legend == []


def test_without_a_cjk_font_the_chart_numbers_its_labels_and_says_what_they_are():
    chart = charts.lead_bars(ROWS, font=None)
    opened(chart)
    assert "2 科学技术普及部" in chart.legend and "3 学会学术部" in chart.legend
    assert charts.colour_pie(COUNTS, font=None).legend[1:] == ["2 绿灯", "3 黄灯", "4 红灯"]
