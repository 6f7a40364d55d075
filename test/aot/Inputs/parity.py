#!/usr/bin/env python3
"""Native executables behave byte for byte as the JIT does.

For every program in examples/, bench/programs/ (and bench/programs/toy/),
and the differential runner's programs for a fixed range of seeds (run with
-p, as that runner runs them), builds an executable with `kaleido build` and
compares its standard output, standard error and exit code with `kaleido
FILE`'s. Prints one line per mismatch and a summary:

    parity: N programs, M mismatches

Usage: parity.py KALEIDO SRC_ROOT WORK_DIR [--seeds N]
"""

import argparse
import glob
import os
import subprocess
import sys


def run(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=120)
    return (r.returncode, r.stdout, r.stderr)


def programs(src, seeds):
    """(name, path or None, source or None, extra flags) of every program."""
    for pattern in ("examples/*.ks", "bench/programs/*.ks",
                    "bench/programs/toy/*.ks"):
        for path in sorted(glob.glob(os.path.join(src, pattern))):
            yield os.path.relpath(path, src), path, None, []
    sys.path.insert(0, os.path.join(src, "test", "differential"))
    import difftest
    for seed in range(1, seeds + 1):
        yield "difftest seed %d" % seed, None, difftest.generate(seed), ["-p"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kaleido")
    ap.add_argument("src")
    ap.add_argument("work")
    ap.add_argument("--seeds", type=int, default=30)
    opts = ap.parse_args()
    opts.kaleido = os.path.abspath(opts.kaleido)
    opts.work = os.path.abspath(opts.work)
    os.makedirs(opts.work, exist_ok=True)
    count = bad = 0
    for n, (name, path, source, flags) in enumerate(
            programs(opts.src, opts.seeds)):
        if path is None:
            path = os.path.join(opts.work, "prog%d.ks" % n)
            with open(path, "w") as f:
                f.write(source)
        # The same relative name for both, so that diagnostics match.
        cwd = os.path.dirname(path)
        base = os.path.basename(path)
        exe = os.path.join(opts.work, "prog%d" % n)
        b = run([opts.kaleido, "build"] + flags + [base, "-o", exe], cwd)
        count += 1
        if b[0] != 0:
            bad += 1
            print("parity: %s: build failed (%d): %s" %
                  (name, b[0], b[2].decode(errors="replace")))
            continue
        native = run([exe], cwd)
        jit = run([opts.kaleido] + flags + [base], cwd)
        for what, i in (("exit code", 0), ("stdout", 1), ("stderr", 2)):
            if native[i] != jit[i]:
                bad += 1
                print("parity: %s: %s differs: native %r, JIT %r" %
                      (name, what, native[i][:200], jit[i][:200]))
                break
    print("parity: %d programs, %d mismatches" % (count, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
