//===- DialectTest.cpp - SessionOptions::Language -------------------------===//
//
// The dialect is a session's, fixed at create(): two sessions of different
// dialects live side by side, each reading its own language, and the host
// gets the formula dialect's division through lookup() and call().
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace kaleido;

namespace {

std::unique_ptr<Session> makeSession(Dialect D,
                                     std::vector<std::string> &Diags) {
  SessionOptions O;
  O.Language = D;
  O.OnDiagnostic = [&Diags](const Diagnostic &Diag) {
    Diags.push_back(Diag.Message);
  };
  return llvm::cantFail(Session::create(std::move(O)));
}

TEST(DialectTest, TheDefaultIsTheTutorials) {
  EXPECT_EQ(SessionOptions().Language, Dialect::Tutorial);
}

TEST(DialectTest, SessionsOfEachDialectSideBySide) {
  std::vector<std::string> TD, FD;
  auto Tutorial = makeSession(Dialect::Tutorial, TD);
  auto Formula = makeSession(Dialect::Formula, FD);

  // The tutorial's '/' is the program's; the formula dialect's is built in.
  ASSERT_FALSE(Tutorial->run("def binary/ 40 (a b) a - b;", "t.ks"));
  llvm::Error E = Formula->run("def binary/ 40 (a b) a - b;", "f.ks");
  ASSERT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
  ASSERT_EQ(FD.size(), 1u);
  EXPECT_EQ(FD[0],
            "cannot redefine built-in operator '/' of the formula dialect");

  ASSERT_FALSE(Tutorial->run("def q(a b) a / b;", "t.ks"));
  ASSERT_FALSE(Formula->run("def q(a b) a / b * 1e1;", "f.ks"));
  EXPECT_EQ(llvm::cantFail(Tutorial->call("q", {8, 2})), 6.0);
  EXPECT_EQ(llvm::cantFail(Formula->call("q", {8, 2})), 40.0);

  // Exponents are the formula dialect's only.
  llvm::Error Exp = Tutorial->run("1e3;", "t.ks");
  ASSERT_TRUE(bool(Exp));
  llvm::consumeError(std::move(Exp));
  EXPECT_EQ(TD.back(), "malformed number '1e3'");
}

TEST(DialectTest, DivisionByZeroThroughLookupIsIEEE) {
  std::vector<std::string> Diags;
  auto S = makeSession(Dialect::Formula, Diags);
  ASSERT_FALSE(S->run("def div(a b) a / b;", "f.ks"));
  auto Div = llvm::cantFail(S->lookup<double(double, double)>("div"));
  const double Inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Div(1, 0), Inf);
  EXPECT_EQ(Div(-1, 0), -Inf);
  EXPECT_EQ(Div(1, -0.0), -Inf);
  EXPECT_TRUE(std::isnan(Div(0, 0)));
  EXPECT_EQ(Div(1, 3), 1.0 / 3.0);
}

TEST(DialectTest, NeedsMoreInputReadsTheDialect) {
  std::vector<std::string> TD, FD;
  auto Tutorial = makeSession(Dialect::Tutorial, TD);
  auto Formula = makeSession(Dialect::Formula, FD);
  // "1 /" is an unfinished expression only where '/' is an operator.
  EXPECT_TRUE(Formula->needsMoreInput("def f(x) x /"));
  EXPECT_FALSE(Tutorial->needsMoreInput("def f(x) x /"));
  EXPECT_FALSE(Formula->needsMoreInput("def f(x) x / 2.5e-1"));
}

} // namespace
