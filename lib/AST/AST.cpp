//===- AST.cpp - The Kaleidoscope syntax tree -----------------------------===//
//
// Part of kaleido. Node helpers and the tree printer for --emit=ast.
//
//===----------------------------------------------------------------------===//

#include "AST/AST.h"

#include "llvm/Support/Format.h"

#include <algorithm>

using namespace kaleido;
using llvm::cast;

unsigned kaleido::depthOver(std::initializer_list<const Expr *> Children) {
  unsigned Max = 0;
  for (const Expr *E : Children)
    if (E)
      Max = std::max(Max, E->getDepth());
  return Max + 1;
}

CallExpr::CallExpr(SourceLocation Loc, std::string Callee,
                   std::vector<ExprPtr> Args)
    : Expr(Kind::Call, Loc,
           [&] {
             unsigned Max = 0;
             for (const ExprPtr &A : Args)
               Max = std::max(Max, A->getDepth());
             return Max + 1;
           }()),
      Callee(std::move(Callee)), Args(std::move(Args)) {}

VarExpr::VarExpr(SourceLocation Loc, std::vector<Binding> Bindings,
                 ExprPtr Body)
    : Expr(Kind::Var, Loc,
           [&] {
             unsigned Max = Body->getDepth();
             for (const Binding &B : Bindings)
               if (B.Init)
                 Max = std::max(Max, B.Init->getDepth());
             return Max + 1;
           }()),
      Bindings(std::move(Bindings)), Body(std::move(Body)) {}

namespace {
/// Prints one node per line, children indented by two spaces.
class ASTPrinter {
public:
  explicit ASTPrinter(llvm::raw_ostream &OS) : OS(OS) {}

  void print(const Expr &E, unsigned Indent) {
    OS.indent(Indent);
    switch (E.getKind()) {
    case Expr::Kind::Number:
      OS << "Number " << llvm::format("%g", cast<NumberExpr>(E).getValue());
      break;
    case Expr::Kind::Variable:
      OS << "Variable " << cast<VariableExpr>(E).getName();
      break;
    case Expr::Kind::Unary: {
      auto &U = cast<UnaryExpr>(E);
      OS << "Unary '" << U.getOp() << "'";
      loc(E);
      print(U.getOperand(), Indent + 2);
      return;
    }
    case Expr::Kind::Binary: {
      auto &B = cast<BinaryExpr>(E);
      OS << "Binary '" << B.getOp() << "'";
      loc(E);
      print(B.getLHS(), Indent + 2);
      print(B.getRHS(), Indent + 2);
      return;
    }
    case Expr::Kind::Assign: {
      auto &A = cast<AssignExpr>(E);
      OS << "Assign " << A.getName();
      loc(E);
      print(A.getValue(), Indent + 2);
      return;
    }
    case Expr::Kind::Call: {
      auto &C = cast<CallExpr>(E);
      OS << "Call " << C.getCallee();
      loc(E);
      for (const ExprPtr &A : C.getArgs())
        print(*A, Indent + 2);
      return;
    }
    case Expr::Kind::If: {
      auto &I = cast<IfExpr>(E);
      OS << "If";
      loc(E);
      print(I.getCond(), Indent + 2);
      print(I.getThen(), Indent + 2);
      print(I.getElse(), Indent + 2);
      return;
    }
    case Expr::Kind::For: {
      auto &F = cast<ForExpr>(E);
      OS << "For " << F.getVarName();
      loc(E);
      print(F.getStart(), Indent + 2);
      print(F.getEnd(), Indent + 2);
      if (F.getStep())
        print(*F.getStep(), Indent + 2);
      else {
        OS.indent(Indent + 2) << "(step 1)\n";
      }
      print(F.getBody(), Indent + 2);
      return;
    }
    case Expr::Kind::Var: {
      auto &V = cast<VarExpr>(E);
      OS << "Var";
      loc(E);
      for (const VarExpr::Binding &B : V.getBindings()) {
        OS.indent(Indent + 2) << "Binding " << B.Name << " @" << B.Loc.Line
                              << ':' << B.Loc.Column << '\n';
        if (B.Init)
          print(*B.Init, Indent + 4);
      }
      print(V.getBody(), Indent + 2);
      return;
    }
    }
    loc(E);
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
