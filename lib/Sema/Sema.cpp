//===- Sema.cpp - Name, arity and operator checks -------------------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Sema/Sema.h"

#include "llvm/Support/FormatVariadic.h"

using namespace kaleido;

static std::string plural(size_t N, llvm::StringRef Word) {
  return llvm::formatv("{0} {1}{2}", N, Word, N == 1 ? "" : "s").str();
}

static std::string where(const FunctionDecl &D) {
  return llvm::formatv("{0}:{1}:{2}", D.BufferName, D.Loc.Line, D.Loc.Column)
      .str();
}

FunctionTable &FunctionTable::operator=(const FunctionTable &Other) {
  if (this == &Other)
    return *this;
  Decls.clear();
  for (const auto &Entry : Other.Decls) {
    FunctionDecl &D = Decls[Entry.getKey()];
    D = Entry.second;
    D.BufferName = internBufferName(D.BufferName);
  }
  return *this;
}

FunctionDecl &kaleido::recordDeclaration(FunctionTable &Functions,
                                         OperatorTable &Ops,
                                         const TopLevelItem &Item,
                                         llvm::StringRef BufferName) {
  const PrototypeAST &Proto = Item.getPrototype();
  auto [It, Inserted] = Functions.try_emplace(Proto.Name);
  FunctionDecl &D = It->second;
  if (Inserted) {
    D.Arity = Proto.Params.size();
    D.K = Proto.K;
    D.Loc = Proto.Loc;
    D.BufferName = Functions.internBufferName(BufferName);
  }
  if (Item.K == TopLevelItem::Kind::Definition)
    D.Body = Item.Function;
  // An `extern binary| 5 (a b)` declares the precedence too, as a `def`
  // does: it is what a forward declaration is for (operators that call each
  // other, or one defined later in the input), and a declaration that parsed
  // a precedence and then dropped it would leave the operator unusable, and
  // a later `extern binary| 50` silently without effect. Rejecting externs of
  // operators would be simpler but would take forward declarations away from
  // operators alone.
  Ops.declare(Proto);
  return D;
}

bool Sema::check(const TopLevelItem &Item) {
  Scope.clear();
  Current = nullptr;
  switch (Item.K) {
  case TopLevelItem::Kind::Extern:
    return checkPrototype(Item.Proto);
  case TopLevelItem::Kind::Definition:
    if (!checkPrototype(Item.Function->Proto))
      return false;
    Current = &Item.Function->Proto;
    for (const std::string &P : Current->Params)
      Scope.push_back(P);
    return checkExpr(*Item.Function->Body);
  case TopLevelItem::Kind::Expression:
    return checkExpr(*Item.Function->Body);
  }
  return false;
}

bool Sema::checkPrototype(const PrototypeAST &Proto) {
  auto It = Functions.find(Proto.Name);
  if (It == Functions.end() || It->second.Arity == Proto.Params.size())
    return true;
  // Callers compiled against the old signature would pass the wrong number of
  // arguments through the permanent stub, so the signature is fixed.
  Diags.error(Proto.Loc,
              llvm::formatv("'{0}' was declared with {1} at {2}; it cannot be "
                            "redeclared with {3}",
                            Proto.Name, plural(It->second.Arity, "parameter"),
                            where(It->second), Proto.Params.size()));
  return false;
}

bool Sema::isVisible(llvm::StringRef Name) const {
  for (llvm::StringRef S : Scope)
    if (S == Name)
      return true;
  return false;
}

bool Sema::checkCall(SourceLocation Loc, llvm::StringRef Callee, size_t NumArgs,
                     llvm::StringRef What) {
  unsigned Arity;
  if (Current && Current->Name == Callee) {
    Arity = Current->Params.size();
  } else {
    auto It = Functions.find(Callee);
    if (It == Functions.end()) {
      if (What == "function")
        Diags.error(Loc, "unknown function '" + Callee +
                             "'; declare it with 'def' or 'extern' first");
      else
        Diags.error(Loc, llvm::formatv("unknown {0} '{1}'; define it with "
                                       "'def {2}' first",
                                       What, Callee.back(), Callee));
      return false;
    }
    Arity = It->second.Arity;
  }
  if (Arity == NumArgs)
    return true;
  Diags.error(
      Loc,
      llvm::formatv(
          "'{0}' takes {1}, but {2} given", Callee, plural(Arity, "argument"),
          NumArgs == 1 ? "1 was" : llvm::formatv("{0} were", NumArgs).str()));
  return false;
}

bool Sema::visitVariable(const VariableExpr &V) {
  if (isVisible(V.getName()))
    return true;
  Diags.error(V.getLoc(), "unknown variable '" + V.getName() + "'");
  return false;
}

bool Sema::visitAssign(const AssignExpr &A) {
  if (!isVisible(A.getName())) {
    Diags.error(A.getNameLoc(),
                "cannot assign to unknown variable '" + A.getName() + "'");
    return false;
  }
  return checkExpr(A.getValue());
}

bool Sema::visitUnary(const UnaryExpr &U) {
  return checkCall(U.getLoc(), operatorFunctionName(false, U.getOp()), 1,
                   "unary operator") &&
         checkExpr(U.getOperand());
}

bool Sema::visitBinary(const BinaryExpr &B) {
  if (!B.isBuiltin() &&
      !checkCall(B.getLoc(), operatorFunctionName(true, B.getOp()), 2,
                 "binary operator"))
    return false;
  return checkExpr(B.getLHS()) && checkExpr(B.getRHS());
}

bool Sema::visitCall(const CallExpr &C) {
  if (!checkCall(C.getLoc(), C.getCallee(), C.getArgs().size(), "function"))
    return false;
  for (const Expr *A : C.getArgs())
    if (!checkExpr(*A))
      return false;
  return true;
}

bool Sema::visitIf(const IfExpr &I) {
  return checkExpr(I.getCond()) && checkExpr(I.getThen()) &&
         checkExpr(I.getElse());
}

bool Sema::visitFor(const ForExpr &F) {
  if (!checkExpr(F.getStart()))
    return false;
  Scope.push_back(F.getVarName());
  bool OK = checkExpr(F.getEnd()) &&
            (!F.getStep() || checkExpr(*F.getStep())) && checkExpr(F.getBody());
  Scope.pop_back();
  return OK;
}

bool Sema::visitVar(const VarExpr &V) {
  size_t Depth = Scope.size();
  bool OK = true;
  for (const VarExpr::Binding &B : V.getBindings()) {
    if (B.Init && !checkExpr(*B.Init)) {
      OK = false;
      break;
    }
    Scope.push_back(B.Name);
  }
  OK = OK && checkExpr(V.getBody());
  Scope.resize(Depth);
  return OK;
}
