"""Public pre-training text about computers: code questions (Stack-Overflow-like posts,
some with a short snippet) and tech support (devices, apps, settings).

Built only from :mod:`.pretraining_vocab` and this module's own snippets; see
:mod:`.pretraining` for why the public corpus has generators of its own.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from dp_instructions.demo.pretraining_life import closed, fix_articles
from dp_instructions.demo.pretraining_vocab import (
    APPS,
    CODE_GOALS,
    CODE_LANGS,
    CODE_NAMES,
    CODE_SUFFIXES,
    CODE_THINGS,
    DEV_PROBLEMS,
    DEV_TOOLS,
    DEVICE_FAULTS,
    DEVICES,
    FAULT_TRIGGERS,
    KIN,
    LEARNER_LEVELS,
    OSES,
    TRIED_FIXES,
    _pool,
)
from dp_instructions.demo.template import TemplateSet


def _p(rnd: random.Random, pool: tuple[str, ...]) -> str:
    return pool[int(rnd.random() * len(pool))]


def _int(lo: int, hi: int) -> Callable[[random.Random], str]:
    return lambda rnd: str(lo + int(rnd.random() * (hi - lo + 1)))


CONCEPT_PAIRS = _pool("""
== and === in JavaScript|a list and a tuple in Python|an interface and an abstract class in Java
let and var in JavaScript|a struct and a class in C#|a goroutine and a thread|map and forEach
a process and a thread|a stack and a heap|GET and POST|cookies and local storage
a shallow copy and a deep copy|an array and a linked list|SQL and NoSQL databases
compiled and interpreted languages|unit tests and integration tests|git merge and git rebase
git fetch and git pull|a library and a framework|static and dynamic typing|a class and an object
synchronous and asynchronous code|null and undefined|a hash map and a tree map|is and == in Python
a virtual machine and a container|TCP and UDP|a fork and a clone on GitHub|PUT and PATCH
""")

DEV_ACTIONS = _pool("""
undo my last commit without losing the changes|delete a branch both locally and on the remote
see which process is using a port|update all my packages at once|squash my last three commits
stop a container that won't stop|add a folder to my PATH|ignore a file that is already tracked
rename a column in a table|make a script run when the computer starts|set up a virtual environment
change the default branch name|install a specific version of a package|open a file from the terminal
find which commit broke the build|clear the cache of a package manager|run two versions side by side
copy a file from a remote server|schedule a job every night at two|see the logs of a crashed service
""")

TECH_HOWTOS = _pool("""
back up my phone to my computer|move all my photos to a new phone|set up parental controls on a tablet
free up storage on my laptop|connect a wireless printer to the Wi-Fi|turn on two-factor authentication
record my screen with sound|find the Wi-Fi password I saved earlier|speed up an old laptop
take a scrolling screenshot|stop apps from opening at startup|clear cookies for just one site
get back a file I deleted by accident|share only one window on a video call|change my default browser
mirror my phone screen to the TV|make text bigger for an older relative|block spam calls
set up a new router without the app|check if my hard drive is failing|use my phone as a webcam
sync my calendar between two devices|scan a document with my phone|turn off autocorrect
password protect a folder|check what is using all my data|wipe a laptop before selling it
""")

SAFETY_QS = _pool("""
leave my laptop plugged in all the time|use public Wi-Fi for online banking|charge my phone overnight
click unsubscribe links in spam emails|let my browser save my passwords|use a free VPN
download drivers from third-party sites|turn off my PC by holding the power button|clean my screen with alcohol wipes
install apps from outside the app store|keep my old router that no longer gets updates
plug my laptop into a hotel TV|use the same password for two sites|open attachments from my bank
leave Bluetooth on all the time|let my kids use my laptop|skip a big system update|use a phone with a cracked screen
store my photos only in the cloud|buy a refurbished phone online|run my PC with the side panel off
share my Wi-Fi with a neighbor|use a USB stick I found|let an app read my contacts|keep my laptop on my bed
""")


def _two_fixes(rnd: random.Random) -> str:
    """Two different things the user already tried: ``A and B``."""
    n = len(TRIED_FIXES)
    i = int(rnd.random() * n)
    j = (i + 1 + int(rnd.random() * (n - 1))) % n
    return f"{TRIED_FIXES[i]} and {TRIED_FIXES[j]}"


SLOTS: dict = {
    "lang": CODE_LANGS,
    "lang2": CODE_LANGS,
    "goal": CODE_GOALS,
    "proj": CODE_THINGS,
    "tool": DEV_TOOLS,
    "devprob": DEV_PROBLEMS,
    "pair": CONCEPT_PAIRS,
    "action": DEV_ACTIONS,
    "learner": LEARNER_LEVELS,
    "kin": KIN,
    "device": DEVICES,
    "device2": DEVICES,
    "os": OSES,
    "fault": DEVICE_FAULTS,
    "trigger": FAULT_TRIGGERS,
    "fix": TRIED_FIXES,
    "fixes": _two_fixes,
    "app": APPS,
    "howto": TECH_HOWTOS,
    "safe": SAFETY_QS,
    "n": _int(2, 40),
    "big": _int(100, 5000),
    "yrs": _int(2, 11),
}


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, SLOTS)


# --- code snippets ------------------------------------------------------------------------


def _ident(rnd: random.Random) -> str:
    return f"{_p(rnd, CODE_NAMES)}_{_p(rnd, CODE_SUFFIXES)}"


def _camel(rnd: random.Random) -> str:
    s = _p(rnd, CODE_SUFFIXES)
    return f"{_p(rnd, CODE_NAMES)}{s[0].upper()}{s[1:]}"


def _py_snippet(rnd: random.Random) -> str:
    a, b, item = _ident(rnd), _ident(rnd), _p(rnd, CODE_NAMES)
    k, n = int(rnd.random() * 6), int(rnd.random() * 90) + 2
    if k == 0:
        return f"{a} = [{n}, {n + 3}, {n * 2}]\nfor i in range(len({a})):\n    print({a}[i + 1])"
    if k == 1:
        return f"def add_{item}({item}, {a}=[]):\n    {a}.append({item})\n    return {a}"
    if k == 2:
        return f'{a} = input("how many {item}s? ")\n{b} = {a} * {n}\nprint({b})'
    if k == 3:
        return f"{a} = {{}}\nfor {item} in {b}:\n    {a}[{item}] += 1"
    if k == 4:
        return f"while {a} != {n}:\n    {a} = {a} + 0.1\nprint('done')"
    return f'with open("{item}s.txt") as f:\n    {a} = f.read().split("\\n")\nprint(len({a}))'


def _js_snippet(rnd: random.Random) -> str:
    a, b, item = _camel(rnd), _camel(rnd), _p(rnd, CODE_NAMES)
    k, n = int(rnd.random() * 5), int(rnd.random() * 90) + 2
    if k == 0:
        return f"for (var i = 0; i < {n}; i++) {{\n  setTimeout(() => console.log(i), 100);\n}}"
    if k == 1:
        return f'const {a} = fetch("/{item}s").json();\nconsole.log({a}.length);'
    if k == 2:
        return f"let {a} = [{n}, {n + 7}, 1];\n{a}.sort();\nconsole.log({a});"
    if k == 3:
        return f'if ({a} = "{item}") {{\n  {b}++;\n}}'
    return f"const {a} = 0.1 + 0.2;\nconsole.log({a} === 0.3); // false??"


def _other_snippet(rnd: random.Random, lang: str) -> str:
    a, item = _ident(rnd), _p(rnd, CODE_NAMES)
    n = int(rnd.random() * 90) + 2
    if lang == "C#":
        return f"var {a} = new List<int>();\n{a}.Add({n});\nConsole.WriteLine({a}[1]);"
    if lang == "Java":
        return f'String {item} = "{item}";\nif ({item} == "{item}") {{\n    count += {n};\n}}'
    if lang == "Bash":
        return f'for f in *.txt; do\n  mv $f {item}_$f\ndone\necho "moved {n} files"'
    if lang == "Go":
        return f"for i, {a} := range {item}s {{\n    go func() {{ fmt.Println(i, {a}) }}()\n}}"
    return f"{a} = {n}\n{a} = {a} / 0\nprint({a})"


def snippet(rnd: random.Random, lang: str) -> str:
    """A short, slightly buggy snippet as people paste it into a question."""
    if lang == "Python":
        code = _py_snippet(rnd)
    elif lang in ("JavaScript", "TypeScript"):
        code = _js_snippet(rnd)
    else:
        code = _other_snippet(rnd, lang)
    if rnd.random() < 0.3:
        return code
    return f"```\n{code}\n```"


# --- code questions -----------------------------------------------------------------------

_CODE_HOW = _T(
    [
        "[How do I|How can I|What's the best way to|Is there a clean way to|how to|How would you] {goal} in {lang}[?|]",
        "[In|Using] {lang}, [what's the idiomatic way to|how do you|is there a one-liner to] {goal}?",
        "{lang} question: [how do I|what's the simplest way to|can I] {goal}[?| without a library?]",
        "[Looking for a way to|Need to|Trying to] {goal} [in|with] {lang}. [Suggestions?|How?|What's the usual approach?]",
    ]
)

_CODE_SHORT = _T(
    [
        "What is the difference between {pair}[?| in practice?| and why should I care?]",
        "Explain the difference between {pair}[.|, with a small example.| like I'm {learner}.]",
        "[When should I use which|Which one should I reach for|Which is used more in real jobs]: {pair}?",
        "[How do I|How can I|Quick one: how to] {action} [with|in|using] {tool}?",
        "[Should I learn|Is it better to start with] {lang} or {lang2} [first|as {learner}|for getting a job]?",
        "What's a good first project in {lang} for {learner}?",
        "[Can someone explain|Explain like I'm new:|In plain words,] [what {tool} is for|what {tool} actually "
        "does|what people use {tool} for|why everyone uses {tool}]?",
        "[Best resources|Good books|Free courses] for learning {lang} [in {yrs} months|from scratch|as {learner}]?",
    ]
)

_CODE_POST_INTRO = _T(
    [
        "[I'm trying to|I want to|I need to|Trying to] {goal} in {=lang} [but|and] "
        "[it doesn't work|I get the wrong result|nothing happens|it only works sometimes|it's really slow].",
        "[I'm|I am] {learner} and [I'm working on|I'm building|I'm making|I just started] {proj} in {=lang}.",
        "[So I'm|I'm currently] [following a tutorial|doing an online course|practising] [on|in] {=lang} "
        "and [got stuck|hit a wall|can't figure this part out].",
        "[Weird bug|Strange behaviour|Confused] [in|with] my {=lang} code[.|:|!]",
        "[This is probably a dumb question, but the|Sorry if this is obvious, but the|Newbie here. The|Okay, the] "
        "{=lang} code [doesn't do what I expect|gives me {devprob}|prints the wrong thing].",
    ]
)

_CODE_POST_CLOSE = _T(
    [
        "[What am I doing wrong|Why does this happen|Any idea what's going on|What's the right way to do this]?",
        "It [prints|returns|shows] {n} [instead of|but I expected] {big}. [Why?|What am I missing?]",
        "[Is there a better way to write this|How would you fix it|Can someone point me in the right direction]?",
        "[I've been stuck on this for {n} hours.|Spent {n} hours on this already.|Been at this all evening.] "
        "[Thanks!|Any help is appreciated.|]",
    ]
)

_PROJECT = _T(
    [
        "I'm building {proj} in {lang}. [How should I structure the files|Where should I store the data|"
        "How do I add a save feature|What's a good way to handle user input]?",
        "[Ideas|Suggestions] for features to add to {proj} [I made|I'm making] in {lang}?",
        "[How long would it take|Is it realistic] for {learner} to make {proj} in {lang}?",
        "[Getting|I keep getting|Stuck on] {devprob} [with|in] my {lang} project. [How do I debug this|"
        "Where do I even start|What usually causes it]?",
        "[Our|My] team uses {tool} and I'm {learner}. [What should I learn first|What are the basics I "
        "need|Any cheat sheet]?",
    ]
)


def coding(rnd: random.Random) -> str:
    u = rnd.random()
    if u < 0.3:
        text = _CODE_HOW(rnd)
        return f"{closed(text)} {_CODE_AFTER(rnd)}" if rnd.random() < 0.4 else text
    if u < 0.75:
        return _CODE_SHORT(rnd) if u < 0.5 else _PROJECT(rnd)
    lang = ("Python", "JavaScript", "Python", "TypeScript", "Java", "Bash", "Go", "C#")[int(rnd.random() * 8)]
    intro = _CODE_POST_INTRO(rnd, {"lang": lang})
    return f"{intro}\n\n{snippet(rnd, lang)}\n\n{_CODE_POST_CLOSE(rnd)}"


# --- tech support -------------------------------------------------------------------------

_FAULT = _T(
    [
        "My {device} {fault} {trigger}. [I've tried|I already tried|Tried] {fixes} "
        "[but|and] [nothing changed|no luck|it still happens|it came back]. "
        "[Any ideas|What else can I try|Is it time to replace it|Is it worth repairing]?",
        "[Help! My|Ugh, my|So my|Our] {device} {fault}. It's about {yrs} years old[ and I've never had problems|]. "
        "[Is this a hardware problem|Can I fix this myself|Should I take it in]?",
        "[My|Our|The] {device} {fault} {trigger}[.| and it's driving me crazy.| for the third time this week.] "
        "[Fix?|Ideas?|Anyone else?|How do I fix this?]",
        "{app} [keeps crashing|won't open|logs me out every day|is stuck loading|got really slow] "
        "[on|since I switched to] {os}. [Already tried {fix}.|Reinstalling didn't help.|] [What now?|Ideas?|]",
    ]
)

_SUPPORT = _T(
    [
        "[How do I|How can I|Is there a way to|What's the easiest way to] {howto}[?| on {os}?| without buying anything?]",
        "[Step by step please:|Can you walk me through how to|Explain to my {kin} how to] {howto}[.|?]",
        "Is it bad to {safe}[?|, or is that a myth?| long term?|? My {kin} does it all the time.]",
        "Is it [safe|okay] to {safe}[?|? My {kin} says no.|? I keep reading different answers.|, honestly?]",
        "[Does it actually matter if I|Is there any harm if I|What's the worst that happens if I] {safe}"
        "[?|? Asking before I do it again.|? Be honest.]",
        "My {kin} [gave me|handed down|bought me] [an old|a used|a refurbished] {device}. "
        "[What should I do before using it|How do I reset it properly|Is it worth upgrading it]?",
        "[Which is better for|What should I buy for] [video calls|photo editing|gaming|school work|"
        "working from home]: a {device} or a {device2}?",
    ]
)


_SUPPORT_BEFORE = _T(
    [
        "[It's about {yrs} years old.|I'm not very techy.|It's a work device, so I can't install much.|"
        "This started right after I moved.|My {kin} usually fixes this stuff but is away.]"
    ]
)
_SUPPORT_AFTER = _T(
    [
        "[Please explain like I'm not a computer person.|Is there a free way to fix it?|Should I back up first?|"
        "Could it be a virus?|Is it worth paying a repair shop?|I'd rather not lose my files.]"
    ]
)
_CODE_AFTER = _T(
    [
        "[It needs to work on older versions too.|I'd like to understand why, not just copy code.|"
        "Bonus if it works on {os}.|Please keep it beginner friendly.|No third-party packages if possible.|"
        "I've been on this for {n} hours.]"
    ]
)


def tech_support(rnd: random.Random) -> str:
    if rnd.random() < 0.4:
        return fix_articles(_SUPPORT(rnd))
    text = fix_articles(_FAULT(rnd))
    if rnd.random() < 0.4:
        text = f"{_SUPPORT_BEFORE(rnd)} {text}"
    if rnd.random() < 0.4:
        text = f"{closed(text)} {_SUPPORT_AFTER(rnd)}"
    return text
