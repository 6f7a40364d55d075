//===- DebugInfo.h - DWARF metadata for one emitted function -----*- C++
//-*-===//
//
// Part of kaleido. What IR generation adds to a function under -g
// (IRGenOptions::Debug): a compile unit per module, a DISubprogram for the
// function (named as the source names it, with no linkage name: the body
// symbol, fib$2, would be the name gdb shows), a DILocation for every
// expression (its node's line and column), a lexical block per `var` and `for`,
// and a DILocalVariable, declared on its alloca, for every parameter, `var` and
// `for` variable. Without -g nothing here is made: no DIBuilder, no metadata.
//
// Copies of inlined callees keep the location of their call: the copy is not
// described as an inlined subprogram (DW_TAG_inlined_subroutine), so the
// debugger stops at the call's line, not inside the callee's text.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_CODEGEN_DEBUGINFO_H
#define KALEIDO_CODEGEN_DEBUGINFO_H

#include "AST/AST.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/DIBuilder.h"

#include <string>

namespace llvm {
class AllocaInst;
class DILocation;
class DIScope;
class DISubprogram;
class Function;
class Instruction;
} // namespace llvm

namespace kaleido {

/// Where the debugger finds a body's source.
struct DebugSource {
  /// The buffer name, as diagnostics print it ("prog.ks", "<-e #1>").
  std::string File;
  /// The directory File is relative to (the session's working directory);
  /// empty if unknown.
  std::string Directory;
  /// Whether the code is optimised (the debugger is told that variables
  /// may be unavailable).
  bool Optimized = false;
};

/// Builds the debug metadata of one function while IR generation emits it.
/// Made before the body is emitted; the destructor finalizes the metadata,
/// after which the function is complete. One per function: a module may
/// hold several (each reuses the module's compile unit).
class FunctionDebugInfo {
public:
  /// Describes Fn, the body of F, in Fn's module, as Source says.
  FunctionDebugInfo(llvm::Function &Fn, const FunctionAST &F,
                    const DebugSource &Source);
  ~FunctionDebugInfo();
  FunctionDebugInfo(const FunctionDebugInfo &) = delete;
  FunctionDebugInfo &operator=(const FunctionDebugInfo &) = delete;

  /// The location Loc in the innermost open scope; the function's own line
  /// if Loc is invalid (a node the session made, such as Session::call's).
  llvm::DILocation *at(SourceLocation Loc) const;

  /// Declares Slot as the storage of parameter ArgNo (1-based) or, if ArgNo
  /// is 0, of a local variable, named Name and declared at Loc, in the
  /// innermost open scope. The declaration is placed before Before (an
  /// instruction of Slot's function).
  void declare(llvm::AllocaInst *Slot, llvm::StringRef Name, unsigned ArgNo,
               SourceLocation Loc, llvm::Instruction *Before);

  /// Opens a lexical block at Loc (a `var` or `for`): names declared until
  /// the matching closeScope() are visible only inside it.
  void openScope(SourceLocation Loc);
  void closeScope();

private:
  llvm::DIBuilder DIB;
  llvm::DIFile *File = nullptr;
  llvm::DISubprogram *SP = nullptr;
  llvm::DIType *Double = nullptr;
  unsigned Line;
  llvm::SmallVector<llvm::DIScope *, 8> Scopes;
};

} // namespace kaleido

#endif // KALEIDO_CODEGEN_DEBUGINFO_H
