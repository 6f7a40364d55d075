//===- TempDir.h - A directory of its own for a test ------------*- C++ -*-===//
//
// Shared by the tests that write files (the profiles): a fresh directory
// under the system's temporary one, removed with what is in it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_UNITTESTS_TEMPDIR_H
#define KALEIDO_UNITTESTS_TEMPDIR_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <string>

namespace kaleido::test {

class TempDir {
public:
  TempDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("kaleido-test", Path));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(Path); }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string path() const { return std::string(Path.str()); }
  /// The path of Name in the directory.
  std::string file(llvm::StringRef Name) const {
    llvm::SmallString<128> P(Path);
    llvm::sys::path::append(P, Name);
    return std::string(P.str());
  }
  /// Name's contents; empty (and a test failure) if it cannot be read.
  std::string read(llvm::StringRef Name) const {
    auto B = llvm::MemoryBuffer::getFile(file(Name));
    EXPECT_TRUE(bool(B)) << file(Name);
    return B ? (*B)->getBuffer().str() : std::string();
  }

private:
  llvm::SmallString<128> Path;
};

} // namespace kaleido::test

#endif // KALEIDO_UNITTESTS_TEMPDIR_H
