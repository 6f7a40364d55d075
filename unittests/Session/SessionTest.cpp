//===- SessionTest.cpp - The embedding API, as a host uses it -------------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace kaleido;

namespace {

/// A session whose output and diagnostics are captured.
struct Host {
  std::string Out;
  std::vector<std::string> Diags;
  std::vector<double> Results;
  std::vector<std::string> Compiled;
  /// The level of each compile: "0", "2", ... or "up" for a tier-up.
  std::vector<std::string> Levels;
  std::unique_ptr<Session> S;

  /// The compile events that came from a compile thread.
  unsigned Background = 0;

  /// Tier-ups compile on the calling thread unless CompileThreads is set, so
  /// that a test sees them in order.
  explicit Host(JITMode Mode = JITMode::Lazy, unsigned Opt = 2,
                unsigned TierUpCalls = 1000, unsigned CompileThreads = 0) {
    SessionOptions O;
    O.Mode = Mode;
    O.OptLevel = Opt;
    O.TierUpCalls = TierUpCalls;
    O.CompileThreads = CompileThreads;
    O.OnOutput = [this](llvm::StringRef B) { Out += B.str(); };
    O.OnDiagnostic = [this](const Diagnostic &D) {
      Diags.push_back(D.format());
    };
    O.OnResult = [this](double V) { Results.push_back(V); };
    O.OnCompile = [this](const CompileEvent &E) {
      Compiled.push_back(E.Name);
      Levels.push_back(E.TierUp ? "up" : std::to_string(E.OptLevel));
      Background += E.Background;
    };
    S = llvm::cantFail(Session::create(std::move(O)));
  }

  void run(llvm::StringRef Src) {
    llvm::Error E = S->run(Src, "test.ks");
    ASSERT_FALSE(E) << llvm::toString(std::move(E));
  }
};

TEST(SessionTest, TwoSessionsAreIndependent) {
  Host A, B;
  A.run("def f(x) x + 1;");
  B.run("def f(x) x * 10;");
  A.run("f(1);");
  B.run("f(1);");
  EXPECT_EQ(A.Results, std::vector<double>{2});
  EXPECT_EQ(B.Results, std::vector<double>{10});
  // A name defined in one is unknown in the other.
  A.run("def onlyA() 1;");
  llvm::Error E = B.S->run("onlyA();", "b.ks");
  EXPECT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
}

TEST(SessionTest, LookupReturnsAPermanentTypedPointer) {
  Host H;
  H.run("def sq(x) x * x;");
  auto Sq = H.S->lookup<double(double)>("sq");
  ASSERT_TRUE(bool(Sq)) << llvm::toString(Sq.takeError());
  EXPECT_EQ((*Sq)(7), 49);
  // Redefinition keeps the address and changes what it runs.
  H.run("def sq(x) x * x * x;");
  auto Again = H.S->lookup<double(double)>("sq");
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(*Again, *Sq);
  EXPECT_EQ((*Sq)(2), 8);
}

TEST(SessionTest, RedefinitionFreesTheOldBody) {
  Host H;
  H.run("def f(x) x + 1; f(1);");
  EXPECT_EQ(H.S->getStats().BodiesFreed, 0u);
  H.run("def f(x) x + 2; f(1);");
  EXPECT_EQ(H.S->getStats().BodiesFreed, 1u);
  // A body that was never compiled has no code to free.
  H.run("def f(x) x + 3; def f(x) x + 4; f(1);");
  EXPECT_EQ(H.S->getStats().BodiesFreed, 2u);
  EXPECT_EQ(H.Results, (std::vector<double>{2, 3, 5}));
}

TEST(SessionTest, TierUpKeepsTheAddressAndFreesBaselineCodeAtTopLevel) {
  Host H(JITMode::Lazy, 2, /*TierUpCalls=*/2);
  H.run("def f(x) x * 3 + 1;");
  auto F = H.S->lookup<double(double)>("f");
  ASSERT_TRUE(bool(F)) << llvm::toString(F.takeError());
  // Called from the host, outside any top-level expression: the first call
  // compiles baseline code, the second recompiles f at -O2 while the
  // baseline code is running.
  EXPECT_EQ((*F)(1), 4);
  EXPECT_EQ((*F)(2), 7);
  EXPECT_EQ(H.Compiled, (std::vector<std::string>{"f", "f"}));
  EXPECT_EQ(H.Levels, (std::vector<std::string>{"0", "up"}));
  EXPECT_EQ(H.S->getStats().TierUps, 1u);
  EXPECT_EQ(H.S->getStats().FunctionsCompiled, 1u);
  // The baseline code could still have frames on the stack: it is freed the
  // next time the session is at top level, not before.
  EXPECT_EQ(H.S->getStats().BodiesFreed, 0u);
  EXPECT_EQ((*F)(3), 10);
  H.run("f(4);");
  EXPECT_EQ(H.Results, std::vector<double>{13});
  EXPECT_EQ(H.S->getStats().BodiesFreed, 1u);
  // Redefinition after a tier-up starts over in the baseline tier.
  H.run("def f(x) x - 1; f(5); f(6);");
  EXPECT_EQ(H.Results, (std::vector<double>{13, 4, 5}));
  EXPECT_EQ(H.Levels, (std::vector<std::string>{"0", "up", "0", "up"}));
  EXPECT_EQ(H.S->getStats().BodiesFreed, 3u);
  EXPECT_EQ((*F)(10), 9);
}

TEST(SessionTest, ACompileThreadTiersUpWhileTheProgramGoesOn) {
  Host H(JITMode::Lazy, 2, /*TierUpCalls=*/2, /*CompileThreads=*/1);
  H.run("def g(x) x + 1; def f(x) g(x) * 3 + 1; f(1); f(2);");
  H.S->waitForCompiles();
  // f's counter runs out before g's: one thread compiles them in that order.
  EXPECT_EQ(H.Compiled, (std::vector<std::string>{"f", "g", "f", "g"}));
  EXPECT_EQ(H.Levels, (std::vector<std::string>{"0", "0", "up", "up"}));
  EXPECT_EQ(H.Background, 2u);
  SessionStats St = H.S->getStats();
  EXPECT_EQ(St.BackgroundTierUps, 2u);
  EXPECT_EQ(St.TierUps, 2u);
  EXPECT_EQ(St.BackgroundDropped, 0u);
  EXPECT_GE(St.CompileQueueMaxSeconds, 0);
  EXPECT_GE(St.CompileQueueSeconds, St.CompileQueueMaxSeconds);
  // The optimised f inlined g as it was; a new g reaches it all the same.
  H.run("f(3); def g(x) x - 1; f(3);");
  EXPECT_EQ(H.Results, (std::vector<double>{7, 10, 13, 7}));
}

TEST(SessionTest, AfterStopCompileThreadsTierUpsCompileOnTheProgramsThread) {
  Host H(JITMode::Lazy, 2, /*TierUpCalls=*/2, /*CompileThreads=*/2);
  H.S->stopCompileThreads();
  H.S->stopCompileThreads(); // idempotent
  H.run("def f(x) x * 3 + 1; f(1); f(2);");
  EXPECT_EQ(H.Levels, (std::vector<std::string>{"0", "up"}));
  EXPECT_EQ(H.Background, 0u);
  EXPECT_EQ(H.S->getStats().BackgroundTierUps, 0u);
  EXPECT_EQ(H.S->getStats().TierUps, 1u);
}

TEST(SessionTest, TooManyCompileThreadsIsAUsageError) {
  SessionOptions O;
  O.CompileThreads = MaxCompileThreads + 1;
  auto S = Session::create(std::move(O));
  ASSERT_FALSE(bool(S));
  llvm::Error E = S.takeError();
  std::string Msg = llvm::toString(std::move(E));
  EXPECT_NE(Msg.find("at most 64 compile threads"), std::string::npos) << Msg;
}

TEST(SessionTest, LoopsAndSelfCallsSkipTheBaselineTier) {
  Host H(JITMode::Lazy, 2, /*TierUpCalls=*/1000);
  H.run("def loop(n) var s = 0 in (for i = 0, i < n in s = s + i) + s;"
        "def down(n) if n < 1 then 0 else down(n - 1);"
        "def plain(n) n + 1;"
        "loop(4); down(3); plain(1);");
  EXPECT_EQ(H.Results, (std::vector<double>{6, 0, 2}));
  EXPECT_EQ(H.Compiled, (std::vector<std::string>{"loop", "down", "plain"}));
  EXPECT_EQ(H.Levels, (std::vector<std::string>{"2", "2", "0"}));
}

TEST(SessionTest, TieringOffCompilesAtTheLevelOnce) {
  Host H(JITMode::Lazy, 2, /*TierUpCalls=*/0);
  H.run("def f(x) x + 1; f(1); f(2); f(3);");
  EXPECT_EQ(H.Levels, std::vector<std::string>{"2"});
  Host O0(JITMode::Lazy, 0, /*TierUpCalls=*/1);
  O0.run("def f(x) x + 1; f(1); f(2); f(3);");
  EXPECT_EQ(O0.Levels, std::vector<std::string>{"0"});
  EXPECT_EQ(O0.S->getStats().TierUps, 0u);
}

TEST(SessionTest, ManyRedefinitionsKeepWorking) {
  Host H;
  H.run("def g(x) 0; def caller(x) g(x) + 1;");
  for (int I = 1; I <= 200; ++I)
    H.run(
        llvm::StringRef("def g(x) x * " + std::to_string(I) + "; caller(2);"));
  ASSERT_EQ(H.Results.size(), 200u);
  EXPECT_EQ(H.Results.back(), 401);
  EXPECT_EQ(H.S->getStats().BodiesFreed, 199u);
}

TEST(SessionTest, LookupChecksArity) {
  Host H;
  H.run("def add(a b) a + b;");
  auto Bad = H.S->lookup<double(double)>("add");
  EXPECT_FALSE(bool(Bad));
  llvm::consumeError(Bad.takeError());
  auto Good = H.S->lookup<double(double, double)>("add");
  ASSERT_TRUE(bool(Good));
  EXPECT_EQ((*Good)(2, 3), 5);
}

TEST(SessionTest, CallRunsUnderTheGuard) {
  Host H;
  H.run("extern nothere(x); def g(x) nothere(x) + 1;");
  auto R = H.S->call("g", {1.0});
  ASSERT_FALSE(bool(R));
  llvm::handleAllErrors(R.takeError(), [](const SessionError &E) {
    EXPECT_EQ(E.getKind(), ErrorKind::Runtime);
  });
  ASSERT_EQ(H.Diags.size(), 1u);
  EXPECT_NE(H.Diags[0].find("call to 'nothere'"), std::string::npos);
  // The session still works, and defining the missing function fixes g.
  H.run("def nothere(x) x * 2;");
  auto R2 = H.S->call("g", {4.0});
  ASSERT_TRUE(bool(R2));
  EXPECT_EQ(*R2, 9);
}

TEST(SessionTest, OutputGoesToTheHost) {
  Host H;
  H.run("extern printd(x); extern putchard(c); printd(1.5); putchard(65);");
  EXPECT_EQ(H.Out, "1.500000\nA");
}

TEST(SessionTest, OnlyCalledFunctionsAreCompiled) {
  Host H;
  H.run("def a() 1; def b() a() + 1; def c() 3;");
  EXPECT_EQ(H.S->getStats().FunctionsCompiled, 0u);
  H.run("b();");
  EXPECT_EQ(H.S->getStats().FunctionsDefined, 3u);
  EXPECT_EQ(H.S->getStats().FunctionsCompiled, 2u);
  // "b();" is a plain call: it runs through b's stub without being compiled.
  EXPECT_EQ(H.Compiled, (std::vector<std::string>{"b", "a"}));
  // So is a choice between calls: only the arm taken calls anything.
  H.run("if b() then c() else a();");
  EXPECT_EQ(H.Compiled, (std::vector<std::string>{"b", "a", "c"}));
  // An expression with a loop is compiled.
  H.run("for i = 0, i < 1 in c();");
  EXPECT_EQ(H.Compiled,
            (std::vector<std::string>{"b", "a", "c", "<expr@1:1>"}));
}

TEST(SessionTest, EagerCompilesEverythingUpFront) {
  Host H(JITMode::Eager);
  H.run("def a() 1; def b() a() + 1; def c() 3;");
  EXPECT_EQ(H.S->getStats().FunctionsCompiled, 3u);
  H.run("b();");
  EXPECT_EQ(H.Results, std::vector<double>{2});
}

TEST(SessionTest, CompileErrorKeepsEarlierDefinitions) {
  Host H;
  H.run("def one() 1;");
  llvm::Error E =
      H.S->run("def two() 2; def bad() nope; def three() 3;", "x.ks");
  ASSERT_TRUE(bool(E));
  llvm::handleAllErrors(std::move(E), [](const SessionError &SE) {
    EXPECT_EQ(SE.getKind(), ErrorKind::Compile);
  });
  H.run("one() + two();");
  EXPECT_EQ(H.Results, std::vector<double>{3});
  llvm::Error Three = H.S->run("three();", "y.ks");
  EXPECT_TRUE(bool(Three)); // 'three' came after the error: never defined.
  llvm::consumeError(std::move(Three));
}

TEST(SessionTest, NeedsMoreInput) {
  Host H;
  EXPECT_TRUE(H.S->needsMoreInput("def f(x)"));
  EXPECT_TRUE(H.S->needsMoreInput("(1 + "));
  EXPECT_FALSE(H.S->needsMoreInput("1 + 2"));
  EXPECT_FALSE(H.S->needsMoreInput("1 + )"));
  EXPECT_FALSE(H.S->needsMoreInput(""));
}

TEST(SessionTest, EveryOptLevelGivesTheSameBits) {
  const char *Src =
      "def f(x) var s = 0 in (for i = 1, i < x in "
      "s = s * 0.999 + (i * i * 0.3 + x) * 0.001) + s * 0.1; f(1000);";
  std::vector<double> Values;
  for (unsigned O = 0; O <= 3; ++O) {
    Host H(JITMode::Lazy, O);
    H.run(Src);
    ASSERT_EQ(H.Results.size(), 1u);
    Values.push_back(H.Results[0]);
  }
  for (double V : Values)
    EXPECT_EQ(std::memcmp(&V, &Values[0], sizeof V), 0);
}

} // namespace
