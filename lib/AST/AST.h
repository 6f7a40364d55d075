//===- AST.h - The Kaleidoscope syntax tree ----------------------*- C++
//-*-===//
//
// Part of kaleido. The AST knows nothing of LLVM IR: code generation and
// interpretation are separate visitors. Every node carries its location, and
// every expression its depth, so later recursive passes are bounded by the
// parser's depth limit.
//
// Function definitions are held by shared_ptr<const FunctionAST>: the session
// keeps the current one, and the JIT keeps it until the body is compiled.
//
// Memory. A program is mostly definitions that are read, checked and kept but
// rarely compiled, so a tree must be cheap to build, to keep and to drop. Each
// FunctionAST owns an ASTArena that holds every node of its body, every name
// those nodes spell and every list (call arguments, `var` bindings), in one
// block of exactly their size: building a tree is pointer bumps in the
// parser's scratch arena, keeping it costs one heap block, and dropping it
// frees that block instead of walking the tree. Nodes are never destroyed one
// by one: they hold only plain values and pointers into their own arena, and
// must stay trivially destructible.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_AST_AST_H
#define KALEIDO_AST_AST_H

#include "AST/ASTArena.h"
#include "AST/BuiltinOperators.h"
#include "kaleido/Diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>

namespace kaleido {

class Expr {
public:
  enum class Kind : uint8_t {
    Number,
    Variable,
    Unary,
    Binary,
    Assign,
    Call,
    If,
    For,
    Var
  };

  Kind getKind() const { return K; }
  SourceLocation getLoc() const { return Loc; }
  /// 1 for a leaf; 1 + the deepest child otherwise.
  unsigned getDepth() const { return Depth; }

protected:
  Expr(Kind K, SourceLocation Loc, unsigned Depth)
      : Loc(Loc), Depth(Depth), K(K) {}
  /// Nodes are freed with their arena, never one by one.
  ~Expr() = default;

  /// The length of a node's name, for NameLength.
  static uint16_t lengthOf(llvm::StringRef Name) {
    assert(Name.size() <= UINT16_MAX &&
           "names are identifiers, at most 255 characters");
    return static_cast<uint16_t>(Name.size());
  }

private:
  SourceLocation Loc;
  unsigned Depth;
  Kind K;

protected:
  // Small fields of the subclasses, in what would otherwise be padding at the
  // end of this class: nodes are most of a program's memory, and a name
  // stored as a pointer and this length takes 8 bytes less than a StringRef.
  /// UnaryExpr, BinaryExpr: the operator.
  char Op = 0;
  union {
    /// VariableExpr, AssignExpr, CallExpr, ForExpr: the length of the name.
    uint16_t NameLength = 0;
    /// BinaryExpr: the built-in operator Op spells, decided by the parser.
    BuiltinOp Builtin;
  };
};

/// The depth of a node whose children are Children (null children ignored).
inline unsigned depthOver(std::initializer_list<const Expr *> Children) {
  unsigned Max = 0;
  for (const Expr *E : Children)
    if (E && E->getDepth() > Max)
      Max = E->getDepth();
  return Max + 1;
}

class NumberExpr : public Expr {
public:
  NumberExpr(SourceLocation Loc, double Value)
      : Expr(Kind::Number, Loc, 1), Value(Value) {}
  double getValue() const { return Value; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Number; }

private:
  double Value;
};

/// A use of a variable. Name is in the function's arena.
class VariableExpr : public Expr {
public:
  VariableExpr(SourceLocation Loc, llvm::StringRef Name)
      : Expr(Kind::Variable, Loc, 1), Name(Name.data()) {
    NameLength = lengthOf(Name);
  }
  llvm::StringRef getName() const { return {Name, NameLength}; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Variable; }

private:
  const char *Name;
};

/// A use of a user-defined unary operator: calls the function "unary<Op>".
class UnaryExpr : public Expr {
public:
  UnaryExpr(SourceLocation Loc, char Op, const Expr *Operand)
      : Expr(Kind::Unary, Loc, depthOver({Operand})), Operand(Operand) {
    this->Op = Op;
  }
  char getOp() const { return Op; }
  const Expr &getOperand() const { return *Operand; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Unary; }

private:
  const Expr *Operand;
};

/// A binary operator: built in (`<`, `+`, `-`, `*`, and `/` in the formula
/// dialect; see BuiltinOperators.h) or user-defined, which calls the
/// function "binary<Op>". Loc is the operator's.
class BinaryExpr : public Expr {
public:
  /// Builtin is what the parser resolved Op to: builtinOperatorFor(Op) in
  /// the dialect being read (so `/` is Divide or, in the tutorial dialect,
  /// NotBuiltin).
  BinaryExpr(SourceLocation Loc, char Op, BuiltinOp Builtin, const Expr *LHS,
             const Expr *RHS)
      : Expr(Kind::Binary, Loc, depthOver({LHS, RHS})), LHS(LHS), RHS(RHS) {
    assert((Builtin == builtinOperatorFor(Op, Dialect::Tutorial) ||
            Builtin == builtinOperatorFor(Op, Dialect::Formula)) &&
           Builtin != BuiltinOp::Assign &&
           "'=' is an AssignExpr; other operators are what they spell");
    this->Op = Op;
    this->Builtin = Builtin;
  }
  char getOp() const { return Op; }
  /// Whether Op is a built-in operator rather than a call of "binary<Op>".
  bool isBuiltin() const { return Builtin != BuiltinOp::NotBuiltin; }
  /// The built-in operator, or NotBuiltin for a user-defined one.
  BuiltinOp getBuiltin() const { return Builtin; }
  const Expr &getLHS() const { return *LHS; }
  const Expr &getRHS() const { return *RHS; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Binary; }

private:
  const Expr *LHS, *RHS;
};

/// `name = value`; evaluates to value. Name is in the function's arena.
class AssignExpr : public Expr {
public:
  AssignExpr(SourceLocation Loc, llvm::StringRef Name, SourceLocation NameLoc,
             const Expr *Value)
      : Expr(Kind::Assign, Loc, depthOver({Value})), NameLoc(NameLoc),
        Name(Name.data()), Value(Value) {
    NameLength = lengthOf(Name);
  }
  llvm::StringRef getName() const { return {Name, NameLength}; }
  SourceLocation getNameLoc() const { return NameLoc; }
  const Expr &getValue() const { return *Value; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Assign; }

private:
  SourceLocation NameLoc;
  const char *Name;
  const Expr *Value;
};

/// A call. Callee and the argument list are in the function's arena.
class CallExpr : public Expr {
public:
  CallExpr(SourceLocation Loc, llvm::StringRef Callee,
           llvm::ArrayRef<const Expr *> Args)
      : Expr(Kind::Call, Loc, depthOverArgs(Args)), Callee(Callee.data()),
        Args(Args.data()), NumArgs(Args.size()) {
    NameLength = lengthOf(Callee);
  }
  llvm::StringRef getCallee() const { return {Callee, NameLength}; }
  llvm::ArrayRef<const Expr *> getArgs() const { return {Args, NumArgs}; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Call; }

private:
  static unsigned depthOverArgs(llvm::ArrayRef<const Expr *> Args) {
    unsigned Max = 0;
    for (const Expr *A : Args)
      if (A->getDepth() > Max)
        Max = A->getDepth();
    return Max + 1;
  }

  const char *Callee;
  const Expr *const *Args;
  unsigned NumArgs;
};

class IfExpr : public Expr {
public:
  IfExpr(SourceLocation Loc, const Expr *Cond, const Expr *Then,
         const Expr *Else)
      : Expr(Kind::If, Loc, depthOver({Cond, Then, Else})), Cond(Cond),
        Then(Then), Else(Else) {}
  const Expr &getCond() const { return *Cond; }
  const Expr &getThen() const { return *Then; }
  const Expr &getElse() const { return *Else; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::If; }

private:
  const Expr *Cond, *Then, *Else;
};

/// `for Var = Start, End [, Step] in Body`. The loop tests End before every
/// iteration (so a false End runs the body zero times) and evaluates to 0.
class ForExpr : public Expr {
public:
  ForExpr(SourceLocation Loc, llvm::StringRef VarName, const Expr *Start,
          const Expr *End, const Expr *Step, const Expr *Body)
      : Expr(Kind::For, Loc, depthOver({Start, End, Step, Body})),
        VarName(VarName.data()), Start(Start), End(End), Step(Step),
        Body(Body) {
    NameLength = lengthOf(VarName);
  }
  llvm::StringRef getVarName() const { return {VarName, NameLength}; }
  const Expr &getStart() const { return *Start; }
  const Expr &getEnd() const { return *End; }
  /// Null when the step is omitted (it is then 1.0).
  const Expr *getStep() const { return Step; }
  const Expr &getBody() const { return *Body; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::For; }

private:
  const char *VarName;
  const Expr *Start, *End, *Step, *Body;
};

/// `var a = 1, b in Body`. Each initialiser is evaluated before its own name is
/// bound (so it sees the outer `a`), and may use the names bound before it.
class VarExpr : public Expr {
public:
  struct Binding {
    llvm::StringRef Name;
    SourceLocation Loc;
    const Expr *Init = nullptr; ///< Null means 0.0.
  };
  /// Bindings is in the function's arena.
  VarExpr(SourceLocation Loc, llvm::ArrayRef<Binding> Bindings,
          const Expr *Body);
  llvm::ArrayRef<Binding> getBindings() const { return Bindings; }
  const Expr &getBody() const { return *Body; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Var; }

private:
  llvm::ArrayRef<Binding> Bindings;
  const Expr *Body;
};

/// The signature of a function or operator. A value of its own (not in an
/// arena): an `extern` has a prototype but no tree.
struct PrototypeAST {
  enum class Kind { Function, Unary, Binary };

  Kind K = Kind::Function;
  /// The function's name; "unary!" or "binary|" for operators.
  std::string Name;
  SourceLocation Loc;
  /// Inline up to two: most functions and every operator take one or two.
  llvm::SmallVector<std::string, 2> Params;
  llvm::SmallVector<SourceLocation, 2> ParamLocs;
  /// For binary operators: 1 (loosest) to 100 (tightest).
  unsigned Precedence = 0;

  bool isOperator() const { return K != Kind::Function; }
  /// For operators, the operator character.
  char getOperator() const { return Name.back(); }
};

/// The function a user-defined operator calls: "unary!" or "binary|".
inline std::string operatorFunctionName(bool IsBinary, char Op) {
  return std::string(IsBinary ? "binary" : "unary") + Op;
}

/// A `def`, or a top-level expression wrapped in a function of no parameters.
/// Not copyable: Body points into Arena.
struct FunctionAST {
  PrototypeAST Proto;
  /// The tree, in Arena.
  const Expr *Body = nullptr;
  /// True for a wrapped top-level expression.
  bool IsTopLevel = false;
  /// Owns Body's nodes, names and lists. The parser builds a tree in a scratch
  /// arena of its own and copies it here when the item is complete, into a
  /// single block of exactly the tree's size: most trees are a few hundred
  /// bytes, and blocks sized ahead of time would waste more than they hold.
  ASTArena Arena;
};

/// One item of a program, as the parser hands it over.
struct TopLevelItem {
  enum class Kind { Definition, Extern, Expression };
  Kind K;
  /// For Extern only.
  PrototypeAST Proto;
  /// For Definition and Expression.
  std::shared_ptr<FunctionAST> Function;

  /// The extern's or the function's prototype.
  const PrototypeAST &getPrototype() const {
    return K == Kind::Extern ? Proto : Function->Proto;
  }
};

/// Copies the tree E, with its names and lists, into To. Returns the copy.
const Expr *copyTree(const Expr &E, ASTArena &To);

/// Prints Item as an indented tree (the driver's --emit=ast).
void printAST(const TopLevelItem &Item, llvm::raw_ostream &OS);

} // namespace kaleido

#endif // KALEIDO_AST_AST_H
