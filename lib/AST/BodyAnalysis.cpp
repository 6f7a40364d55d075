//===- BodyAnalysis.cpp - What a function body does, read off its AST -----===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "AST/BodyAnalysis.h"

#include "AST/ExprVisitor.h"

using namespace kaleido;

namespace {
/// Walks a body, counting nodes and looking for loops and self calls; stops
/// once the answer is known (it may loop, or it is over the cap).
class BodyMeter : public ExprVisitor<BodyMeter> {
public:
  BodyMeter(llvm::StringRef Self, unsigned Cap) : Self(Self), Cap(Cap) {}

  BodyMeasure Result;

  void measure(const Expr &E) {
    if (Result.MayLoop || Result.Nodes > Cap)
      return;
    ++Result.Nodes;
    visit(E);
  }

  void visitNumber(const NumberExpr &) {}
  void visitVariable(const VariableExpr &) {}
  void visitFor(const ForExpr &) { Result.MayLoop = true; }
  void visitAssign(const AssignExpr &A) { measure(A.getValue()); }
  void visitUnary(const UnaryExpr &U) {
    call(operatorFunctionName(false, U.getOp()));
    measure(U.getOperand());
  }
  void visitBinary(const BinaryExpr &B) {
    if (!B.isBuiltin())
      call(operatorFunctionName(true, B.getOp()));
    measure(B.getLHS());
    measure(B.getRHS());
  }
  void visitCall(const CallExpr &C) {
    call(C.getCallee());
    for (const Expr *A : C.getArgs())
      measure(*A);
  }
  void visitIf(const IfExpr &I) {
    measure(I.getCond());
    measure(I.getThen());
    measure(I.getElse());
  }
  void visitVar(const VarExpr &V) {
    for (const VarExpr::Binding &B : V.getBindings())
      if (B.Init)
        measure(*B.Init);
    measure(V.getBody());
  }

private:
  void call(llvm::StringRef Callee) {
    if (!Self.empty() && Callee == Self)
      Result.MayLoop = true;
  }

  llvm::StringRef Self;
  unsigned Cap;
};

/// Walks a body up to OptimiserLimits::MaxNodes + 1 nodes, tracking how
/// deep `for`s nest.
class OptimiserFit : public ExprVisitor<OptimiserFit> {
public:
  bool Fits = true;

  void measure(const Expr &E) {
    if (!Fits)
      return;
    if (++Nodes > OptimiserLimits::MaxNodes) {
      Fits = false;
      return;
    }
    visit(E);
  }

  void visitNumber(const NumberExpr &) {}
  void visitVariable(const VariableExpr &) {}
  void visitAssign(const AssignExpr &A) { measure(A.getValue()); }
  void visitUnary(const UnaryExpr &U) { measure(U.getOperand()); }
  void visitBinary(const BinaryExpr &B) {
    measure(B.getLHS());
    measure(B.getRHS());
  }
  void visitCall(const CallExpr &C) {
    for (const Expr *A : C.getArgs())
      measure(*A);
  }
  void visitIf(const IfExpr &I) {
    measure(I.getCond());
    measure(I.getThen());
    measure(I.getElse());
  }
  void visitFor(const ForExpr &F) {
    if (++LoopDepth > OptimiserLimits::MaxLoopDepth)
      Fits = false;
    measure(F.getStart());
    measure(F.getEnd());
    if (F.getStep())
      measure(*F.getStep());
    measure(F.getBody());
    --LoopDepth;
  }
  void visitVar(const VarExpr &V) {
    for (const VarExpr::Binding &B : V.getBindings())
      if (B.Init)
        measure(*B.Init);
    measure(V.getBody());
  }

private:
  unsigned Nodes = 0;
  unsigned LoopDepth = 0;
};

/// Finds a call (user operators included) in an expression.
class CallFinder : public ExprVisitor<CallFinder, bool> {
public:
  bool visitNumber(const NumberExpr &) { return false; }
  bool visitVariable(const VariableExpr &) { return false; }
  bool visitCall(const CallExpr &) { return true; }
  bool visitUnary(const UnaryExpr &) { return true; }
  bool visitAssign(const AssignExpr &A) { return visit(A.getValue()); }
  bool visitBinary(const BinaryExpr &B) {
    return !B.isBuiltin() || visit(B.getLHS()) || visit(B.getRHS());
  }
  bool visitIf(const IfExpr &I) {
    return visit(I.getCond()) || visit(I.getThen()) || visit(I.getElse());
  }
  bool visitFor(const ForExpr &F) {
    return visit(F.getStart()) || visit(F.getEnd()) ||
           (F.getStep() && visit(*F.getStep())) || visit(F.getBody());
  }
  bool visitVar(const VarExpr &V) {
    for (const VarExpr::Binding &B : V.getBindings())
      if (B.Init && visit(*B.Init))
        return true;
    return visit(V.getBody());
  }
};

/// Names every callee of an expression.
class CalleeLister : public ExprVisitor<CalleeLister> {
public:
  explicit CalleeLister(llvm::function_ref<void(llvm::StringRef)> Fn)
      : Fn(Fn) {}

  void visitNumber(const NumberExpr &) {}
  void visitVariable(const VariableExpr &) {}
  void visitAssign(const AssignExpr &A) { visit(A.getValue()); }
  void visitUnary(const UnaryExpr &U) {
    Fn(operatorFunctionName(false, U.getOp()));
    visit(U.getOperand());
  }
  void visitBinary(const BinaryExpr &B) {
    if (!B.isBuiltin())
      Fn(operatorFunctionName(true, B.getOp()));
    visit(B.getLHS());
    visit(B.getRHS());
  }
  void visitCall(const CallExpr &C) {
    Fn(C.getCallee());
    for (const Expr *A : C.getArgs())
      visit(*A);
  }
  void visitIf(const IfExpr &I) {
    visit(I.getCond());
    visit(I.getThen());
    visit(I.getElse());
  }
  void visitFor(const ForExpr &F) {
    visit(F.getStart());
    visit(F.getEnd());
    if (F.getStep())
      visit(*F.getStep());
    visit(F.getBody());
  }
  void visitVar(const VarExpr &V) {
    for (const VarExpr::Binding &B : V.getBindings())
      if (B.Init)
        visit(*B.Init);
    visit(V.getBody());
  }

private:
  llvm::function_ref<void(llvm::StringRef)> Fn;
};
} // namespace

void kaleido::forEachCallee(const Expr &E,
                            llvm::function_ref<void(llvm::StringRef)> Fn) {
  CalleeLister(Fn).visit(E);
}

bool kaleido::containsCall(const Expr &E) { return CallFinder().visit(E); }

BodyMeasure kaleido::measureBody(const FunctionAST &F, unsigned Cap) {
  // A top-level expression has no name to call itself by.
  BodyMeter M(F.IsTopLevel ? llvm::StringRef() : llvm::StringRef(F.Proto.Name),
              Cap);
  M.measure(*F.Body);
  return M.Result;
}

bool kaleido::fitsOptimiser(const FunctionAST &F) {
  OptimiserFit Fit;
  Fit.measure(*F.Body);
  return Fit.Fits;
}
