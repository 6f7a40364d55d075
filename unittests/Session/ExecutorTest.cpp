//===- ExecutorTest.cpp - The JIT and the interpreter behind one seam -----===//
//
// Every behaviour the session relies on, for both executors: the same
// program gives the same values and the same faults.
//
//===----------------------------------------------------------------------===//

#include "Session/Executor.h"

#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

using namespace kaleido;

namespace {

enum class Kind { JIT, Interp };

class ExecutorTest : public ::testing::TestWithParam<Kind> {
protected:
  void SetUp() override {
    ExecutorOptions Opts;
    Opts.Env.Sink = &Sink;
    Opts.Env.Poll = &Poll;
    Opts.Env.InterruptRequested = &Interrupt;
    Opts.OnCompile = [this](const CompileEvent &E) {
      Compiled.push_back(E.Name);
    };
    if (GetParam() == Kind::Interp) {
      Exec = createInterpExecutor(P.Functions, std::move(Opts));
      return;
    }
    auto E = createJITExecutor(P.Functions, std::move(Opts));
    ASSERT_TRUE(bool(E)) << llvm::toString(E.takeError());
    Exec = std::move(*E);
  }

  /// Reads Src as the session does and tells the executor about every
  /// extern and def in it.
  void load(llvm::StringRef Src) {
    size_t Before = P.Recorded.size();
    test::load(P, Src);
    ASSERT_TRUE(P.Errors.empty()) << P.Errors.front();
    for (size_t I = Before; I < P.Recorded.size(); ++I) {
      const auto &[Name, IsDef] = P.Recorded[I];
      if (IsDef)
        ASSERT_FALSE(bool(Exec->define(Name)));
      else
        ASSERT_FALSE(bool(Exec->declare(Name, P.Functions[Name].Arity)));
    }
  }

  /// Runs the last expression loaded.
  llvm::Expected<double> runLast() {
    return Exec->run(*P.Expressions.back(), "<test>");
  }

  /// The fault of a failed run, and its message.
  static std::pair<rt::Fault, std::string> faultOf(llvm::Error Err) {
    std::pair<rt::Fault, std::string> R{rt::Fault::None, "not a fault"};
    llvm::handleAllErrors(
        std::move(Err),
        [&](const rt::RuntimeError &E) { R = {E.getFault(), E.message()}; },
        [&](const llvm::ErrorInfoBase &E) { R.second = E.message(); });
    return R;
  }

  test::Program P;
  std::string Out;
  std::function<void(llvm::StringRef)> Sink = [this](llvm::StringRef S) {
    Out += S.str();
  };
  rt::PollWord Poll{0};
  std::atomic<bool> Interrupt{false};
  std::vector<std::string> Compiled;
  std::unique_ptr<Executor> Exec;
};

TEST_P(ExecutorTest, RunsAnExpressionOverTheDefinitions) {
  load("def sq(x) x * x; sq(7) + 1;");
  llvm::Expected<double> R = runLast();
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(*R, 50);
}

TEST_P(ExecutorTest, AnExpressionThatNeedsCompilingRunsToo) {
  load("def f(n) var s = 0 in (for i = 0, i < n in s = s + i) + s; f(5);");
  llvm::Expected<double> R = runLast();
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(*R, 10);
}

TEST_P(ExecutorTest, ARedefinitionIsSeenByTheNextRun) {
  load("def f() 1; def g() f(); g();");
  ASSERT_EQ(cantFail(runLast()), 1);
  load("def f() 2; g();");
  EXPECT_EQ(cantFail(runLast()), 2);
}

TEST_P(ExecutorTest, ProgramOutputGoesToTheSink) {
  load("extern putchard(c); putchard(65);");
  ASSERT_TRUE(bool(runLast()));
  EXPECT_EQ(Out, "A");
}

TEST_P(ExecutorTest, AnExternDefinedNowhereIsARuntimeFault) {
  load("extern nowhere(x); nowhere(1);");
  auto [Fault, Msg] = faultOf(runLast().takeError());
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_NE(Msg.find("'nowhere', which is declared by 'extern' but defined "
                     "nowhere"),
            std::string::npos)
      << Msg;
}

TEST_P(ExecutorTest, DeepRecursionIsAStackOverflowFault) {
  load("def down(x) if x < 1 then 0 else 1 + down(x - 1); down(1000000000);");
  auto [Fault, Msg] = faultOf(runLast().takeError());
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_EQ(Msg, "stack overflow in 'down'");
}

TEST_P(ExecutorTest, AnInterruptStopsALoop) {
  load("def spin(x) for i = 0, 1 in 0; spin(0);");
  Interrupt.store(true);
  auto [Fault, Msg] = faultOf(runLast().takeError());
  EXPECT_EQ(Fault, rt::Fault::Interrupted);
  EXPECT_EQ(Msg, "interrupted");
}

TEST_P(ExecutorTest, OnlyTheJITHasMachineCodeToLookUp) {
  load("def twice(x) 2 * x;");
  llvm::Expected<uint64_t> Addr = Exec->lookupAddress("twice");
  if (GetParam() == Kind::Interp) {
    ASSERT_FALSE(bool(Addr));
    EXPECT_TRUE(Addr.errorIsA<SessionError>());
    llvm::consumeError(Addr.takeError());
    return;
  }
  ASSERT_TRUE(bool(Addr)) << llvm::toString(Addr.takeError());
  auto *Twice = reinterpret_cast<double (*)(double)>(*Addr);
  // Outside a guarded call: fine for code that cannot fail.
  EXPECT_EQ(Twice(21), 42);
}

TEST_P(ExecutorTest, OnlyTheJITCompiles) {
  load("def sq(x) x * x; sq(3);");
  ASSERT_TRUE(bool(runLast()));
  SessionStats S;
  Exec->addStats(S);
  if (GetParam() == Kind::Interp) {
    EXPECT_TRUE(Compiled.empty());
    EXPECT_EQ(S.FunctionsCompiled, 0u);
    return;
  }
  EXPECT_EQ(Compiled, std::vector<std::string>{"sq"});
  EXPECT_EQ(S.FunctionsCompiled, 1u);
}

INSTANTIATE_TEST_SUITE_P(BothExecutors, ExecutorTest,
                         ::testing::Values(Kind::JIT, Kind::Interp),
                         [](const ::testing::TestParamInfo<Kind> &I) {
                           return I.param == Kind::JIT ? "JIT" : "Interp";
                         });

} // namespace
