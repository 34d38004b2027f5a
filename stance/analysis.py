"""The pipeline: document -> sentences -> parties -> attribution -> scores -> summary.

An :class:`Analyzer` holds what is loaded once (parties, lexicon, scorers) and analyses one
document at a time; engines run many analyzers in parallel. Party mentions and people's
affiliations are found over the whole document in one pass and then handed to the sentences
they fall in.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import operator
import os
from collections import Counter
from dataclasses import dataclass, field
from itertools import starmap
from pathlib import Path
from typing import Any

from . import __version__
from .attribution import Attribution, AttributionContext, attribute
from .documents import (
    Document,
    document_from_text,
    load_document,
    parse_date,
    strip_invisible,
)
from .errors import InputError
from .parties import Mention, PartySet, affiliate_mentions, find_affiliates, rank_parties
from .scoring import Cue, CueLexicon, LexiconStanceScorer, SentenceInput
from .scoring.model import model_version
from .scoring.tone import english_words
from .sentences import split_sentences
from .summary import group_summaries, summarize

PartiesLike = PartySet | dict[str, Any] | str | os.PathLike[str] | None


@dataclass(slots=True)
class SentenceResult:
    """Everything stance says about one sentence.

    ``start`` and ``end`` are offsets into the document text; cue spans and mention spans are
    offsets into the sentence ``text``.
    """

    text: str
    label: str
    score: float
    tone: float
    vader: float
    textblob_polarity: float
    textblob_subjectivity: float
    source: str | None = None
    target: str | None = None
    mutual: bool = False
    parties: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()
    via: str | None = None
    index: int = 0
    start: int = 0
    end: int = 0
    mentions: tuple[Mention, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "score": round(self.score, 4),
            "tone": round(self.tone, 4),
            "vader": round(self.vader, 4),
            "textblob_polarity": round(self.textblob_polarity, 4),
            "textblob_subjectivity": round(self.textblob_subjectivity, 4),
            "source": self.source,
            "target": self.target,
            "mutual": self.mutual,
            "via": self.via,
            "parties": list(self.parties),
            "cues": [cue.to_dict() for cue in self.cues],
            "mentions": [
                {"key": m.key, "start": m.start, "end": m.end, "text": m.text, "kind": m.kind}
                for m in self.mentions
            ],
        }


@dataclass
class PartyInfo:
    """A party as it figures in one document: how often and how it was named."""

    key: str
    name: str
    mentions: int = 0
    found_by: dict[str, int] = field(default_factory=dict)
    people: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "mentions": self.mentions,
            "found_by": self.found_by,
            "people": self.people,
        }


@dataclass
class DocumentAnalysis:
    """A document's sentences with their results, its parties and its summary."""

    document: Document
    sentences: list[SentenceResult]
    parties: list[PartyInfo]
    dyad: tuple[str, ...]
    summary: dict[str, Any]
    scorer_version: str
    party_source: str = "given"

    @property
    def metadata(self) -> dict[str, Any]:
        return self.document.metadata

    @property
    def warnings(self) -> list[str]:
        return self.document.warnings

    def party_name(self, key: str | None) -> str | None:
        for party in self.parties:
            if party.key == key:
                return party.name
        return key

    def __reduce__(self) -> tuple[Any, ...]:
        # Engines send analyses between processes: pack sentences, cues and mentions as plain
        # tuples and leave out sentence texts that are slices of the document text.
        text = self.document.text
        packed = []
        for sentence in self.sentences:
            row = list(_sentence_values(sentence))
            if row[_TEXT] == text[sentence.start : sentence.end]:
                row[_TEXT] = None
            row[_CUES] = tuple(map(_cue_values, sentence.cues))
            row[_MENTIONS] = tuple(map(_mention_values, sentence.mentions))
            packed.append(tuple(row))
        state = (self.parties, self.dyad, self.summary, self.scorer_version, self.party_source)
        return (_unpack_analysis, (self.document, packed, state))

    def to_dict(self) -> dict[str, Any]:
        return {
            "metadata": self.metadata,
            "scorer_version": self.scorer_version,
            "party_source": self.party_source,
            "parties": [p.to_dict() for p in self.parties],
            "dyad": list(self.dyad),
            "summary": self.summary,
            "warnings": list(self.warnings),
            "sentences": [s.to_dict() for s in self.sentences],
        }


def _getter(cls: type) -> Any:
    """All the field values of a dataclass instance as one tuple, in field order."""
    return operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))


def _field_index(cls: type, name: str) -> int:
    return [f.name for f in dataclasses.fields(cls)].index(name)


_sentence_values = _getter(SentenceResult)
_cue_values = _getter(Cue)
_mention_values = _getter(Mention)
_TEXT, _START, _END, _CUES, _MENTIONS = (
    _field_index(SentenceResult, name) for name in ("text", "start", "end", "cues", "mentions")
)


def _unpack_analysis(document: Document, packed: list, state: tuple) -> DocumentAnalysis:
    text = document.text
    sentences = []
    for values in packed:
        row = list(values)
        if row[_TEXT] is None:
            row[_TEXT] = text[row[_START] : row[_END]]
        row[_CUES] = tuple(starmap(Cue, row[_CUES]))
        row[_MENTIONS] = tuple(starmap(Mention, row[_MENTIONS]))
        sentences.append(SentenceResult(*row))
    return DocumentAnalysis(document, sentences, *state)


class Analyzer:
    """Analyses documents with one set of parties, one lexicon and one speaker default.

    ``parties``: a :class:`PartySet`, a dict (``{"PAK": ["Pakistan", "Islamabad"]}``), a TOML
    file path, or None for the built-in country gazetteer. ``lexicon``: None for the built-in
    cue lexicon, a :class:`CueLexicon`, or a path to a file that extends it.
    """

    def __init__(
        self,
        parties: PartiesLike = None,
        lexicon: CueLexicon | str | os.PathLike[str] | None = None,
        speaker: str | None = None,
    ):
        self.party_set = as_party_set(parties)
        self.gazetteer = self.party_set is None
        self.lexicon = _as_lexicon(lexicon)
        self.stance = LexiconStanceScorer()
        self.speaker = self.resolve_speaker(speaker) if speaker else None
        self.version = scorer_version(self.lexicon)
        # Load the gazetteer and the tone lexicons now, not on the first document: a process
        # pool forked after this inherits them instead of loading them once per worker.
        self.parties.find("")
        self.parties.states  # noqa: B018 (worked out once, before any fork)
        english_words()

    @property
    def parties(self) -> PartySet:
        return self.party_set or PartySet.gazetteer()

    def resolve_speaker(self, speaker: str) -> str:
        """A party key from a key or a name ("PAK", "pak", "Pakistan"); InputError if unknown."""
        wanted = speaker.strip()
        for party in self.parties:
            if wanted.upper() == party.key.upper() or wanted.lower() == party.name.lower():
                return party.key
        for party in self.parties:
            if any(wanted.lower() == a.text.lower() for a in party.aliases):
                return party.key
        raise InputError(None, f"unknown speaker {speaker!r}: not one of the parties")

    def analyze(
        self,
        document: Document | str | os.PathLike[str],
        speaker: str | None = None,
        date: Any = None,
    ) -> DocumentAnalysis:
        """Analyse a :class:`Document`, a path to a text file, or a text."""
        doc = _as_document(document)
        if date is not None:
            doc.date = date if hasattr(date, "isoformat") else parse_date(str(date))
        speaker_key = self._document_speaker(doc, speaker)
        text = doc.text
        spans = split_sentences(text)
        mentions = self.parties.find(text)
        affiliates = find_affiliates(text, mentions)
        if affiliates:
            mentions = sorted(
                mentions + affiliate_mentions(text, affiliates, mentions, english_words()),
                key=lambda m: m.start,
            )
        ranked = rank_parties(mentions)
        dyad = self._dyad(ranked, speaker_key)
        context = AttributionContext(speaker=speaker_key, dyad=dyad)
        starts = [m.start for m in mentions]
        inputs = []
        for start, end in spans:
            lo = bisect.bisect_left(starts, start)
            hi = bisect.bisect_left(starts, end, lo)
            inside = mentions[lo:hi]
            sentence = text[start:end]
            attribution = attribute(sentence, start, inside, context)
            inputs.append(self._input(sentence, inside, attribution, start))
        results = self._results(inputs)
        for index, (result, (start, end)) in enumerate(zip(results, spans, strict=True)):
            result.index, result.start, result.end = index, start, end
        parties = self._party_info(ranked, mentions, affiliates)
        by_source, by_dyad = group_summaries(results, dyad)
        summary = summarize(results)
        summary["by_source"] = by_source
        summary["by_dyad"] = by_dyad
        return DocumentAnalysis(
            doc,
            results,
            parties,
            dyad,
            summary,
            self.version,
            "gazetteer" if self.gazetteer else "given",
        )

    def score_sentence(self, text: str, speaker: str | None = None) -> SentenceResult:
        """Score ``text`` as one sentence (it is not split), with attribution; invisible
        formatting characters go first, as from a file (see :func:`~stance.documents.decode`)."""
        if not isinstance(text, str):
            raise TypeError(f"stance scores a sentence given as a str, not {type(text).__name__}")
        text = strip_invisible(text)
        mentions, attribution = self.sentence_parts(text, speaker)
        result = self._results([self._input(text, mentions, attribution, 0)])[0]
        result.end = len(text)
        return result

    def sentence_parts(
        self, text: str, speaker: str | None = None
    ) -> tuple[list[Mention], Attribution]:
        """The party mentions and the attribution of ``text`` as one sentence: what the
        scorers are given (the training scripts use it to see sentences the same way)."""
        mentions = self.parties.find(text)
        speaker_key = self.resolve_speaker(speaker) if speaker else self.speaker
        dyad = self._dyad(rank_parties(mentions), speaker_key)
        context = AttributionContext(speaker=speaker_key, dyad=dyad)
        return mentions, attribute(text, 0, mentions, context)

    def _input(
        self, text: str, mentions: list[Mention], attribution: Attribution, offset: int
    ) -> SentenceInput:
        """What the scorers see of a sentence at ``offset``: mentions relative to it."""
        relative = tuple(
            Mention(m.key, m.start - offset, m.end - offset, m.text, m.kind) for m in mentions
        )
        return SentenceInput(text, self.lexicon, relative, attribution, self.parties.states)

    def _results(self, sentences: list[SentenceInput]) -> list[SentenceResult]:
        """Score the sentences of a document (the models see them in one batch)."""
        results = []
        for sentence, stance in zip(sentences, self.stance.score_many(sentences), strict=True):
            attribution = stance.attribution or sentence.attribution or Attribution()
            polarity, subjectivity = sentence.textblob
            results.append(
                SentenceResult(
                    text=sentence.text,
                    label=stance.label,
                    score=stance.value,
                    tone=stance.details["tone"],
                    vader=sentence.vader["compound"],
                    textblob_polarity=polarity,
                    textblob_subjectivity=subjectivity,
                    source=attribution.source,
                    target=attribution.target,
                    mutual=attribution.mutual,
                    parties=tuple(
                        dict.fromkeys(m.key for m in sentence.mentions if m.kind != "venue")
                    ),
                    cues=stance.cues,
                    via=attribution.via,
                    mentions=sentence.mentions,
                )
            )
        return results

    def _document_speaker(self, doc: Document, speaker: str | None) -> str | None:
        if speaker:
            return self.resolve_speaker(speaker)
        if doc.speaker:
            try:
                return self.resolve_speaker(doc.speaker)
            except InputError:
                doc.warnings.append(
                    f"{doc.where()}: speaker {doc.speaker!r} is not one of the parties, ignored"
                )
        return self.speaker

    def _dyad(self, ranked: list[str], speaker: str | None) -> tuple[str, ...]:
        if self.party_set is not None and len(self.party_set) == 2:
            return tuple(self.party_set.keys())
        order = ([speaker] if speaker else []) + [k for k in ranked if k != speaker]
        return tuple(order[:2])

    def _party_info(
        self, ranked: list[str], mentions: list[Mention], affiliates
    ) -> list[PartyInfo]:
        keys = (
            ranked
            if self.gazetteer
            else [*ranked, *(k for k in self.parties.parties if k not in ranked)]
        )
        info = {k: PartyInfo(k, self.parties.name(k) or k) for k in keys}
        kinds: dict[str, Counter[str]] = {k: Counter() for k in keys}
        for m in mentions:
            if m.key in info and m.kind != "venue":
                info[m.key].mentions += 1
            if m.key in kinds:
                kinds[m.key][m.kind] += 1
        for person in affiliates:
            if person.key in info:
                info[person.key].people.append(person.name)
        for key, party in info.items():
            party.found_by = dict(kinds[key].most_common())
        return list(info.values())


def scorer_version(lexicon: CueLexicon) -> str:
    """Identifies the scoring: package version, model version and lexicon fingerprint."""
    return f"{__version__}+{model_version()}+{lexicon.fingerprint}"


def as_party_set(parties: PartiesLike) -> PartySet | None:
    """A :class:`PartySet` from any accepted form (None stays None: use the gazetteer)."""
    if parties is None or isinstance(parties, PartySet):
        return parties
    if isinstance(parties, dict):
        return _party_set_from_items(tuple((k, _freeze(v)) for k, v in parties.items()))
    if not isinstance(parties, str | os.PathLike):
        raise TypeError(
            "parties are a dict of aliases, a path to a TOML file or a PartySet, "
            f"not {type(parties).__name__}"
        )
    return PartySet.from_toml(parties)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return ("__table__", tuple((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(value, key=str))
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and value[:1] == ("__table__",):
        return {k: _thaw(v) for k, v in value[1]}
    if isinstance(value, tuple):
        return list(value)
    return value


@functools.lru_cache(maxsize=256)
def _party_set_from_items(items: tuple) -> PartySet:
    """Party sets from dicts, cached: callers scoring sentence by sentence reuse them.

    Lenient: an alias that cannot be matched (empty, one letter, shared) is dropped with a
    warning, so a program passing entity strings it did not choose never fails on them."""
    return PartySet.from_mapping({k: _thaw(v) for k, v in items}, strict=False)


def _as_lexicon(lexicon: CueLexicon | str | os.PathLike[str] | None) -> CueLexicon:
    if lexicon is None:
        return CueLexicon.builtin()
    if isinstance(lexicon, CueLexicon):
        return lexicon
    return CueLexicon.builtin().extended(lexicon)


def _as_document(document: Document | str | os.PathLike[str]) -> Document:
    if isinstance(document, Document):
        return document
    if isinstance(document, os.PathLike):
        return load_document(document)
    if not isinstance(document, str):
        raise TypeError(
            f"stance analyses a text (str), a path or a Document, not {type(document).__name__}"
        )
    if "\n" not in document and len(document) < 4096 and _is_file(document):
        return load_document(document)
    # The same characters go as when the text is read from a file (see documents.decode).
    return document_from_text(strip_invisible(document))


def _is_file(candidate: str) -> bool:
    try:
        return Path(candidate).is_file()
    except OSError:
        return False
