//===- ASTTest.cpp - Unit tests for the tree's arena and copier -----------===//

#include "AST/AST.h"
#include "Parse/Parser.h"
#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

using namespace kaleido;
using test::dump;
using test::Parsed;

namespace {

TEST(ASTTest, ArenaRoundsNodesToAGranuleButNotNames) {
  ASTArena A;
  EXPECT_EQ(A.getBytesUsed(), 0u);
  EXPECT_EQ(A.getTotalMemory(), 0u);
  llvm::StringRef S = A.save("abc");
  EXPECT_EQ(S, "abc");
  EXPECT_EQ(A.getBytesUsed(), 3u);
  auto *N = A.create<NumberExpr>(SourceLocation{1, 2}, 2.5);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(N) % alignof(NumberExpr), 0u);
  EXPECT_EQ(N->getValue(), 2.5);
  EXPECT_EQ(A.getBytesUsed(), 3 + sizeof(NumberExpr));
  llvm::StringRef T = A.save("de");
  auto *U = A.create<UnaryExpr>(SourceLocation{}, '!', N);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(U) % alignof(UnaryExpr), 0u);
  EXPECT_EQ(S, "abc");
  EXPECT_EQ(T, "de");
  EXPECT_EQ(&U->getOperand(), N);
  EXPECT_TRUE(A.save("").empty());
}

TEST(ASTTest, ArenaGrowsAndResetKeepsTheLargestBlock) {
  ASTArena A;
  for (int I = 0; I < 1000; ++I)
    A.create<NumberExpr>(SourceLocation{}, I);
  size_t Total = A.getTotalMemory();
  EXPECT_GE(Total, A.getBytesUsed());
  A.reset();
  EXPECT_EQ(A.getBytesUsed(), 0u);
  EXPECT_LT(A.getTotalMemory(), Total);
  // The kept block serves as many allocations again without growing.
  size_t Kept = A.getTotalMemory();
  for (size_t I = 0; I < Kept / sizeof(NumberExpr); ++I)
    A.create<NumberExpr>(SourceLocation{}, 1.0);
  EXPECT_EQ(A.getTotalMemory(), Kept);
}

TEST(ASTTest, ReserveMakesABlockOfExactlyThatSize) {
  ASTArena A;
  A.reserve(3 * sizeof(NumberExpr) + 7);
  size_t Block = A.getTotalMemory();
  EXPECT_EQ(Block, 3 * sizeof(NumberExpr) + ASTArena::Granule);
  // Names and nodes in any order fill it without another block.
  A.save("abc");
  A.create<NumberExpr>(SourceLocation{}, 1.0);
  A.save("d");
  A.create<NumberExpr>(SourceLocation{}, 2.0);
  A.create<NumberExpr>(SourceLocation{}, 3.0);
  A.save("efg");
  EXPECT_EQ(A.getTotalMemory(), Block);
}

/// The programs below use '|' as a binary operator.
Parsed parse(llvm::StringRef Src) {
  OperatorTable Ops;
  Ops.setPrecedence('|', 5);
  return test::parse(Src, Ops);
}

const char *const Programs[] = {
    "def f(x) x + 1",
    "def g(a b) if a < b then f(a) * 2 else g(b, a - 1) | !a",
    "def h(n) var s = 0, i in (for i = 1, i < n, 2 in s = s + i) + s",
    "for k = 0, k < 10 in f(k)",
    ("def many(x) m(x, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) + "
     "var a = x, b = a, c, d = 1.5 in a + b + c + d"),
};

TEST(ASTTest, ParsedTreesAreKeptInOneBlockOfTheirSize) {
  for (const char *Src : Programs) {
    Parsed P = parse(Src);
    ASSERT_TRUE(P.Errors.empty()) << Src << ": " << P.Errors[0];
    ASSERT_EQ(P.Items.size(), 1u);
    const ASTArena &A = P.Items[0].Function->Arena;
    // Exact to a granule, but for the variable node an assignment replaces.
    size_t Assignments = llvm::StringRef(Src).count(" = ") -
                         llvm::StringRef(Src).count("var ") -
                         llvm::StringRef(Src).count("for ");
    EXPECT_LE(A.getBytesUsed(), A.getTotalMemory()) << Src;
    EXPECT_LT(A.getTotalMemory() - A.getBytesUsed(),
              ASTArena::Granule + Assignments * sizeof(VariableExpr))
        << Src;
  }
}

TEST(ASTTest, CopyTreeKeepsStructureDepthsAndLocations) {
  for (const char *Src : Programs) {
    Parsed P = parse(Src);
    ASSERT_TRUE(P.Errors.empty()) << Src;
    const TopLevelItem &Item = P.Items[0];
    TopLevelItem Copy;
    Copy.K = Item.K;
    Copy.Function = std::make_shared<FunctionAST>();
    Copy.Function->Proto = Item.Function->Proto;
    Copy.Function->Body = copyTree(*Item.Function->Body, Copy.Function->Arena);
    EXPECT_EQ(dump(Copy), dump(Item)) << Src;
    EXPECT_EQ(Copy.Function->Body->getDepth(), Item.Function->Body->getDepth());
    // The copy owns its names: it outlives the original.
    std::string Before = dump(Item);
    P.Items.clear();
    EXPECT_EQ(dump(Copy), Before);
  }
}

TEST(ASTTest, ATreeLargerThanTheScratchBlockIsStillExact) {
  std::string Src = "def big(x) f(";
  for (int I = 0; I < 900; ++I)
    Src += (I ? ", x" : "x");
  Src += ")";
  Parsed P = parse(Src);
  ASSERT_TRUE(P.Errors.empty());
  const ASTArena &A = P.Items[0].Function->Arena;
  EXPECT_LE(A.getBytesUsed(), A.getTotalMemory());
  EXPECT_LT(A.getTotalMemory(), A.getBytesUsed() + ASTArena::Granule);
  EXPECT_GT(A.getTotalMemory(), 4096u);
}

} // namespace
