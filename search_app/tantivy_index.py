"""The search index over tantivy: the same interface and behaviour as :class:`search_app.index.SearchIndex`.

An archive that outgrows whoosh (a million items) switches to this engine by configuration
(:func:`minutebook.backends.open_search_index`). Everything engine-neutral comes from
:mod:`search_app.index`: the rows (:class:`IndexedItem`, passages of long items), the result
types, the query syntax and its rewriting (date ranges, "since 2020", field aliases, question
words, synonyms), ranking constants and snippets. Queries in the query language are read by the
same whoosh parser the default engine uses and translated node by node into tantivy queries, so
both engines take exactly the same syntax; plain words are scored per field (title 1.5, text 1,
body name 0.3, each word by its best field), a synonym group as one word, adjacent words found
together adding a phrase score, rows holding only very common words left out.

What tantivy does natively: BM25, the document boost (kind, decision, preamble) as a
per-row weight, date order, counting matched items (their primary rows) and facet counts as
aggregations. Adjacent words are indexed as pair terms (the ``pairs`` field), so phrases and
nearness are term look-ups, as in the default engine. Paragraph and passage rows fold into
their item, and reprinted copies into one hit, by two integer columns (``unit``, ``fprint``)
read for the candidates only.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy
from whoosh import qparser
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import TEXT, Schema
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

from minutebook.model import DocKind

# Engine-neutral pieces of the default engine. The underscored ones are that module's helpers
# for the query language (rewriting, splitting filters, synonym units, snippets); importing them
# keeps one definition of the syntax for both engines.
from .index import (
    COMMON_SHARE,
    DECISION_BOOST,
    DISMAX_TIEBREAK,
    FACETS,
    FIELD_WEIGHTS,
    KIND_BOOST,
    MAX_QUERY_CHARS,
    OPEN_RETRIES,
    OPEN_RETRY_PAUSE,
    OPERATORS,
    PASSAGE_SEP,
    PHRASE_BOOST,
    PREAMBLE_BOOST,
    QUESTION_WORDS,
    RESULT_CACHE_SIZE,
    SCHEMA,
    SYNONYM_WEIGHT,
    SYNONYMS_FILE,
    WORD_RE,
    Hit,
    IndexedItem,
    QueryError,
    SearchResult,
    _exclusions_apply,
    _fingerprint,
    _is_plain,
    _make_parser,
    _map_free_text,
    _rewrite_query,
    _snippet,
    _split_filters,
    _stemmer,
    _units,
    expand_synonyms,
    load_synonyms,
    passages,
    strip_question_words,
)

INDEX_DIRNAME = "tantivy"
SCHEMA_FILE = "SCHEMA"
GENERATION_FILE = "GENERATION"
# Bump when a field's meaning changes without its declaration changing (see schema_fingerprint).
SCHEMA_VERSION = 1

# tantivy's built-in English analyzer (simple tokenizer, long tokens dropped, lower case, Snowball
# English stemmer); queries are analysed by the same chain built in Python
TEXT_TOKENIZER = "en_stem"
_TEXT_FIELDS = ("title", "content", "body")
# keyword fields hold exact values: lower-cased where people type them (person, org, action,
# outcome), the printed form where they are facets
_RAW_FIELDS = ("item_id", "document_id", "meeting_id", "unit_id", "number", "kind", "body_facet", "year",
               "person", "org", "person_facet", "org_facet", "action", "outcome", "has_action")
_FAST_RAW = frozenset({"kind", "body_facet", "year", "outcome", "person_facet", "org_facet", "has_action"})
_STORED_ONLY = ("path", "heading", "meeting_date")
# (name, kind, stored, fast): the whole schema, also what the fingerprint is made from
FIELDS: tuple[tuple[str, str, bool, bool], ...] = (
    *((name, "text", name in ("content", "body"), False) for name in _TEXT_FIELDS),
    # adjacent index terms of the text as one term each ("car_park park_barrier"): a phrase, or
    # query words standing together, is a term look-up rather than a walk over positions
    ("pairs", "pairs", False, False),
    *((name, "raw", name not in ("person", "org"), name in _FAST_RAW) for name in _RAW_FIELDS),
    *((name, "stored", True, False) for name in _STORED_ONLY),
    ("date", "int", True, True),        # YYYYMMDD, 0 when unknown: ranges and date order
    ("page_start", "int", True, False),
    ("unit", "int", False, True),       # hash of the item a row is shown as: folding and item counts
    # 1 on the row an item is shown by (not a paragraph or passage row): its text holds theirs, so
    # the items a positive query matches are the primary rows it matches
    ("primary", "int", False, False),
    ("fprint", "int", False, True),     # hash of number + text: reprinted copies fold into one hit
    ("boost", "float", False, True),    # kind x decision x preamble, multiplied into the score
)

# filter names (see FACETS) -> the field holding their exact values
_FILTER_FIELD = {"body": "body_facet", "person": "person", "org": "org", "outcome": "outcome",
                 "action": "action", "kind": "kind", "year": "year", "has_action": "has_action",
                 "body_facet": "body_facet", "number": "number"}
_LOWER_FILTERS = frozenset({"person", "org", "outcome", "action"})
_FACET_FIELD = {"person": "person_facet", "org": "org_facet"}
# a query's own words are read against these fields; whoosh-only fields (the pairs field) are
# served by phrase queries here
_PARSE_TEXT = frozenset({"title", "content", "body", "pairs"})

# a page of hits is read from this many candidates, more while folding leaves it short
MAX_FETCH = 5000
FACET_BUCKETS = 1000
# did-you-mean: documents read for candidate words near a misspelt one
SUGGEST_DOCS = 30


def schema_fingerprint(fields: Sequence[tuple[str, str, bool, bool]] = FIELDS) -> str:
    """A short hash of the field declarations plus :data:`SCHEMA_VERSION` and the tokenizer."""
    parts = [f"v{SCHEMA_VERSION}", TEXT_TOKENIZER] + [":".join(map(str, f)) for f in sorted(fields)]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


def build_schema() -> tantivy.Schema:
    """The tantivy schema declared by :data:`FIELDS`."""
    sb = tantivy.SchemaBuilder()
    for name, kind, stored, fast in FIELDS:
        if kind == "text":
            # the body name is matched word by word, never as a phrase: no positions
            sb.add_text_field(name, stored=stored, tokenizer_name=TEXT_TOKENIZER,
                              index_option="freq" if name == "body" else "position")
        elif kind == "pairs":
            sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq")
        elif kind == "raw":
            sb.add_text_field(name, stored=stored, fast=fast, tokenizer_name="raw", index_option="basic")
        elif kind == "stored":
            # tantivy has no stored-only text; a raw term per row is the cheapest index there is
            sb.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
        elif kind == "int":
            sb.add_integer_field(name, stored=stored, indexed=True, fast=fast)
        else:
            sb.add_float_field(name, stored=stored, indexed=False, fast=fast)
    return sb.build()


@lru_cache(maxsize=1)
def _analyzer() -> tantivy.TextAnalyzer:
    # the chain of tantivy's "en_stem" tokenizer, to turn query words into index terms
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("english")).build())


def analyze(text: str) -> list[str]:
    """The index terms of ``text`` in a text field (lower case, stemmed)."""
    return list(_analyzer().analyze(text))


@lru_cache(maxsize=1)
def _parser() -> qparser.QueryParser:
    """The default engine's query parser over a schema whose text fields only split and lower-case:
    the words it yields are analysed by tantivy's chain when the query is translated."""
    plain = RegexTokenizer() | LowercaseFilter()
    fields = {name: (TEXT(analyzer=plain) if name in _PARSE_TEXT else SCHEMA[name]) for name in SCHEMA.names()}
    return _make_parser(Schema(**fields))


def pairs(text: str) -> str:
    """The ``pairs`` field of a text: each two adjacent index terms joined by "_"."""
    terms = analyze(text)
    return " ".join(f"{a}_{b}" for a, b in zip(terms, terms[1:], strict=False))


def _hash64(value: str) -> int:
    # a signed 64-bit column value; collisions at 2**-63 per pair do not matter for folding
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big") >> 1


class _Open:
    """An index opened for one generation: its searcher and schema."""

    def __init__(self, path: Path, key: tuple[int, str]) -> None:
        self.key = key
        self.ix = tantivy.Index.open(str(path))
        self.schema = self.ix.schema
        self.searcher = self.ix.searcher()
        self.doc_count = int(self.searcher.num_docs)


class TantivySearchIndex:
    """A tantivy index of items on disk under ``data_dir/tantivy``; see :class:`search_app.index.SearchIndex`.

    One searcher per index generation is shared by every search; a ``GENERATION`` file beside
    the index (rewritten by every rebuild and update, in any process) tells a running server to
    reopen it. A ``SCHEMA`` file holds :func:`schema_fingerprint`: an index written with other
    fields is not healthy and is rebuilt from the store.
    """

    def __init__(self, data_dir: Path, synonyms: dict[str, list[str]] | None = None) -> None:
        self.dir = Path(data_dir) / INDEX_DIRNAME
        self.synonyms = synonyms if synonyms is not None else load_synonyms(
            SYNONYMS_FILE, Path(data_dir) / "synonyms.txt")
        self.schema = build_schema()
        self._open: _Open | None = None
        self._lock = threading.RLock()
        self.cache_size = RESULT_CACHE_SIZE
        self._cache: OrderedDict[tuple[object, ...], SearchResult] = OrderedDict()

    # -- lifecycle -------------------------------------------------------------------------
    def exists(self) -> bool:
        """True when an index is there (it may still be unreadable: see :meth:`is_healthy`)."""
        return self.dir.is_dir() and (self.dir / "meta.json").exists()

    def is_current_schema(self) -> bool:
        """True when the index was written with this module's fields (its fingerprint file matches)."""
        try:
            return (self.dir / SCHEMA_FILE).read_text().strip() == schema_fingerprint()
        except OSError:
            return False

    def is_healthy(self) -> bool:
        """True when the index has this module's schema, opens, and its rows can be read."""
        if not self.exists() or not self.is_current_schema():
            return False
        for attempt in range(OPEN_RETRIES):
            try:
                op = _Open(self.dir, (0, ""))
                res = op.searcher.search(tantivy.Query.all_query(), limit=1, count=False)
                for _, addr in res.hits:
                    op.searcher.doc(addr)
                return True
            except ValueError:
                # a commit in another process removed the files just listed: look again
                if attempt == OPEN_RETRIES - 1:
                    return False
                time.sleep(OPEN_RETRY_PAUSE)
            except Exception:  # noqa: BLE001 - any failure to read means rebuild
                return False
        return False

    def generation(self) -> int | None:
        """The store generation the index was last brought up to, or None."""
        try:
            return int((self.dir / GENERATION_FILE).read_text())
        except (OSError, ValueError):
            return None

    def _set_generation(self, generation: int) -> None:
        tmp = self.dir / (GENERATION_FILE + ".tmp")
        tmp.write_text(str(generation))
        tmp.replace(self.dir / GENERATION_FILE)

    def _key(self) -> tuple[int, str]:
        marker = self.dir / GENERATION_FILE
        try:
            return marker.stat().st_mtime_ns, marker.read_text()
        except OSError:
            return 0, ""

    def _opened(self) -> _Open:
        """The shared searcher, reopened when a rebuild or update changed the index. Hold ``_lock``."""
        key = self._key()
        cur = self._open
        if cur is not None and cur.key == key and key != (0, ""):
            return cur
        self._open = None
        self._cache.clear()
        for attempt in range(OPEN_RETRIES):
            try:
                self._open = _Open(self.dir, key)
                return self._open
            except ValueError:
                # opened between a commit writing its meta file and the old segments going away
                if attempt == OPEN_RETRIES - 1:
                    raise
                time.sleep(OPEN_RETRY_PAUSE)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Drop the shared searcher; the next search opens a fresh one."""
        with self._lock:
            self._open = None

    def rebuild(self, items: Iterable[IndexedItem], generation: int) -> int:
        """Replace every item with ``items``. Returns the item count.

        A healthy index is replaced by one commit (searches meanwhile see the old items or the
        new ones); a missing, unreadable or other-schema index is built beside and swapped in.
        """
        if self.is_healthy():
            ix = tantivy.Index.open(str(self.dir))
            n = self._write(ix, items, clear=True)
        else:
            tmp = self.dir.with_name(INDEX_DIRNAME + ".new")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            n = self._write(tantivy.Index(self.schema, path=str(tmp), reuse=False), items, clear=False)
            (tmp / SCHEMA_FILE).write_text(schema_fingerprint())
            old = self.dir.with_name(INDEX_DIRNAME + ".old")
            shutil.rmtree(old, ignore_errors=True)
            with self._lock:
                self._open = None
                if self.dir.exists():
                    self.dir.rename(old)
                tmp.rename(self.dir)
            shutil.rmtree(old, ignore_errors=True)
        self._set_generation(generation)
        return n

    def update(self, remove_documents: Sequence[str], items: Iterable[IndexedItem], generation: int) -> None:
        """Delete the given documents' items and add ``items``, in one commit."""
        ix = tantivy.Index.open(str(self.dir))
        w = ix.writer(heap_size=128_000_000, num_threads=1)
        for doc_id in remove_documents:
            w.delete_documents_by_term("document_id", doc_id)
        for it in items:
            for doc in self._rows(it):
                w.add_document(doc)
        w.commit()
        w.wait_merging_threads()
        self._set_generation(generation)

    def _write(self, ix: tantivy.Index, items: Iterable[IndexedItem], clear: bool) -> int:
        # two threads: the machines this runs on have few cores, and a server is searching meanwhile
        w = ix.writer(heap_size=256_000_000, num_threads=2)
        n = 0
        try:
            if clear:
                w.delete_all_documents()
            for it in items:
                for doc in self._rows(it):
                    w.add_document(doc)
                n += 1
        except BaseException:
            w.rollback()
            raise
        w.commit()
        w.wait_merging_threads()
        return n

    @staticmethod
    def _rows(it: IndexedItem) -> Iterable[tantivy.Document]:
        """One item's row, and one row per passage of a long item (as the default engine writes)."""
        date = it.meeting_date.replace("-", "")
        boost = KIND_BOOST.get(DocKind(it.kind), 1.0) if it.kind in DocKind._value2member_map_ else 1.0
        boost *= (DECISION_BOOST if it.outcomes else 1.0) * (PREAMBLE_BOOST if it.preamble else 1.0)
        unit_id = it.unit_id or it.item_id
        shared: dict[str, Any] = dict(
            document_id=it.document_id, meeting_id=it.meeting_id, path=it.path, unit_id=unit_id,
            unit=_hash64(unit_id), number=it.number, heading=it.title, kind=it.kind, body=it.body,
            meeting_date=it.meeting_date, date=int(date) if date.isdigit() else 0, boost=boost,
            person=[p.lower() for p in it.people], org=[o.lower() for o in it.organisations],
            person_facet=list(it.people), org_facet=list(it.organisations),
            action=[a.lower() for a in it.action_ids], outcome=[o.lower() for o in it.outcomes],
            has_action="yes" if it.action_ids else "no",
        )
        if date[:4].isdigit():
            shared["year"] = date[:4]
        if it.body:
            shared["body_facet"] = it.body
        if not it.item_id.endswith(".-1"):  # a preamble's title names the meeting, not a subject
            shared["title"] = it.title
        yield tantivy.Document(item_id=it.item_id, content=it.text, pairs=pairs(it.text), page_start=it.page_start,
                               fprint=_hash64(_fingerprint(it.number, it.text)), primary=0 if it.unit_id else 1,
                               **shared)
        for k, (offset, text) in enumerate(passages(it.text)):
            yield tantivy.Document(item_id=f"{it.item_id}{PASSAGE_SEP}{k}", content=text, pairs=pairs(text),
                                   page_start=it.page_at(offset), fprint=_hash64(_fingerprint(it.number, text)),
                                   primary=0, **shared)

    def doc_count(self) -> int:
        """How many rows the index holds (paragraph, passage and preamble rows included)."""
        with self._lock:
            return self._opened().doc_count

    # -- search ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, offset: int = 0, sort: str = "relevance",
               filters: dict[str, str] | None = None, facets: bool = False) -> SearchResult:
        """Item-level search, best first (or newest first with ``sort="date"``).

        The same contract as :meth:`search_app.index.SearchIndex.search`: ``total`` and facet
        counts count items, not rows (exactly, or for a query with NOT within about 1%: see
        :meth:`_count_items`); hits fold paragraphs, passages and reprints.
        """
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        with self._lock:
            op = self._opened()
            key = (query, tuple(sorted((filters or {}).items())), sort, offset, limit, facets, op.key)
            cached = self._cache.get(key)
            if cached is None:
                cached = self._search(op, query, limit, offset, sort, filters, facets)
                if self.cache_size > 0:
                    self._cache[key] = cached
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
            return SearchResult(query=cached.query, total=cached.total, hits=list(cached.hits),
                                facets={k: list(v) for k, v in cached.facets.items()},
                                suggestion=cached.suggestion)

    def _search(self, op: _Open, query: str, limit: int, offset: int, sort: str,
                filters: dict[str, str] | None, facets: bool) -> SearchResult:
        rest, filter_parts = _split_filters(strip_question_words(_rewrite_query(query)))
        tq = _Translator(op, self.synonyms)
        try:
            if rest.strip() and _is_plain(rest):
                q = tq.free_text(rest)
            else:
                q = tq.translate(self._parse(rest))
            narrowing = [tq.translate(self._parse(part)) for part in filter_parts]
            narrowing.extend(_filter_queries(op.schema, filters))
        except (ValueError, TypeError) as exc:  # tantivy's refusal of a term, a regex, a range
            raise QueryError(f"cannot read the query: {exc}") from exc
        if narrowing:
            # filters narrow without scoring, as in the default engine
            q = tantivy.Query.boolean_query([(tantivy.Occur.Must, q)] + [
                (tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in narrowing])
        by_date = sort == "date" or not rest.strip()  # nothing to score: newest first
        ranked = self._rank(op, q, by_date, offset + limit)
        hits = [self._hit(op, addr, score, tq.marks) for addr, score in ranked[offset:offset + limit]]
        total = self._count_items(op, q, tq.negated)
        facet_counts = self._facets(op, q, tq.negated) if facets else {}
        return SearchResult(query=query, total=total, hits=hits, facets=facet_counts,
                            suggestion=self._suggest(query, op))

    def _parse(self, text: str) -> Query:
        """The query language (already rewritten) as the default engine's parser reads it."""
        if not text.strip():
            return Every()
        try:
            q = _parser().parse(expand_synonyms(text, self.synonyms))
        except Exception as exc:  # noqa: BLE001 - whoosh's parser raises many kinds on odd input
            raise QueryError(f"cannot read the query: {exc}") from exc
        return _exclusions_apply(q)

    @staticmethod
    def _rank(op: _Open, q: tantivy.Query, by_date: bool, want: int) -> list[tuple[Any, float]]:
        """The best ``want`` shown items (folded), as (row address, score).

        Best first by BM25 x document boost, equal scores (to 3 places) to the newer meeting; or
        newest first. Candidates are read until the folded page is full and no row left unread
        could tie with its last hit.
        """
        s = op.searcher
        fetch = first = min(want * 3 + 10, MAX_FETCH)
        while True:
            # no count here: counting every match costs more than finding the best (see _count_items)
            if by_date:
                res = s.search(q, limit=fetch, count=False, order_by_field="date", order=tantivy.Order.Desc)
            else:
                res = s.search(q, limit=fetch, count=False, weight_by_field="boost")
            addrs = [a for _, a in res.hits]
            dates = s.fast_field_values("date", addrs)
            units = s.fast_field_values("unit", addrs)
            prints = s.fast_field_values("fprint", addrs)
            cands = [(a, 0.0 if by_date else float(sc), int(d or 0), u, f)
                     for (sc, a), d, u, f in zip(res.hits, dates, units, prints, strict=True)]
            if not by_date:
                cands.sort(key=lambda c: (-round(c[1], 3), -c[2]))
            ranked: list[tuple[Any, float]] = []
            seen: set[tuple[str, object]] = set()
            for addr, score, _, unit, fp in cands:
                keys = (("u", unit), ("f", fp))
                if any(k in seen for k in keys):
                    continue  # another row of an item already shown, or a reprint of it
                seen.update(keys)
                ranked.append((addr, score))
            more = len(addrs) >= fetch and fetch < MAX_FETCH
            # a row not yet read may tie with the page's last hit, and ties go to the newer meeting:
            # read one wider window (tantivy breaks ties by row order, not date); not more, as a
            # page whose rows all tie (boilerplate items) would otherwise read thousands
            tie_open = (not by_date and more and len(ranked) >= want and fetch <= first
                        and round(cands[-1][1], 3) >= round(ranked[want - 1][1], 3))
            if (len(ranked) >= want and not tie_open) or not more:
                return ranked
            fetch = min(fetch * 4, MAX_FETCH)

    @staticmethod
    def _primary(op: _Open, q: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Must, q),
            (tantivy.Occur.Must, tantivy.Query.term_query(op.schema, "primary", 1))])

    def _count_items(self, op: _Open, q: tantivy.Query, negated: bool) -> int:
        """How many items the matched rows are shown as.

        A positive query matches an item's own row whenever it matches one of its paragraph or
        passage rows (that row's text and values are within the item's), so the matched primary
        rows are the items, counted exactly without scoring. A negation breaks that (a passage
        can lack the word its item has): tantivy's estimate of the distinct units stands in,
        exact for small counts and within about 1% above a thousand.
        """
        if negated:
            return round(op.searcher.cardinality(q, "unit"))
        res = op.searcher.search(self._primary(op, q), limit=1, count=True, order_by_field="date")
        return int(getattr(res, "count", 0) or 0)  # set when count=True; not in tantivy's stubs

    def _facets(self, op: _Open, q: tantivy.Query, negated: bool) -> dict[str, list[tuple[str, int]]]:
        """Per facet, (value, items) best first: terms aggregations over the matched items (see
        :meth:`_count_items`)."""
        sub = {"aggs": {"items": {"cardinality": {"field": "unit"}}}} if negated else {}
        aggs = {name: {"terms": {"field": _FACET_FIELD.get(name, name), "size": FACET_BUCKETS}, **sub}
                for name in FACETS}
        got = op.searcher.aggregate(q if negated else self._primary(op, q), aggs)
        out: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            counts = Counter({str(b["key"]): round(b["items"]["value"] if negated else b["doc_count"])
                              for b in got.get(name, {}).get("buckets", []) if str(b["key"])})
            out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return out

    @staticmethod
    def _hit(op: _Open, addr: Any, score: float, marks: set[str]) -> Hit:
        doc = op.searcher.doc(addr)

        def get(name: str, default: Any = "") -> Any:
            value = doc.get_first(name)
            return default if value is None else value

        return Hit(
            document_id=get("document_id"), path=get("path"), item_id=get("unit_id") or get("item_id"),
            item_number=get("number"), title=get("heading"), kind=get("kind"), body=get("body"),
            meeting_date=get("meeting_date") or None, page_start=int(get("page_start", 1) or 1),
            score=round(score, 3), snippet=_snippet(get("content"), marks), meeting_id=get("meeting_id"),
        )

    def _suggest(self, query: str, op: _Open) -> str | None:
        """The query with each word that no item contains replaced by the closest word that one does."""
        changed = False

        def word(m: re.Match[str]) -> str:
            nonlocal changed
            w = m.group(0)
            low = w.lower()
            if (len(low) < 4 or not low.isalpha() or w in OPERATORS or low in QUESTION_WORDS
                    or low in self.synonyms):
                return w
            terms = analyze(low)
            if not terms or op.searcher.doc_freq("content", terms[0]):
                return w
            found = _closest_word(op, low, terms[0])
            if found is None:
                return w
            changed = True
            return found

        fixed = _map_free_text(query, lambda text: re.sub(r"[A-Za-z]+", word, text))
        return fixed if changed and fixed != query else None

    def more_like(self, item_id: str, limit: int = 5) -> list[Hit]:
        """Items like the given one (by its most distinctive words), from other documents.

        Copies of the same text in another document (a reprinted set of minutes) are left out.
        """
        with self._lock:
            op = self._opened()
            s = op.searcher
            res = s.search(tantivy.Query.term_query(op.schema, "item_id", item_id), limit=1, count=False)
            if not res.hits:
                return []
            doc = s.doc(res.hits[0][1])
            own = " ".join(str(doc.get_first("content") or "").split())
            like = tantivy.Query.more_like_this_document_fields_query(
                op.schema, {"content": f"{doc.get_first('heading') or ''}\n{own}"}, min_doc_frequency=1,
                min_term_frequency=1, max_query_terms=12, min_word_length=2)
            q = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, like),
                (tantivy.Occur.MustNot, tantivy.Query.term_query(op.schema, "document_id",
                                                                 doc.get_first("document_id"))),
            ])
            hits: list[Hit] = []
            seen: set[object] = {own}
            units: set[str] = set()
            for score, addr in s.search(q, limit=limit * 3 + 5, count=False).hits:
                other = s.doc(addr)
                text = " ".join(str(other.get_first("content") or "").split())
                unit = str(other.get_first("unit_id"))
                fp = _fingerprint(str(other.get_first("number") or ""), text)
                if text in seen or unit in units or fp in seen:
                    continue  # a copy of this text, or another row (paragraph, passage) of a hit
                seen.update((text, fp))
                units.add(unit)
                hits.append(self._hit(op, addr, float(score), set()))
                if len(hits) >= limit:
                    break
            return hits


class _Translator:
    """Builds tantivy queries for one search, collecting the words to mark in snippets."""

    def __init__(self, op: _Open, synonyms: dict[str, list[str]]) -> None:
        self.op = op
        self.schema = op.schema
        self.synonyms = synonyms
        self.marks: set[str] = set()
        self.negated = False  # a NOT anywhere: see TantivySearchIndex._count_items

    def _mark(self, words: Iterable[str]) -> None:
        # snippets mark by the default engine's stems (see search_app.index._snippet)
        stem = _stemmer()
        for w in words:
            for tok in re.findall(r"\w+", w.lower()):
                self.marks.update((tok, stem(tok)))

    def _text_term(self, field: str, text: str) -> tantivy.Query:
        """Words in one text field: one word as itself; several (a phrase, a hyphenated run) where
        they stand together: in the text each adjacent pair (the ``pairs`` field, scored with the
        words), in a title by positions, in a body name all of them."""
        Q, Oc = tantivy.Query, tantivy.Occur  # noqa: N806
        terms = analyze(text)
        if not terms:
            return Q.empty_query()
        if len(terms) == 1:
            return Q.term_query(self.schema, field, terms[0])
        if field == "title":
            return Q.phrase_query(self.schema, field, list[str | tuple[int, str]](terms))
        words = [(Oc.Must if field == "body" else Oc.Should, Q.term_query(self.schema, field, t)) for t in terms]
        if field == "body":
            return Q.boolean_query(words)
        together = [(Oc.Must, Q.term_query(self.schema, "pairs", f"{a}_{b}"))
                    for a, b in dict.fromkeys(zip(terms, terms[1:], strict=False))]
        return Q.boolean_query(together + words)

    def _fields(self, form: str) -> tantivy.Query:
        """One word by its best field, a little for the others; a multi-word form as a phrase."""
        if len(analyze(form)) > 1:
            return self._text_term("content", form)
        per_field = [tantivy.Query.boost_query(self._text_term(f, form), w) for f, w in FIELD_WEIGHTS.items()]
        return tantivy.Query.disjunction_max_query(per_field, tie_breaker=DISMAX_TIEBREAK)

    def free_text(self, text: str) -> tantivy.Query:
        """Plain words: each (or its synonym group, the best form counting) by its best field;
        adjacent typed words standing together add a phrase score; rows that only hold words
        found in more than :data:`COMMON_SHARE` of rows are left out."""
        s = self.op.searcher
        limit = max(50, COMMON_SHARE * self.op.doc_count)
        units, rare = [], []
        for forms in _units(text, self.synonyms):
            self._mark(forms)
            alts = [self._fields(f) if i == 0 else tantivy.Query.boost_query(self._fields(f), SYNONYM_WEIGHT)
                    for i, f in enumerate(forms)]
            unit = alts[0] if len(alts) == 1 else tantivy.Query.disjunction_max_query(alts, tie_breaker=0.0)
            units.append(unit)
            # how many rows hold the unit, from term statistics (no search): the text holds the
            # title, so the largest field's count is close to the rows holding the word anywhere
            df = max((s.doc_freq(f, t) for form in forms for t in analyze(form)[:1] for f in _TEXT_FIELDS),
                     default=0)
            if df <= limit:
                rare.append(unit)
        clauses = [(tantivy.Occur.Should, u) for u in units]
        words = analyze(" ".join(WORD_RE.findall(text)))
        for a, b in dict.fromkeys(zip(words, words[1:], strict=False)):
            together = tantivy.Query.term_query(self.schema, "pairs", f"{a}_{b}")
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(together, PHRASE_BOOST)))
        if rare and len(rare) < len(units):
            # at least one rare word must be there; the common ones only re-rank
            any_rare = tantivy.Query.boolean_query([(tantivy.Occur.Should, u) for u in rare])
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(any_rare, 0.0)))
        return tantivy.Query.boolean_query(clauses)

    def translate(self, q: Query) -> tantivy.Query:
        """A parsed query (whoosh's nodes, as the default engine's parser makes them) in tantivy's terms."""
        Q, Oc = tantivy.Query, tantivy.Occur  # noqa: N806 - short names for a long expression
        boost = float(getattr(q, "boost", 1.0) or 1.0)
        out: tantivy.Query
        if isinstance(q, Term):
            out = self._term(q.fieldname, q.text)
        elif isinstance(q, Phrase):
            words = [str(w) for w in q.words]
            if q.fieldname in _PARSE_TEXT:
                self._mark(words)
                field = "content" if q.fieldname == "pairs" else q.fieldname
                out = self._text_term(field, " ".join(words))
            else:
                out = self._term(q.fieldname, " ".join(words))
        elif isinstance(q, Prefix):
            field = "content" if q.fieldname == "pairs" else q.fieldname
            if field not in self._indexed():
                out = Q.empty_query()
            else:
                out = Q.regex_query(self.schema, field, re.escape(str(q.text).lower()) + ".*")
        elif isinstance(q, TermRange):
            out = self._range(q)
        elif isinstance(q, Every):
            out = Q.all_query()
        elif q is NullQuery or type(q).__name__ == "_NullQuery":
            out = Q.empty_query()
        elif isinstance(q, Not):
            self.negated = True
            out = Q.boolean_query([(Oc.Must, Q.all_query()), (Oc.MustNot, self.translate(q.query))])
        elif isinstance(q, AndNot):
            self.negated = True
            out = Q.boolean_query([(Oc.Must, self.translate(q.a)), (Oc.MustNot, self.translate(q.b))])
        elif isinstance(q, AndMaybe):
            out = Q.boolean_query([(Oc.Must, self.translate(q.a)), (Oc.Should, self.translate(q.b))])
        elif isinstance(q, Require):
            out = Q.boolean_query([(Oc.Must, self.translate(q.a)),
                                   (Oc.Must, Q.const_score_query(self.translate(q.b), 0.0))])
        elif isinstance(q, DisjunctionMax):
            subs = [self.translate(s) for s in q.subqueries]
            out = Q.disjunction_max_query(subs, tie_breaker=q.tiebreak) if subs else Q.empty_query()
        elif isinstance(q, And):
            subs = [self.translate(s) for s in q.subqueries]
            out = Q.boolean_query([(Oc.Must, s) for s in subs]) if subs else Q.empty_query()
        elif isinstance(q, Or):
            subs = [self.translate(s) for s in q.subqueries]
            out = Q.boolean_query([(Oc.Should, s) for s in subs]) if subs else Q.empty_query()
        else:
            raise QueryError(f"cannot read the query: {type(q).__name__} is not supported")
        return Q.boost_query(out, boost) if boost != 1.0 else out

    def _indexed(self) -> frozenset[str]:
        return frozenset(name for name, kind, _, _ in FIELDS if kind in ("text", "raw"))

    def _term(self, fname: str, text: str | bytes) -> tantivy.Query:
        value = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        field = "content" if fname == "pairs" else fname
        if field in _TEXT_FIELDS:
            if field != "body":  # the body name is not what a snippet shows
                self._mark([value])
            return self._text_term(field, value)
        if field == "date":
            return tantivy.Query.term_query(self.schema, "date", int(value)) if value.isdigit() else \
                tantivy.Query.empty_query()
        if field not in self._indexed():
            return tantivy.Query.empty_query()
        return tantivy.Query.term_query(self.schema, field, value.lower() if field in _LOWER_FILTERS else value)

    def _range(self, q: TermRange) -> tantivy.Query:
        if q.fieldname == "date":
            lo = int(q.start) if q.start and str(q.start).isdigit() else 0
            hi = int(q.end) if q.end and str(q.end).isdigit() else 99999999
            # an unknown date (0) is in no range
            return tantivy.Query.range_query(self.schema, "date", tantivy.FieldType.Integer, max(lo, 1), hi,
                                             include_lower=not q.startexcl, include_upper=not q.endexcl)
        if q.fieldname in self._indexed():
            return tantivy.Query.range_query(self.schema, q.fieldname, tantivy.FieldType.Text,
                                             str(q.start or ""), str(q.end or "\uffff"),
                                             include_lower=not q.startexcl, include_upper=not q.endexcl,
                                             use_inverted_index=True)
        return tantivy.Query.empty_query()


def _filter_queries(schema: tantivy.Schema, filters: dict[str, str] | None) -> list[tantivy.Query]:
    """The ``filters`` argument (facet names, exact values) as term queries."""
    out = []
    for name, value in (filters or {}).items():
        field = _FILTER_FIELD.get(name)
        if not value or field is None:
            continue
        out.append(tantivy.Query.term_query(schema, field, value.lower() if name in _LOWER_FILTERS else value))
    return out


_WORD_IN_TEXT_RE = re.compile(r"[A-Za-z]+")


def _closest_word(op: _Open, word: str, term: str) -> str | None:
    """A word of the index within two edits of ``word`` (same first letter), the most common of the
    closest; read from the texts of rows a fuzzy query on the word's stem finds."""
    fuzzy = tantivy.Query.fuzzy_term_query(op.schema, "content", term, distance=2)
    found: Counter[str] = Counter()
    for _, addr in op.searcher.search(fuzzy, limit=SUGGEST_DOCS, count=False).hits:
        text = str(op.searcher.doc(addr).get_first("content") or "")
        for w in _WORD_IN_TEXT_RE.findall(text):
            low = w.lower()
            if low[0] == word[0] and low != word and abs(len(low) - len(word)) <= 2:
                found[low] += 1
    best: tuple[int, int, str] | None = None
    for cand, count in found.items():
        d = _edit_distance(word, cand)
        if d <= 2 and (best is None or (d, -count, cand) < best):
            best = (d, -count, cand)
    return best[2] if best else None


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, a transposition counting one (as tantivy's fuzzy query counts it)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
