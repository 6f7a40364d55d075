//===- Interpreter.cpp - A tree-walking evaluator of the AST --------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Interp/Interpreter.h"

#include "Runtime/Runtime.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace kaleido;
using llvm::cast;

/// The activation of one function: its variables are Vars[Base...], and a
/// self tail call leaves its new arguments in TailArgs.
struct Interpreter::Frame {
  const FunctionAST *F;
  size_t Base;
  bool TailCallPending = false;
  std::vector<double> TailArgs;
};

void Interpreter::fail(Status S, std::string Msg) {
  if (Failure != Status::OK)
    return;
  Failure = S;
  Message = std::move(Msg);
}

bool Interpreter::poll(llvm::StringRef Function) {
  llvm::Error Err = rt::pollSafepoint(Function);
  if (!Err)
    return true;
  llvm::handleAllErrors(std::move(Err), [&](const rt::RuntimeError &E) {
    fail(E.getFault() == rt::Fault::Interrupted ? Status::Interrupted
                                                : Status::Error,
         E.message());
  });
  return false;
}

Interpreter::Status Interpreter::evaluate(const FunctionAST &F, double &Result,
                                          std::string &Msg) {
  Failure = Status::OK;
  Message.clear();
  Vars.clear();
  Result = call(F, {});
  Msg = Message;
  return Failure;
}

double &Interpreter::lookup(Frame &Fr, llvm::StringRef Name) {
  for (size_t I = Vars.size(); I > Fr.Base; --I)
    if (Vars[I - 1].first == Name)
      return Vars[I - 1].second;
  llvm_unreachable("Sema lets no unknown variable through");
}

double Interpreter::call(const FunctionAST &F, std::vector<double> Args) {
  Frame Fr{&F, Vars.size(), false, {}};
  for (;;) {
    if (!poll(F.Proto.Name))
      return 0;
    for (size_t I = 0; I < Args.size(); ++I)
      Vars.push_back({F.Proto.Params[I], Args[I]});
    double R = eval(*F.Body, Fr, /*Tail=*/true);
    Vars.resize(Fr.Base);
    if (Failure != Status::OK || !Fr.TailCallPending)
      return R;
    // A self tail call: start over with the new arguments, in constant stack.
    Fr.TailCallPending = false;
    Args = std::move(Fr.TailArgs);
  }
}

/// Calls a host function of doubles through a pointer of the right type.
static bool callHost(void *Addr, const std::vector<double> &A, double &R) {
  switch (A.size()) {
  case 0:
    R = reinterpret_cast<double (*)()>(Addr)();
    return true;
  case 1:
    R = reinterpret_cast<double (*)(double)>(Addr)(A[0]);
    return true;
  case 2:
    R = reinterpret_cast<double (*)(double, double)>(Addr)(A[0], A[1]);
    return true;
  case 3:
    R = reinterpret_cast<double (*)(double, double, double)>(Addr)(A[0], A[1],
                                                                  A[2]);
    return true;
  case 4:
    R = reinterpret_cast<double (*)(double, double, double, double)>(Addr)(
        A[0], A[1], A[2], A[3]);
    return true;
  default:
    return false;
  }
}

double Interpreter::callByName(llvm::StringRef Name,
                               std::vector<double> Args, Frame &Caller,
                               bool Tail) {
  if (Tail && !Caller.F->IsTopLevel && Name == Caller.F->Proto.Name) {
    Caller.TailCallPending = true;
    Caller.TailArgs = std::move(Args);
    return 0;
  }
  const FunctionAST *Target = nullptr;
  if (!Caller.F->IsTopLevel && Name == Caller.F->Proto.Name)
    Target = Caller.F;
  else if (auto It = Functions.find(Name); It != Functions.end())
    Target = It->second.Body.get();
  if (Target)
    return call(*Target, std::move(Args));

  llvm::Expected<void *> Addr =
      Resolve ? Resolve(Name, Args.size()) : nullptr;
  if (!Addr) {
    fail(Status::Error, llvm::toString(Addr.takeError()));
    return 0;
  }
  if (!*Addr) {
    fail(Status::Error,
         ("call to '" + Name +
          "', which is declared by 'extern' but defined nowhere: not by "
          "'def', not by the runtime or the C math library")
             .str());
    return 0;
  }
  double R = 0;
  if (!callHost(*Addr, Args, R))
    fail(Status::Error, llvm::formatv("the interpreter cannot call host "
                                      "function '{0}' with {1} arguments",
                                      Name, Args.size()));
  return R;
}

double Interpreter::eval(const Expr &E, Frame &Fr, bool Tail) {
  if (Failure != Status::OK)
    return 0;
  switch (E.getKind()) {
  case Expr::Kind::Number:
    return cast<NumberExpr>(E).getValue();
  case Expr::Kind::Variable:
    return lookup(Fr, cast<VariableExpr>(E).getName());
  case Expr::Kind::Assign: {
    auto &A = cast<AssignExpr>(E);
    double V = eval(A.getValue(), Fr, false);
    lookup(Fr, A.getName()) = V;
    return V;
  }
  case Expr::Kind::Unary: {
    auto &U = cast<UnaryExpr>(E);
    double V = eval(U.getOperand(), Fr, false);
    return callByName(operatorFunctionName(false, U.getOp()), {V}, Fr, Tail);
  }
  case Expr::Kind::Binary: {
    auto &B = cast<BinaryExpr>(E);
    double L = eval(B.getLHS(), Fr, false);
    double R = eval(B.getRHS(), Fr, false);
    switch (B.getOp()) {
    case '+':
      return L + R;
    case '-':
      return L - R;
    case '*':
      return L * R;
    case '<':
      // Unordered less-than, as `fcmp ult`: true if either is NaN.
      return !(L >= R) ? 1.0 : 0.0;
    default:
      return callByName(operatorFunctionName(true, B.getOp()), {L, R}, Fr,
                        Tail);
    }
  }
  case Expr::Kind::Call: {
    auto &C = cast<CallExpr>(E);
    std::vector<double> Args;
    Args.reserve(C.getArgs().size());
    for (const Expr *A : C.getArgs())
      Args.push_back(eval(*A, Fr, false));
    if (Failure != Status::OK)
      return 0;
    return callByName(C.getCallee(), std::move(Args), Fr, Tail);
  }
  case Expr::Kind::If: {
    auto &I = cast<IfExpr>(E);
    double C = eval(I.getCond(), Fr, false);
    // Ordered not-equal, as `fcmp one`: NaN is false.
    bool Taken = C < 0.0 || C > 0.0;
    return eval(Taken ? I.getThen() : I.getElse(), Fr, Tail);
  }
  case Expr::Kind::For: {
    auto &F = cast<ForExpr>(E);
    double Start = eval(F.getStart(), Fr, false);
    Vars.push_back({F.getVarName(), Start});
    size_t Slot = Vars.size() - 1;
    for (;;) {
      if (!poll(Fr.F->Proto.Name))
        break;
      double End = eval(F.getEnd(), Fr, false);
      if (Failure != Status::OK || !(End < 0.0 || End > 0.0))
        break;
      eval(F.getBody(), Fr, false);
      double Step = F.getStep() ? eval(*F.getStep(), Fr, false) : 1.0;
      Vars[Slot].second = Vars[Slot].second + Step;
    }
    Vars.resize(Slot);
    return 0.0;
  }
  case Expr::Kind::Var: {
    auto &V = cast<VarExpr>(E);
    size_t Depth = Vars.size();
    for (const VarExpr::Binding &B : V.getBindings()) {
      double Init = B.Init ? eval(*B.Init, Fr, false) : 0.0;
      Vars.push_back({B.Name, Init});
    }
    double R = eval(V.getBody(), Fr, Tail);
    Vars.resize(Depth);
    return R;
  }
  }
  return 0;
}
