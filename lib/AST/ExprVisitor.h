//===- ExprVisitor.h - Dispatch on an expression's kind --------*- C++ -*-===//
//
// Part of kaleido. The one switch over Expr::Kind that passes over the tree
// share, as a CRTP base (the pattern of clang's StmtVisitor): visit(E)
// dispatches to the derived class's visitNumber, visitBinary, ... with E cast
// to its node type. The calls are resolved at compile time (no virtual
// functions, nothing in the nodes), so a visitor compiles to the switch it
// replaces.
//
// A kind the derived class does not handle goes to its visitExpr, which this
// class deliberately does not define: a visitor either handles every kind,
// and then forgetting one (or adding a kind to the AST) is a compile error,
// or defines visitExpr as its stated fallback ("anything else is not
// evaluable"). A silent default would turn a new node kind into wrong
// results instead of an error.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_AST_EXPRVISITOR_H
#define KALEIDO_AST_EXPRVISITOR_H

#include "AST/AST.h"

#include "llvm/Support/ErrorHandling.h"

namespace kaleido {

/// Derive as `class V : public ExprVisitor<V, RetTy, Args...>` and define
/// `RetTy visitNumber(const NumberExpr &, Args...)` and so on for each kind
/// you handle, plus `RetTy visitExpr(const Expr &, Args...)` if you do not
/// handle them all. The visit functions must be accessible to this class
/// (public, or befriend it). Args are passed as declared: use references for
/// state a visit updates.
template <typename Derived, typename RetTy = void, typename... Args>
class ExprVisitor {
public:
  /// Calls the derived class's visit function for E's kind.
  RetTy visit(const Expr &E, Args... A) {
    Derived &D = *static_cast<Derived *>(this);
    switch (E.getKind()) {
    case Expr::Kind::Number:
      return D.visitNumber(llvm::cast<NumberExpr>(E), A...);
    case Expr::Kind::Variable:
      return D.visitVariable(llvm::cast<VariableExpr>(E), A...);
    case Expr::Kind::Unary:
      return D.visitUnary(llvm::cast<UnaryExpr>(E), A...);
    case Expr::Kind::Binary:
      return D.visitBinary(llvm::cast<BinaryExpr>(E), A...);
    case Expr::Kind::Assign:
      return D.visitAssign(llvm::cast<AssignExpr>(E), A...);
    case Expr::Kind::Call:
      return D.visitCall(llvm::cast<CallExpr>(E), A...);
    case Expr::Kind::If:
      return D.visitIf(llvm::cast<IfExpr>(E), A...);
    case Expr::Kind::For:
      return D.visitFor(llvm::cast<ForExpr>(E), A...);
    case Expr::Kind::Var:
      return D.visitVar(llvm::cast<VarExpr>(E), A...);
    }
    llvm_unreachable("unknown expression kind");
  }

  // The defaults: each passes its node to the derived class's visitExpr
  // (see the file comment).
  RetTy visitNumber(const NumberExpr &E, Args... A) {
    return fallback(E, A...);
  }
  RetTy visitVariable(const VariableExpr &E, Args... A) {
    return fallback(E, A...);
  }
  RetTy visitUnary(const UnaryExpr &E, Args... A) { return fallback(E, A...); }
  RetTy visitBinary(const BinaryExpr &E, Args... A) {
    return fallback(E, A...);
  }
  RetTy visitAssign(const AssignExpr &E, Args... A) {
    return fallback(E, A...);
  }
  RetTy visitCall(const CallExpr &E, Args... A) { return fallback(E, A...); }
  RetTy visitIf(const IfExpr &E, Args... A) { return fallback(E, A...); }
  RetTy visitFor(const ForExpr &E, Args... A) { return fallback(E, A...); }
  RetTy visitVar(const VarExpr &E, Args... A) { return fallback(E, A...); }

private:
  RetTy fallback(const Expr &E, Args... A) {
    return static_cast<Derived *>(this)->visitExpr(E, A...);
  }
};

} // namespace kaleido

#endif // KALEIDO_AST_EXPRVISITOR_H
