"""Public pre-training text about everyday life: home repair, writing and email requests,
explanations, cooking, travel, money, health and fitness, study and homework, language
learning, careers, gardening, pets, hobbies and games, product comparisons.

One builder per genre, each a set of templates with nested alternative phrasings and
slots drawn from :mod:`.pretraining_vocab`; see :mod:`.pretraining` for the mix.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from dp_instructions.demo.pretraining_vocab import (
    AUDIENCES_PUBLIC,
    CAREER_TOPICS,
    CLEAN_THINGS,
    COMPARE_PAIRS,
    COOK_PROBLEMS,
    DESTINATIONS,
    DIETS,
    DISHES,
    EMAIL_TASKS,
    ENGLISH_WORD_PAIRS,
    EXPLAINABLES,
    FITNESS_GOALS,
    GAME_KINDS,
    GRADES,
    GRAMMAR_POINTS,
    GROUPS,
    HOBBY_SKILLS,
    HOME_JOBS,
    INGREDIENTS,
    INTERVIEW_QS,
    JOBS_GENERIC,
    KIN,
    KITCHEN_GEAR,
    LANGUAGES,
    LEARNER_LEVELS,
    LIST_SUBJECTS,
    MATERIALS,
    MONEY_GOALS,
    MONEY_TOPICS,
    PESTS,
    PET_ISSUES,
    PETS,
    PLANT_PROBLEMS,
    PLANTS,
    PRODUCT_KINDS,
    PRODUCT_NEEDS,
    PRODUCT_PAIRS,
    QUALIFIERS,
    REGISTERS,
    ROOMS,
    SEASONS,
    STUDY_TASKS,
    SUBJECTS,
    SURFACES,
    TOOLS,
    TRAVEL_WORRIES,
    TRIP_KINDS,
    WELLNESS_TOPICS,
    WORKOUTS,
    WRITING_PIECES,
)
from dp_instructions.demo.template import TemplateSet, article


def _int(lo: int, hi: int) -> Callable[[random.Random], str]:
    return lambda rnd: str(lo + int(rnd.random() * (hi - lo + 1)))


def _dollars(rnd: random.Random) -> str:
    return f"${(int(rnd.random() * 60) + 1) * 50:,}"


def _income(rnd: random.Random) -> str:
    return f"${(int(rnd.random() * 70) + 20) * 1000:,}"


SLOTS: dict = {
    "kin": KIN,
    "kin2": KIN,
    "group": GROUPS,
    "learner": LEARNER_LEVELS,
    "job": JOBS_GENERIC,
    "job2": JOBS_GENERIC,
    "homejob": HOME_JOBS,
    "homejob2": HOME_JOBS,
    "room": ROOMS,
    "material": MATERIALS,
    "tool": TOOLS,
    "tool2": TOOLS,
    "dirty": CLEAN_THINGS,
    "dish": DISHES,
    "dish2": DISHES,
    "ingredient": INGREDIENTS,
    "ingredient2": INGREDIENTS,
    "diet": DIETS,
    "gear": KITCHEN_GEAR,
    "cookfail": COOK_PROBLEMS,
    "dest": DESTINATIONS,
    "dest2": DESTINATIONS,
    "trip": TRIP_KINDS,
    "worry": TRAVEL_WORRIES,
    "season": SEASONS,
    "money_topic": MONEY_TOPICS,
    "money_topic2": MONEY_TOPICS,
    "money_goal": MONEY_GOALS,
    "career": CAREER_TOPICS,
    "iq": INTERVIEW_QS,
    "workout": WORKOUTS,
    "fit_goal": FITNESS_GOALS,
    "wellness": WELLNESS_TOPICS,
    "subject": SUBJECTS,
    "study": STUDY_TASKS,
    "language": LANGUAGES,
    "language2": LANGUAGES,
    "grammar": GRAMMAR_POINTS,
    "wordpair": ENGLISH_WORD_PAIRS,
    "explain": EXPLAINABLES,
    "explain2": EXPLAINABLES,
    "pair": COMPARE_PAIRS,
    "listing": LIST_SUBJECTS,
    "aud": AUDIENCES_PUBLIC,
    "skill": HOBBY_SKILLS,
    "game": GAME_KINDS,
    "plant": PLANTS,
    "plantprob": PLANT_PROBLEMS,
    "pet": PETS,
    "petissue": PET_ISSUES,
    "prodpair": PRODUCT_PAIRS,
    "prodkind": PRODUCT_KINDS,
    "prodneed": PRODUCT_NEEDS,
    "q": QUALIFIERS,
    "email_task": EMAIL_TASKS,
    "piece": WRITING_PIECES,
    "register": REGISTERS,
    "n": _int(2, 9),
    "nn": _int(10, 60),
    "age": _int(22, 70),
    "yrs": _int(2, 25),
    "mins": ("10", "15", "20", "25", "30", "40", "45", "60", "90"),
    "dollars": _dollars,
    "income": _income,
    "pct": _int(3, 24),
    "temp": _int(160, 230),
    "kg": _int(50, 120),
    "a_job": lambda rnd: article(JOBS_GENERIC[int(rnd.random() * len(JOBS_GENERIC))]),
    "a_job2": lambda rnd: article(JOBS_GENERIC[int(rnd.random() * len(JOBS_GENERIC))]),
    "surface": SURFACES,
    "pest": PESTS,
    "grade": GRADES,
    "decade": ("1920", "1950", "1960", "1970", "1980", "1990"),
}


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, SLOTS)


_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=(?:[aeiAEI]|o(?!ne\b)|O|upbeat\b|IT\b|iP)\w*)")


def fix_articles(text: str) -> str:
    """``a`` to ``an`` before a vowel sound where slots put it (``a old``, ``a IT``)."""
    return _A_BEFORE_VOWEL.sub(lambda m: m.group(1) + "n", text)


def closed(text: str) -> str:
    """``text`` ending in punctuation, so that another sentence can follow it."""
    return text if text[-1:] in ".?!:\"'" else f"{text}."


def compose(
    rnd: random.Random, main: TemplateSet, before: TemplateSet, after: TemplateSet, p_before: float, p_after: float
) -> str:
    """The main question, sometimes with a line of context before it and a detail after."""
    text = fix_articles(main(rnd))
    if rnd.random() < p_before:
        text = f"{before(rnd)} {text}"
    if rnd.random() < p_after:
        text = f"{closed(text)} {after(rnd)}"
    return text


# --- writing and email requests -----------------------------------------------------------

_OPENERS = _T(
    [
        "[Hi|Hello|Dear] [team|all|there|sir or madam], I [hope you are well|wanted to reach out] "
        "[about|regarding] [the|my] [{dish} order|trip to {dest}|request from last week|appointment]",
        "[Sorry for the late reply|Thanks for getting back to me], [I was away|it's been a busy week] "
        "and [only just saw this|I lost track of it]",
        "I am writing to [let you know|ask|say] that I [will not be able to|would like to|cannot] "
        "[attend|come in|join] [on Friday|next week|this month]",
    ]
)
SLOTS["opener"] = _OPENERS.raw


_WRITE = _T(
    [
        "[Write|Draft|Help me write|I need] [an|a {register}] email {email_task}[.|]",
        "[Can you write|Could you draft|Would you help me with] [an|a {register}|a short] email {email_task}?",
        "[Can you help me with|Need help with] an email {email_task}? [Keep it|It should be|Make it] {register}.",
        "[Write|Draft|Give me] {piece}[.| please.| in {n} sentences.]",
        "[Help me write|Could you write|I need] {piece}. [Keep it|Make it|Tone:] {register}"
        "[ and not cheesy| but heartfelt|, under {nn} words|].",
        "[How do I start|How should I end|What's a polite way to open] an email {email_task}?",
        "[Is it rude to|Is it okay to] [send a follow up after {n} days|use 'Hi' instead of 'Dear'|"
        "skip the greeting|email on a weekend] when [writing|sending] an email {email_task}?",
        "[Give me|Suggest] {n} [subject lines|opening lines|ways to sign off] for an email {email_task}.",
        '[Proofread this for me|Can you make this sound {register}|Does this sound okay]: "{opener}"',
    ]
)

_WRITING_BEFORE = _T(
    [
        "[It's for my {kin}, who [is retiring after {yrs} years|just moved away|helped me a lot this year|is going through a rough time].|I'm bad at writing and always sound stiff.|English is my second language.|I've rewritten it {n} times and still hate it.|It's for work, so nothing too casual.]"
    ]
)
_WRITING_AFTER = _T(
    [
        "[Keep it under {nn} words.|Give me two versions, one formal and one casual.|No clichés please.|Make it sound like a real person wrote it.|I'd like it to be short enough to read in a minute.|End with a clear next step.]"
    ]
)


def writing(rnd: random.Random) -> str:
    return compose(rnd, _WRITE, _WRITING_BEFORE, _WRITING_AFTER, 0.4, 0.35)


# --- explanations and factual questions ----------------------------------------------------

_EXPLAIN = _T(
    [
        "[Explain|ELI5:|Help me understand|Break down] {explain}[.| in simple terms.| like I'm {aud}.]",
        "[Can you explain|Could you explain|Can someone tell me] {explain}[?| in simple terms?| like I'm {aud}?]",
        "[What is|What's] the difference between {pair}?",
        "[Is there actually a difference between|How do you tell apart] {pair}?",
        "[List|Name|Give me] {n} {listing}.",
        "What are [some|{n}|a few good] {listing}[?| for {aud}?| that most people haven't heard of?]",
        "[Explain|Describe] {explain} to {aud} in [two|a few|{n}] sentences.",
        "[I never really understood|I'm embarrassed I don't know|Nobody ever explained to me] {explain}. "
        "[Can you give me the short version?|Where do I start?|Help?]",
        "[Random question:|Shower thought:|Settle a debate:] [how would you explain|what's the simple answer "
        "for|is there an easy way to explain] {explain}?",
        "[I always mix up|I never remember the difference between] {pair}. [Help?|Can you clear it up?|"
        "Is there a trick to remember?]",
        "[Summarize|Give me a short summary of|Teach me] {explain} [in {n} bullet points|with an everyday "
        "example|without any jargon].",
    ]
)

_EXPLANATION_BEFORE = _T(
    [
        "[My {kin} asked me this and I had no idea.|I've read a few articles and I'm still lost.|We were arguing about this at dinner.|I'm {learner}.|This came up in a podcast I was listening to.|I feel like I should know this by now.]"
    ]
)
_EXPLANATION_AFTER = _T(
    [
        "[Use an analogy.|Keep it short.|Then give me one fun fact.|Why does it matter in everyday life?|Skip the math if you can.|Give an example I'd see at home.|What do most people get wrong about it?]"
    ]
)


def explanation(rnd: random.Random) -> str:
    return compose(rnd, _EXPLAIN, _EXPLANATION_BEFORE, _EXPLANATION_AFTER, 0.4, 0.35)


# --- travel --------------------------------------------------------------------------------

_TRAVEL = _T(
    [
        "[Planning|Thinking about|We're doing] {trip} to {dest} {season}. [Where should we stay|"
        "What shouldn't we miss|Is that a good time to go|How many days is enough]?",
        "[Itinerary|Plan|Route] for {n} days in {dest}[ with {group}| on a budget| without a car|]?",
        "{dest} or {dest2} for {trip}? [We like|Mostly into] [food and walking|hiking|museums|beaches|quiet places].",
        "[Tips for|How do you deal with|Any advice on] {worry} [in|when visiting] {dest}?",
        "[Worried about|A bit anxious about] {worry} [in|on our trip to] {dest}. [Any tips?|Should I be?]",
        "[What should I pack for|Packing list for] {trip} to {dest} {season}?",
        "Is {dest} [expensive|safe for a solo traveler|good for kids|walkable|crowded] {season}?",
        "[First time flying|First trip abroad|Never traveled alone] [and|so] [I'm nervous about|"
        "I don't know anything about] {worry}. [Any advice?|What should I know?]",
        "How much money [should I budget|do I need] for {n} days in {dest}[ for {group}|]?",
        "[Best|Good] day trips from {dest}[ by train| without a tour|]?",
    ]
)

_TRAVEL_BEFORE = _T(
    [
        "[Budget is around {dollars} for the whole trip.|It's a trip for {group}.|We don't drive.|I get tired easily, so nothing too packed.|It's our first big trip in years.|I'm not great with crowds.|We love food markets and long walks.]"
    ]
)
_TRAVEL_AFTER = _T(
    [
        "[Is a rail pass worth it?|Which area is best to stay in?|How far ahead should we book?|Is it better to fly or take the train?|Anything overrated we can skip?|Do we need to book restaurants ahead?]"
    ]
)


def travel(rnd: random.Random) -> str:
    return compose(rnd, _TRAVEL, _TRAVEL_BEFORE, _TRAVEL_AFTER, 0.4, 0.35)


# --- health and fitness (general, no personal data) ----------------------------------------

_FIT = _T(
    [
        "[Give me|Make me|Suggest] {workout} [for {learner}|I can do in {mins} minutes|for {n} days a week].",
        "[How do I|What's a realistic way to|Can I] {fit_goal} [in {n} months|at {age}|if I work long hours]?",
        "[Do I really need to worry about|How much should I care about|Is it worth paying attention to] "
        "{wellness}[?| as a beginner?| if I'm {age}?]",
        "[Tips on|Any advice on|How do people manage] {wellness} [when busy|on a budget|with a desk job]?",
        "I'm new to [exercise|working out|all this]. What should {workout} look like[?| for me?| in the first "
        "month?| at {age}?]",
        "[Is it okay to|Should I|Is it a bad idea to] [work out|run|lift|do yoga|swim|do cardio] [every day|twice a "
        "day|when I'm sore|before breakfast|late at night|on an empty stomach][?| at {age}?| as {learner}?|, or is "
        "that a myth?]",
        "[What should I eat|Good snacks] [before|after] {workout}?",
        "How many [rest days|stretching sessions|cardio sessions] [do I need|should I do] a week [to "
        "{fit_goal}|as {learner}|]?",
    ]
)

_FITNESS_BEFORE = _T(
    [
        "[I'm {age} and haven't exercised in {yrs} years.|I sit at a desk most of the day.|I have {mins} minutes a day, max.|I only have a pair of dumbbells.|I get bored with routines fast.|I tried before and gave up after {n} weeks.]"
    ]
)
_FITNESS_AFTER = _T(
    [
        "[How soon will I notice a difference?|What should I avoid as a beginner?|How do I stay motivated?|Should I track anything?|How do I know if I'm overdoing it?]"
    ]
)


def fitness(rnd: random.Random) -> str:
    return compose(rnd, _FIT, _FITNESS_BEFORE, _FITNESS_AFTER, 0.4, 0.35)


# --- study and homework ------------------------------------------------------------------

_PROBLEM = _T(
    [
        "A recipe needs {n} cups of flour for {nn} cookies. How much flour for {nn} cookies?",
        "A [train|bus|cyclist] [travels|goes] {nn} km in {n} hours. What is its average speed?",
        "If a [shirt|lamp|bike|book] costs ${nn} and is {pct}% off, what is the sale price?",
        "What is {n}/{nn} as a percentage?",
        "A [garden|room|pool] is {n} m by {nn} m. What is its area and perimeter?",
        "Solve {n}x + {nn} = {temp}.",
        "The average of {n} numbers is {nn}. [If one more number is added|When one number is removed] "
        "[the average becomes|it changes to] {pct}. What is that number?",
        "[A|One] tank fills in {n} hours and [another|a second one] in {nn} hours. How long [together|if "
        "both pipes are open]?",
    ]
)
SLOTS["problem"] = _PROBLEM.raw


_STUDY = _T(
    [
        "[How do I|Best way to|Tips to|How can I] {study}[?|? I'm in {grade}.]",
        "[I'm struggling with|Can't get my head around|Need help with] {subject} [this semester|in school|"
        "for my exam]. [Where should I start?|Any good way to study it?|What are the basics?]",
        "Explain [the main idea of|the point of|the basics of] {subject} [for {learner}|in simple words|"
        "in {n} sentences].",
        "What is [the main idea of|the point of] {subject}[, in simple words|, for {learner}|]?",
        "[Make|Give me] {n} practice questions on {subject}[ with answers| for a test tomorrow|].",
        "[How many hours a day should I|Is it better to] study for {subject} [if the exam is in {n} weeks|"
        "in short sessions or long ones]?",
        "[Write|Give me] [a thesis statement|an outline|a short intro] for an essay about {explain}.",
    ]
)

_STUDY_BEFORE = _T(
    [
        "[I'm in {grade}.|The exam is in {n} days.|My teacher explained it but went too fast.|I've missed a couple of classes.|I'm a visual learner.|I'm helping my {kin} with homework and I'm rusty.]"
    ]
)
_STUDY_AFTER = _T(
    [
        "[Please explain it step by step.|Keep it simple.|Is there a shortcut?|What do most students get wrong?|How would a teacher explain it?]"
    ]
)


_HOMEWORK = _T(
    [
        "[Homework help:|Can you check my answer:|Stuck on this one:|Help with this please:] {problem}",
        "[Solve this step by step|Work this out for me|Show me how to solve this|How do I set this up]: {problem}",
    ]
)
_HOMEWORK_AFTER = _T(
    [
        "[Please explain each step.|Don't just give me the answer.|I got {nn}, is that right?|Can you check my "
        "reasoning after?|Give me a similar one to practice.|Is there a quicker method?]"
    ]
)


def study(rnd: random.Random) -> str:
    if rnd.random() < 0.3:
        return compose(rnd, _HOMEWORK, _STUDY_BEFORE, _HOMEWORK_AFTER, 0.3, 0.4)
    return compose(rnd, _STUDY, _STUDY_BEFORE, _STUDY_AFTER, 0.4, 0.35)


# --- language learning ---------------------------------------------------------------------

_LANG = _T(
    [
        "[How do I|What's the fastest way to|Realistic plan to] [learn|get conversational in] {language}"
        "[ in {n} months| as an adult| on my own|]?",
        "[Can you explain|Could you explain] {grammar} in {language}[?|? Simple examples please.]",
        "[I don't get|Help me understand|Explain] {grammar} in {language}[.|. Simple examples please.]",
        "[Is|How hard is] {language} [harder than|easier than|similar to] {language2} [for English speakers|to learn]?",
        "[Give me|Make] {n} [simple|beginner|everyday] sentences in {language} [with translations|about "
        "ordering food|for a trip to {dest}].",
        "[When do I use|What's the difference between] {wordpair} in English?",
        "[Best apps|Good podcasts|Free resources] for learning {language} [as {learner}|for travel|"
        "if I only have {mins} minutes a day]?",
        "[How do you say|What's the {language} for] '[where is the train station|I'm just looking|"
        "the bill please|nice to meet you|I don't understand]'[?| and how do I pronounce it?]",
    ]
)

_LANGUAGE_BEFORE = _T(
    [
        "[I've been using an app for {n} months.|I'm moving abroad {season}.|My {kin} speaks it at home and I'd like to join in.|I studied it in school but forgot everything.|I only have {mins} minutes a day.]"
    ]
)
_LANGUAGE_AFTER = _T(
    [
        "[Include how to pronounce it.|Please add a literal translation.|Is that formal or casual?|What would a native speaker actually say?|Any memory trick?]"
    ]
)


def language_learning(rnd: random.Random) -> str:
    return compose(rnd, _LANG, _LANGUAGE_BEFORE, _LANGUAGE_AFTER, 0.4, 0.35)


# --- careers --------------------------------------------------------------------------------

_CAREER = _T(
    [
        "[How do I answer|What's a good answer to|Help me prepare for] '{iq}' [in an interview|as a "
        "{job}|when applying to be a {job}]?",
        "[I've been|I have been] {a_job} for {yrs} years and [I'm thinking of|I'd like to try|I keep "
        "dreaming of] [switching to work as|moving into a role as|retraining as] {a_job2}. [Where do I start?|Is it "
        "realistic?|What skills transfer?]",
        "[Advice on|How do I handle|Dealing with|Anyone been through] {career}[?| at {age}?| as {a_job}?| in a "
        "small town?]",
        "[Review|Improve|What's missing from] my resume [summary|bullet point]: '[Responsible for|Helped with|"
        "Managed] [daily tasks|a team of {n}|customer questions] [in a busy setting|and other duties]'",
        "[What does|How much does|Is it hard to become] a {job} [do all day|make|without a degree][?|, honestly?]",
        "[What questions should I ask|What should I wear|How early should I arrive] [at|for] an interview "
        "for a {job} [job|role|position]?",
        "[Write|Help me write] a short [LinkedIn headline|elevator pitch|intro] for a {job} "
        "[looking for work|with {yrs} years of experience|who wants a career change|going back to work after a break].",
    ]
)

_CAREERS_BEFORE = _T(
    [
        "[I've spent {yrs} years as {a_job}.|I'm {age} and changing fields.|I'm just out of school.|I've been job hunting for {n} months.|I have an interview next week.|My field is shrinking.]"
    ]
)
_CAREERS_AFTER = _T(
    [
        "[How do I explain this in an interview?|What should I put on my resume?|Is a certificate worth it?|How long does the switch usually take?|What would you do?]"
    ]
)


def careers(rnd: random.Random) -> str:
    return compose(rnd, _CAREER, _CAREERS_BEFORE, _CAREERS_AFTER, 0.4, 0.35)


# --- hobbies and games ---------------------------------------------------------------------

_HOBBY = _T(
    [
        "[How do I get started with|Tips for|Where do I begin with] {skill}[ as {learner}| on a budget|]?",
        "[I started|I picked up|I got into] {skill} {n} months ago and [feel stuck|stopped improving|lost motivation]. "
        "[What helped you?|Any advice?|How do I get past this?]",
        "[Recommend|Suggest] a {game} for {group}.",
        "What's a good {game} for {group}?",
        "[What's|Recommend] a {game} [like chess but faster|that takes under {mins} minutes|that "
        "{learner} can learn quickly]?",
        "[Rules question for|Confused about] a {game}: [can you|is it legal to] [trade on your first turn|"
        "skip a turn|play two cards at once]?",
        "[Is|Would] {skill} [a good hobby|worth it] for {group}[?| with little free time?]",
        "[Give me|List] {n} [ideas|projects|challenges] to practise {skill}.",
    ]
)

_HOBBY_BEFORE = _T(
    [
        "[I have about {mins} minutes a day.|I'm on a tight budget.|I tried it years ago and quit.|My {kin} got me into it.|I want something that isn't on a screen.]"
    ]
)
_HOBBY_AFTER = _T(
    [
        "[What gear do I actually need?|How long until I'm decent?|Any good communities for beginners?|What should I practice first?]"
    ]
)


def hobbies(rnd: random.Random) -> str:
    return compose(rnd, _HOBBY, _HOBBY_BEFORE, _HOBBY_AFTER, 0.4, 0.35)
