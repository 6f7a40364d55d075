"""Sends a signal to kaleido while it waits for more input from a pipe, once
it has run the first item, and prints how it ended (within a timeout: a
kaleido that waits for the end of its input fails instead of hanging).

usage: signal_while_waiting.py SIGNAL KALEIDO [ARGS...]"""
import select
import signal
import subprocess
import sys

TIMEOUT = 30

sig = getattr(signal, sys.argv[1])
proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        bufsize=0)
proc.stdin.write(b"extern printd(x);\nprintd(1);\n")
ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
if not ready:
    print("timeout: the first item did not run")
    proc.kill()
    sys.exit(1)
print("out: " + proc.stdout.readline().decode(), end="")
proc.send_signal(sig)
try:
    code = proc.wait(TIMEOUT)
except subprocess.TimeoutExpired:
    print("timeout: the signal did not end the wait")
    proc.kill()
    sys.exit(1)
print("err: %r" % proc.stderr.read().decode())
print("exit: %d" % code)
