//===- PerfMapTest.cpp - /tmp/perf-PID.map, for perf report ---------------===//

#include "JIT/PerfMap.h"

#include "Support/TempDir.h"

#include "llvm/Support/Process.h"

#include "gtest/gtest.h"

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;

namespace {

BodyLabel label(StringRef Name, uint32_t Version, CodeKind Kind) {
  BodyLabel L;
  L.Name = Name.str();
  L.Version = Version;
  L.Kind = Kind;
  return L;
}

TEST(PerfMapTest, WritesOneHexLinePerBody) {
  TempDir D;
  auto M = cantFail(PerfMap::create(D.file("x.map")));
  M->notifyLoaded(label("fib", 1, CodeKind::Optimized), {0x7f0010, 0x2a, {}});
  M->notifyLoaded(label("fib", 2, CodeKind::Native), {0x7f1000, 0x100, {}});
  ASSERT_FALSE(bool(M->finish()));
  EXPECT_EQ(D.read("x.map"), "7f0010 2a fib [O2]\n7f1000 100 fib#2 [native]\n");
}

TEST(PerfMapTest, EachLineIsOnDiskAsSoonAsItIsWritten) {
  TempDir D;
  auto M = cantFail(PerfMap::create(D.file("x.map")));
  M->notifyLoaded(label("f", 1, CodeKind::Baseline), {0x10, 0x8, {}});
  EXPECT_EQ(D.read("x.map"), "10 8 f [baseline]\n");
}

TEST(PerfMapTest, TheDefaultPathIsWherePerfLooks) {
  EXPECT_EQ(PerfMap::defaultPath(),
            "/tmp/perf-" + std::to_string(sys::Process::getProcessId()) +
                ".map");
}

TEST(PerfMapTest, AFileThatCannotBeOpenedIsAnErrorNamingIt) {
  TempDir D;
  auto M = PerfMap::create(D.file("no/such/dir.map"));
  ASSERT_FALSE(bool(M));
  std::string Msg = toString(M.takeError());
  EXPECT_NE(
      Msg.find("cannot write perf map '" + D.file("no/such/dir.map") + "'"),
      std::string::npos)
      << Msg;
}

TEST(PerfMapTest, FinishingTwiceIsHarmless) {
  TempDir D;
  auto M = cantFail(PerfMap::create(D.file("x.map")));
  EXPECT_FALSE(bool(M->finish()));
  EXPECT_FALSE(bool(M->finish()));
  M->notifyLoaded(label("f", 1, CodeKind::Baseline), {0x10, 0x8, {}});
  EXPECT_EQ(D.read("x.map"), "");
}

} // namespace
