//===- AST.h - The Kaleidoscope syntax tree ----------------------*- C++ -*-===//
//
// Part of kaleido. The AST knows nothing of LLVM IR: code generation and
// interpretation are separate visitors. Every node carries its location, and
// every expression its depth, so later recursive passes are bounded by the
// parser's depth limit.
//
// Function definitions are held by shared_ptr<const FunctionAST>: the session
// keeps the current one, and the JIT keeps it until the body is compiled.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_AST_AST_H
#define KALEIDO_AST_AST_H

#include "kaleido/Diagnostic.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kaleido {

class Expr {
public:
  enum class Kind { Number, Variable, Unary, Binary, Assign, Call, If, For, Var };

  virtual ~Expr() = default;
  Kind getKind() const { return K; }
  SourceLocation getLoc() const { return Loc; }
  /// 1 for a leaf; 1 + the deepest child otherwise.
  unsigned getDepth() const { return Depth; }

protected:
  Expr(Kind K, SourceLocation Loc, unsigned Depth)
      : K(K), Loc(Loc), Depth(Depth) {}

private:
  Kind K;
  SourceLocation Loc;
  unsigned Depth;
};

using ExprPtr = std::unique_ptr<Expr>;

/// The depth of a node whose children are Children (null children ignored).
unsigned depthOver(std::initializer_list<const Expr *> Children);

class NumberExpr : public Expr {
public:
  NumberExpr(SourceLocation Loc, double Value)
      : Expr(Kind::Number, Loc, 1), Value(Value) {}
  double getValue() const { return Value; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Number; }

private:
  double Value;
};

class VariableExpr : public Expr {
public:
  VariableExpr(SourceLocation Loc, std::string Name)
      : Expr(Kind::Variable, Loc, 1), Name(std::move(Name)) {}
  const std::string &getName() const { return Name; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Variable; }

private:
  std::string Name;
};

/// A use of a user-defined unary operator: calls the function "unary<Op>".
class UnaryExpr : public Expr {
public:
  UnaryExpr(SourceLocation Loc, char Op, ExprPtr Operand)
      : Expr(Kind::Unary, Loc, depthOver({Operand.get()})), Op(Op),
        Operand(std::move(Operand)) {}
  char getOp() const { return Op; }
  const Expr &getOperand() const { return *Operand; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Unary; }

private:
  char Op;
  ExprPtr Operand;
};

/// A binary operator: built in ('<', '+', '-', '*') or user-defined, which
/// calls the function "binary<Op>". Loc is the operator's.
class BinaryExpr : public Expr {
public:
  BinaryExpr(SourceLocation Loc, char Op, ExprPtr LHS, ExprPtr RHS)
      : Expr(Kind::Binary, Loc, depthOver({LHS.get(), RHS.get()})), Op(Op),
        LHS(std::move(LHS)), RHS(std::move(RHS)) {}
  char getOp() const { return Op; }
  const Expr &getLHS() const { return *LHS; }
  const Expr &getRHS() const { return *RHS; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Binary; }

private:
  char Op;
  ExprPtr LHS, RHS;
};

/// `name = value`; evaluates to value.
class AssignExpr : public Expr {
public:
  AssignExpr(SourceLocation Loc, std::string Name, SourceLocation NameLoc,
             ExprPtr Value)
      : Expr(Kind::Assign, Loc, depthOver({Value.get()})),
        Name(std::move(Name)), NameLoc(NameLoc), Value(std::move(Value)) {}
  const std::string &getName() const { return Name; }
  SourceLocation getNameLoc() const { return NameLoc; }
  const Expr &getValue() const { return *Value; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Assign; }

private:
  std::string Name;
  SourceLocation NameLoc;
  ExprPtr Value;
};

class CallExpr : public Expr {
public:
  CallExpr(SourceLocation Loc, std::string Callee, std::vector<ExprPtr> Args);
  const std::string &getCallee() const { return Callee; }
  const std::vector<ExprPtr> &getArgs() const { return Args; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Call; }

private:
  std::string Callee;
  std::vector<ExprPtr> Args;
};

class IfExpr : public Expr {
public:
  IfExpr(SourceLocation Loc, ExprPtr Cond, ExprPtr Then, ExprPtr Else)
      : Expr(Kind::If, Loc, depthOver({Cond.get(), Then.get(), Else.get()})),
        Cond(std::move(Cond)), Then(std::move(Then)), Else(std::move(Else)) {}
  const Expr &getCond() const { return *Cond; }
  const Expr &getThen() const { return *Then; }
  const Expr &getElse() const { return *Else; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::If; }

private:
  ExprPtr Cond, Then, Else;
};

/// `for Var = Start, End [, Step] in Body`. The loop tests End before every
/// iteration (so a false End runs the body zero times) and evaluates to 0.
class ForExpr : public Expr {
public:
  ForExpr(SourceLocation Loc, std::string VarName, ExprPtr Start, ExprPtr End,
          ExprPtr Step, ExprPtr Body)
      : Expr(Kind::For, Loc,
             depthOver({Start.get(), End.get(), Step.get(), Body.get()})),
        VarName(std::move(VarName)), Start(std::move(Start)),
        End(std::move(End)), Step(std::move(Step)), Body(std::move(Body)) {}
  const std::string &getVarName() const { return VarName; }
  const Expr &getStart() const { return *Start; }
  const Expr &getEnd() const { return *End; }
  /// Null when the step is omitted (it is then 1.0).
  const Expr *getStep() const { return Step.get(); }
  const Expr &getBody() const { return *Body; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::For; }

private:
  std::string VarName;
  ExprPtr Start, End, Step, Body;
};

/// `var a = 1, b in Body`. Each initialiser is evaluated before its own name is
/// bound (so it sees the outer `a`), and may use the names bound before it.
class VarExpr : public Expr {
public:
  struct Binding {
    std::string Name;
    SourceLocation Loc;
    ExprPtr Init; ///< Null means 0.0.
  };
  VarExpr(SourceLocation Loc, std::vector<Binding> Bindings, ExprPtr Body);
  const std::vector<Binding> &getBindings() const { return Bindings; }
  const Expr &getBody() const { return *Body; }
  static bool classof(const Expr *E) { return E->getKind() == Kind::Var; }

private:
  std::vector<Binding> Bindings;
  ExprPtr Body;
};

/// The signature of a function or operator.
struct PrototypeAST {
  enum class Kind { Function, Unary, Binary };

  Kind K = Kind::Function;
  /// The function's name; "unary!" or "binary|" for operators.
  std::string Name;
  SourceLocation Loc;
  std::vector<std::string> Params;
  std::vector<SourceLocation> ParamLocs;
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
struct FunctionAST {
  PrototypeAST Proto;
  ExprPtr Body;
  /// True for a wrapped top-level expression.
  bool IsTopLevel = false;
};

/// One item of a program, as the parser hands it over.
struct TopLevelItem {
  enum class Kind { Definition, Extern, Expression };
  Kind K;
  /// For Extern only.
  PrototypeAST Proto;
  /// For Definition and Expression.
  std::shared_ptr<FunctionAST> Function;
};

/// Prints Item as an indented tree (the driver's --emit=ast).
void printAST(const TopLevelItem &Item, llvm::raw_ostream &OS);

} // namespace kaleido

#endif // KALEIDO_AST_AST_H
