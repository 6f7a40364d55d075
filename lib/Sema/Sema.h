//===- Sema.h - Name, arity and operator checks ------------------*- C++
//-*-===//
//
// Part of kaleido. Every error a program can have is found here or in the
// parser, when the item is read: laziness may delay code generation, never an
// error. Code generation may therefore assume a checked AST.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SEMA_SEMA_H
#define KALEIDO_SEMA_SEMA_H

#include "AST/AST.h"
#include "AST/ExprVisitor.h"
#include "Basic/DiagnosticEngine.h"
#include "Parse/OperatorTable.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace kaleido {

/// What the session knows about a name declared by `def` or `extern`.
struct FunctionDecl {
  unsigned Arity = 0;
  PrototypeAST::Kind K = PrototypeAST::Kind::Function;
  /// Where it was first declared.
  SourceLocation Loc;
  /// The buffer of Loc: interned by the table (see recordDeclaration), or any
  /// string that outlives the table.
  llvm::StringRef BufferName;
  /// The current definition, or null for an extern that has none.
  std::shared_ptr<const FunctionAST> Body;
};

/// The functions a session knows, by name. The table keeps one copy of each
/// buffer name its entries point to, instead of one per entry.
///
/// (Packing the entries in a BumpPtrAllocator would save a few cache misses
/// per lookup, but under the sanitizers our instrumented copy of LLVM's
/// allocator code would be linked in place of the one the uninstrumented
/// LLVM libraries expect, and LLVM's own slabs would stay poisoned.)
class FunctionTable {
  using Map = llvm::StringMap<FunctionDecl>;

public:
  // A container's interface keeps the standard library's names, so range-for
  // and generic code work with it.
  // NOLINTBEGIN(readability-identifier-naming)
  using iterator = Map::iterator;
  using const_iterator = Map::const_iterator;
  // NOLINTEND(readability-identifier-naming)

  FunctionTable() = default;
  /// Copies the entries; buffer names are interned again in the copy.
  FunctionTable(const FunctionTable &Other) { *this = Other; }
  FunctionTable &operator=(const FunctionTable &Other);
  FunctionTable(FunctionTable &&) = default;
  FunctionTable &operator=(FunctionTable &&) = default;

  iterator begin() { return Decls.begin(); }
  iterator end() { return Decls.end(); }
  const_iterator begin() const { return Decls.begin(); }
  const_iterator end() const { return Decls.end(); }
  iterator find(llvm::StringRef Name) { return Decls.find(Name); }
  const_iterator find(llvm::StringRef Name) const { return Decls.find(Name); }
  size_t size() const { return Decls.size(); }

  /// Inserts a default entry for Name unless there is one; returns the entry
  /// and whether it was inserted.
  // NOLINTNEXTLINE(readability-identifier-naming): the container interface.
  std::pair<iterator, bool> try_emplace(llvm::StringRef Name) {
    return Decls.try_emplace(Name);
  }
  FunctionDecl &operator[](llvm::StringRef Name) { return Decls[Name]; }
  void erase(llvm::StringRef Name) { Decls.erase(Name); }

  /// A copy of Name that lives as long as the table; one per distinct name.
  llvm::StringRef internBufferName(llvm::StringRef Name) {
    return BufferNames.insert(Name).first->getKey();
  }

private:
  Map Decls;
  llvm::StringSet<> BufferNames;
};

/// Records a checked `extern` or `def` in the tables: the first declaration
/// of a name fixes its arity and location (BufferName is interned in
/// Functions, so it need not outlive the call); a definition replaces the
/// body; a binary operator's `def` or `extern` sets the precedence the
/// following items are parsed with. Returns the name's entry.
FunctionDecl &recordDeclaration(FunctionTable &Functions, OperatorTable &Ops,
                                const TopLevelItem &Item,
                                llvm::StringRef BufferName);

/// Checks items in order. The expression checks are an ExprVisitor that
/// returns false after reporting the first error.
class Sema : private ExprVisitor<Sema, bool> {
public:
  Sema(const FunctionTable &Functions, DiagnosticEngine &Diags)
      : Functions(Functions), Diags(Diags) {}

  /// Checks Item against the functions declared so far. Returns false after
  /// reporting the first error.
  bool check(const TopLevelItem &Item);

private:
  bool checkPrototype(const PrototypeAST &Proto);
  bool checkExpr(const Expr &E) { return visit(E); }
  bool checkCall(SourceLocation Loc, llvm::StringRef Callee, size_t NumArgs,
                 llvm::StringRef What);
  bool isVisible(llvm::StringRef Name) const;

  friend class ExprVisitor<Sema, bool>;
  // One per kind. Always inlined, so that visit() compiles to the one switch
  // checkExpr was before it was a visitor (a call more per node cost 4% of
  // checking).
  [[gnu::always_inline]] bool visitNumber(const NumberExpr &) { return true; }
  [[gnu::always_inline]] bool visitVariable(const VariableExpr &V);
  [[gnu::always_inline]] bool visitAssign(const AssignExpr &A);
  [[gnu::always_inline]] bool visitUnary(const UnaryExpr &U);
  [[gnu::always_inline]] bool visitBinary(const BinaryExpr &B);
  [[gnu::always_inline]] bool visitCall(const CallExpr &C);
  [[gnu::always_inline]] bool visitIf(const IfExpr &I);
  [[gnu::always_inline]] bool visitFor(const ForExpr &F);
  [[gnu::always_inline]] bool visitVar(const VarExpr &V);

  const FunctionTable &Functions;
  DiagnosticEngine &Diags;
  /// The definition being checked, so that it can call itself.
  const PrototypeAST *Current = nullptr;
  /// Names in scope, innermost last.
  llvm::SmallVector<llvm::StringRef, 16> Scope;
};

} // namespace kaleido

#endif // KALEIDO_SEMA_SEMA_H
