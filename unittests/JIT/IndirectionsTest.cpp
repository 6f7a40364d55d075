//===- IndirectionsTest.cpp - Stubs and trampolines, in the arena or ORC's ===//
//
// Both kinds of indirections (Indirections.h) do the same: a trampoline
// calls back with its own address, keeps the caller's arguments and lands
// where the callback says; a stub jumps where it was last pointed, also
// while another thread calls it; blocks run out and new ones are made; the
// arena kind lives in the arena and gives its space back.
//
//===----------------------------------------------------------------------===//

#include "JIT/Indirections.h"
#include "JIT/CodeArena.h"

#include "llvm/TargetParser/Host.h"

#include "gtest/gtest.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

namespace {

double seven() { return 7; }
double eight() { return 8; }
double weigh(double A, double B, double C, double D, double E, double F,
             double G, double H) {
  return A + 2 * B + 3 * C + 4 * D + 5 * E + 6 * F + 7 * G + 8 * H;
}
long mix(long A, long B, long C, long D, long E, long F) {
  return A - B + C * D - E * F;
}

using NoArgs = double (*)();

/// Param: whether the indirections are asked to go in an arena.
class IndirectionsTest : public ::testing::TestWithParam<bool> {
protected:
  IndirectionsTest() {
    Ind = cantFail(Indirections::create(Triple(sys::getProcessTriple()),
                                        GetParam() ? &Arena : nullptr,
                                        [this](ExecutorAddr Trampoline) {
                                          Entered.push_back(Trampoline);
                                          return Landing;
                                        }));
  }

  CodeArena Arena;
  std::unique_ptr<Indirections> Ind;
  std::vector<ExecutorAddr> Entered;
  ExecutorAddr Landing = ExecutorAddr::fromPtr(&seven);
};

bool arenaHost() {
#if defined(__x86_64__) && defined(__linux__)
  return true;
#else
  return false;
#endif
}

TEST_P(IndirectionsTest, KindIsTheArenasWhereTheHostAllows) {
  Indirections::Kind Want = GetParam() && arenaHost()
                                ? Indirections::Kind::Arena
                                : Indirections::Kind::ORC;
  EXPECT_EQ(Ind->getKind(), Want);
  if (Want == Indirections::Kind::Arena)
    EXPECT_GT(Arena.getBytesInUse(), 0u); // the resolver
  else
    EXPECT_EQ(Arena.getBytesInUse(), 0u);
}

TEST_P(IndirectionsTest, TrampolineCallsBackWithItsAddressAndLands) {
  ExecutorAddr T = cantFail(Ind->makeTrampoline());
  EXPECT_EQ(T.toPtr<NoArgs>()(), 7);
  ASSERT_EQ(Entered.size(), 1u);
  EXPECT_EQ(Entered[0], T);
}

TEST_P(IndirectionsTest, TrampolineKeepsTheCallersArguments) {
  ExecutorAddr T = cantFail(Ind->makeTrampoline());
  Landing = ExecutorAddr::fromPtr(&weigh);
  auto *Weigh = T.toPtr<double (*)(double, double, double, double, double,
                                   double, double, double)>();
  EXPECT_EQ(Weigh(1, 2, 3, 4, 5, 6, 7, 8), weigh(1, 2, 3, 4, 5, 6, 7, 8));
  ExecutorAddr U = cantFail(Ind->makeTrampoline());
  Landing = ExecutorAddr::fromPtr(&mix);
  auto *Mix = U.toPtr<long (*)(long, long, long, long, long, long)>();
  EXPECT_EQ(Mix(10, 3, 4, 5, 6, 7), mix(10, 3, 4, 5, 6, 7));
}

TEST_P(IndirectionsTest, StubJumpsWhereItWasLastPointed) {
  Indirections::Stub S =
      cantFail(Ind->makeStub("f", ExecutorAddr::fromPtr(&seven)));
  EXPECT_EQ(S.Addr.toPtr<NoArgs>()(), 7);
  cantFail(Ind->setStub("f", S, ExecutorAddr::fromPtr(&eight)));
  EXPECT_EQ(S.Addr.toPtr<NoArgs>()(), 8);
  // At a trampoline, as the JIT points a stub after a definition.
  ExecutorAddr T = cantFail(Ind->makeTrampoline());
  cantFail(Ind->setStub("f", S, T));
  EXPECT_EQ(S.Addr.toPtr<NoArgs>()(), 7);
  EXPECT_EQ(Entered, std::vector<ExecutorAddr>{T});
}

TEST_P(IndirectionsTest, BlocksRunOutAndMoreAreMade) {
  // More than a block of each (64 in the arena).
  std::set<uint64_t> Seen;
  std::vector<Indirections::Stub> Stubs;
  for (int I = 0; I < 300; ++I) {
    ExecutorAddr T = cantFail(Ind->makeTrampoline());
    Indirections::Stub S = cantFail(Ind->makeStub("s" + std::to_string(I), T));
    EXPECT_TRUE(Seen.insert(T.getValue()).second);
    EXPECT_TRUE(Seen.insert(S.Addr.getValue()).second);
    Stubs.push_back(S);
  }
  for (int I = 0; I < 300; I += 37) {
    Entered.clear();
    EXPECT_EQ(Stubs[I].Addr.toPtr<NoArgs>()(), 7);
    ASSERT_EQ(Entered.size(), 1u);
    cantFail(Ind->setStub("s" + std::to_string(I), Stubs[I],
                          ExecutorAddr::fromPtr(&eight)));
    EXPECT_EQ(Stubs[I].Addr.toPtr<NoArgs>()(), 8);
  }
}

TEST_P(IndirectionsTest, StubCanBeRedirectedWhileAnotherThreadCallsIt) {
  // What a compile thread does when its code is ready.
  Indirections::Stub S =
      cantFail(Ind->makeStub("f", ExecutorAddr::fromPtr(&seven)));
  std::atomic<bool> Stop{false};
  std::atomic<long> Bad{0}, Calls{0};
  std::thread Caller([&] {
    while (!Stop.load()) {
      double R = S.Addr.toPtr<NoArgs>()();
      if (R != 7 && R != 8)
        ++Bad;
      ++Calls;
    }
  });
  for (long I = 0; I < 20000 || Calls.load() < 1000; ++I)
    cantFail(
        Ind->setStub("f", S, ExecutorAddr::fromPtr(I % 2 ? &seven : &eight)));
  Stop = true;
  Caller.join();
  EXPECT_EQ(Bad.load(), 0);
}

TEST_P(IndirectionsTest, ArenaSpaceIsGivenBackWithTheIndirections) {
  for (int I = 0; I < 100; ++I)
    cantFail(Ind->makeStub("s" + std::to_string(I),
                           cantFail(Ind->makeTrampoline())));
  Ind.reset();
  EXPECT_EQ(Arena.getBytesInUse(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Kinds, IndirectionsTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &I) {
                           return I.param ? "InArena" : "ORC";
                         });

TEST(IndirectionsFallbackTest, AnArenaThatCannotMapTwiceGetsORCs) {
  CodeArena Arena(256 << 10, CodeArena::Mapping::Reprotect);
  auto Ind = cantFail(Indirections::create(
      Triple(sys::getProcessTriple()), &Arena,
      [](ExecutorAddr) { return ExecutorAddr::fromPtr(&seven); }));
  EXPECT_EQ(Ind->getKind(), Indirections::Kind::ORC);
  ExecutorAddr T = cantFail(Ind->makeTrampoline());
  EXPECT_EQ(T.toPtr<NoArgs>()(), 7);
  EXPECT_EQ(Arena.getNumChunks(), 0u);
}

} // namespace
