#!/usr/bin/env python3
"""Checks kaleido's profiles against its --trace-compile output.

  check-profile.py perf-map MAP TRACE
  check-profile.py time-trace JSON TRACE

TRACE is kaleido's stderr with --trace-compile: one "compile: NAME (-OL...)"
line per compile. Both commands fail (exit 1, message on stderr) unless the
profile names exactly the compiles TRACE names, each with its tier
("-O0 baseline native" is [native], "-O0 baseline" is [baseline], any other
"-OL" is [OL]); a profile name's "#VERSION" is not in TRACE, so it is
compared without it.

perf-map also checks every line is "START SIZE NAME [TIER]" with START and
SIZE non-zero hex, and prints "map: N bodies, M stubs" (stubs, "NAME
[stub]", are not compiles: --trace-compile does not name them).

time-trace checks the JSON is Chrome trace events, then prints, in time
order, each "compile" span with the phase spans nested in it on its thread
("compile fib [O2]: IR generation, optimisation, code generation, linking")
and each "expression" span, and for each background compile in TRACE
checks that its span is on another thread than the expressions' and prints
"background NAME [TIER] on its own thread".
"""
import collections
import json
import re
import sys

LABEL_RE = re.compile(r"^(.+?)(?:#\d+)? \[(native|baseline|O[0-3]|stub)\]$")
PHASES = ["IR generation", "optimisation", "code generation", "linking",
          "native code generation"]


def fail(msg):
    sys.stderr.write("check-profile.py: " + msg + "\n")
    sys.exit(1)


def trace_compiles(path):
    """[(name, tier, background)] from --trace-compile lines."""
    out = []
    for line in open(path):
        line = line.rstrip("\n")
        if not line.startswith("compile: "):
            continue
        m = re.match(r"^compile: (.+) \((-O\d)(.*), [0-9.]+ ms\)$", line)
        if not m:
            fail("unreadable trace line: " + line)
        name, level, rest = m.groups()
        if rest == " baseline native":
            tier = "native"
        elif rest == " baseline":
            tier = "baseline"
        else:
            tier = level[1:]
        out.append((name, tier, ", background" in rest))
    return out


def split_label(label):
    m = LABEL_RE.match(label)
    if not m:
        fail("not a profile name: %r" % label)
    return m.group(1), m.group(2)


def compare(what, found, trace):
    want = collections.Counter((n, t) for n, t, _ in trace)
    got = collections.Counter(found)
    if want != got:
        fail("%s and --trace-compile differ:\n  only in %s: %s\n"
             "  only in the trace: %s" %
             (what, what, sorted((got - want).elements()),
              sorted((want - got).elements())))


def perf_map(map_path, trace_path):
    found = []
    stubs = 0
    for line in open(map_path):
        m = re.match(r"^([0-9a-f]+) ([0-9a-f]+) (.+)$", line.rstrip("\n"))
        if not m:
            fail("not a perf map line: %r" % line)
        start, size = int(m.group(1), 16), int(m.group(2), 16)
        if start == 0 or size == 0:
            fail("zero START or SIZE: %r" % line)
        name, tier = split_label(m.group(3))
        if tier == "stub":
            stubs += 1
        else:
            found.append((name, tier))
    compare("the map", found, trace_compiles(trace_path))
    print("map: %d bodies, %d stubs" % (len(found), stubs))


def time_trace(json_path, trace_path):
    doc = json.load(open(json_path))
    events = [e for e in doc["traceEvents"] if e.get("ph") == "X"]
    for e in events:
        for key in ("name", "ts", "dur", "tid", "pid"):
            if key not in e:
                fail("event without %s: %r" % (key, e))
    events.sort(key=lambda e: (e["ts"], -e["dur"]))
    exprs = [e for e in events if e["name"] == "expression"]
    main_tids = {e["tid"] for e in exprs}
    compiles = [e for e in events if e["name"] == "compile"]
    found = [split_label(e["args"]["detail"]) for e in compiles]
    trace = trace_compiles(trace_path)
    compare("the time trace", found, trace)
    for e in events:
        if e["name"] == "expression":
            print("expression " + e["args"]["detail"])
        elif e["name"] == "compile":
            inside = [p["name"] for p in events
                      if p["name"] in PHASES and p["tid"] == e["tid"] and
                      e["ts"] <= p["ts"] and
                      p["ts"] + p["dur"] <= e["ts"] + e["dur"]]
            print("compile %s: %s" % (e["args"]["detail"], ", ".join(inside)))
    for name, tier, background in trace:
        if not background:
            continue
        spans = [e for e in compiles
                 if split_label(e["args"]["detail"]) == (name, tier) and
                 e["tid"] not in main_tids]
        if not spans:
            fail("background compile %s [%s] is on the program's thread" %
                 (name, tier))
        print("background %s [%s] on its own thread" % (name, tier))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("perf-map", "time-trace"):
        fail("usage: check-profile.py perf-map|time-trace FILE TRACE")
    (perf_map if sys.argv[1] == "perf-map" else time_trace)(sys.argv[2],
                                                            sys.argv[3])
