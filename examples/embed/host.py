#!/usr/bin/env python3
"""host.py - Python embedding kaleido through its C API, with ctypes.

    python3 host.py [path/to/libkaleido.so]

Compiles a Kaleidoscope function once, calls it through the guarded
kaleido_call, through the raw pointer and as a prepared call (one row, and
a column of rows in one batch), gives the program a Python function, and
shows a compile error with its location.
"""

import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1] if len(sys.argv) > 1 else "libkaleido.so")

Session = ctypes.c_void_p
lib.kaleido_session_new.restype = Session
lib.kaleido_session_new.argtypes = [ctypes.c_void_p,
                                    ctypes.POINTER(ctypes.c_char_p)]
lib.kaleido_session_free.argtypes = [Session]
lib.kaleido_run.restype = ctypes.c_int
lib.kaleido_run.argtypes = [Session, ctypes.c_char_p, ctypes.c_char_p]
lib.kaleido_call.restype = ctypes.c_int
lib.kaleido_call.argtypes = [Session, ctypes.c_char_p,
                             ctypes.POINTER(ctypes.c_double), ctypes.c_size_t,
                             ctypes.POINTER(ctypes.c_double)]
lib.kaleido_lookup.restype = ctypes.c_void_p
lib.kaleido_lookup.argtypes = [Session, ctypes.c_char_p, ctypes.c_size_t]
lib.kaleido_define_host_function.restype = ctypes.c_int
lib.kaleido_define_host_function.argtypes = [Session, ctypes.c_char_p,
                                             ctypes.c_size_t, ctypes.c_void_p,
                                             ctypes.c_void_p]
Function = ctypes.c_void_p
Doubles = ctypes.POINTER(ctypes.c_double)
lib.kaleido_prepare.restype = Function
lib.kaleido_prepare.argtypes = [Session, ctypes.c_char_p, ctypes.c_size_t]
lib.kaleido_function_free.argtypes = [Function]
lib.kaleido_function_call.restype = ctypes.c_int
lib.kaleido_function_call.argtypes = [Function, Doubles, ctypes.c_size_t,
                                      Doubles]
lib.kaleido_function_call_batch.restype = ctypes.c_int
lib.kaleido_function_call_batch.argtypes = [
    Function, ctypes.POINTER(Doubles), ctypes.c_size_t, Doubles,
    ctypes.c_size_t]
lib.kaleido_last_diagnostics.restype = ctypes.c_char_p
lib.kaleido_last_diagnostics.argtypes = [Session]
lib.kaleido_version.restype = ctypes.c_char_p

s = lib.kaleido_session_new(None, None)

# A Python function the program calls as clamp(x); ctypes keeps the
# callback alive as long as this name is.
Unary = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)
clamp = Unary(lambda x: min(max(x, 0.0), 1.0))
lib.kaleido_define_host_function(s, b"clamp", 1,
                                 ctypes.cast(clamp, ctypes.c_void_p), None)

status = lib.kaleido_run(
    s, b"extern clamp(x); def poly(x) clamp(x * x * 0.25 - 0.5);", b"poly.ks")
assert status == 0, lib.kaleido_last_diagnostics(s).decode()

args = (ctypes.c_double * 1)(3.0)
result = ctypes.c_double()
lib.kaleido_call(s, b"poly", args, 1, ctypes.byref(result))
print("poly(3) =", result.value)

poly = Unary(lib.kaleido_lookup(s, b"poly", 1))
print("poly over 0..4:", [poly(float(x)) for x in range(5)])

# A prepared call, and the same function over a column of 5 rows at once.
prepared = lib.kaleido_prepare(s, b"poly", 1)
lib.kaleido_function_call(prepared, args, 1, ctypes.byref(result))
print("prepared poly(3) =", result.value)
xs = (ctypes.c_double * 5)(0.0, 1.0, 2.0, 3.0, 4.0)
ys = (ctypes.c_double * 5)()
columns = (Doubles * 1)(xs)
lib.kaleido_function_call_batch(prepared, columns, 1, ys, 5)
print("batch poly over 0..4:", list(ys))
lib.kaleido_function_free(prepared)

status = lib.kaleido_run(s, b"poly(1, 2)", b"bad.ks")
print("bad.ks: status", status)
print(lib.kaleido_last_diagnostics(s).decode(), end="")
print("kaleido", lib.kaleido_version().decode())
lib.kaleido_session_free(s)
