//===- SemaTest.cpp - Unit tests for name and arity checks ----------------===//

#include "Sema/Sema.h"
#include "Parse/Parser.h"
#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

using namespace kaleido;

namespace {

/// Parses and checks the single item in Src; returns the first error or "".
std::string check(llvm::StringRef Src, const FunctionTable &Functions) {
  std::string Error;
  DiagnosticHandler H = [&](const Diagnostic &D) {
    if (Error.empty())
      Error = D.Message;
  };
  DiagnosticEngine Diags("t", Src, H);
  OperatorTable Ops;
  Parser P(Src, Ops, Diags);
  TopLevelItem Item;
  if (P.parseItem(Item) != Parser::Result::Item)
    return "parse error: " + Error;
  Sema S(Functions, Diags);
  S.check(Item);
  return Error;
}

FunctionTable withFoo() {
  FunctionTable T;
  FunctionDecl D;
  D.Arity = 2;
  D.BufferName = "lib.ks";
  D.Loc = {3, 5};
  T["foo"] = D;
  return T;
}

TEST(SemaTest, AcceptsKnownNamesAndSelfRecursion) {
  EXPECT_EQ(check("def f(x) if x < 1 then foo(x, 1) else f(x - 1)", withFoo()),
            "");
}

TEST(SemaTest, UnknownVariable) {
  EXPECT_EQ(check("def f(x) y", {}), "unknown variable 'y'");
}

TEST(SemaTest, UnknownFunction) {
  EXPECT_EQ(check("bar(1)", {}),
            "unknown function 'bar'; declare it with 'def' or 'extern' first");
}

TEST(SemaTest, WrongArgumentCount) {
  EXPECT_EQ(check("foo(1)", withFoo()), "'foo' takes 2 arguments, but 1 was "
                                        "given");
}

TEST(SemaTest, UnknownUnaryOperator) {
  EXPECT_EQ(check("!1", {}),
            "unknown unary operator '!'; define it with 'def unary!' first");
}

TEST(SemaTest, RedeclarationWithOtherArity) {
  EXPECT_EQ(check("def foo(x) x", withFoo()),
            "'foo' was declared with 2 parameters at lib.ks:3:5; it cannot "
            "be redeclared with 1");
}

TEST(SemaTest, VarInitialiserSeesOuterBinding) {
  EXPECT_EQ(check("def f(a) var a = a + 1, b = a in b", {}), "");
  EXPECT_EQ(check("def f(x) var a = b, b = 1 in a", {}),
            "unknown variable 'b'");
}

TEST(SemaTest, ForVariableIsScopedToTheLoop) {
  EXPECT_EQ(check("def f(x) (for i = 1, i < x in i) + i", {}),
            "unknown variable 'i'");
}

TEST(SemaTest, AssignmentToUnknownVariable) {
  EXPECT_EQ(check("def f(x) y = 1", {}),
            "cannot assign to unknown variable 'y'");
}

TEST(SemaTest, TableKeepsOneCopyOfEachBufferName) {
  std::string Src = "def a(x) x  extern b(y)  def a(z) z";
  auto Table = std::make_unique<FunctionTable>();
  {
    std::string BufferName = "prog.ks"; // Gone before the table is used.
    DiagnosticHandler Quiet;
    DiagnosticEngine Diags(BufferName, Src, Quiet);
    OperatorTable Ops;
    Parser P(Src, Ops, Diags);
    for (;;) {
      TopLevelItem Item;
      if (P.parseItem(Item) != Parser::Result::Item)
        break;
      recordDeclaration(*Table, Ops, Item, BufferName);
    }
    BufferName = "overwritten";
  }
  ASSERT_EQ(Table->size(), 2u);
  const FunctionDecl &A = Table->find("a")->second;
  const FunctionDecl &B = Table->find("b")->second;
  EXPECT_EQ(A.BufferName, "prog.ks");
  EXPECT_EQ(A.BufferName.data(), B.BufferName.data());
  // The second definition of a replaced the first.
  ASSERT_TRUE(A.Body);
  EXPECT_EQ(A.Body->Proto.Params[0], "z");
  EXPECT_EQ(A.Loc.Column, 5u);

  // A copy owns its names: it outlives the original.
  FunctionTable Copy = *Table;
  Table.reset();
  EXPECT_EQ(Copy.find("b")->second.BufferName, "prog.ks");
  EXPECT_EQ(check("def c(x) a(x) + b(x)", Copy), "");
  EXPECT_EQ(check("def a(x y) x", Copy),
            "'a' was declared with 1 parameter at prog.ks:1:5; it cannot be "
            "redeclared with 2");
}

TEST(SemaTest, AnExternOfABinaryOperatorDeclaresItsPrecedence) {
  test::Program P;
  test::load(P, "extern binary| 5 (a b)");
  EXPECT_TRUE(P.Errors.empty());
  EXPECT_EQ(P.Ops.getPrecedence('|'), 5u);
  // The latest declaration's precedence holds, by `extern` as by `def`.
  test::load(P, "extern binary| 50 (a b)");
  EXPECT_EQ(P.Ops.getPrecedence('|'), 50u);
  test::load(P, "def binary| 7 (a b) a");
  EXPECT_EQ(P.Ops.getPrecedence('|'), 7u);
}

} // namespace
