"""A Word document the report's way, on python-docx: A4, Arial, real headings and tables.

The team's and the chain's report (report/docx.py) say *what* to write; this says *how*:
the styles, the page, the language, the header, tables and pictures with alternative text.
Everything goes through python-docx's own API, which escapes every text it is given, so a
consultant's ``<w:p>`` or ``]]>`` is printed as written. Three things python-docx cannot do
are done on its XML, each in one small commented function: the document's language
(``w:lang`` in the styles' defaults), a picture's alternative text (``descr``), and a style's
font where the template names a theme font (Word prefers that over the one python-docx sets).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from selfcheck.report.word.pictures import Picture

FONT = "Arial"  # on every Word; LibreOffice draws it with the metric-equal Liberation Sans
PRIMARY = RGBColor(0x00, 0x59, 0xB3)  # the app's and the PDF's blue (core/charts.PRIMARY)
INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x54, 0x54, 0x54)

#: The template's styles the report uses (and those they are linked to or based on).
USED_STYLES = frozenset((
    "Normal", "Default Paragraph Font", "Normal Table", "No List", "Table Grid", "Title",
    "Title Char", "Heading 1", "Heading 1 Char", "Heading 2", "Heading 2 Char", "Heading 3",
    "Heading 3 Char", "List Paragraph", "List Bullet", "Quote", "Quote Char", "Caption",
    "Header", "Header Char", "Footer", "Footer Char"))

#: A Word language tag per report language: English as a British public-sector reader
#: writes it.
LANGUAGE_TAGS = {"da": "da-DK", "en": "en-GB"}

#: Characters XML 1.0 cannot hold. The texts are checked where they are written (no NUL or
#: control characters), but an imported file is another way in, and lxml would refuse the
#: whole document over one of them: they are dropped here instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its width, and whether it holds numbers (right-aligned)."""

    heading: str
    width: float  # cm
    numeric: bool = False


class WordWriter:
    """One report being written, top to bottom."""

    def __init__(self, lang: str, *, title: str, subject: str, author: str):
        self.lang = lang
        self.document = Document()
        self._page()
        self._styles()
        self._language(LANGUAGE_TAGS.get(lang, lang))
        properties = self.document.core_properties
        properties.title = xml_text(title)
        properties.subject = xml_text(subject)
        properties.author = xml_text(author)
        properties.language = LANGUAGE_TAGS.get(lang, lang)
        properties.keywords = "selfcheck"
        # The template's own paragraph: an empty first line would push the title down.
        body = self.document.element.body
        for paragraph in list(body.iterchildren(qn("w:p"))):
            body.remove(paragraph)

    # --- The page and the styles ----------------------------------------------------------

    def _page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        section.header_distance = section.footer_distance = Cm(1.0)

    def _styles(self) -> None:
        styles = self.document.styles
        # The template defines 164 styles, most of them table styles the report never uses;
        # python-docx looks a style up by reading them all, which was a third of the time
        # to write a report. Word still offers every built-in style (they are latent).
        for style in list(styles):
            if style.name not in USED_STYLES:
                style.delete()
        _plain_font(self.document.styles.element.find(qn("w:docDefaults")), FONT)
        normal = styles["Normal"]
        normal.font.name, normal.font.size, normal.font.color.rgb = FONT, Pt(10), INK
        normal.paragraph_format.space_after = Pt(4)
        normal.paragraph_format.line_spacing = 1.15
        for name, size, colour, before, after in (
                ("Title", 24, PRIMARY, 0, 10),
                ("Heading 1", 16, PRIMARY, 14, 6),
                ("Heading 2", 12, INK, 10, 4),
                ("Heading 3", 10.5, INK, 8, 2)):
            style = styles[name]
            _plain_font(style.element, FONT)
            style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
            style.font.italic = False
            style.font.color.rgb = colour
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(after)
            style.paragraph_format.keep_with_next = True
        for name in ("Quote", "List Bullet", "Caption", "Header", "Footer"):
            _plain_font(styles[name].element, FONT)
            styles[name].font.name = FONT
        quote = styles["Quote"]
        quote.font.size, quote.font.color.rgb = Pt(9.5), INK
        quote.paragraph_format.left_indent = Cm(0.6)
        quote.paragraph_format.space_after = Pt(3)
        styles["Caption"].font.color.rgb = MUTED
        styles["Caption"].font.size = Pt(9)
        for name in ("Header", "Footer"):
            styles[name].font.size, styles[name].font.color.rgb = Pt(8.5), MUTED

    def _language(self, tag: str) -> None:
        """The document's language, which python-docx has no API for: the styles' default
        ``w:lang`` (every style inherits it, so Word's proofing and a screen reader's voice
        follow it) and the settings' ``w:themeFontLang``. Both elements are the template's
        own; only their value changes."""
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:val"), tag)
        for lang in self.document.settings.element.iter(qn("w:themeFontLang")):
            lang.set(qn("w:val"), tag)

    # --- Header and footer ----------------------------------------------------------------

    def running_header(self, brand: Any = None, footer: str = "") -> None:
        """What every page carries: at the top on the right the brand's logo and the
        consultant's or organisation's name (accounts/branding.Brand); at the foot whose
        report it is. Right-aligned rather than on a tab stop, so that a landscape page (the
        chain's heat map) carries it at its own right edge."""
        section = self.document.sections[0]
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if brand is not None:
            logo = logo_of(brand)
            if logo is not None:
                self._add_picture(paragraph.add_run(), logo, height=Cm(0.9),
                                  alt=brand.name or "Logo")
                if brand.name:
                    paragraph.add_run("  ")
            if brand.name:
                paragraph.add_run(xml_text(brand.name))
        if footer:
            section.footer.paragraphs[0].text = xml_text(footer)

    def landscape(self) -> None:
        """Go on on a new landscape page (a wide table); ``portrait`` goes back."""
        self._new_section(WD_ORIENT.LANDSCAPE, Cm(29.7), Cm(21.0))

    def portrait(self) -> None:
        self._new_section(WD_ORIENT.PORTRAIT, Cm(21.0), Cm(29.7))

    def _new_section(self, orientation, width, height) -> None:
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation, section.page_width, section.page_height = orientation, width, height

    @property
    def text_width(self) -> float:
        """The width between the margins of the current page, in cm."""
        section = self.document.sections[-1]
        return Emu(section.page_width - section.left_margin - section.right_margin).cm

    # --- Text -----------------------------------------------------------------------------

    def title(self, text: str) -> None:
        self.document.add_paragraph(xml_text(text), style="Title")

    def heading(self, text: str, level: int, *, new_page: bool = False) -> None:
        paragraph = self.document.add_heading(xml_text(text), level)
        if new_page:
            paragraph.paragraph_format.page_break_before = True

    def paragraph(self, *parts: str | tuple[str, str], style: str | None = None,
                  keep_with_next: bool = False, size: float | None = None,
                  colour: RGBColor | None = None):
        """A paragraph of plain parts and ``("bold", text)`` / ``("italic", text)`` /
        ``("muted", text)`` ones."""
        paragraph = self.document.add_paragraph(style=style)
        for part in parts:
            kind, text = part if isinstance(part, tuple) else ("", part)
            run = paragraph.add_run(xml_text(text))
            run.bold = kind == "bold" or None
            run.italic = kind == "italic" or None
            if kind == "muted":
                run.font.color.rgb = MUTED
            if size:
                run.font.size = Pt(size)
            if colour is not None:
                run.font.color.rgb = colour
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def own_words(self, text: str, style: str | None = None) -> None:
        """A consultant's or member's text as they wrote it: a paragraph per blank-line-
        separated block, their single line breaks kept."""
        blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", xml_text(text).replace("\r", ""))]
        for block in blocks:
            if block.strip():
                self.document.add_paragraph(block, style=style)

    def bullet(self, *parts: str | tuple[str, str]) -> None:
        self.paragraph(*parts, style="List Bullet")

    def facts(self, pairs: Sequence[tuple[str, str]], size: float = 11) -> None:
        """Label and value pairs, one a line (the cover's organisation, team, date)."""
        for label, value in pairs:
            paragraph = self.paragraph((("muted", label + ": ")), ("bold", value), size=size)
            paragraph.paragraph_format.space_after = Pt(2)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- Tables ---------------------------------------------------------------------------

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str] | str], *,
              keep_together: bool = True, size: float = 9, notes: Sequence[int] = (),
              bold: Sequence[int] = ()):
        """A table with a header row; a row given as one string spans every column: a
        group heading in bold (the action plan's themes), or, at the indexes in ``notes``,
        a note in grey. The rows at the indexes in ``bold`` are set in bold (the chain's
        levels among their teams). ``keep_together`` keeps a short table on one page, with
        the heading above it."""
        table = self.document.add_table(rows=1, cols=len(columns))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        header = table.rows[0].cells
        for cell, column in zip(header, columns, strict=True):
            self._cell(cell, column.heading, column, size, bold=True)
        for index, row in enumerate(rows):
            cells = table.add_row().cells
            if isinstance(row, str):
                merged = cells[0].merge(cells[-1])
                self._cell(merged, row, Column("", sum(c.width for c in columns)), size,
                           bold=index not in notes, muted=index in notes)
                continue
            for cell, column, text in zip(cells, columns, row, strict=True):
                self._cell(cell, text, column, size, bold=index in bold)
        # Word reads the cells' widths, LibreOffice the grid's: both are set.
        for table_column, column in zip(table.columns, columns, strict=True):
            table_column.width = Cm(column.width)
        for row in table.rows:
            for cell, column in zip(row.cells, columns, strict=True):
                cell.width = Cm(column.width)
        if keep_together:
            for row in list(table.rows)[:-1]:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
        # Room after the table, which Word otherwise runs into the next paragraph.
        self.document.add_paragraph().paragraph_format.space_after = Pt(2)
        return table

    @staticmethod
    def _cell(cell, text: str, column: Column, size: float, bold: bool = False,
              muted: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        # A little air above and below: Table Grid's cells have none, and text touched the
        # rules.
        paragraph.paragraph_format.space_before = Pt(1.5)
        paragraph.paragraph_format.space_after = Pt(1.5)
        paragraph.paragraph_format.line_spacing = 1.0
        if column.numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(xml_text(text))
        run.font.size = Pt(size)
        if bold:
            run.bold = True
        if muted:
            run.font.color.rgb = MUTED

    # --- Pictures -------------------------------------------------------------------------

    def picture(self, picture: Picture, *, width: float, alt: str, centre: bool = False,
                keep_with_next: bool = False) -> None:
        """A chart, ``width`` cm wide, with its alternative text; ``keep_with_next`` keeps
        it on a page with the line under it."""
        paragraph = self.document.add_paragraph()
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = keep_with_next
        self._add_picture(paragraph.add_run(), picture.png, width=Cm(width), alt=alt)

    @staticmethod
    def _add_picture(run, png: bytes, *, alt: str, width=None, height=None) -> None:
        shape = run.add_picture(io.BytesIO(png), width=width, height=height)
        set_alt_text(shape, alt)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def set_alt_text(shape, alt: str) -> None:
    """A picture's alternative text, which python-docx cannot set: the ``descr`` attribute
    of the picture's ``wp:docPr`` (what Word's "Alt Text" pane edits and screen readers
    read). lxml escapes the value."""
    shape._inline.docPr.set("descr", xml_text(alt))


def _plain_font(element, font: str) -> None:
    """Use ``font`` in a style (or the document defaults) instead of the template's theme
    font. python-docx's ``font.name`` sets ``w:ascii`` and ``w:hAnsi`` but leaves the
    template's ``w:asciiTheme`` and the like beside them, and Word uses the theme's font
    when both are there; so the theme attributes go and the plain ones are set."""
    for fonts in element.iter(qn("w:rFonts")):
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        for attribute in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attribute}"), font)


def logo_of(brand: Any) -> bytes | None:
    """The brand's logo (a PNG or JPEG ``data:`` URL, accounts/branding.py), or None."""
    url = getattr(brand, "logo_url", None) or ""
    for mime in ("image/png", "image/jpeg"):
        prefix = f"data:{mime};base64,"
        if url.startswith(prefix):
            try:
                return base64.b64decode(url[len(prefix):], validate=True)
            except ValueError:
                return None
    return None
