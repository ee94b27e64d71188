"""Synthetic personal data for demo prompts: names, phones, emails, addresses, organisations,
job titles and dates, and the sentences that carry them.

Why: the paper's Figure 2 shows how much personal data real prompts hold ("My name is
..., I work as a nurse at ..., my number is ..."); the PII report has to find it and the
DP pipeline has to make it irrelevant. Everything here is made up from the pools in
:mod:`.vocab`; phone numbers use the fictional 555 exchange where the format allows.
"""

from __future__ import annotations

import random

from dp_instructions.demo.template import TemplateSet, article, pick
from dp_instructions.demo.vocab import (
    CITIES,
    COMPANY_CORES,
    COMPANY_PREFIXES,
    COMPANY_SUFFIXES,
    DEPARTMENTS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    HOSPITAL_SAINTS,
    JOB_TITLES,
    LAST_NAMES,
    MONTHS,
    ORG_PATTERNS,
    RELATIONS,
    STREET_NAMES,
    STREET_TYPES,
    US_STATES,
    WEEKDAYS,
)


def _p(rnd: random.Random, pool: tuple[str, ...]) -> str:
    return pool[int(rnd.random() * len(pool))]


def first_name(rnd: random.Random) -> str:
    return _p(rnd, FIRST_NAMES)


def full_name(rnd: random.Random) -> str:
    """``First Last``, sometimes with a middle initial."""
    if rnd.random() < 0.12:
        return f"{_p(rnd, FIRST_NAMES)} {chr(65 + int(rnd.random() * 26))}. {_p(rnd, LAST_NAMES)}"
    return f"{_p(rnd, FIRST_NAMES)} {_p(rnd, LAST_NAMES)}"


def _ascii(s: str) -> str:
    return s.lower().replace("ü", "u").replace(" ", "").replace("'", "").encode("ascii", "ignore").decode()


def email(rnd: random.Random, name: str | None = None) -> str:
    """A personal or work address, built from ``name`` when given."""
    name = name or full_name(rnd)
    parts = name.replace(".", "").split()
    first, last = _ascii(parts[0]), _ascii(parts[-1])
    r = rnd.random()
    if r < 0.35:
        local = f"{first}.{last}"
    elif r < 0.55:
        local = f"{first}{last}{int(rnd.random() * 99)}"
    elif r < 0.75:
        local = f"{first[0]}{last}"
    else:
        local = f"{first}_{int(rnd.random() * 9000) + 1000}"
    if rnd.random() < 0.6:
        return f"{local}@{_p(rnd, EMAIL_DOMAINS)}"
    return f"{local}@{_ascii(_p(rnd, COMPANY_PREFIXES))}{_ascii(_p(rnd, COMPANY_CORES))}.com"


def phone(rnd: random.Random) -> str:
    """A phone number in one of the common written formats."""
    r = rnd.random
    a, b, c = 200 + int(r() * 790), int(r() * 100), int(r() * 10000)
    k = r()
    if k < 0.35:
        return f"({a}) 555-{c:04d}" if r() < 0.5 else f"({a}) {200 + b}-{c:04d}"
    if k < 0.6:
        return f"{a}-555-{c:04d}"
    if k < 0.72:
        return f"{a}.{200 + b}.{c:04d}"
    if k < 0.86:
        return f"+1 {a} 555 {c:04d}"
    if k < 0.93:
        return f"+44 20 7946 {c:04d}"
    return f"+49 30 {int(r() * 9000000) + 1000000}"


def street_address(rnd: random.Random) -> str:
    """``123 Oak St.``, sometimes with an apartment number."""
    num = int(rnd.random() * 9899) + 1
    base = f"{num} {_p(rnd, STREET_NAMES)} {_p(rnd, STREET_TYPES)}"
    if rnd.random() < 0.25:
        base += f", Apt {int(rnd.random() * 40) + 1}{'ABCD'[int(rnd.random() * 4)]}"
    return base


def full_address(rnd: random.Random) -> str:
    """Street, city and, for US-style ones, state and ZIP code."""
    if rnd.random() < 0.7:
        zip_code = int(rnd.random() * 89999) + 10000
        return f"{street_address(rnd)}, {_p(rnd, CITIES)}, {_p(rnd, US_STATES)} {zip_code}"
    return f"{street_address(rnd)}, {_p(rnd, CITIES)}"


def company(rnd: random.Random) -> str:
    """``Northwind Logistics Inc.``-style company names (~100,000 combinations)."""
    if rnd.random() < 0.5:
        return f"{_p(rnd, COMPANY_PREFIXES)} {_p(rnd, COMPANY_CORES)} {_p(rnd, COMPANY_SUFFIXES)}"
    return f"{_p(rnd, COMPANY_PREFIXES)} {_p(rnd, COMPANY_CORES)}"


_ORG_SLOTS = {
    "saint": HOSPITAL_SAINTS,
    "city": CITIES,
    "last": LAST_NAMES,
    "last2": LAST_NAMES,
    "pre": COMPANY_PREFIXES,
    "core": COMPANY_CORES,
    "suffix": COMPANY_SUFFIXES,
    "dept": DEPARTMENTS,
}
_ORGS = TemplateSet(ORG_PATTERNS, _ORG_SLOTS)


def organisation(rnd: random.Random) -> str:
    """A hospital, school, firm, agency or company."""
    return _ORGS.raw(rnd)


def job_title(rnd: random.Random) -> str:
    return _p(rnd, JOB_TITLES)


def date(rnd: random.Random) -> str:
    """A date in one of the common written forms."""
    r = rnd.random
    m, d, y = int(r() * 12), int(r() * 28) + 1, 2019 + int(r() * 7)
    k = r()
    if k < 0.35:
        return f"{MONTHS[m]} {d}, {y}"
    if k < 0.55:
        return f"{m + 1:02d}/{d:02d}/{y}"
    if k < 0.7:
        return f"{y}-{m + 1:02d}-{d:02d}"
    if k < 0.85:
        return f"{MONTHS[m]} {d}"
    return f"{_p(rnd, WEEKDAYS)}, {MONTHS[m]} {d}"


def time_of_day(rnd: random.Random) -> str:
    h, m = int(rnd.random() * 12) + 1, (0, 15, 30, 45)[int(rnd.random() * 4)]
    return f"{h}:{m:02d} {'am' if rnd.random() < 0.5 else 'pm'}"


def birth_date(rnd: random.Random) -> str:
    y = 1950 + int(rnd.random() * 55)
    return f"{MONTHS[int(rnd.random() * 12)]} {int(rnd.random() * 28) + 1}, {y}"


def _with_email(rnd: random.Random) -> str:
    name = full_name(rnd)
    return f"{name} ({email(rnd, name)})"


PII_SLOTS = {
    "full": full_name,
    "full2": full_name,
    "first": first_name,
    "phone": phone,
    "email": email,
    "name_email": _with_email,
    "addr": full_address,
    "street": street_address,
    "org": organisation,
    "company": company,
    "job": job_title,
    "a_job": lambda rnd: article(job_title(rnd)),
    "date": date,
    "time": time_of_day,
    "dob": birth_date,
    "relation": pick(RELATIONS),
}

# Sentences put before the task (Figure 2 style) ...
_PII_PREFIX = TemplateSet(
    [
        "[Hi,|Hello,|Hey,|] [my name is|I'm|this is] {full}[,| and] [I work as|I'm] {a_job} at "
        "{org}"
        "[,|.] [my number is|you can reach me at|call me at|my cell is] {phone}.",
        "[Hi,|] I'm {full}, {a_job} [at|with|from] {org}. [My email is|Email:|Reach me at] {email}.",
        "I live at {addr} [and my phone is|, phone] {phone}.",
        "[Details|My details|Info|For reference]: {full}, born {dob}, {email}, {phone}.",
        "My [manager|boss|client|landlord|doctor|professor] {name_email} [wants|asked for|needs] this by {date}.",
        "[My|The] [appointment|interview|meeting|closing|court date] is on {date} at {time} at {addr}.",
        "I'm {full} [from|of] {org} [and|;] [my work phone is|office line:] {phone}.",
        "[Background|Context]: I'm {a_job} [in|near] {addr}, [DOB|born] {dob}.",
        "My [son|daughter|husband|wife|mother|father] {full} [goes to|works at|is a patient at] "
        "{org}"
        " [and|,] [his|her|their] [number|phone] is {phone}.",
        "I am {full} [({email})|,] and I [manage|run|lead] the [front desk|night shift|sales team|"
        "IT team|warehouse] at {org}.",
    ],
    PII_SLOTS,
)

# ... or after it (signatures, contact lines).
_PII_SUFFIX = TemplateSet(
    [
        "\n\n[Thanks|Best|Regards|Cheers|Thank you],\n{full}\n{job}, {org}\n{phone}",
        "\n\n[Thanks,|Best regards,|Sincerely,]\n{full}\n{email} | {phone}",
        " [Please|] send [it|the reply|the final version] to {email} [and cc|and copy] {name_email}.",
        " [Sign it as|Sign it from|It should come from] {full}, {job} at {org}[, {phone}|, {email}|].",
        " [Use|Include] my contact info: {phone}, {email}, {addr}.",
        " [The recipient is|It's for|Address it to] {full} at {org}, {addr}.",
        " [Deadline|Due date|I need it by]: {date}. [My|Contact] phone: {phone}.",
    ],
    PII_SLOTS,
)


def pii_prefix(rnd: random.Random) -> str:
    return _PII_PREFIX(rnd)


def pii_suffix(rnd: random.Random) -> str:
    """Starts with whitespace; append directly to the prompt."""
    return _PII_SUFFIX.raw(rnd).replace("  ", " ")


def add_pii(rnd: random.Random, prompt: str) -> str:
    """Put personal data before or after ``prompt``, like people do."""
    if rnd.random() < 0.55:
        return f"{pii_prefix(rnd)} {prompt}"
    return prompt + pii_suffix(rnd)
