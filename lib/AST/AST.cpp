//===- AST.cpp - The Kaleidoscope syntax tree -----------------------------===//
//
// Part of kaleido. Node checks, the tree copier and the tree printer for
// --emit=ast.
//
//===----------------------------------------------------------------------===//

#include "AST/AST.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Format.h"

using namespace kaleido;
using llvm::cast;

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

const Expr *kaleido::copyTree(const Expr &E, ASTArena &To) {
  // Children first, as the parser allocates them; names and lists are copied
  // as they are met. Depths are recomputed by the constructors and come out
  // the same.
  switch (E.getKind()) {
  case Expr::Kind::Number: {
    auto &N = cast<NumberExpr>(E);
    return To.create<NumberExpr>(N.getLoc(), N.getValue());
  }
  case Expr::Kind::Variable: {
    auto &V = cast<VariableExpr>(E);
    return To.create<VariableExpr>(V.getLoc(), To.save(V.getName()));
  }
  case Expr::Kind::Unary: {
    auto &U = cast<UnaryExpr>(E);
    return To.create<UnaryExpr>(U.getLoc(), U.getOp(),
                                copyTree(U.getOperand(), To));
  }
  case Expr::Kind::Binary: {
    auto &B = cast<BinaryExpr>(E);
    const Expr *LHS = copyTree(B.getLHS(), To);
    const Expr *RHS = copyTree(B.getRHS(), To);
    return To.create<BinaryExpr>(B.getLoc(), B.getOp(), LHS, RHS);
  }
  case Expr::Kind::Assign: {
    auto &A = cast<AssignExpr>(E);
    llvm::StringRef Name = To.save(A.getName());
    return To.create<AssignExpr>(A.getLoc(), Name, A.getNameLoc(),
                                 copyTree(A.getValue(), To));
  }
  case Expr::Kind::Call: {
    auto &C = cast<CallExpr>(E);
    llvm::StringRef Callee = To.save(C.getCallee());
    size_t N = C.getArgs().size();
    const Expr **Args = N ? To.allocate<const Expr *>(N) : nullptr;
    for (size_t I = 0; I < N; ++I)
      Args[I] = copyTree(*C.getArgs()[I], To);
    return To.create<CallExpr>(C.getLoc(), Callee,
                               llvm::ArrayRef<const Expr *>(Args, N));
  }
  case Expr::Kind::If: {
    auto &I = cast<IfExpr>(E);
    const Expr *Cond = copyTree(I.getCond(), To);
    const Expr *Then = copyTree(I.getThen(), To);
    const Expr *Else = copyTree(I.getElse(), To);
    return To.create<IfExpr>(I.getLoc(), Cond, Then, Else);
  }
  case Expr::Kind::For: {
    auto &F = cast<ForExpr>(E);
    llvm::StringRef Var = To.save(F.getVarName());
    const Expr *Start = copyTree(F.getStart(), To);
    const Expr *End = copyTree(F.getEnd(), To);
    const Expr *Step = F.getStep() ? copyTree(*F.getStep(), To) : nullptr;
    const Expr *Body = copyTree(F.getBody(), To);
    return To.create<ForExpr>(F.getLoc(), Var, Start, End, Step, Body);
  }
  case Expr::Kind::Var: {
    auto &V = cast<VarExpr>(E);
    llvm::SmallVector<VarExpr::Binding, 4> Bindings;
    for (const VarExpr::Binding &B : V.getBindings())
      Bindings.push_back(
          {To.save(B.Name), B.Loc, B.Init ? copyTree(*B.Init, To) : nullptr});
    const Expr *Body = copyTree(V.getBody(), To);
    return To.create<VarExpr>(V.getLoc(), To.copy(llvm::ArrayRef(Bindings)),
                              Body);
  }
  }
  llvm_unreachable("unknown expression kind");
}

//===----------------------------------------------------------------------===//
// The printer
//===----------------------------------------------------------------------===//

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
      for (const Expr *A : C.getArgs())
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
