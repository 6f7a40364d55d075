//===- SoakTest.cpp - Redefinitions keep nothing (issue 9's soak) ---------===//
//
// A function redefined and called forever must keep memory flat: every
// reusable JIT object (trampolines, symbols, table entries, arena space,
// uniqued constants) is returned when its body is freed. Each test runs the
// soak's round, `def f(x) x + I; f(1);`, through an executor in one mode and
// compares what it holds after a short run with what it holds after a run
// ten times as long: the same, up to the batch in which dead symbols are
// swept. Bytes are the benchmark's business (bench/run --only robust); this
// checks the objects behind them.
//
//===----------------------------------------------------------------------===//

#include "Session/Executor.h"

#include "Support/ParseHelpers.h"

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <functional>
#include <string>

using namespace kaleido;

namespace {

struct Mode {
  const char *Name;
  BaselineKind Baseline;
  unsigned TierUpCalls;
  bool Eager;
  /// Rounds of the short run; the long one has ten times as many. LLVM
  /// compiles each round (about 0.3 ms), native code in microseconds.
  unsigned Rounds;
};

/// At most this many dead symbols wait in the string pool for a sweep
/// (KaleidoJIT::sweepSymbols), and a few more of the rounds in flight.
constexpr size_t SweepBatch = 1024 + 16;

class SoakTest : public ::testing::TestWithParam<Mode> {
protected:
  void SetUp() override {
    ExecutorOptions Opts;
    Opts.Env.Sink = &Sink;
    Opts.Env.Poll = &Poll;
    Opts.Env.InterruptRequested = &Interrupt;
    Opts.Baseline = GetParam().Baseline;
    Opts.TierUpCalls = GetParam().TierUpCalls;
    Opts.Eager = GetParam().Eager;
    auto E = createJITExecutor(P.Functions, std::move(Opts));
    ASSERT_TRUE(bool(E)) << llvm::toString(E.takeError());
    Exec = std::move(*E);
  }

  /// Rounds From..To-1 of the soak, each checked.
  void soak(unsigned From, unsigned To) {
    for (unsigned I = From; I != To; ++I) {
      P.Recorded.clear();
      P.Expressions.clear();
      kaleido::test::load(P, "def f(x) x + " + std::to_string(I) + "; f(1);");
      ASSERT_TRUE(P.Errors.empty()) << P.Errors.front();
      llvm::Error Err = Exec->define("f");
      ASSERT_FALSE(bool(Err)) << llvm::toString(std::move(Err));
      llvm::Expected<double> R = Exec->run(*P.Expressions.back(), "<soak>");
      ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
      ASSERT_EQ(*R, 1.0 + I);
    }
  }

  kaleido::test::Program P;
  std::function<void(llvm::StringRef)> Sink = [](llvm::StringRef) {};
  rt::PollWord Poll{0};
  std::atomic<bool> Interrupt{false};
  std::unique_ptr<Executor> Exec;
};

TEST_P(SoakTest, RedefinitionsKeepNothing) {
  unsigned Short = GetParam().Rounds;
  soak(0, Short);
  RetainedCounts A = Exec->getRetained();
  soak(Short, 10 * Short);
  RetainedCounts B = Exec->getRetained();
  // One name, its stub's one trampoline, at most the current version's
  // body symbol and its recompile's.
  EXPECT_EQ(B.Functions, 1u);
  EXPECT_EQ(B.Trampolines, 1u);
  EXPECT_LE(B.BodySymbols, 2u);
  EXPECT_EQ(B.BodySymbols, A.BodySymbols);
  // The old versions' code went back to the arena.
  EXPECT_EQ(B.ArenaBytes, A.ArenaBytes);
  // The pool held a symbol per version (and per compiled expression).
  EXPECT_LE(B.PoolSymbols, A.PoolSymbols + SweepBatch);
  EXPECT_GE(B.PoolSymbols + SweepBatch, A.PoolSymbols);
}

TEST_P(SoakTest, LLVMGetsAFreshContextAsItGoes) {
  // Eager bodies are LLVM's at the session's level, whatever the baseline.
  if (GetParam().Baseline == BaselineKind::Native && GetParam().TierUpCalls &&
      !GetParam().Eager)
    GTEST_SKIP() << "native code uses no LLVMContext";
  soak(0, 3 * 256);
  // 768 bodies: the first context's 256, then two fresh ones.
  EXPECT_EQ(Exec->getRetained().ContextsRenewed, 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, SoakTest,
    ::testing::Values(
        Mode{"Native", BaselineKind::Native, 1000, false, 2000},
        Mode{"LLVMBaseline", BaselineKind::LLVM, 1000, false, 300},
        Mode{"OptimisedOnFirstCall", BaselineKind::Native, 0, false, 300},
        Mode{"Eager", BaselineKind::Native, 1000, true, 300}),
    [](const ::testing::TestParamInfo<Mode> &I) { return I.param.Name; });

TEST(SoakSessionTest, ASessionKeepsNoUndoHistoryByDefault) {
  // SessionOptions::UndoLimit is 0: the undo log, which holds every
  // replaced syntax tree it records, records nothing.
  SessionOptions O;
  O.Mode = JITMode::Interp;
  auto S = llvm::cantFail(Session::create(std::move(O)));
  std::string Src;
  for (int I = 0; I < 1000; ++I)
    Src += "def f(x) x + " + std::to_string(I) + "; f(1);\n";
  llvm::Error Err = S->run(Src, "soak.ks");
  ASSERT_FALSE(bool(Err)) << llvm::toString(std::move(Err));
  llvm::Expected<UndoneInput> Undo = S->undo();
  EXPECT_FALSE(bool(Undo));
  llvm::consumeError(Undo.takeError());
}

} // namespace
