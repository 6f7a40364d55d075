//===- Interpreter.cpp - A tree-walking evaluator of the AST --------------===//
//
// Part of kaleido. Each visit mirrors the IRGen.cpp function of the same
// kind; built-in operators compute through evaluateBuiltin
// (AST/BuiltinOperators.h), compiled here with -ffp-contract=off.
//
//===----------------------------------------------------------------------===//

#include "Interp/Interpreter.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace kaleido;

/// The activation of one function: its variables are Vars[Base...], and a
/// self tail call leaves its new arguments in TailArgs.
struct kaleido::detail::InterpreterFrame {
  const FunctionAST *F;
  size_t Base;
  bool TailCallPending = false;
  std::vector<double> TailArgs;
};

void Interpreter::fail(rt::Fault Kind, std::string Msg) {
  if (Failure != rt::Fault::None)
    return;
  Failure = Kind;
  Message = std::move(Msg);
}

bool Interpreter::poll(llvm::StringRef Function) {
  llvm::Error Err = rt::pollSafepoint(Function);
  if (!Err)
    return true;
  llvm::handleAllErrors(std::move(Err), [&](const rt::RuntimeError &E) {
    fail(E.getFault(), E.message());
  });
  return false;
}

llvm::Expected<double> Interpreter::evaluate(const FunctionAST &F) {
  Failure = rt::Fault::None;
  Message.clear();
  Vars.clear();
  double Result = call(F, {});
  if (Failure != rt::Fault::None)
    return llvm::make_error<rt::RuntimeError>(Failure, std::move(Message));
  return Result;
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
    if (Failure != rt::Fault::None || !Fr.TailCallPending)
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

double Interpreter::callByName(llvm::StringRef Name, std::vector<double> Args,
                               Frame &Caller, bool Tail) {
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
  return callHostFunction(Name, Args);
}

/// An extern without a definition: what the host resolver finds for it.
double Interpreter::callHostFunction(llvm::StringRef Name,
                                     const std::vector<double> &Args) {
  llvm::Expected<void *> Addr = Resolve ? Resolve(Name, Args.size()) : nullptr;
  if (!Addr) {
    fail(rt::Fault::Error, llvm::toString(Addr.takeError()));
    return 0;
  }
  if (!*Addr) {
    fail(rt::Fault::Error,
         ("call to '" + Name +
          "', which is declared by 'extern' but defined nowhere: not by "
          "'def', not by the runtime or the C math library")
             .str());
    return 0;
  }
  double R = 0;
  if (!callHost(*Addr, Args, R))
    fail(rt::Fault::Error, llvm::formatv("the interpreter cannot call host "
                                         "function '{0}' with {1} arguments",
                                         Name, Args.size()));
  return R;
}

double Interpreter::visitAssign(const AssignExpr &A, Frame &Fr, bool) {
  double V = eval(A.getValue(), Fr, false);
  lookup(Fr, A.getName()) = V;
  return V;
}

double Interpreter::callOperator(char Op, llvm::ArrayRef<double> Args,
                                 Frame &Caller, bool Tail) {
  return callByName(operatorFunctionName(Args.size() == 2, Op),
                    std::vector<double>(Args.begin(), Args.end()), Caller,
                    Tail);
}

double Interpreter::visitUnary(const UnaryExpr &U, Frame &Fr, bool Tail) {
  double V = eval(U.getOperand(), Fr, false);
  return callOperator(U.getOp(), V, Fr, Tail);
}

double Interpreter::visitBinary(const BinaryExpr &B, Frame &Fr, bool Tail) {
  double L = eval(B.getLHS(), Fr, false);
  double R = eval(B.getRHS(), Fr, false);
  if (B.isBuiltin())
    return evaluateBuiltin(B.getBuiltin(), L, R);
  double Args[] = {L, R};
  return callOperator(B.getOp(), Args, Fr, Tail);
}

double Interpreter::visitCall(const CallExpr &C, Frame &Fr, bool Tail) {
  std::vector<double> Args;
  Args.reserve(C.getArgs().size());
  for (const Expr *A : C.getArgs())
    Args.push_back(eval(*A, Fr, false));
  if (Failure != rt::Fault::None)
    return 0;
  return callByName(C.getCallee(), std::move(Args), Fr, Tail);
}

double Interpreter::visitIf(const IfExpr &I, Frame &Fr, bool Tail) {
  double C = eval(I.getCond(), Fr, false);
  // Ordered not-equal, as `fcmp one`: NaN is false.
  bool Taken = C < 0.0 || C > 0.0;
  return eval(Taken ? I.getThen() : I.getElse(), Fr, Tail);
}

double Interpreter::visitFor(const ForExpr &F, Frame &Fr, bool) {
  double Start = eval(F.getStart(), Fr, false);
  Vars.push_back({F.getVarName(), Start});
  size_t Slot = Vars.size() - 1;
  for (;;) {
    if (!poll(Fr.F->Proto.Name))
      break;
    double End = eval(F.getEnd(), Fr, false);
    if (Failure != rt::Fault::None || !(End < 0.0 || End > 0.0))
      break;
    eval(F.getBody(), Fr, false);
    double Step = F.getStep() ? eval(*F.getStep(), Fr, false) : 1.0;
    Vars[Slot].second = Vars[Slot].second + Step;
  }
  Vars.resize(Slot);
  return 0.0;
}

double Interpreter::visitVar(const VarExpr &V, Frame &Fr, bool Tail) {
  size_t Depth = Vars.size();
  for (const VarExpr::Binding &B : V.getBindings()) {
    double Init = B.Init ? eval(*B.Init, Fr, false) : 0.0;
    Vars.push_back({B.Name, Init});
  }
  double R = eval(V.getBody(), Fr, Tail);
  Vars.resize(Depth);
  return R;
}
