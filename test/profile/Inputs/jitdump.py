#!/usr/bin/env python3
"""Reads a jitdump file (Linux perf's jitdump-specification.txt) and prints
what the kaleido tests check:

  header pid=PID elf_mach=62
  load NAME size=HEX bytes=N           one per code-load record, in order
  debug NAME FILE:LINE                 a debug-info record for that code
  close                                the close record

It fails (exit 1, message on stderr) on a malformed file: a wrong magic,
version or header size, a record that overruns the file, a code-load record
whose bytes are not code_size long, a code address of 0, or a debug-info
record that does not come right before the code-load record of its address.
"""
import struct
import sys

MAGIC = 0x4A695444
CODE_LOAD, DEBUG_INFO, CLOSE = 0, 2, 3


def fail(msg):
    sys.stderr.write("jitdump.py: " + msg + "\n")
    sys.exit(1)


def cstring(data, at, end):
    nul = data.find(b"\0", at, end)
    if nul < 0:
        fail("unterminated string at offset %d" % at)
    return data[at:nul].decode("utf-8", "replace"), nul + 1


def main(path):
    data = open(path, "rb").read()
    if len(data) < 40:
        fail("file too short for a header")
    magic, version, size, mach, _pad, pid, _ts, _flags = struct.unpack_from(
        "<IIIIIIQQ", data, 0)
    if magic != MAGIC:
        fail("bad magic %#x" % magic)
    if version != 1 or size != 40:
        fail("bad version %d or header size %d" % (version, size))
    print("header pid=%d elf_mach=%d" % (pid, mach))
    at = size
    pending_debug = None
    last_ts = 0
    while at < len(data):
        if at + 16 > len(data):
            fail("truncated record header at %d" % at)
        rid, total, ts = struct.unpack_from("<IIQ", data, at)
        end = at + total
        if total < 16 or end > len(data):
            fail("record at %d overruns the file" % at)
        if ts < last_ts:
            fail("timestamps go backwards at %d" % at)
        last_ts = ts
        body = at + 16
        if rid == DEBUG_INFO:
            addr, entries = struct.unpack_from("<QQ", data, body)
            p = body + 16
            lines = []
            for _ in range(entries):
                _eaddr, line, _disc = struct.unpack_from("<QII", data, p)
                name, p = cstring(data, p + 16, end)
                lines.append("%s:%d" % (name, line))
            pending_debug = (addr, lines)
        elif rid == CODE_LOAD:
            _pid, _tid, vma, addr, csize, _index = struct.unpack_from(
                "<IIQQQQ", data, body)
            name, p = cstring(data, body + 40, end)
            nbytes = end - p
            if addr == 0 or vma != addr:
                fail("bad code address for %s" % name)
            if nbytes != csize:
                fail("%s: %d bytes of code, code_size says %d" %
                     (name, nbytes, csize))
            print("load %s size=%x bytes=%d" % (name, csize, nbytes))
            if pending_debug:
                if pending_debug[0] != addr:
                    fail("debug info for %#x before code at %#x" %
                         (pending_debug[0], addr))
                for line in pending_debug[1]:
                    print("debug %s %s" % (name, line))
                pending_debug = None
        elif rid == CLOSE:
            print("close")
        else:
            fail("unknown record id %d" % rid)
        at = end
    if pending_debug:
        fail("debug info without code")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: jitdump.py FILE")
    main(sys.argv[1])
