//===- TimeTrace.h - A compile timeline, as JSON ----------------*- C++ -*-===//
//
// Part of kaleido. --time-trace=FILE, as clang's -ftime-trace: LLVM's own
// TimeProfiler (llvm/Support/TimeProfiler.h) records spans, and this class
// starts it, writes the JSON (Chrome trace events, for Perfetto or
// chrome://tracing) and stops it. The spans themselves are opened where the
// work is (TimeTraceScope costs a thread-local load when no profiler runs):
//   "expression"      a top-level expression, compile and run (Session)
//   "compile"         one body, detail its profile name ("fib [O2]",
//                     CodeListener.h), on the thread that compiles it
//   "IR generation", "optimisation", "code generation", "linking",
//   "native code generation"
//                     the phases of a compile, detail the body's symbol
// and LLVM adds its own passes' spans inside them. One span says more than
// happened: a body the native generator declines (more than 8 parameters
// or arguments, found only by trying) leaves a short "compile NAME [native]"
// span for the attempt, then LLVM's compile has its own; --trace-compile
// lists only LLVM's.
//
// The limit: LLVM's profiler is one per thread, and the finished threads'
// records are pooled process-wide. So one session at a time may trace on a
// thread; it must be started and written on the same thread; and the
// compile threads of that session enter (enterThread) and must have left
// (leaveThread, when they end) before the trace is written. Spans of other
// threads that happen to run an LLVM profiler would be pooled with ours.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_TIMETRACE_H
#define KALEIDO_JIT_TIMETRACE_H

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace kaleido {

class TimeTrace {
public:
  /// Whether the calling thread runs LLVM's profiler already (another
  /// session traces here): start() must not be called then.
  static bool isActiveOnThisThread();

  /// Opens Path for writing and starts the profiler on the calling thread,
  /// keeping every span (granularity 0). Fails, naming the file, if it
  /// cannot be opened; starts nothing then.
  static llvm::Expected<std::unique_ptr<TimeTrace>> start(llvm::StringRef Path);

  /// finish(), dropping its error.
  ~TimeTrace();
  TimeTrace(const TimeTrace &) = delete;
  TimeTrace &operator=(const TimeTrace &) = delete;

  /// Writes the trace and stops the profiler. Call on the thread that
  /// started it, after the compile threads left. Idempotent.
  llvm::Error finish();

  /// A compile thread of a traced session: its spans go to a profiler of
  /// its own, pooled into the trace when it leaves.
  static void enterThread();
  static void leaveThread();

private:
  TimeTrace(std::string Path, std::unique_ptr<llvm::raw_fd_ostream> OS)
      : Path(std::move(Path)), OS(std::move(OS)) {}

  std::string Path;
  std::unique_ptr<llvm::raw_fd_ostream> OS;
};

} // namespace kaleido

#endif // KALEIDO_JIT_TIMETRACE_H
