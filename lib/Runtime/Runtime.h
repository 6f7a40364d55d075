//===- Runtime.h - What JIT'd code calls, and how it fails -------*- C++
//-*-===//
//
// Part of kaleido. The runtime functions (putchard, printd), the guard around
// every call into JIT'd code, and the safepoint check that makes stack
// overflow and interrupts clean errors.
//
// Safepoints. Each session owns a *poll word*: while its code runs, the word
// holds the lowest stack address JIT'd code may use (the thread's stack
// bottom plus a margin that leaves room for the compiler and the runtime).
// Generated code compares the stack pointer with the word at the entry of
// every function that calls another, and on every loop back edge; if the
// stack is below it, it calls kaleido_rt_check. To interrupt the code, another
// thread or a signal handler sets an interrupt flag and raises the word to
// its maximum (requestInterrupt), so the next safepoint fails the comparison.
// While no guarded call runs the word is 0, and stays 0. kaleido_rt_check
// then ends the guarded call with "interrupted" or "stack overflow in 'f'".
// One load, compare and branch per safepoint; no signal handler touches the
// stack, and no error is raised while the compiler or the C library runs.
//
// Builtins.cpp holds what generated code calls and needs no LLVM library: it
// is also the core of libkaleido-rt.a, the runtime of native executables
// (Runtime/Program.h). Runtime.cpp holds the rest (llvm::Error, externs).
//
// The one piece of thread-local state in kaleido lives here: a pointer to the
// ExecutionContext of the innermost guarded call on this thread. JIT'd code
// cannot be handed a context argument (its functions take only doubles, and
// the lazy-call failure handler is called in place of an arbitrary function),
// so the runtime finds the running session's output and its way back to the
// host through this pointer. It is set only while a guarded call runs and is
// restored when it returns, so two sessions never see each other's context.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_RUNTIME_RUNTIME_H
#define KALEIDO_RUNTIME_RUNTIME_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <csetjmp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kaleido::rt {

/// The word generated code polls; see the file comment.
using PollWord = std::atomic<uintptr_t>;

/// Why a guarded call ended early.
enum class Fault { None, Error, Interrupted };

/// Where the output of one guarded call goes and how it escapes on failure.
struct ExecutionContext {
  /// Receives output; called when the buffer fills and when the call ends.
  const std::function<void(llvm::StringRef)> *Sink = nullptr;
  /// The session's poll word and interrupt flag.
  PollWord *Poll = nullptr;
  std::atomic<bool> *InterruptRequested = nullptr;

  std::string Buffer;
  /// Set when a runtime error or interrupt unwinds to the guard.
  Fault Failure = Fault::None;
  std::string ErrorMessage;
  /// The lowest stack address JIT'd code may use on this thread.
  uintptr_t StackLimit = 0;
  /// Set by failHostCall: the call ends with HostError at its next
  /// safepoint, or when it returns, and writes nothing more meanwhile.
  bool HostFailed = false;
  std::string HostError;

  // Private to the guard.
  sigjmp_buf Env;
  ExecutionContext *Prev = nullptr;
  uintptr_t SavedPoll = 0;

  void write(llvm::StringRef S);
  void flush();
};

/// What a guarded call writes to and polls: the session's output, poll word
/// and interrupt flag. Null members mean stdout, no poll word, no interrupts.
struct Environment {
  const std::function<void(llvm::StringRef)> *Sink = nullptr;
  PollWord *Poll = nullptr;
  std::atomic<bool> *InterruptRequested = nullptr;
};

/// Runs Fn() with Ctx active and Ctx.Poll (if set) armed: the guard that
/// callGuarded and native executables' main share. Ctx's Sink, Poll and
/// InterruptRequested are the caller's to set. True if Fn returned (its value
/// is in Result); false if a runtime error or an interrupt ended it (see
/// Ctx.Failure and Ctx.ErrorMessage). Output still buffered is flushed either
/// way. The same rule about C++ objects as for callGuarded.
bool runGuarded(llvm::function_ref<double()> Fn, ExecutionContext &Ctx,
                double &Result);

/// Calls Fn() with a new ExecutionContext for Env active and the poll word
/// armed. Returns Fn's value, or a RuntimeError if a runtime error or an
/// interrupt ended it. An interrupt already requested stops Fn at its first
/// safepoint. Output still buffered is flushed either way. Fn must not hold
/// C++ objects with destructors across calls into JIT'd code: a failure jumps
/// over its frames.
llvm::Expected<double> callGuarded(llvm::function_ref<double()> Fn,
                                   const Environment &Env);

/// Asks the guarded call that uses Poll and Flag to stop at its next
/// safepoint: sets Flag, and raises Poll only if a guarded call has armed it
/// (an idle word stays 0, so code called through a raw pointer meanwhile is
/// not slowed; the next guarded call honours Flag when it arms the word).
/// Async-signal-safe.
void requestInterrupt(PollWord &Poll, std::atomic<bool> &Flag);

/// The innermost active context on this thread, or null.
ExecutionContext *activeContext();

/// What a host function calls to fail (Session.h's failHostCall): records
/// Message in the active context and raises its poll word, and returns. The
/// call then ends with Message as a runtime error at its next safepoint, or
/// when it returns, whichever comes first; output meanwhile is dropped.
/// Nothing is unwound from inside the host function. Without an active
/// context (a raw pointer's call) prints Message and aborts.
void failHostCall(std::string Message);

/// Ends the innermost guarded call. Without an active context (JIT'd code
/// called through a raw pointer) prints Message and aborts.
[[noreturn]] void raise(Fault Kind, std::string Message);

/// A runtime error or an interrupt, as a value: what a guarded call that
/// failed, or code that polls itself, returns instead of unwinding.
class RuntimeError : public llvm::ErrorInfo<RuntimeError> {
public:
  static char ID;
  RuntimeError(Fault Kind, std::string Message)
      : Kind(Kind), Message(std::move(Message)) {}
  Fault getFault() const { return Kind; }
  void log(llvm::raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  Fault Kind;
  std::string Message;
};

/// The fault the active call is at, if any: Interrupted if its interrupt
/// flag is set, Error if the stack is below its limit.
Fault checkSafepoint();

/// What a fault at a safepoint in Function says ("interrupted", "stack
/// overflow in 'f'").
std::string describeFault(Fault F, llvm::StringRef Function);

/// The shortest decimal that reads back as exactly V ("0.1", "12", "1e+20";
/// every NaN is "nan"): how the kaleido command prints a top-level
/// expression's value (--print-results), in the JIT and in native
/// executables alike.
std::string formatValue(double V);

/// Whether the active call should stop at this point: interrupted, or the
/// stack is below its limit. For code that polls itself (the interpreter):
/// returns a RuntimeError instead of unwinding.
llvm::Error pollSafepoint(llvm::StringRef Function);

/// The runtime's symbols as (name, address): putchard, printd and the
/// safepoint check.
std::vector<std::pair<llvm::StringRef, void *>> getRuntimeSymbols();

/// The name of the safepoint check function generated code calls.
inline constexpr const char *SafepointFunction = "kaleido_rt_check";

/// The address to which a failed lazy call is sent: it raises the error the
/// JIT recorded in the active context.
void *getLazyCallFailureHandler();

/// Calls putchard/printd as JIT'd code would (for the interpreter).
double putchard(double X);
double printd(double X);

/// Whether Name is a function of doubles in the C math library that `extern`
/// may reach by default.
bool isMathFunction(llvm::StringRef Name);

/// How many parameters the runtime or C math library function Name takes
/// (putchard: 1, pow: 2, ...), or nullopt if Name is neither.
std::optional<unsigned> hostArity(llvm::StringRef Name);

/// What an `extern` without a definition named Name reaches: a runtime
/// function, a C math function, or (only if AllowAll) any symbol of the
/// process. Null if none. Arity is the extern's number of parameters (nullopt
/// for the runtime's own symbols, which generated code calls): if the runtime
/// or C math library function of that name takes another number, the call
/// would pass garbage, so the result is an error, in the words of the runtime
/// error the call becomes. So is an extern's name (Arity given) that the
/// process has but the allow-list excludes, unless AllowAll: the error says
/// how to open it.
llvm::Expected<void *> resolveHostSymbol(llvm::StringRef Name,
                                         std::optional<unsigned> Arity,
                                         bool AllowAll);

} // namespace kaleido::rt

// The runtime's C symbols generated code calls (Builtins.cpp); no
// Kaleidoscope identifier contains '_'.
// NOLINTBEGIN(readability-identifier-naming)
extern "C" {
void kaleido_rt_check(const char *Function);
double kaleido_rt_putchard(double X);
double kaleido_rt_printd(double X);
}
// NOLINTEND(readability-identifier-naming)

#endif // KALEIDO_RUNTIME_RUNTIME_H
