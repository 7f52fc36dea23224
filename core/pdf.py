"""PDF from HTML with WeasyPrint (issues 18 and 25), the fonts embedded.

The fonts are Debian's fonts-dejavu-core (DejaVu Sans), named by file so the PDF never
depends on which fonts a machine happens to offer; WeasyPrint embeds the subset used.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}


def font_css() -> str:
    faces = [
        f"@font-face {{ font-family: 'Overgang Sans'; font-weight: {weight}; font-style: {style}; "
        f"src: url('{(FONT_DIR / name).as_uri()}'); }}"
        for (weight, style), name in FONTS.items()
        if (FONT_DIR / name).exists()
    ]
    return "\n".join(faces) + "\nhtml { font-family: 'Overgang Sans', 'DejaVu Sans', sans-serif; }"


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of a complete HTML document, with its fonts embedded."""
    fonts = FontConfiguration()
    stylesheet = CSS(string=font_css(), font_config=fonts)
    pdf = HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet], font_config=fonts)
    if not isinstance(pdf, bytes):  # write_pdf without a target returns the bytes
        raise TypeError("WeasyPrint returned no PDF")
    return pdf
