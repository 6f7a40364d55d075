//===- WXTest.cpp - No page is writable and executable at once -----------===//
//
// JIT'd code calls back into this test (an extern reachable because the
// session allows host symbols and the test binary exports its symbols), and
// the callback reads /proc/self/maps while JIT'd frames are on the stack.
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <fstream>
#include <string>

namespace {
int WritableAndExecutable = -1;
int ExecutableMappings = -1;
} // namespace

/// Counts the mappings of this process that are writable and executable.
extern "C" __attribute__((used, visibility("default"))) double
kaleidoCheckMaps() {
  std::ifstream Maps("/proc/self/maps");
  std::string Line;
  WritableAndExecutable = 0;
  ExecutableMappings = 0;
  while (std::getline(Maps, Line)) {
    // "start-end perms offset dev inode path"; perms is like "r-xp".
    size_t Space = Line.find(' ');
    if (Space == std::string::npos || Line.size() < Space + 5)
      continue;
    std::string Perms = Line.substr(Space + 1, 4);
    bool W = Perms[1] == 'w', X = Perms[2] == 'x';
    WritableAndExecutable += W && X;
    ExecutableMappings += X;
  }
  return 0;
}

TEST(WXTest, NoMappingIsWritableAndExecutableWhileJITCodeRuns) {
  kaleido::SessionOptions O;
  O.AllowHostSymbols = true;
  auto S = llvm::cantFail(kaleido::Session::create(std::move(O)));
  llvm::Error E = S->run("extern kaleidoCheckMaps();"
                         "def f(x) x + kaleidoCheckMaps();"
                         "def g(x) f(x) * 2;"
                         "g(1);",
                         "wx.ks");
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_GT(ExecutableMappings, 0);
  EXPECT_EQ(WritableAndExecutable, 0);
}
