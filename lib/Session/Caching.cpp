//===- Caching.cpp - The session's compile cache --------------------------===//
//
// Part of kaleido. Opening the compile cache SessionOptions::CacheDir asks
// for (JIT/CompileCache.h), and telling its warnings on the session's
// thread. A directory that cannot be used is a warning, not an error: the
// cache only saves time, so the run goes on and compiles everything.
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

using namespace kaleido;
using namespace llvm;

Error Session::Impl::startCache(ExecutorOptions &EO) {
  if (!Opts.CacheDir)
    return Error::success();
  if (Opts.CacheMaxMB == 0)
    return make_error<SessionError>(
        ErrorKind::Usage,
        "the compile cache's size cap must be at least 1 MiB");
  // The interpreter compiles nothing.
  if (Opts.Mode == JITMode::Interp)
    return Error::success();
  auto C =
      CompileCache::create(*Opts.CacheDir, uint64_t(Opts.CacheMaxMB) << 20);
  if (!C) {
    if (Opts.OnDiagnostic) {
      Diagnostic D;
      D.Level = Diagnostic::Severity::Warning;
      D.BufferName = "kaleido";
      D.Message = toString(C.takeError()) + "; running without it";
      Opts.OnDiagnostic(D);
    } else {
      consumeError(C.takeError());
    }
    return Error::success();
  }
  Cache = std::move(*C);
  EO.Cache = Cache.get();
  return Error::success();
}

void Session::Impl::reportCacheWarnings() {
  if (!Cache)
    return;
  for (CacheWarning &W : Cache->takeWarnings()) {
    if (!Opts.OnDiagnostic)
      continue;
    Diagnostic D;
    D.Level = Diagnostic::Severity::Warning;
    D.BufferName = std::move(W.Path);
    D.Message = std::move(W.Message);
    Opts.OnDiagnostic(D);
  }
}
