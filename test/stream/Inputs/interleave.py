"""Proves that kaleido runs items as they arrive from a pipe: writes one item,
waits until kaleido has printed its output, only then writes the next. A
kaleido that read to the end first would never print, and the wait fails
after a generous timeout instead of hanging.

usage: interleave.py KALEIDO [ARGS...]"""
import select
import subprocess
import sys
import time

TIMEOUT = 30

proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, bufsize=0)


def read_line():
    """One line of kaleido's output, or exit 1 after TIMEOUT seconds."""
    line = b""
    deadline = time.monotonic() + TIMEOUT
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([proc.stdout], [], [], max(left, 0))
        if not ready:
            print("timeout: no output for item; got %r" % line)
            proc.kill()
            sys.exit(1)
        byte = proc.stdout.read(1)
        if not byte:
            print("kaleido ended early; got %r" % line)
            sys.exit(1)
        line += byte
    return line.decode()


proc.stdin.write(b"extern printd(x);\nprintd(1);\n")
print("first: " + read_line(), end="")
proc.stdin.write(b"def twice(x) 2 * x;\nprintd(twice(21));\n")
print("second: " + read_line(), end="")
proc.stdin.close()
rest = proc.stdout.read().decode()
print("rest: %r" % rest)
print("exit: %d" % proc.wait())
