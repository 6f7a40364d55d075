//===- BodyAnalysis.cpp - What a function body does, read off its AST -----===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "AST/BodyAnalysis.h"

using namespace kaleido;
using llvm::cast;

namespace {
/// Walks a body, counting nodes and looking for loops and self calls.
class BodyMeter {
public:
  BodyMeter(llvm::StringRef Self, unsigned Cap) : Self(Self), Cap(Cap) {}

  BodyMeasure Result;

  void visit(const Expr &E) {
    if (Result.MayLoop || Result.Nodes > Cap)
      return;
    ++Result.Nodes;
    switch (E.getKind()) {
    case Expr::Kind::Number:
    case Expr::Kind::Variable:
      return;
    case Expr::Kind::For:
      Result.MayLoop = true;
      return;
    case Expr::Kind::Assign:
      return visit(cast<AssignExpr>(E).getValue());
    case Expr::Kind::Unary: {
      auto &U = cast<UnaryExpr>(E);
      call(operatorFunctionName(false, U.getOp()));
      return visit(U.getOperand());
    }
    case Expr::Kind::Binary: {
      auto &B = cast<BinaryExpr>(E);
      call(operatorFunctionName(true, B.getOp()));
      visit(B.getLHS());
      return visit(B.getRHS());
    }
    case Expr::Kind::Call: {
      auto &C = cast<CallExpr>(E);
      call(C.getCallee());
      for (const Expr *A : C.getArgs())
        visit(*A);
      return;
    }
    case Expr::Kind::If: {
      auto &I = cast<IfExpr>(E);
      visit(I.getCond());
      visit(I.getThen());
      return visit(I.getElse());
    }
    case Expr::Kind::Var: {
      auto &V = cast<VarExpr>(E);
      for (const VarExpr::Binding &B : V.getBindings())
        if (B.Init)
          visit(*B.Init);
      return visit(V.getBody());
    }
    }
  }

private:
  void call(llvm::StringRef Callee) {
    if (!Self.empty() && Callee == Self)
      Result.MayLoop = true;
  }

  llvm::StringRef Self;
  unsigned Cap;
};
} // namespace

BodyMeasure kaleido::measureBody(const FunctionAST &F, unsigned Cap) {
  // A top-level expression has no name to call itself by.
  BodyMeter M(F.IsTopLevel ? llvm::StringRef() : llvm::StringRef(F.Proto.Name),
              Cap);
  M.visit(*F.Body);
  return M.Result;
}
