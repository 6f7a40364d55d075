//===- PerfMap.h - /tmp/perf-PID.map, for perf report -----------*- C++ -*-===//
//
// Part of kaleido. perf's simplest way to name JIT'd code: a text file
// /tmp/perf-PID.map with one "START SIZE name" line per body (START and
// SIZE in hex, no 0x), which perf report reads after the process is gone.
// A body whose code is freed keeps its line; a later body placed at the
// same address gets a line of its own further down (perf takes the last).
// Each line is flushed as it is written, so the map is complete even if
// the process dies.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_PERFMAP_H
#define KALEIDO_JIT_PERFMAP_H

#include "JIT/CodeListener.h"

#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace kaleido {

class PerfMap : public CodeListener {
public:
  /// Where perf looks for the map of this process: /tmp/perf-PID.map.
  static std::string defaultPath();

  /// Creates (or truncates) the map at Path, or at defaultPath() if Path is
  /// empty. Fails, naming the file, if it cannot be opened for writing.
  static llvm::Expected<std::unique_ptr<PerfMap>> create(llvm::StringRef Path);

  /// Closes the map if finish() has not; an error is dropped.
  ~PerfMap() override;

  const std::string &getPath() const { return Path; }

  void notifyLoaded(const BodyLabel &Label, const LoadedCode &Code) override;
  llvm::Error finish() override;

private:
  PerfMap(std::string Path, std::unique_ptr<llvm::raw_fd_ostream> OS)
      : Path(std::move(Path)), OS(std::move(OS)) {}

  std::string Path;
  std::unique_ptr<llvm::raw_fd_ostream> OS;
};

} // namespace kaleido

#endif // KALEIDO_JIT_PERFMAP_H
