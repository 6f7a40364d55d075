//===- Runtime.h - What JIT'd code calls, and how it fails -------*- C++ -*-===//
//
// Part of kaleido. The runtime functions (putchard, printd) and the guard
// around every call into JIT'd code.
//
// The one piece of thread-local state in kaleido lives here: a pointer to the
// ExecutionContext of the innermost guarded call on this thread. JIT'd code
// cannot be handed a context argument (its functions take only doubles, and
// the lazy-call failure handler is called in place of an arbitrary function),
// so the runtime finds the running session's output and its way back to the
// host through this pointer. It is set only while a guarded call runs and is
// restored when it returns, so two sessions (or nested calls) never see each
// other's context.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_RUNTIME_RUNTIME_H
#define KALEIDO_RUNTIME_RUNTIME_H

#include "llvm/ADT/StringRef.h"

#include <csetjmp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kaleido::rt {

/// Where the output of one guarded call goes and how it escapes on failure.
struct ExecutionContext {
  /// Receives output; called when the buffer fills and when the call ends.
  const std::function<void(llvm::StringRef)> *Sink = nullptr;
  std::string Buffer;
  /// Set before a runtime error unwinds to the guard.
  std::string ErrorMessage;

  // Private to the guard.
  sigjmp_buf Env;
  ExecutionContext *Prev = nullptr;

  void write(llvm::StringRef S);
  void flush();
};

/// Calls Fn() with Ctx active. Returns true and sets Result if Fn returned;
/// returns false if a runtime error unwound it (Ctx.ErrorMessage says why).
/// Output still buffered is flushed either way.
bool callGuarded(double (*Fn)(), ExecutionContext &Ctx, double &Result);

/// The innermost active context on this thread, or null.
ExecutionContext *activeContext();

/// Ends the innermost guarded call with Message. Without an active context
/// (JIT'd code called through a raw pointer) prints Message and aborts.
[[noreturn]] void raise(std::string Message);

/// The runtime's symbols as (name, address): putchard and printd.
std::vector<std::pair<llvm::StringRef, void *>> getRuntimeSymbols();

/// The address to which a failed lazy call is sent: it raises the error the
/// JIT recorded in the active context.
void *getLazyCallFailureHandler();

/// Whether Name is a function of doubles in the C math library that `extern`
/// may reach by default.
bool isMathFunction(llvm::StringRef Name);

} // namespace kaleido::rt

#endif // KALEIDO_RUNTIME_RUNTIME_H
