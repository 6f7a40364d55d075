//===- Profiling.cpp - A session's perf map, jitdump and time trace -------===//
//
// Part of kaleido. What SessionOptions::PerfMap, JITDumpDir and TimeTrace
// start and end. The session owns the profiles (JIT/PerfMap.h,
// JIT/JITDump.h, JIT/TimeTrace.h) and hands the executor the listeners
// (JIT/CodeListener.h); the JIT tells them about every body. Without any
// of the options nothing here runs and the JIT gets no listeners.
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "JIT/JITDump.h"
#include "JIT/PerfMap.h"

using namespace kaleido;
using namespace llvm;

/// Err (a file that could not be opened or written) as a SessionError.
static Error ioError(Error Err) {
  return make_error<SessionError>(ErrorKind::IO, toString(std::move(Err)));
}

Error Session::Impl::startProfiling(ExecutorOptions &EO) {
  if (Opts.TimeTrace) {
    if (TimeTrace::isActiveOnThisThread())
      return make_error<SessionError>(
          ErrorKind::Usage, "another session on this thread is writing a "
                            "time trace: only one may at a time");
    auto T = TimeTrace::start(*Opts.TimeTrace);
    if (!T)
      return ioError(T.takeError());
    Trace = std::move(*T);
    EO.TimeTrace = true;
  }
  if (!Opts.PerfMap && !Opts.JITDumpDir)
    return Error::success();
  Listeners = std::make_unique<CodeListeners>();
  if (Opts.PerfMap) {
    auto M = PerfMap::create(*Opts.PerfMap);
    if (!M)
      return ioError(M.takeError());
    Listeners->add(std::move(*M));
  }
  if (Opts.JITDumpDir) {
#if !defined(__linux__)
    return make_error<SessionError>(
        ErrorKind::Usage, "jitdump files are for Linux perf: not supported "
                          "on this system");
#endif
    auto D = JITDump::create(*Opts.JITDumpDir);
    if (!D)
      return ioError(D.takeError());
    Listeners->add(std::move(*D));
  }
  EO.Listeners = Listeners.get();
  return Error::success();
}

Error Session::Impl::finishProfiling() {
  if (!Listeners && !Trace)
    return Error::success();
  // The compile threads leave their profilers (TimeTrace::leaveThread) and
  // link nothing more.
  if (Exec)
    Exec->stopCompileThreads();
  Error Err = Error::success();
  if (Listeners)
    Err = Listeners->finish();
  if (Trace)
    Err = joinErrors(std::move(Err), Trace->finish());
  Trace.reset();
  if (Err)
    return ioError(std::move(Err));
  return Error::success();
}
