"""English user prompts for the demo corpus, one builder per topic.

Why so many small templates: the cleansing funnel removes 10-gram near duplicates, so
ordinary prompts must not share 10-word runs by construction. Every template keeps its
fixed word runs short (at most four or five words between random slots), draws its
phrasing from alternatives, and fills its slots from large pools or composes them
(adjective x noun, verb x noun identifiers, names, numbers), so that any 10 consecutive
words carry plenty of randomness. The topic mix is skewed the way LMSYS-Chat-1M is
(coding first).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from itertools import accumulate

from dp_instructions.demo import code_snippets
from dp_instructions.demo.pii import PII_SLOTS, add_pii, company
from dp_instructions.demo.template import TemplateSet, article, tidy
from dp_instructions.demo.vocab import (
    ADJECTIVES,
    AUDIENCES,
    AUTHORS,
    BUSINESS_GOALS,
    BUSINESS_TYPES,
    CITIES,
    CODE_ENTITIES,
    CODE_FIELDS,
    CONCEPTS_BY_LANG,
    COUNTRIES,
    COURSES,
    DEPARTMENTS,
    ESSAY_TOPICS,
    FILE_FORMATS,
    FIRST_NAMES,
    HOBBIES,
    JOB_TITLES,
    JS_LIBS,
    MATH_EXPRS,
    MATH_ITEMS,
    MONTHS,
    OBJECT_NOUNS,
    PERSON_NOUNS,
    PLACES,
    PRODUCTS,
    PROG_NOUNS,
    PYTHON_LIBS,
    RELATIONS,
    ROLES,
    SCIENCE_CONCEPTS,
    SYMPTOMS,
    THINGS,
    TIME_PHRASES,
    TONES,
    USER_ROLES,
    VERBS_PAST,
    WRITING_FORMS,
)

Builder = Callable[[random.Random], str]


def _p(rnd: random.Random, pool: tuple[str, ...]) -> str:
    return pool[int(rnd.random() * len(pool))]


def _int(lo: int, hi: int, step: int = 1) -> Callable[[random.Random], str]:
    count = (hi - lo) // step + 1
    return lambda rnd: str(lo + step * int(rnd.random() * count))


def _money(rnd: random.Random) -> str:
    return f"${int(rnd.random() * 400) * 125 + 500:,}"


def _version(rnd: random.Random) -> str:
    return f"{int(rnd.random() * 3) + 1}.{int(rnd.random() * 13)}"


def _a_person(rnd: random.Random) -> str:
    return article(f"{_p(rnd, ADJECTIVES)} {_p(rnd, PERSON_NOUNS)}")


def _a_thing(rnd: random.Random) -> str:
    return article(f"{_p(rnd, ADJECTIVES)} {_p(rnd, THINGS)}")


def _a_role(rnd: random.Random) -> str:
    return _p(rnd, ROLES) if rnd.random() < 0.4 else _a_person(rnd)


def _a_user_role(rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.3:
        return _p(rnd, USER_ROLES)
    if r < 0.6:
        return f"{article(_p(rnd, JOB_TITLES))} from {_p(rnd, CITIES)}"
    return _a_person(rnd)


def _expr(rnd: random.Random) -> str:
    """A random calculus expression (fresh coefficients, so no two prompts share it)."""
    r = rnd.random
    a, b, c = int(r() * 9) + 1, int(r() * 9) + 1, int(r() * 9) + 2
    k = int(r() * 9)
    if k == 0:
        return f"{a}x^{c} {'+-'[b % 2]} {b}x {'+-'[a % 2]} {int(r() * 20)}"
    if k == 1:
        return f"sin({a}x) * cos({b}x)"
    if k == 2:
        return f"e^({a}x) * x^{c}"
    if k == 3:
        return f"ln({a}x^2 + {b})"
    if k == 4:
        return f"({a}x + {b})^{c}"
    if k == 5:
        return f"x^{c} * ln({a}x)"
    if k == 6:
        return f"sqrt({a}x + {b})"
    if k == 7:
        return f"{a}/(x^2 + {b})"
    return _p(rnd, MATH_EXPRS)


_PLACE_NOUNS = (
    "lighthouse",
    "castle",
    "cottage",
    "cabin",
    "island",
    "forest",
    "cave",
    "market",
    "library",
    "museum",
    "school",
    "hospital",
    "factory",
    "farm",
    "bakery",
    "cafe",
    "theater",
    "spaceship",
    "submarine",
    "train station",
    "hotel",
    "monastery",
    "harbor",
    "mine",
    "circus",
    "palace",
    "tavern",
    "observatory",
    "greenhouse",
    "bookshop",
    "diner",
    "arcade",
    "vineyard",
    "zoo",
)


def _place(rnd: random.Random) -> str:
    """A setting: ``a haunted lighthouse near Lisbon`` or one of the stock places."""
    if rnd.random() < 0.3:
        return _p(rnd, PLACES)
    where = ("in", "near", "outside", "above", "under")[int(rnd.random() * 5)]
    return f"{article(_p(rnd, ADJECTIVES) + ' ' + _p(rnd, _PLACE_NOUNS))} {where} {_p(rnd, CITIES)}"


_GENRES = (
    "country",
    "pop",
    "rap",
    "punk",
    "folk",
    "jazz",
    "blues",
    "metal",
    "reggae",
    "K-pop",
    "indie",
    "gospel",
    "disco",
    "lo-fi",
    "bluegrass",
    "sea shanty",
    "lullaby",
    "synthwave",
    "musical theatre",
    "grunge",
    "soul",
    "emo",
    "polka",
    "mariachi",
)

SLOTS: dict = {
    **PII_SLOTS,
    "adj": ADJECTIVES,
    "adj2": ADJECTIVES,
    "person": PERSON_NOUNS,
    "thing": THINGS,
    "verbed": VERBS_PAST,
    "obj": OBJECT_NOUNS,
    "obj2": OBJECT_NOUNS,
    "when": TIME_PHRASES,
    "city": CITIES,
    "city2": CITIES,
    "country": COUNTRIES,
    "country2": COUNTRIES,
    "hobby": HOBBIES,
    "hobby2": HOBBIES,
    "essay_topic": ESSAY_TOPICS,
    "concept": SCIENCE_CONCEPTS,
    "concept2": SCIENCE_CONCEPTS,
    "audience": AUDIENCES,
    "tone": TONES,
    "author": AUTHORS,
    "form": WRITING_FORMS,
    "place": _place,
    "product": PRODUCTS,
    "biz": BUSINESS_TYPES,
    "biz_goal": BUSINESS_GOALS,
    "symptom": SYMPTOMS,
    "course": COURSES,
    "dept": DEPARTMENTS,
    "month": MONTHS,
    "items": MATH_ITEMS,
    "expr": _expr,
    "entities": CODE_ENTITIES,
    "entities2": CODE_ENTITIES,
    "field": CODE_FIELDS,
    "field2": CODE_FIELDS,
    "fmt": FILE_FORMATS,
    "fmt2": FILE_FORMATS,
    "pylib": PYTHON_LIBS,
    "jslib": JS_LIBS,
    "first2": FIRST_NAMES,
    "job2": JOB_TITLES,
    "relation2": RELATIONS,
    "genre": _GENRES,
    "company2": company,
    "host": lambda rnd: f"{_p(rnd, PROG_NOUNS)}{_p(rnd, PROG_NOUNS)}",
    "a_job": lambda rnd: article(_p(rnd, JOB_TITLES)),
    "a_job2": lambda rnd: article(_p(rnd, JOB_TITLES)),
    "a_person": _a_person,
    "a_person2": _a_person,
    "a_thing": _a_thing,
    "a_role": _a_role,
    "a_user_role": _a_user_role,
    "snake": code_snippets.snake,
    "camel": code_snippets.camel,
    "var": code_snippets.var,
    "small": _int(2, 12),
    "num": _int(3, 500),
    "bignum": lambda rnd: f"{int(rnd.random() * 99) + 1},000",
    "words": _int(100, 1500, 50),
    "age": _int(17, 78),
    "year": _int(1990, 2025),
    "money": _money,
    "pct": _int(2, 15),
    "version": _version,
    "hh": _int(1, 12),
    "speed": _int(30, 120, 5),
    "base_verb": (
        "finish",
        "review",
        "send",
        "update",
        "cancel",
        "approve",
        "discuss",
        "fix",
        "sign",
        "move",
        "check",
        "rewrite",
        "reschedule",
        "print",
        "submit",
        "test",
        "announce",
    ),
}


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, SLOTS)


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _conjugated(texts: list[str]) -> tuple[TemplateSet, TemplateSet]:
    """Base-form and third-person versions of templates whose verbs end in ``~``
    ("read~ a file" -> "read a file" / "reads a file")."""
    base = [t.replace("~", "") for t in texts]
    third = [re.sub(r"(\w+)~", lambda m: _third_person(m.group(1)), t) for t in texts]
    return _T(base), _T(third)


# --- shared pieces ---------------------------------------------------------------------

_SUBJECT = _T(
    [
        "my {relation}",
        "our {dept} team",
        "the new {job}",
        "{first}",
        "the {adj} {person}",
        "{a_job} from {city}",
        "{first} from {dept}",
        "the {city} office",
        "my {adj} {relation}",
        "{first} and {first2}",
        "the {job} at {company2}",
    ]
)
SLOTS["subj"] = _SUBJECT.raw

_SENTENCE = _T(
    [
        "{subj} {verbed} the {adj} {obj} {when}.",
        "[Our|My|The] {obj} [was|is|got] [delayed|approved|rejected|finished|cancelled|moved] "
        "[because|since|after] {subj} {verbed} [the|our|my] {obj2}.",
        "[I think|Honestly,|To be honest,|Apparently,|I feel like] {subj} [doesn't|didn't|won't] "
        "[like|understand|care about|agree with] [the|our|my] {adj} {obj}.",
        "We [need to|have to|should|must] {base_verb} the {obj} [before|by|after] {date}[, says {first}|].",
        "{subj} [said|told me|mentioned|claimed] that the {obj} [costs|will cost|cost] {money} [now|this year|].",
        "[Last|This] [week|month|summer] {subj} {verbed} {a_thing} [in|near|outside] {city}.",
        "[If|When|Once] {subj} {verbed} the {obj}, [we|they|I] [can|could|will] {base_verb} [it|the {obj2}] {when}.",
        "[There are|We have|I counted] {num} {items} [left|missing|in the box] [and|but] {subj} "
        "{verbed} [them|some of them].",
    ]
)
SLOTS["sentence"] = _SENTENCE.raw


def sentences(rnd: random.Random, lo: int, hi: int) -> str:
    """``lo`` to ``hi`` generated sentences joined by spaces (payloads for rewrite,
    summarise, translate)."""
    k = lo + int(rnd.random() * (hi - lo + 1))
    return " ".join(_SENTENCE(rnd) for _ in range(k))


SLOTS["passage"] = lambda rnd: sentences(rnd, 3, 6) if rnd.random() < 0.75 else sentences(rnd, 7, 12)
SLOTS["two_sentences"] = lambda rnd: sentences(rnd, 1, 3)

_CONSTRAINT = _T(
    [
        "[Keep it|Make it|Stay] under {words} words.",
        "Use {tone} language [for {first}|].",
        "[Make it|It should be] {tone} [but|and] {tone}.",
        "[Write it|Explain it|Pitch it] for {audience}.",
        "[Use|Format it as|Answer in|Give me] {small} [bullet points|short paragraphs|numbered steps|rows].",
        "[Answer|Reply] in {small} sentences [max|or fewer|].",
        "[Include|Add] {small} [examples|emojis|hashtags|headings] [about {hobby}|].",
        "[No|Avoid|Don't use] [jargon|clichés|emojis|hashtags|passive voice][ please|], {first} hates it.",
        "[Make it sound like|In the style of|Channel] {author}.",
    ]
)
SLOTS["constraint"] = _CONSTRAINT.raw

_CONTEXT = _T(
    [
        "[I'm|I am] {a_job} [and|so] [this is for work|my {relation} asked me|it's urgent].",
        "For my {course} class[,|:]",
        "[Quick question|Random question|Serious question][.|:]",
        "I [have|need] to [finish|hand in|submit] this [by|before] {date}[.|!]",
        "[I'm|I am] new to [{pylib}|{course}|{hobby}][,|.]",
        "[My|Our] {relation} [asked|wants|told] me to [do this|figure this out|ask you][.|:]",
    ]
)


def _weighted(rnd: random.Random, cum: tuple[float, ...]) -> int:
    u = rnd.random()
    for i, c in enumerate(cum):
        if u < c:
            return i
    return len(cum) - 1


def _cumulative(weights: tuple[float, ...]) -> tuple[float, ...]:
    total = sum(weights)
    return tuple(w / total for w in accumulate(weights))


# --- coding (about 30%) -------------------------------------------------------------------

_CODE_TASK, _CODE_TASK3 = _conjugated(
    [
        "[read~|load~|parse~|open~] a {fmt} file [of|with|containing] {entities} and "
        "[return~|print~|count~|keep~] [the ones|those|all rows|every record] [whose|where "
        "the|with a] "
        "{field} is [above|below|at least|at most|not] {num}",
        "[sort~|group~|deduplicate~|filter~|merge~|paginate~] {num} {entities} by {field} "
        "[and|then] [return~ the top {small}|write~ them to {fmt2}|print~ a summary|cache~ the "
        "result]",
        "[check~|validate~|verify~|test~] [whether|if] [a|the] {var} [has a valid {field}|is "
        "unique|is empty|"
        "matches a regex] [before saving it|and raise~ an error otherwise|in O(n) time|for {num} "
        "{entities}]",
        "[convert~|turn~|transform~|map~] {fmt} [to|into] {fmt2} [while keeping|but drop~|and "
        "rename~] the "
        "{field} [column|field|key] [of each|for all|in every] [{var}|row|record]",
        "[find~|return~|compute~|print~] the {small}th [largest|smallest|most common|longest] "
        "{var} "
        "[in|from] [an array|a list|a stream|a file] of {num} {entities}",
        "[scrape~|download~|fetch~|pull~] {entities} from [the {camel} API|https://{host}.com|"
        "an RSS feed at {host}.org|an S3 bucket named {snake}] "
        "and [store~|save~|cache~|upload~] them [in|to] [SQLite|Postgres|Redis|a {fmt} "
        "file|MongoDB] "
        "[every {small} minutes|once a day|on startup|as {var}]",
        "[implement~|build~|write~] [an LRU cache|a binary search tree|a trie|a priority queue|a "
        "ring buffer|"
        "a linked list|a rate limiter|a thread pool] [for|of|holding] {entities} [with a capacity "
        "of {num}|"
        "keyed by {field}|and a {snake} method]",
        "[calculate~|compute~|report~] the [average|median|total|standard deviation|95th "
        "percentile] "
        "[of|for] {field} [per|for each|grouped by] {field2} [in|from|across] [a DataFrame|a table|"
        "{num} {entities}|a list of dicts]",
        "[rename~|move~|copy~|compress~|delete~] [all|every|the] {fmt} files [in|under|from] "
        "[a folder|~/{snake}|the {var} directory] [older than {small} days|bigger than {num} MB|"
        "matching {var}]",
        "[simulate~|model~|animate~] {a_thing} [bouncing|moving|growing|spinning] "
        "[around|across|inside] [the screen|a {num}x{num} grid|a canvas] [with|using] {pylib}",
    ]
)
SLOTS["code_task"] = _CODE_TASK.raw
SLOTS["code_task3"] = _CODE_TASK3.raw

_CODE_CONSTRAINT = _T(
    [
        "[Use|Please use|Add] type hints[ and docstrings|] [for {first}|in {snake}|].",
        "No external libraries [please|, only the standard library|], {first} [says|insists].",
        "Add [comments|docstrings] [so {first} can follow it|for {a_job}|to {snake}].",
        "[Include|Write|Add] [unit tests|pytest tests|test cases] [for|covering] [the {field} "
        "edge cases|"
        "empty {entities}|{small} cases].",
        "[It must|It should|Make it] [handle|run on|scale to] {bignum} {entities} [quickly|in "
        "under a second|"
        "without running out of memory].",
        "[Use|Prefer|I'd like] {pylib} [if possible|for {snake}|version {version}].",
        "[Explain|What is|Give] the [time complexity|big-O|memory use] [of {snake}|for {num} {entities}].",
    ]
)

_PLANG_TASK = _T(
    [
        "[Write|Can you write|Please write|Create|Implement|Give me|I need|Help me write|write "
        "me|Show me] "
        "a {=lang} [function|script|program|method|class|snippet] [that|which] {code_task3}[.|?|]",
        "[How do I|How can I|How would I|Best way to|How to|Show me how to] {code_task} in {=lang}[?|]",
        "[In|Using] {=lang}, [how do I|I need to|help me|I want to] {code_task}[.|?]",
        "{=lang}: [need|want|looking for] a [function|script|snippet] [that|which|to] {code_task3}[.|]",
    ]
)

_DEBUG_INTRO = _T(
    [
        "[I'm getting|I get|Getting|I keep getting] [this|an|the following] [error|exception] "
        "[from|in|on] "
        "{=fn} [when|while|after] [running|calling|deploying|testing] [it on|it with] {num} "
        "{entities}[:|.]",
        "[Why does|Why would|How can] my {=lang} [code|function|program] [crash|fail|throw] "
        "[on|with|after] "
        "{num} {entities} [from|in] {fmt}?",
        "[Help!|Please help.|Stuck on this.|Can someone explain this?] [My|This] {=lang} "
        "[code|script] "
        "[for|that handles] {entities} [fails|crashes|errors out] [in|inside] {=fn}[:|.]",
        "[My|The] {=fn} [function|call|test] [throws|raises|gives] [an error|this|a weird error] "
        "[in|on|with] {=lang} {version} [and {pylib}|on {entities}|][:|.]",
    ]
)

_DEBUG_CLOSE = _T(
    [
        "[Why|How] does {=fn} [fail|break|crash] [here|on {num} {entities}|only sometimes]?",
        "How do I fix {=fn} [without changing|but keep|and still return] the {field} [field|column|value]?",
        "Line {num} [of {=fn}|in {var}]: [what's wrong|what's the problem|can you fix it][?|.]",
        "[I'm on|Running|Using] [Windows|Ubuntu|macOS|Docker] [with|and] {pylib} {version}. [Ideas|Thoughts] on {=fn}?",
        "[It worked|This worked|It was fine] [yesterday|last week|on my laptop] [for {num} "
        "{entities}|"
        "before {first} touched {=fn}|with {small} {entities}].",
        "{first} [said|thinks] it's [the {field} column|{var}|a {pylib} bug]. [Is that right|True]?",
        "",
    ]
)

_EXPLAIN_CODE = _T(
    [
        "[What does|Explain what|Can you explain what|Walk me through what] [this|my|the] {=fn} "
        "[code|snippet|function] [does|is doing] [with {entities}|to the {field}|for {first}][?|:]",
        "[Explain|Review|Comment on|Document] [this|the following|my] {=lang} "
        "[code|function|snippet] "
        "[line by line|for {first}|for {a_job}|briefly] [please|, {first} wrote it|][:|.|]",
        "[Is there a bug in|Find the bug in|What's wrong with|Debug] [my|this|our] {=fn} "
        "[function|code|"
        "method] [for|that handles|on] {num} {entities} [in {=lang}|({=lang})|]?",
    ]
)

_CONVERT_CODE = _T(
    [
        "[Convert|Translate|Rewrite|Port] this {=lang} [code|snippet|function] [to|into] {=lang2} "
        "[for {first}|for our {snake} service|using {jslib}|][:|.|]",
        "[Optimize|Refactor|Speed up|Clean up|Simplify] [this|the following|my] {=lang} "
        "[code|function|script] [for {entities}|{first} wrote|][.|:] [It's slow on {bignum} "
        "{entities}.|"
        "It runs {small} minutes.|{first} says it's unreadable.|]",
        "[Add|Write] [type hints|error handling|logging|tests|comments] [to|for] {=fn} [in {=lang}|"
        "({=lang})|] [so it handles {entities}|for {first}|before I merge it][:|.|]",
    ]
)

_CONCEPT_Q = _T(
    [
        "[What is|What's|Explain] the difference between {=c1} and {=c2} in {=lang}?",
        "How do {=c1} work in {=lang}? [Give|Show] [an example|a short example|a real example] "
        "[with|using|for] {entities}[.|]",
        "When should I use {=c1} [instead of|over|rather than] {=c2} [in|for] [{=lang}|a {fmt} "
        "parser|"
        "a {biz} website]?",
        "[Can you explain|Explain|ELI5] {=c1} in {=lang}[?|.] [I'm|I am] {a_job} [learning to "
        "code|switching to tech|].",
    ]
)

_SQL_Q = _T(
    [
        "Write a SQL query [on|against|for] the {snake} table [to|that will] "
        "[find|list|count|return] [all|the top {small}] {entities} "
        "[who|that] [placed|have|made|received] [more than|at least|fewer than] {num} {entities2} "
        "[in|during] [the last {small} days|{month} {year}|{year}|the past month].",
        "[How do I|How can I|What's the query to] [get|select|count] [the latest|the first|each] "
        "{field} [per|for every|by] {field2} [in|from] [a|the|my] {snake} table?",
        "[Given|I have] [a|the] table {snake}({field}, {field2}, {var}), [write|give me] a query "
        "[for|that returns|to compute] the [average|total|max|median] {field} [per|by|for each] "
        "{field2}.",
    ]
)

_LIB_Q = _T(
    [
        "How do I [use|install|configure|set up] {pylib} [to|for] [read|plot|train on|serve|clean] "
        "{entities} [from|into|with] [a {fmt} file|a database|a {camel} endpoint|{small} worker "
        "threads]?",
        "[In|With|Using] {jslib}, how [do I|can I|should I] [render|fetch|paginate|validate|cache] "
        "{entities} [from|for|with] the {camel} [API|hook|component]?",
        "[Why is|Is it normal that] {pylib} [so slow|using {num} MB|crashing] [on|when "
        "loading|with] "
        "{bignum} {entities}[?|.]",
    ]
)

_LANG_CUM = _cumulative(code_snippets.LANGUAGE_WEIGHTS)


def coding(rnd: random.Random) -> str:
    r = rnd.random
    k = r()
    lang = code_snippets.LANGUAGES[_weighted(rnd, _LANG_CUM)]
    fn = code_snippets.camel(rnd) if lang == "JavaScript" else code_snippets.snake(rnd)
    ctx = {"lang": lang, "fn": fn}
    if k < 0.30:
        out = _PLANG_TASK(rnd, ctx)
        if r() < 0.35:
            out = f"{out} {_CODE_CONSTRAINT(rnd)}"
        return out
    if k < 0.52:
        intro = _DEBUG_INTRO(rnd, ctx)
        err = code_snippets.error_message(rnd, lang)
        close = _DEBUG_CLOSE(rnd, ctx)
        if r() < 0.6:
            body = f"{intro}\n\n{code_snippets.fenced(rnd, lang)}\n\n{err}"
        else:
            body = f"{intro}\n{err}"
        return f"{body}\n\n{close}" if close else body
    if k < 0.64:
        return f"{_EXPLAIN_CODE(rnd, ctx)}\n\n{code_snippets.fenced(rnd, lang)}"
    if k < 0.75:
        concepts = CONCEPTS_BY_LANG[lang]
        ctx["c1"], ctx["c2"] = _p(rnd, concepts), _p(rnd, concepts)
        return _CONCEPT_Q(rnd, ctx)
    if k < 0.85:
        other = code_snippets.LANGUAGES[int(r() * 5)]
        ctx["lang2"] = other if other != lang else "Go"
        return f"{_CONVERT_CODE(rnd, ctx)}\n\n{code_snippets.fenced(rnd, lang)}"
    if k < 0.93:
        return _SQL_Q(rnd)
    return _LIB_Q(rnd)


# --- writing (about 14%) -------------------------------------------------------------------

_WRITING = _T(
    [
        "[Write|Compose|Can you write|Please write|Create|write me|I want] a {form} about "
        "{a_person} "
        "who {verbed} {a_thing} [in|near|inside] {place}[.|]",
        "[Write|Give me|Draft|Help me write|I need] a "
        "[{words}-word|short|persuasive|argumentative|five-paragraph|reflective] "
        "essay [on|about] {essay_topic} [for my {course} class|as {a_job} would see it|"
        "citing {small} sources|comparing {country} and {country2}|for {first}].",
        "[Write|Draft|Help me write|Can you write|I need] a cover letter [for|applying to] "
        "[a|the] {job} [position|role|opening] at {company2}. I [have|bring] {small} "
        "years [as|working as|of experience as] {a_job2} [and|plus] [a degree in {dept}|"
        "a passion for {hobby}|experience managing {small} people].",
        "Write [a|an] {tone} email to my {relation} [asking for|about|declining|requesting] "
        "[a|the|our] {obj} [for|on|before] {date}[.|]",
        "Write [an Instagram caption|a LinkedIn post|a tweet|a Facebook post|a Reddit post] about "
        "[my|our] {adj} {thing} [in|from|near] {city} [with hashtags|with emojis|for {audience}|].",
        "Write a [wedding toast|best man speech|retirement speech|graduation speech|birthday poem] "
        "for my {relation} {first} who [loves|is obsessed with|has been doing|taught me] {hobby}"
        "[ for {small} years| since {year}|].",
        "[Write|Create] a [product description|listing|ad copy|review] for [my|our|the] {adj} "
        "{product} "
        "[made in|shipped from|sold in] {city} [for|aimed at|targeting] {audience}.",
        "[Write|Give me] a {genre} song [about|for] {a_person} [and|who loves] {hobby}. "
        "[Just|Only|I need] the [chorus|first verse|lyrics|bridge][ please|].",
    ]
)


def writing(rnd: random.Random) -> str:
    out = _WRITING(rnd)
    if rnd.random() < 0.4:
        out = f"{out} {tidy(_CONSTRAINT.raw(rnd))}"
    return out


# --- rewriting (about 9%) -------------------------------------------------------------------

_REWRITE = _T(
    [
        "[Rewrite|Paraphrase|Rephrase|Reword|Shorten|Simplify|Polish] [this|the following|my] "
        "[text|paragraph|sentence|email|message|bio|intro][:| -|\n] {two_sentences}",
        "[Fix the grammar in|Proofread|Correct the spelling in|Check the grammar of|Edit] "
        "[this|my|the following] "
        "[text|paragraph|email|cover letter opening][:|\n] {two_sentences}",
        "Make this [more|less] "
        "[formal|polite|professional|friendly|assertive|concise|persuasive][:| -|\n] "
        "{two_sentences}",
        'Is this [sentence|paragraph] grammatically correct? "{sentence}"',
        "[Rewrite|Turn] this [into|as] [a tweet|bullet points|a haiku|a formal notice|a text "
        "message|"
        "plain English][:|\n] {two_sentences}",
    ]
)


def rewriting(rnd: random.Random) -> str:
    out = _REWRITE(rnd)
    if rnd.random() < 0.25:
        out = f"{out}\n{tidy(_CONSTRAINT.raw(rnd))}"
    return out


# --- translation (about 5%) ----------------------------------------------------------------

_TLANGS = (
    "Spanish",
    "French",
    "German",
    "Chinese",
    "Japanese",
    "Korean",
    "Portuguese",
    "Italian",
    "Russian",
    "Arabic",
    "Hindi",
    "Dutch",
    "Turkish",
    "Polish",
    "Vietnamese",
    "Swedish",
)
SLOTS["tlang"] = _TLANGS
_TRANSLATE = _T(
    [
        "[Translate|Translate this|Can you translate|Please translate] [into|to] {tlang}[:| -|\n] {two_sentences}",
        'How do you say "{sentence}" in {tlang}?',
        "[Translate|Convert] [this|the following] [text|message|email] from {first} [into|to] "
        "{tlang}"
        "[, keeping the {tone} tone|, formally|]:\n{two_sentences}",
        '[What\'s|What is] the {tlang} [word|phrase|expression] for "{adj} {thing}"[?| and how do I pronounce it?]',
    ]
)


def translation(rnd: random.Random) -> str:
    return _TRANSLATE(rnd)


# --- math (about 7%) ---------------------------------------------------------------------

_MATH = _T(
    [
        "{first} has {num} {items}. [She|He|They] [gives|sells|loses] {small} [of them|] to "
        "{first2} and "
        "then [buys|finds|gets] {num} more. How many {items} does {first} have [now|left]?",
        "Solve for x: {small}x [+|-] {num} = {num}[ and check the answer|, show steps|]",
        "[What is|Find|Compute] the [derivative|integral|second derivative] of {expr}[?| with respect to x.]",
        "[Find|Compute|Evaluate] the limit [of|for] {expr} [as x approaches|when x goes to|at x "
        "=] {small}"
        "[ and explain|, step by step|, {first} got {num}|].",
        "A train leaves {city} at {hh}:00 [traveling|going] at {speed} mph. [Another|A second one] "
        "leaves {city2} [{small} hours later|at {hh}:30] at {speed} mph. [When|Where] do they meet "
        "[if|given] {city} and {city2} are {num} miles apart?",
        "{first} [puts|invests|deposits] {money} [in|into] [a savings account|an index fund|a "
        "CD|bonds] "
        "at {pct}% [a year|annually|interest][, compounded monthly|, compounded quarterly|]. [How "
        "much|"
        "What] will {first} have [after {small} years|by {year}|when {first2} turns {age}]?",
        "What is {num} [times|divided by|plus|minus] {num}[?|]",
        "{first} [rolls|throws|tosses] {small} [dice|six-sided dice|d{small} dice] [{num} times|]. "
        "[What's|Find] the [probability|chance|likelihood] [that|of] [the sum [is|equals] "
        "{num}|at least "
        "one {small}|all {small} dice matching|exactly {small} sixes]?",
        "[Prove|Show] that the sum of the first {num} [odd|even|square] numbers [is|equals] "
        "[a perfect square|{num}|divisible by {small}][.|]",
        "{first}'s [garden|desk|rug|poster|pool|patio] has a perimeter of {num} cm and is {num} "
        "cm wide. "
        "[What is|Find] its area[?| in square meters?| and diagonal?]",
    ]
)


def math(rnd: random.Random) -> str:
    return _MATH(rnd)


# --- advice (about 9%) -------------------------------------------------------------------

_SITUATION = _T(
    [
        "my {relation} {first} [keeps|won't stop|has started] [criticizing|borrowing|ignoring|moving] my {obj}",
        "I got [an offer|a job offer|two offers] from {company2} [but|and] [the pay is {money} "
        "less|"
        "it means moving to {city}|my {relation} is against it]",
        "my [roommate|partner|coworker|sister] {first} [never|rarely] [cleans up|pays on "
        "time|replies to me] "
        "[since|after] {when}",
        "I [failed|bombed|barely passed] my {course} [exam|midterm|final] [and|but] [my "
        "{relation}|{first}] "
        "[doesn't know yet|is upset|wants me to drop {course}]",
        "I want to [quit|leave] my job as {a_job} [to|and] [become|work as] {a_job2} [in|near] {city}",
        "I [was passed over for|didn't get] [a promotion|the raise|the {job2} role] at {company2} "
        "[again|for the {small}th time|]",
    ]
)
SLOTS["situation"] = _SITUATION.raw

_ADVICE = _T(
    [
        "[{age}-year-old|{age} year old|{age}yo] {job} here. [I've had|I have had|There's been|"
        "I keep getting] [mild|sharp|constant|on-and-off|bad] {symptom} [for|over the past] "
        "{small} "
        "[days|weeks|months]. [It started|It began|This started] "
        "[after|when] [a trip to {city}|I started as {a_job}|I moved to {city}|{first}'s wedding "
        "in {city}|"
        "I took up {hobby}|my {relation} {first2} got sick]. [What could cause this|Should I see "
        "a doctor|"
        "What can I do at home|Is this serious] [at {age}|as {a_job}|for someone into {hobby}|"
        "before {date}]?",
        "I'm {a_job} with {small} years [at|in] {company2}. [I'm thinking about|I want to|Should "
        "I try] "
        "[switching to|moving into|becoming] {a_job2} [in|near] {city}. [How should I start|What "
        "skills "
        "do I need|Is it realistic]?",
        "{situation}. [What should I do|How do I handle this|Any advice] [about {first2}|with "
        "{first2}|"
        "before {date}]? [I'm|We're] {age} and [we've known each other|we've been together|"
        "I've worked there] {small} [months|years].",
        "I'm planning a {small}-day trip to {city} in {month} with my {relation}. [Can you|Please] "
        "[suggest|make|plan] [an itinerary|a plan|a route] [that includes|focused on|with] "
        "{hobby} and "
        "{hobby2}? [Budget is|We have] about {money}.",
        "I earn {money} a [month|year] [and|but] [have|owe] {money} in [student loans|credit card "
        "debt|"
        "car payments|medical bills] [at {pct}%|to {company2}|since {year}]. [How do I|Best way to|"
        "Help me] [budget|pay it off|start saving] [as {a_job}|in {city}|with {small} kids|by "
        "{year}]?",
        "[How can I|Tips to|Help me] [get better at|enjoy|find time for|stay motivated with] "
        "{hobby} "
        "[as {a_job}|at {age}|in {city}|with {small} kids][?|.]",
        "My {relation} {first} [keeps|always|never stops] [borrowing|complaining about|forgetting] "
        "[my|our] {obj} [and|but] {subj} [thinks|says] it's fine. [Should I talk to|How do I tell|"
        "Do I confront] {first2} [before|after] {date}?",
    ]
)


def advice(rnd: random.Random) -> str:
    return _ADVICE(rnd)


# --- role-play (about 6%) -------------------------------------------------------------------

_ROLEPLAY = _T(
    [
        "[Pretend you are|Act as|You are|Imagine you are|Let's role-play. You are|Play] {a_role} "
        "[in|at|from|living in] {place}. [I am|I'll be|I'm] {a_user_role} [who|and I] "
        "[wants|want|need|needs] "
        "to [buy|find|sell|learn about|steal|repair] {a_thing}. [Stay in character|"
        "Don't break character|Start by greeting me|Wait for my reply|Respond only as the "
        "character][.|!]",
        "[Let's play a game|New game|Game time]: you [are|play] {a_role} and I [am|play] "
        "{a_user_role} "
        "[visiting|lost in|trapped in] {place}. [Begin|Start|Describe the scene] [with|by] "
        "[a question|my arrival|{a_thing}].",
        "[I want you to act as|Act as|Be] {a_role}. [My first request is|First,|Start with]: "
        "[tell me about|describe|sell me] {a_thing} [from|in|near] {city}.",
        "[You're|You are] {a_role} and I'm {first}, {a_user_role}. [Greet me|Tell me a "
        "secret|Give me a quest] "
        "[about|involving|related to] {a_thing}[.|!]",
    ]
)


def roleplay(rnd: random.Random) -> str:
    return _ROLEPLAY(rnd)


# --- factual questions and explanations (about 10%) -----------------------------------------

_QA = _T(
    [
        "[What is|What are|Explain|Can you explain|Tell me about|Describe] {concept}[?|.]",
        "[Explain|Describe|Summarize] {concept} [like I'm|to|for] {audience}[.|?]",
        "[How does|Why does|How do] {concept} [work|matter|affect {essay_topic}][?|]",
        "[What's|What is] the [difference|relationship|connection] between {concept} and {concept2}?",
        "[Give me|List|What are] {small} [facts|misconceptions|key points|examples] about {concept}"
        "[ for a {course} exam| that {audience} would understand|].",
        "[What is|What's] the [capital|population|official language|currency] of {country}?",
        "[Is it true that|Is it a myth that] {concept} [was discovered in {year}|explains "
        "{concept2}|"
        "causes {symptom}]?",
        "[Why|How] did {concept} [change|shape|influence] {essay_topic}[ in {country}|]?",
        "[Who|Which scientist|Which country] [discovered|invented|first described|popularized] {concept}[?| and when?]",
    ]
)


def factual(rnd: random.Random) -> str:
    out = _QA(rnd)
    if rnd.random() < 0.2:
        out = f"{out} {tidy(_CONSTRAINT.raw(rnd))}"
    return out


# --- summarisation (about 5%) -------------------------------------------------------------

_SUMMARISE = _T(
    [
        "[Summarize|Summarise|TL;DR|Give me a summary of|Sum up|Condense] [this|the following] "
        "[article|text|email|meeting notes|paragraph|report|thread] [in {small} bullet points|in "
        "one sentence|"
        "in under {words} words|for {audience}|][:|\n|\n\n] {passage}",
        "{passage}\n\n[Summarize the above|Summarize this|TL;DR?|What are the key points?|"
        "Give me the main takeaways][ in {small} bullets|]",
        "[Here are|These are] [my|the] [notes|minutes|highlights] from [today's|the|our] {obj} "
        "[meeting|call|review] with {first}[:|.] {passage} [Write a summary|Summarize it] for "
        "{first2} "
        "[and|to share with] [my {relation}|the team|{audience}].",
    ]
)


def summarisation(rnd: random.Random) -> str:
    return _SUMMARISE(rnd)


# --- brainstorming and business (about 5%) ------------------------------------------------

_BRAINSTORM = _T(
    [
        "[Give me|Suggest|List|Brainstorm|Come up with] {small} [name ideas|slogans|marketing "
        "ideas|"
        "Instagram post ideas|product ideas|taglines] for a {biz} [in|based in|near] {city} that "
        "{biz_goal}.",
        "Write a [business plan outline|SWOT analysis|pitch|value proposition|elevator pitch] for "
        "{first}'s {biz} [in|near] {city} [that sells|offering|built around] [a|an] {product}[ to "
        "{audience}|].",
        "My {product} [business|startup|brand] in {city} [is struggling|needs customers|just "
        "launched]. "
        "How [can|do] I [increase sales|get more customers|improve retention|raise prices] [by "
        "{month}|"
        "with {money}|before {date}]?",
        "[What are|Give me|List] {small} [ways|ideas|strategies] to [grow|promote|fund|automate] "
        "a {biz} "
        "[on a budget of {money}|with {small} employees|in {country}|in its first year]?",
        "[I run|I own|We run] a {biz} [in|near] {city}. [Suggest|What are] {small} "
        "[events|promotions|"
        "partnerships] [for|around] {month} [that|to] [attract|bring in] {audience}[.|?]",
    ]
)


def brainstorming(rnd: random.Random) -> str:
    return _BRAINSTORM(rnd)


# --- registry -------------------------------------------------------------------------------

#: (topic, builder, weight): the skewed mix of ordinary English prompts.
TOPICS: tuple[tuple[str, Builder, float], ...] = (
    ("coding", coding, 0.30),
    ("writing", writing, 0.14),
    ("rewriting", rewriting, 0.09),
    ("translation", translation, 0.05),
    ("math", math, 0.07),
    ("advice", advice, 0.09),
    ("roleplay", roleplay, 0.06),
    ("factual_qa", factual, 0.10),
    ("summarisation", summarisation, 0.05),
    ("brainstorming", brainstorming, 0.05),
)
TOPIC_NAMES: tuple[str, ...] = tuple(t[0] for t in TOPICS)
_TOPIC_CUM = _cumulative(tuple(t[2] for t in TOPICS))
_BUILDERS = {name: build for name, build, _ in TOPICS}


def draw_topic(rnd: random.Random) -> str:
    return TOPIC_NAMES[_weighted(rnd, _TOPIC_CUM)]


def topic_prompt(rnd: random.Random, topic: str) -> str:
    """An English prompt of the given topic, without personal data."""
    try:
        return _BUILDERS[topic](rnd)
    except KeyError:
        raise ValueError(f"unknown topic {topic!r}; expected one of {TOPIC_NAMES}") from None


def ordinary_prompt(rnd: random.Random, pii: bool) -> tuple[str, str]:
    """An ordinary English prompt and its topic; ``pii`` adds personal data to it."""
    topic = TOPIC_NAMES[_weighted(rnd, _TOPIC_CUM)]
    text = _BUILDERS[topic](rnd)
    if pii:
        text = add_pii(rnd, text)
    elif rnd.random() < 0.12:
        text = f"{_CONTEXT(rnd)} {text}"
    # How people type: some all lower case, some without the final punctuation.
    r = rnd.random()
    if r < 0.08:
        text = text.lower()
    elif r < 0.14 and text[-1] in ".?":
        text = text[:-1]
    return text, topic
