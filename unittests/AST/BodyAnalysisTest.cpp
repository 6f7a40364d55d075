//===- BodyAnalysisTest.cpp - Size and boundedness of a body --------------===//

#include "AST/BodyAnalysis.h"

#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

using namespace kaleido;

namespace {

BodyMeasure measure(llvm::StringRef Src, llvm::StringRef Name,
                    unsigned Cap = ~0u - 1) {
  test::Program P;
  test::load(P, Src);
  EXPECT_TRUE(P.Errors.empty()) << P.Errors.front();
  const FunctionAST *F = P.body(Name);
  EXPECT_NE(F, nullptr);
  return F ? measureBody(*F, Cap) : BodyMeasure();
}

TEST(BodyAnalysisTest, CountsExpressionNodes) {
  EXPECT_EQ(measure("def sq(x) x * x;", "sq").Nodes, 3u);
  EXPECT_FALSE(measure("def sq(x) x * x;", "sq").MayLoop);
}

TEST(BodyAnalysisTest, StopsCountingPastTheCap) {
  BodyMeasure M = measure("def f(x) x + x + x + x + x;", "f", 3);
  EXPECT_EQ(M.Nodes, 4u);
}

TEST(BodyAnalysisTest, AForLoopMayLoop) {
  EXPECT_TRUE(measure("def f(n) for i = 0, i < n in 0;", "f").MayLoop);
}

TEST(BodyAnalysisTest, ACallToItselfMayLoop) {
  EXPECT_TRUE(
      measure("def fib(x) if x < 3 then 1 else fib(x-1) + fib(x-2);", "fib")
          .MayLoop);
}

TEST(BodyAnalysisTest, AnOperatorThatUsesItselfMayLoop) {
  EXPECT_TRUE(measure("def unary!(v) if v < 1 then 0 else !(v - 1);", "unary!")
                  .MayLoop);
}

TEST(BodyAnalysisTest, CallingOtherFunctionsIsBounded) {
  EXPECT_FALSE(measure("def g(x) x; def f(x) g(x) + g(g(x));", "f").MayLoop);
}

TEST(BodyAnalysisTest, ATopLevelExpressionNeverCallsItself) {
  test::Program P;
  test::load(P, "def f(x) x; f(1);");
  ASSERT_EQ(P.Expressions.size(), 1u);
  EXPECT_FALSE(mayLoop(*P.Expressions[0]));
}

TEST(BodyAnalysisTest, ListsEveryCalleeIncludingUserOperators) {
  test::Program P;
  test::load(P, "def unary-(v) 0 - v; def binary| 5 (a b) a + b;"
                "def g(x) x; def h(x) x;"
                "def f(x) for i = g(1), i < h(2) in -(x | g(x));");
  ASSERT_TRUE(P.Errors.empty()) << P.Errors.front();
  const FunctionAST *F = P.body("f");
  ASSERT_NE(F, nullptr);
  std::vector<std::string> Names;
  forEachCallee(*F->Body, [&](llvm::StringRef N) { Names.push_back(N.str()); });
  EXPECT_EQ(Names,
            (std::vector<std::string>{"g", "h", "unary-", "binary|", "g"}));
}

TEST(BodyAnalysisTest, BuiltinOperatorsCallNothing) {
  test::Program P;
  test::load(P, "def f(x) var y = x * 2 in y < x + 1;");
  ASSERT_TRUE(P.Errors.empty()) << P.Errors.front();
  std::vector<std::string> Names;
  forEachCallee(*P.body("f")->Body,
                [&](llvm::StringRef N) { Names.push_back(N.str()); });
  EXPECT_TRUE(Names.empty());
}

} // namespace

namespace {

bool fits(const std::string &Src) {
  test::Program P;
  test::load(P, Src);
  EXPECT_TRUE(P.Errors.empty()) << P.Errors.front();
  const FunctionAST *F = P.body("f");
  return F && fitsOptimiser(*F);
}

/// `def f(x) ` and N nested `for`s around x.
std::string nestedFors(unsigned N) {
  std::string Body = "x";
  for (unsigned I = 0; I < N; ++I)
    Body = "for i" + std::to_string(I) + " = 0, 0 in " + Body;
  return "def f(x) " + Body + ";";
}

/// `def f(x) 1 + 1 + ...`: N terms in nests of at most 500.
std::string longSum(unsigned N) {
  std::string Body = "0";
  for (unsigned I = 1; I < N; ++I)
    Body += I % 500 ? " + 1" : ") + (1";
  return "def f(x) (" + Body + ");";
}

TEST(BodyAnalysisTest, LoopsNestedPastTheLimitDoNotFitTheOptimiser) {
  EXPECT_TRUE(fits(nestedFors(OptimiserLimits::MaxLoopDepth)));
  EXPECT_FALSE(fits(nestedFors(OptimiserLimits::MaxLoopDepth + 1)));
}

TEST(BodyAnalysisTest, BodiesPastTheNodeLimitDoNotFitTheOptimiser) {
  EXPECT_TRUE(fits(longSum(1000)));
  EXPECT_FALSE(fits(longSum(OptimiserLimits::MaxNodes)));
}

} // namespace
