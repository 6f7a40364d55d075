//===- PerfMap.cpp - /tmp/perf-PID.map, for perf report -------------------===//
//
// Part of kaleido. See PerfMap.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/PerfMap.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"

using namespace kaleido;
using namespace llvm;

std::string PerfMap::defaultPath() {
  return formatv("/tmp/perf-{0}.map", sys::Process::getProcessId()).str();
}

Expected<std::unique_ptr<PerfMap>> PerfMap::create(StringRef Path) {
  std::string P = Path.empty() ? defaultPath() : Path.str();
  std::error_code EC;
  auto OS = std::make_unique<raw_fd_ostream>(P, EC, sys::fs::OF_Text);
  if (EC)
    return createStringError(EC, "cannot write perf map '%s': %s", P.c_str(),
                             EC.message().c_str());
  return std::unique_ptr<PerfMap>(new PerfMap(std::move(P), std::move(OS)));
}

PerfMap::~PerfMap() { consumeError(finish()); }

void PerfMap::notifyLoaded(const BodyLabel &Label, const LoadedCode &Code) {
  if (!OS)
    return;
  *OS << formatv("{0:x-} {1:x-} {2}\n", Code.Address, Code.Size, Label.str());
  OS->flush();
}

Error PerfMap::finish() {
  if (!OS)
    return Error::success();
  OS->close();
  std::error_code EC = OS->error();
  OS->clear_error();
  OS.reset();
  if (EC)
    return createStringError(EC, "cannot write perf map '%s': %s", Path.c_str(),
                             EC.message().c_str());
  return Error::success();
}
