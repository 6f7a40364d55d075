//===- TimeTrace.cpp - A compile timeline in Chrome's trace format --------===//
//
// Part of kaleido. See TimeTrace.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/TimeTrace.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TimeProfiler.h"

using namespace kaleido;
using namespace llvm;

bool TimeTrace::isActiveOnThisThread() { return timeTraceProfilerEnabled(); }

Expected<std::unique_ptr<TimeTrace>> TimeTrace::start(StringRef Path) {
  std::error_code EC;
  auto OS = std::make_unique<raw_fd_ostream>(Path, EC, sys::fs::OF_Text);
  if (EC)
    return createStringError(EC, "cannot write time trace '%s': %s",
                             Path.str().c_str(), EC.message().c_str());
  timeTraceProfilerInitialize(/*TimeTraceGranularity=*/0, "kaleido");
  return std::unique_ptr<TimeTrace>(new TimeTrace(Path.str(), std::move(OS)));
}

TimeTrace::~TimeTrace() { consumeError(finish()); }

Error TimeTrace::finish() {
  if (!OS)
    return Error::success();
  if (timeTraceProfilerEnabled()) {
    timeTraceProfilerWrite(*OS);
    timeTraceProfilerCleanup();
  }
  OS->close();
  std::error_code EC = OS->error();
  OS->clear_error();
  OS.reset();
  if (EC)
    return createStringError(EC, "cannot write time trace '%s': %s",
                             Path.c_str(), EC.message().c_str());
  return Error::success();
}

void TimeTrace::enterThread() {
  if (!timeTraceProfilerEnabled())
    timeTraceProfilerInitialize(/*TimeTraceGranularity=*/0,
                                "kaleido compile thread");
}

void TimeTrace::leaveThread() {
  if (timeTraceProfilerEnabled())
    timeTraceProfilerFinishThread();
}
