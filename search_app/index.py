"""The search index: item-level full-text search over whoosh.

This is the only module that knows about whoosh; everything else talks to :class:`SearchIndex`
with plain dataclasses, so the engine can be swapped by rewriting this one file.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import highlight, index, qparser, sorting
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, AndNot, Every, Not, Or, Query, Term

from minutebook.model import DocKind, Document, item_id

INDEX_DIRNAME = "whoosh"

SCHEMA = Schema(
    item_id=ID(stored=True, unique=True),
    document_id=ID(stored=True),
    meeting_id=ID(stored=True),
    path=STORED,
    number=ID(stored=True),
    title=TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=2.0),
    content=TEXT(analyzer=StemmingAnalyzer(), stored=True),
    kind=ID(stored=True),
    body=TEXT(stored=True),
    body_facet=ID(stored=True),
    date=ID(stored=True),  # YYYYMMDD, so a term range is a date range
    meeting_date=STORED,
    year=ID(stored=True),
    page_start=STORED,
    person=KEYWORD(lowercase=True, commas=True, stored=True, scorable=True),
    org=KEYWORD(lowercase=True, commas=True, stored=True, scorable=True),
    action=KEYWORD(lowercase=True, commas=True, stored=True),
    outcome=KEYWORD(lowercase=True, commas=True, stored=True),
)

# Ranking: a minute that records a decision says more than an agenda line on the same subject.
KIND_BOOST = {DocKind.MINUTES: 1.2, DocKind.ACTION_LOG: 1.1, DocKind.REPORT: 1.0, DocKind.AGENDA: 0.85}

FACETS = ("kind", "body_facet", "year", "outcome")

# `date:2019..2021`, `date:2019-03..2020`, `date:2023-02-23`, `date:2023`
DATE_FILTER_RE = re.compile(
    r"""\bdate:
        (?P<a>\d{4}(?:-\d{2}(?:-\d{2})?)?)      # start: year, year-month or full date
        (?:\.\.(?P<b>\d{4}(?:-\d{2}(?:-\d{2})?)?)?)?  # optional ..end (open when empty)
        (?=\s|$)""",
    re.X,
)
FIELD_ALIASES = {"org": "org", "organisation": "org", "organization": "org", "person": "person",
                 "people": "person", "action": "action", "kind": "kind", "body": "body", "number": "number",
                 "title": "title", "text": "content", "year": "year", "outcome": "outcome"}
MAX_QUERY_CHARS = 500
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


def expand_synonyms(query: str, synonyms: dict[str, list[str]]) -> str:
    """Replace each synonym form in the free-text part of a query by an OR of its group.

    Quoted phrases, field filters and operators are left alone; longest forms win.
    """
    if not synonyms:
        return query
    forms = sorted(synonyms, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w:\-])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w\-])", re.I)
    out, pos = [], 0
    # skip quoted phrases and field:value tokens
    for m in re.finditer(r'"[^"]*"|\b\w+:(?:"[^"]*"|\S+)|\[[^\]]*\]', query):
        out.append(_expand_plain(query[pos:m.start()], pattern, synonyms))
        out.append(m.group(0))
        pos = m.end()
    out.append(_expand_plain(query[pos:], pattern, synonyms))
    return "".join(out)


def _expand_plain(text: str, pattern: re.Pattern[str], synonyms: dict[str, list[str]]) -> str:
    def sub(m: re.Match[str]) -> str:
        group = synonyms[m.group(1).lower()]
        alts = [f'"{g}"' if re.search(r"[\s\-]", g) else g for g in group]
        return "(" + " OR ".join(alts) + ")"

    return pattern.sub(sub, text)


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


class QueryError(ValueError):
    """A query that cannot be run (too long, or unparseable)."""


def items_for_index(doc: Document, meeting_id: str | None) -> list[IndexedItem]:
    """The index rows of one document: one per item, or one for the whole text when it has none."""
    base: dict[str, str] = dict(document_id=doc.id, meeting_id=meeting_id or "", path=doc.path,
                                kind=str(doc.kind), body=doc.body or "", meeting_date=doc.meeting_date or "")
    rows = []
    for i, it in enumerate(doc.items):
        rows.append(IndexedItem(
            item_id=item_id(doc.id, i), number=it.number, title=it.title, text=it.text,
            page_start=it.page_start,
            people=tuple(sorted({m.value for m in it.people})),
            organisations=tuple(sorted({m.value for m in it.organisations})),
            action_ids=tuple(sorted({a.id for a in it.actions if a.id})),
            outcomes=tuple(sorted({str(d.outcome) for d in it.decisions})),
            **base,  # type: ignore[arg-type]
        ))
    if not doc.items and doc.preamble.strip():
        rows.append(IndexedItem(item_id=item_id(doc.id, -1), number="", title=doc.title, text=doc.preamble,
                                page_start=doc.page_start, **base))  # type: ignore[arg-type]
    return rows


class _MarkFormatter(highlight.HtmlFormatter):
    """``<mark>term</mark>``; whoosh escapes the text around it."""

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ")
        self.template = "<%(tag)s>%(t)s</%(tag)s>"


class SearchIndex:
    """A whoosh index of items on disk under ``data_dir/whoosh``."""

    def __init__(self, data_dir: Path, synonyms: dict[str, list[str]] | None = None) -> None:
        self.dir = Path(data_dir) / INDEX_DIRNAME
        self._ix: index.Index | None = None
        self.synonyms = synonyms if synonyms is not None else load_synonyms(
            SYNONYMS_FILE, Path(data_dir) / "synonyms.txt")

    # -- lifecycle -------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.dir.exists() and index.exists_in(str(self.dir))

    def _open(self) -> index.Index:
        if self._ix is None:
            self._ix = index.open_dir(str(self.dir))
        return self._ix

    def is_healthy(self) -> bool:
        """True when the index opens and can be read end to end."""
        try:
            ix = index.open_dir(str(self.dir))
            with ix.searcher() as s:
                s.doc_count()
                for _ in s.documents():
                    break
            return True
        except Exception:  # noqa: BLE001 - any failure to read means rebuild
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
        """Build a fresh index beside the old one, then swap it in. Returns the item count."""
        tmp = self.dir.with_name(INDEX_DIRNAME + ".new")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        ix = index.create_in(str(tmp), SCHEMA)
        n = 0
        with ix.writer(limitmb=256, procs=1) as w:
            for it in items:
                self._add(w, it)
                n += 1
        ix.close()
        old = self.dir.with_name(INDEX_DIRNAME + ".old")
        if old.exists():
            shutil.rmtree(old)
        if self.dir.exists():
            self.dir.rename(old)
        tmp.rename(self.dir)
        if old.exists():
            shutil.rmtree(old)
        self._ix = None
        self._set_generation(generation)
        return n

    def update(self, remove_documents: Sequence[str], items: Iterable[IndexedItem], generation: int) -> None:
        """Delete the given documents' items and add ``items``, in one commit."""
        ix = self._open()
        with ix.writer() as w:
            for doc_id in remove_documents:
                w.delete_by_term("document_id", doc_id)
            for it in items:
                self._add(w, it)
        self._ix = None
        self._set_generation(generation)

    @staticmethod
    def _add(w: object, it: IndexedItem) -> None:
        date = it.meeting_date.replace("-", "")
        w.add_document(  # type: ignore[attr-defined]
            item_id=it.item_id, document_id=it.document_id, meeting_id=it.meeting_id, path=it.path,
            number=it.number, title=it.title, content=it.text, kind=it.kind, body=it.body,
            body_facet=it.body, date=date, meeting_date=it.meeting_date, year=date[:4],
            page_start=it.page_start, person=",".join(it.people), org=",".join(it.organisations),
            action=",".join(a.lower() for a in it.action_ids), outcome=",".join(it.outcomes),
            _boost=KIND_BOOST.get(DocKind(it.kind), 1.0) * (1.15 if it.outcomes else 1.0),
        )

    def doc_count(self) -> int:
        with self._open().searcher() as s:
            return int(s.doc_count())

    # -- search ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, offset: int = 0, sort: str = "relevance",
               filters: dict[str, str] | None = None, facets: bool = False) -> SearchResult:
        """Item-level search, best first (or newest first with ``sort="date"``)."""
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        ix = self._open()
        parser = qparser.MultifieldParser(["title", "content"], ix.schema, group=qparser.OrGroup.factory(0.9))
        parser.remove_plugin_class(qparser.WildcardPlugin)
        parser.add_plugin(qparser.PrefixPlugin())
        text = expand_synonyms(_rewrite_query(query), self.synonyms)
        q = _exclusions_apply(parser.parse(text)) if text.strip() else Every()
        filter_q = None
        if filters:
            terms = [Term(k, v) for k, v in filters.items() if v and k in SCHEMA.names()]
            if terms:
                filter_q = And(terms) if len(terms) > 1 else terms[0]
        with ix.searcher() as s:
            kw: dict[str, object] = {"limit": offset + limit, "filter": filter_q}
            if sort == "date":
                kw["sortedby"] = sorting.FieldFacet("date", reverse=True)
            if facets:
                kw["groupedby"] = {f: sorting.FieldFacet(f, allow_overlap=f == "outcome") for f in FACETS}
                kw["maptype"] = sorting.Count
            results = s.search(q, **kw)
            results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
            results.formatter = _MarkFormatter()
            hits = []
            for r in results[offset:offset + limit]:
                snippet = r.highlights("content", top=2) or r.highlights("title") or _plain_snippet(r["content"])
                hits.append(Hit(
                    document_id=r["document_id"], path=r["path"], item_id=r["item_id"],
                    item_number=r.get("number", ""), title=r.get("title", ""), kind=r["kind"],
                    body=r.get("body", ""), meeting_date=r.get("meeting_date") or None,
                    page_start=int(r.get("page_start") or 1), score=round(float(r.score or 0.0), 3),
                    snippet=snippet, meeting_id=r.get("meeting_id", ""),
                ))
            total = len(results)
            facet_counts: dict[str, list[tuple[str, int]]] = {}
            if facets:
                for f in FACETS:
                    groups = results.groups(f)
                    facet_counts[f] = sorted(((str(k), int(v)) for k, v in groups.items() if k),
                                             key=lambda kv: (-kv[1], kv[0]))
        return SearchResult(query=query, total=total, hits=hits, facets=facet_counts)


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
    """Our documented query syntax to whoosh's: field aliases and ``date:`` ranges."""

    def date_sub(m: re.Match[str]) -> str:
        a, b = m.group("a"), m.group("b")
        if m.group(0).endswith(".."):
            return f"date:[{_date_bound(a, False)} TO 99991231]"
        return f"date:[{_date_bound(a, False)} TO {_date_bound(b or a, True)}]"

    q = DATE_FILTER_RE.sub(date_sub, query)

    def alias(m: re.Match[str]) -> str:
        name = m.group(1).lower()
        return FIELD_ALIASES.get(name, name) + ":"

    q = re.sub(r"\b([A-Za-z]+):(?=\S)", lambda m: alias(m) if m.group(1).lower() in FIELD_ALIASES else m.group(0), q)
    # lower-case values of keyword fields so `person:Alan` matches the lower-cased terms
    q = re.sub(r"\b(person|org|action|outcome):(\"[^\"]*\"|\S+)", lambda m: f"{m.group(1)}:{m.group(2).lower()}", q)
    return q


def _plain_snippet(text: str, n: int = 240) -> str:
    from html import escape

    text = " ".join(text.split())
    return escape(text[:n] + ("…" if len(text) > n else ""))
