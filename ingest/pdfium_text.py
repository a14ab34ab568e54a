"""Words from pypdfium2's text page, shaped and split as pdfplumber's ``extract_words`` does.

pdfplumber's layout pass (pdfminer) costs 0.1-0.7 s a page; pdfium's text page gives the same
characters with their origins, boxes, fonts and sizes in a few milliseconds. This module rebuilds
pdfplumber's character attributes from pdfium's (``x0``/``x1`` from the origin and advance,
``top`` from the baseline, the font's descent and size, as pdfminer computes them) and then applies
pdfplumber's word algorithm: runs of characters with one font and size, clustered into lines by
``top`` and ordered by ``x0``, split where a gap exceeds ``x_tolerance``.

Where pdfium and pdfminer see a page differently, pdfminer's view is rebuilt:

- pdfium leaves out a text object that draws only a space (Word writes many); pdfplumber sees a
  space there, which ends a word, so those spaces are put back in drawing order.
- pdfium widens a character's box to its ink when the glyph overhangs its advance (italic "f",
  "r" in Arial); pdfminer's box is the advance. The advance is then taken from the distance to
  the next character drawn by the same text object, the commonest over the page.
- pdfium marks a hyphen that ends a line with its own code; it is a plain hyphen.

A page this module cannot rebuild (rotated, mirrored or skewed text, a rotated page, a font without
metrics) gives None and the caller reads it with pdfplumber. PDF objects never leave this module
and ``ingest/pdf.py``.
"""

from __future__ import annotations

import ctypes
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils.text import LIGATURES

# pdfplumber's default line tolerance: characters whose tops differ by at most this share a line
# (with slack for pdfium's descents, kept in whole thousandths of an em: ~0.01 pt off pdfminer's).
Y_TOLERANCE = 3.0 + 0.02
# A text matrix counts as axis-aligned when its skew terms are below this.
SKEW_EPSILON = 1e-6
# Box edges closer than this (points) are the same edge.
EDGE_EPSILON = 1e-3
# pdfium marks a hyphen that ends a line with one of these codes (per character, in a text
# range); the PDF drew a plain hyphen.
PDFIUM_HYPHENS = ("\x02", "\ufffe")
# A text object whose bounds are narrower than this draws no ink: a space.
BLANK_WIDTH = 0.01

# text, x0, x1, top, size, font name
Char = tuple[str, float, float, float, float, str]

_VP, _INT, _DBL, _FLT = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_float


def _fast(name: str, restype: Any, *argtypes: Any) -> Callable[..., Any]:
    """A pdfium function with plain pointer arguments and results: pypdfium2's typed wrappers
    convert every pointer, which costs more than the call over thousands of characters."""
    address = ctypes.cast(getattr(pdfium_c, name), _VP).value
    assert address, name
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_get_unicode = _fast("FPDFText_GetUnicode", ctypes.c_uint, _VP, _INT)
_get_text = _fast("FPDFText_GetText", _INT, _VP, _INT, _INT, _VP)
_is_generated = _fast("FPDFText_IsGenerated", _INT, _VP, _INT)
_get_object = _fast("FPDFText_GetTextObject", _VP, _VP, _INT)
_get_origin = _fast("FPDFText_GetCharOrigin", _INT, _VP, _INT, _VP, _VP)
_get_loose_box = _fast("FPDFText_GetLooseCharBox", _INT, _VP, _INT, _VP)
_get_box = _fast("FPDFText_GetCharBox", _INT, _VP, _INT, _VP, _VP, _VP, _VP)
_get_font_size = _fast("FPDFText_GetFontSize", _DBL, _VP, _INT)
_get_matrix = _fast("FPDFText_GetMatrix", _INT, _VP, _INT, _VP)
_obj_font = _fast("FPDFTextObj_GetFont", _VP, _VP)
_obj_font_size = _fast("FPDFTextObj_GetFontSize", _INT, _VP, _VP)
_obj_type = _fast("FPDFPageObj_GetType", _INT, _VP)
_obj_matrix = _fast("FPDFPageObj_GetMatrix", _INT, _VP, _VP)
_obj_bounds = _fast("FPDFPageObj_GetBounds", _INT, _VP, _VP, _VP, _VP, _VP)
_page_count = _fast("FPDFPage_CountObjects", _INT, _VP)
_page_object = _fast("FPDFPage_GetObject", _VP, _VP, _INT)
_form_count = _fast("FPDFFormObj_CountObjects", _INT, _VP)
_form_object = _fast("FPDFFormObj_GetObject", _VP, _VP, ctypes.c_ulong)
_font_name = _fast("FPDFFont_GetBaseFontName", ctypes.c_size_t, _VP, _VP, ctypes.c_size_t)
_font_descent = _fast("FPDFFont_GetDescent", _INT, _VP, _FLT, _VP)


class _Fonts:
    """A font's name and descent per point of size, looked up once per font."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[str, float] | None] = {}
        self._name = ctypes.create_string_buffer(256)
        self._descent = _FLT()

    def get(self, font: int | None) -> tuple[str, float] | None:
        if not font:
            return None
        if font not in self._known:
            self._known[font] = self._load(font)
        return self._known[font]

    def _load(self, font: int) -> tuple[str, float] | None:
        n = _font_name(font, self._name, len(self._name))
        name = self._name.raw[: max(n - 1, 0)].decode("latin-1")
        # pdfium scales the descriptor's Descent linearly: ask at 1000 points for precision
        if not _font_descent(font, _FLT(1000.0), ctypes.byref(self._descent)):
            return None
        descent = self._descent.value / 1000.0
        # pdfminer reads a positive Descent (a broken descriptor) as negative
        return name, -descent if descent > 0 else descent


def page_chars(page: pdfium.PdfPage, height: float) -> list[Char] | None:
    """The page's characters with pdfplumber's coordinates, or None when they cannot be rebuilt.

    ``height`` is the MediaBox's height (pdfplumber's ``top`` is measured down from it; pdfium
    does not look up a MediaBox the page inherits). Spaces and line breaks pdfium infers are
    left out: pdfplumber sees only what the PDF draws.
    """
    if page.get_rotation() % 360:
        return None
    textpage = page.get_textpage()
    try:
        return _PageReader(page, textpage, height).read()
    finally:
        textpage.close()


class _PageReader:
    def __init__(self, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, height: float) -> None:
        self.page = ctypes.cast(page.raw, _VP).value or 0
        self.tp = ctypes.cast(textpage.raw, _VP).value or 0
        self.n = textpage.count_chars()
        self.height = height
        self.fonts = _Fonts()
        # per text object: (font handle, name, descent per point, size), None when unusable
        self.objects: dict[int, tuple[int, str, float, float] | None] = {}
        self.matrix = pdfium_c.FS_MATRIX()

    def read(self) -> list[Char] | None:
        tp, height = self.tp, self.height
        text = self._text()
        ox, oy = _DBL(), _DBL()
        ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
        box = pdfium_c.FS_RECTF()
        box_ref = ctypes.byref(box)
        chars: list[Char] = []
        # per character kept: its pdfium index and text object, to find advances and put spaces back
        index: list[int] = []
        owner: list[int] = []
        inked: dict[tuple[int, str, float], bool] = {}
        overhang: list[int] = []
        for i, ch in enumerate(text):
            if ch.isspace() and _is_generated(tp, i):
                continue  # a space or line break pdfium inferred, not drawn by the PDF
            obj = _get_object(tp, i)
            info = self.objects[obj] if obj in self.objects else self._object(obj, i)
            if info is None:
                return None
            font, name, descent, size = info
            _get_origin(tp, i, ox_ref, oy_ref)
            _get_loose_box(tp, i, box_ref)
            key = (font, ch, size)
            if key not in inked:
                inked[key] = self._inked(i, ox.value, box)
            if inked[key]:
                overhang.append(len(chars))
            # pdfminer's box: from the baseline plus the font's descent, one font size tall
            y1 = oy.value + descent * size + size
            chars.append((ch if ch not in PDFIUM_HYPHENS else "-", ox.value, box.right, height - y1, size, name))
            index.append(i)
            owner.append(obj or 0)
        if overhang:
            self._advances(chars, index, owner, overhang)
        return self._with_spaces(chars, owner)

    def _text(self) -> str:
        """The page's characters, one per index (per character when UTF-16 pairs shift them)."""
        buf = (ctypes.c_ushort * (self.n + 1))()
        got = _get_text(self.tp, 0, self.n, buf)
        text = bytes(buf)[: max(got - 1, 0) * 2].decode("utf-16le", "replace")
        if len(text) == self.n:
            return text
        return "".join(chr(c) if 0 < (c := _get_unicode(self.tp, i)) < 0x110000 else "\ufffd"
                       for i in range(self.n))

    def _object(self, obj: int | None, i: int) -> tuple[int, str, float, float] | None:
        found = None
        font = _obj_font(obj) if obj else None
        info = self.fonts.get(font)
        m = self.matrix
        if font and info is not None and _get_matrix(self.tp, i, ctypes.byref(m)):
            # rotated, mirrored or skewed text: pdfplumber's own rules apply
            if abs(m.b) <= SKEW_EPSILON and abs(m.c) <= SKEW_EPSILON and m.a > 0 and m.d > 0:
                found = (font, info[0], info[1], _get_font_size(self.tp, i) * m.d)
        if obj:
            self.objects[obj] = found
        return found

    def _inked(self, i: int, origin: float, box: Any) -> bool:
        """Whether pdfium widened the character's box to its ink (the glyph overhangs)."""
        left, right, bottom, top = _DBL(), _DBL(), _DBL(), _DBL()
        _get_box(self.tp, i, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
        return box.left < origin - EDGE_EPSILON or abs(box.right - right.value) < EDGE_EPSILON

    @staticmethod
    def _advances(chars: list[Char], index: list[int], owner: list[int], overhang: list[int]) -> None:
        """Set ``x1`` of overhanging glyphs from the commonest distance to the next character
        drawn by the same text object (kerning and spacing are the exception, not the rule)."""
        steps: dict[tuple[str, str, float], Counter[float]] = defaultdict(Counter)
        for p in overhang:
            if p + 1 < len(chars) and index[p + 1] == index[p] + 1 and owner[p + 1] == owner[p]:
                c = chars[p]
                steps[(c[5], c[0], c[4])][round(chars[p + 1][1] - c[1], 3)] += 1
        for p in overhang:
            c = chars[p]
            seen = steps.get((c[5], c[0], c[4]))
            if seen:
                step = seen.most_common(1)[0][0]
                if 0 < step < c[2] - c[1]:
                    chars[p] = (c[0], c[1], c[1] + step, c[3], c[4], c[5])

    def _with_spaces(self, chars: list[Char], owner: list[int]) -> list[Char]:
        """``chars`` with the spaces of text objects pdfium left out, where the PDF draws them."""
        last: dict[int, int] = {}
        for p, obj in enumerate(owner):
            last[obj] = p + 1
        spaces: list[tuple[int, Char]] = []
        after = 0
        for obj, scale in self._text_objects(self.page, _page_count, _page_object, 1.0):
            if obj in last:
                after = last[obj]
            elif obj not in self.objects:
                space = self._space(obj, scale)
                if space is not None:
                    spaces.append((after, space))
        if not spaces:
            return chars
        out: list[Char] = []
        k = 0
        for p, c in enumerate(chars):
            while k < len(spaces) and spaces[k][0] == p:
                out.append(spaces[k][1])
                k += 1
            out.append(c)
        out.extend(s for _, s in spaces[k:])
        return out

    def _text_objects(self, holder: int, count: Callable[[int], int], get: Callable[[int, int], int],
                      scale: float) -> Iterator[tuple[int, float]]:
        """Text objects in drawing order, through form XObjects, with their forms' vertical scale."""
        m = pdfium_c.FS_MATRIX()
        for j in range(count(holder)):
            obj = get(holder, j)
            kind = _obj_type(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                yield obj, scale
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                inner = scale * m.d if _obj_matrix(obj, ctypes.byref(m)) else scale
                yield from self._text_objects(obj, _form_count, _form_object, inner)

    def _space(self, obj: int, scale: float) -> Char | None:
        """The space a text object draws with no ink, or None when it draws something else."""
        left, bottom, right, top = _FLT(), _FLT(), _FLT(), _FLT()
        if not _obj_bounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)):
            return None
        if right.value - left.value > BLANK_WIDTH:
            return None
        info = self.fonts.get(_obj_font(obj))
        m, fs = self.matrix, _FLT()
        if info is None or not _obj_font_size(obj, ctypes.byref(fs)) or not _obj_matrix(obj, ctypes.byref(m)):
            return None
        size = fs.value * m.d * scale
        y1 = bottom.value + info[1] * size + size
        return (" ", left.value, left.value, self.height - y1, size, info[0])


def _clusters(chars: list[Char]) -> Iterator[list[Char]]:
    """pdfplumber's ``cluster_objects`` on ``top``: chained within Y_TOLERANCE, top to bottom,
    each line ordered by ``x0`` (a stable sort: drawing order breaks ties)."""
    tops = sorted({c[3] for c in chars})
    cluster_of: dict[float, int] = {}
    n, last = 0, tops[0]
    for t in tops:
        if t > last + Y_TOLERANCE:
            n += 1
        cluster_of[t] = n
        last = t
    if n == 0:
        yield sorted(chars, key=lambda c: c[1])
        return
    ordered = sorted(chars, key=lambda c: cluster_of[c[3]])
    for _, group in itertools.groupby(ordered, key=lambda c: cluster_of[c[3]]):
        yield sorted(group, key=lambda c: c[1])


def _word(chars: list[Char]) -> dict[str, Any]:
    first = chars[0]
    if len(chars) == 1:
        text, x0, x1, top, bottom = first[0], first[1], first[2], first[3], first[3] + first[4]
    else:
        text = "".join(c[0] for c in chars)
        x0, x1 = min(c[1] for c in chars), max(c[2] for c in chars)
        top, bottom = min(c[3] for c in chars), max(c[3] + c[4] for c in chars)
    if any(ch in LIGATURES for ch in text):
        text = "".join(LIGATURES.get(ch, ch) for ch in text)
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "upright": True,
            "fontname": first[5], "size": first[4]}


def _run_key(c: Char) -> tuple[str, float]:
    """pdfplumber's (fontname, size) run key; pdfium names a font with or without its subset tag
    ("ABCDEE+Calibri") depending on the font's type, so the tag is left out."""
    name = c[5]
    return (name[7:] if len(name) > 7 and name[6] == "+" else name), c[4]


def words(chars: list[Char], x_tolerance: float) -> list[dict[str, Any]]:
    """pdfplumber's ``extract_words(x_tolerance=..., extra_attrs=["fontname", "size"])``.

    Characters are taken in drawing order in runs of one font and size; a word ends at a space,
    where a character starts left of the previous one's start, more than ``x_tolerance`` right
    of its end, or more than Y_TOLERANCE above or below it.
    """
    out: list[dict[str, Any]] = []
    for _, run in itertools.groupby(chars, key=_run_key):
        for line in _clusters(list(run)):
            word: list[Char] = []
            for c in line:
                if c[0].isspace():
                    if word:
                        out.append(_word(word))
                    word = []
                elif word and (c[1] < word[-1][1] or c[1] > word[-1][2] + x_tolerance
                               or abs(c[3] - word[-1][3]) > Y_TOLERANCE):
                    out.append(_word(word))
                    word = [c]
                else:
                    word.append(c)
            if word:
                out.append(_word(word))
    return out
