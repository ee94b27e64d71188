"""Public pre-training text for the kinds of request that are not questions about a
topic: creative writing, role-play set-ups, proofreading and rewriting a pasted draft,
translating everyday phrases, summarising a pasted passage, brainstorming lists and math
exercises.

Why these: the base model should have seen each *kind* of request people make (a pasted
paragraph to fix, a passage to sum up, a character to play, a derivative to take) before
DP fine-tuning. Their templates and pools (:mod:`.pretraining_tasks_vocab`) are the
public corpus' own; the drafts and passages are short themed runs of plain sentences; the
math expressions are drawn fresh, with their own notation (``f(x) = ...``, ``d/dx``).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from dp_instructions.demo.pretraining_life import closed, fix_articles
from dp_instructions.demo.pretraining_tasks_vocab import (
    BRAINSTORM_ASKS,
    CHARACTERS,
    CREATIVE_ASKS,
    DRAFT_THEMES,
    FIELDS,
    FIRST_LINES,
    FOREIGN_PHRASES,
    GIFT_FOR,
    HOURS,
    JOKE_TOPICS,
    MATH_ASKS,
    MONTHS,
    NAME_STYLES,
    NAMING_TARGETS,
    OCCASIONS,
    PARTIES,
    PASSAGE_THEMES,
    PHRASES,
    POEM_KINDS,
    POEM_TOPICS,
    PRACTICE_GOALS,
    PROJECT_CONTEXTS,
    REWRITE_TONES,
    RP_PLACES,
    RP_QUESTIONS,
    RP_RULES,
    SONG_STYLES,
    STORY_KINDS,
    STORY_SUBJECTS,
    SUMMARY_ASKS,
    TAGLINE_TARGETS,
    TRANSLATE_ASKS,
    TYPO_SWAPS,
    USER_SIDES,
    WEEKDAYS,
)
from dp_instructions.demo.pretraining_vocab import KIN, LANGUAGES, LEARNER_LEVELS
from dp_instructions.demo.template import TemplateSet


def _int(lo: int, hi: int) -> Callable[[random.Random], str]:
    return lambda rnd: str(lo + int(rnd.random() * (hi - lo + 1)))


def _choice(rnd: random.Random, pool: tuple) -> str:
    return pool[int(rnd.random() * len(pool))]


_FILL: dict = {
    "weekday": WEEKDAYS,
    "hour": HOURS,
    "month": MONTHS,
    "field": FIELDS,
    "n": _int(2, 6),
    "nn": _int(12, 48),
    "yrs": _int(3, 15),
}
# Each themed sentence compiled once (sentences with {placeholders} become templates).
_DOCS = tuple(doc for doc, _ in DRAFT_THEMES)
_DRAFTS = tuple(tuple(TemplateSet([s], _FILL) for s in theme) for _, theme in DRAFT_THEMES)
_PASSAGES = tuple(tuple(TemplateSet([s], _FILL) for s in theme) for theme in PASSAGE_THEMES)


def _run(rnd: random.Random, theme: tuple, lo: int, hi: int) -> str:
    """``lo`` to ``hi`` sentences of one theme, in order; the theme's first line usually leads."""
    k = min(len(theme), lo + int(rnd.random() * (hi - lo + 1)))
    lead = [0] if rnd.random() < 0.7 else []
    picked = sorted(lead + rnd.sample(range(len(lead), len(theme)), k - len(lead)))
    return " ".join(theme[i](rnd) for i in picked)


def _passage(lo: int, hi: int) -> Callable[[random.Random], str]:
    return lambda rnd: _run(rnd, _PASSAGES[int(rnd.random() * len(_PASSAGES))], lo, hi)


def _typos(rnd: random.Random, text: str) -> str:
    """One to three of the common slips a proofreading request asks to have caught."""
    present = [pair for pair in TYPO_SWAPS if pair[0] in text]
    rnd.shuffle(present)
    for right, wrong in present[: 1 + int(rnd.random() * 3)]:
        text = text.replace(right, wrong, 1)
    return text


def _draft(rnd: random.Random) -> tuple[str, str]:
    """A pasted draft (with a slip or two, more often than not) and what it is for."""
    k = int(rnd.random() * len(_DRAFTS))
    text = _run(rnd, _DRAFTS[k], 1, 3)
    return (_typos(rnd, text) if rnd.random() < 0.6 else text), _DOCS[k]


def _poly(rnd: random.Random) -> str:
    r = rnd.random
    a, b, c = int(r() * 8) + 2, int(r() * 9) + 1, int(r() * 15) + 1
    k = int(r() * 4)
    if k == 0:
        return f"x^3 - {a}x^2 + {_co(b)}x - {c}"
    if k == 1:
        return f"{a}x^4 + {_co(b)}x^2 - {c}"
    if k == 2:
        return f"{_co(b)}x^2 - {a}x + {c}"
    return f"{a}x^3 + {c}"


def _func(rnd: random.Random) -> str:
    """A function to differentiate or integrate, in the public corpus' own notation."""
    r = rnd.random
    a, b, n = int(r() * 8) + 2, int(r() * 9) + 1, int(r() * 4) + 2
    k = int(r() * 10)
    if k < 3:
        return _poly(rnd)
    if k == 3:
        return f"ln({a}x + {b})"
    if k == 4:
        return f"sqrt({a}x + {b})"
    if k == 5:
        return f"(x^2 + {b})^{n}"
    if k == 6:
        return f"{a}cos(x) - {_co(b)}sin(x)"
    if k == 7:
        return f"x ln(x) + {a}x"
    if k == 8:
        return f"{a}/x^{n}"
    return f"tan({a}x)"


def _co(k: int) -> str:
    """A coefficient as written before a variable: ``x``, not ``1x``."""
    return "" if k == 1 else str(k)


def _rational(rnd: random.Random) -> str:
    r = rnd.random
    a, b, c, d = int(r() * 8) + 2, int(r() * 9) + 1, int(r() * 6) + 1, int(r() * 7) + 2
    return f"({a}x^2 + {b}) / ({_co(c)}x^2 - {d}x)"


def _quadratic(rnd: random.Random) -> str:
    r = rnd.random
    p, q = int(r() * 9) + 1, int(r() * 9) + 1
    s1, s2 = ("+", "-")[int(r() * 2)], ("+", "-")[int(r() * 2)]
    # (x s1 p)(x s2 q) expanded: roots are integers, as in a textbook exercise
    pv, qv = (p if s1 == "+" else -p), (q if s2 == "+" else -q)
    b, c = pv + qv, pv * qv
    bt = "" if b == 0 else (f" + {_co(b)}x" if b > 0 else f" - {_co(-b)}x")
    ct = f" + {c}" if c > 0 else f" - {-c}"
    return f"x^2{bt}{ct} = 0"


def _linear(rnd: random.Random) -> str:
    r = rnd.random
    a, b, c, d = int(r() * 7) + 2, int(r() * 12) + 1, int(r() * 5) + 1, int(r() * 30) + 1
    if c == a:
        c += 1
    return f"{a}(x - {b}) = {_co(c)}x + {d}"


def _system(rnd: random.Random) -> str:
    r = rnd.random
    a, b, c, d = (int(r() * 6) + 1 for _ in range(4))
    x, y = int(r() * 9) - 2, int(r() * 9) - 2
    return f"{_co(a)}x + {_co(b)}y = {a * x + b * y} and {_co(c)}x - {_co(d)}y = {c * x - d * y}"


def _price(rnd: random.Random) -> str:
    return f"${int(rnd.random() * 180) + 20}"


def _rent(rnd: random.Random) -> str:
    old = (int(rnd.random() * 30) + 8) * 50
    new = old + (int(rnd.random() * 8) + 1) * 25
    return f"${old:,} to ${new:,}"


SLOTS: dict = {
    "story_kind": STORY_KINDS,
    "story": STORY_SUBJECTS,
    "poem_kind": POEM_KINDS,
    "poem_topic": POEM_TOPICS,
    "style": SONG_STYLES,
    "joke": JOKE_TOPICS,
    "occasion": OCCASIONS,
    "first_line": FIRST_LINES,
    "kin": KIN,
    "character": CHARACTERS,
    "user_side": USER_SIDES,
    "practice": PRACTICE_GOALS,
    "rp_q": RP_QUESTIONS,
    "at_place": lambda rnd: _choice(rnd, RP_PLACES).replace(":", " ", 1),
    "place": lambda rnd: _choice(rnd, RP_PLACES).split(":", 1)[1],
    "rp_Q": lambda rnd: (lambda q: q[0].upper() + q[1:])(_choice(rnd, RP_QUESTIONS)),
    "learner": LEARNER_LEVELS,
    "tone": REWRITE_TONES,
    "passage": _passage(2, 4),
    "short_passage": _passage(2, 3),
    "phrase": PHRASES,
    "foreign": FOREIGN_PHRASES,
    "lang": LANGUAGES,
    "lang2": LANGUAGES,
    "naming": NAMING_TARGETS,
    "name_style": NAME_STYLES,
    "party": PARTIES,
    "gift_for": GIFT_FOR,
    "project": PROJECT_CONTEXTS,
    "tagline": TAGLINE_TARGETS,
    "month": MONTHS,
    "func": _func,
    "poly": _poly,
    "rational": _rational,
    "quadratic": _quadratic,
    "linear": _linear,
    "system": _system,
    "price": _price,
    "rent": _rent,
    "n": _int(3, 12),
    "few": _int(2, 5),
    "kid_age": ("4", "5", "6", "7", "9", "10", "12"),
    "nn": _int(40, 300),
    "lines": ("4", "6", "10", "12", "14", "16", "20"),
    "pct": _int(5, 45),
    "num": _int(20, 900),
    "a": _int(-3, 5),
    "b": _int(6, 10),
    "dollars": lambda rnd: f"${(int(rnd.random() * 10) + 1) * 10}",
}


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, SLOTS)


def _with(rnd: random.Random, main: TemplateSet, extra: TemplateSet | tuple, p: float) -> str:
    text = fix_articles(main(rnd))
    if rnd.random() < p:
        add = extra(rnd) if isinstance(extra, TemplateSet) else _choice(rnd, extra)
        text = f"{closed(text)} {add}" if "\n" not in text else f"{text}\n{add}"
    return text


# --- creative writing ----------------------------------------------------------------------

_STORY = _T(
    [
        "[Write|I'd love|I need] {story_kind} about {story}[.| for my {kin}'s birthday.]",
        "[Can you write|Could you write me] {story_kind} about {story}?",
        "[Tell me|I want] a [short|funny|spooky|cozy|sweet] story about {story}[.| please.]",
        "[Can you write|Could you write] {poem_kind} about {poem_topic}[?| for my {kin}?]",
        "[Write|I need] {poem_kind} about {poem_topic}[.| for a card.| for my {kin}.]",
        "{poem_kind} about {poem_topic}[, go.| please.]",
        "[Looking for|Need] {poem_kind} about {poem_topic} to read at [an open mic|a school assembly|{occasion}].",
        "[Write|Give me] [lyrics|a verse and a chorus|just a chorus] for a {style} song about {poem_topic}.",
        "[Make up|Write] a {style} song [my kids can sing|for a road trip|to sing while doing the dishes] "
        "about {poem_topic}.",
        '[Start|Write] a story [that begins with|with the first line]: "{first_line}"',
        'Continue this story[ for a paragraph| in {n} sentences|]: "{first_line}"',
        "Write a bedtime story for a {kid_age}-year-old about {story}[.|, ending with everyone asleep.]",
        "Write a {lines}-line poem about {poem_topic}[.| that doesn't rhyme.| with a hopeful ending.]",
        "Could you write a {lines}-line poem about {poem_topic}?",
    ]
)
_JOKE_SPEECH = _T(
    [
        "[Tell me a joke about {joke}.|Got any [good|clean|terrible] jokes about {joke}?|What's a good dad joke "
        "about {joke}?|Give me {few} puns about {joke} for [a birthday card|the work chat|a lunchbox note].]",
        "[Write a knock-knock joke|I need a one-liner] about {joke}[ for a {kid_age}-year-old|].",
        "I have to give a toast at {occasion} [and I'm terrified|next weekend|on Saturday]. [Can you help|"
        "Help me write one|Any ideas]? [Around a minute long.|Funny but warm.|Nothing embarrassing.|]",
        "[Write|Draft] a [short|two-minute|heartfelt|light-hearted] speech for {occasion}[.| that ends on a toast.]",
        "What's a good [opening line|way to end] for a [short|funny|sincere] speech at {occasion}?",
    ]
)


def creative(rnd: random.Random) -> str:
    if rnd.random() < 0.3:
        return _JOKE_SPEECH(rnd)
    return _with(rnd, _STORY, CREATIVE_ASKS, 0.3)


# --- role-play -------------------------------------------------------------------------------

_ROLE = _T(
    [
        "Pretend you're {character}. I'm {user_side}. [Go!|You start.|What do you say to me first?]",
        "Let's do a role-play: you're {character} and I'm {user_side}[.|. Begin when ready.]",
        "[Can you act like|Could you play] {character} for a bit? I want to practice {practice}.",
        "[From now on,|For this chat,] talk like {character}. First question: {rp_q}",
        "Imagine you're {character} showing me around {place}. [Describe what I'd see.|What's the "
        "first thing you point out?|Tell me the story of the place.]",
        "Be {character} and answer my questions in character. {rp_Q}",
        "[Role-play time.|Quick game:] You are {character}, I am {user_side}, and we're {at_place}. "
        "[Set the scene.|You speak first.]",
        "I'm {learner}, [could you|can you] pretend to be {character} so I can practice {practice}?",
        "[Hey,|Okay,|] [you're|you are] now {character}. [Tell me about your day.|{rp_Q}|Introduce yourself.]",
    ]
)
_DIALOGUE = _T(["[Write|Give me] a short dialogue between {character} and {user_side}[.| {at_place}.]"])


def roleplay(rnd: random.Random) -> str:
    if rnd.random() < 0.12:
        return fix_articles(_DIALOGUE(rnd))
    return _with(rnd, _ROLE, RP_RULES, 0.35)


# --- proofreading and rewriting -----------------------------------------------------------------

_REWRITE = _T(
    [
        "Can you proofread this[ for me|]? {=draft}",
        "[Rewrite|Reword] this to sound {tone}: {=draft}",
        "Shorten this[ paragraph| to one sentence| to under 20 words|]: {=draft}",
        "[Any|Are there any] [grammar|spelling] mistakes here? {=draft}",
        "{=draft}\n\n[Does this read okay?|Is this okay to send?|Can you clean this up?] [It's for {=doc}.|"
        "Be honest.|]",
        "Make this [less wordy|easier to read|flow better|sound less robotic]: {=draft}",
        "[Please tidy up|Can you polish] the wording of {=doc}: {=draft}",
        "I wrote this for {=doc}. [Can you make it {tone}?|Anything I should change?|Does it sound natural?] {=draft}",
        "Turn this into [a bullet list|a short text message|a friendly reminder]: {=draft}",
        "[Check my spelling|Spell check] please: {=draft}",
        "Help me make {=doc} sound {tone}. [Here's what I have|Current version|Draft]: {=draft}",
    ]
)


def rewriting(rnd: random.Random) -> str:
    draft, doc = _draft(rnd)
    return _REWRITE(rnd, {"draft": draft, "doc": doc})


# --- translation ---------------------------------------------------------------------------

_TRANSLATE = _T(
    [
        "How do I say '{phrase}' in {lang}?",
        "Translate into {lang}: {phrase}",
        'What\'s the most natural way to say "{phrase}" in {lang}?',
        "[I'm visiting|Going to] a country where they speak {lang} next month. How would I say this: {phrase}",
        "How would I say '{phrase}' to my {kin} in {lang}?",
        '{lang} speakers, how do you say "{phrase}" without sounding like a textbook?',
        "What does '{foreign}' [mean|actually mean|mean in English]?",
        "[Can you put|Please put] this into {lang} and {lang2}: {phrase}",
        'Would "{phrase}" in {lang} be different in formal and casual speech?',
        "Need this in {lang} [for a sign|for a message|for a card], please: {phrase}",
        'Quick translation to {lang}? "{phrase}"',
    ]
)


def translation(rnd: random.Random) -> str:
    return _with(rnd, _TRANSLATE, TRANSLATE_ASKS, 0.3)


# --- summaries ---------------------------------------------------------------------------

_SUMMARY = _T(
    [
        "[Summarize|Sum up] this in {few} bullet points: {passage}",
        "[TL;DR please:|tldr pls:] {passage}",
        "Can you give me the gist of this? {passage}",
        "{passage}\n\n[What's the main point here?|tl;dr?|Can someone summarize this for me?|Short version?]",
        "My {kin} sent me this and I don't have time to read it properly. Short version? {short_passage}",
        "Boil this down to one sentence: {passage}",
        "What are the key takeaways from this: {passage}",
        "[Explain this to me|Sum this up for me] like I'm {learner}: {short_passage}",
        "Give me a headline for this: {short_passage}",
        "Is this saying [what I think|anything new]? [Summarize it first.|Sum it up for me.] {short_passage}",
    ]
)


def summary(rnd: random.Random) -> str:
    return _with(rnd, _SUMMARY, SUMMARY_ASKS, 0.25)


# --- brainstorming lists -------------------------------------------------------------------

_BRAINSTORM = _T(
    [
        "[Give me|Need|I need] {n} [name ideas|names] for {naming}[.|, something {name_style}.]",
        "What should we call {naming}? [Something {name_style}.|Open to anything.|Go wild.]",
        "[Ideas for|Any ideas for] {party}[ in {month}| this weekend| next month|]?",
        "Help me plan {party}[.| on a budget.| in {month}.| with about {n} weeks' notice.]",
        "[List|Give me] {n} [themes|activities|food ideas] for {party}.",
        "Gift ideas for {gift_for}[? Budget {dollars}.|?]",
        "[What do I get|What's a good present for] {gift_for}? [Budget is about {dollars}.|Nothing "
        "too expensive.|Not a gift card.]",
        "Brainstorm [some|{n}] project ideas for {project}[.|, nothing too ambitious.]",
        "I'm stuck for ideas for {project}. [Throw some at me.|What would you do?|List a few.|I have "
        "about {few} weekends.|I'm {learner}.]",
        "[Suggest|Write] {n} [taglines|catchy lines|poster slogans] for {tagline}[.|, short and punchy.]",
        "[Help me come up with|Brainstorm|Need] a [tagline|slogan|motto] for {tagline}[.|? We have a tiny "
        "budget.| in {month}.]",
        "[List|Give me] {n} [fun|cheap|low-effort] ideas for {party}[, no alcohol|]",
        "{n} [names|ideas] for {naming}, [go|please|quick].",
    ]
)


def brainstorm(rnd: random.Random) -> str:
    return _with(rnd, _BRAINSTORM, BRAINSTORM_ASKS, 0.45)


# --- math exercises ------------------------------------------------------------------------

_MATH = _T(
    [
        "Differentiate f(x) = {func}[.|, please.]",
        "What's d/dx of {func}?",
        "Find f'(x) if f(x) = {func}[.|?]",
        "Integrate {func} with respect to x.",
        "What's the antiderivative of {func}?",
        "How do I integrate {poly}? [I keep getting the wrong answer.|Step by step please.]",
        "Evaluate the definite integral of {poly} from {a} to {b}.",
        "Limit as x -> infinity of {rational}[?| - how do I do this?]",
        "[What's|Work out] the limit of {rational} as x goes to infinity[?|.]",
        "Solve {quadratic}[.| by factoring.| using the quadratic formula.]",
        "Solve the system: {system}",
        "How do I solve {linear}?",
        "[What is|What's] {pct}% of {num}?",
        "Calculate {pct}% of {num}.",
        "[A jacket|A pair of boots|A lamp|A backpack] costs {price} and is {pct}% off. [What's the sale "
        "price?|How much do I save?]",
        "My rent went from {rent}. What percent increase is that?",
        "If a price goes up {pct}% and then down by the same percent, [is it back where it started|why "
        "isn't it the same price]?",
        "[Check my work:|Is this right?] I said the derivative of {func} is zero at x = {a}.",
    ]
)


def math(rnd: random.Random) -> str:
    return _with(rnd, _MATH, MATH_ASKS, 0.3)
