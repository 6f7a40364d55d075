//===- IRGen.h - Lowers the checked AST to LLVM IR ---------------*- C++ -*-===//
//
// Part of kaleido. One function at a time: the JIT asks for the IR of a
// function only when that function is first called, so IR generation must not
// need anything but the function's own AST.
//
// Naming contract with the JIT: the body is emitted under the symbol the
// caller chooses (the JIT uses versioned names such as "fib$2"). A call to the
// function itself goes straight to that body; a call to any other function
// goes to a declaration named after the callee, which the JIT resolves to the
// callee's permanent stub. Every call site is marked `nobuiltin`, so a user
// function named `sin` is never folded as the C library's.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_CODEGEN_IRGEN_H
#define KALEIDO_CODEGEN_IRGEN_H

#include "AST/AST.h"

#include "llvm/ADT/StringRef.h"

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace kaleido {

struct IRGenOptions {
  /// The address of the session's poll word (see Runtime/Runtime.h). If set,
  /// safepoints are emitted at the entry of every function that makes a call
  /// and on every loop back edge: the stack pointer is compared with the word
  /// and, if below it, SafepointFunction is called with the function's name.
  /// If null (a static module), no safepoints are emitted.
  const void *PollWord = nullptr;
  llvm::StringRef SafepointFunction;
};

/// Emits the definition of F into M under the name BodyName. If M already
/// declares BodyName (because something called it), that declaration receives
/// the body. F must have passed Sema. Self tail calls become jumps to the top
/// of the function, so they run in constant stack at every optimisation level.
llvm::Function *emitFunction(const FunctionAST &F, llvm::StringRef BodyName,
                             llvm::Module &M, const IRGenOptions &Opts = {});

} // namespace kaleido

#endif // KALEIDO_CODEGEN_IRGEN_H
