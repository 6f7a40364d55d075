# Prints a program whose function f has a large body, then calls it:
#   sum N   a balanced sum of N terms (every 7th is x + k)
#   for N   N nested `for` loops around x
#   var N   N nested `var`s of 100 names each
import sys

kind, n = sys.argv[1], int(sys.argv[2])


def balanced(lo, hi):
    if hi - lo == 1:
        return "(x+%d)" % lo if lo % 7 == 0 else str(lo)
    mid = (lo + hi) // 2
    return "(" + balanced(lo, mid) + "+" + balanced(mid, hi) + ")"


if kind == "sum":
    body = balanced(0, n)
elif kind == "for":
    body = "x"
    for i in range(n):
        body = "for i%d = 0, i%d < 1 in %s" % (i, i, body)
else:
    body = "x"
    for i in range(n):
        body = "var %s in %s" % (
            ", ".join("v%dn%d = %d" % (i, j, j) for j in range(100)), body)
print("extern printd(x); def f(x) %s; printd(f(1));" % body)
