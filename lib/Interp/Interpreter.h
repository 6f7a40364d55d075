//===- Interpreter.h - A tree-walking evaluator of the AST -------*- C++
//-*-===//
//
// Part of kaleido. The reference semantics of the language, with no compile
// latency: --jit=interp, and the oracle the differential tests compare every
// JIT mode against. It must agree with generated code bit for bit, so every
// operation here mirrors one in CodeGen/IRGen.cpp (and this library is built
// with -ffp-contract=off).
//
// It runs inside the runtime's guard like JIT'd code, polls the same
// safepoints (interrupts, stack limit) at every call and loop iteration, and
// reports failures by return value, never by unwinding: its frames own C++
// objects. Inside, the first failure is recorded and every evaluation then
// returns at once; evaluate() hands it over as an rt::RuntimeError.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_INTERP_INTERPRETER_H
#define KALEIDO_INTERP_INTERPRETER_H

#include "AST/AST.h"
#include "AST/ExprVisitor.h"
#include "Runtime/Runtime.h"
#include "Sema/Sema.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace kaleido {

namespace detail {
/// The activation of one function (defined in Interpreter.cpp).
struct InterpreterFrame;
} // namespace detail

class Interpreter : private ExprVisitor<Interpreter, double,
                                        detail::InterpreterFrame &, bool> {
public:
  /// Resolves an extern of Arity parameters without a definition to a host
  /// function of doubles, or null; an error makes the call fail with its
  /// message (see rt::resolveHostSymbol).
  using HostResolver = std::function<llvm::Expected<void *>(
      llvm::StringRef Name, unsigned Arity)>;

  /// Functions is read at every call, so later definitions are seen.
  Interpreter(const FunctionTable &Functions, HostResolver Resolve)
      : Functions(Functions), Resolve(std::move(Resolve)) {}

  /// Evaluates F, a checked top-level expression (or any function of no
  /// parameters). Fails with an rt::RuntimeError: rt::Fault::Interrupted for
  /// an interrupt, rt::Fault::Error (a stack overflow, a call of an extern
  /// that nothing defines, a host function it cannot call) otherwise; its
  /// message is the diagnostic's text.
  llvm::Expected<double> evaluate(const FunctionAST &F);

private:
  using Frame = detail::InterpreterFrame;
  friend class ExprVisitor<Interpreter, double, Frame &, bool>;

  double call(const FunctionAST &F, std::vector<double> Args);
  double callByName(llvm::StringRef Name, std::vector<double> Args,
                    Frame &Caller, bool Tail);
  /// Calls the operator Op's function: binary for two arguments, unary for
  /// one. Out of line, so that the frame of the visit that evaluates a
  /// built-in operator stays small (see visitBinary).
  [[gnu::noinline]] double callOperator(char Op, llvm::ArrayRef<double> Args,
                                        Frame &Caller, bool Tail);
  double callHostFunction(llvm::StringRef Name,
                          const std::vector<double> &Args);
  /// Evaluates E in Fr; Tail says whether E is in tail position. After a
  /// failure every evaluation returns 0 at once, up to evaluate().
  double eval(const Expr &E, Frame &Fr, bool Tail) {
    if (Failure != rt::Fault::None)
      return 0;
    return visit(E, Fr, Tail);
  }
  // One per kind. The leaves are inlined into visit()'s switch; the compound
  // nodes' visits are out of line, so that the switch, through which every
  // nested evaluation passes, has no frame of its own: inlining them all made
  // an interpreted call take over 1,000 bytes of stack (a million-deep
  // recursion overflowed 512 MiB) for no measurable speed.
  [[gnu::always_inline]] double visitNumber(const NumberExpr &N, Frame &,
                                            bool) {
    return N.getValue();
  }
  [[gnu::noinline]] double visitVariable(const VariableExpr &V, Frame &Fr,
                                         bool) {
    return lookup(Fr, V.getName());
  }
  [[gnu::noinline]] double visitAssign(const AssignExpr &A, Frame &Fr, bool);
  [[gnu::noinline]] double visitUnary(const UnaryExpr &U, Frame &Fr, bool Tail);
  [[gnu::noinline]] double visitBinary(const BinaryExpr &B, Frame &Fr,
                                       bool Tail);
  [[gnu::noinline]] double visitCall(const CallExpr &C, Frame &Fr, bool Tail);
  [[gnu::noinline]] double visitIf(const IfExpr &I, Frame &Fr, bool Tail);
  [[gnu::noinline]] double visitFor(const ForExpr &F, Frame &Fr, bool);
  [[gnu::noinline]] double visitVar(const VarExpr &V, Frame &Fr, bool Tail);

  double &lookup(Frame &Fr, llvm::StringRef Name);
  bool poll(llvm::StringRef Function);
  /// Records the first failure; evaluate() returns it.
  void fail(rt::Fault Kind, std::string Msg);

  const FunctionTable &Functions;
  HostResolver Resolve;
  std::vector<std::pair<llvm::StringRef, double>> Vars;
  /// The first failure of this evaluation, or Fault::None.
  rt::Fault Failure = rt::Fault::None;
  std::string Message;
};

} // namespace kaleido

#endif // KALEIDO_INTERP_INTERPRETER_H
