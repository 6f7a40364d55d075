//===- ProgramModule.h - A whole program as one LLVM module ------*- C++
//-*-===//
//
// Part of kaleido. Private to the Session library: what --emit=llvm, asm and
// obj print, and what `kaleido build` links with the runtime archive. The
// module behaves as the JIT running the same input does, redefinitions
// included, by giving each name what the JIT gives it, a permanent stub:
//
//   - each definition of f is its own body, f$1, f$2, ... (internal);
//   - a body's call of itself goes straight to that body, as in the JIT. If
//     the program never rebinds f after its first expression has run, every
//     other call of f goes straight to f's last body (or to what an `extern`
//     reaches); otherwise it calls f$stub, which calls through f$slot, which
//     each expression's Define function sets as the JIT's stub would be set;
//   - an `extern` reaches what the JIT's would: the runtime's putchard and
//     printd (the runtime archive's, which format exactly as the JIT's), a C
//     math function, or (a name the JIT could not reach) a body that fails
//     with the JIT's words for it;
//   - `main` hands the runtime the table of expressions (Runtime/Program.h),
//     with each one's diagnostic text, so that a runtime error reads as the
//     JIT's does.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_PROGRAMMODULE_H
#define KALEIDO_SESSION_PROGRAMMODULE_H

#include "AST/AST.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llvm {
class Constant;
class Function;
class GlobalVariable;
class Module;
class Twine;
} // namespace llvm

namespace kaleido {

/// Builds the program module from checked items, in source order.
class ProgramBuilder {
public:
  /// Emits into M, which has its target's data layout and triple.
  /// AllowHostSymbols as SessionOptions::AllowHostSymbols: an `extern` may
  /// then name any C function, which the link must find.
  ProgramBuilder(llvm::Module &M, bool AllowHostSymbols)
      : M(M), AllowHostSymbols(AllowHostSymbols) {}

  /// An `extern`.
  void addExtern(const PrototypeAST &Proto);
  /// A `def` (a redefinition too).
  void addDefinition(const FunctionAST &F);
  /// A top-level expression. Before and After are the diagnostic its runtime
  /// error becomes, cut where the message goes.
  void addExpression(const FunctionAST &F, std::string Before,
                     std::string After);

  /// Adds the stubs, the expression table and `main`, and checks M. With
  /// PrintResults main prints each expression's value, as -p does.
  llvm::Error finish(bool PrintResults);

private:
  /// What the program does with one name.
  struct Name {
    unsigned Arity = 0;
    /// Its definitions, in order.
    std::vector<llvm::Function *> Bodies;
    /// Whether a definition came after the first expression: then calls go
    /// through the slot.
    bool Rebound = false;
    llvm::Function *Stub = nullptr;
    llvm::GlobalVariable *Slot = nullptr;
  };
  /// One expression, and the definitions read since the one before.
  struct Expression {
    std::vector<std::pair<std::string, llvm::Function *>> Defines;
    llvm::Function *Run = nullptr;
    std::string Before, After;
  };

  Name &name(const PrototypeAST &Proto);
  /// What a call of N reaches before any definition: the runtime's function,
  /// a C one, or a body that raises the JIT's error.
  llvm::Function *hostBinding(llvm::StringRef N, unsigned Arity);
  llvm::Function *failingBody(llvm::StringRef N, unsigned Arity,
                              const std::string &Message);
  void defineStub(llvm::StringRef N, Name &Info);
  llvm::Function *defineFunction(const Expression &E, size_t Index);
  llvm::Constant *stringConstant(llvm::StringRef S, const llvm::Twine &Name);
  void defineMain(bool PrintResults);

  llvm::Module &M;
  bool AllowHostSymbols;
  llvm::StringMap<Name> Names;
  std::vector<Expression> Expressions;
  /// Definitions read since the last expression.
  std::vector<std::pair<std::string, llvm::Function *>> Pending;
};

} // namespace kaleido

#endif // KALEIDO_SESSION_PROGRAMMODULE_H
