"""The incremental cross-document stage: a changed file derives again only its own partition.

Every test ingests copies of real papers (the bundled sample council and parish minutes from
../shared/corpus) in ``tmp_path``, changes or removes one, and checks the derived registers
against a fresh ingest of the same files and against one pass of the builders over the store.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from minutebook import derive
from minutebook.backends import open_store
from minutebook.meetings import group_meetings
from minutebook.model import Document
from minutebook.pipeline import IngestConfig, run_ingest
from minutebook.serialize import to_dict
from minutebook.store import DocMeta, Store
from nlp.links import build_links
from nlp.people import build_organisations, build_people
from nlp.register import build_actions
from search_app.index import SearchIndex
from tests.conftest import ROOT, corpus_file

SAMPLE = ROOT / "corpus" / "ashcombe-parish-council"
# Parish minutes of four neighbouring councils: four bodies, so four partitions besides the sample's
PARISH = "stokeferry-parish-minutes-md/"
PARISH_FILES = [
    "2016-03_stoke-ferry-parish-council-december-meeting.md",
    "2016-03_stoke-ferry-parish-council-january-meeting.md",
    "2016-03_stoke-ferry-parish-council-february-meeting-3.md",
    "2016-03_west-dereham-parish-council-february-meeting-3.md",
    "2016-10_west-dereham-parish-council-august-meeting-3.md",
    "2016-05_northwold-parish-council-february-meeting-3.md",
    "2016-05_wretton-parish-council-march-meeting-2.md",
]
CHANGED = "2016-03_stoke-ferry-parish-council-january-meeting.md"
REMOVED = "2016-10_west-dereham-parish-council-august-meeting-3.md"
REGISTERS = ("meetings", "meeting_of", "actions", "people", "organisations", "links")


def _meta(doc_id: str, body: str | None, date: str | None, path: str = "p") -> DocMeta:
    return DocMeta(doc_id, f"{path}-{doc_id}", doc_id, 0, "minutes", body, date)


@pytest.mark.parametrize(("rows", "expected"), [
    pytest.param([("a", "Kent County Council", "2024-01-01"), ("b", "Kent County Council Cabinet", "2024-02-01"),
                  ("c", "Surrey County Council", "2024-01-01")],
                 {"cabinet kent | kent": ["a", "b"], "surrey": ["c"]}, id="subset-joins"),
    pytest.param([("a", "Northwold Parish Council", None), ("b", "Northwold and Whittington PC", None),
                  ("c", "Whittington Parish Council", None), ("d", "Wretton Parish Council", None)],
                 {"northwold": ["a", "b", "c"], "wretton": ["d"]}, id="chain-through-a-wider-key"),
    pytest.param([("a", None, None), ("b", None, "2024-01-05"), ("c", "Wretton Parish Council", "2024-01-06")],
                 {"": ["a", "b"], "wretton": ["c"]}, id="no-body-together"),
    pytest.param([("a", "Wretton Parish Council", "2024-01-05"), ("b", None, "2024-01-05"),
                  ("c", "Northwold Parish Council", "2024-01-06")],
                 {"wretton": ["a", "b"], "northwold": ["c"]}, id="no-body-paper-joins-its-meeting"),
])
def test_partitions(rows: list[tuple[str, str | None, str | None]], expected: dict[str, list[str]]) -> None:
    meta = [_meta(i, body, date) for i, body, date in rows]
    parts = derive.partitions(meta, group_meetings(meta))
    got = sorted(sorted(d.id for d in docs) for docs in parts.values())
    assert got == sorted(expected.values())
    assert len(parts) == len(expected)


def test_partition_names_are_their_body_keys() -> None:
    meta = [_meta("a", "Kent County Council", None), _meta("b", "Kent County Council Cabinet", None),
            _meta("c", None, None)]
    assert list(derive.partitions(meta, [])) == ["-", "cabinet kent | kent"]


# -- incremental against full ----------------------------------------------------------------------
def _papers(dest: Path) -> list[Path]:
    """Copies of the sample council and the parish minutes under ``dest`` (skips without the corpus)."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for src in [*sorted(SAMPLE.rglob("*.pdf")), *(corpus_file(PARISH + f) for f in PARISH_FILES)]:
        target = dest / src.relative_to(src.parents[1])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        out.append(target)
    return out


def _ingest(paths: list[Path], data: Path | str) -> None:
    report = run_ingest(paths, IngestConfig(data_dir=data, workers=1, model=None, ocr=False))
    assert not report.failed, report.failed


def _registers(data: Path | str) -> dict[str, Any]:
    store = open_store(data)
    try:
        return {name: store.derived(name) for name in REGISTERS}
    finally:
        store.close()


def _one_pass(data: Path) -> dict[str, Any]:
    """The registers as one pass of the builders over every stored document makes them."""
    store = Store(data)
    try:
        docs = store.documents()
    finally:
        store.close()
    meetings = group_meetings(docs)
    keys = {d.id: derive.key_string(d.body) for d in docs}
    actions = build_actions([d for d in docs if d.kind in derive.RECORD_KINDS])
    return {
        "meetings": to_dict(meetings), "meeting_of": {i: m.id for m in meetings for i in m.documents},
        "actions": to_dict(actions), "people": to_dict(build_people(docs)),
        "organisations": to_dict(build_organisations(docs)),
        "links": to_dict(build_links(docs, {m.id: m.documents for m in meetings}, keys, actions)),
    }


def _same_as_one_pass(data: Path) -> None:
    got, want = _registers(data), _one_pass(data)
    for name in REGISTERS:
        if name == "links":
            # one pass orders links by kind over the whole store; parts keep that order per partition
            key = json.dumps
            assert Counter(key(x, sort_keys=True) for x in got[name]) == \
                Counter(key(x, sort_keys=True) for x in want[name]), name
        else:
            assert got[name] == want[name], name


class _Loads:
    """Counts the documents the stores load, by id."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cls: type = Store) -> None:
        self.ids: list[str] = []
        self.whole = 0
        self.stats: list[derive.RefreshStats] = []
        by_ids, documents, refresh = cls.documents_by_ids, cls.documents, derive.refresh

        def counted_by_ids(store: Any, ids: list[str]) -> list[Document]:
            docs = by_ids(store, ids)
            self.ids.extend(d.id for d in docs)
            return docs

        def counted_documents(store: Any) -> list[Document]:
            self.whole += 1
            return documents(store)

        def recorded(*args: Any, **kwargs: Any) -> derive.RefreshStats:
            self.stats.append(refresh(*args, **kwargs))
            return self.stats[-1]

        monkeypatch.setattr(cls, "documents_by_ids", counted_by_ids)
        monkeypatch.setattr(cls, "documents", counted_documents)
        monkeypatch.setattr(derive, "refresh", recorded)


@pytest.fixture
def ingested(tmp_path: Path) -> Iterator[tuple[list[Path], Path]]:
    papers = _papers(tmp_path / "papers")
    data = tmp_path / "data"
    _ingest(papers, data)
    yield papers, data


def _partition_of(data: Path | str, name_part: str) -> tuple[str, set[str]]:
    store = open_store(data)
    try:
        meta = store.document_meta()
    finally:
        store.close()
    parts = derive.partitions(meta, group_meetings(meta))
    [name] = [n for n in parts if name_part in n]
    assert len(parts) >= 5  # the sample council and four parishes
    return name, {d.id for d in parts[name]}


def test_unchanged_reingest_loads_nothing(ingested: tuple[list[Path], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    papers, data = ingested
    before = _registers(data)
    loads = _Loads(monkeypatch)
    _ingest(papers, data)
    assert loads.ids == [] and loads.whole == 0
    assert loads.stats[0].recomputed == []
    assert _registers(data) == before


def _change(papers: list[Path]) -> None:
    changed = next(p for p in papers if p.name == CHANGED)
    text = changed.read_text(encoding="utf-8")
    # another member present at the changed meeting, so the people register does change
    assert "Mrs D Clements" in text
    changed.write_text(text.replace("Mrs D Clements", "Mrs D Quillfeather"), encoding="utf-8")


def test_changed_file_derives_only_its_partition(ingested: tuple[list[Path], Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    papers, data = ingested
    _change(papers)
    before = _registers(data)

    loads = _Loads(monkeypatch)
    _ingest(papers, data)
    name, members = _partition_of(data, "ferry")
    [stats] = loads.stats
    assert stats.recomputed == [name]
    assert loads.whole == 0  # never the whole store
    assert set(loads.ids) <= members and len(loads.ids) == len(members) == stats.loaded
    assert stats.loaded < stats.documents

    after = _registers(data)
    assert after != before
    assert any(p["name"] == "D Quillfeather" for p in after["people"])
    fresh = tmp_path / "fresh"
    _ingest(papers, fresh)
    assert after == _registers(fresh)
    _same_as_one_pass(data)
    assert SearchIndex(data).doc_count() == SearchIndex(fresh).doc_count()


def test_removed_file_derives_only_its_partition(ingested: tuple[list[Path], Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    papers, data = ingested
    gone = next(p for p in papers if p.name == REMOVED)
    name, members = _partition_of(data, "dereham")
    store = Store(data)
    try:
        since = store.generation()
        ids = store.document_ids_for_path(str(gone.resolve()))
        assert ids
        store.remove_file(str(gone.resolve()))
        loads = _Loads(monkeypatch)
        stats = derive.refresh(store, removed=ids, since=since)
    finally:
        store.close()
    assert stats.recomputed == [name]
    assert loads.whole == 0
    assert set(loads.ids) == members - set(ids)

    fresh = tmp_path / "fresh"
    _ingest([p for p in papers if p != gone], fresh)
    assert _registers(data) == _registers(fresh)
    _same_as_one_pass(data)


def test_new_body_joining_two_partitions(ingested: tuple[list[Path], Path], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A paper whose body's words hold two bodies' keys ("Northwold and Wretton") merges them."""
    papers, data = ingested
    src = next(p for p in papers if "northwold" in p.name)
    joined = src.with_name("joint-meeting.md")
    text = src.read_text(encoding="utf-8")
    joined.write_text(re.sub("northwold", "Northwold and Wretton", text, flags=re.I), encoding="utf-8")
    loads = _Loads(monkeypatch)
    _ingest([*papers, joined], data)
    [stats] = loads.stats
    [name] = stats.recomputed
    assert "northwold" in name and "wretton" in name
    fresh = tmp_path / "fresh"
    _ingest([*papers, joined], fresh)
    assert _registers(data) == _registers(fresh)
    _same_as_one_pass(data)


def test_reindex_derives_everything(ingested: tuple[list[Path], Path]) -> None:
    _, data = ingested
    before = _registers(data)
    store = Store(data)
    try:
        stats = derive.refresh(store, force=True)
    finally:
        store.close()
    assert stats.recomputed and len(stats.recomputed) == stats.partitions
    assert stats.loaded == stats.documents
    assert _registers(data) == before


def test_changed_file_on_postgresql(tmp_path: Path, pg_new_database: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same on the server store: only the changed partition is loaded, and the registers
    equal a fresh ingest's in a data directory."""
    from minutebook.pg_store import PgStore

    papers = _papers(tmp_path / "papers")
    dsn = pg_new_database()
    _ingest(papers, dsn)
    _change(papers)
    loads = _Loads(monkeypatch, PgStore)
    _ingest(papers, dsn)
    name, members = _partition_of(dsn, "ferry")
    [stats] = loads.stats
    assert stats.recomputed == [name] and loads.whole == 0
    assert set(loads.ids) == members
    fresh = tmp_path / "fresh"
    _ingest(papers, fresh)
    assert _registers(dsn) == _registers(fresh)
