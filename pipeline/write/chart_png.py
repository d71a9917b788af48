"""The "Overblik" bar chart as a PNG for the Word report, drawn with Pillow (no matplotlib).

It draws the same grouped bars as the PDF report's reportlab chart, from the same overview
lines: per theme, Gennemført/igangsat and Ikke igangsat side by side.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from pipeline.model import OverviewLine
from pipeline.write.text import FONT_DIR

STARTED_RGB = (46, 111, 64)  # green: started/done
NOT_STARTED_RGB = (200, 120, 40)  # orange: not started
_W, _H = 1600, 640
_LEFT, _RIGHT, _TOP, _BOTTOM = 110, 40, 90, 90


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _nice_max(value: int) -> tuple[int, int]:
    """An axis maximum and tick step that read well."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if value <= step * 6:
            return max(step, -(-value // step) * step), step
    return value, max(1, value // 5)


def overview_chart_png(lines: tuple[OverviewLine, ...], started: str, not_started: str) -> bytes:
    """PNG bytes of the grouped bar chart; ``started``/``not_started`` are the legend labels."""
    themes = [line for line in lines if not line.is_total]
    img = Image.new("RGB", (_W, _H), "white")
    draw = ImageDraw.Draw(img)
    label_font, small = _font(26), _font(22)
    top = max([1] + [max(t.started, t.not_started) for t in themes])
    axis_max, step = _nice_max(top)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    base_y = _TOP + plot_h

    for tick in range(0, axis_max + 1, step):
        y = base_y - plot_h * tick / axis_max
        draw.line([(_LEFT, y), (_W - _RIGHT, y)], fill=(220, 220, 220), width=2)
        draw.text((_LEFT - 12, y), str(tick), font=small, fill="black", anchor="rm")
    draw.line([(_LEFT, base_y), (_W - _RIGHT, base_y)], fill="black", width=2)

    group_w = plot_w / max(1, len(themes))
    bar_w = min(90, group_w * 0.32)
    for i, t in enumerate(themes):
        cx = _LEFT + group_w * (i + 0.5)
        for value, colour, x0 in (
            (t.started, STARTED_RGB, cx - bar_w - 4),
            (t.not_started, NOT_STARTED_RGB, cx + 4),
        ):
            h = plot_h * value / axis_max
            if value:
                draw.rectangle([(x0, base_y - h), (x0 + bar_w, base_y)], fill=colour)
            draw.text(
                (x0 + bar_w / 2, base_y - h - 6), str(value), font=small, fill="black", anchor="md"
            )
        draw.text((cx, base_y + 14), t.short_label, font=label_font, fill="black", anchor="ma")

    # legend, top left
    x = _LEFT
    for colour, text in ((STARTED_RGB, started), (NOT_STARTED_RGB, not_started)):
        draw.rectangle([(x, 28), (x + 30, 58)], fill=colour)
        draw.text((x + 42, 43), text, font=label_font, fill="black", anchor="lm")
        x += 42 + draw.textlength(text, font=label_font) + 60

    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()
