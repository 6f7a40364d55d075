//===- ExprVisitorTest.cpp - Unit tests for the CRTP expression visitor ---===//
//
// visit() must reach the derived class's function for each kind with the
// node cast to its type, pass the extra arguments through (by reference when
// declared so), and send the kinds a visitor does not handle to its
// visitExpr.
//
//===----------------------------------------------------------------------===//

#include "AST/ExprVisitor.h"
#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

#include <string>

using namespace kaleido;

namespace {

/// Names every node, in visiting order, children included.
class Namer : public ExprVisitor<Namer, void, std::string &> {
public:
  void visitNumber(const NumberExpr &N, std::string &Out) {
    Out += "N" + std::to_string(static_cast<int>(N.getValue())) + " ";
  }
  void visitVariable(const VariableExpr &V, std::string &Out) {
    Out += "V" + V.getName().str() + " ";
  }
  void visitUnary(const UnaryExpr &U, std::string &Out) {
    Out += std::string("U") + U.getOp() + " ";
    visit(U.getOperand(), Out);
  }
  void visitBinary(const BinaryExpr &B, std::string &Out) {
    Out += std::string("B") + B.getOp() + " ";
    visit(B.getLHS(), Out);
    visit(B.getRHS(), Out);
  }
  void visitAssign(const AssignExpr &A, std::string &Out) {
    Out += "A" + A.getName().str() + " ";
    visit(A.getValue(), Out);
  }
  void visitCall(const CallExpr &C, std::string &Out) {
    Out += "C" + C.getCallee().str() + " ";
    for (const Expr *A : C.getArgs())
      visit(*A, Out);
  }
  void visitIf(const IfExpr &I, std::string &Out) {
    Out += "I ";
    visit(I.getCond(), Out);
    visit(I.getThen(), Out);
    visit(I.getElse(), Out);
  }
  void visitFor(const ForExpr &F, std::string &Out) {
    Out += "F" + F.getVarName().str() + " ";
    visit(F.getStart(), Out);
    visit(F.getEnd(), Out);
    visit(F.getBody(), Out);
  }
  void visitVar(const VarExpr &V, std::string &Out) {
    Out += "R ";
    for (const VarExpr::Binding &B : V.getBindings())
      if (B.Init)
        visit(*B.Init, Out);
    visit(V.getBody(), Out);
  }
};

/// Handles two kinds and counts the rest through its fallback.
class Partial : public ExprVisitor<Partial, unsigned> {
public:
  unsigned Fallbacks = 0;
  unsigned visitNumber(const NumberExpr &) { return 1; }
  unsigned visitBinary(const BinaryExpr &B) {
    return 10 + visit(B.getLHS()) + visit(B.getRHS());
  }
  unsigned visitExpr(const Expr &) {
    ++Fallbacks;
    return 100;
  }
};

const Expr &bodyOf(const test::Parsed &P) {
  EXPECT_TRUE(P.Errors.empty()) << (P.Errors.empty() ? "" : P.Errors[0]);
  return *P.Items.at(0).Function->Body;
}

TEST(ExprVisitorTest, DispatchesEveryKindToItsFunction) {
  OperatorTable Ops;
  Ops.setPrecedence('|', 5);
  test::Parsed P =
      test::parse("def f(x) var a = 1 in (for i = 2, i < x in a = g(a, !x)) | "
                  "(if a then 3 else x)",
                  Ops);
  std::string Out;
  Namer().visit(bodyOf(P), Out);
  EXPECT_EQ(Out, "R N1 B| Fi N2 B< Vi Vx Aa Cg Va U! Vx I Va N3 Vx ");
}

TEST(ExprVisitorTest, UnhandledKindsGoToVisitExpr) {
  test::Parsed P = test::parse("def f(x) (1 + x) * g(2)");
  Partial V;
  // '*' and '+' are handled, 1 is; x and the call fall back.
  EXPECT_EQ(V.visit(bodyOf(P)), 10u + (10u + 1u + 100u) + 100u);
  EXPECT_EQ(V.Fallbacks, 2u);
}

TEST(ExprVisitorTest, ArgumentsPassByValueOrReferenceAsDeclared) {
  // A by-value argument is the caller's copy; a reference is shared.
  struct Depth : ExprVisitor<Depth, void, unsigned, unsigned &> {
    void visitExpr(const Expr &, unsigned Level, unsigned &Deepest) {
      Deepest = std::max(Deepest, Level);
    }
    void visitBinary(const BinaryExpr &B, unsigned Level, unsigned &Deepest) {
      visit(B.getLHS(), Level + 1, Deepest);
      visit(B.getRHS(), Level + 1, Deepest);
    }
  };
  test::Parsed P = test::parse("def f(x) ((x + 1) + 2) + (3 + x)");
  unsigned Deepest = 0;
  Depth().visit(bodyOf(P), 0, Deepest);
  EXPECT_EQ(Deepest, 3u);
  EXPECT_EQ(Deepest, bodyOf(P).getDepth() - 1);
}

} // namespace
