//===- DirectEvaluator.cpp - Top-level calls without a compile ------------===//
//
// Part of kaleido. Every operation mirrors CodeGen/IRGen.cpp; this file is
// built with -ffp-contract=off.
//
//===----------------------------------------------------------------------===//

#include "Session/DirectEvaluator.h"

using namespace kaleido;
using llvm::cast;

static bool isBuiltin(char Op) {
  return Op == '+' || Op == '-' || Op == '*' || Op == '<';
}

bool DirectEvaluator::canEvaluate(const Expr &E) {
  switch (E.getKind()) {
  case Expr::Kind::Number:
    return true;
  case Expr::Kind::Unary:
    return canEvaluate(cast<UnaryExpr>(E).getOperand());
  case Expr::Kind::Binary: {
    auto &B = cast<BinaryExpr>(E);
    return canEvaluate(B.getLHS()) && canEvaluate(B.getRHS());
  }
  case Expr::Kind::Call: {
    auto &C = cast<CallExpr>(E);
    if (C.getArgs().size() > MaxArgs)
      return false;
    for (const Expr *A : C.getArgs())
      if (!canEvaluate(*A))
        return false;
    return true;
  }
  default:
    return false;
  }
}

/// Visits E's calls in evaluation order: operands first, then the call.
template <typename Fn> static void forEachCall(const Expr &E, Fn &&F) {
  switch (E.getKind()) {
  case Expr::Kind::Unary: {
    auto &U = cast<UnaryExpr>(E);
    forEachCall(U.getOperand(), F);
    F(operatorFunctionName(false, U.getOp()));
    return;
  }
  case Expr::Kind::Binary: {
    auto &B = cast<BinaryExpr>(E);
    forEachCall(B.getLHS(), F);
    forEachCall(B.getRHS(), F);
    if (!isBuiltin(B.getOp()))
      F(operatorFunctionName(true, B.getOp()));
    return;
  }
  case Expr::Kind::Call: {
    auto &C = cast<CallExpr>(E);
    for (const Expr *A : C.getArgs())
      forEachCall(*A, F);
    F(C.getCallee());
    return;
  }
  default:
    return;
  }
}

llvm::Expected<DirectEvaluator> DirectEvaluator::prepare(const Expr &E,
                                                         KaleidoJIT &JIT) {
  DirectEvaluator D(E);
  llvm::Error Err = llvm::Error::success();
  forEachCall(E, [&](llvm::StringRef Name) {
    if (Err)
      return;
    auto Addr = JIT.lookupStub(Name);
    if (!Addr) {
      Err = Addr.takeError();
      return;
    }
    D.Callees.push_back(Addr->getValue());
  });
  if (Err)
    return std::move(Err);
  return D;
}

double DirectEvaluator::call(size_t &Next, const Expr *const *Args,
                             unsigned N) const {
  double V[MaxArgs];
  for (unsigned I = 0; I < N; ++I)
    V[I] = eval(*Args[I], Next);
  auto *Addr = reinterpret_cast<void *>(static_cast<uintptr_t>(Callees[Next++]));
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
    return reinterpret_cast<D (*)(D, D, D, D, D)>(Addr)(V[0], V[1], V[2],
                                                        V[3], V[4]);
  default:
    return reinterpret_cast<D (*)(D, D, D, D, D, D)>(Addr)(V[0], V[1], V[2],
                                                           V[3], V[4], V[5]);
  }
}

double DirectEvaluator::eval(const Expr &E, size_t &Next) const {
  switch (E.getKind()) {
  case Expr::Kind::Number:
    return cast<NumberExpr>(E).getValue();
  case Expr::Kind::Unary: {
    const Expr *Args[] = {&cast<UnaryExpr>(E).getOperand()};
    return call(Next, Args, 1);
  }
  case Expr::Kind::Binary: {
    auto &B = cast<BinaryExpr>(E);
    if (!isBuiltin(B.getOp())) {
      const Expr *Args[] = {&B.getLHS(), &B.getRHS()};
      return call(Next, Args, 2);
    }
    double L = eval(B.getLHS(), Next);
    double R = eval(B.getRHS(), Next);
    switch (B.getOp()) {
    case '+':
      return L + R;
    case '-':
      return L - R;
    case '*':
      return L * R;
    default:
      return !(L >= R) ? 1.0 : 0.0; // fcmp ult
    }
  }
  case Expr::Kind::Call: {
    auto &C = cast<CallExpr>(E);
    return call(Next, C.getArgs().data(), C.getArgs().size());
  }
  default:
    llvm_unreachable("canEvaluate rejects this expression");
  }
}
