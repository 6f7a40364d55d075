#!/usr/bin/env python3
"""Differential testing of kaleido: random programs, every execution mode.

Generates random, well-formed, terminating Kaleidoscope programs (user-defined
binary and unary operators, `var`, nested `for`, assignment, bounded
recursion, `extern` math, redefinitions of functions already called) and
runs each one through every mode:

    --jit=interp   (the reference)
    --jit=lazy -O2, --jit=eager -O2, --jit=lazy -O0, --jit=lazy -O3,
    --jit=lazy -O2 --tier-up=1 (every function without loops runs one call
    as baseline code, then tiers up on a compile thread while the program
    goes on), the same with --compile-threads=0 (the tier-up compiles in the
    call that made the function hot), --jit=lazy -O2 --tier-up=0 (no
    baseline tier), and --baseline=llvm alone and with --tier-up=1 (the
    baseline code made by LLVM at -O0; the default on x86-64 is kaleido's
    own native generator, which the other lazy modes use)

comparing stdout (every printed value, bit for bit as `%f` text of the
double... and, with -p, the shortest round-trip text) and the exit code. A
mismatch is reduced, item by item, to a small program that still mismatches
and written to the regression folder.

With --dialect=formula the programs are in the formula dialect and every
mode runs them so: they also divide with the built-in '/' (by zero too) and
write number literals with exponents (1e-3, 2.5E+10, 4e-320).

Usage:
    difftest.py --kaleido build/bin/kaleido --count 300 --seed 1
    difftest.py --kaleido build/bin/kaleido --count 10000 --seed 7 --jobs 2
    difftest.py --kaleido build/bin/kaleido --count 300 --dialect=formula

Termination is by construction: functions call only functions defined before
them, except designated recursive ones whose first parameter is a counter that
decreases to 0 (started at most at 12); loops have constant bounds; and the
generator estimates each program's work and retries if it is too large.
"""

import argparse
import concurrent.futures
import os
import random
import subprocess
import sys
import tempfile

MODES = [
    ("interp", ["--jit=interp"]),
    ("lazy-O2", ["--jit=lazy", "-O2"]),
    ("eager-O2", ["--jit=eager", "-O2"]),
    ("lazy-O0", ["--jit=lazy", "-O0"]),
    ("lazy-O3", ["--jit=lazy", "-O3"]),
    ("lazy-O2-tier1", ["--jit=lazy", "-O2", "--tier-up=1"]),
    ("lazy-O2-tier1-inline",
     ["--jit=lazy", "-O2", "--tier-up=1", "--compile-threads=0"]),
    ("lazy-O2-notier", ["--jit=lazy", "-O2", "--tier-up=0"]),
    ("llvm-baseline", ["--jit=lazy", "-O2", "--baseline=llvm"]),
    ("llvm-baseline-tier1",
     ["--jit=lazy", "-O2", "--baseline=llvm", "--tier-up=1"]),
]

BINARY_OPS = list("|&^%$@!~?>")
UNARY_OPS = list("!~-^?$")
MATH1 = ["sin", "cos", "sqrt", "fabs", "floor", "exp", "atan"]
MATH2 = ["fmod", "pow", "atan2", "fmin", "fmax", "hypot"]
MAX_WORK = 20000


def lit(x):
    """A literal for x: Kaleidoscope has no negative literals."""
    return "(0 - %s)" % (-x) if x < 0 else str(x)


class Gen:
    """Builds one program. Each expression generator returns (text, work)."""

    def __init__(self, rng, formula=False):
        self.rng = rng
        # The formula dialect: '/' and exponent literals. (The tutorial's
        # programs draw the same random numbers as before it existed, so a
        # seed names the same program.)
        self.formula = formula
        self.builtins = ["+", "-", "*", "<"] + (["/"] if formula else [])
        self.funcs = []  # (name, arity, work_per_call)
        self.binops = []  # (char, work)
        self.unops = []  # (char, work)
        self.items = []
        self.recursion_used = False
        # name -> (functions, binary operators, unary operators) defined
        # before it: a redefinition may use only those, so it cannot recurse.
        self.visible = {}

    def exponent_literal(self):
        """A literal with an exponent: mostly near 1, sometimes near the ends
        of the double range (subnormals included), never past the largest."""
        rng = self.rng
        mantissa = rng.choice(["%d" % rng.randint(0, 99),
                               "%d.%d" % (rng.randint(0, 9), rng.randint(0, 999)),
                               ".%d" % rng.randint(1, 99)])
        if rng.random() < 0.1:
            exp = rng.choice([rng.randint(-322, -300), rng.randint(290, 306)])
        else:
            exp = rng.randint(-12, 12)
        sign = "-" if exp < 0 else rng.choice(["", "+"])
        return "%s%s%s%d" % (mantissa, rng.choice("eE"), sign, abs(exp))

    def number(self):
        if self.formula and self.rng.random() < 0.2:
            return self.exponent_literal()
        r = self.rng.random()
        if r < 0.3:
            return str(self.rng.randint(0, 9))
        if r < 0.6:
            return "%d.%d" % (self.rng.randint(0, 99), self.rng.randint(0, 999))
        return "0.%03d" % self.rng.randint(0, 999)

    def expr(self, scope, depth, recursive=None):
        """recursive: (name, arity) of the function being defined, if it may
        call itself (its first parameter is the counter)."""
        rng = self.rng
        if depth <= 0 or rng.random() < 0.25:
            if scope and rng.random() < 0.7:
                return rng.choice(scope), 1
            return self.number(), 1
        choice = rng.random()
        if choice < 0.30:
            op = rng.choice(self.builtins)
            a, wa = self.expr(scope, depth - 1, recursive)
            b, wb = self.expr(scope, depth - 1, recursive)
            return "(%s %s %s)" % (a, op, b), wa + wb + 1
        if choice < 0.38 and self.binops:
            op, w = rng.choice(self.binops)
            a, wa = self.expr(scope, depth - 1, recursive)
            b, wb = self.expr(scope, depth - 1, recursive)
            return "(%s %s %s)" % (a, op, b), wa + wb + w
        if choice < 0.44 and self.unops:
            op, w = rng.choice(self.unops)
            a, wa = self.expr(scope, depth - 1, recursive)
            return "(%s%s)" % (op, a), wa + w
        if choice < 0.56 and self.funcs:
            name, arity, w = rng.choice(self.funcs)
            args = [self.expr(scope, depth - 1, recursive) for _ in range(arity)]
            texts = [a for a, _ in args]
            if name.startswith("r"):
                # A recursive function's counter must stay below 13 (its work
                # estimate assumes it): fold an arbitrary value into [0, 13).
                # NaN and infinities become NaN, which stops the recursion.
                texts[0] = "fmod(fabs(%s), 13)" % texts[0]
            return "%s(%s)" % (name, ", ".join(texts)), w + 2 + sum(
                x for _, x in args)
        if choice < 0.62:
            fn = rng.choice(MATH1 + MATH2)
            n = 1 if fn in MATH1 else 2
            args = [self.expr(scope, depth - 1, recursive) for _ in range(n)]
            return "%s(%s)" % (fn, ", ".join(a for a, _ in args)), 2 + sum(
                x for _, x in args)
        if choice < 0.72:
            c, wc = self.expr(scope, depth - 1, recursive)
            t, wt = self.expr(scope, depth - 1, recursive)
            e, we = self.expr(scope, depth - 1, recursive)
            return "(if %s then %s else %s)" % (c, t, e), wc + max(wt, we)
        if choice < 0.80:
            names = ["v%d" % rng.randint(0, 99) for _ in range(rng.randint(1, 3))]
            parts, work, inner = [], 0, list(scope)
            for n in names:
                if rng.random() < 0.8:
                    init, wi = self.expr(inner, depth - 1, recursive)
                    parts.append("%s = %s" % (n, init))
                    work += wi
                else:
                    parts.append(n)
                inner.append(n)
            body, wb = self.body_with_assignments(inner, depth - 1, recursive)
            return "(var %s in %s)" % (", ".join(parts), body), work + wb
        # Never assign to a loop variable (i0..i9) or a recursion counter (n):
        # either could stop the program from terminating.
        targets = [v for v in scope if v[0] not in "in"]
        if choice < 0.88 and targets:
            target = rng.choice(targets)
            v, wv = self.expr(scope, depth - 1, recursive)
            return "(%s = %s)" % (target, v), wv + 1
        if choice < 0.95:
            var = "i%d" % rng.randint(0, 9)
            start = rng.randint(-2, 2)
            count = rng.randint(0, 5)
            step = rng.choice([1, 1, 2, 0.5])
            end = start + count * step
            # No recursive call inside a loop: it would multiply the work.
            body, wb = self.body_with_assignments(scope + [var], depth - 1,
                                                  None)
            return ("(for %s = %s, %s < %s, %s in %s)" %
                    (var, lit(start), var, lit(end), lit(step), body),
                    (count + 1) * (wb + 2))
        if recursive and not self.recursion_used:
            # At most one recursive call per body, so recursion stays linear.
            self.recursion_used = True
            name, arity = recursive
            counter = scope[0]
            args = ["%s - 1" % counter] + [
                self.expr(scope, depth - 2, None)[0] for _ in range(arity - 1)]
            # Work is accounted for by the caller of the recursive function.
            return ("(if %s < 1 then %s else %s(%s))" %
                    (counter, self.number(), name, ", ".join(args)), 3)
        return self.number(), 1

    def body_with_assignments(self, scope, depth, recursive):
        """A sequence `a : b : c` (':' is defined by every program)."""
        parts, work = [], 0
        for _ in range(self.rng.randint(1, 3)):
            e, w = self.expr(scope, depth, recursive)
            parts.append(e)
            work += w
        return "(" + " : ".join(parts) + ")", work

    def program(self):
        rng = self.rng
        out = ["# generated by difftest.py",
               "extern printd(x);",
               "def binary : 1 (x y) y;"]
        out += ["extern %s(x);" % f for f in MATH1]
        out += ["extern %s(x y);" % f for f in MATH2]
        for _ in range(rng.randint(4, 9)):
            kind = rng.random()
            if kind < 0.15 and len(self.binops) < 4:
                op = rng.choice([c for c in BINARY_OPS
                                 if c not in [b for b, _ in self.binops]] or ["|"])
                if op in [b for b, _ in self.binops]:
                    continue
                body, w = self.expr(["a", "b"], 3)
                prec = rng.randint(1, 60)
                out.append("def binary%s %d (a b) %s;" % (op, prec, body))
                self.binops.append((op, w + 1))
            elif kind < 0.25 and len(self.unops) < 3:
                op = rng.choice(UNARY_OPS)
                if op in [u for u, _ in self.unops] or op in [
                        b for b, _ in self.binops]:
                    continue
                body, w = self.expr(["a"], 3)
                out.append("def unary%s(a) %s;" % (op, body))
                self.unops.append((op, w + 1))
            elif kind < 0.4:
                # A bounded recursive function: the first parameter counts down.
                name = "r%d" % len(self.funcs)
                arity = rng.randint(1, 3)
                params = ["n"] + ["p%d" % i for i in range(arity - 1)]
                self.recursion_used = False
                body, w = self.expr(params, 4, recursive=(name, arity))
                out.append("def %s(%s) %s;" % (name, " ".join(params), body))
                # Callers start the counter at most at 12: bound the work.
                self.funcs.append((name, arity, 13 * (w + 1) * 2))
            else:
                name = "f%d" % len(self.funcs)
                arity = rng.randint(0, 3)
                params = ["p%d" % i for i in range(arity)]
                body, w = self.expr(params, 4)
                out.append("def %s(%s) %s;" % (name, " ".join(params), body))
                self.funcs.append((name, arity, w + 1))
                # What the body could use, for redefinitions (see below).
                self.visible[name] = (len(self.funcs) - 1, len(self.binops),
                                      len(self.unops))
            if self.funcs and self.funcs[-1][2] > MAX_WORK:
                return None
        total = self.prints(out)
        # Redefine a function or two and run again: callers compiled (or
        # inlined into) earlier must reach the new bodies.
        if self.visible and rng.random() < 0.5:
            for _ in range(rng.randint(1, 2)):
                self.redefine(out)
            total += self.prints(out)
        if total > MAX_WORK * 4:
            return None
        return "\n".join(out) + "\n"

    def prints(self, out):
        """Top-level prints of random expressions and of calls; their work."""
        rng, total = self.rng, 0
        for _ in range(rng.randint(2, 5)):
            e, w = self.expr([], 4)
            total += w
            out.append("printd(%s);" % e)
        for name, arity, w in self.funcs:
            if rng.random() < 0.5:
                args = [str(rng.randint(0, 12)) if name.startswith("r") and i == 0
                        else self.number() for i in range(arity)]
                out.append("printd(%s(%s));" % (name, ", ".join(args)))
                total += w
        return total

    def redefine(self, out):
        """A new body for a non-recursive function, using only what was
        defined before the function, and no more work per call than the old
        body (callers' work estimates stay valid)."""
        name = self.rng.choice(sorted(self.visible))
        index, nbin, nun = self.visible[name]
        _, arity, old_w = self.funcs[index]
        saved = (self.funcs, self.binops, self.unops)
        self.funcs, self.binops, self.unops = (
            self.funcs[:index], self.binops[:nbin], self.unops[:nun])
        params = ["p%d" % i for i in range(arity)]
        body, w = self.expr(params, 4)
        self.funcs, self.binops, self.unops = saved
        if w + 1 <= old_w:
            out.append("# redefines %s" % name)
            out.append("def %s(%s) %s;" % (name, " ".join(params), body))


REGRESSION_HEADER = """\
# A differential-testing mismatch (difftest.py seed %d), reduced. Every mode
# must print what the interpreter prints.
# RUN: %%kaleido -p --jit=interp %%s > %%t.interp
# RUN: %%kaleido -p -O0 %%s > %%t.O0
# RUN: %%kaleido -p -O2 %%s > %%t.O2
# RUN: %%kaleido -p -O3 %%s > %%t.O3
# RUN: %%kaleido -p --jit=eager %%s > %%t.eager
# RUN: %%kaleido -p --tier-up=1 %%s > %%t.tier1
# RUN: %%kaleido -p --tier-up=1 --compile-threads=0 %%s > %%t.tier1i
# RUN: %%kaleido -p --tier-up=0 %%s > %%t.tier0
# RUN: %%kaleido -p --baseline=llvm %%s > %%t.llvm
# RUN: %%kaleido -p --baseline=llvm --tier-up=1 %%s > %%t.llvm1
# RUN: cmp %%t.interp %%t.O0
# RUN: cmp %%t.interp %%t.O2
# RUN: cmp %%t.interp %%t.O3
# RUN: cmp %%t.interp %%t.eager
# RUN: cmp %%t.interp %%t.tier1
# RUN: cmp %%t.interp %%t.tier1i
# RUN: cmp %%t.interp %%t.tier0
# RUN: cmp %%t.interp %%t.llvm
# RUN: cmp %%t.interp %%t.llvm1
"""


def generate(seed, dialect="tutorial"):
    rng = random.Random(seed)
    while True:
        p = Gen(rng, formula=dialect == "formula").program()
        if p is not None:
            return p


def dialect_flags(dialect):
    """What every mode is run with: the tutorial dialect is the default."""
    return [] if dialect == "tutorial" else ["--dialect=" + dialect]


def run_mode(kaleido, args, source):
    with tempfile.NamedTemporaryFile("w", suffix=".ks", delete=False) as f:
        f.write(source)
        path = f.name
    try:
        r = subprocess.run([kaleido, "-p", "--timeout=10"] + args + [path],
                           capture_output=True, timeout=60)
        return (r.returncode, r.stdout)
    except subprocess.TimeoutExpired:
        return ("timeout", b"")
    finally:
        os.unlink(path)


def outcomes(kaleido, source, flags=()):
    return {name: run_mode(kaleido, list(flags) + args, source)
            for name, args in MODES}


def mismatch(results):
    ref = results["interp"]
    return [name for name, r in results.items() if r != ref]


def reduce(kaleido, source, flags=()):
    """Drops items (lines after the prelude) while the mismatch remains."""
    lines = source.splitlines()
    keep = 3 + len(MATH1) + len(MATH2)
    i = keep
    while i < len(lines):
        trial = lines[:i] + lines[i + 1:]
        if mismatch(outcomes(kaleido, "\n".join(trial) + "\n", flags)):
            lines = trial
        else:
            i += 1
    return "\n".join(lines) + "\n"


def check(kaleido, seed, dialect="tutorial"):
    source = generate(seed, dialect)
    results = outcomes(kaleido, source, dialect_flags(dialect))
    bad = mismatch(results)
    if not bad and results["interp"][0] != 0:
        bad = ["interp exit %s" % results["interp"][0]]
    return seed, source, results, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--kaleido", required=True)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--regressions",
                    default=os.path.join(os.path.dirname(__file__), "regressions"))
    ap.add_argument("--show", type=int, help="print the program for SEED and exit")
    ap.add_argument("--dialect", choices=["tutorial", "formula"],
                    default="tutorial",
                    help="the dialect the programs are written in and every "
                         "mode runs (default tutorial)")
    ap.add_argument("--progress", type=int, default=100, metavar="N",
                    help="report progress on stderr every N programs "
                         "(0: never; default 100)")
    opts = ap.parse_args()
    if opts.show is not None:
        sys.stdout.write(generate(opts.show, opts.dialect))
        return 0

    failures = 0
    done = 0
    seeds = range(opts.seed, opts.seed + opts.count)
    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        for seed, source, results, bad in pool.map(
                lambda s: check(opts.kaleido, s, opts.dialect), seeds):
            done += 1
            if opts.progress and done % opts.progress == 0:
                print("difftest: %d/%d programs, %d mismatches" %
                      (done, opts.count, failures), file=sys.stderr, flush=True)
            if not bad:
                continue
            failures += 1
            flags = dialect_flags(opts.dialect)
            small = reduce(opts.kaleido, source, flags)
            os.makedirs(opts.regressions, exist_ok=True)
            path = os.path.join(opts.regressions, "seed-%d.ks" % seed)
            with open(path, "w") as f:
                header = REGRESSION_HEADER % seed
                if flags:
                    header = header.replace("%kaleido -p",
                                            "%kaleido -p " + " ".join(flags))
                f.write(header)
                f.write(small)
            print("MISMATCH seed %d (%s); reduced repro: %s" %
                  (seed, ", ".join(bad), path))
            for name, (code, out) in outcomes(opts.kaleido, small,
                                              flags).items():
                print("  %-9s exit %s: %r" % (name, code, out[:200]))
    print("difftest: %d programs, %d modes each, %d mismatches" %
          (opts.count, len(MODES), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
