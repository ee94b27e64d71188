"""Public pre-training text about the home and household: DIY and repairs, cooking,
money, gardening, pets, shopping and product comparisons.

Same machinery as :mod:`.pretraining_life` (its slots, :func:`~.pretraining_life.compose`),
word lists from :mod:`.pretraining_vocab`; see :mod:`.pretraining` for the mix.
"""

from __future__ import annotations

import random

from dp_instructions.demo.pretraining_life import SLOTS, compose
from dp_instructions.demo.template import TemplateSet


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, SLOTS)


# --- how-to and DIY -----------------------------------------------------------------------

_DIY = _T(
    [
        "[How do I|How to|What's the {q} way to|Can a beginner] {homejob}[?| myself?| without calling someone?]",
        "[First time homeowner here.|We just moved into an old house.|Renter here, so nothing permanent.|"
        "Not handy at all.] [How do I|What do I need to|Any tips to] {homejob} in the {room}?",
        "[What tools do I need to|Can I use {tool} to|Do I really need {tool} to] {homejob}?",
        "[Is it hard to|How long does it take to|Roughly what does it cost to] {homejob}[ in an old house| myself|]?",
        "Step by step, how do I {homejob}? I have {tool} and {tool2}[ but not much else|].",
        "[How do you|Best way to|What actually works to] clean {dirty}[?| without ruining it?]",
        "The {surface} in our {room} [has a crack|is stained|is peeling|feels soft in one spot|has a "
        "weird bulge]. [Should I worry|Is this a DIY fix|What would cause that]?",
        "[Quick DIY question:|Handy people of the internet:] [can I|should I] {homejob} and {homejob2} "
        "[on the same weekend|in one day|without a helper]?",
        "[Give me|List|Suggest] {n} [cheap|simple|renter-friendly|weekend] projects to make a {room} "
        "[feel bigger|look less dated|more cozy|easier to keep clean].",
    ]
)

_DIY_BEFORE = _T(
    [
        "[The house was built in the {decade}s.|It's a rental, so nothing permanent.|I have {tool} but have never used it.|My {kin} says to call a pro, but I'd like to try first.|The {room} gets a lot of moisture.|Budget is about {dollars}.|We have a {surface} in there, if that matters.|I'm renting and the landlord is slow to respond.]"
    ]
)
_DIY_AFTER = _T(
    [
        "[How long should it take?|What could go wrong?|Do I need to shut off the water or power first?|Is {tool} enough or do I need {tool2}?|What would a pro charge for this?|Any safety stuff I should know?|Should I wear a mask for this?|What's the most common beginner mistake here?]"
    ]
)


def diy(rnd: random.Random) -> str:
    return compose(rnd, _DIY, _DIY_BEFORE, _DIY_AFTER, 0.4, 0.35)


# --- cooking -------------------------------------------------------------------------------

_COOK = _T(
    [
        "[Can I substitute|What can I use instead of|Is there a swap for] {ingredient} in {dish}?",
        "[Made|Tried making|Baked|Cooked] {dish} [last night|today|for guests|for the first time] and it {cookfail}. "
        "[What did I do wrong?|Why?|Any idea why?|How do I fix it next time?]",
        "[Give me|Suggest|I need] a {diet} [recipe|version] of {dish}[.| for {n} people.| that freezes well.]",
        "[How long do I cook|How do I reheat|Can I make] {dish} in {gear}?",
        "At what temperature [do I bake|should I cook|do I roast] {dish}[?| and for how long?]",
        "[What can I make with|Dinner ideas using|Recipe that uses up] {ingredient}, {ingredient2} and "
        "[rice|pasta|potatoes|bread|leftover chicken|frozen peas]?",
        "[Is|Is it worth buying] {gear} [worth it|really useful] for {group}?",
        "[Plan|Make] a {diet} meal plan for a week[ for {group}| on a tight budget|].",
        "How [far ahead|many days before] can I make {dish} [for a party|for guests|and keep it in the fridge]?",
        "[Tips for|How do I get better at|Beginner here, any advice on] making {dish}[?| at home?]",
        "[Why does my|How do I stop my] {dish} [from sticking to|burning in] {gear}?",
        "{dish} or {dish2} for a [potluck|picnic|bake sale|work lunch]? [Which travels better?|Which is easier?]",
    ]
)

_COOKING_BEFORE = _T(
    [
        "[I only have {gear}.|Cooking for {group}.|One of us is {diet}.|I have about {mins} minutes on weeknights.|My oven runs hot.|I'm out of {ingredient}.|I'm a pretty nervous cook.]"
    ]
)
_COOKING_AFTER = _T(
    [
        "[Can I make it ahead?|What sides go with it?|How do I scale it up for {nn} people?|How long does it keep in the fridge?|Can it be frozen?|What temperature, and for how long?|Which spices would you add?]"
    ]
)


def cooking(rnd: random.Random) -> str:
    return compose(rnd, _COOK, _COOKING_BEFORE, _COOKING_AFTER, 0.4, 0.35)


# --- money ---------------------------------------------------------------------------------

_MONEY = _T(
    [
        "[What is|How does one use|Can someone explain] {money_topic}[?| and is it worth it?| in plain words?]",
        "{money_topic} vs {money_topic2}: [which makes more sense|what's better] [for a beginner|at {age}|"
        "on a {income} salary]?",
        "I [make|earn|bring home] about {income} a year. [How do I|What's a realistic plan to|Help me] {money_goal}?",
        "How [much|many months of expenses] should I [have|keep] in an emergency fund [at {age}|before investing|"
        "if I rent|with {n} kids|on a {income} salary]?",
        "[Is it dumb to ignore|Should I bother with] {money_topic} [at {age}|if I rent|on a {income} salary]?",
        "[Make me|Suggest] a simple monthly budget to {money_goal}[.| on {income} a year.]",
        "[Is it normal to|Is it too much to] spend {pct}% of my income on [rent|groceries|"
        "eating out|my car|childcare|subscriptions]?",
        "Should I put {pct}% of my [pay|income|paycheck] into [savings|a retirement account|index funds] "
        "[or pay off debt first|before anything else|right now]?",
        "[I'm {age} and|At {age},] I [have no savings|just got my first real job|have {dollars} saved]. "
        "[Where do I start|What should I do first|Is it too late to start]?",
        "Explain {money_topic} [to someone who hates numbers|in plain English|for a first-time saver].",
        "What are the pros and cons of {money_topic} [for someone who hates numbers|for a first-time saver|at {age}]?",
    ]
)

_MONEY_BEFORE = _T(
    [
        "[I'm {age}, I rent, and I have {dollars} in savings.|I have about {dollars} of credit card debt at {pct}% interest.|My job matches retirement contributions up to {pct}%.|My income changes a lot month to month.|I never learned any of this growing up.]"
    ]
)
_MONEY_AFTER = _T(
    [
        "[What would you do in my position?|What mistakes should I avoid?|Explain it like I'm {aud}.|Is there a simple rule of thumb?|What should I read to learn more?]"
    ]
)


def money(rnd: random.Random) -> str:
    return compose(rnd, _MONEY, _MONEY_BEFORE, _MONEY_AFTER, 0.4, 0.35)


# --- gardening -------------------------------------------------------------------------------

_GARDEN = _T(
    [
        "[I'm seeing|There are|Noticed] {plantprob} on my {plant}[ this week| since I repotted| after the rain|]. "
        "[What's wrong?|How do I save it?|Is it overwatering?|Should I cut those parts off?]",
        "[How often should I water|When should I repot|How much sun does] {plant}[ need|][?| {season}?]",
        "[Can I grow|Is it possible to grow] {plant} [on a balcony|indoors|in pots|from seed] {season}?",
        "[Beginner|Lazy] gardener here. [What should I plant|Easiest things to grow] {season}[?| in a small yard?]",
        "[Natural ways to get rid of|How do I prevent] {pest} on {plant}?",
    ]
)

_GARDEN_BEFORE = _T(
    [
        "[I'm in a small apartment with one sunny window.|We get cold winters.|The soil here is mostly clay.|It's my first year gardening.|I'm away a lot, so it can't need much care.]"
    ]
)
_GARDEN_AFTER = _T(
    [
        "[Should I use fertilizer?|How do I know if it's too late?|Is it okay for pets?|What would you plant next to it?|Is it worth starting over?]"
    ]
)


def gardening(rnd: random.Random) -> str:
    return compose(rnd, _GARDEN, _GARDEN_BEFORE, _GARDEN_AFTER, 0.4, 0.35)


# --- pets ------------------------------------------------------------------------------------

_PETS = _T(
    [
        "[My|Our] {pet} {petissue}. [How do I stop it?|Is that normal?|Any training tips?|What can we do?]",
        "[We're thinking of getting|About to adopt|Considering] a {pet}. [What should we know?|What do we "
        "need to buy?|Is it good with kids?]",
        "[How much exercise does|How often should I feed|How do I groom] a {pet}[?| in summer?]",
        "[Is it safe for a {pet} to eat|Can a {pet} have|Is it okay to give a {pet}] [cheese|grapes|peanut butter|"
        "cooked bones|carrots|apple slices|rice]?",
        "[Tips for|How do I handle] [moving house|a long car trip|fireworks night|leaving for work] with a {pet}?",
    ]
)

_PETS_BEFORE = _T(
    [
        "[It's {n} years old and we adopted it {season}.|We live in a small apartment.|We have two kids under {n}.|It was a rescue, so we don't know much about its past.|We both work during the day.]"
    ]
)
_PETS_AFTER = _T(
    [
        "[When should I see a vet about this?|Is this normal for the breed?|How long does training usually take?|What toys or gear help?|Are we doing something wrong?]"
    ]
)


def pets(rnd: random.Random) -> str:
    return compose(rnd, _PETS, _PETS_BEFORE, _PETS_AFTER, 0.4, 0.35)


# --- shopping and product comparisons --------------------------------------------------------

_SHOP = _T(
    [
        "[Which is better|What would you pick|Help me choose]: {prodpair}?",
        "[Looking for|Need|Recommend] a {prodkind} {prodneed}. [What should I look for?|Budget is {dollars}.|"
        "Any tips?]",
        "[Is it worth paying more for|Are expensive ones better than cheap ones when buying] a {prodkind}?",
        "[Pros and cons of|Thoughts on|Torn between] {prodpair} [for {group}|in a small apartment|]?",
        "[What features matter when buying|What to check before buying] a [used|second-hand|new] {prodkind}?",
    ]
)

_SHOP_BEFORE = _T(
    [
        "[Budget is around {dollars}.|Mine just broke after {yrs} years.|It's a gift for my {kin}.|I don't want to buy twice.|I'm in a tiny apartment.]"
    ]
)
_SHOP_AFTER = _T(
    [
        "[What would you buy?|Is it worth waiting for a sale?|What should I avoid?|Does the brand matter much?|Is buying used a bad idea?]"
    ]
)


def shopping(rnd: random.Random) -> str:
    return compose(rnd, _SHOP, _SHOP_BEFORE, _SHOP_AFTER, 0.4, 0.35)
