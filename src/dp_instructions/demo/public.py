"""A FLAN-like public instruction corpus: classic NLP tasks phrased with many templates.

Why this shape: the paper pre-trains its generator on public data before DP fine-tuning,
and uses a FLAN-style collection as the out-of-distribution baseline. FLAN prompts look
nothing like chat prompts: a passage or sentence pair followed by a task instruction and
often an OPTIONS list. Here the passages come from a small news/fact generator (sports
scores, company results, city decisions, science findings, biographies) so the corpus
is varied text, not a handful of strings, and it is public by construction (no personal
data from the private corpus ever enters it).
"""

from __future__ import annotations

import random

from dp_instructions.demo.code_snippets import plural
from dp_instructions.demo.prompts import SLOTS
from dp_instructions.demo.template import TemplateSet, compile_template, render, tidy

_TEAM_MASCOTS = (
    "Hawks",
    "Tigers",
    "Rovers",
    "Pirates",
    "Falcons",
    "Bears",
    "Wolves",
    "Lions",
    "Sharks",
    "Comets",
    "Rangers",
    "Royals",
    "Mariners",
    "Giants",
    "Panthers",
    "Stallions",
    "United",
)
_FACILITIES = (
    "library",
    "stadium",
    "bridge",
    "hospital wing",
    "train station",
    "park",
    "museum",
    "community center",
    "water treatment plant",
    "airport terminal",
    "swimming pool",
    "market hall",
)
_FINDINGS = (
    "sleep improves memory",
    "coffee drinkers live slightly longer",
    "bees can recognize faces",
    "city trees lower summer temperatures",
    "plastic fragments reach the deep ocean",
    "short walks reduce blood pressure",
    "octopuses dream",
    "reading aloud helps children learn words",
    "microbes in soil store carbon",
    "some birds use the magnetic field to navigate",
)
# One line per goal: goal | a sensible solution | a wrong one (PIQA-like).
_GOALS = tuple(
    tuple(part.strip() for part in line.split("|"))
    for line in """
keep bread fresh longer | store it in a paper bag in a cool place | leave it in a sunny window
remove a stripped screw | press a rubber band into the head and turn slowly | hit it with a hammer until it bends
cool a drink quickly | wrap it in a wet paper towel and put it in the freezer | put it in the oven for a minute
clean a cast iron pan | scrub it with salt and dry it over heat | soak it in water overnight
keep a cut flower alive | trim the stem and change the water daily | pour salt into the vase
fold a fitted sheet | tuck the corners into each other first | roll it into a ball
loosen a tight jar lid | run the lid under hot water | put the jar in the freezer upside down
stop a squeaky door | rub a little soap or oil on the hinge | paint the door handle
dry wet shoes | stuff them with newspaper | put them in the microwave
remove a splinter | use clean tweezers after washing the skin | push it deeper with a needle
ripen an avocado | put it in a paper bag with a banana | keep it in the freezer
untangle a necklace | add a drop of oil and loosen the knot with a pin | pull both ends hard
defrost a windshield | use the car's defroster and a plastic scraper | pour boiling water on it
keep ants out of the kitchen | wipe counters and seal food containers | leave fruit on the floor
sharpen a pencil without a sharpener | carefully shave the wood with a knife | rub it on a pillow
get rid of a hiccup | sip cold water slowly | eat a spoonful of pepper
make rice less sticky | rinse it before cooking | stir it constantly with glue
find a small lost earring | put a stocking over the vacuum nozzle | sweep everything into the trash
water plants while on vacation | set up a bottle that drips into the soil | pour all the water in at once
clean a keyboard | turn it upside down and use compressed air | rinse it under the tap while plugged in
remove a sticker residue | rub it with a little cooking oil | scratch it with a fork
boil an egg without cracking it | lower it gently into simmering water | drop it from a height into the pot
keep a laptop cool | use it on a hard flat surface | wrap it in a blanket
soften hard brown sugar | put a slice of bread in the container overnight | bake it until it melts
""".strip().splitlines()
)
_COPA = (
    ("The {obj} was late.", "cause", "{subj} forgot about it.", "{subj} finished it early."),
    ("{first} opened an umbrella.", "cause", "It started to rain.", "The sun came out."),
    ("The glass fell off the table.", "effect", "It shattered.", "It floated away."),
    ("{first} studied all night.", "effect", "{first} passed the exam.", "{first} lost the book."),
    ("The {city} office closed early.", "cause", "A storm was coming.", "Sales were very high."),
    ("{first} felt thirsty.", "effect", "{first} drank some water.", "{first} went to sleep."),
    ("The crowd cheered.", "cause", "The {team} scored.", "The lights went out."),
)


def _team(rnd: random.Random) -> str:
    city = SLOTS["city"][int(rnd.random() * len(SLOTS["city"]))]
    return f"{city} {_TEAM_MASCOTS[int(rnd.random() * len(_TEAM_MASCOTS))]}"


_SLOTS = {
    **SLOTS,
    "team": _team,
    "team2": _team,
    "facility": _FACILITIES,
    "facilities": tuple(plural(f) for f in _FACILITIES),
    "finding": _FINDINGS,
    "score": lambda rnd: f"{int(rnd.random() * 6) + 1}-{int(rnd.random() * 5)}",
    "millions": lambda rnd: str(int(rnd.random() * 900) + 20),
}


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, _SLOTS)


_NEWS = _T(
    [
        "{city} officials announced on {date} that the {adj} {facility} will [open|close|reopen] "
        "in "
        "{month}[ after a {millions}-million-dollar renovation|].",
        "{company2} reported quarterly revenue of ${millions} million, [up|down] {pct} percent "
        "from a "
        "year earlier, and said it would [add|cut] {num} jobs.",
        "The {team} beat the {team2} {score} on {date}, with {full} scoring twice[ in the second half|].",
        "Researchers at the University of {city} found that {finding}, according to a study of "
        "{num} "
        "[volunteers|samples|households] published on {date}.",
        "{full}, [a|the] {job} from {city}, [won|received|was nominated for] the {year} {adj} "
        "[award|prize|medal] for work on {essay_topic}.",
        "Heavy [rain|snow|wind] [closed|flooded|damaged] {num} roads near {city} on {date}, and "
        "[schools|offices|markets] stayed shut.",
        "The government of {country} [approved|rejected|delayed] a plan to [build|fund|expand] "
        "{num} new {facilities} by {year}.",
        "Shares of {company2} [rose|fell] {pct} percent after the company [launched|recalled] its {adj} {product}.",
    ]
)


def _passage(rnd: random.Random, lo: int = 2, hi: int = 4) -> str:
    k = lo + int(rnd.random() * (hi - lo + 1))
    return " ".join(_NEWS(rnd) for _ in range(k))


_SLOTS["passage"] = _passage
_SLOTS["news"] = _NEWS.raw

_REVIEW = _T(
    [
        "[I loved|I hated|I really enjoyed|I was disappointed by] this {adj} {product}. [It|The "
        "battery|The design] [broke after {small} days|works perfectly|is worth every penny|feels "
        "cheap].",
        "[The movie|This film|The show] about {a_person} [was|felt] [boring|wonderful|too long|"
        "beautifully shot] and the ending [made no sense|made me cry|was predictable].",
        "[Great|Terrible|Average] [service|food|stay] at {company2} in {city}. [The staff "
        "were|Our waiter was] "
        "[rude|friendly|slow|helpful] and [we waited {small} minutes|prices were fair|the room "
        "was dirty].",
        "{small} stars. [Would|Would not] [recommend|buy again]: the {product} [stopped working|"
        "exceeded my expectations|arrived late|is exactly as described].",
    ]
)
_SLOTS["review"] = _REVIEW.raw

_FACT = _T(
    [
        "{full} {verbed} the {obj} in {city} on {date}.",
        "{first} is {a_job} who lives in {city} and enjoys {hobby}.",
        "The {adj} {facility} in {city} was built in {year} and has {num} rooms.",
        "{company2} sells {product}s in {country} and employs {num} people.",
    ]
)
_SLOTS["fact"] = _FACT.raw
_SLOTS["fact2"] = _FACT.raw

_OPT_NLI = "OPTIONS:\n- yes\n- it is not possible to tell\n- no"
_OPT_SENT = "OPTIONS:\n- negative\n- positive"
_OPT_TOPIC = "OPTIONS:\n- World\n- Sports\n- Business\n- Science/Tech"

_TASKS: dict[str, TemplateSet] = {
    "sentiment": _T(
        [
            "Review: {review}\nIs this review positive or negative?\n" + _OPT_SENT,
            "What is the sentiment of the following review?\n{review}\n" + _OPT_SENT,
            "{review}\nDid this reviewer like the product?",
            "Write a [positive|negative] review of {a_thing} [from|in] {city}.",
            "How would one describe the sentiment of this tweet?\n{review}",
        ]
    ),
    "nli": _T(
        [
            "Premise: {fact}\nHypothesis: {fact2}\nDoes the premise entail the hypothesis?\n" + _OPT_NLI,
            '{fact}\n\nBased on the paragraph above can we conclude that "{fact2}"?\n\n' + _OPT_NLI,
            "Read the text and determine if the sentence is true:\n\n{news}\n\nSentence: {fact2}\n" + _OPT_NLI,
            "Sentence 1: {fact}\nSentence 2: {fact2}\nIs sentence 2 true, based on sentence 1?",
        ]
    ),
    "summarization": _T(
        [
            "Summarize this article:\n\n{passage}",
            "{passage}\n\nWhat is a one-sentence summary of the above article?",
            "Write a title for this article:\n\n{passage}",
            "Article: {passage}\n\nWrite a short summary of the article.",
            "{passage}\nSummarize the aforementioned text in a single phrase.",
        ]
    ),
    "reading_comprehension": _T(
        [
            "Read the passage and answer the question.\n\nPassage: {passage}\n\nQuestion: What happened in {city}?",
            "{passage}\n\nAnswer this question based on the article: Who was mentioned first?",
            "Context: {passage}\nQuestion: By how many percent did things change?\nAnswer:",
            "Answer a question about this article:\n{passage}\nWhen did this take place?",
        ]
    ),
    "paraphrase": _T(
        [
            "Sentence 1: {fact}\nSentence 2: {fact2}\nDo these two sentences mean the same thing?\n"
            "OPTIONS:\n- no\n- yes",
            "Are the following two questions the same?\nHow do I learn {hobby}?\nWhat is the best "
            "way "
            "to start {hobby2}?\nOPTIONS:\n- no\n- yes",
            "Here are two sentences:\n{news}\n{news}\nAre the two sentences saying the same thing?",
            "Paraphrase the following sentence: {news}",
        ]
    ),
    "topic_classification": _T(
        [
            "{news}\nWhich topic is this article about?\n" + _OPT_TOPIC,
            "Select your answer: Which is this about?\n\n{news}\n\n" + _OPT_TOPIC,
            "Classify the topic of the following news: {news}",
        ]
    ),
    "translation": _T(
        [
            'Translate "{news}" to [French|German|Spanish|Romanian|Czech].',
            "Translate the following sentence to [French|German|Spanish|Finnish]:\n{news}",
            'How is "{fact}" said in [French|German|Russian|Turkish]?',
        ]
    ),
    "coreference": _T(
        [
            "{first} gave {first2} the {obj} because she was [late|busy|leaving|sick]. "
            "Who does 'she' refer to?\nOPTIONS:\n- {first}\n- {first2}",
            'In the sentence "The {thing} did not fit in the {thing} because it was too '
            '[big|small]", '
            "what does 'it' refer to?",
            "Fill in the blank: {first} helped {first2} with the {obj} because _ [was|felt] "
            "[tired|new to it|experienced].",
        ]
    ),
    "commonsense": _T(
        [
            "Goal: {=goal}\n\nWhich is the correct ending?\n- {=sol1}\n- {=sol2}",
            "[Question|Task]: {=goal}. [Pick|Choose] the better [option|solution]:\n[1|a]) {=sol1}\n[2|b]) {=sol2}",
            "{first} wants to {=goal}. What should [he|she|they] do?\nOPTIONS:\n- {=sol1}\n- {=sol2}",
            "How do you {=goal}?\nOPTIONS:\n- {=sol1}\n- {=sol2}",
            "Choose the most sensible way to {=goal}: (A) {=sol1} (B) {=sol2}",
        ]
    ),
    "causal_reasoning": _T(
        [
            "Premise: {=premise}\nWhat is the {=question}?\nOPTIONS:\n- {=alt1}\n- {=alt2}",
            "{=premise} What was the {=question} of this?\n\nChoose between:\n- {=alt1}\n- {=alt2}",
        ]
    ),
    "data_to_text": _T(
        [
            "Data: {full} birthPlace {city}; {full} occupation {job}; {full} award {year} {adj} "
            "prize\n\n"
            "Sentence about the following data:",
            "Generate a sentence that describes the following data: {company2}, industry, "
            "{product}; "
            "{company2}, location, {city}; {company2}, employees, {num}",
            "Produce a long descriptive sentence that uses all these words: {team}, {score}, {date}, {team2}",
        ]
    ),
    "closed_book_qa": _T(
        [
            "Answer the following question: what is the capital of {country}?",
            "Q: Which river flows through {city}?\nA:",
            "Answer this question: who [invented|discovered|first described] {concept}?",
            "Question: In which year did {full} win the {adj} prize?\nAnswer:",
            "Please answer this question: how many {items} are in {small} dozen?",
            "Q: What is {concept} [best known for|used for|named after]?\nA:",
            "Answer the following question: which country is {city} in?",
            "Question: Who [played|coached|captained] the {team} in {year}?\nAnswer:",
        ]
    ),
    "acceptability": _T(
        [
            "Is the following sentence linguistically acceptable?\n{fact}\nOPTIONS:\n- unacceptable\n- acceptable",
            'Check if this sentence is grammatical: "{news}"',
        ]
    ),
}

#: (task, weight): roughly FLAN's emphasis on classification, QA and summarisation.
TASK_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("sentiment", 0.11),
    ("nli", 0.11),
    ("summarization", 0.10),
    ("reading_comprehension", 0.10),
    ("paraphrase", 0.08),
    ("topic_classification", 0.07),
    ("translation", 0.09),
    ("coreference", 0.06),
    ("commonsense", 0.06),
    ("causal_reasoning", 0.05),
    ("data_to_text", 0.06),
    ("closed_book_qa", 0.08),
    ("acceptability", 0.03),
)
TASKS: tuple[str, ...] = tuple(t for t, _ in TASK_WEIGHTS)
_CUM = tuple(
    sum(w for _, w in TASK_WEIGHTS[: i + 1]) / sum(w for _, w in TASK_WEIGHTS) for i in range(len(TASK_WEIGHTS))
)
_COPA_COMPILED = tuple(
    (
        compile_template(premise, _SLOTS),
        question,
        compile_template(good, _SLOTS),
        compile_template(bad, _SLOTS),
    )
    for premise, question, good, bad in _COPA
)


def _context(task: str, rnd: random.Random) -> dict[str, str] | None:
    """Values that must agree across a template (a goal and its two candidate solutions)."""
    if task == "commonsense":
        goal, good, bad = _GOALS[int(rnd.random() * len(_GOALS))]
        sol1, sol2 = (good, bad) if rnd.random() < 0.5 else (bad, good)
        return {"goal": goal, "sol1": sol1, "sol2": sol2}
    if task == "causal_reasoning":
        premise, question, good, bad = _COPA_COMPILED[int(rnd.random() * len(_COPA_COMPILED))]
        p, a, b = (tidy(render(t, rnd)) for t in (premise, good, bad))
        alt1, alt2 = (a, b) if rnd.random() < 0.5 else (b, a)
        return {"premise": p, "question": question, "alt1": alt1, "alt2": alt2}
    return None


def public_instruction(rnd: random.Random) -> tuple[str, str]:
    """One FLAN-style prompt and its task name."""
    u = rnd.random()
    task = TASKS[-1]
    for name, c in zip(TASKS, _CUM):
        if u < c:
            task = name
            break
    return _TASKS[task](rnd, _context(task, rnd)), task
