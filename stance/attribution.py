"""Attribution: which party expresses a sentence's stance (source) and toward whom (target).

Rules, tried in order; each result records the rule that gave it (``via``):

* ``reporting``: "X stressed / said / asserted ... that": the party named before the reporting
  verb is the source. "He asserted" continues the last named speaker (``pronoun``); "we"
  belongs to the document's speaker (``speaker``); "Both sides emphasized" is mutual.
* ``mutual``: "both sides", "both countries", "the two states" ... without a named speaker.
* ``joint``: two parties acting together: "X and Y discussed", "X met with Y".
* ``passive``: "... was rejected by X": X is the source.
* ``subject``: otherwise the first party named, unless it follows a preposition ("for
  Pakistan", "against India"), in which case it is the target.
* ``speaker``: first person ("we", "our") with a document speaker and no other subject.

The target is the first other party named in the sentence, else the other party of the
document's dyad. A sentence with no party in it (and no pronoun or first person to carry one
over) gets no source and no target.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .parties import Mention

REPORTING_VERBS = (
    "said says say saying told tells stated states stressed stresses stressing asserted asserts "
    "underscored underscores emphasized emphasised emphasizes emphasises affirmed affirms "
    "reaffirmed reaffirms noted notes added adds declared declares announced announces assured "
    "assures urged urges called calls warned warns insisted insists maintained maintains argued "
    "argues claimed claims accused accuses criticized criticised criticizes criticises "
    "condemned condemns welcomed welcomes praised praises thanked thanks appreciated "
    "appreciates acknowledged acknowledges reiterated reiterates highlighted highlights "
    "remarked remarks observed observes hoped hopes believes believed proposed proposes "
    "suggested suggests demanded demands rejected rejects denied denies dismissed dismisses "
    "lauded lauds hailed hails expressed expresses conveyed conveys informed informs complained "
    "complains protested protests threatened threatens vowed vows pledged pledges promised "
    "promises offered offers requested requests asked asks invited invites described describes "
    "explained explains confirmed confirms recalled recalls regretted regrets deplored deplores "
    "commended commends blamed blames alleged alleges questioned questions signalled signaled "
    "signals indicated indicates wrote writes tweeted announced recognized recognised "
    "recognizes recognises supported supports opposed opposes "
    "say stress assert underscore emphasize emphasise affirm reaffirm declare announce assure "
    "urge warn insist argue claim accuse criticize criticise condemn welcome praise thank "
    "appreciate acknowledge reiterate highlight believe propose suggest demand reject deny "
    "dismiss laud hail express convey complain vow pledge promise request invite confirm "
    "recall regret deplore commend blame allege recognize recognise oppose"
).split()
# Verbs of saying that come before their speaker after a quote: "..., said Koo".
SPEECH_VERBS = (
    "said says added adds wrote writes argued argues noted notes insisted insists explained "
    "explains recalled remarked observed declared stated tweeted claimed complained lamented "
    "continued replied responded quipped warned"
).split()
_PRONOUNS = {"he": "last", "she": "last", "they": "last", "we": "speaker", "i": "speaker"}

_WORD = r"(?<![\w-])(?:{})(?![\w-])"
# A reporting verb is a whole run of word characters and hyphens ("well-said" is not one):
# finding the runs and looking each up is much faster than one regex of 300 alternatives.
_REPORTING_WORDS = frozenset(REPORTING_VERBS)
_WORD_RUN = re.compile(r"[\w-]+")
_SPEECH_WORDS = frozenset(SPEECH_VERBS)
_MUTUAL_HINTS = ("both", "two", "jointly")  # _MUTUAL matches only where one of them is
_MUTUAL = re.compile(
    r"(?<!\w)(?:both|the\s+two)\s+(?:\w+\s+)?(?:sides|countries|states|nations|governments|"
    r"leaders|parties|delegations|ministers|neighbou?rs|allies|capitals|partners|"
    r"administrations|militaries|presidents|premiers|heads\s+of\s+state)(?!\w)|"
    r"(?<!\w)jointly(?!\w)",
    re.IGNORECASE,
)
_JOINT_GAP = re.compile(
    r"\s*,?\s*(?:and|&|together\s+with|along\s+with|joined\s+by|met\s+with|met|with)\s+"
    r"(?:(?:the|his|her|their|its)\s+)?(?:[A-Za-z'’.-]+\s+){0,3}?",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(
    r"(?<!\w)(?:of|for|to|toward|towards|with|against|on|about|into|over|between|from|"
    r"among|like|than)\s+(?:the\s+)?(?:\w+\s+)?\Z",
    re.IGNORECASE,
)
_BY = re.compile(r"\w(?:ed|en|wn)\s+by\s+(?:the\s+)?\Z", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"(?<!\w)(?:we|our|ours|us|I|my)(?!\w)", re.IGNORECASE)
_SUBJECT_PRONOUN = re.compile(r"(?<!\w)(he|she|they|we|i)\s+(?:\w+\s+){0,2}\Z", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:—–(]\s*(?=[^,;:—–(]*\Z)")
_OPENING_FIRST_PERSON = re.compile(r"\A\W*(?:[^,]{0,60},\s*)?(?:we|i|our)\s", re.IGNORECASE)
_WORDS = re.compile(r"\w+")
_INVERTED_REACH = 4
_INVERTED_SPEECH = re.compile(rf"[,\"”’']\s*(?:{'|'.join(SPEECH_VERBS)})(?![\w-])", re.IGNORECASE)
_BE = r"(?:is|are|was|were|be|been|being|has\s+been|have\s+been|had\s+been|got|gets|get)"
_PASSIVE_REPORTING = re.compile(
    rf"(?<!\w){_BE}\s+(?:\w+ly\s+)?(?:{'|'.join(REPORTING_VERBS)})\s+by\s+(?:the\s+)?"
    r"(?:[\w.'’-]+\s+){0,3}\Z",
    re.IGNORECASE,
)
_STANCE_NOUNS = (
    r"criticism|condemnation|praise|support|backing|attacks?|pressure|opposition|rebukes?|"
    r"investigation|scrutiny|endorsement|threats?|sanctions|protests?|accusations?|charges|"
    r"complaints?|demands?|calls?|denunciation|insults?|welcome"
)
_STANCE_NOUN_BY = re.compile(
    rf"(?<!\w)(?:{_STANCE_NOUNS}|fire)\s+(?:from|by)\s+(?:the\s+)?"
    r"(?:[\w.'’-]+\s+){0,3}\Z",
    re.IGNORECASE,
)
# Both agent patterns end at the party, so they are searched for only in the characters
# before it that such a phrase can take: searching all of a long text before every party
# named in it took time in the square of its length.
_AGENT_REACH = 400
_SENTENCE_START_PRONOUN = re.compile(r"\A\W*(he|she|they)\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who expresses the stance toward whom, and the rule that decided it."""

    source: str | None = None
    target: str | None = None
    mutual: bool = False
    via: str | None = None


@dataclass
class AttributionContext:
    """What attribution carries from one sentence to the next within a document."""

    speaker: str | None = None
    dyad: tuple[str, ...] = ()
    last_speaker: str | None = None
    last_mutual: tuple[str, str] | None = None

    def other(self, key: str | None) -> str | None:
        """The other party of the dyad, when the document has one."""
        if key is None or len(self.dyad) != 2 or key not in self.dyad:
            return None
        return self.dyad[1] if self.dyad[0] == key else self.dyad[0]


def attribute(
    text: str, offset: int, mentions: list[Mention], context: AttributionContext
) -> Attribution:
    """Source and target of one sentence; ``mentions`` carry document offsets, ``offset``
    is where the sentence starts. Updates ``context`` (last speaker) as a reader would."""
    actors = [m for m in mentions if m.kind != "venue"]
    result = _decide(text, offset, actors, context)
    if result.via in ("reporting", "subject", "joint", "passive") and not result.mutual:
        context.last_speaker = result.source
        context.last_mutual = None
    elif result.mutual and result.source and result.target:
        context.last_mutual = (result.source, result.target)
    return result


def _decide(
    text: str, offset: int, actors: list[Mention], context: AttributionContext
) -> Attribution:
    agent = _agent(text, offset, actors, context)
    if agent:
        return agent
    # For an ASCII sentence its lower-cased words tell, in one pass, which of the patterns
    # below can match at all (ignoring case, the same letters): most sentences skip them.
    lowered = text.lower() if text.isascii() else None
    words = frozenset(_WORD_RUN.findall(lowered)) if lowered is not None else None
    verb = _reporting_verb(text, offset, actors, lowered, words)
    if verb:
        clause_start = _clause_start(text, verb.start())
        region = [m for m in actors if clause_start <= m.start - offset < verb.start()]
        subject = text[clause_start : verb.start()]
        found = _from_subject(region, subject, actors, context)
        if found:
            return found
    if words is None or not _SPEECH_WORDS.isdisjoint(words):
        for candidate in _INVERTED_SPEECH.finditer(text):
            found = _inverted(text, offset, candidate, actors, context)
            if found:
                return found
    if context.speaker and _OPENING_FIRST_PERSON.match(text):
        source = context.speaker
        return Attribution(source, _target(actors, source, context), False, "speaker")
    passive = _passive(text, offset, actors, context)
    if passive:
        return passive
    if verb and len(_distinct(actors)) == 1 and actors[0].start - offset >= verb.end():
        # "The SAPM assured the US ambassador ...": an unnamed speaker; the party
        # named after the verb is spoken to or about, not speaking.
        return Attribution(None, actors[0].key, False, "object")
    pronoun_match = _SENTENCE_START_PRONOUN.match(text)
    pronoun = _pronoun(pronoun_match)
    maybe_mutual = lowered is None or any(hint in lowered for hint in _MUTUAL_HINTS)
    mutual = _MUTUAL.search(text) if maybe_mutual else None
    if mutual and not (pronoun_match and pronoun_match.end() <= mutual.start()):
        return _mutual(actors, context, "mutual")
    joint = _joint(text, offset, actors)
    if joint:
        return joint
    if pronoun:
        carried = _carry(pronoun, actors, context, "pronoun")
        if carried:
            return carried
    return _by_position(text, offset, actors, context)


def _reporting_verb(
    text: str,
    offset: int,
    actors: list[Mention],
    lowered: str | None,
    words: frozenset[str] | None,
) -> re.Match[str] | None:
    """The first reporting verb of the sentence that is not part of a party's name;
    ``lowered`` and ``words``, the sentence lower-cased and its words, when it is ASCII (the
    same offsets): then only the verbs it has are looked for, each where it is a whole run."""
    if lowered is not None and words is not None:
        if _REPORTING_WORDS.isdisjoint(words):
            return None  # most sentences
        found = sorted(
            (
                m
                for verb in _REPORTING_WORDS.intersection(words)
                for m in _run(verb).finditer(lowered)
            ),
            key=lambda m: m.start(),
        )
        return next((v for v in found if not _inside_mention(v, offset, actors)), None)
    verbs = (
        v
        for v in _WORD_RUN.finditer(text)
        if v.group().lower() in _REPORTING_WORDS and not _inside_mention(v, offset, actors)
    )
    return next(verbs, None)


@functools.cache
def _run(word: str) -> re.Pattern[str]:
    """``word`` where it is a whole run of ``_WORD_RUN``."""
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def _inside_mention(verb: re.Match[str], offset: int, actors: list[Mention]) -> bool:
    """ "the United States" is a party, not the verb "states"."""
    return any(m.start - offset < verb.end() and verb.start() < m.end - offset for m in actors)


def _inverted(
    text: str, offset: int, verb: re.Match[str], actors: list[Mention], context: AttributionContext
) -> Attribution | None:
    """ "... ,” said independence advocate Koo": a verb of saying right after a comma or a
    closing quote, followed closely by a party, names that party as the speaker."""
    for mention in actors:
        start = mention.start - offset
        if start >= verb.end():
            if len(_WORDS.findall(text, verb.end(), start)) <= _INVERTED_REACH:
                source = mention.key
                return Attribution(source, _target(actors, source, context), False, "reporting")
            return None
    return None


def _agent(
    text: str, offset: int, actors: list[Mention], context: AttributionContext
) -> Attribution | None:
    """ "Ford has been criticized by Trump", "came under fire from Trump": the agent of a
    passive reporting verb or of a stance noun is the source, even when named second."""
    if len(_distinct(actors)) < 2:
        return None
    first = actors[0].key
    for mention in actors[1:]:
        if mention.key == first:
            continue
        end = mention.start - offset
        start = max(0, end - _AGENT_REACH)
        if _PASSIVE_REPORTING.search(text, start, end) or _STANCE_NOUN_BY.search(text, start, end):
            return Attribution(mention.key, _target(actors, mention.key, context), False, "passive")
    return None


def _clause_start(text: str, verb_start: int) -> int:
    head = text[:verb_start]
    m = _CLAUSE_BREAK.search(head)
    return m.end() if m else 0


def _from_subject(
    region: list[Mention], subject: str, actors: list[Mention], context: AttributionContext
) -> Attribution | None:
    if _MUTUAL.search(subject):
        return _mutual(actors, context, "mutual")
    keys = _distinct(region)
    if len(keys) >= 2:
        return _mutual(region, context, "joint")
    if len(keys) == 1:
        return Attribution(keys[0], _target(actors, keys[0], context), False, "reporting")
    pronoun = _pronoun(_SUBJECT_PRONOUN.search(subject))
    if pronoun:
        via = "speaker" if _PRONOUNS[pronoun] == "speaker" else "pronoun"
        return _carry(pronoun, actors, context, via)
    return None


def _pronoun(match: re.Match[str] | None) -> str | None:
    """The pronoun a match found, lower-cased, or None when it only matched by Unicode case
    folding ("İ", "ſhe"): ``re.IGNORECASE`` matches those, but they are not English pronouns
    and their lower-case forms are not the pronouns' ("i̇", "ſhe")."""
    if match is None:
        return None
    word = match.group(1).lower()
    return word if word in _PRONOUNS else None


def _carry(
    pronoun: str, actors: list[Mention], context: AttributionContext, via: str
) -> Attribution | None:
    if _PRONOUNS.get(pronoun) == "speaker":
        source = context.speaker
        via = "speaker"
    elif pronoun == "they" and context.last_mutual:
        first, second = context.last_mutual
        return Attribution(first, second, True, "pronoun")
    else:
        source = context.last_speaker
    if source is None:
        return None
    return Attribution(source, _target(actors, source, context), False, via)


def _mutual(actors: list[Mention], context: AttributionContext, via: str) -> Attribution:
    named = _distinct(actors)
    # "both sides" means the dyad: its parties first (named ones in order), then others.
    keys = [k for k in named if k in context.dyad]
    keys += [k for k in context.dyad if k not in keys]
    keys += [k for k in named if k not in keys]
    if len(keys) < 2:
        source = keys[0] if keys else None
        return Attribution(source, None, True, via)
    return Attribution(keys[0], keys[1], True, via)


def _joint(text: str, offset: int, actors: list[Mention]) -> Attribution | None:
    if not actors:
        return None
    first_key = actors[0].key
    for index, mention in enumerate(actors):
        if mention.key == first_key:
            continue
        previous = actors[index - 1]
        gap = text[previous.end - offset : mention.start - offset]
        if _JOINT_GAP.fullmatch(gap) and not _PREPOSITION.search(text[: actors[0].start - offset]):
            return Attribution(first_key, mention.key, True, "joint")
        return None
    return None


def _passive(
    text: str, offset: int, actors: list[Mention], context: AttributionContext
) -> Attribution | None:
    """ "... was rejected by Islamabad": the agent after a participle and "by" is the source."""
    for mention in actors:
        if _BY.search(text, 0, mention.start - offset):
            return Attribution(mention.key, _target(actors, mention.key, context), False, "passive")
    return None


def _by_position(
    text: str, offset: int, actors: list[Mention], context: AttributionContext
) -> Attribution:
    if actors:
        first = actors[0]
        before = text[: first.start - offset]
        if not _PREPOSITION.search(before):
            return Attribution(first.key, _target(actors, first.key, context), False, "subject")
    if context.speaker and _FIRST_PERSON.search(text):
        source = context.speaker
        return Attribution(source, _target(actors, source, context), False, "speaker")
    if actors:
        return Attribution(None, actors[0].key, False, "object")
    return Attribution()


def _target(actors: list[Mention], source: str, context: AttributionContext) -> str | None:
    for mention in actors:
        if mention.key != source:
            return mention.key
    return context.other(source)


def _distinct(mentions: list[Mention]) -> list[str]:
    keys: list[str] = []
    for m in mentions:
        if m.key not in keys:
            keys.append(m.key)
    return keys
