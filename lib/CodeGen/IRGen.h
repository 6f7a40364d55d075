//===- IRGen.h - Lowers the checked AST to LLVM IR ---------------*- C++
//-*-===//
//
// Part of kaleido. One function at a time: the JIT asks for the IR of a
// function only when that function is first called, so IR generation needs
// nothing but the function's own AST (and, to inline, the ASTs of its
// callees, which the caller of emitFunction supplies).
//
// Naming contract with the JIT: the body is emitted under the symbol the
// caller chooses (the JIT uses versioned names such as "fib$2"). A call to the
// function itself goes straight to that body; a call to any other function
// goes to a declaration named after the callee, which the JIT resolves to the
// callee's permanent stub, unless the callee is inlined (see
// IRGenOptions::FindInlinable): then the callee's AST is emitted in place, and
// the function gets a second copy of its body that calls through the stubs,
// which its entry block picks when an inlined callee's version word has
// changed. Every call
// site is marked `nobuiltin`, so a user function named `sin` is never folded
// as the C library's.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_CODEGEN_IRGEN_H
#define KALEIDO_CODEGEN_IRGEN_H

#include "AST/AST.h"
#include "CodeGen/DebugInfo.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace kaleido {

/// A function whose body IR generation may copy into a caller; see
/// IRGenOptions::FindInlinable.
struct InlineCandidate {
  /// The callee's current definition: bounded (no loop, no call to itself).
  const FunctionAST *Body = nullptr;
  /// A word that holds Version while Body is the callee's current
  /// definition. The caller's code reads it on entry and runs the body with
  /// the inlined copies only if it still matches; otherwise the body that
  /// calls through the stubs, so a redefinition reaches callers that inlined
  /// the old body without recompiling them. The code refers to the word by
  /// the symbol versionWordSymbol(Body->Proto.Name), which the JIT's linker
  /// resolves: it holds no address of this process, so it can be cached
  /// and reused by another (JIT/CompileCache.h).
  const uint32_t *VersionWord = nullptr;
  uint32_t Version = 0;
  /// Expression nodes in Body: the unit of the inlining budget.
  unsigned Size = 0;
};

struct IRGenOptions {
  /// The address of the session's poll word (see Runtime/Runtime.h). If set,
  /// safepoints are emitted at the entry of every function that makes a call
  /// and on every loop back edge: the stack pointer is compared with the word
  /// and, if below it, SafepointFunction is called with the function's name.
  /// If null (a static module), no safepoints are emitted.
  const void *PollWord = nullptr;
  /// Instead of PollWord: the poll word is the external global of this name
  /// (a native program's, Runtime/Program.h; the JIT's, which its linker
  /// resolves, so that the code holds no address of the process). Ignored
  /// if PollWord is set.
  llvm::StringRef PollWordSymbol;
  llvm::StringRef SafepointFunction;
  /// If set, a call to another function is inlined when this returns a
  /// candidate for the callee, up to MaxInlineDepth nested copies and
  /// InlineBudget nodes per function; a function is never inlined into
  /// itself, directly or through the functions inlined into it.
  std::function<std::optional<InlineCandidate>(llvm::StringRef)> FindInlinable;
  static constexpr unsigned MaxInlineDepth = 4;
  /// If set (-g), the function gets DWARF debug metadata (CodeGen/DebugInfo.h):
  /// a subprogram, a location per expression, a variable per parameter,
  /// `var` and `for` name. If not, no debug metadata is made at all.
  std::optional<DebugSource> Debug;
  static constexpr unsigned InlineBudget = 400;
};

/// The external i32 global through which generated code reads Function's
/// version word (InlineCandidate::VersionWord): "f$version". The only place
/// it is spelt; '$' cannot occur in a Kaleidoscope name, and a body symbol
/// ("f$2") has digits after it.
std::string versionWordSymbol(llvm::StringRef Function);
/// The function whose version word Symbol is, if it is a versionWordSymbol.
std::optional<llvm::StringRef> versionWordOwner(llvm::StringRef Symbol);

/// Emits the definition of F into M under the name BodyName. If M already
/// declares BodyName (because something called it), that declaration receives
/// the body. F must have passed Sema. Self tail calls become jumps to the top
/// of the function, so they run in constant stack at every optimisation level.
llvm::Function *emitFunction(const FunctionAST &F, llvm::StringRef BodyName,
                             llvm::Module &M, const IRGenOptions &Opts = {});

} // namespace kaleido

#endif // KALEIDO_CODEGEN_IRGEN_H
