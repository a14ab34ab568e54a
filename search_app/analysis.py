"""Single-pass text analysis for the whoosh index: the tokens of whoosh's StemmingAnalyzer, made faster.

``StemmingAnalyzer()`` is a chain of Python generators (RegexTokenizer -> LowercaseFilter ->
StopFilter -> StemFilter), each touching every token; with ``| ShingleFilter(2, " ")`` a fifth.
Building the index runs it three times over each row's text (the `content` field, its spelling
words, the `pairs` field), and that was about a third of the build. :class:`FastStemmingAnalyzer`
does the same work in one function and remembers the last text it split, so the three passes over
one row find its words once.

The output is whoosh's, token for token and attribute for attribute, for every keyword whoosh
passes (``mode``, ``positions``, ``chars``, ``start_pos``, ``start_char``, ``removestops``,
``no_morph``, ``tokenize``, ``keeporiginal``, and any other keyword, which lands on the token as
whoosh's tokenizer puts it there); ``tests/test_analysis.py`` holds the two side by side. Quirks
kept on purpose because the index depends on them:

- positions after a removed stop word: the first kept word keeps its raw position, each later
  kept word is one more than the kept word before it ("the cat sat" -> cat 1, sat 2), while a
  stop word let through (``removestops=False``) keeps its raw position;
- ``tokenize=False`` sets ``original`` whether or not ``keeporiginal`` was asked for;
- the base tokens are one object re-filled per word (whoosh's contract: a consumer copies what it
  keeps), while pair tokens are fresh objects, as ShingleFilter's copies are;
- pairs: adjacent kept words, stop words skipped over; a text with one kept word gives that word.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, Token
from whoosh.analysis.filters import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem

# StopFilter's defaults inside StemmingAnalyzer(): a word shorter than this is a stop word too
_MINSIZE = 2
# the stems of this many words are kept; past it the table starts again (StemFilter keeps 50,000
# by use count; a plain dict is cheaper to ask and the vocabulary of a council archive fits)
_STEM_CACHE_SIZE = 200_000

_stems: dict[str, str] = {}


def _stem(word: str) -> str:
    """Porter stem of ``word``, remembered (the stemmer is a pure function of the word)."""
    s = _stems.get(word)
    if s is None:
        if len(_stems) >= _STEM_CACHE_SIZE:
            _stems.clear()
        s = _stems[word] = stem(word)
    return s


class _Split:
    """One text's words as the tokenizer and the lower-case and stop filters see them."""

    __slots__ = ("value", "words", "starts", "ends", "stopped", "kept", "kept_words", "_kept_stems")

    def __init__(self, value: str) -> None:
        self.value = value
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for m in default_pattern.finditer(value):
            words.append(m.group(0).lower())
            starts.append(m.start())
            ends.append(m.end())
        self.words = words
        self.starts = starts
        self.ends = ends
        # a stop word: in the list, or (lower-cased, which can change a length) too short
        self.stopped = [len(w) < _MINSIZE or w in STOP_WORDS for w in words]
        self.kept = [i for i, s in enumerate(self.stopped) if not s]
        self.kept_words = [words[i] for i in self.kept]
        self._kept_stems: list[str] | None = None

    def kept_stems(self) -> list[str]:
        """The stems of the kept words, worked out on first use (the spelling pass needs none)."""
        if self._kept_stems is None:
            self._kept_stems = [_stem(w) for w in self.kept_words]
        return self._kept_stems


# the last text split, shared by every analyzer in the process: the content, spelling and pairs
# passes over one row ask for the same text one after the other. A split is stored only once
# whole, and storing it is one assignment, so a search thread beside a writer needs no lock (at
# worst it splits a text again).
_last: _Split | None = None


def _split(value: str) -> _Split:
    global _last
    last = _last
    if last is not None and (last.value is value or last.value == value):
        return last
    _last = sp = _Split(value)
    return sp


class FastStemmingAnalyzer(Analyzer):
    """Whoosh's ``StemmingAnalyzer()`` (optionally ``| ShingleFilter(size=shingle, sep=sep)``) in one pass.

    Only the default configuration is offered (whoosh's default word pattern, its English stop
    words, minimum length 2, Porter stems, nothing exempt from stemming): the last-text memo is
    keyed by the text alone, which holds only while every instance splits text the same way.
    """

    def __init__(self, shingle: int = 0, sep: str = " ") -> None:
        if shingle == 1 or shingle < 0:
            raise ValueError(f"shingle must be 0 (no shingles) or at least 2, not {shingle}")
        self.shingle = shingle
        self.sep = sep

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shingle={self.shingle!r}, sep={self.sep!r})"

    def has_morph(self) -> bool:
        """True: the words are stemmed, so whoosh indexes a field's spelling words separately."""
        return True

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        """Yield the tokens of ``value``, as whoosh's analyzer chain would, for the same keywords."""
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not unicode")
        # the token the tokenizer would make, with every keyword it does not take as an attribute
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if self.shingle and tokenize and removestops and not chars and not keeporiginal:
            # the indexing path of `pairs`: the runs straight from the split, no token per word
            yield from self._kept_shingles(t, _split(value), positions, start_pos, no_morph)
            return
        base = (
            self._untokenized(t, value, positions, chars, removestops, start_pos, start_char, no_morph)
            if not tokenize
            else self._tokens(t, value, positions, chars, keeporiginal, removestops, start_pos, start_char, no_morph)
        )
        if self.shingle:
            yield from self._shingles(base)
        else:
            yield from base

    @staticmethod
    def _untokenized(
        t: Token,
        value: str,
        positions: bool,
        chars: bool,
        removestops: bool,
        start_pos: int,
        start_char: int,
        no_morph: bool,
    ) -> Iterator[Token]:
        # the whole value is one word (the query parser's range ends, for instance)
        t.original = value
        text = value.lower()
        t.boost = 1.0
        if positions:
            t.pos = start_pos
        if chars:
            t.startchar = start_char
            t.endchar = start_char + len(value)
        if len(text) < _MINSIZE or text in STOP_WORDS:
            if not removestops:
                t.text = text
                t.stopped = True
                yield t
            return
        t.text = text if no_morph else _stem(text)
        yield t

    @staticmethod
    def _tokens(
        t: Token,
        value: str,
        positions: bool,
        chars: bool,
        keeporiginal: bool,
        removestops: bool,
        start_pos: int,
        start_char: int,
        no_morph: bool,
    ) -> Iterator[Token]:
        sp = _split(value)
        if removestops and not chars and not keeporiginal:
            # the indexing path: only kept words, numbered one after another from the first's
            # raw position
            texts = sp.kept_words if no_morph else sp.kept_stems()
            if not texts:
                return
            t.boost = 1.0
            t.stopped = False
            if positions:
                pos = start_pos + sp.kept[0]
                for text in texts:
                    t.text = text
                    t.pos = pos
                    pos += 1
                    yield t
            else:
                for text in texts:
                    t.text = text
                    yield t
            return
        # every other combination, word by word as the chain would go
        words, starts, ends, stopped = sp.words, sp.starts, sp.ends, sp.stopped
        stems = sp.kept_words if no_morph else sp.kept_stems()
        value_ = sp.value
        k = 0  # kept words so far
        first_kept = start_pos + sp.kept[0] if sp.kept else 0
        for i, word in enumerate(words):
            if stopped[i] and removestops:
                continue
            t.boost = 1.0
            if keeporiginal:
                t.original = value_[starts[i] : ends[i]]
            if chars:
                t.startchar = start_char + starts[i]
                t.endchar = start_char + ends[i]
            if stopped[i]:
                t.text = word
                t.stopped = True
                if positions:
                    t.pos = start_pos + i
            else:
                t.text = stems[k]
                t.stopped = False
                if positions:
                    t.pos = first_kept + k
                k += 1
            yield t

    def _kept_shingles(self, t: Token, sp: _Split, positions: bool, start_pos: int, no_morph: bool) -> Iterator[Token]:
        texts = sp.kept_words if no_morph else sp.kept_stems()
        if not texts:
            return
        t.boost = 1.0
        t.stopped = False
        # what ShingleFilter's copy of a run's first token holds, bar its text and position
        attrs = t.__dict__
        size, sep = self.shingle, self.sep
        first = start_pos + sp.kept[0]
        for j in range(max(1, len(texts) - size + 1)):
            tk = Token.__new__(Token)
            tk.__dict__.update(attrs)
            tk.text = sep.join(texts[j : j + size])
            if positions:
                tk.pos = first + j
            yield tk

    def _shingles(self, tokens: Iterator[Token]) -> Iterator[Token]:
        # ShingleFilter: runs of `shingle` adjacent kept words (stop words let through are skipped
        # over), each a fresh token carrying its first word's attributes and its last word's end;
        # fewer kept words than that make one token of them all
        size, sep = self.shingle, self.sep
        buf: list[Token] = []
        made = False
        for tok in tokens:
            if tok.stopped:
                continue
            buf.append(tok.copy())
            if len(buf) == size:
                made = True
                yield _join(buf, sep)
                del buf[0]
        if not made and buf:
            yield _join(buf, sep)


def _join(buf: list[Token], sep: str) -> Token:
    tk = buf[0]
    tk.text = sep.join([t.text for t in buf])
    if tk.chars:
        tk.endchar = buf[-1].endchar
    return tk
