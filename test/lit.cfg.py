# lit configuration for kaleido's golden tests. Each .ks file holds its own
# RUN and CHECK lines in comments ('#' starts a Kaleidoscope comment).
import os

import lit.formats

config.name = "kaleido"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".ks", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kaleido_obj_root, "test")

bin_dir = os.path.join(config.kaleido_obj_root, "bin")
scripts = os.path.join(config.kaleido_src_root, "scripts")
config.substitutions.append(("%kaleido", os.path.join(bin_dir, "kaleido")))
# The runtime archive native executables link (kaleido build, lli's
# --extra-archive for --emit=llvm).
config.substitutions.append(
    ("%runtime-archive", os.path.join(config.kaleido_obj_root, "lib", "kaleido",
                                 "libkaleido-rt.a")))
# The formula engine example (examples/embed/formula), built in the tree.
config.substitutions.append(("%formula", os.path.join(bin_dir, "kaleido-formula")))
config.substitutions.append(("%expect-exit", os.path.join(scripts, "expect-exit")))
# The REPL's terminal tests: kaleido in a tmux pane (test/repl/Inputs).
config.substitutions.append(
    ("%term", "python3 " + os.path.join(config.kaleido_src_root, "test", "repl",
                                        "Inputs", "term.py") +
     " " + os.path.join(bin_dir, "kaleido") + " %s"))
config.substitutions.append(("%examples", os.path.join(config.kaleido_src_root, "examples")))
# The install tests (test/install) install this build and build hosts
# against it.
config.substitutions.append(("%objroot", config.kaleido_obj_root))
config.substitutions.append(("%srcroot", config.kaleido_src_root))
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", "/usr/bin:/bin")])

# Sanitizer builds (make test SANITIZE=address,undefined): a leak fails the
# test, the first UBSan report ends the program with a stack trace, and leaks
# inside libedit (the REPL's line editor) are not ours. Options already in the
# environment come last, so they win. Harmless for an ordinary build.
def add_sanitizer_options(var, defaults):
    given = os.environ.get(var, "")
    config.environment[var] = ":".join(o for o in (defaults, given) if o)

# use_sigaltstack=0: LLVM's RemoveFileOnSignal (a ToolOutputFile, -o)
# gives the thread that calls it a signal stack of its own, malloc'ed, in
# place of the one ASan mapped, and ASan then fails to unmap it when the
# thread ends. kaleido catches no signal on an alternate stack.
add_sanitizer_options("ASAN_OPTIONS", "detect_leaks=1:use_sigaltstack=0")
add_sanitizer_options(
    "LSAN_OPTIONS",
    "suppressions=" + os.path.join(config.kaleido_src_root, "test",
                                   "lsan.supp"))
add_sanitizer_options("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
# make test SANITIZE=thread: a race report fails the test (TSan's exit code
# 66), with the suppressions test/tsan.supp explains.
add_sanitizer_options(
    "TSAN_OPTIONS",
    "halt_on_error=1:suppressions=" +
    os.path.join(config.kaleido_src_root, "test", "tsan.supp"))
if "thread" in config.kaleido_sanitizers.split(","):
    config.available_features.add("tsan")
# ASan reserves terabytes of shadow memory: no address-space limit for it.
if "address" in config.kaleido_sanitizers.split(","):
    config.available_features.add("asan")

# How many random programs the differential tests run (test/differential):
# all of them in a plain build, where they look for results that differ; a
# part under the sanitizers, where they look for memory errors and races
# in every mode, and each run costs 5-20 times as much (TSan ran the 300
# for over half an hour on the two-CPU CI machine).
_difftest_share = {"": 1, "thread": 8}.get(config.kaleido_sanitizers, 3)
config.substitutions.append(("%difftest_count_300", str(300 // _difftest_share)))
config.substitutions.append(("%difftest_count_100", str(100 // _difftest_share)))

# The native baseline generator (the default baseline there) needs an x86-64
# System V host.
import platform
if platform.machine() in ("x86_64", "amd64") and os.name == "posix":
    config.available_features.add("x86_64")

# Linux perf, where the kernel lets this user record (test/profile's end-to-
# end test): a quick `perf record` of `true` must succeed. Containers and
# perf_event_paranoid often forbid it; the test is then UNSUPPORTED.
import shutil
import subprocess
import tempfile
if shutil.which("perf"):
    with tempfile.TemporaryDirectory() as perf_tmp:
        try:
            perf_ok = subprocess.run(
                ["perf", "record", "-q", "-k", "1", "-o",
                 os.path.join(perf_tmp, "perf.data"), "true"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            perf_ok = False
    if perf_ok:
        config.available_features.add("perf")

# gdb, where it can run a program here (test/debug): `gdb -batch` must take
# `true` to its exit. A container without ptrace (no CAP_SYS_PTRACE, Yama's
# ptrace_scope 3) or without gdb makes the debugger tests UNSUPPORTED.
if shutil.which("gdb"):
    try:
        gdb_run = subprocess.run(
            ["gdb", "-nx", "-batch", "-ex", "set disable-randomization off",
             "-ex", "run", "--args", "true"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            timeout=60)
        gdb_ok = "exited normally" in gdb_run.stdout
    except (OSError, subprocess.TimeoutExpired):
        gdb_ok = False
    if gdb_ok:
        config.available_features.add("gdb")
