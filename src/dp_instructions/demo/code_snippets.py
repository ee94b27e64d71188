"""Small code snippets and error messages for the demo corpus' coding prompts.

Why generated rather than pooled: a fixed pool of snippets would make every coding
prompt that quotes one a 10-gram near duplicate of the others. Each snippet is a
skeleton whose identifiers, literals and paths are drawn fresh (identifiers from
verb x noun combinations), so any 10 consecutive words of a snippet include several
random ones. Skeletons use ``$name$`` holes (braces and brackets are code).
"""

from __future__ import annotations

import random
import re

from dp_instructions.demo.vocab import CODE_FIELDS, PROG_NOUNS, PROG_VERBS

_HOLE = re.compile(r"\$(\w+)\$")
_SUFFIXES = ("_items", "_list", "_map", "_count", "_id", "_total", "_idx", "_data", "_cache", "")
_OPS = (">", "<", ">=", "<=", "==", "!=")
_ARITH = ("+", "-", "*")
_TYPES = ("int", "str", "float", "NoneType", "list", "dict", "tuple", "set", "bytes", "DataFrame")


def _n(rnd: random.Random, pool: tuple[str, ...]) -> str:
    return pool[int(rnd.random() * len(pool))]


def snake(rnd: random.Random) -> str:
    """A snake_case identifier such as ``parse_orders`` (about 2,600 distinct)."""
    noun = _n(rnd, PROG_NOUNS)
    return f"{_n(rnd, PROG_VERBS)}_{plural(noun) if rnd.random() < 0.4 else noun}"


def camel(rnd: random.Random) -> str:
    """A camelCase identifier such as ``fetchOrders``."""
    noun = _n(rnd, PROG_NOUNS)
    noun = plural(noun) if rnd.random() < 0.4 else noun
    return f"{_n(rnd, PROG_VERBS)}{noun[0].upper()}{noun[1:]}"


def pascal(rnd: random.Random) -> str:
    """A PascalCase type name such as ``OrderCache``."""
    a, b = _n(rnd, PROG_NOUNS), _n(rnd, PROG_NOUNS)
    tail = ("Manager", "Service", "Store", "Cache", "Parser", "Client", "List", "")
    return f"{a[0].upper()}{a[1:]}{b[0].upper()}{b[1:]}{_n(rnd, tail)}"


def plural(noun: str) -> str:
    """English plural of a pool noun (``city`` -> ``cities``, ``address`` -> ``addresses``)."""
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def var(rnd: random.Random) -> str:
    """A variable name such as ``order_total`` or ``rows``."""
    return f"{_n(rnd, PROG_NOUNS)}{_n(rnd, _SUFFIXES)}"


def _compile(skeleton: str) -> tuple[str | tuple[str], ...]:
    out: list[str | tuple[str]] = []
    pos = 0
    for m in _HOLE.finditer(skeleton):
        out.append(skeleton[pos : m.start()])
        out.append((m.group(1),))
        pos = m.end()
    out.append(skeleton[pos:])
    return tuple(out)


def _int_hole(bound: int, offset: int = 0):
    return lambda rnd: str(int(rnd.random() * bound) + offset)


# How each hole is filled; drawn lazily, once per snippet, so a name repeats consistently.
_HOLES = {
    "fn": snake,
    "fn2": snake,
    "cls": pascal,
    "a": var,
    "b": lambda rnd: var(rnd) + "2" if rnd.random() < 0.1 else var(rnd),
    "x": lambda rnd: _n(rnd, PROG_NOUNS),
    "out": var,
    "field": lambda rnd: _n(rnd, CODE_FIELDS),
    "field2": lambda rnd: _n(rnd, CODE_FIELDS),
    "op": lambda rnd: _n(rnd, _OPS),
    "ar": lambda rnd: _n(rnd, _ARITH),
    "n1": _int_hole(100),
    "n2": _int_hole(1000),
    "n3": _int_hole(50, 1),
    "file": lambda rnd: f"{_n(rnd, PROG_NOUNS)}_{_n(rnd, PROG_NOUNS)}",
    "path": lambda rnd: f"{plural(_n(rnd, PROG_NOUNS))}/{int(rnd.random() * 900) + 100}",
    "host": lambda rnd: f"{_n(rnd, PROG_NOUNS)}{_n(rnd, PROG_NOUNS)}",
    "table": lambda rnd: plural(_n(rnd, PROG_NOUNS)),
    "table2": lambda rnd: f"{_n(rnd, PROG_NOUNS)}_{plural(_n(rnd, PROG_NOUNS))}",
    "t1": lambda rnd: _n(rnd, _TYPES),
    "t2": lambda rnd: _n(rnd, _TYPES),
}
_CAMEL_HOLES = {**_HOLES, "fn": camel, "fn2": camel}


def _value(rnd: random.Random, values: dict[str, str], name: str, camel_case: bool = False) -> str:
    v = values.get(name)
    if v is None:
        v = values[name] = (_CAMEL_HOLES if camel_case else _HOLES)[name](rnd)
    return v


def _fill(
    compiled: tuple[str | tuple[str], ...],
    rnd: random.Random,
    values: dict[str, str],
    camel_case: bool = False,
) -> str:
    return "".join(p if type(p) is str else _value(rnd, values, p[0], camel_case) for p in compiled)


_PY = tuple(
    _compile(s)
    for s in (
        "def $fn$($a$, limit=$n1$):\n    $out$ = []\n    for $x$ in $a$:\n"
        "        if $x$['$field$'] $op$ limit:\n            $out$.append($x$)\n    return $out$",
        "import pandas as pd\n\n$a$ = pd.read_csv('$file$.csv')\n"
        "$a$['$field$'] = $a$['$field2$'] $ar$ $n1$\nprint($a$.groupby('$x$')['$field$'].mean())",
        "class $cls$:\n    def __init__(self, $a$, $b$):\n        self.$a$ = $a$\n"
        "        self.$b$ = $b$\n\n    def $fn$(self):\n        return self.$a$ $ar$ self.$b$",
        "import requests\n\n$a$ = requests.get('https://api.$host$.com/$path$', timeout=$n3$)\n"
        "for $x$ in $a$.json()['$b$']:\n    print($x$['$field$'])",
        "def $fn$($a$):\n    if $a$ <= $n3$:\n        return $n1$\n    return $fn$($a$ - 1) $ar$ $fn$($a$ - 2)",
        "with open('$file$.txt') as $a$:\n    $b$ = [line.strip() for line in $a$]\n"
        "$out$ = {$x$: len($x$) for $x$ in $b$ if $x$}\nprint(sorted($out$.items())[:$n3$])",
        "async def $fn$(session, $x$_id):\n    async with session.get(f'/$path$/{$x$_id}') as "
        "$a$:\n"
        "        $b$ = await $a$.json()\n    return $b$.get('$field$', $n1$)",
        "$a$ = {'$field$': $n1$, '$field2$': $n2$}\n$b$ = $a$['$x$']\nprint($fn$($b$))",
    )
)

_JS = tuple(
    _compile(s)
    for s in (
        "const $fn$ = async ($x$Id) => {\n  const $a$ = await fetch(`/api/$path$/${$x$Id}`);\n"
        "  const $b$ = await $a$.json();\n  return $b$.filter((it) => it.$field$ $op$ $n1$);\n};",
        "function $fn$($a$) {\n  let $b$ = $n1$;\n  for (let i = 0; i <= $a$.length; i++) {\n"
        "    $b$ += $a$[i].$field$;\n  }\n  return $b$;\n}",
        "function $cls$({ $x$ }) {\n  const [$a$, $fn$] = useState($n1$);\n"
        "  return <button onClick={() => $fn$($a$ $ar$ $n3$)}>{$x$.$field$}</button>;\n}",
        "app.get('/$path$', async (req, res) => {\n  const $a$ = await db.$x$.findMany({ where: "
        "{ $field$: req.query.$field2$ } });\n  res.json($a$.map(($b$) => $b$.$field$));\n});",
        "document.querySelector('#$x$-$field$').addEventListener('click', () => {\n"
        "  const $a$ = [...document.querySelectorAll('.$fn$')];\n  console.log($a$.length $ar$ "
        "$n3$);\n});",
    )
)

_SQL = tuple(
    _compile(s)
    for s in (
        "SELECT $field$, COUNT(*) AS $a$\nFROM $table$\nWHERE $field2$ > $n2$\n"
        "GROUP BY $field$\nORDER BY $a$ DESC\nLIMIT $n3$;",
        "SELECT t.$field$, u.$field2$\nFROM $table$ t\nLEFT JOIN $table2$ u ON u.$x$_id = t.id\n"
        "WHERE u.$field2$ IS NULL;",
        "UPDATE $table$\nSET $field$ = $field$ $ar$ $n1$\nWHERE $x$_id IN (SELECT id FROM $table2$ "
        "WHERE $field2$ $op$ $n2$);",
        "SELECT $x$_id, SUM($field$) OVER (PARTITION BY $field2$ ORDER BY created_at) AS $a$\nFROM $table$;",
    )
)

_RUST = tuple(
    _compile(s)
    for s in (
        "fn $fn$($a$: &[i64]) -> i64 {\n    let mut $b$ = $n1$;\n    for $x$ in $a$ {\n"
        "        $b$ += $x$ $ar$ $n3$;\n    }\n    $b$\n}",
        "fn main() {\n    let $a$ = vec![$n1$, $n2$, $n3$];\n    let $b$ = $a$;\n"
        '    println!("{:?} {}", $a$, $b$.len());\n}',
        "struct $cls$ {\n    $field$: u32,\n    $x$: String,\n}\n\nimpl $cls$ {\n"
        "    fn $fn$(&mut self) -> &str {\n        self.$field$ += $n3$;\n        &self.$x$\n    "
        "}\n}",
        "use std::collections::HashMap;\n\nfn $fn$($a$: &str) -> HashMap<&str, usize> {\n"
        "    let mut $b$ = HashMap::new();\n    for w in $a$.split_whitespace() {\n"
        "        *$b$.entry(w).or_insert($n1$) += 1;\n    }\n    $b$\n}",
    )
)

_CPP = tuple(
    _compile(s)
    for s in (
        "int $fn$(const std::vector<int>& $a$) {\n    int $b$ = $n1$;\n"
        "    for (size_t i = 0; i <= $a$.size(); ++i) $b$ += $a$[i] $ar$ $n3$;\n    return $b$;\n}",
        "class $cls$ {\npublic:\n    explicit $cls$(int $a$) : $a$_($a$) {}\n"
        "    int $fn$() const { return $a$_ $ar$ $n2$; }\nprivate:\n    int $a$_;\n};",
        'int main() {\n    std::map<std::string, int> $a$;\n    $a$["$x$"] = $n2$;\n'
        '    std::cout << $a$.at("$field$") << std::endl;\n    return $n3$ $ar$ 1;\n}',
        "$cls$* $fn$() {\n    $cls$ $a$($n1$);\n    return &$a$;\n}",
    )
)

_INCLUDES = ("iostream", "vector", "string", "map", "algorithm", "memory", "fstream", "cmath")

_PY_ERRORS = tuple(
    _compile(s)
    for s in (
        "KeyError: '$field$'",
        "TypeError: unsupported operand type(s) for $ar$: '$t1$' and '$t2$'",
        "AttributeError: '$t1$' object has no attribute '$fn$'",
        "IndexError: list index out of range (index $n2$, len($a$) == $n1$)",
        "ValueError: invalid literal for int() with base 10: '$x$_$n1$'",
        "ModuleNotFoundError: No module named '$x$_utils'",
        "NameError: name '$a$' is not defined",
        "ZeroDivisionError: division by zero in $fn$",
        "FileNotFoundError: [Errno 2] No such file or directory: '$file$.csv'",
        "RecursionError: maximum recursion depth exceeded in $fn$",
    )
)
_JS_ERRORS = tuple(
    _compile(s)
    for s in (
        "TypeError: Cannot read properties of undefined (reading '$field$')",
        "ReferenceError: $a$ is not defined",
        "SyntaxError: Unexpected token < in JSON at position $n2$",
        "Uncaught (in promise) Error: Request to /$path$ failed with status code $n2$",
        "TypeError: $a$.map is not a function",
    )
)
_SQL_ERRORS = tuple(
    _compile(s)
    for s in (
        'ERROR: column "$field$" does not exist',
        "Error Code: 1054. Unknown column '$a$' in 'field list'",
        'ERROR: duplicate key value violates unique constraint "$table$_pkey"',
        'ERROR: syntax error at or near "$field2$"',
    )
)
_RUST_ERRORS = tuple(
    _compile(s)
    for s in (
        "error[E0382]: borrow of moved value: `$a$`",
        "error[E0499]: cannot borrow `$a$` as mutable more than once at a time",
        "error[E0308]: mismatched types: expected `i64`, found `&$cls$`",
        "error[E0425]: cannot find value `$b$` in this scope",
        "error[E0106]: missing lifetime specifier in `$fn$`",
    )
)
_CPP_ERRORS = tuple(
    _compile(s)
    for s in (
        "Segmentation fault (core dumped) after $n2$ iterations",
        "undefined reference to `$fn$()'",
        "error: '$a$' was not declared in this scope",
        "error: no matching function for call to '$cls$::$fn$(int&)'",
        "warning: address of local variable '$a$' returned",
    )
)

LANGUAGES = ("Python", "JavaScript", "SQL", "Rust", "C++")
#: Relative weights of the programming languages in coding prompts (Python dominates).
LANGUAGE_WEIGHTS = (0.45, 0.25, 0.14, 0.08, 0.08)
_FENCE = {"Python": "python", "JavaScript": "javascript", "SQL": "sql", "Rust": "rust", "C++": "cpp"}


def snippet(rnd: random.Random, language: str) -> str:
    """A short snippet in ``language`` with fresh identifiers."""
    values: dict[str, str] = {}
    if language == "C++":
        k = 1 + int(rnd.random() * 3)
        start = int(rnd.random() * len(_INCLUDES))
        includes = "".join(f"#include <{_INCLUDES[(start + j) % 8]}>\n" for j in range(k))
        includes += f'#include "{_value(rnd, values, "fn2")}.h"\n'
        head = (
            f"// {_value(rnd, values, 'file')}.cpp\n{includes}\n"
            f"static const int kMax{_value(rnd, values, 'cls')} = {_value(rnd, values, 'n2')};\n\n"
        )
        return head + _fill(_CPP[int(rnd.random() * len(_CPP))], rnd, values)
    skeletons = _SKELETONS[language]
    return _fill(skeletons[int(rnd.random() * len(skeletons))], rnd, values, language == "JavaScript")


def fenced(rnd: random.Random, language: str) -> str:
    """A snippet in a Markdown code fence, as users paste them (sometimes without one)."""
    code = snippet(rnd, language)
    if rnd.random() < 0.25:
        return code
    return f"```{_FENCE[language] if rnd.random() < 0.7 else ''}\n{code}\n```"


def error_message(rnd: random.Random, language: str) -> str:
    """A compiler or runtime error with fresh identifiers; Python ones sometimes with a
    traceback header, Rust ones with the source location."""
    values: dict[str, str] = {}
    errors = _ERRORS[language]
    msg = _fill(errors[int(rnd.random() * len(errors))], rnd, values, language == "JavaScript")
    if language == "Python" and rnd.random() < 0.5:
        line = int(rnd.random() * 300) + 1
        file, fn2 = _value(rnd, values, "file"), _value(rnd, values, "fn2")
        out, fn, b = _value(rnd, values, "out"), _value(rnd, values, "fn"), _value(rnd, values, "b")
        return (
            f'Traceback (most recent call last):\n  File "{file}.py", line {line}, in {fn2}\n'
            f"    {out} = {fn}({b})\n{msg}"
        )
    if language == "Rust":
        line, col = int(rnd.random() * 400) + 1, int(rnd.random() * 40) + 1
        return f"{msg}\n  --> src/{_value(rnd, values, 'file')}.rs:{line}:{col}"
    return msg


_SKELETONS: dict[str, tuple] = {"Python": _PY, "JavaScript": _JS, "SQL": _SQL, "Rust": _RUST}
_ERRORS: dict[str, tuple] = {
    "Python": _PY_ERRORS,
    "JavaScript": _JS_ERRORS,
    "SQL": _SQL_ERRORS,
    "Rust": _RUST_ERRORS,
    "C++": _CPP_ERRORS,
}
