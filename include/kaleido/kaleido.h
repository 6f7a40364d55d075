/*===- kaleido/kaleido.h - The C API --------------------------------------===*\
|*                                                                            *|
|* Part of kaleido. Public API, for C and for other languages' foreign       *|
|* function interfaces (Python's ctypes, ...). A thin layer over the C++ API  *|
|* in Session.h: a session compiles and runs Kaleidoscope source, a host     *|
|* calls its functions by name or through a pointer, and gives it functions  *|
|* of its own.                                                                *|
|*                                                                            *|
|* Errors: every call that can fail returns a kaleido_status; the session    *|
|* keeps the located diagnostics and the summary of its last call, to read   *|
|* with kaleido_last_diagnostics() and kaleido_last_error(). Strings the API *|
|* returns belong to the session and stay valid until its next call. A      *|
|* session is used by one thread at a time; several live side by side.      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef KALEIDO_KALEIDO_H
#define KALEIDO_KALEIDO_H

#include "kaleido/Export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A C API speaks C: lower-case names with a kaleido_ prefix. */
/* NOLINTBEGIN(readability-identifier-naming) */

/** A session: everything one program needs (its functions, the JIT). */
typedef struct kaleido_session kaleido_session;

/** What a call did. The failures are Session.h's ErrorKind. */
typedef enum kaleido_status {
  KALEIDO_OK = 0,
  KALEIDO_COMPILE_ERROR = 1, /**< The source is ill-formed. */
  KALEIDO_RUNTIME_ERROR = 2, /**< The program failed while it ran. */
  KALEIDO_INTERRUPTED = 3,   /**< Stopped by kaleido_interrupt(). */
  KALEIDO_INTERNAL_ERROR = 4,
  KALEIDO_USAGE_ERROR = 5, /**< The host passed something invalid. */
  KALEIDO_IO_ERROR = 6
} kaleido_status;

/** How a session runs code. */
typedef enum kaleido_mode {
  KALEIDO_LAZY = 0,  /**< Compile each function on its first call. */
  KALEIDO_EAGER = 1, /**< Compile each definition when it is read. */
  KALEIDO_INTERP = 2 /**< Interpret; compile nothing. */
} kaleido_mode;

/** Which language a session reads (Dialect.h). */
typedef enum kaleido_dialect {
  KALEIDO_TUTORIAL = 0, /**< The LLVM tutorial's language. */
  KALEIDO_FORMULA = 1   /**< Adds '/' and exponent literals (1e-3). */
} kaleido_dialect;

typedef struct kaleido_options {
  /** 0 to 3; default 2. Every level gives bit-identical results. */
  unsigned opt_level;
  kaleido_mode mode;
  /** Non-zero lets `extern` reach every symbol of the process (unsafe);
      default 0: the runtime, the C math library and host functions. */
  int allow_host_symbols;
  kaleido_dialect dialect;
} kaleido_options;

/** The defaults: -O2, lazy, no host symbols, the tutorial's language. */
KALEIDO_API kaleido_options kaleido_default_options(void);

/** A new session, or NULL if one cannot be made (the reason goes to
    *error if error is not NULL: a string to free() with free). Options may
    be NULL for the defaults. */
KALEIDO_API kaleido_session *kaleido_session_new(const kaleido_options *options,
                                                 char **error);

/** Ends a session and frees everything it made. NULL is ignored. Pointers
    kaleido_lookup() gave for it must not be called afterwards. */
KALEIDO_API void kaleido_session_free(kaleido_session *session);

/** Reads and runs each top-level item of source in order (definitions,
    externs, expressions); stops at the first that fails. buffer_name
    appears in diagnostics ("file.ks:3:7: error: ..."); NULL is "<source>". */
KALEIDO_API kaleido_status kaleido_run(kaleido_session *session,
                                       const char *source,
                                       const char *buffer_name);

/** Calls function name with nargs arguments under the runtime guard: a
    runtime error is a status, not the end of the process. The value goes
    to *result (if not NULL). */
KALEIDO_API kaleido_status kaleido_call(kaleido_session *session,
                                        const char *name, const double *args,
                                        size_t nargs, double *result);

/** The permanent address of function name, which takes arity doubles and
    returns a double, or NULL (see kaleido_last_error). The fast, unguarded
    path: a runtime error inside a call through it ends the process. */
KALEIDO_API void *kaleido_lookup(kaleido_session *session, const char *name,
                                 size_t arity);

/** A prepared call of one function (Session.h's PreparedCall): looked up
    once, then called many times at a few nanoseconds above the pointer's
    cost, guarded as kaleido_call() is. Calls report to the session it was
    prepared in (kaleido_last_error, kaleido_last_diagnostics); it follows
    redefinitions; it may outlive the session, whose end makes its calls
    fail with KALEIDO_USAGE_ERROR. Use it from the session's thread. */
typedef struct kaleido_function kaleido_function;

/** A prepared call of function name, which takes arity doubles; NULL if
    there is no such function (see kaleido_last_error). Free it with
    kaleido_function_free(). */
KALEIDO_API kaleido_function *kaleido_prepare(kaleido_session *session,
                                              const char *name, size_t arity);

/** Frees a prepared call. NULL is ignored. */
KALEIDO_API void kaleido_function_free(kaleido_function *function);

/** Calls function with nargs arguments (its arity, else
    KALEIDO_USAGE_ERROR); the value goes to *result (if not NULL). */
KALEIDO_API kaleido_status
kaleido_function_call(const kaleido_function *function, const double *args,
                      size_t nargs, double *result);

/** Evaluates function over count rows, one column per parameter: row i's
    argument j is columns[j][i], its value goes to out[i], with the bits
    kaleido_function_call() would give. ncolumns must be the arity. A JIT
    session compiles a loop over the rows, vectorised for the host CPU, on
    the first batch call (and the first after a redefinition). On failure
    out[0, i) hold the rows before the failing one. */
KALEIDO_API kaleido_status kaleido_function_call_batch(
    const kaleido_function *function, const double *const *columns,
    size_t ncolumns, double *out, size_t count);

/** A host function: arity doubles in, a double out, as
    double f(double, double) for arity 2. */
typedef void (*kaleido_host_fn)(void);

/** Makes fn callable from Kaleidoscope as name (after `extern name(...)`
    with arity parameters); defining name again rebinds it. If context is
    not NULL, fn is called as double fn(void *context, double...). Fails
    with KALEIDO_USAGE_ERROR for a bad name or an arity that disagrees with
    the program's extern. */
KALEIDO_API kaleido_status
kaleido_define_host_function(kaleido_session *session, const char *name,
                             size_t arity, kaleido_host_fn fn, void *context);

/** Called inside a host function: the running kaleido_run() or
    kaleido_call() fails with KALEIDO_RUNTIME_ERROR and message. Returns;
    the host function should return too (see Session.h's failHostCall). */
KALEIDO_API void kaleido_fail_host_call(const char *message);

/** Where the program's output (putchard, printd) goes: write(context,
    bytes, size) instead of standard output; NULL restores stdout. */
KALEIDO_API void
kaleido_set_output(kaleido_session *session,
                   void (*write)(void *context, const char *bytes, size_t size),
                   void *context);

/** The diagnostics of the session's last call, each as
    "file:line:col: error: message", its source line and a caret; "" if
    none. */
KALEIDO_API const char *
kaleido_last_diagnostics(const kaleido_session *session);

/** A one-line summary of why the last call failed; "" if it did not. */
KALEIDO_API const char *kaleido_last_error(const kaleido_session *session);

/** Asks the running code to stop (kaleido_run/kaleido_call then return
    KALEIDO_INTERRUPTED). Async-signal-safe; may be called from another
    thread. */
KALEIDO_API void kaleido_interrupt(kaleido_session *session);

/** kaleido's version, "MAJOR.MINOR.PATCH". */
KALEIDO_API const char *kaleido_version(void);

/* NOLINTEND(readability-identifier-naming) */

#ifdef __cplusplus
}
#endif

#endif /* KALEIDO_KALEIDO_H */
