//===- AST.cpp - The Kaleidoscope syntax tree -----------------------------===//
//
// Part of kaleido. Node checks, the tree copier and the tree printer for
// --emit=ast, both ExprVisitors.
//
//===----------------------------------------------------------------------===//

#include "AST/AST.h"
#include "AST/ExprVisitor.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Format.h"

using namespace kaleido;

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

// The arena never runs destructors (see AST.h).
static_assert(std::is_trivially_destructible_v<NumberExpr> &&
              std::is_trivially_destructible_v<VariableExpr> &&
              std::is_trivially_destructible_v<UnaryExpr> &&
              std::is_trivially_destructible_v<BinaryExpr> &&
              std::is_trivially_destructible_v<AssignExpr> &&
              std::is_trivially_destructible_v<CallExpr> &&
              std::is_trivially_destructible_v<IfExpr> &&
              std::is_trivially_destructible_v<ForExpr> &&
              std::is_trivially_destructible_v<VarExpr>);
// Small nodes are most of a program's memory; see Expr's small fields.
static_assert(sizeof(void *) != 8 ||
              (sizeof(Expr) == 16 && sizeof(VariableExpr) == 24 &&
               sizeof(BinaryExpr) == 32 && sizeof(CallExpr) == 40));

VarExpr::VarExpr(SourceLocation Loc, llvm::ArrayRef<Binding> Bindings,
                 const Expr *Body)
    : Expr(Kind::Var, Loc,
           [&] {
             unsigned Max = Body->getDepth();
             for (const Binding &B : Bindings)
               if (B.Init)
                 Max = std::max(Max, B.Init->getDepth());
             return Max + 1;
           }()),
      Bindings(Bindings), Body(Body) {}

namespace {
/// Copies a tree into an arena, children first, as the parser allocates
/// them; names and lists are copied as they are met. Depths are recomputed by
/// the constructors and come out the same. (The arena is an argument rather
/// than a member: a load fewer per node.)
class TreeCopier : public ExprVisitor<TreeCopier, const Expr *, ASTArena &> {
public:
  const Expr *visitNumber(const NumberExpr &N, ASTArena &To) {
    return To.create<NumberExpr>(N.getLoc(), N.getValue());
  }
  const Expr *visitVariable(const VariableExpr &V, ASTArena &To) {
    return To.create<VariableExpr>(V.getLoc(), To.save(V.getName()));
  }
  const Expr *visitUnary(const UnaryExpr &U, ASTArena &To) {
    return To.create<UnaryExpr>(U.getLoc(), U.getOp(),
                                visit(U.getOperand(), To));
  }
  const Expr *visitBinary(const BinaryExpr &B, ASTArena &To) {
    const Expr *LHS = visit(B.getLHS(), To);
    const Expr *RHS = visit(B.getRHS(), To);
    return To.create<BinaryExpr>(B.getLoc(), B.getOp(), B.getBuiltin(), LHS,
                                 RHS);
  }
  const Expr *visitAssign(const AssignExpr &A, ASTArena &To) {
    llvm::StringRef Name = To.save(A.getName());
    return To.create<AssignExpr>(A.getLoc(), Name, A.getNameLoc(),
                                 visit(A.getValue(), To));
  }
  const Expr *visitCall(const CallExpr &C, ASTArena &To) {
    llvm::StringRef Callee = To.save(C.getCallee());
    size_t N = C.getArgs().size();
    const Expr **Args = N ? To.allocate<const Expr *>(N) : nullptr;
    for (size_t I = 0; I < N; ++I)
      Args[I] = visit(*C.getArgs()[I], To);
    return To.create<CallExpr>(C.getLoc(), Callee,
                               llvm::ArrayRef<const Expr *>(Args, N));
  }
  const Expr *visitIf(const IfExpr &I, ASTArena &To) {
    const Expr *Cond = visit(I.getCond(), To);
    const Expr *Then = visit(I.getThen(), To);
    const Expr *Else = visit(I.getElse(), To);
    return To.create<IfExpr>(I.getLoc(), Cond, Then, Else);
  }
  const Expr *visitFor(const ForExpr &F, ASTArena &To) {
    llvm::StringRef Var = To.save(F.getVarName());
    const Expr *Start = visit(F.getStart(), To);
    const Expr *End = visit(F.getEnd(), To);
    const Expr *Step = F.getStep() ? visit(*F.getStep(), To) : nullptr;
    const Expr *Body = visit(F.getBody(), To);
    return To.create<ForExpr>(F.getLoc(), Var, Start, End, Step, Body);
  }
  const Expr *visitVar(const VarExpr &V, ASTArena &To) {
    llvm::SmallVector<VarExpr::Binding, 4> Bindings;
    for (const VarExpr::Binding &B : V.getBindings())
      Bindings.push_back(
          {To.save(B.Name), B.Loc, B.Init ? visit(*B.Init, To) : nullptr});
    const Expr *Body = visit(V.getBody(), To);
    return To.create<VarExpr>(V.getLoc(), To.copy(llvm::ArrayRef(Bindings)),
                              Body);
  }
};
} // namespace

const Expr *kaleido::copyTree(const Expr &E, ASTArena &To) {
  return TreeCopier().visit(E, To);
}

//===----------------------------------------------------------------------===//
// The printer
//===----------------------------------------------------------------------===//

namespace {
/// Prints one node per line, children indented by two spaces.
class ASTPrinter : public ExprVisitor<ASTPrinter, void, unsigned> {
public:
  explicit ASTPrinter(llvm::raw_ostream &OS) : OS(OS) {}

  /// Prints E at Indent, then its children below it.
  void print(const Expr &E, unsigned Indent) {
    OS.indent(Indent);
    visit(E, Indent);
  }

  void visitNumber(const NumberExpr &N, unsigned) {
    OS << "Number " << llvm::format("%g", N.getValue());
    loc(N);
  }
  void visitVariable(const VariableExpr &V, unsigned) {
    OS << "Variable " << V.getName();
    loc(V);
  }
  void visitUnary(const UnaryExpr &U, unsigned Indent) {
    OS << "Unary '" << U.getOp() << "'";
    loc(U);
    print(U.getOperand(), Indent + 2);
  }
  void visitBinary(const BinaryExpr &B, unsigned Indent) {
    OS << "Binary '" << B.getOp() << "'";
    loc(B);
    print(B.getLHS(), Indent + 2);
    print(B.getRHS(), Indent + 2);
  }
  void visitAssign(const AssignExpr &A, unsigned Indent) {
    OS << "Assign " << A.getName();
    loc(A);
    print(A.getValue(), Indent + 2);
  }
  void visitCall(const CallExpr &C, unsigned Indent) {
    OS << "Call " << C.getCallee();
    loc(C);
    for (const Expr *A : C.getArgs())
      print(*A, Indent + 2);
  }
  void visitIf(const IfExpr &I, unsigned Indent) {
    OS << "If";
    loc(I);
    print(I.getCond(), Indent + 2);
    print(I.getThen(), Indent + 2);
    print(I.getElse(), Indent + 2);
  }
  void visitFor(const ForExpr &F, unsigned Indent) {
    OS << "For " << F.getVarName();
    loc(F);
    print(F.getStart(), Indent + 2);
    print(F.getEnd(), Indent + 2);
    if (F.getStep())
      print(*F.getStep(), Indent + 2);
    else
      OS.indent(Indent + 2) << "(step 1)\n";
    print(F.getBody(), Indent + 2);
  }
  void visitVar(const VarExpr &V, unsigned Indent) {
    OS << "Var";
    loc(V);
    for (const VarExpr::Binding &B : V.getBindings()) {
      OS.indent(Indent + 2) << "Binding " << B.Name << " @" << B.Loc.Line << ':'
                            << B.Loc.Column << '\n';
      if (B.Init)
        print(*B.Init, Indent + 4);
    }
    print(V.getBody(), Indent + 2);
  }

  void printProto(const PrototypeAST &P) {
    OS << P.Name << '(';
    for (size_t I = 0; I < P.Params.size(); ++I)
      OS << (I ? " " : "") << P.Params[I];
    OS << ')';
    if (P.K == PrototypeAST::Kind::Binary)
      OS << " precedence " << P.Precedence;
  }

private:
  void loc(const Expr &E) {
    OS << " @" << E.getLoc().Line << ':' << E.getLoc().Column << '\n';
  }
  llvm::raw_ostream &OS;
};
} // namespace

void kaleido::printAST(const TopLevelItem &Item, llvm::raw_ostream &OS) {
  ASTPrinter P(OS);
  switch (Item.K) {
  case TopLevelItem::Kind::Extern:
    OS << "Extern ";
    P.printProto(Item.Proto);
    OS << '\n';
    return;
  case TopLevelItem::Kind::Definition:
    OS << "Def ";
    P.printProto(Item.Function->Proto);
    OS << '\n';
    P.print(*Item.Function->Body, 2);
    return;
  case TopLevelItem::Kind::Expression:
    OS << "TopLevelExpr\n";
    P.print(*Item.Function->Body, 2);
    return;
  }
}
