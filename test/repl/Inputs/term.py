#!/usr/bin/env python3
"""Drives kaleido in a real terminal (tmux) for the REPL's tests.

    term.py KALEIDO TEST-FILE [--env NAME=VALUE ...] [-- ARGS...]

Runs KALEIDO ARGS in a detached tmux pane of its own server, then follows
the directives in TEST-FILE's comment lines, in order:

    # TYPE: text      types the text (no Enter)
    # LINE: text      types the text and presses Enter
    # KEYS: C-c Up    tmux key names, one send-keys each (Tab, Up, C-c, C-d)
    # WAIT: regex     waits (up to 60 s) until regex matches in what appeared
                      after the last WAIT's match; lines have no trailing
                      blanks and ^ $ match at each line (so a fresh prompt
                      is "^kaleido>$")
    # SIGNAL: TERM    sends kaleido that signal (not through the terminal)
    # EXIT: N         waits for kaleido to end and checks its exit code

At the end it prints the whole pane (the scrollback too) on stdout, for
FileCheck. A WAIT that times out prints the pane to stderr and fails, so a
stuck REPL fails its test instead of hanging the suite.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TIMEOUT = float(os.environ.get("TERM_PY_TIMEOUT", "60"))


class Terminal:
    def __init__(self, command, env):
        self.sock = "kaleido-test-%d" % os.getpid()
        self.conf = tempfile.NamedTemporaryFile("w", suffix=".conf",
                                                delete=False)
        # The pane stays after kaleido exits, so its last words and exit
        # code can be read; a wide pane keeps lines from wrapping.
        self.conf.write("set -g remain-on-exit on\n"
                        "set -g history-limit 10000\n"
                        "set -g status off\n")
        self.conf.close()
        env_args = [a for kv in env for a in ("-e", kv)]
        # A shell runs kaleido and then says how it ended. Ctrl-C reaches
        # the shell too; its trap (a handler, which exec resets, not an
        # ignore, which kaleido would inherit) keeps it waiting.
        wrapper = ["sh", "-c", 'trap : INT; "$@"; echo "[kaleido exited $?]"',
                   "sh"]
        self.tmux("new-session", "-d", "-x", "160", "-y", "50", *env_args,
                  *wrapper, *command)
        self.seen = 0  # Characters of the pane's text already matched.

    def tmux(self, *args):
        # tmux wants to know what terminal its client is on, even detached;
        # a CI job may have no TERM at all.
        env = dict(os.environ)
        env.setdefault("TERM", "xterm")
        return subprocess.run(
            ["tmux", "-L", self.sock, "-f", self.conf.name, *args],
            check=True, capture_output=True, text=True, env=env).stdout

    def text(self):
        """The pane, scrollback included, each line without trailing
        blanks (tmux's own choice for some lines, so made the rule)."""
        raw = self.tmux("capture-pane", "-p", "-J", "-S", "-")
        return "\n".join(l.rstrip() for l in raw.split("\n")).rstrip("\n") + "\n"

    def wait(self, pattern):
        deadline = time.monotonic() + TIMEOUT
        regex = re.compile(pattern, re.MULTILINE)
        while time.monotonic() < deadline:
            text = self.text()
            m = regex.search(text, self.seen)
            if m:
                self.seen = m.end()
                return
            time.sleep(0.05)
        sys.stderr.write("term.py: no %r within %d s; the pane:\n%s\n" %
                         (pattern, TIMEOUT, self.text()))
        sys.exit(1)

    def exit_code(self):
        """Waits for the exit marker the wrapping shell prints (tmux's own
        pane_dead_status is not always filled in for a process that exits
        just after its terminal closes)."""
        self.wait(r"^\[kaleido exited (\d+)\]$")
        m = re.search(r"^\[kaleido exited (\d+)\]$", self.text(), re.MULTILINE)
        return int(m.group(1))

    def signal(self, name):
        """Sends SIGname to kaleido: the child of the pane's shell."""
        shell = self.tmux("display-message", "-p", "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True,
                                  text=True).stdout.split()
        if not children:
            sys.exit("term.py: kaleido is not running; the pane:\n" +
                     self.text())
        os.kill(int(children[0]), getattr(signal, "SIG" + name))

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                       capture_output=True)
        os.unlink(self.conf.name)


def main():
    args = sys.argv[1:]
    kaleido, test_file = args[0], args[1]
    rest = args[2:]
    env, extra = [], []
    while rest:
        a = rest.pop(0)
        if a == "--env":
            env.append(rest.pop(0))
        elif a == "--":
            extra = rest
            break
    if not shutil.which("tmux"):
        sys.exit("term.py: tmux is not installed (scripts/install-deps)")
    term = Terminal([kaleido, *extra], env)
    try:
        directive = re.compile(
            r"^#\s*(TYPE|LINE|KEYS|WAIT|SIGNAL|EXIT):\s?(.*)$")
        for line in open(test_file):
            m = directive.match(line.rstrip("\n"))
            if not m:
                continue
            kind, arg = m.groups()
            if kind in ("TYPE", "LINE"):
                # As bytes: tmux would read a trailing ';' as its own
                # command separator.
                if arg:
                    term.tmux("send-keys", "-H",
                              *("%02x" % b for b in arg.encode()))
                if kind == "LINE":
                    term.tmux("send-keys", "Enter")
            elif kind == "KEYS":
                for key in arg.split():
                    term.tmux("send-keys", key)
            elif kind == "WAIT":
                term.wait(arg)
            elif kind == "SIGNAL":
                term.signal(arg.strip())
            elif kind == "EXIT":
                code = term.exit_code()
                if code != int(arg):
                    sys.stderr.write("term.py: exit code %d, not %s\n%s\n" %
                                     (code, arg, term.text()))
                    sys.exit(1)
        text = re.sub(r"^\[kaleido exited \d+\]\n", "", term.text(),
                      flags=re.MULTILINE)
        sys.stdout.write(text)
    finally:
        term.close()


if __name__ == "__main__":
    main()
