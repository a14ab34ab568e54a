"""The search index: item-level full-text search over whoosh.

This is the only module that knows about whoosh; everything else talks to :class:`SearchIndex`
with plain dataclasses, so the engine can be swapped by rewriting this one file.

Two paths. Plain words (and natural questions, their question words dropped) are scored by
this module over whole numpy arrays read from whoosh's postings: BM25 per field, each word
counting by its best field (title 1.5, text 1, body name 0.3), a synonym group as one word,
adjacent words found together (the `pairs` field) adding their pair's score, rows holding only
very common words left out. Anything in the query language (phrases, AND/OR/NOT, prefixes,
`title:`) goes through whoosh's parser and scorer. Typed filters (`kind:`, `date:`, "since
2020") narrow either path. Both then fold numbered paragraphs into the item they belong to and
reprinted copies into one hit; a document boost puts decisions and minutes above agendas (and a
minute above its own meeting's agenda item on the same subject); equal scores go to the newer
meeting. A long item is also indexed as passages that lift its score towards its best passage's
and say which page and snippet to show (see :func:`passages`); they are never hits themselves.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index, qparser, sorting, writing
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    DisjunctionMax,
    Every,
    Not,
    NullQuery,
    Or,
    Phrase,
    Prefix,
    Query,
    Require,
    Term,
    TermRange,
)
from whoosh.searching import Searcher

from minutebook.model import DocKind, Document, Item, item_id
from search_app.analysis import FastStemmingAnalyzer

INDEX_DIRNAME = "whoosh"

_ANALYZER = FastStemmingAnalyzer()
_PAIRS_ANALYZER = FastStemmingAnalyzer(shingle=2, sep=" ")

SCHEMA = Schema(
    item_id=ID(stored=True, unique=True, sortable=True),
    document_id=ID(stored=True),
    meeting_id=ID(stored=True),
    # the item a hit is shown as (see IndexedItem.unit_id); a column, so counting matched items
    # rather than rows (paragraphs, passages) reads it without loading stored fields
    unit_id=ID(stored=True, sortable=True),
    fingerprint=STORED,  # number + text, to fold reprinted copies of one item into one hit
    path=STORED,
    number=ID(stored=True),
    # spelling=True keeps the unstemmed words beside the stems, for "did you mean"
    # a row's heading as shown; what is searched is `title`, empty for a preamble or whole text
    # (the document's own title names the meeting, not a subject, and is in the text anyway)
    heading=STORED,
    title=TEXT(analyzer=_ANALYZER),  # its words are in the text too, which spelling reads
    content=TEXT(analyzer=_ANALYZER, stored=True, spelling=True),
    # adjacent word pairs of title and text ("north park", "park street"): nearness as a term
    pairs=TEXT(analyzer=_PAIRS_ANALYZER, phrase=False),  # no positions: a pair is its own nearness
    kind=ID(stored=True),
    body=TEXT(stored=True),
    body_facet=ID(stored=True),
    date=ID(stored=True, sortable=True),  # YYYYMMDD, so a term range is a date range
    meeting_date=STORED,
    year=ID(stored=True),
    page_start=STORED,
    # searchable forms are lower-cased; the *_facet twins keep the printed case for display
    person=KEYWORD(lowercase=True, commas=True, scorable=True),
    org=KEYWORD(lowercase=True, commas=True, scorable=True),
    person_facet=KEYWORD(commas=True, stored=True),
    org_facet=KEYWORD(commas=True, stored=True),
    action=KEYWORD(lowercase=True, commas=True, stored=True),
    outcome=KEYWORD(lowercase=True, commas=True, stored=True),
    has_action=ID(stored=True),
    # "p" on a passage row (see passages()), "i" on every other row
    role=ID,
    # a passage row: the item_id of the row it was cut from ("" on other rows); a column, read
    # once per generation (the two rows may sit in different segments of a parallel build)
    part_of=ID(sortable=True),
)

# Bump when the meaning of a field changes without its name or type changing (another analyzer,
# what is written into it): the fingerprint then differs and the index is rebuilt from the store.
SCHEMA_VERSION = 2  # 2: long items also indexed as passages
SCHEMA_FILE = "SCHEMA"


def schema_fingerprint(schema: Schema = SCHEMA) -> str:
    """A short hash of the schema's field names and types plus :data:`SCHEMA_VERSION`."""
    parts = [f"v{SCHEMA_VERSION}"] + [f"{name}:{type(schema[name]).__name__}" for name in sorted(schema.names())]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


# Ranking: a minute that records a decision says more than an agenda line on the same subject.
KIND_BOOST = {DocKind.MINUTES: 1.25, DocKind.ACTION_LOG: 1.1, DocKind.REPORT: 1.0, DocKind.AGENDA: 0.8}
DECISION_BOOST = 1.1
# text before the first numbered item is mostly headings and attendance: findable, never first
PREAMBLE_BOOST = 0.8

# field -> BM25F weight for free text; the body name only nudges ("Souldern clerk pay rise")
FIELD_WEIGHTS = {"title": 1.5, "content": 1.0, "body": 0.3}
DISMAX_TIEBREAK = 0.2
BM25_K1 = 1.2
BM25_B = 0.75
# a synonym counts a little less than the word typed
SYNONYM_WEIGHT = 0.8
# adjacent query words found near each other in the text ("Christmas lights", "North Park Street")
PHRASE_BOOST = 1.0

# Facet name -> the field that counts it; filters take the same names.
FACETS = ("kind", "body_facet", "year", "outcome", "person", "org", "has_action")
_FACET_FIELD = {"person": "person_facet", "org": "org_facet"}
_MULTI_VALUED = {"outcome", "person", "org"}

# Long rows are also indexed as overlapping passages of about this many characters (see
# :func:`passages`), folded into their item like paragraphs are.
PASSAGE_CHARS = 700
LONG_ITEM_CHARS = 1400
PASSAGE_SEP = "~"  # a passage row's id: the item's id, this, its number
# An item scores the better of its own score and the mean of its own and its best passage's:
# words close together in one paragraph lift a long item, but only as far as half the way.
PASSAGE_SHARE = 0.5

# A whole rebuild of at least this many items is written by several processes (see _writer).
PARALLEL_BUILD_ROWS = 2000

# A word in more than this share of items only re-ranks what the rarer words matched: it finds
# nothing on its own worth having and costs most of the query time.
COMMON_SHARE = 0.06

# `date:2019..2021`, `date:2019-03..2020`, `date:2023-02-23`, `date:2023`
DATE_FILTER_RE = re.compile(
    r"""\bdate:
        (?P<a>\d{4}(?:-\d{2}(?:-\d{2})?)?)      # start: year, year-month or full date
        (?:\.\.(?P<b>\d{4}(?:-\d{2}(?:-\d{2})?)?)?)?  # optional ..end (open when empty)
        (?=\s|$)""",
    re.X,
)
# "since 2020" / "before 2019" in plain words, the way people say it
SINCE_RE = re.compile(
    r"""\b(?P<op>since|after|before|until)\s+   # the relation
        (?P<year>(?:19|20)\d{2})\b               # a four-digit year""",
    re.X | re.I,
)
# The parts of a query that are not free text: quoted phrases, field:value, [ranges], (groups)
PROTECTED_RE = re.compile(
    r"""  "[^"]*"                      # a quoted phrase
        | \b\w+:(?:"[^"]*"|\[[^\]]*\]|\S+)  # a field filter, its value quoted, ranged or bare
        | \[[^\]]*\]                    # a bare range
    """,
    re.X,
)
WORD_RE = re.compile(r"[\w'’*-]+")
FIELD_ALIASES = {"org": "org", "organisation": "org", "organization": "org", "person": "person",
                 "people": "person", "action": "action", "kind": "kind", "body": "body", "number": "number",
                 "title": "title", "text": "content", "year": "year", "outcome": "outcome"}
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# Words that shape a natural question but never name its subject. Dropped from free text when
# content words remain; quoted phrases keep them.
QUESTION_WORDS = frozenset("""
    a about after all also am an and any anyone are as at be been before being both but by can could
    did do does doing done during each either ever for from had has have having he her here hers him
    his how i if in into is it its itself me mr mrs ms dr cllr my of on once only or other our out
    over own please said say says she should show so some such tell than that the their them then
    there these they this those through to too under until up upon us very was we were what when
    where whether which while who whom whose why will with would you your
""".split())
MAX_QUERY_CHARS = 500
# answers kept per open index (see SearchIndex.search)
SCORE_CACHE_BYTES = 512 * 2**20  # per-term score arrays kept per open index
RESULT_CACHE_SIZE = 256
# opening while another process commits: whoosh can list a table of contents that the commit
# then deletes; a few short retries find the new one
OPEN_RETRIES = 25
OPEN_RETRY_PAUSE = 0.02
SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"


def load_synonyms(*paths: Path) -> dict[str, list[str]]:
    """Each form (lower case) -> every form of its group, from comma-separated lines."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            forms = [f.strip().lower() for f in line.split(",") if f.strip()]
            for f in forms:
                merged = groups.get(f, [])
                groups[f] = list(dict.fromkeys([*merged, *forms]))
    return groups


@lru_cache(maxsize=8)
def _synonym_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    # longest forms first, so "speed limit" wins over "speed"
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile(r"(?<![\w:\-])(" + "|".join(re.escape(f) for f in ordered) + r")(?![\w\-])", re.I)


def expand_synonyms(query: str, synonyms: dict[str, list[str]]) -> str:
    """Replace each synonym form in the free-text part of a query by an OR of its group.

    Quoted phrases, field filters and operators are left alone; longest forms win.
    """
    if not synonyms:
        return query
    pattern = _synonym_pattern(tuple(synonyms))
    return _map_free_text(query, lambda text: _expand_plain(text, pattern, synonyms))


def _map_free_text(query: str, fn: object) -> str:
    """Apply ``fn`` to the free-text stretches of ``query``, leaving protected parts as they are."""
    out, pos = [], 0
    for m in PROTECTED_RE.finditer(query):
        out.append(fn(query[pos:m.start()]))  # type: ignore[operator]
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(query[pos:]))  # type: ignore[operator]
    return "".join(out)


def _expand_plain(text: str, pattern: re.Pattern[str], synonyms: dict[str, list[str]]) -> str:
    def sub(m: re.Match[str]) -> str:
        group = synonyms[m.group(1).lower()]
        alts = [f'"{g}"' if re.search(r"[\s\-]", g) else g for g in group]
        return "(" + " OR ".join(alts) + ")"

    return pattern.sub(sub, text)


def strip_question_words(query: str) -> str:
    """Drop question words ("when did", "where was") from a query's free text.

    Only when content words remain, and only in free text: phrases, filters and the operators
    AND/OR/NOT are kept as typed. Punctuation around the dropped words goes too.

    >>> strip_question_words("When did the council agree the budget?")
    'council agree budget'
    """
    plain = WORD_RE.findall(PROTECTED_RE.sub(" ", query))
    content = [w for w in plain if w.lower().strip("'’-") not in QUESTION_WORDS and w not in OPERATORS]
    if not content:
        return query

    def keep(text: str) -> str:
        # operators keep their neighbours; parentheses survive so groups still parse
        toks = re.findall(r"[()]|[\w'’*.\-]+", text)
        out = [t.strip(".") for t in toks
               if t in "()" or t in OPERATORS or t.lower().strip("'’-.") not in QUESTION_WORDS]
        return " " + " ".join(t for t in out if t) + " "

    return " ".join(_map_free_text(query, keep).split())


@dataclass(frozen=True, slots=True)
class IndexedItem:
    item_id: str
    document_id: str
    meeting_id: str
    path: str
    number: str
    title: str
    text: str
    kind: str
    body: str
    meeting_date: str
    page_start: int
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    action_ids: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    preamble: bool = False  # text before the first item of a document that has items
    # a numbered paragraph of another item is found on its own but shown as that item: unit_id
    # is the item it belongs to ("" = itself); number and title are then the unit's
    unit_id: str = ""
    # (character offset in ``text``, page) where each page of the text begins, in order
    page_marks: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> int:
        """The page holding character ``offset`` of ``text``."""
        page = self.page_start
        for start, p in self.page_marks:
            if start > offset:
                break
            page = p
        return page


@dataclass(frozen=True, slots=True)
class Hit:
    document_id: str
    path: str
    item_id: str
    item_number: str
    title: str
    kind: str
    body: str
    meeting_date: str | None
    page_start: int
    score: float
    snippet: str
    meeting_id: str = ""


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean": the query with misspelt words corrected


class QueryError(ValueError):
    """A query that cannot be run (too long, or unparseable)."""


# A heading never ends on one of these; a first line cut mid-sentence does.
_RUN_ON_END = frozenset("a an and as at by for from in of on or that the to with was were".split())


def _extends(number: str, parent: str) -> bool:
    """True when ``number`` is ``parent``'s number carried on: "87.2", "5C", "5(c)", "12 a"."""
    stem = parent.strip().rstrip(".")
    rest = number.strip()[len(stem):] if number.strip().startswith(stem) else ""
    return bool(stem) and bool(rest) and (rest[0] in ".-/( " or (rest[0].isalpha() and stem[-1].isdigit()))


def is_paragraph(item: Item) -> bool:
    """True when a sub-item is a numbered paragraph of its parent rather than an item of its own.

    Its number does not carry the parent's ("2." under "87.", where "87.2", "87(a)" or "5C"
    under "5" would), and its title is the start of running text: a long first line, a
    sentence, or a line cut mid-phrase. Such paragraphs are cited by the parent's number.
    """
    if item.level < 2 or not item.parent:
        return False
    if _extends(item.number, item.parent):
        return False
    words = item.title.split()
    if not words:
        return True
    return (len(words) > 8 or (len(words) >= 5 and item.title.rstrip().endswith((".", ":", ";")))
            or words[-1].lower().strip(",") in _RUN_ON_END)


def _parents(items: Sequence[Item]) -> list[int]:
    """For each item, the index of its parent (the nearest earlier item of a lower level), or -1."""
    out: list[int] = []
    stack: list[int] = []  # indexes with strictly increasing levels
    for i, it in enumerate(items):
        while stack and items[stack[-1]].level >= it.level:
            stack.pop()
        out.append(stack[-1] if stack else -1)
        stack.append(i)
    return out


def items_for_index(doc: Document, meeting_id: str | None) -> list[IndexedItem]:
    """The index rows of one document: one per item, plus its preamble (item id ``{doc}.-1``).

    A numbered paragraph (:func:`is_paragraph`) is its own row, so it ranks on its own words,
    but is shown as the item it belongs to; that item's row also carries the paragraphs' text
    and extracted values (Kent-style minutes put the whole discussion in paragraphs under a
    heading-only minute, and the minute is what people cite). The preamble row (text before
    the first item: attendance, or an action table at the top of the minutes) has number "".
    """
    base: dict[str, str] = dict(document_id=doc.id, meeting_id=meeting_id or "", path=doc.path,
                                kind=str(doc.kind), body=doc.body or "", meeting_date=doc.meeting_date or "")
    items = doc.items
    parents = _parents(items)
    unit = list(range(len(items)))
    for i, it in enumerate(items):
        if parents[i] >= 0 and is_paragraph(it):
            unit[i] = unit[parents[i]]
    members: dict[int, list[int]] = {}
    for i, u in enumerate(unit):
        members.setdefault(u, []).append(i)
    rows = []
    for i, it in enumerate(items):
        u = unit[i]
        family = [items[j] for j in members[i]] if u == i else [it]
        head = items[u]
        rows.append(IndexedItem(
            item_id=item_id(doc.id, i), number=head.number, title=head.title,
            text="\n".join(x.text for x in family), page_start=it.page_start, page_marks=_page_marks(family),
            people=tuple(sorted({m.value for x in family for m in x.people})),
            organisations=tuple(sorted({m.value for x in family for m in x.organisations})),
            action_ids=tuple(sorted({a.id for x in family for a in x.actions if a.id})),
            outcomes=tuple(sorted({str(d.outcome) for x in family for d in x.decisions})),
            unit_id="" if u == i else item_id(doc.id, u),
            **base,  # type: ignore[arg-type]
        ))
    if doc.preamble.strip():
        rows.append(IndexedItem(item_id=item_id(doc.id, -1), number="", title=doc.title, text=doc.preamble,
                                page_start=doc.page_start, preamble=bool(doc.items),
                                **base))  # type: ignore[arg-type]
    return rows


def _page_marks(family: Sequence[Item]) -> tuple[tuple[int, int], ...]:
    """Where each page begins in the newline-joined texts of ``family``: (offset, page) pairs."""
    marks: list[tuple[int, int]] = []
    pos = 0
    for x in family:
        marks.append((pos, x.page_start))
        marks.extend((pos + b, x.page_at(b)) for b in x.page_breaks)
        pos += len(x.text) + 1
    return tuple(marks)


def passages(text: str, size: int = PASSAGE_CHARS, min_text: int = LONG_ITEM_CHARS) -> list[tuple[int, str]]:
    """Consecutive windows of a long text, cut at line ends: [(offset, passage)].

    A long item (a whole debate, a report section) is also indexed as these windows, and its
    best window lifts its score (see :data:`PASSAGE_SHARE`): a few words close together in
    one paragraph of a twenty-page item then count for more than the same words scattered
    over it, instead of being diluted by the item's length. Windows are about ``size``
    characters (whole lines; a line longer than that is a window of its own). Texts up to
    ``min_text`` characters have no windows: the item is already passage-sized. Windows do
    not overlap: overlapping ones doubled the index's size for no better answers on the
    gold questions.
    """
    if len(text) <= min_text:
        return []
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]  # line starts
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(starts):
        begin = starts[i]
        j = i + 1
        while j < len(starts) and starts[j] - begin < size:
            j += 1
        end = starts[j] if j < len(starts) else len(text)
        if text[begin:end].strip():
            out.append((begin, text[begin:end].rstrip("\n")))
        i = j
    return out


class _SegmentWriter(writing.SegmentWriter):
    """whoosh's segment writer, asking the file system once per field rather than once per
    posting whether a field has a length column while it writes a new segment's postings (for
    fields without lengths, such as ids, whoosh re-checks the file for every posting: a third
    of the build time of a large index)."""

    def per_document_reader(self):  # type: ignore[no-untyped-def]
        reader = super().per_document_reader()
        reader.has_column = lru_cache(maxsize=None)(reader.has_column)  # no files appear mid-flush
        return reader


def _writer(ix: index.Index, procs: int = 1) -> writing.SegmentWriter:
    """A writer; with ``procs`` > 1, whoosh's parallel one (each process writes a segment of its
    own, kept as it is: merging them would cost most of what the processes saved)."""
    if procs > 1:
        from whoosh.multiproc import MpWriter

        return MpWriter(ix, procs=procs, limitmb=128, multisegment=True)
    return _SegmentWriter(ix, limitmb=256)


class _Open:
    """A searcher opened for one index generation, and what was read from it."""

    def __init__(self, ix: index.Index, key: tuple[int, str]) -> None:
        self.ix = ix
        self.key = key
        self.searcher: Searcher = ix.searcher()
        self.doc_count = self.searcher.doc_count_all()
        # the module's schema, not the one on disk: a query must never name a field the code
        # does not know, and a stale index is rebuilt rather than searched with its old fields
        self.parser = _make_parser(SCHEMA)
        self._facet_rows: list[dict[str, tuple[str, ...]]] | None = None
        self._lock = threading.Lock()
        self._lengths: dict[str, np.ndarray] = {}
        self._avg: dict[str, np.ndarray] = {}
        self._parents: np.ndarray | None = None
        self._children: tuple[np.ndarray, np.ndarray] | None = None
        self._scores: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._score_bytes = 0
        self._dates: np.ndarray | None = None
        self._units: np.ndarray | None = None
        self._live: np.ndarray | None = None
        self._corrector: Any = None

    # -- the free-text engine's view of the index: BM25 arrays per term ----------------------
    def lengths(self, fname: str) -> tuple[np.ndarray, np.ndarray]:
        """Per document number, the length of a field and the mean length it is measured against.

        Passage rows are measured against the mean passage, other rows against the mean item:
        the many short passages must not make every whole item look long.
        """
        if fname not in self._lengths:
            reader = self.searcher.reader()
            arr = np.fromiter((reader.doc_field_length(d, fname, 0) or 0 for d in range(self.doc_count)),
                              dtype=np.float32, count=self.doc_count)
            arr = np.nan_to_num(arr)  # whoosh has no length for a row whose field is empty
            is_p = self.parents() >= 0
            avg = np.empty(self.doc_count, dtype=np.float32)
            for mask in (is_p, ~is_p):
                avg[mask] = max(1.0, float(arr[mask].mean())) if mask.any() else 1.0
            self._avg[fname] = avg
            self._lengths[fname] = arr
        return self._lengths[fname], self._avg[fname]

    def parents(self) -> np.ndarray:
        """Per document number, the row a passage row was cut from (-1 for every other row)."""
        if self._parents is None:
            reader = self.searcher.reader()
            out = np.full(self.doc_count, -1, dtype=np.int64)
            if reader.has_column("part_of") and reader.has_column("item_id"):
                of_col, id_col = reader.column_reader("part_of"), reader.column_reader("item_id")
                of = [of_col[d] for d in range(self.doc_count)]
                rows = {id_col[d]: d for d in range(self.doc_count) if not of[d]}
                for d, parent in enumerate(of):
                    if parent:
                        out[d] = rows.get(parent, -1)
            self._parents = out
        return self._parents

    def passages_of(self, row: int) -> np.ndarray:
        """The passage rows cut from ``row``."""
        if self._children is None:
            par = self.parents()
            rows = np.flatnonzero(par >= 0)
            order = rows[np.argsort(par[rows], kind="stable")]
            self._children = (order, par[order])
        order, keys = self._children
        return order[np.searchsorted(keys, row, "left"):np.searchsorted(keys, row, "right")]

    def passage_mask(self) -> np.ndarray:
        """True for passage rows: they lift their item's score and are never hits themselves."""
        return self.parents() >= 0

    def postings(self, fname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers holding a term, and its weight in each (frequency x boosts)."""
        ids: list[int] = []
        weights: list[float] = []
        for sub, offset in self.searcher.leaf_searchers():
            reader = sub.reader()
            if (fname, term) not in reader:
                continue
            m = reader.postings(fname, term)
            if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
                # whole blocks at a time: the per-posting calls cost more than the scoring
                while m.is_active():
                    if m._ids is None:
                        m._read_ids()
                    if m._weights is None:
                        m._read_weights()
                    ids.extend(d + offset for d in m._ids[m._i:])
                    weights.extend(m._weights[m._i:])
                    m._next_block()
            else:  # a segment with deletions wraps its postings: go one by one
                while m.is_active():
                    ids.append(m.id() + offset)
                    weights.append(m.weight())
                    m.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)

    def bm25(self, fname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25 score of ``term`` in field ``fname`` for each), cached."""
        key = (fname, term)
        hit = self._scores.get(key)
        if hit is not None:
            return hit
        ids, tf = self.postings(fname, term)
        if len(ids):
            lengths, avg = self.lengths(fname)
            df = len(ids)
            idf = np.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))
            norm = BM25_K1 * ((1.0 - BM25_B) + BM25_B * lengths[ids] / avg[ids])
            scores = (idf * tf * (BM25_K1 + 1.0) / (tf + norm)).astype(np.float32)
        else:
            scores = np.zeros(0, dtype=np.float32)
        self._keep(key, ids, scores)
        return ids, scores

    def _keep(self, key: tuple[str, str], ids: np.ndarray, scores: np.ndarray) -> None:
        # a bound for long-running servers (common words at a million rows are megabytes each);
        # the next query refills what it needs
        if len(self._scores) > 20000 or self._score_bytes > SCORE_CACHE_BYTES:
            self._scores.clear()
            self._score_bytes = 0
        self._scores[key] = (ids, scores)
        self._score_bytes += ids.nbytes + scores.nbytes

    def dates(self) -> np.ndarray:
        """Per document number, its meeting date as YYYYMMDD (0 when unknown)."""
        if self._dates is None:
            reader = self.searcher.reader()
            col = reader.column_reader("date") if reader.has_column("date") else None
            vals = []
            for d in range(self.doc_count):
                v = col[d] if col is not None else reader.stored_fields(d).get("date", "")
                v = v.decode() if isinstance(v, bytes) else (v or "")
                vals.append(int(v) if v.isdigit() else 0)
            self._dates = np.asarray(vals, dtype=np.int64)
        return self._dates

    def units(self) -> np.ndarray:
        """Per document number, a number shared by every row shown as the same item."""
        if self._units is None:
            reader = self.searcher.reader()
            col = reader.column_reader("unit_id") if reader.has_column("unit_id") else None
            seen: dict[object, int] = {}
            vals = [seen.setdefault(col[d] if col is not None else reader.stored_fields(d).get("unit_id"), len(seen))
                    for d in range(self.doc_count)]
            self._units = np.asarray(vals, dtype=np.int64)
        return self._units

    def one_per_item(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` (ascending document numbers) keeping the first row of each shown item."""
        if not len(rows):
            return rows
        _, first = np.unique(self.units()[rows], return_index=True)
        return rows[np.sort(first)]

    def ids(self, fname: str, term: str) -> np.ndarray:
        """Document numbers holding a term (for filters: no scores, no field lengths)."""
        key = ("#ids", fname + "\x00" + term)
        hit = self._scores.get(key)
        if hit is None:
            hit = (self.postings(fname, term)[0], np.zeros(0, dtype=np.float32))
            self._keep(key, *hit)
        return hit[0]

    def live(self) -> np.ndarray:
        """Per document number, False for deleted rows (read once per generation)."""
        if self._live is None:
            reader = self.searcher.reader()
            if not reader.has_deletions():
                self._live = np.ones(self.doc_count, dtype=bool)
            else:
                self._live = np.fromiter((not reader.is_deleted(d) for d in range(self.doc_count)), dtype=bool,
                                         count=self.doc_count)
        return self._live

    def facet_rows(self) -> list[dict[str, tuple[str, ...]]]:
        """Per document number, its facet values (read once per generation)."""
        with self._lock:
            if self._facet_rows is None:
                rows: list[dict[str, tuple[str, ...]]] = []
                reader = self.searcher.reader()
                for docnum in range(reader.doc_count_all()):
                    sf = reader.stored_fields(docnum) if not reader.is_deleted(docnum) else {}
                    row = {}
                    for name in FACETS:
                        value = sf.get(_FACET_FIELD.get(name, name)) or ""
                        vals = [v.strip() for v in value.split(",")] if name in _MULTI_VALUED else [value]
                        row[name] = tuple(v for v in vals if v)
                    rows.append(row)
                self._facet_rows = rows
            return self._facet_rows

    def corrector(self) -> Any:
        """whoosh's spelling corrector over item text (loading it is the slow part)."""
        if self._corrector is None:
            self._corrector = self.searcher.corrector("content")
        return self._corrector

    def close(self) -> None:
        self.searcher.close()


class _DisMaxGroup(qparser.DisMaxGroup):
    def query(self, parser):  # type: ignore[no-untyped-def]
        q = super().query(parser)
        if isinstance(q, DisjunctionMax):
            q.tiebreak = DISMAX_TIEBREAK
        return q


def _make_parser(schema: Schema) -> qparser.QueryParser:
    # each word scores by its best field (plus a little for the others), not their sum: a common
    # word in a heading and the text must not outweigh a rare word found once
    parser = qparser.QueryParser(None, schema, group=qparser.OrGroup)
    parser.add_plugin(qparser.MultifieldPlugin(list(FIELD_WEIGHTS), fieldboosts=FIELD_WEIGHTS,
                                               group=_DisMaxGroup))
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.add_plugin(qparser.PrefixPlugin())
    return parser


class SearchIndex:
    """A whoosh index of items on disk under ``data_dir/whoosh``.

    One searcher is opened per index generation and shared by every search (and thread): a
    web server that starts a thread per request must not reopen the index, nor rebuild the
    arrays the free-text engine keeps, for each request. Searches take turns (a lock): whoosh
    readers share file handles, and a search is a few milliseconds.
    """

    def __init__(self, data_dir: Path, synonyms: dict[str, list[str]] | None = None,
                 build_procs: int | None = None) -> None:
        """``build_procs``: processes writing a whole rebuild (default: up to two, one per core)."""
        self.dir = Path(data_dir) / INDEX_DIRNAME
        self.build_procs = build_procs or min(2, os.cpu_count() or 1)
        self.synonyms = synonyms if synonyms is not None else load_synonyms(
            SYNONYMS_FILE, Path(data_dir) / "synonyms.txt")
        self._open: _Open | None = None
        self._lock = threading.RLock()
        # whole answers by (query, filters, sort, page, generation): a results page asked for
        # again (the page, then its API twin; back and forward) costs a dictionary look-up
        self.cache_size = RESULT_CACHE_SIZE
        self._cache: OrderedDict[tuple[object, ...], SearchResult] = OrderedDict()

    # -- lifecycle -------------------------------------------------------------------------
    def exists(self) -> bool:
        """True when an index is there (it may still be unreadable: see :meth:`is_healthy`)."""
        for attempt in range(OPEN_RETRIES):
            try:
                return self.dir.exists() and index.exists_in(str(self.dir))
            except FileNotFoundError:
                # a commit replaced the table of contents just listed: look again
                if attempt == OPEN_RETRIES - 1:
                    raise
                time.sleep(OPEN_RETRY_PAUSE)
        return False

    def _key(self) -> tuple[int, str]:
        """What identifies the index on disk now: the generation marker's mtime and content."""
        marker = self.dir / "GENERATION"
        try:
            return marker.stat().st_mtime_ns, marker.read_text()
        except OSError:
            return 0, ""

    def _opened(self) -> _Open:
        """The shared searcher, reopened when a rebuild or an update changed the index.

        Call with ``self._lock`` held.
        """
        key = self._key()
        cur = self._open
        if cur is not None and cur.key == key and key != (0, ""):
            return cur
        if cur is not None:
            cur.close()
            self._open = None
        self._cache.clear()
        for attempt in range(OPEN_RETRIES):
            try:
                self._open = _Open(index.open_dir(str(self.dir), schema=SCHEMA), key)
                return self._open
            except (FileNotFoundError, index.EmptyIndexError):
                # a rebuild in another process committed between whoosh listing the newest table
                # of contents (or its segments) and opening it; the next listing finds the new one
                if attempt == OPEN_RETRIES - 1:
                    raise
                time.sleep(OPEN_RETRY_PAUSE)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the shared searcher; the next search opens a fresh one."""
        with self._lock:
            if self._open is not None:
                self._open.close()
                self._open = None

    def is_current_schema(self) -> bool:
        """True when the index was written with this module's schema (its fingerprint file matches)."""
        try:
            return (self.dir / SCHEMA_FILE).read_text().strip() == schema_fingerprint()
        except OSError:
            return False

    def is_healthy(self) -> bool:
        """True when the index opens, has this module's schema and can be read end to end.

        An index written by another version of this module (another :func:`schema_fingerprint`,
        or none) is not healthy: the caller rebuilds it rather than search it wrongly.
        """
        if not self.dir.exists() or not self.is_current_schema():
            return False
        for attempt in range(OPEN_RETRIES):
            try:
                ix = index.open_dir(str(self.dir))
                if set(SCHEMA.names()) - set(ix.schema.names()):
                    return False
                with ix.searcher() as s:
                    s.doc_count()
                    for _ in s.documents():
                        break
                return True
            except FileNotFoundError:
                # a commit replaced the files just listed: look again (see _opened)
                if attempt == OPEN_RETRIES - 1:
                    return False
                time.sleep(OPEN_RETRY_PAUSE)
            except Exception:  # noqa: BLE001 - any failure to read means rebuild
                return False
        return False

    def generation(self) -> int | None:
        marker = self.dir / "GENERATION"
        try:
            return int(marker.read_text())
        except (OSError, ValueError):
            return None

    def _set_generation(self, generation: int) -> None:
        tmp = self.dir / "GENERATION.tmp"
        tmp.write_text(str(generation))
        tmp.replace(self.dir / "GENERATION")

    def rebuild(self, items: Iterable[IndexedItem], generation: int) -> int:
        """Replace every item with ``items``. Returns the item count.

        A healthy index is replaced in place by one commit that drops all its old segments, so
        a search running meanwhile (in this process or another) sees the old items or the new
        ones, never no index. A missing, unreadable or other-schema index is built beside and
        swapped in.
        """
        # a large rebuild is written by several processes; the rows are looked at only as far as
        # telling "large" (a whole archive's rows at once would not fit in memory)
        items = iter(items)
        head = list(islice(items, PARALLEL_BUILD_ROWS))
        procs = self.build_procs if len(head) >= PARALLEL_BUILD_ROWS else 1
        items = chain(head, items)
        if self.is_healthy():  # reads the schema file first, so a garbled index never gets here
            return self._rebuild_in_place(items, generation, procs)
        tmp = self.dir.with_name(INDEX_DIRNAME + ".new")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        ix = index.create_in(str(tmp), SCHEMA)
        n = 0
        with _writer(ix, procs) as w:
            for it in items:
                self._add(w, it)
                n += 1
        ix.close()
        (tmp / SCHEMA_FILE).write_text(schema_fingerprint())
        self.close()
        old = self.dir.with_name(INDEX_DIRNAME + ".old")
        if old.exists():
            shutil.rmtree(old)
        if self.dir.exists():
            self.dir.rename(old)
        tmp.rename(self.dir)
        if old.exists():
            shutil.rmtree(old)
        self._set_generation(generation)
        return n

    def _rebuild_in_place(self, items: Iterable[IndexedItem], generation: int, procs: int = 1) -> int:
        # this module's SCHEMA, not the one pickled in the index: an index written before the
        # one-pass analyzer (same tokens, same fingerprint) would keep analysing the slow way
        ix = index.open_dir(str(self.dir), schema=SCHEMA)
        w = _writer(ix, procs)
        n = 0
        try:
            for it in items:
                self._add(w, it)
                n += 1
        except BaseException:
            w.cancel()
            raise
        # CLEAR: the new segment alone makes the next table of contents; whoosh deletes the old
        # segments' files after the switch, and readers still holding them keep their open copies
        w.commit(mergetype=writing.CLEAR)
        ix.close()
        self._set_generation(generation)
        return n

    def update(self, remove_documents: Sequence[str], items: Iterable[IndexedItem], generation: int) -> None:
        """Delete the given documents' items and add ``items``, in one commit."""
        self.close()
        ix = index.open_dir(str(self.dir), schema=SCHEMA)
        with _writer(ix) as w:
            for doc_id in remove_documents:
                w.delete_by_term("document_id", doc_id)
            for it in items:
                self._add(w, it)
        self._set_generation(generation)

    @staticmethod
    def _add(w: object, it: IndexedItem) -> None:
        """Write one item's row, and one row per passage of a long item (see :func:`passages`)."""
        date = it.meeting_date.replace("-", "")
        boost = KIND_BOOST.get(DocKind(it.kind), 1.0) if it.kind in DocKind._value2member_map_ else 1.0
        boost *= (DECISION_BOOST if it.outcomes else 1.0) * (PREAMBLE_BOOST if it.preamble else 1.0)
        shared = dict(
            document_id=it.document_id, meeting_id=it.meeting_id, path=it.path, unit_id=it.unit_id or it.item_id,
            number=it.number, heading=it.title, title="" if it.item_id.endswith(".-1") else it.title,
            kind=it.kind, body=it.body, body_facet=it.body, date=date, meeting_date=it.meeting_date,
            year=date[:4], person=",".join(it.people), org=",".join(it.organisations),
            person_facet=",".join(p.replace(",", " ") for p in it.people),
            org_facet=",".join(o.replace(",", " ") for o in it.organisations),
            action=",".join(a.lower() for a in it.action_ids), outcome=",".join(it.outcomes),
            has_action="yes" if it.action_ids else "no", _boost=boost,
        )
        w.add_document(item_id=it.item_id, fingerprint=_fingerprint(it.number, it.text),  # type: ignore[attr-defined]
                       content=it.text, pairs=it.text, page_start=it.page_start, role="i", part_of="", **shared)
        for k, (offset, text) in enumerate(passages(it.text)):
            w.add_document(item_id=f"{it.item_id}{PASSAGE_SEP}{k}",  # type: ignore[attr-defined]
                           fingerprint=_fingerprint(it.number, text), content=text, pairs=text,
                           page_start=it.page_at(offset), role="p", part_of=it.item_id, **shared)

    def doc_count(self) -> int:
        """How many rows the index holds (paragraph rows and preambles included)."""
        with self._lock:
            return int(self._opened().searcher.doc_count())

    # -- search ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, offset: int = 0, sort: str = "relevance",
               filters: dict[str, str] | None = None, facets: bool = False) -> SearchResult:
        """Item-level search, best first (or newest first with ``sort="date"``).

        ``filters`` and the returned ``facets`` use the names in :data:`FACETS`. ``total`` and
        the facet counts count matching items (an item matched by its own row, a paragraph and a
        passage of it counts once); reprinted copies of one item are folded only in the hits.
        ``suggestion`` is set when a word of the query is in no item and a close word is.
        """
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        with self._lock:
            op = self._opened()
            key = (query, tuple(sorted((filters or {}).items())), sort, offset, limit, facets, op.key)
            cached = self._cache.get(key)
            if cached is None:
                cached = self._search(query, limit, offset, sort, filters, facets)
                if self.cache_size > 0:
                    self._cache[key] = cached
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
            # a copy: a caller that edits its hits or facets must not edit the cached answer
            return SearchResult(query=cached.query, total=cached.total, hits=list(cached.hits),
                                facets={k: list(v) for k, v in cached.facets.items()},
                                suggestion=cached.suggestion)

    def _search(self, query: str, limit: int, offset: int, sort: str, filters: dict[str, str] | None,
                facets: bool) -> SearchResult:
        op = self._opened()
        s = op.searcher
        want = offset + limit
        rest, filter_parts = _split_filters(strip_question_words(_rewrite_query(query)))
        typed_filters = [self._parse(part, op) for part in filter_parts]
        filter_q = _and([q for q in [_filter_query(filters), *typed_filters] if q is not None])
        try:
            if rest.strip() and _is_plain(rest):
                scores, terms = _free_text_scores(rest, self.synonyms, op)
                hit = scores > 0
            else:
                q = self._parse(rest, op)
                scores, hit = _evaluate(q, op)
                terms = _highlight_terms(q)
            if filter_q is not None:
                hit &= _evaluate(filter_q, op)[1]
        except _Unsupported:
            ranked, total, matched, terms = self._search_parsed(rest, op, filter_q, sort, want, facets)
        else:
            ranked, total, matched = self._rank(op, scores, hit, sort, want)
        hits = [_hit(s.stored_fields(d), score, terms) for d, score in ranked[offset:want]]
        facet_counts = _count_facets(op, matched) if facets else {}
        suggestion = self._suggest(query, op)
        return SearchResult(query=query, total=total, hits=hits, facets=facet_counts, suggestion=suggestion)

    @staticmethod
    def _rank(op: _Open, scores: np.ndarray, hit: np.ndarray, sort: str,
              want: int) -> tuple[list[tuple[int, float]], int, np.ndarray]:
        """The best ``want`` shown items (folded) of the rows in ``hit``, their total and the rows.

        Each ranked entry is (the row to show, score): an item's best passage is shown in its
        place (its page, its snippet) when that passage scored above the whole item.
        """
        hit = hit & op.live()
        raw = scores
        par = op.parents()
        is_p = par >= 0
        if is_p.any():
            # a passage lifts the item it was cut from, and is never a hit of its own
            lift = np.zeros(op.doc_count, dtype=np.float32)
            found = np.flatnonzero(is_p & hit)
            np.maximum.at(lift, par[found], raw[found])
            scores = np.where(is_p, 0.0, np.maximum(raw, raw + PASSAGE_SHARE * (lift - raw))).astype(np.float32)
            passage_hit = is_p & hit
            hit = hit & ~is_p
        else:
            passage_hit = is_p
        # a row can match with no score (NOT x, a filter alone): it still counts and is shown
        scores = np.where(hit, np.maximum(scores, 1e-6), 0.0).astype(np.float32)
        matched = np.flatnonzero(hit)
        dates = op.dates()
        fetch = want * 3 + 10
        while True:
            if sort == "date":
                order = matched[np.lexsort((-scores[matched], -dates[matched]))][:fetch]
            else:
                top = matched if len(matched) <= fetch else \
                    matched[np.argpartition(-scores[matched], fetch)[:fetch]]
                # best first; equal scores (to 3 places) go to the newer meeting
                order = top[np.lexsort((-dates[top], -np.round(scores[top], 3)))]
            ranked = _fold(op.searcher, [(int(d), float(scores[d])) for d in order])
            if sort != "date":
                ranked = _minutes_before_their_agenda(op.searcher, ranked)
            # folding paragraphs and copies can leave a page short: ask for more while there are more
            if len(ranked) >= want or len(order) < fetch:
                items = op.one_per_item(matched)
                shown = [(_best_passage(op, raw, passage_hit, d), sc) for d, sc in ranked[:want]]
                return shown, len(items), items
            fetch *= 4

    def _search_parsed(self, text: str, op: _Open, filter_q: Query | None, sort: str, want: int,
                       facets: bool) -> tuple[list[tuple[int, float]], int, np.ndarray, set[str]]:
        """A query the array engine does not evaluate (see :func:`_evaluate`), through whoosh."""
        s = op.searcher
        q = self._parse(text, op)
        fetch = want * 3 + 10
        while True:
            # passage rows only lift the array engine's scores; here they are left out
            if sort == "date":
                results = s.search(q, limit=fetch, filter=filter_q, mask=Term("role", "p"),
                                   sortedby=sorting.FieldFacet("date", reverse=True))
                ranked = [(r.docnum, float(r.score or 0.0)) for r in results]
            else:
                results = s.search(q, limit=fetch, filter=filter_q, mask=Term("role", "p"))
                ranked = _newest_first_on_ties(s, [(r.docnum, float(r.score or 0.0)) for r in results])
            got = len(ranked)
            ranked = _fold(s, ranked)
            # folding paragraphs and copies can leave a page short: ask for more while there are more
            if len(ranked) >= want or got < fetch:
                break
            fetch *= 4
        matched = np.zeros(0, dtype=np.int64)
        if facets:
            ids = set(s.docs_for_query(q))
            if filter_q is not None:
                ids &= set(s.docs_for_query(filter_q))
            rows = np.asarray(sorted(ids), dtype=np.int64)
            matched = op.one_per_item(rows[~op.passage_mask()[rows]] if len(rows) else rows)
            total = len(matched)
        else:
            total = len(results)  # rows: counting items would mean reading every match
        return ranked, total, matched, _highlight_terms(q)

    def _parse(self, query: str, op: _Open) -> Query:
        """A query in the query language (already rewritten), synonyms expanded, as whoosh's."""
        if not query.strip():
            return Every()
        text = expand_synonyms(query, self.synonyms)
        try:
            q = op.parser.parse(text)
        except Exception as exc:  # noqa: BLE001 - whoosh raises many kinds on odd input
            raise QueryError(f"cannot read the query: {exc}") from exc
        return _exclusions_apply(q)

    def _suggest(self, query: str, op: _Open) -> str | None:
        """The query with each word that no item contains replaced by the closest word that one does."""
        reader = op.searcher.reader()
        corrector = None
        changed = False

        def fix(text: str) -> str:
            nonlocal corrector, changed

            def word(m: re.Match[str]) -> str:
                nonlocal corrector, changed
                w = m.group(0)
                low = w.lower()
                if (len(low) < 4 or not low.isalpha() or w in OPERATORS or low in QUESTION_WORDS
                        or low in self.synonyms or _known(reader, low)):
                    return w
                if corrector is None:
                    corrector = op.corrector()
                found = corrector.suggest(low, limit=1, maxdist=2, prefix=1)
                if not found:
                    return w
                changed = True
                return found[0]

            return re.sub(r"[A-Za-z]+", word, text)

        fixed = _map_free_text(query, fix)
        return fixed if changed and fixed != query else None

    def more_like(self, item_id: str, limit: int = 5) -> list[Hit]:
        """Items like the given one (by its most distinctive words), from other documents.

        Copies of the same text in another document (a reprinted set of minutes) are left out:
        they are the same item, not a related one.
        """
        with self._lock:
            return self._more_like(item_id, limit)

    def _more_like(self, item_id: str, limit: int) -> list[Hit]:
        op = self._opened()
        s = op.searcher
        docnum = s.document_number(item_id=item_id)
        if docnum is None:
            return []
        sf = s.stored_fields(docnum)
        text = f"{sf.get('heading', '')}\n{sf.get('content', '')}"
        kts = s.key_terms_from_text("content", text, numterms=12)
        if not kts:
            return []
        q = Or([Term("content", w, boost=float(wt)) for w, wt in kts])
        # not this document's rows, and not passages (they are parts of items, not items)
        mask = set(s.docs_for_query(Term("document_id", sf["document_id"]))) | set(s.docs_for_query(Term("role", "p")))
        results = s.search(q, limit=limit * 3 + 5, mask=mask)
        own = " ".join(sf.get("content", "").split())
        hits, seen, units = [], {own}, set()
        for r in results:
            rf = r.fields()
            body_text = " ".join(rf.get("content", "").split())
            unit = rf.get("unit_id") or rf["item_id"]
            if body_text in seen or unit in units or rf.get("fingerprint") in seen:
                continue  # a copy of this text, or another row (paragraph, passage) of a hit
            seen.update((body_text, rf.get("fingerprint")))
            units.add(unit)
            hits.append(_hit(rf, float(r.score or 0.0), set()))
            if len(hits) >= limit:
                break
        return hits


def _fingerprint(number: str, text: str) -> str:
    return hashlib.blake2b(f"{number}\x00{' '.join(text.split()).lower()}".encode(), digest_size=8).hexdigest()


def _known(reader: object, word: str) -> bool:
    """True when an item's title or text holds ``word`` as written (before stemming)."""
    for name in ("spell_content",):
        try:
            if reader.doc_frequency(name, word):  # type: ignore[attr-defined]
                return True
        except KeyError:
            continue
    return False


def _filter_query(filters: dict[str, str] | None) -> Query | None:
    if not filters:
        return None
    terms = []
    for name, value in filters.items():
        if not value:
            continue
        if name == "body":
            name = "body_facet"
        if name not in SCHEMA.names():
            continue
        terms.append(Term(name, value.lower() if name in ("person", "org", "outcome", "action") else value))
    if not terms:
        return None
    return And(terms) if len(terms) > 1 else terms[0]


def _count_facets(op: _Open, docnums: Iterable[int]) -> dict[str, list[tuple[str, int]]]:
    rows = op.facet_rows()
    counts: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    for d in docnums:
        row = rows[d]
        for f in FACETS:
            counts[f].update(row[f])
    return {f: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for f, c in counts.items()}


def _best_passage(op: _Open, raw: np.ndarray, passage_hit: np.ndarray, row: int) -> int:
    """The passage of ``row`` that matched best when it scored above ``row`` itself, else ``row``."""
    best = row
    for p in op.passages_of(row):
        if passage_hit[p] and raw[p] > raw[best]:
            best = int(p)
    return best


def _minutes_before_their_agenda(s: Searcher, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """An agenda item never ranks above the minute of the same meeting on the same subject.

    The agenda line ("To consider quotes for the car park barrier") is short and so scores high;
    the minute records what was decided. When both are among the ranked hits, the minute (same
    meeting, same item number or heading) moves just above the agenda item.
    """
    fields = [s.stored_fields(d) for d, _ in ranked]

    def keys(sf: dict[str, Any]) -> list[tuple[str, str]]:
        meeting = str(sf.get("meeting_id") or "")
        if not meeting:
            return []
        out = [(meeting, "#" + str(sf.get("number") or "").strip().rstrip(".").lower())] if sf.get("number") else []
        heading = " ".join(str(sf.get("heading") or "").lower().split())
        return out + ([(meeting, heading)] if heading else [])

    minute_at: dict[tuple[str, str], int] = {}
    for i, sf in enumerate(fields):
        if sf.get("kind") == DocKind.MINUTES:
            for k in keys(sf):
                minute_at.setdefault(k, i)
    score = [sc for _, sc in ranked]
    for i, sf in enumerate(fields):
        if sf.get("kind") == DocKind.AGENDA:
            j = next((minute_at[k] for k in keys(sf) if k in minute_at), None)
            if j is not None and score[j] <= score[i]:
                score[j] = score[i] + 1e-3
    order = sorted(range(len(ranked)), key=lambda i: -score[i])  # stable: ties keep their order
    return [(ranked[i][0], score[i]) for i in order]


def _fold(s: Searcher, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Keep the best row of each shown item (paragraphs fold into their item) and of each text
    printed twice (the same minutes filed again as "minutes of the previous meeting")."""
    out: list[tuple[int, float]] = []
    seen: set[tuple[str, object]] = set()
    for d, score in ranked:
        sf = s.stored_fields(d)
        keys = (("u", sf.get("unit_id") or sf["item_id"]), ("f", sf.get("fingerprint")))
        if any(k in seen for k in keys):
            continue
        seen.update(keys)
        out.append((d, score))
    return out


def _newest_first_on_ties(s: Searcher, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Stable re-order: equal scores (to 4 places) go to the newer meeting."""
    dates = {d: s.stored_fields(d).get("date", "") for d, _ in ranked}
    return sorted(ranked, key=lambda ds: (-round(ds[1], 4), _neg(dates[ds[0]])))


def _neg(date: str) -> str:
    # a descending key for a YYYYMMDD string inside an ascending sort
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date) or "~"


# Fields that narrow a search rather than rank it: `kind:minutes budget` is budget, in minutes.
FILTER_FIELDS = frozenset({"kind", "body", "body_facet", "person", "org", "action", "outcome", "date", "year",
                           "number", "has_action"})
_FILTER_TOKEN_RE = re.compile(
    r"""(?<![\w:])(?P<neg>NOT\s+|-)?               # an optional negation
        (?P<field>[a-z_]+):                        # a filter field name
        (?P<value>"[^"]*"|\[[^\]]*\]|[^\s()]+)     # its value: quoted, a [range] or a bare word""",
    re.X,
)


def _split_filters(query: str) -> tuple[str, list[str]]:
    """``kind:minutes budget date:[..]`` -> ("budget", ["kind:minutes", "date:[..]"]).

    Filter tokens are ANDed with the rest, whatever operators surround them: a filter typed
    next to words means "these words, within this".
    """
    parts: list[str] = []

    def take(m: re.Match[str]) -> str:
        if m.group("field") not in FILTER_FIELDS:
            return m.group(0)
        parts.append(("NOT " if m.group("neg") else "") + f"{m.group('field')}:{m.group('value')}")
        return " "

    rest = _FILTER_TOKEN_RE.sub(take, query)
    # an operator left dangling by a removed filter ("budget AND kind:minutes")
    rest = re.sub(r"^\s*(?:AND|OR)\b|\b(?:AND|OR|NOT)\s*$", " ", rest.strip())
    return " ".join(rest.split()), parts


def _and(queries: list[Query]) -> Query | None:
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else And(queries)


def _is_plain(text: str) -> bool:
    """True when a query is only words: no phrases, fields, prefixes or operators."""
    return not (PROTECTED_RE.search(text) or re.search(r'[*"]', text)
                or any(w in OPERATORS for w in text.split()))


def _units(text: str, synonyms: dict[str, list[str]]) -> list[list[str]]:
    """The words of a plain query, a synonym group as one unit: [typed form, other forms...]."""
    joined = " ".join(WORD_RE.findall(text))
    units: list[list[str]] = []
    pos = 0
    if synonyms:
        for m in _synonym_pattern(tuple(synonyms)).finditer(joined):
            units.extend([w] for w in joined[pos:m.start()].split())
            typed = m.group(1).lower()
            units.append([typed, *[g for g in synonyms[typed] if g != typed]])
            pos = m.end()
    units.extend([w] for w in joined[pos:].split())
    return units


def _dense(op: _Open, fname: str, term: str, weight: float = 1.0) -> np.ndarray:
    out = np.zeros(op.doc_count, dtype=np.float32)
    ids, scores = op.bm25(fname, term)
    if len(ids):
        out[ids] = scores * weight
    return out


def _form_scores(op: _Open, form: str) -> np.ndarray:
    """Scores of one word or multi-word form: a word by its best field (plus a little for the
    others); a multi-word form only where its words stand together (the pairs field)."""
    toks = [t.text for t in _ANALYZER(form)]
    if not toks:
        return np.zeros(op.doc_count, dtype=np.float32)
    if len(toks) == 1:
        per_field = []
        for fname, weight in FIELD_WEIGHTS.items():
            ftoks = [t.text for t in SCHEMA[fname].analyzer(form)]
            if ftoks:
                per_field.append(_dense(op, fname, ftoks[0], weight))
        stack = np.vstack(per_field)
        best = stack.max(axis=0)
        return best + DISMAX_TIEBREAK * (stack.sum(axis=0) - best)
    shingles = [t.text for t in _PAIRS_ANALYZER(form)]
    together = np.ones(op.doc_count, dtype=bool)
    total = np.zeros(op.doc_count, dtype=np.float32)
    for sh in shingles:
        sc = _dense(op, "pairs", sh)
        together &= sc > 0
        total += sc
    for t in toks:
        total += _dense(op, "content", t)
    return np.where(together, total, 0.0).astype(np.float32)


def _free_text_scores(text: str, synonyms: dict[str, list[str]], op: _Open) -> tuple[np.ndarray, set[str]]:
    """BM25 scores of every row for plain words, and the stems to mark in snippets.

    Each word (or synonym group, its best form counting) scores by its best field; rows that
    only hold words found in more than :data:`COMMON_SHARE` of rows are left out (such words
    only re-rank what the rarer ones find); adjacent typed words standing together in the text
    add their pair's score.
    """
    n = op.doc_count
    rare_hit = np.zeros(n, dtype=bool)
    any_hit = np.zeros(n, dtype=bool)
    total = np.zeros(n, dtype=np.float32)
    marks: set[str] = set()
    limit = max(50, COMMON_SHARE * n)
    for forms in _units(text, synonyms):
        unit = np.zeros(n, dtype=np.float32)
        for i, form in enumerate(forms):
            marks.update(t.text for t in _ANALYZER(form))
            unit = np.maximum(unit, _form_scores(op, form) * (1.0 if i == 0 else SYNONYM_WEIGHT))
        hit = unit > 0
        any_hit |= hit
        if int(hit.sum()) <= limit:
            rare_hit |= hit
        total += unit
    words = [t.text for t in _ANALYZER(" ".join(WORD_RE.findall(text)))]
    for pair in dict.fromkeys(zip(words, words[1:], strict=False)):
        total += _dense(op, "pairs", " ".join(pair), PHRASE_BOOST)
    keep = rare_hit if rare_hit.any() else any_hit
    return np.where(keep, total, 0.0).astype(np.float32), marks


class _Unsupported(Exception):
    """A query node the array engine does not evaluate: the query goes to whoosh's searcher."""


# Fields scored by BM25 in the array engine; the rest (ids, dates, kinds) only narrow.
_SCORED_FIELDS = frozenset({"title", "content", "body", "pairs", "person", "org"})
# "p*" could name thousands of words: the first ones in term order stand for it
MAX_PREFIX_TERMS = 256


def _evaluate(q: Query, op: _Open) -> tuple[np.ndarray, np.ndarray]:
    """(score, matched) of every row for a parsed query, over whole numpy arrays.

    The same meaning as whoosh's searcher for the nodes our parser makes (terms, phrases,
    prefixes, date ranges, AND/OR/NOT, best-field groups), at numpy speed: whoosh walks its
    matchers one document at a time in Python, which at 100k rows costs most of a second for
    a common phrase or a date range. A phrase matches where its words stand together, stop
    words aside (the ``pairs`` field), rather than by positions. Raises :class:`_Unsupported`
    for anything else.
    """
    n = op.doc_count
    boost = float(getattr(q, "boost", 1.0) or 1.0)
    if isinstance(q, Term):
        return _term_arrays(op, q.fieldname, q.text, boost)
    if isinstance(q, Phrase):
        return _phrase_arrays(op, q.fieldname, [str(w) for w in q.words], boost)
    if isinstance(q, Prefix):
        reader = op.searcher.reader()
        scores, hit = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=bool)
        for i, term in enumerate(reader.expand_prefix(q.fieldname, q.text)):
            if i >= MAX_PREFIX_TERMS:
                break
            sc, h = _term_arrays(op, q.fieldname, term, boost)
            np.maximum(scores, sc, out=scores)  # a row counts its best word, as a word has one form
            hit |= h
        return scores, hit
    if isinstance(q, TermRange) and q.fieldname == "date":
        dates = op.dates()
        lo = int(q.start) if q.start and str(q.start).isdigit() else 0
        hi = int(q.end) if q.end and str(q.end).isdigit() else 99999999
        hit = (dates > lo if q.startexcl else dates >= lo) & (dates < hi if q.endexcl else dates <= hi) & (dates > 0)
        return np.zeros(n, dtype=np.float32), hit
    if isinstance(q, Every):
        return np.full(n, boost, dtype=np.float32), np.ones(n, dtype=bool)
    if q is NullQuery:
        return np.zeros(n, dtype=np.float32), np.zeros(n, dtype=bool)
    if isinstance(q, Not):
        return np.zeros(n, dtype=np.float32), ~_evaluate(q.query, op)[1]
    if isinstance(q, (AndNot, AndMaybe, Require)):
        (sa, ha), (sb, hb) = _evaluate(q.a, op), _evaluate(q.b, op)
        if isinstance(q, AndNot):
            return sa * boost, ha & ~hb
        if isinstance(q, AndMaybe):
            return (sa + np.where(ha, sb, 0.0)) * boost, ha
        return sa * boost, ha & hb
    if isinstance(q, (And, Or, DisjunctionMax)):
        parts = [_evaluate(sub, op) for sub in q.subqueries]
        if not parts:
            return np.zeros(n, dtype=np.float32), np.zeros(n, dtype=bool)
        stack = np.vstack([p[0] for p in parts])
        hits = np.vstack([p[1] for p in parts])
        hit = np.asarray(hits.all(axis=0) if isinstance(q, And) else hits.any(axis=0), dtype=bool)
        if isinstance(q, DisjunctionMax):
            best = stack.max(axis=0)
            return ((best + q.tiebreak * (stack.sum(axis=0) - best)) * boost).astype(np.float32), hit
        return (np.where(hit, stack.sum(axis=0), 0.0) * boost).astype(np.float32), hit
    raise _Unsupported(type(q).__name__)


def _term_arrays(op: _Open, fname: str, text: str | bytes, boost: float) -> tuple[np.ndarray, np.ndarray]:
    term = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    scores, hit = np.zeros(op.doc_count, dtype=np.float32), np.zeros(op.doc_count, dtype=bool)
    if fname in _SCORED_FIELDS:
        ids, sc = op.bm25(fname, term)
        scores[ids] = sc * boost
    else:
        ids = op.ids(fname, term)
        scores[ids] = boost
    hit[ids] = True
    return scores, hit


def _phrase_arrays(op: _Open, fname: str, words: list[str], boost: float) -> tuple[np.ndarray, np.ndarray]:
    """A phrase in one field: every word there, and (in the text) each adjacent pair together."""
    scores, hit = np.zeros(op.doc_count, dtype=np.float32), np.ones(op.doc_count, dtype=bool)
    for w in words:
        sc, h = _term_arrays(op, fname, w, 1.0)
        scores += sc
        hit &= h
    if fname in ("title", "content"):
        # the pairs field is built from the text, which holds the title too
        for a, b in zip(words, words[1:], strict=False):
            sc, h = _term_arrays(op, "pairs", f"{a} {b}", 1.0)
            scores += sc
            hit &= h
    return np.where(hit, scores * boost, 0.0).astype(np.float32), hit


def _filter_mask(op: _Open, fq: Query | None) -> np.ndarray | None:
    if fq is None:
        return None
    mask = np.zeros(op.doc_count, dtype=bool)
    ids = list(op.searcher.docs_for_query(fq))
    if ids:
        mask[np.asarray(ids, dtype=np.int64)] = True
    return mask


def _highlight_terms(q: Query) -> set[str]:
    """The stemmed text-field words a query looks for, for marking snippets."""
    out: set[str] = set()
    for fname, text in q.iter_all_terms(phrases=True) if hasattr(q, "iter_all_terms") else []:
        if fname in ("title", "content") and not isinstance(text, bytes):
            out.add(text)
        elif fname in ("title", "content"):
            out.add(text.decode("utf-8", "replace"))
    return out


SNIPPET_CHARS = 240
_TOKEN_RE = re.compile(r"\w+(?:\.?\w+)*", re.U)


def _snippet(text: str, terms: set[str], n: int = SNIPPET_CHARS) -> str:
    """An escaped window of ``text`` around the densest run of query words, each in ``<mark>``.

    Cheaper than whoosh's highlighter: one tokenising pass over the text, stemming each
    distinct word once, and nothing outside the chosen window is formatted.
    """
    text = " ".join(text.split())
    if not terms:
        return escape(text[:n] + ("…" if len(text) > n else ""))
    stem = _stemmer()
    spans = []
    cache: dict[str, bool] = {}
    for m in _TOKEN_RE.finditer(text):
        w = m.group(0).lower()
        hit = cache.get(w)
        if hit is None:
            hit = cache[w] = stem(w) in terms or w in terms
        if hit:
            spans.append((m.start(), m.end()))
    if not spans:
        return escape(text[:n] + ("…" if len(text) > n else ""))
    # the window start (a hit) that covers the most hits within n characters
    best, best_count, j = 0, 0, 0
    for i, (a, _) in enumerate(spans):
        while j < len(spans) and spans[j][1] - a <= n:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    start = max(0, spans[best][0] - 40)
    if start:
        sp = text.rfind(" ", 0, start + 1)
        start = sp + 1 if sp >= 0 and start - sp < 20 else start
    end = min(len(text), start + n)
    out = ["…" if start else ""]
    pos = start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], str]:
    from whoosh.lang.porter import stem

    return lru_cache(maxsize=20000)(stem)


def _hit(sf: dict[str, object], score: float, terms: set[str]) -> Hit:
    content = str(sf.get("content", ""))
    title = str(sf.get("heading", ""))
    return Hit(
        document_id=str(sf["document_id"]), path=str(sf["path"]), item_id=str(sf.get("unit_id") or sf["item_id"]),
        item_number=str(sf.get("number", "")), title=title, kind=str(sf["kind"]),
        body=str(sf.get("body", "")), meeting_date=str(sf.get("meeting_date") or "") or None,
        page_start=int(sf.get("page_start") or 1), score=round(score, 3),  # type: ignore[call-overload]
        snippet=_snippet(content, terms), meeting_id=str(sf.get("meeting_id", "")),
    )


def _exclusions_apply(q: Query) -> Query:
    """``a b NOT c`` means (a OR b) without c, not (a OR b OR anything-but-c)."""
    if isinstance(q, Or):
        nots = [c for c in q.subqueries if isinstance(c, Not)]
        if nots:
            rest = [c for c in q.subqueries if not isinstance(c, Not)]
            positive: Query = Or(rest) if len(rest) > 1 else (rest[0] if rest else Every())
            negative: Query = Or([n.query for n in nots]) if len(nots) > 1 else nots[0].query
            return AndNot(positive, negative)
    return q


def _date_bound(value: str, end: bool) -> str:
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0] + ("1231" if end else "0101")
    if len(parts) == 2:
        return parts[0] + parts[1] + ("31" if end else "01")
    return "".join(parts)


def _rewrite_query(query: str) -> str:
    """Our documented query syntax to whoosh's: field aliases, ``date:`` ranges, "since 2020"."""

    def date_sub(m: re.Match[str]) -> str:
        a, b = m.group("a"), m.group("b")
        if m.group(0).endswith(".."):
            return f"date:[{_date_bound(a, False)} TO 99991231]"
        return f"date:[{_date_bound(a, False)} TO {_date_bound(b or a, True)}]"

    def since_sub(m: re.Match[str]) -> str:
        year, rel = int(m.group("year")), m.group("op").lower()
        if rel == "since":
            return f"date:[{year}0101 TO 99991231]"
        if rel == "after":
            return f"date:[{year + 1}0101 TO 99991231]"
        if rel == "before":
            return f"date:[00000101 TO {year - 1}1231]"
        return f"date:[00000101 TO {year}1231]"

    q = DATE_FILTER_RE.sub(date_sub, query)
    q = _map_free_text(q, lambda t: SINCE_RE.sub(since_sub, t))

    def alias(m: re.Match[str]) -> str:
        name = m.group(1).lower()
        return FIELD_ALIASES.get(name, name) + ":"

    q = re.sub(r"\b([A-Za-z]+):(?=\S)", lambda m: alias(m) if m.group(1).lower() in FIELD_ALIASES else m.group(0), q)
    # lower-case values of keyword fields so `person:Alan` matches the lower-cased terms
    q = re.sub(r"\b(person|org|action|outcome):(\"[^\"]*\"|\S+)", lambda m: f"{m.group(1)}:{m.group(2).lower()}", q)
    return q
