//===- DirectEvaluator.h - Top-level calls without a compile -----*- C++
//-*-===//
//
// Part of kaleido. Private to the Session library.
//
// Most top-level expressions are a call with constant arguments (`fib(30)`,
// `printd(f(1, 2))`), plain arithmetic (`1 + 2`) or a choice between such
// (`if x < 5 then f(1) else 2`). Compiling such an
// expression costs a whole code-generation run (about a millisecond) to
// execute it once. The session evaluates them here instead: arithmetic in
// C++ with exactly the semantics of generated code, calls through the
// callees' permanent stubs, so laziness, redefinition and runtime errors
// behave exactly as if the expression had been compiled. Anything else (a
// variable, `for`, `var`, a call of more than MaxArgs arguments) is compiled
// as usual: a loop runs many times, so its compile pays for itself.
//
// Stubs are resolved before the guarded call starts (those of both arms of
// an `if`, as compiled code would refer to both); the evaluation itself
// allocates nothing and owns no object with a destructor, because a runtime
// error in the called code unwinds straight through it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_DIRECTEVALUATOR_H
#define KALEIDO_SESSION_DIRECTEVALUATOR_H

#include "AST/AST.h"
#include "JIT/KaleidoJIT.h"

#include "llvm/ADT/DenseMap.h"

namespace kaleido {

class DirectEvaluator {
public:
  static constexpr unsigned MaxArgs = 6;

  /// Whether E is made only of numbers, built-in arithmetic, `if` and calls
  /// of at most MaxArgs arguments.
  static bool canEvaluate(const Expr &E);

  /// Resolves the stubs of every call in E (which canEvaluate accepted).
  static llvm::Expected<DirectEvaluator> prepare(const Expr &E,
                                                 KaleidoJIT &JIT);

  /// Evaluates the expression. Call only under the runtime guard.
  double evaluate() const;

private:
  DirectEvaluator(const Expr &Root) : Root(&Root) {}

  const Expr *Root;
  /// The callee's address of each call (a call, or an operator's).
  llvm::DenseMap<const Expr *, uint64_t> Callees;
};

} // namespace kaleido

#endif // KALEIDO_SESSION_DIRECTEVALUATOR_H
