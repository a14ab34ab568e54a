"""The search index on PostgreSQL full-text search: the same interface as :class:`SearchIndex`.

Items are rows of ``search_items`` with a generated ``tsvector`` (english configuration;
weights: item title A, text B, body name C) under a GIN index. The query language is read
here into a ``tsquery`` built from ``websearch_to_tsquery`` pieces (words, "phrases", OR,
NOT/-, prefix*, ``title:``) and SQL conditions for the typed filters (``kind:``, ``body:``,
``person:``, ``org:``, ``action:``, ``outcome:``, ``number:``, ``date:2019..2021``, "since
2020"). Ranking is ``ts_rank_cd`` times the same document boosts as the embedded index
(minutes above agendas, decisions up, preambles down). Snippets come from ``ts_headline``.

As in the embedded index, adjacent words are ORed (an item with more of them ranks higher),
numbered paragraphs are shown as their item, and reprinted copies fold into one hit.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import psycopg
from psycopg import sql

from minutebook.model import DocKind

from .index import (
    DECISION_BOOST,
    KIND_BOOST,
    MAX_QUERY_CHARS,
    PREAMBLE_BOOST,
    QUESTION_WORDS,
    SINCE_RE,
    SYNONYMS_FILE,
    Hit,
    IndexedItem,
    QueryError,
    SearchResult,
    expand_synonyms,
    load_synonyms,
    strip_question_words,
)

TABLE = "search_items"
TERMS = "search_terms"  # each lexeme's item count, from the last rebuild
# a word in more than this share of items only re-ranks what rarer words match (as in SearchIndex)
COMMON_SHARE = 0.06
STATE = "search_state"
# ts_rank weights in the order {D, C, B, A}: title 1.0, text 0.67, body name 0.2 (the embedded
# index weighs title 1.5, text 1, body 0.3)
RANK_WEIGHTS = "{0.05, 0.2, 0.67, 1.0}"
# divide the rank by 1 + log(length): a long report must not win on sheer repetition
RANK_NORMALISATION = 1
FACET_COLUMNS = {"kind": "kind", "body_facet": "body", "year": "year", "has_action": "has_action"}
FACET_ARRAYS = {"outcome": "outcomes", "person": "people", "org": "orgs"}
FACETS = ("kind", "body_facet", "year", "outcome", "person", "org", "has_action")
SNIPPET_CHARS = 240
HEADLINE_CHARS = 10000
# ts_headline marks matches with these private-use characters; the text is escaped for HTML
# afterwards and only then are they turned into <mark> tags, so no document text ever reaches
# the page unescaped (ts_headline itself escapes nothing)
START_SEL, STOP_SEL = "\ue000", "\ue001"
HEADLINE_OPTIONS = (f"StartSel={START_SEL}, StopSel={STOP_SEL}, MaxWords=40, MinWords=20, ShortWord=2, "
                    "MaxFragments=2, FragmentDelimiter=\" … \"")

COLUMNS = ("item_id", "document_id", "meeting_id", "unit_id", "fingerprint", "path", "number", "heading",
           "title", "content", "kind", "body", "meeting_date", "date", "year", "page_start", "people", "orgs",
           "actions", "outcomes", "has_action", "boost")

CREATE_TABLE = """
CREATE TABLE {table} (
    item_id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    meeting_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,          -- the item a hit is shown as
    fingerprint TEXT NOT NULL,      -- number + text, to fold reprinted copies into one hit
    path TEXT NOT NULL,
    number TEXT NOT NULL,
    heading TEXT NOT NULL,          -- the title as shown
    title TEXT NOT NULL,            -- the title as searched ('' for a preamble)
    content TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    date INTEGER NOT NULL,          -- YYYYMMDD, 0 when unknown
    year TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    people TEXT[] NOT NULL,
    orgs TEXT[] NOT NULL,
    actions TEXT[] NOT NULL,        -- lower case
    outcomes TEXT[] NOT NULL,
    has_action TEXT NOT NULL,
    boost REAL NOT NULL,
    tsv TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', content), 'B')
        || setweight(to_tsvector('english', body), 'C')) STORED
)
"""

# -- the query language ---------------------------------------------------------------------------
FIELD_ALIASES = {"org": "org", "organisation": "org", "organization": "org", "person": "person",
                 "people": "person", "action": "action", "kind": "kind", "body": "body", "body_facet": "body",
                 "number": "number", "year": "year", "outcome": "outcome", "date": "date",
                 "has_action": "has_action"}
TEXT_FIELDS = {"title": "A", "text": "B", "content": "B"}
FILTER_RE = re.compile(
    r"""(?<![\w:])(?P<neg>NOT\s+|-)?              # an optional negation
        (?P<field>[A-Za-z_]+):                    # a field name
        (?P<value>"[^"]*"|[^\s()]+)               # its value: quoted or a bare word""",
    re.X,
)
DATE_VALUE_RE = re.compile(
    r"""^(?P<a>\d{4}(?:-\d{2}(?:-\d{2})?)?)          # start: year, year-month or full date
        (?P<range>\.\.(?P<b>\d{4}(?:-\d{2}(?:-\d{2})?)?)?)?$  # optional ..end (open when empty)""",
    re.X,
)
TOKEN_RE = re.compile(
    r"""  (?P<lp>\() | (?P<rp>\))                        # grouping
        | (?P<neg>-)?"(?P<phrase>[^"]*)"?               # a quoted phrase (closing quote optional)
        | (?P<tfield>title|text|content):(?P<tvalue>[\w'’\-]+)  # a word in one text field
        | (?P<word>-?[\w'’.\-]+\*?)                     # a word, maybe negated or a prefix""",
    re.X | re.I,
)


@dataclass
class _Q:
    """A parsed query: SQL conditions and parameters, plus the tsquery SQL for ranking."""

    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    ts: str | None = None  # SQL expression of the positive tsquery (ranks and marks)
    ts_params: list[Any] = field(default_factory=list)


def _date_bound(value: str, end: bool) -> int:
    parts = value.split("-")
    if len(parts) == 1:
        return int(parts[0] + ("1231" if end else "0101"))
    if len(parts) == 2:
        return int(parts[0] + parts[1] + ("31" if end else "01"))
    return int("".join(parts))


def _filter_condition(name: str, value: str) -> tuple[str, list[Any]] | None:
    """A SQL condition for one typed filter, or None for a value that cannot be one."""
    value = value.strip('"')
    if name == "date":
        m = DATE_VALUE_RE.match(value)
        if not m:
            raise QueryError(f"cannot read the date filter {value!r} (use date:2023 or date:2019..2021)")
        lo = _date_bound(m.group("a"), False)
        hi = 99991231 if m.group("range") and not m.group("b") else _date_bound(m.group("b") or m.group("a"), True)
        return "date BETWEEN %s AND %s", [lo, hi]
    if name in ("person", "org"):
        # a name as printed ("Alan Smith"), or one word of it ("smith")
        col = FACET_ARRAYS[name]
        return (f"EXISTS (SELECT 1 FROM unnest({col}) v WHERE lower(v) = %s"
                f" OR %s = ANY(regexp_split_to_array(lower(v), '\\s+')))"), [value.lower(), value.lower()]
    if name == "action":
        return "%s = ANY(actions)", [value.lower()]
    if name == "outcome":
        return "%s = ANY(outcomes)", [value.lower()]
    if name == "body":
        return "lower(body) = %s", [value.lower()]
    if name == "kind":
        return "kind = %s", [value.lower()]
    if name in ("number", "year", "has_action"):
        return f"{name} = %s", [value]
    return None


def _split_filters(query: str) -> tuple[str, list[tuple[str, list[Any]]]]:
    """The free text of a query, and a SQL condition for each typed filter in it."""
    conds: list[tuple[str, list[Any]]] = []

    def since(m: re.Match[str]) -> str:
        year, rel = int(m.group("year")), m.group("op").lower()
        lo, hi = {"since": (year * 10000 + 101, 99991231), "after": ((year + 1) * 10000 + 101, 99991231),
                  "before": (1, (year - 1) * 10000 + 1231), "until": (1, year * 10000 + 1231)}[rel]
        conds.append(("date BETWEEN %s AND %s", [lo, hi]))
        return " "

    def take(m: re.Match[str]) -> str:
        name = FIELD_ALIASES.get(m.group("field").lower())
        if name is None:
            return m.group(0)
        cond = _filter_condition(name, m.group("value"))
        if cond is None:
            return " "
        if m.group("neg"):
            cond = (f"NOT ({cond[0]})", cond[1])
        conds.append(cond)
        return " "

    rest = FILTER_RE.sub(take, query)
    rest = SINCE_RE.sub(since, rest)
    # an operator left dangling by a removed filter ("budget AND kind:minutes")
    rest = re.sub(r"^\s*(?:AND|OR)\b|\b(?:AND|OR|NOT)\s*$", " ", rest.strip())
    return " ".join(rest.split()), conds


_Node = tuple[str, Any]  # ("leaf", (sql, params)) | ("or", [nodes]) | ("and", [nodes]) | ("not", node)


def _leaf(kind: str, text: str, weight: str = "") -> _Node | None:
    """One word, prefix or phrase as a tsquery SQL expression (None when nothing is left of it)."""
    if kind == "phrase":
        words = re.findall(r"[\w'’\-]+", text)
        if not words:
            return None
        return "leaf", ("websearch_to_tsquery('english', %s)", ['"' + " ".join(words) + '"'])
    word = re.sub(r"[^\w\-]", "", text.replace("’", "'").replace("'", ""))
    if not word.strip("-_"):
        return None
    if kind == "prefix":
        # to_tsquery reads its own syntax: only a bare word goes in, with :* appended here
        safe = re.sub(r"\W", "", word)
        return ("leaf", ("to_tsquery('english', %s)", [safe + ":*"])) if safe else None
    if weight:
        safe = re.sub(r"\W", "", word)
        return ("leaf", ("to_tsquery('english', %s)", [f"{safe}:{weight}"])) if safe else None
    return "leaf", ("websearch_to_tsquery('english', %s)", [word])


def _parse(text: str) -> _Node | None:
    """The words, phrases, groups and operators of ``text`` as a small tree.

    Adjacent terms are ORed, AND binds tighter than OR, NOT and a leading ``-`` negate, and an
    unbalanced parenthesis is forgiven (people type queries, not programs).
    """
    toks: list[tuple[str, Any]] = []
    for m in TOKEN_RE.finditer(text):
        if m.group("lp"):
            toks.append(("(", None))
        elif m.group("rp"):
            toks.append((")", None))
        elif m.group("phrase") is not None:
            node = _leaf("phrase", m.group("phrase"))
            toks.append(("term", ("not", node) if node and m.group("neg") else node))
        elif m.group("tfield"):
            toks.append(("term", _leaf("word", m.group("tvalue"), TEXT_FIELDS[m.group("tfield").lower()])))
        else:
            w = m.group("word")
            if w in ("AND", "OR", "NOT"):
                toks.append((w, None))
                continue
            neg = w.startswith("-") and len(w) > 1
            w = w.lstrip("-") if neg else w
            node = _leaf("prefix", w[:-1]) if w.endswith("*") else _leaf("word", w)
            toks.append(("term", ("not", node) if node and neg else node))
    pos = 0

    def peek() -> str | None:
        return toks[pos][0] if pos < len(toks) else None

    def unary() -> _Node | None:
        nonlocal pos
        kind = peek()
        if kind == "NOT":
            pos += 1
            inner = unary()
            return ("not", inner) if inner else None
        if kind == "(":
            pos += 1
            inner = disjunction()
            if peek() == ")":
                pos += 1
            return inner
        if kind in ("term",):
            pos += 1
            return toks[pos - 1][1]
        pos += 1  # a stray operator or ")": skip it
        return None

    def conjunction() -> _Node | None:
        nonlocal pos
        parts = [unary()]
        while peek() == "AND":
            pos += 1
            parts.append(unary())
        kept = [p for p in parts if p]
        return None if not kept else kept[0] if len(kept) == 1 else ("and", kept)

    def disjunction() -> _Node | None:
        nonlocal pos
        parts = []
        while pos < len(toks) and peek() != ")":
            if peek() == "OR":
                pos += 1
                continue
            parts.append(conjunction())
        kept = [p for p in parts if p]
        return None if not kept else kept[0] if len(kept) == 1 else ("or", kept)

    node = None
    while pos < len(toks):
        more = disjunction()
        if peek() == ")":
            pos += 1
        if more:
            node = more if node is None else ("or", [node, more])
    return node


def _leaves(node: _Node, how: str = "and") -> list[tuple[str, tuple[str, list[Any]]]]:
    """The leaves under ``node``, each with "or" when it sits in an OR group (a synonym group)."""
    kind, value = node
    if kind == "leaf":
        return [(how, value)]
    if kind == "not":
        return []
    return [x for n in value for x in _leaves(n, "or" if kind == "or" else how)]


def _to_sql(node: _Node) -> tuple[str, list[Any]]:
    """A tsquery SQL expression for a tree without negations at its top."""
    kind, value = node
    if kind == "leaf":
        return value  # type: ignore[no-any-return]
    if kind == "not":
        inner, params = _to_sql(value)
        return f"(!! {inner})", params
    parts = [_to_sql(n) for n in value]
    op = " || " if kind == "or" else " && "
    return "(" + op.join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]


def _positives(node: _Node | None) -> list[_Node]:
    """The ORed terms at the top of a query that are not negations."""
    if node is None:
        return []
    children = node[1] if node[0] == "or" else [node]
    return [c for c in children if c[0] != "not"]


def _compile(node: _Node | None, match: list[int] | None = None) -> _Q:
    """Conditions and the ranking tsquery for a parsed query.

    ``a b NOT c`` means (a OR b) without c, not (a OR b OR anything-but-c); a query of only
    negations keeps every item without them. ``match`` (indexes into :func:`_positives`)
    names the terms that decide what matches; the others only rank.
    """
    q = _Q()
    if node is None:
        return q
    children = node[1] if node[0] == "or" else [node]
    negs = [c[1] for c in children if c[0] == "not"]
    pos = _positives(node)
    if pos:
        ts, params = _to_sql(pos[0] if len(pos) == 1 else ("or", pos))
        q.ts, q.ts_params = ts, params
        chosen = [pos[i] for i in match] if match else pos
        ts, params = _to_sql(chosen[0] if len(chosen) == 1 else ("or", chosen))
        q.where.append(f"tsv @@ {ts}")
        q.params.extend(params)
    for n in negs:
        ts, params = _to_sql(n)
        q.where.append(f"NOT (tsv @@ {ts})")
        q.params.extend(params)
    return q


class PgSearchIndex:
    """Item search in a PostgreSQL database (the same database as the store).

    One connection, shared by every thread behind a lock: a search is one or two statements.
    """

    def __init__(self, dsn: str, synonyms: dict[str, list[str]] | None = None) -> None:
        self.dsn = dsn
        self.synonyms = synonyms if synonyms is not None else load_synonyms(SYNONYMS_FILE)
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.RLock()

    def _db(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __del__(self) -> None:
        # an index dropped without close() (the CLI's, an app's) ends its session quietly
        conn = getattr(self, "_conn", None)
        if conn is not None and not conn.closed:
            conn.close()

    # -- lifecycle -------------------------------------------------------------------------
    def exists(self) -> bool:
        with self._lock:
            row = self._db().execute("SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
                                     (TABLE, STATE)).fetchone()
            return bool(row and row[0])

    def is_healthy(self) -> bool:
        """True when the table has this module's columns and reads."""
        try:
            with self._lock:
                db = self._db()
                cols = {r[0] for r in db.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                    " AND table_schema = current_schema()", (TABLE,)).fetchall()}
                if not (set(COLUMNS) | {"tsv"}) <= cols:
                    return False
                db.execute(sql.SQL("SELECT item_id FROM {} LIMIT 1").format(sql.Identifier(TABLE))).fetchall()
                return True
        except psycopg.Error:
            return False

    def generation(self) -> int | None:
        with self._lock:
            try:
                row = self._db().execute(
                    sql.SQL("SELECT value FROM {} WHERE key = 'generation'").format(sql.Identifier(STATE))).fetchone()
            except psycopg.errors.UndefinedTable:
                return None
            return int(row[0]) if row else None

    def rebuild(self, items: Iterable[IndexedItem], generation: int) -> int:
        """Load every item into a fresh table and swap it in, in one transaction."""
        new = TABLE + "_new"
        n = 0
        with self._lock:
            db = self._db()
            with db.transaction():
                db.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(new)))
                db.execute(sql.SQL(CREATE_TABLE.format(table="{}")).format(sql.Identifier(new)))
                with db.cursor() as cur, cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(new), sql.SQL(", ").join(map(sql.Identifier, COLUMNS)))) as copy:
                    for it in items:
                        copy.write_row(_row(it))
                        n += 1
                # indexes after the load: one sort instead of an update per row
                db.execute(sql.SQL("CREATE INDEX {} ON {} USING GIN (tsv)").format(
                    sql.Identifier(new + "_tsv"), sql.Identifier(new)))
                db.execute(sql.SQL("CREATE INDEX {} ON {} (document_id)").format(
                    sql.Identifier(new + "_doc"), sql.Identifier(new)))
                db.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(TERMS + "_new")))
                db.execute(sql.SQL("CREATE TABLE {} AS SELECT word, ndoc FROM ts_stat(%s)").format(
                    sql.Identifier(TERMS + "_new")), (f"SELECT tsv FROM {new}",))
                db.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY (word)").format(sql.Identifier(TERMS + "_new")))
                db.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(TERMS)))
                db.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                    sql.Identifier(TERMS + "_new"), sql.Identifier(TERMS)))
                db.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(TABLE)))
                db.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(new), sql.Identifier(TABLE)))
                for suffix in ("_tsv", "_doc", "_pkey"):
                    db.execute(sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                        sql.Identifier(new + suffix), sql.Identifier(TABLE + suffix)))
                self._set_generation(db, generation)
            db.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(TABLE)))
        return n

    def update(self, remove_documents: Sequence[str], items: Iterable[IndexedItem], generation: int) -> None:
        """Delete the given documents' items and add ``items``, in one transaction."""
        with self._lock:
            db = self._db()
            with db.transaction():
                db.execute(sql.SQL("DELETE FROM {} WHERE document_id = ANY(%s)").format(sql.Identifier(TABLE)),
                           (list(remove_documents),))
                with db.cursor() as cur:
                    cur.executemany(
                        sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                            sql.Identifier(TABLE), sql.SQL(", ").join(map(sql.Identifier, COLUMNS)),
                            sql.SQL(", ").join(sql.Placeholder() * len(COLUMNS))),
                        [_row(it) for it in items])
                self._set_generation(db, generation)

    @staticmethod
    def _set_generation(db: psycopg.Connection[Any], generation: int) -> None:
        db.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                   .format(sql.Identifier(STATE)))
        db.execute(sql.SQL("INSERT INTO {} (key, value) VALUES ('generation', %s)"
                           " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value").format(sql.Identifier(STATE)),
                   (str(generation),))

    def doc_count(self) -> int:
        with self._lock:
            row = self._db().execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(TABLE))).fetchone()
            return int(row[0]) if row else 0

    # -- search ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, offset: int = 0, sort: str = "relevance",
               filters: dict[str, str] | None = None, facets: bool = False) -> SearchResult:
        """Item-level search, best first (or newest first with ``sort="date"``).

        ``filters`` and the returned ``facets`` use the names in :data:`FACETS`; ``total``
        counts matching rows. ``suggestion`` is always None (no spelling corrector here).
        """
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        rest, conds = _split_filters(query)
        rest = strip_question_words(rest)
        node = _parse(expand_synonyms(rest, self.synonyms))
        with self._lock:
            match = self._rare_terms(self._db(), node)
        q = _compile(node, match)
        for name, value in (filters or {}).items():
            cond = _filter_condition(FIELD_ALIASES.get(name, name), value) if value else None
            if cond:
                conds.append(cond)
        for cond_sql, params in conds:
            q.where.append(cond_sql)
            q.params.extend(params)
        where = " AND ".join(q.where) or "TRUE"
        if q.ts:
            score = f"ts_rank_cd('{RANK_WEIGHTS}', tsv, {q.ts}, {RANK_NORMALISATION}) * boost"
            score_params = list(q.ts_params)
        else:
            score, score_params = "boost", []
        order = "date DESC, score DESC" if sort == "date" else "round(score::numeric, 4) DESC, date DESC"
        want = offset + limit
        fetch = want * 3 + 10
        with self._lock:
            db = self._db()
            try:
                while True:
                    # the window count is taken before LIMIT: one pass over the matches gives both
                    rows = db.execute(
                        f"SELECT item_id, unit_id, fingerprint, score, count(*) OVER () FROM (SELECT item_id,"
                        f" unit_id, fingerprint, date, {score} AS score FROM {TABLE} WHERE {where}) s"
                        f" ORDER BY {order}, item_id LIMIT %s", [*score_params, *q.params, fetch]).fetchall()
                    ranked = _fold(r[:4] for r in rows)
                    if len(ranked) >= want or len(rows) < fetch:
                        break
                    fetch *= 4
                total = int(rows[0][4]) if rows else 0
                hits = self._hits(db, ranked[offset:want], q)
                facet_counts = self._facets(db, where, q.params) if facets else {}
            except (psycopg.errors.SyntaxError, psycopg.errors.InvalidTextRepresentation) as exc:
                raise QueryError(f"cannot read the query: {str(exc).strip()}") from exc
        return SearchResult(query=query, total=total, hits=hits, facets=facet_counts, suggestion=None)

    def _hits(self, db: psycopg.Connection[Any], ranked: list[tuple[str, float]], q: _Q) -> list[Hit]:
        if not ranked:
            return []
        ids = [r[0] for r in ranked]
        if q.ts:
            # ts_headline reads the whole text it is given: a 100-page action log would cost more
            # than the search, so it sees the first HEADLINE_CHARS (beyond them: the text's start)
            headline = f"ts_headline('english', translate(left(content, %s), %s, ''), {q.ts}, %s)"
            params: list[Any] = [HEADLINE_CHARS, START_SEL + STOP_SEL, *q.ts_params, HEADLINE_OPTIONS]
        else:
            headline, params = "''", []
        rows = db.execute(
            f"SELECT item_id, document_id, path, unit_id, number, heading, kind, body, meeting_date, page_start,"
            f" meeting_id, content, {headline} FROM {TABLE} WHERE item_id = ANY(%s)", [*params, ids]).fetchall()
        by_id = {r[0]: r for r in rows}
        return [_hit(by_id[i], score) for i, score in ranked if i in by_id]

    def _facets(self, db: psycopg.Connection[Any], where: str, params: list[Any]) -> dict[str, list[tuple[str, int]]]:
        parts = []
        for name, col in FACET_COLUMNS.items():
            parts.append(f"SELECT '{name}', {col}, count(*) FROM m WHERE {col} <> '' GROUP BY {col}")
        for name, col in FACET_ARRAYS.items():
            parts.append(f"SELECT '{name}', v, count(*) FROM m, unnest(m.{col}) v WHERE v <> '' GROUP BY v")
        rows = db.execute(f"WITH m AS (SELECT * FROM {TABLE} WHERE {where}) " + " UNION ALL ".join(parts),
                          params).fetchall()
        out: dict[str, list[tuple[str, int]]] = {f: [] for f in FACETS}
        for name, value, count in rows:
            out[name].append((value, int(count)))
        return {f: sorted(v, key=lambda kv: (-kv[1], kv[0])) for f, v in out.items()}

    def _rare_terms(self, db: psycopg.Connection[Any], node: _Node | None) -> list[int] | None:
        """Which of a query's ORed terms decide what matches: those in at most COMMON_SHARE of items.

        A word in most items ("council") finds nothing worth having on its own, and ranking
        every item that has it costs most of the query time: such words only re-rank what the
        rarer ones find. None (all terms match) when no term is rare and found, or for one term.
        Frequencies come from the table written with the last rebuild.
        """
        pos = _positives(node)
        if len(pos) < 2:
            return None
        exprs: list[str] = []
        params: list[Any] = []
        shapes: list[list[tuple[str, int]]] = []  # per term: (how its leaves combine, leaf column)
        for term in pos:
            leaves: list[tuple[str, int]] = []
            for how, leaf in _leaves(term):
                sql_text, leaf_params = leaf
                if "to_tsquery('english'" in sql_text and "websearch" not in sql_text:
                    leaves.append((how, -1))  # a prefix or one field: counted as found, rare
                    continue
                leaves.append((how, len(exprs)))
                exprs.append(f"(SELECT coalesce(min(t.ndoc), 0) FROM {TERMS} t WHERE t.word IN"
                             f" (SELECT (regexp_matches(({sql_text})::text, $$'((?:[^']|'')+)'$$, 'g'))[1]))")
                params.extend(leaf_params)
            shapes.append(leaves)
        try:
            row = db.execute(f"SELECT {', '.join(exprs) or '1'}, (SELECT count(*) FROM {TABLE})", params).fetchone()
        except psycopg.errors.UndefinedTable:
            return None
        if row is None:
            return None
        n = int(row[-1])
        limit = max(50, COMMON_SHARE * n)
        rare = []
        for i, leaves in enumerate(shapes):
            dfs = [1 if col < 0 else int(row[col]) for _, col in leaves]
            # a synonym group finds the sum of its forms; words of a phrase at most the rarest's
            df = sum(dfs) if any(how == "or" for how, _ in leaves) else min(dfs, default=0)
            if 0 < df <= limit:
                rare.append(i)
        return rare if rare and len(rare) < len(pos) else None

    def more_like(self, item_id: str, limit: int = 5) -> list[Hit]:
        """Items like the given one (by its most distinctive words), from other documents.

        The item's words are weighed by frequency in it times rarity across items; copies of the
        same text elsewhere (a reprint) are left out.
        """
        with self._lock:
            db = self._db()
            row = db.execute(f"SELECT document_id, content FROM {TABLE} WHERE item_id = %s", (item_id,)).fetchone()
            if row is None:
                return []
            doc_id, content = row
            n_row = db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
            n = int(n_row[0]) if n_row else 1
            # the item's 40 most frequent content words, then the 12 rarest-weighted of them
            cands = db.execute(
                f"SELECT lexeme, cardinality(positions) FROM {TABLE}, unnest(to_tsvector('english', content))"
                f" WHERE item_id = %s AND length(lexeme) > 2 AND lexeme !~ '^[0-9]+$'"
                f" ORDER BY 2 DESC, 1 LIMIT 40", (item_id,)).fetchall()
            scored = []
            for lex, tf in cands:
                if lex in QUESTION_WORDS:
                    continue
                df_row = db.execute(f"SELECT count(*) FROM {TABLE} WHERE tsv @@ %s::tsquery",
                                    (_quote_lexeme(lex),)).fetchone()
                df = int(df_row[0]) if df_row else 1
                if df <= 1:
                    continue  # a word only this item has finds nothing else
                scored.append((tf * _idf(n, df), lex))
            terms = [lex for _, lex in sorted(scored, reverse=True)[:12]]
            if not terms:
                return []
            tsq = " | ".join(_quote_lexeme(t) for t in terms)
            rows = db.execute(
                f"SELECT item_id, unit_id, fingerprint, ts_rank(tsv, %s::tsquery) * boost AS score, content"
                f" FROM {TABLE} WHERE tsv @@ %s::tsquery AND document_id <> %s ORDER BY score DESC, item_id"
                f" LIMIT %s", (tsq, tsq, doc_id, limit * 3 + 5)).fetchall()
            own = " ".join(content.split())
            seen, ranked = {own}, []
            for r in rows:
                text = " ".join(r[4].split())
                if text in seen:
                    continue
                seen.add(text)
                ranked.append((r[0], float(r[3])))
            ranked = _fold([(i, "", "", s) for i, s in ranked])[:limit]
            return self._hits(db, ranked, _Q())


def _idf(n: int, df: int) -> float:
    import math

    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _quote_lexeme(lex: str) -> str:
    return "'" + lex.replace("\\", "\\\\").replace("'", "''") + "'"


def _row(it: IndexedItem) -> tuple[Any, ...]:
    date = it.meeting_date.replace("-", "")
    boost = KIND_BOOST.get(DocKind(it.kind), 1.0) if it.kind in DocKind._value2member_map_ else 1.0
    boost *= (DECISION_BOOST if it.outcomes else 1.0) * (PREAMBLE_BOOST if it.preamble else 1.0)
    # PostgreSQL text cannot hold U+0000 (some PDF text layers have it): the index drops it
    return tuple(v.replace("\x00", "") if isinstance(v, str) else v for v in (
        it.item_id, it.document_id, it.meeting_id, it.unit_id or it.item_id,
            _fingerprint(it.number, it.text), it.path, it.number, it.title,
            "" if it.item_id.endswith(".-1") else it.title, it.text, it.kind, it.body, it.meeting_date,
            int(date) if date.isdigit() else 0, date[:4], it.page_start, list(it.people), list(it.organisations),
            [a.lower() for a in it.action_ids], list(it.outcomes), "yes" if it.action_ids else "no", boost))


def _fingerprint(number: str, text: str) -> str:
    import hashlib

    return hashlib.blake2b(f"{number}\x00{' '.join(text.split()).lower()}".encode(), digest_size=8).hexdigest()


def _fold(rows: Iterable[tuple[Any, ...]]) -> list[tuple[str, float]]:
    """The best row of each shown item and of each text printed twice, as (item id, score)."""
    out, seen = [], set()
    for item, unit, fp, score in rows:
        keys = [("u", unit or item)] + ([("f", fp)] if fp else [])
        if any(k in seen for k in keys):
            continue
        seen.update(keys)
        out.append((item, float(score)))
    return out


def _snippet(content: str, headline: str) -> str:
    """An HTML snippet: ts_headline's fragments (or the text's start), escaped, matches marked."""
    text = " ".join((headline or "").split())
    if START_SEL not in text:
        plain = " ".join(content.split())
        return escape(plain[:SNIPPET_CHARS] + ("…" if len(plain) > SNIPPET_CHARS else ""))
    return escape(text).replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>")


def _hit(r: tuple[Any, ...], score: float) -> Hit:
    (item_id, document_id, path, unit_id, number, heading, kind, body, meeting_date, page_start, meeting_id,
     content, headline) = r
    return Hit(document_id=document_id, path=path, item_id=unit_id or item_id, item_number=number, title=heading,
               kind=kind, body=body, meeting_date=meeting_date or None, page_start=int(page_start or 1),
               score=round(score, 3), snippet=_snippet(content, headline), meeting_id=meeting_id)
