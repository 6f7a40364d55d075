//===- DebugInfoTest.cpp - SessionOptions::DebugInfo ----------------------===//
//
// A debugged session registers every body it compiles, of every tier, on
// the GDB JIT interface's list (LLVM's __jit_debug_descriptor), forgets
// native bodies it replaces, keeps replaced code, compiles tier-ups on the
// program's thread, and computes what an undebugged session computes; an
// undebugged session registers nothing.
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "llvm/ExecutionEngine/Orc/TargetProcess/JITLoaderGDB.h"

#include "gtest/gtest.h"

extern "C" {
// NOLINTNEXTLINE(readability-identifier-naming): the GDB JIT interface's.
extern jit_descriptor __jit_debug_descriptor;
}

using namespace kaleido;

namespace {

size_t registered() {
  size_t N = 0;
  for (jit_code_entry *E = __jit_debug_descriptor.first_entry; E;
       E = E->next_entry)
    ++N;
  return N;
}

struct Host {
  std::vector<double> Results;
  unsigned Background = 0, TierUps = 0;
  std::unique_ptr<Session> S;

  Host(bool Debug, BaselineKind Baseline, unsigned TierUpCalls = 1000,
       unsigned CompileThreads = 0) {
    SessionOptions O;
    O.DebugInfo = Debug;
    O.Baseline = Baseline;
    O.TierUpCalls = TierUpCalls;
    O.CompileThreads = CompileThreads;
    O.OnResult = [this](double V) { Results.push_back(V); };
    O.OnCompile = [this](const CompileEvent &E) {
      Background += E.Background;
      TierUps += E.TierUp;
    };
    S = llvm::cantFail(Session::create(std::move(O)));
  }

  void run(llvm::StringRef Src) {
    llvm::Error E = S->run(Src, "test.ks");
    ASSERT_FALSE(E) << llvm::toString(std::move(E));
  }
};

const char *Program = "def sq(x) x * x; def fib(n) if n < 2 then n else "
                      "fib(n-1) + fib(n-2); sq(3); fib(10);";

TEST(SessionDebugInfoTest, EveryCompiledBodyIsRegistered) {
  size_t Before = registered();
  std::vector<double> Plain;
  {
    Host H(false, DefaultBaseline);
    H.run(Program);
    Plain = H.Results;
    EXPECT_EQ(registered(), Before);
  }
  for (BaselineKind B : {BaselineKind::Native, BaselineKind::LLVM}) {
    if (B == BaselineKind::Native && DefaultBaseline != BaselineKind::Native)
      continue;
    // LLVM's registrations outlive their session (JITLoaderGDB has no way
    // to take one back): count from here.
    size_t Start = registered();
    Host H(true, B);
    H.run(Program);
    EXPECT_EQ(H.Results, Plain);
    // sq (baseline code) and fib (optimised: it calls itself).
    EXPECT_EQ(registered(), Start + 2);
  }
}

TEST(SessionDebugInfoTest, ReplacedNativeBodiesAreForgottenAndKept) {
  if (DefaultBaseline != BaselineKind::Native)
    GTEST_SKIP() << "no native baseline generator on this host";
  size_t Before = registered();
  Host H(true, BaselineKind::Native);
  H.run("def f(x) x + 1; f(1);");
  EXPECT_EQ(registered(), Before + 1);
  H.run("def f(x) x + 2; f(1);");
  EXPECT_EQ(registered(), Before + 1);
  // Kept for the debugger, not freed: a breakpoint may be inserted in it.
  EXPECT_EQ(H.S->getStats().BodiesFreed, 0u);
  EXPECT_EQ(H.Results, (std::vector<double>{2, 3}));
}

TEST(SessionDebugInfoTest, TierUpsCompileOnTheProgramsThread) {
  Host H(true, DefaultBaseline, /*TierUpCalls=*/2, /*CompileThreads=*/1);
  H.run("def f(x) x * 3; f(1); f(2); f(3); f(4);");
  EXPECT_EQ(H.TierUps, 1u);
  EXPECT_EQ(H.Background, 0u);
  EXPECT_EQ(H.Results, (std::vector<double>{3, 6, 9, 12}));
}

} // namespace
