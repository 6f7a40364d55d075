//===- JITDumpTest.cpp - jit-PID.dump, for perf inject --jit --------------===//

#include "JIT/JITDump.h"

#include "Support/TempDir.h"

#include "llvm/Support/Process.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;

namespace {

std::string dumpName() {
  return "jit-" + std::to_string(sys::Process::getProcessId()) + ".dump";
}

template <typename T> T readAt(const std::string &Data, size_t At) {
  T V{};
  EXPECT_LE(At + sizeof(T), Data.size());
  if (At + sizeof(T) <= Data.size())
    std::memcpy(&V, Data.data() + At, sizeof(T));
  return V;
}

#if defined(__linux__)

TEST(JITDumpTest, TheHeaderIsPerfs) {
  TempDir D;
  auto Dump = cantFail(JITDump::create(D.path()));
  EXPECT_EQ(Dump->getPath(), D.file(dumpName()));
  ASSERT_FALSE(bool(Dump->finish()));
  std::string Data = D.read(dumpName());
  EXPECT_EQ(readAt<uint32_t>(Data, 0), 0x4A695444u); // "JiTD"
  EXPECT_EQ(readAt<uint32_t>(Data, 4), 1u);          // version
  EXPECT_EQ(readAt<uint32_t>(Data, 8), 40u);         // header size
  EXPECT_EQ(readAt<uint32_t>(Data, 20), uint32_t(sys::Process::getProcessId()));
  // Then only the close record.
  EXPECT_EQ(Data.size(), 40u + 16u);
  EXPECT_EQ(readAt<uint32_t>(Data, 40), 3u);
}

TEST(JITDumpTest, ABodyIsADebugInfoThenACodeLoadRecord) {
  TempDir D;
  auto Dump = cantFail(JITDump::create(D.path()));
  const uint8_t Code[] = {0x55, 0x48, 0x89, 0xe5, 0xc3};
  BodyLabel L;
  L.Name = "fib";
  L.Version = 2;
  L.Kind = CodeKind::Optimized;
  L.File = "prog.ks";
  L.Line = 7;
  Dump->notifyLoaded(L, {0x1000, sizeof(Code), Code});
  ASSERT_FALSE(bool(Dump->finish()));
  std::string Data = D.read(dumpName());

  size_t At = 40;
  EXPECT_EQ(readAt<uint32_t>(Data, At), 2u); // debug info
  uint32_t DebugSize = readAt<uint32_t>(Data, At + 4);
  EXPECT_EQ(readAt<uint64_t>(Data, At + 16), 0x1000u); // code address
  EXPECT_EQ(readAt<uint64_t>(Data, At + 24), 1u);      // one entry
  EXPECT_EQ(readAt<uint32_t>(Data, At + 40), 7u);      // its line
  EXPECT_EQ(std::string(Data.c_str() + At + 48), "prog.ks");
  EXPECT_EQ(DebugSize, 48u + sizeof("prog.ks"));

  At += DebugSize;
  EXPECT_EQ(readAt<uint32_t>(Data, At), 0u); // code load
  uint32_t LoadSize = readAt<uint32_t>(Data, At + 4);
  EXPECT_EQ(readAt<uint64_t>(Data, At + 24), 0x1000u); // vma
  EXPECT_EQ(readAt<uint64_t>(Data, At + 32), 0x1000u); // code address
  EXPECT_EQ(readAt<uint64_t>(Data, At + 40), sizeof(Code));
  EXPECT_EQ(readAt<uint64_t>(Data, At + 48), 0u); // first code index
  std::string Name(Data.c_str() + At + 56);
  EXPECT_EQ(Name, "fib#2 [O2]");
  size_t CodeAt = At + 56 + Name.size() + 1;
  EXPECT_EQ(Data.substr(CodeAt, sizeof(Code)),
            std::string(reinterpret_cast<const char *>(Code), sizeof(Code)));
  EXPECT_EQ(LoadSize, CodeAt + sizeof(Code) - At);

  At += LoadSize;
  EXPECT_EQ(readAt<uint32_t>(Data, At), 3u); // close
  EXPECT_EQ(Data.size(), At + 16);
}

TEST(JITDumpTest, ABodyWithoutASourceHasNoDebugInfo) {
  TempDir D;
  auto Dump = cantFail(JITDump::create(D.path()));
  const uint8_t Code[] = {0xc3};
  BodyLabel L;
  L.Name = "<expr@1:1>";
  L.Kind = CodeKind::Baseline;
  Dump->notifyLoaded(L, {0x2000, 1, Code});
  ASSERT_FALSE(bool(Dump->finish()));
  std::string Data = D.read(dumpName());
  EXPECT_EQ(readAt<uint32_t>(Data, 40), 0u);
  EXPECT_EQ(std::string(Data.c_str() + 40 + 56), "<expr@1:1> [baseline]");
}

TEST(JITDumpTest, ADirectoryThatIsNotThereIsAnErrorNamingTheFile) {
  TempDir D;
  auto Dump = JITDump::create(D.file("missing"));
  ASSERT_FALSE(bool(Dump));
  std::string Msg = toString(Dump.takeError());
  EXPECT_NE(Msg.find("cannot write jitdump '" + D.file("missing") + "/" +
                     dumpName() + "'"),
            std::string::npos)
      << Msg;
}

#endif

} // namespace
