//===- DirectEvaluator.cpp - Top-level calls without a compile ------------===//
//
// Part of kaleido. Every operation mirrors CodeGen/IRGen.cpp; built-in
// operators compute through evaluateBuiltin (AST/BuiltinOperators.h), and
// this file is built with -ffp-contract=off.
//
//===----------------------------------------------------------------------===//

#include "Session/DirectEvaluator.h"

#include "AST/ExprVisitor.h"

using namespace kaleido;

namespace {
/// Whether an expression is made only of numbers, operators and calls of at
/// most MaxArgs arguments; anything else (visitExpr) is compiled instead.
class Evaluable : public ExprVisitor<Evaluable, bool> {
public:
  bool visitExpr(const Expr &) { return false; }
  bool visitNumber(const NumberExpr &) { return true; }
  bool visitUnary(const UnaryExpr &U) { return visit(U.getOperand()); }
  bool visitBinary(const BinaryExpr &B) {
    return visit(B.getLHS()) && visit(B.getRHS());
  }
  bool visitIf(const IfExpr &I) {
    return visit(I.getCond()) && visit(I.getThen()) && visit(I.getElse());
  }
  bool visitCall(const CallExpr &C) {
    if (C.getArgs().size() > DirectEvaluator::MaxArgs)
      return false;
    for (const Expr *A : C.getArgs())
      if (!visit(*A))
        return false;
    return true;
  }
};

/// Passes each call in an expression that Evaluable accepted to Fn, with
/// the name of its callee. Numbers (visitExpr) call nothing.
template <typename Fn> class CallLister : public ExprVisitor<CallLister<Fn>> {
public:
  explicit CallLister(Fn &F) : F(F) {}
  using ExprVisitor<CallLister<Fn>>::visit;

  void visitExpr(const Expr &) {}
  void visitUnary(const UnaryExpr &U) {
    visit(U.getOperand());
    F(U, operatorFunctionName(false, U.getOp()));
  }
  void visitBinary(const BinaryExpr &B) {
    visit(B.getLHS());
    visit(B.getRHS());
    if (!B.isBuiltin())
      F(B, operatorFunctionName(true, B.getOp()));
  }
  void visitIf(const IfExpr &I) {
    visit(I.getCond());
    visit(I.getThen());
    visit(I.getElse());
  }
  void visitCall(const CallExpr &C) {
    for (const Expr *A : C.getArgs())
      visit(*A);
    F(C, C.getCallee());
  }

private:
  Fn &F;
};

template <typename Fn> void forEachCall(const Expr &E, Fn &&F) {
  CallLister<std::remove_reference_t<Fn>>(F).visit(E);
}
} // namespace

bool DirectEvaluator::canEvaluate(const Expr &E) {
  return Evaluable().visit(E);
}

llvm::Expected<DirectEvaluator> DirectEvaluator::prepare(const Expr &E,
                                                         KaleidoJIT &JIT) {
  DirectEvaluator D(E);
  llvm::Error Err = llvm::Error::success();
  forEachCall(E, [&](const Expr &Call, llvm::StringRef Name) {
    if (Err)
      return;
    auto Addr = JIT.lookupStub(Name);
    if (!Addr) {
      Err = Addr.takeError();
      return;
    }
    D.Callees[&Call] = Addr->getValue();
  });
  if (Err)
    return std::move(Err);
  return D;
}

namespace {
/// One evaluation.
class Evaluation : public ExprVisitor<Evaluation, double> {
public:
  using CalleeMap = llvm::DenseMap<const Expr *, uint64_t>;
  explicit Evaluation(const CalleeMap &Callees) : Callees(Callees) {}

  double visitExpr(const Expr &) {
    llvm_unreachable("canEvaluate rejects this expression");
  }
  double visitNumber(const NumberExpr &N) { return N.getValue(); }
  double visitUnary(const UnaryExpr &U) {
    const Expr *Args[] = {&U.getOperand()};
    return call(U, Args, 1);
  }
  double visitBinary(const BinaryExpr &B) {
    if (!B.isBuiltin()) {
      const Expr *Args[] = {&B.getLHS(), &B.getRHS()};
      return call(B, Args, 2);
    }
    double L = visit(B.getLHS());
    double R = visit(B.getRHS());
    return evaluateBuiltin(B.getBuiltin(), L, R);
  }
  double visitCall(const CallExpr &C) {
    return call(C, C.getArgs().data(), C.getArgs().size());
  }
  double visitIf(const IfExpr &I) {
    double C = visit(I.getCond());
    // Ordered not-equal, as IRGen's `fcmp one`: NaN is false.
    bool Taken = C < 0.0 || C > 0.0;
    return visit(Taken ? I.getThen() : I.getElse());
  }

private:
  /// Calls the callee of Call (a call, or an operator's function).
  double call(const Expr &Call, const Expr *const *Args, unsigned N);

  const CalleeMap &Callees;
};
} // namespace

double Evaluation::call(const Expr &Call, const Expr *const *Args, unsigned N) {
  double V[DirectEvaluator::MaxArgs];
  for (unsigned I = 0; I < N; ++I)
    V[I] = visit(*Args[I]);
  auto *Addr =
      reinterpret_cast<void *>(static_cast<uintptr_t>(Callees.at(&Call)));
  using D = double;
  switch (N) {
  case 0:
    return reinterpret_cast<D (*)()>(Addr)();
  case 1:
    return reinterpret_cast<D (*)(D)>(Addr)(V[0]);
  case 2:
    return reinterpret_cast<D (*)(D, D)>(Addr)(V[0], V[1]);
  case 3:
    return reinterpret_cast<D (*)(D, D, D)>(Addr)(V[0], V[1], V[2]);
  case 4:
    return reinterpret_cast<D (*)(D, D, D, D)>(Addr)(V[0], V[1], V[2], V[3]);
  case 5:
    return reinterpret_cast<D (*)(D, D, D, D, D)>(Addr)(V[0], V[1], V[2], V[3],
                                                        V[4]);
  default:
    return reinterpret_cast<D (*)(D, D, D, D, D, D)>(Addr)(V[0], V[1], V[2],
                                                           V[3], V[4], V[5]);
  }
}

double DirectEvaluator::evaluate() const {
  return Evaluation(Callees).visit(*Root);
}
