//===- Interpreter.h - A tree-walking evaluator of the AST -------*- C++ -*-===//
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
// objects.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_INTERP_INTERPRETER_H
#define KALEIDO_INTERP_INTERPRETER_H

#include "AST/AST.h"
#include "Sema/Sema.h"

#include <functional>
#include <string>
#include <vector>

namespace kaleido {

class Interpreter {
public:
  /// Resolves an extern of Arity parameters without a definition to a host
  /// function of doubles, or null; an error makes the call fail with its
  /// message (see rt::resolveHostSymbol).
  using HostResolver =
      std::function<llvm::Expected<void *>(llvm::StringRef Name,
                                           unsigned Arity)>;

  /// Functions is read at every call, so later definitions are seen.
  Interpreter(const FunctionTable &Functions, HostResolver Resolve)
      : Functions(Functions), Resolve(std::move(Resolve)) {}

  enum class Status { OK, Error, Interrupted };

  /// Evaluates F, a checked top-level expression (or any function of no
  /// parameters). On failure Message says why.
  Status evaluate(const FunctionAST &F, double &Result, std::string &Message);

private:
  struct Frame;
  double call(const FunctionAST &F, std::vector<double> Args);
  double callByName(llvm::StringRef Name, std::vector<double> Args,
                    Frame &Caller, bool Tail);
  double eval(const Expr &E, Frame &Fr, bool Tail);
  double &lookup(Frame &Fr, llvm::StringRef Name);
  bool poll(llvm::StringRef Function);
  void fail(Status S, std::string Msg);

  const FunctionTable &Functions;
  HostResolver Resolve;
  std::vector<std::pair<llvm::StringRef, double>> Vars;
  Status Failure = Status::OK;
  std::string Message;
};

} // namespace kaleido

#endif // KALEIDO_INTERP_INTERPRETER_H
