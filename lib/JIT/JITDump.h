//===- JITDump.h - jit-PID.dump, for perf inject --jit ----------*- C++ -*-===//
//
// Part of kaleido. perf's richer way to see JIT'd code: a binary file
// jit-PID.dump (Linux perf's tools/perf/Documentation/jitdump-
// specification.txt) with a header and, per body, a debug-info record (the
// definition's file and line) and a code-load record (name, address, size
// and the code's bytes). `perf record -k 1` notes where the file was mapped
// (the writer maps its first page PROT_EXEC once, for that), and
// `perf inject --jit` turns each code-load record into a small ELF file, so
// `perf report` and `perf annotate` see named, disassemblable functions.
// Timestamps are CLOCK_MONOTONIC, the clock `-k 1` selects.
//
// Linux only: elsewhere create() fails.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_JITDUMP_H
#define KALEIDO_JIT_JITDUMP_H

#include "JIT/CodeListener.h"

#include <cstdint>
#include <memory>
#include <string>

namespace kaleido {

class JITDump : public CodeListener {
public:
  /// Creates Dir/jit-PID.dump (Dir empty: the current directory), writes
  /// the header and maps the file. Fails, naming the file, if it cannot be
  /// created or mapped.
  static llvm::Expected<std::unique_ptr<JITDump>> create(llvm::StringRef Dir);

  /// Writes the close record and closes the file if finish() has not; an
  /// error is dropped.
  ~JITDump() override;

  const std::string &getPath() const { return Path; }

  /// A debug-info record (if Label has a file), then the code-load record.
  void notifyLoaded(const BodyLabel &Label, const LoadedCode &Code) override;
  llvm::Error finish() override;

private:
  JITDump(std::string Path, int FD, void *Mapped, size_t MappedSize)
      : Path(std::move(Path)), FD(FD), Mapped(Mapped), MappedSize(MappedSize) {}
  /// Appends Bytes; the first failure is kept in WriteError.
  void write(const void *Bytes, size_t Size);
  void writeRecordHeader(uint32_t Id, uint64_t TotalSize);

  std::string Path;
  int FD;
  void *Mapped;
  size_t MappedSize;
  uint64_t NextCodeIndex = 0;
  int WriteError = 0;
};

} // namespace kaleido

#endif // KALEIDO_JIT_JITDUMP_H
