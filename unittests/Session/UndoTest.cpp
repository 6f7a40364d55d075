//===- UndoTest.cpp - Session::undo takes back one input at a time --------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

using namespace kaleido;

namespace {

struct Host {
  std::vector<double> Results;
  std::unique_ptr<Session> S;

  explicit Host(unsigned UndoLimit = 100, JITMode Mode = JITMode::Lazy,
                unsigned TierUpCalls = 1000) {
    SessionOptions O;
    O.UndoLimit = UndoLimit;
    O.Mode = Mode;
    O.TierUpCalls = TierUpCalls;
    O.CompileThreads = 0;
    O.OnResult = [this](double V) { Results.push_back(V); };
    S = llvm::cantFail(Session::create(std::move(O)));
  }
  void run(llvm::StringRef Src) {
    llvm::Error E = S->run(Src, "<input>");
    ASSERT_FALSE(E) << llvm::toString(std::move(E));
  }
  double eval(llvm::StringRef Expr) {
    Results.clear();
    run(Expr);
    return Results.empty() ? -1 : Results.back();
  }
  UndoneInput undo() {
    auto U = S->undo();
    if (!U) {
      ADD_FAILURE() << llvm::toString(U.takeError());
      return {};
    }
    return *U;
  }
};

TEST(UndoTest, RestoresThePreviousBodyThroughTheSameStub) {
  Host H;
  H.run("def f(x) x + 1;");
  auto F = llvm::cantFail(H.S->lookup<double(double)>("f"));
  EXPECT_EQ(F(1), 2);
  H.run("def f(x) x * 10;");
  EXPECT_EQ(F(1), 10);
  UndoneInput U = H.undo();
  EXPECT_EQ(U.Restored, std::vector<std::string>{"f"});
  EXPECT_TRUE(U.Removed.empty());
  EXPECT_EQ(F(1), 2) << "the same address reaches the old body";
  EXPECT_EQ(H.eval("f(2);"), 3);
}

TEST(UndoTest, RemovesWhatTheInputDeclared) {
  Host H;
  H.run("def f(x) x;");
  H.run("def g(x) f(x) + 1; extern cos(x);");
  UndoneInput U = H.undo();
  EXPECT_EQ(U.BufferName, "<input>");
  EXPECT_EQ(U.Removed, (std::vector<std::string>{"cos", "g"}));
  H.run("f(1);");
  llvm::Error E = H.S->run("g(1);", "<input>");
  EXPECT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
  // A name that is gone may come back with another arity.
  H.run("def g(a b) a - b;");
  EXPECT_EQ(H.eval("g(5, 2);"), 3);
}

TEST(UndoTest, WalksBackInOrderAndSaysWhenThereIsNothingLeft) {
  Host H;
  H.run("def f(x) 1;");
  H.run("def f(x) 2;");
  H.run("f(0);"); // Changes nothing: not an undo step.
  H.run("def f(x) 3;");
  EXPECT_EQ(H.eval("f(0);"), 3);
  H.undo();
  EXPECT_EQ(H.eval("f(0);"), 2);
  H.undo();
  EXPECT_EQ(H.eval("f(0);"), 1);
  H.undo();
  auto Last = H.S->undo();
  ASSERT_FALSE(bool(Last));
  llvm::handleAllErrors(Last.takeError(), [](const SessionError &E) {
    EXPECT_EQ(E.getKind(), ErrorKind::Usage);
    EXPECT_EQ(E.getMessage(), "nothing to undo");
  });
  EXPECT_TRUE(H.S->functions().empty());
}

TEST(UndoTest, RestoresAnOperatorsPrecedence) {
  Host H;
  // a | b is a * 10 + b: at precedence 5 `1 + 2 | 3` is (1 + 2) | 3 = 33,
  // at 50 it is 1 + (2 | 3) = 24.
  H.run("def binary| 5 (a b) a * 10 + b;");
  EXPECT_EQ(H.eval("1 + 2 | 3;"), 33);
  H.run("def binary| 50 (a b) a * 10 + b;");
  EXPECT_EQ(H.eval("1 + 2 | 3;"), 24);
  H.undo();
  EXPECT_EQ(H.eval("1 + 2 | 3;"), 33);
  H.undo();
  llvm::Error E = H.S->run("1 + 2 | 3;", "<input>");
  EXPECT_TRUE(bool(E)) << "'|' is no binary operator any more";
  llvm::consumeError(std::move(E));
}

TEST(UndoTest, RestoresThePrecedenceAnExternedOperatorSet) {
  Host H;
  H.run("def binary| 5 (a b) a * 10 + b;");
  H.run("extern binary| 50 (a b);");
  EXPECT_EQ(H.eval("1 + 2 | 3;"), 24);
  H.undo();
  EXPECT_EQ(H.eval("1 + 2 | 3;"), 33);
}

TEST(UndoTest, ADefinitionOfAnExternGoesBackToTheHostFunction) {
  Host H;
  H.run("extern cos(x);");
  H.run("def cos(x) 5;");
  EXPECT_EQ(H.eval("cos(0);"), 5);
  EXPECT_EQ(H.undo().Restored, std::vector<std::string>{"cos"});
  EXPECT_EQ(H.eval("cos(0);"), 1) << "the C library's cos again";
}

TEST(UndoTest, CodeThatInlinedTheUndoneBodySeesTheChange) {
  Host H(100, JITMode::Lazy, /*TierUpCalls=*/2);
  H.run("def f(x) 1; def g(x) f(x) + 0;");
  // g tiers up at -O2, inlining f (guarded by f's version word).
  for (int I = 0; I < 4; ++I)
    EXPECT_EQ(H.eval("g(0);"), 1);
  H.run("def f(x) 2;");
  EXPECT_EQ(H.eval("g(0);"), 2);
  H.undo();
  EXPECT_EQ(H.eval("g(0);"), 1);
}

TEST(UndoTest, TheLimitBoundsTheHistory) {
  Host None(0);
  None.run("def f(x) 1;");
  EXPECT_FALSE(bool(None.S->undo())) << "no history by default";
  llvm::consumeError(None.S->undo().takeError());

  Host Two(2);
  Two.run("def f(x) 1;");
  Two.run("def f(x) 2;");
  Two.run("def f(x) 3;");
  Two.undo();
  Two.undo();
  EXPECT_EQ(Two.eval("f(0);"), 1);
  auto Third = Two.S->undo();
  EXPECT_FALSE(bool(Third)) << "the oldest input fell off the log";
  llvm::consumeError(Third.takeError());
}

TEST(UndoTest, WorksInTheInterpreter) {
  Host H(100, JITMode::Interp);
  H.run("def f(x) 1;");
  H.run("def f(x) 2;");
  H.undo();
  EXPECT_EQ(H.eval("f(0);"), 1);
}

} // namespace
