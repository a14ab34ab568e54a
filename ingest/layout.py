"""Page layout clean-up: running headers and footers out, glyph noise normalised.

Runs on :class:`Line` values straight from a reader, before documents and items are split, so
that a footer such as "Regular Meeting / Alameda City Council / March 15, 2011" never ends up in
an item title and a page number never looks like an item number.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from minutebook.model import Line

# How many lines at the top and at the bottom of a page may belong to a running header/footer.
BAND_LINES = 4
# A band line is running when its shape recurs on at least this share of the pages (and >= 2).
RUNNING_SHARE = 0.4

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}

# Bullet glyphs from Word/Symbol/Wingdings fonts (often private-use code points) and the
# Unicode bullets; all become one "•" so later stages test for a single glyph.
BULLET_RE = re.compile(
    r"""
    ^(?P<indent>\s*)
    [\u2022\u2023\u2043\u2219\u25aa\u25ab\u25cf\u25cb\u25e6\u25a0\u25a1\u27a2\u2794\u00b7
     \uf0a7\uf0b7\uf0d8\uf0fc\uf076\uf0a8\uf06e\uf0e0\uf02d]   # one bullet glyph
    \s*                                                       # its padding
    """,
    re.VERBOSE,
)

# A line that is nothing but a page number, in the forms councils print.
PAGE_NUMBER_RE = re.compile(
    r"""
    ^\s*(?:
        (?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?     # 3 | Page 3 | Page 3 of 17 | 3/17
      | -\s*\d{1,4}\s*-                                  # - 3 -
      | \d{1,4}\s*\|\s*P\s?a\s?g\s?e                      # 1 | P a g e
    )\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# End of a line broken inside a word: a lowercase letter then a hyphen (not a dash with spaces).
HYPHEN_END_RE = re.compile(r"(?<=[a-z])-$")
# Start of the continuation: a lowercase word fragment, then the rest of the line.
CONTINUATION_RE = re.compile(r"^(?P<frag>[a-z]+)(?P<tail>[.,;:)]*)(?P<rest>\s.*)?$")
# Second halves that make a real compound ("long-term", "well-being"): keep their hyphen.
COMPOUND_TAILS = frozenset(
    "based being day term led time up off out in on over wide scale year years making going "
    "related specific free run owned funded wise making date level site hand".split()
)


def normalise_text(text: str) -> str:
    """Text with ligatures spelt out, bullet glyphs as "•" and no-break/odd spaces as spaces.

    >>> normalise_text("\\uf0b7 Speciﬁc ﬂoor")
    '• Specific floor'
    """
    for lig, plain in LIGATURES.items():
        if lig in text:
            text = text.replace(lig, plain)
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u200b", "")
    m = BULLET_RE.match(text)
    if m:
        text = f"{m.group('indent')}• {text[m.end():]}"
    return text


def _shape(text: str) -> str:
    """A line's text with digits collapsed, so "Page 3 of 17" and "Page 4 of 17" compare equal."""
    text = re.sub(r"\d+", "#", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def _band_indexes(lines: list[Line]) -> dict[int, list[int]]:
    """Indexes of the first and last BAND_LINES lines on each page."""
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        by_page[line.page].append(i)
    bands: dict[int, list[int]] = {}
    for page, idx in by_page.items():
        # lines in page order by vertical position when we know it
        if all(lines[i].top is not None for i in idx):
            idx = sorted(idx, key=lambda i: lines[i].top or 0.0)
        head, tail = idx[:BAND_LINES], idx[-BAND_LINES:]
        bands[page] = sorted(set(head) | set(tail))
    return bands


RUNNING_TOP_TOLERANCE = 12.0  # points: a running header sits at the same height on every page


def _same_place_count(tops: list[float | None]) -> int:
    """How many pages have the line at one height: a header or footer stays put, while a table
    row repeated in a second table lands wherever that table does."""
    placed = sorted(t for t in tops if t is not None)
    if len(placed) < len(tops):
        return len(tops)  # plain text has no positions: count every page
    best, j = 0, 0
    for i, t in enumerate(placed):
        while t - placed[j] > RUNNING_TOP_TOLERANCE:
            j += 1
        best = max(best, i - j + 1)
    return best


def _running_indexes(lines: list[Line]) -> set[int]:
    bands = _band_indexes(lines)
    pages = len(bands)
    drop: set[int] = set()
    if pages >= 2:
        # shape -> the vertical position of each page's occurrence (None for plain text)
        tops: dict[str, list[float | None]] = {}
        for idx in bands.values():
            seen: dict[str, float | None] = {}
            for i in idx:
                seen.setdefault(_shape(lines[i].text), lines[i].top)
            for shape, top in seen.items():
                tops.setdefault(shape, []).append(top)
        need = max(2, int(pages * RUNNING_SHARE + 0.999))
        running = {s for s, ts in tops.items() if s and _same_place_count(ts) >= need}
        for idx in bands.values():
            drop.update(i for i in idx if _shape(lines[i].text) in running)
    # a lone page number needs no repetition: it is the first or last line of its page
    for idx in bands.values():
        for i in (idx[0], idx[-1]) if idx else ():
            if PAGE_NUMBER_RE.match(lines[i].text) and (pages >= 2 or lines[i].top is not None):
                drop.add(i)
    return drop


def _dehyphenate(lines: list[Line]) -> list[Line]:
    """Join words broken across two lines of the same page ("recom-" / "mendation ...")."""
    out = list(lines)
    i = 0
    while i < len(out) - 1:
        cur, nxt = out[i], out[i + 1]
        m = CONTINUATION_RE.match(nxt.text.lstrip())
        if (
            cur.page == nxt.page
            and cur.cells is None
            and HYPHEN_END_RE.search(cur.text)
            and m
        ):
            # a compound keeps its hyphen ("long-term"); a broken word loses it
            stem = cur.text if m.group("frag") in COMPOUND_TAILS else cur.text[:-1]
            joined = stem + m.group("frag") + m.group("tail")
            rest = (m.group("rest") or "").strip()
            out[i] = replace(cur, text=joined)
            if rest:
                out[i + 1] = replace(nxt, text=rest)
            else:
                del out[i + 1]
        i += 1
    return out


def strip_running_lines(lines: list[Line]) -> list[Line]:
    """Lines without running headers/footers and page numbers, with text normalised.

    A line is running when its text, digits ignored, sits among the first or last few lines of
    at least 40% of the pages (and of two pages or more); a bare page number is dropped from the
    top or bottom of any page.
    """
    lines = [ln if normalise_text(ln.text) == ln.text else replace(ln, text=normalise_text(ln.text))
             for ln in lines]
    drop = _running_indexes(lines)
    kept = [ln for i, ln in enumerate(lines) if i not in drop and ln.text.strip()]
    return _dehyphenate(kept)
