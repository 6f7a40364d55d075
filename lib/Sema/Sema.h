//===- Sema.h - Name, arity and operator checks ------------------*- C++ -*-===//
//
// Part of kaleido. Every error a program can have is found here or in the
// parser, when the item is read: laziness may delay code generation, never an
// error. Code generation may therefore assume a checked AST.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SEMA_SEMA_H
#define KALEIDO_SEMA_SEMA_H

#include "AST/AST.h"
#include "Basic/DiagnosticEngine.h"
#include "Parse/OperatorTable.h"

#include "llvm/ADT/StringMap.h"

namespace kaleido {

/// What the session knows about a name declared by `def` or `extern`.
struct FunctionDecl {
  unsigned Arity = 0;
  PrototypeAST::Kind K = PrototypeAST::Kind::Function;
  /// Where it was first declared.
  SourceLocation Loc;
  std::string BufferName;
  /// The current definition, or null for an extern that has none.
  std::shared_ptr<const FunctionAST> Body;
  /// Counts definitions; 0 while only declared.
  unsigned Version = 0;
};

using FunctionTable = llvm::StringMap<FunctionDecl>;

/// Records a checked `extern` or `def` in the tables: the first declaration
/// of a name fixes its arity and location; a definition replaces the body
/// and, for a binary operator, sets the precedence the following items are
/// parsed with. Returns the name's entry.
FunctionDecl &recordDeclaration(FunctionTable &Functions, OperatorTable &Ops,
                                const TopLevelItem &Item,
                                llvm::StringRef BufferName);

class Sema {
public:
  Sema(const FunctionTable &Functions, DiagnosticEngine &Diags)
      : Functions(Functions), Diags(Diags) {}

  /// Checks Item against the functions declared so far. Returns false after
  /// reporting the first error.
  bool check(const TopLevelItem &Item);

private:
  bool checkPrototype(const PrototypeAST &Proto);
  bool checkExpr(const Expr &E);
  bool checkCall(SourceLocation Loc, llvm::StringRef Callee, size_t NumArgs,
                 llvm::StringRef What);
  bool isVisible(llvm::StringRef Name) const;

  const FunctionTable &Functions;
  DiagnosticEngine &Diags;
  /// The definition being checked, so that it can call itself.
  const PrototypeAST *Current = nullptr;
  /// Names in scope, innermost last.
  std::vector<llvm::StringRef> Scope;
};

} // namespace kaleido

#endif // KALEIDO_SEMA_SEMA_H
