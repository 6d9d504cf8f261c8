#!/usr/bin/python3
"""Random Jinja2 templates and what Python's Jinja2 makes of them: the oracle
of generative_test.cc.

Prints one JSON object per line: {"template": T, "output": O} when Jinja2
renders T with VARS (below; trim_blocks on and undefined variables an error,
as Ansible's template module has them), or {"template": T, "error": E} when
it raises. The templates use only what both Jinja2 and hostprep have: the
statements, the expression grammar, and Jinja2's own filters, tests and
methods. Seeded: the same --seed gives the same templates.

Usage: jinja_oracle.py --seed N --count M
"""
import argparse
import json
import random
import sys

import jinja2

VARS = {
    "n": 7,
    "m": -3,
    "z": 0,
    "f": 2.5,
    "s": "Hello World",
    "e": "",
    "w": "a,b,,c",
    "l": [3, 1, 2],
    "ls": ["x", "y", "z"],
    "ll": [[1, 2], [3], []],
    "d": {"a": 1, "b": "two", "c": [1, 2]},
    "users": [{"name": "ann", "age": 31, "admin": True},
              {"name": "bob", "age": 25, "admin": False},
              {"name": "cy", "age": 31, "admin": False}],
    "t": True,
    "no": False,
    "nil": None,
}

INT_LIT = ["0", "1", "2", "3", "10", "-1", "42"]
STR_LIT = ["'a'", "'b c'", "''", "'x,y'", "'Hi'", "'  pad  '", "'%s-%d'"]


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.loop_vars = []

    def pick(self, xs):
        return self.r.choice(xs)

    # Expressions, by the type they are meant to have (not always: the oracle
    # decides what they do).
    def num(self, depth=0):
        r = self.r.random()
        if depth > 2 or r < 0.35:
            return self.pick(INT_LIT + ["n", "m", "z", "f", "l[0]", "d.a", "d['a']",
                                         "users[1].age"] + self.loop_vars)
        if r < 0.6:
            op = self.pick(["+", "-", "*", "//", "%", "/", "**"])
            if op == "**":
                return "(%s ** %s)" % (self.num(depth + 1), self.pick(["0", "1", "2", "3"]))
            return "(%s %s %s)" % (self.num(depth + 1), op, self.num(depth + 1))
        if r < 0.75:
            return "(%s | %s)" % (self.seq(depth + 1),
                                  self.pick(["length", "count", "sum", "min", "max", "first",
                                             "last"]))
        if r < 0.85:
            return "(%s | %s)" % (self.num(depth + 1), self.pick(["abs", "int", "float",
                                                                  "round", "round(1)",
                                                                  "round(0, 'floor')"]))
        if r < 0.92:
            return "(%s if %s else %s)" % (self.num(depth + 1), self.cond(depth + 1),
                                           self.num(depth + 1))
        return "(%s | length)" % self.text(depth + 1)

    def text(self, depth=0):
        r = self.r.random()
        if depth > 2 or r < 0.3:
            return self.pick(STR_LIT + ["s", "e", "w", "d.b", "ls[1]", "users[0].name"])
        if r < 0.5:
            return "(%s ~ %s)" % (self.any(depth + 1), self.any(depth + 1))
        if r < 0.7:
            return "(%s | %s)" % (self.text(depth + 1), self.pick([
                "upper", "lower", "title", "capitalize", "trim", "string", "reverse",
                "replace('l', 'L')", "center(9)", "truncate(5, true, '')", "wordcount",
                "default('dflt')", "default('dflt', true)", "indent(2)", "first",
                "join('-')", "list | join"]))
        if r < 0.8:
            return "(%s.%s)" % (self.text(depth + 1), self.pick([
                "upper()", "lower()", "strip()", "split(',') | join('+')", "startswith('H')",
                "endswith('d')", "replace('o', '0')", "title()", "count('l')", "find('o')",
                "split() | length", "lstrip('H')", "zfill(5)", "isdigit()"]))
        if r < 0.88:
            return "(%s | join(%s))" % (self.seq(depth + 1), self.pick(["','", "' '", "''"]))
        if r < 0.94:
            return "(%s[%s:%s])" % (self.text(depth + 1), self.pick(["", "1", "-2"]),
                                     self.pick(["", "3", "-1"]))
        return "(%s %% %s)" % (self.pick(["'%s'", "'[%s]'", "'%d items'"]), self.num(depth + 1))

    def seq(self, depth=0):
        r = self.r.random()
        if depth > 2 or r < 0.35:
            return self.pick(["l", "ls", "ll", "users", "[1, 2, 3]", "[]", "['b', 'a']",
                              "range(4) | list", "range(1, 7, 2) | list", "d.c",
                              "w.split(',')"])
        if r < 0.55:
            return "(%s | %s)" % (self.seq(depth + 1), self.pick([
                "sort", "sort(reverse=true)", "reverse | list", "unique | list", "list",
                "batch(2) | list", "slice(2) | list", "map('string') | list",
                "select | list", "reject | list", "select('odd') | list",
                "reject('even') | list", "map('abs') | list"]))
        if r < 0.7:
            return "(users | %s)" % self.pick([
                "map(attribute='name') | list", "selectattr('admin') | list",
                "rejectattr('admin') | map(attribute='age') | list",
                "sort(attribute='age') | map(attribute='name') | list",
                "sum(attribute='age')",
                "map(attribute='age') | unique | list",
                "selectattr('age', 'equalto', 31) | map(attribute='name') | list"])
        if r < 0.8:
            return "(%s + %s)" % (self.seq(depth + 1), self.seq(depth + 1))
        if r < 0.88:
            return "(d | %s)" % self.pick(["list", "length", "dictsort | map('first')"
                                                              " | list"])
        if r < 0.94:
            return "(d.%s() | list)" % self.pick(["keys", "values"])
        return "[%s, %s]" % (self.any(depth + 1), self.any(depth + 1))

    def cond(self, depth=0):
        r = self.r.random()
        if depth > 2 or r < 0.25:
            return self.pick(["t", "no", "nil", "n", "z", "e", "s", "l", "[]", "true", "false",
                              "none"])
        if r < 0.5:
            op = self.pick(["==", "!=", "<", "<=", ">", ">="])
            return "(%s %s %s)" % (self.num(depth + 1), op, self.num(depth + 1))
        if r < 0.6:
            return "(%s %s %s)" % (self.any(depth + 1), self.pick(["in", "not in"]),
                                   self.seq(depth + 1))
        if r < 0.75:
            return "(%s %s %s)" % (self.cond(depth + 1), self.pick(["and", "or"]),
                                   self.cond(depth + 1))
        if r < 0.8:
            return "(not %s)" % self.cond(depth + 1)
        return "(%s is %s)" % (self.any(depth + 1), self.pick([
            "defined", "undefined", "none", "number", "string", "sequence", "mapping",
            "iterable", "odd", "even", "divisibleby(3)", "lower", "upper", "sameas true",
            "not none", "eq 3", "gt 2", "in [1, 2, 3]", "boolean", "integer", "float"]))

    def any(self, depth=0):
        return self.pick([self.num, self.text, self.seq, self.cond])(depth + 1)

    # Statements.
    def ws(self, open_):
        return open_ + self.pick(["", "", "", "-"])

    def stmt(self, body, tag):
        return "%s %s %s%s" % (self.ws("{%"), body, self.pick(["", "", "-"]), "%}")

    def block(self, depth):
        parts = []
        for _ in range(self.r.randint(1, 3)):
            parts.append(self.item(depth + 1))
        return "".join(parts)

    def item(self, depth=0):
        r = self.r.random()
        if depth > 2 or r < 0.35:
            return self.pick(["x", " ", "\n", "a b\n", "  ", "\t-\n", ":"])
        if r < 0.6:
            return "%s %s %s}}" % (self.ws("{{"), self.any(), self.pick(["", "-"]))
        if r < 0.75:
            out = self.stmt("if " + self.cond(), "if") + self.block(depth)
            if self.r.random() < 0.4:
                out += self.stmt("elif " + self.cond(), "elif") + self.block(depth)
            if self.r.random() < 0.5:
                out += self.stmt("else", "else") + self.block(depth)
            return out + self.stmt("endif", "endif")
        if r < 0.88:
            var = self.pick(["i", "j", "k"])
            self.loop_vars.append(var)
            body = self.block(depth)
            extra = self.pick(["", "", "{{ loop.index }}", "{{ loop.first }}",
                               "{{ loop.revindex0 }}", "{{ loop.length }}",
                               "{% if not loop.last %},{% endif %}"])
            self.loop_vars.pop()
            cond = " if %s" % self.cond() if self.r.random() < 0.2 else ""
            src = self.pick(["l", "range(3)", "ls", "[]", "l | sort", "[n, m, z]"])
            out = self.stmt("for %s in %s%s" % (var, src, cond), "for") + body + extra
            if self.r.random() < 0.25:
                out += self.stmt("else", "else") + self.block(depth)
            return out + self.stmt("endfor", "endfor")
        if r < 0.95:
            var = self.pick(["v1", "v2"])
            return self.stmt("set %s = %s" % (var, self.any()), "set") + "{{ %s }}" % var
        return "{# a comment #}" + self.block(depth)

    def template(self):
        out = "".join(self.item() for _ in range(self.r.randint(1, 4)))
        return out.rstrip("\n") or "x"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    a = p.parse_args()
    # Ansible's environment: None prints as nothing (its finalize).
    env = jinja2.Environment(trim_blocks=True, undefined=jinja2.StrictUndefined,
                             autoescape=False, keep_trailing_newline=True,
                             finalize=lambda v: "" if v is None else v)
    gen = Gen(random.Random(a.seed))
    for _ in range(a.count):
        text = gen.template()
        case = {"template": text}
        try:
            case["output"] = env.from_string(text).render(VARS)
        except Exception as e:  # noqa: BLE001 - any failure is the oracle's answer
            case["error"] = "%s: %s" % (type(e).__name__, e)
        sys.stdout.write(json.dumps(case) + "\n")
    sys.stdout.write(json.dumps({"vars": VARS}) + "\n")


if __name__ == "__main__":
    main()
