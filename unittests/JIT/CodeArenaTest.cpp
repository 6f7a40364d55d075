//===- CodeArenaTest.cpp - Unit tests for the native code allocator -------===//
//
// Code placed in the arena runs, shares pages with its neighbours, is never
// in a page that is writable and executable at once (checked in
// /proc/self/maps), and its space is reused once released.
//
//===----------------------------------------------------------------------===//

#include "JIT/CodeArena.h"

#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <cstring>

using namespace kaleido;

namespace {

/// mov eax, Value; ret
std::vector<uint8_t> returning(uint32_t Value) {
  return {0xB8,
          uint8_t(Value),
          uint8_t(Value >> 8),
          uint8_t(Value >> 16),
          uint8_t(Value >> 24),
          0xC3};
}

int run(void *Code) { return reinterpret_cast<int (*)()>(Code)(); }

/// Whether the mapping that holds Addr is both writable and executable
/// (and whether there is one at all).
bool isWritableAndExecutable(const void *Addr, bool &Found) {
  Found = false;
  auto Maps = llvm::MemoryBuffer::getFileAsStream("/proc/self/maps");
  if (!Maps)
    return false;
  auto A = reinterpret_cast<uintptr_t>(Addr);
  llvm::StringRef Rest = (*Maps)->getBuffer();
  while (!Rest.empty()) {
    auto [Line, Next] = Rest.split('\n');
    Rest = Next;
    unsigned long long Lo, Hi;
    char Perms[5] = {};
    if (std::sscanf(Line.str().c_str(), "%llx-%llx %4s", &Lo, &Hi, Perms) != 3)
      continue;
    if (A < Lo || A >= Hi)
      continue;
    Found = true;
    return Perms[1] == 'w' && Perms[2] == 'x';
  }
  return false;
}

/// Every test runs with each way of keeping W^X.
class CodeArenaTest : public ::testing::TestWithParam<CodeArena::Mapping> {};

TEST_P(CodeArenaTest, PlacedCodeRuns) {
  CodeArena Arena(256 << 10, GetParam());
  auto A = Arena.place(returning(7));
  auto B = Arena.place(returning(9));
  ASSERT_TRUE(A && B);
  EXPECT_EQ(run(*A), 7);
  EXPECT_EQ(run(*B), 9);
  // Packed together, 16-byte aligned, in one chunk.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(*A) % 16, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(*B) - reinterpret_cast<uintptr_t>(*A),
            16u);
  EXPECT_EQ(Arena.getNumChunks(), 1u);
  EXPECT_EQ(Arena.getBytesInUse(), 32u);
}

/// Chunks go within 2 GiB of kaleido's code (a near call), also for a
/// second arena, whose first place is the first arena's.
TEST_P(CodeArenaTest, CodeLandsNearKaleidosCode) {
  if (!CodeArena::placesNearCode())
    GTEST_SKIP() << "code goes anywhere under a sanitizer";
  auto Library = reinterpret_cast<uintptr_t>(&CodeArena::defaultMapping);
  auto Distance = [&](void *P) {
    auto A = reinterpret_cast<uintptr_t>(P);
    return A > Library ? A - Library : Library - A;
  };
  constexpr uintptr_t TwoGiB = uintptr_t(2) << 30;
  CodeArena First(256 << 10, GetParam()), Second(256 << 10, GetParam());
  auto A = First.place(returning(1));
  auto B = Second.place(returning(2));
  auto C = First.place(std::vector<uint8_t>(300 << 10, 0xC3)); // a chunk more
  ASSERT_TRUE(A && B && C);
  EXPECT_LT(Distance(*A), TwoGiB);
  EXPECT_LT(Distance(*B), TwoGiB);
  EXPECT_LT(Distance(*C), TwoGiB);
  EXPECT_EQ(run(*A), 1);
  EXPECT_EQ(run(*B), 2);
}

TEST_P(CodeArenaTest, NeverWritableAndExecutable) {
  CodeArena Arena(256 << 10, GetParam());
  auto A = Arena.place(returning(1));
  ASSERT_TRUE(bool(A));
  bool Found;
  EXPECT_FALSE(isWritableAndExecutable(*A, Found));
  EXPECT_TRUE(Found);
  // Placing more code in the same page leaves it executable, not writable.
  auto B = Arena.place(returning(2));
  ASSERT_TRUE(bool(B));
  EXPECT_FALSE(isWritableAndExecutable(*A, Found));
  EXPECT_TRUE(Found);
  EXPECT_EQ(run(*A), 1);
}

TEST_P(CodeArenaTest, ReleasedSpaceIsReused) {
  CodeArena Arena(256 << 10, GetParam());
  auto A = Arena.place(returning(1));
  auto B = Arena.place(returning(2));
  ASSERT_TRUE(A && B);
  Arena.release(*A, 6);
  EXPECT_EQ(Arena.getBytesInUse(), 16u);
  auto C = Arena.place(returning(3));
  ASSERT_TRUE(bool(C));
  EXPECT_EQ(*C, *A);
  EXPECT_EQ(run(*C), 3);
  EXPECT_EQ(run(*B), 2);
}

TEST_P(CodeArenaTest, NeighboursMergeWhenReleased) {
  CodeArena Arena(256 << 10, GetParam());
  auto A = Arena.place(returning(1));
  auto B = Arena.place(returning(2));
  auto C = Arena.place(returning(3));
  ASSERT_TRUE(A && B && C);
  Arena.release(*A, 6);
  Arena.release(*B, 6);
  // A 32-byte body fits where the two 16-byte ones were.
  std::vector<uint8_t> Long(20, 0x90);
  Long.push_back(0xC3);
  auto D = Arena.place(Long);
  ASSERT_TRUE(bool(D));
  EXPECT_EQ(*D, *A);
  EXPECT_EQ(run(*C), 3);
}

TEST_P(CodeArenaTest, LargeCodeGetsItsOwnChunk) {
  CodeArena Arena(4096, GetParam());
  std::vector<uint8_t> Big(3 * 4096, 0x90);
  std::vector<uint8_t> Ret = returning(5);
  Big.insert(Big.end(), Ret.begin(), Ret.end());
  auto A = Arena.place(Big);
  ASSERT_TRUE(bool(A));
  EXPECT_EQ(run(*A), 5);
  auto B = Arena.place(returning(6));
  ASSERT_TRUE(bool(B));
  EXPECT_EQ(run(*B), 6);
}

TEST_P(CodeArenaTest, PlacingMoreCodeLeavesPlacedCodeRunnable) {
  CodeArena Arena(256 << 10, GetParam());
  auto A = Arena.place(returning(1));
  ASSERT_TRUE(bool(A));
  for (int I = 0; I < 300; ++I)
    ASSERT_TRUE(bool(Arena.place(returning(I))));
  EXPECT_EQ(run(*A), 1);
  EXPECT_EQ(Arena.getNumChunks(), 1u);
}

TEST_P(CodeArenaTest, AliasedBytesAreWritableWhileCodeRuns) {
  CodeArena Arena(256 << 10, GetParam());
  auto A = Arena.placeAliased(16, [](uint8_t *Write, uintptr_t Exec) {
    std::vector<uint8_t> Code = returning(uint32_t(Exec & 0xff));
    std::memcpy(Write, Code.data(), Code.size());
  });
  if (GetParam() == CodeArena::Mapping::Reprotect) {
    // No second address to write at.
    ASSERT_FALSE(bool(A));
    EXPECT_EQ(Arena.getNumChunks(), 0u);
    llvm::consumeError(A.takeError());
    return;
  }
  ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
  EXPECT_EQ(run(A->Exec), int(reinterpret_cast<uintptr_t>(A->Exec) & 0xff));
  // Changed through the alias, the code runs changed.
  A->Write[1] = 42;
  EXPECT_EQ(run(A->Exec) & 0xff, 42);
  bool Found;
  EXPECT_FALSE(isWritableAndExecutable(A->Exec, Found));
  EXPECT_TRUE(Found);
  EXPECT_EQ(Arena.getBytesInUse(), 16u);
  Arena.release(A->Exec, 16);
  EXPECT_EQ(Arena.getBytesInUse(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Mappings, CodeArenaTest,
    ::testing::Values(CodeArena::Mapping::Dual, CodeArena::Mapping::Reprotect),
    [](const ::testing::TestParamInfo<CodeArena::Mapping> &I) {
      return I.param == CodeArena::Mapping::Dual ? "Dual" : "Reprotect";
    });

#ifdef __linux__
TEST(CodeArenaMappingTest, LinuxMapsChunksTwice) {
  EXPECT_EQ(CodeArena::defaultMapping(), CodeArena::Mapping::Dual);
  CodeArena Arena;
  ASSERT_TRUE(bool(Arena.place(returning(1))));
  EXPECT_EQ(Arena.getMapping(), CodeArena::Mapping::Dual);
}
#endif

} // namespace
