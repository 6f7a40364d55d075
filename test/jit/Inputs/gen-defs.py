"""Writes a program of N definitions that calls only the one numbered CALL.

Usage: gen-defs.py N CALL
"""
import sys

n, call = int(sys.argv[1]), int(sys.argv[2])
print("extern printd(x);")
for i in range(n):
    print(f"def f{i}(x) x * {i} + 1;")
print(f"printd(f{call}(1));")
