# Prints a program of N functions with loops (each compiled optimised, and
# cached, at its first call), called in order: f0 first, fN-1 last.
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"def f{i}(n) var s = {i} in (for j = 0, j < n in s = s + j) + s;")
for i in range(n):
    print(f"f{i}(3);")
