//===- FuzzRun.cpp - libFuzzer target: a whole Session, running -----------===//
//
// Part of kaleido. Creates a kaleido::Session per input, with output and
// diagnostics captured in strings, and runs the input through it: parsing,
// checking, the lazy JIT, the optimiser, machine code, the runtime and its
// guard, or the reference interpreter. The optimisation level, the mode (lazy,
// eager, interp) and whether to run or only emit (Session::emit, --emit=llvm
// or --emit=asm, for one input in four) are taken from the input's size, so
// every seed is still plain source and one corpus covers them all.
//
// The oracle, besides the sanitizers: every run is repeated in a second
// session with the interpreter (or, if the first was the interpreter, the
// lazy JIT), and both must print the same bytes, produce the same values
// (bit for bit; any NaN equals any NaN) and fail or succeed alike. The
// comparison is skipped when the program calls a host function with a number
// of arguments other than its own (`extern atan2(x)`): the JIT then passes
// whatever the registers hold.
//
// The bound. Running arbitrary programs can hang, so the target runs only what
// it can prove finishes quickly.
// Without `for` and without recursion a Kaleidoscope program is a finite tree
// of calls: every expression node runs at most once per call of the function
// it is in. Before running, the target reads the input with the library's own
// parser and Sema (recording items as the session does, so it sees exactly the
// items the session will) and, for each top-level expression, computes
//
//   cost(expr)  = number of AST nodes in it + sum of cost(callee) over its
//                 call sites (calls, user operators), both arms of every `if`
//   cost(f)     = 1 + cost(body of f as defined when the expression runs)
//   cost(f)     = 1 for an extern without a body (runtime or libm)
//
// which is an upper bound on the nodes it evaluates. A `for` anywhere in the
// reachable code, or a call that reaches a function already being costed
// (recursion, direct or through redefinitions), makes the cost infinite. The
// session then runs the input only up to the first expression whose cost
// exceeds Budget; definitions are never a problem (at worst they compile). An
// input whose first expression is already over budget is compiled instead of
// run (Session::emit, --emit=llvm or --emit=asm). The bound is deliberately
// static: it rejects terminating programs such as fib(10), but it needs no
// watchdog calling Session::interrupt(), so every result is reproducible.
//
// If the whole input ran without error it is run a second time in the same
// session, so that every definition is replaced once (the JIT's redefinition
// path), after the same check against the definitions then current.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "Basic/DiagnosticEngine.h"
#include "Parse/Parser.h"
#include "Sema/Sema.h"

#include "kaleido/Session.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace kaleido;
using llvm::cast;
using llvm::StringRef;

namespace {

/// The most AST nodes one top-level expression may evaluate.
constexpr uint64_t Budget = 250000;
/// Stands for "more than Budget"; sums saturate at it.
constexpr uint64_t Over = Budget + 1;
/// Output kept per input; the rest is dropped (printd can write 300 bytes).
constexpr size_t OutputCap = 1 << 20;

uint64_t add(uint64_t A, uint64_t B) { return std::min(A + B, Over); }

/// Upper bounds on the work of expressions, given the definitions current
/// when they run. Valid for one set of definitions only.
class CostModel {
public:
  explicit CostModel(const FunctionTable &Functions) : Functions(Functions) {}

  uint64_t expr(const Expr &E) {
    switch (E.getKind()) {
    case Expr::Kind::Number:
    case Expr::Kind::Variable:
      return 1;
    case Expr::Kind::Assign:
      return add(1, expr(cast<AssignExpr>(E).getValue()));
    case Expr::Kind::Unary: {
      auto &U = cast<UnaryExpr>(E);
      return add(add(1, expr(U.getOperand())),
                 call(operatorFunctionName(false, U.getOp())));
    }
    case Expr::Kind::Binary: {
      auto &B = cast<BinaryExpr>(E);
      uint64_t C = add(1, add(expr(B.getLHS()), expr(B.getRHS())));
      if (B.isBuiltin())
        return C;
      return add(C, call(operatorFunctionName(true, B.getOp())));
    }
    case Expr::Kind::Call: {
      auto &C = cast<CallExpr>(E);
      uint64_t Sum = 1;
      for (const Expr *A : C.getArgs())
        Sum = add(Sum, expr(*A));
      return add(Sum, call(C.getCallee()));
    }
    case Expr::Kind::If: {
      auto &I = cast<IfExpr>(E);
      return add(add(1, expr(I.getCond())),
                 add(expr(I.getThen()), expr(I.getElse())));
    }
    case Expr::Kind::For:
      return Over;
    case Expr::Kind::Var: {
      auto &V = cast<VarExpr>(E);
      uint64_t Sum = 1;
      for (const VarExpr::Binding &B : V.getBindings())
        if (B.Init)
          Sum = add(Sum, expr(*B.Init));
      return add(Sum, expr(V.getBody()));
    }
    }
    return Over;
  }

private:
  uint64_t call(StringRef Name) {
    auto It = Functions.find(Name);
    if (It == Functions.end() || !It->second.Body)
      return 1; // The runtime or libm (a call of the wrong arity fails).
    if (auto M = Memo.find(Name); M != Memo.end())
      return M->second;
    if (!Active.insert(Name).second)
      return Over; // Recursion.
    uint64_t C = add(1, expr(*It->second.Body->Body));
    Active.erase(Name);
    Memo[Name] = C;
    return C;
  }

  const FunctionTable &Functions;
  llvm::StringMap<uint64_t> Memo;
  llvm::StringSet<> Active;
};

/// The byte offset of Loc in Source (the lexer counts every byte as a column).
size_t offsetOf(StringRef Source, SourceLocation Loc) {
  size_t Offset = 0;
  for (unsigned Line = 1; Line < Loc.Line; ++Line)
    Offset = Source.find('\n', Offset) + 1;
  return Offset + Loc.Column - 1;
}

struct Analysis {
  /// The session may run Source.take_front(SafeLength).
  size_t SafeLength = 0;
  /// Every item was accepted: the session will have recorded the same
  /// definitions as Functions and Ops if running all of Source succeeds.
  bool Complete = false;
};

/// Reads Source as Session::run would, with the definitions already in
/// Functions and Ops, and finds how much of it is safe to run.
Analysis analyze(StringRef Source, FunctionTable &Functions,
                 OperatorTable &Ops) {
  DiagnosticHandler Quiet;
  DiagnosticEngine Diags("<fuzz>", Source, Quiet);
  Parser P(Source, Ops, Diags);
  Analysis A;
  A.SafeLength = Source.size();
  for (;;) {
    TopLevelItem Item;
    switch (P.parseItem(Item)) {
    case Parser::Result::End:
      A.Complete = true;
      return A;
    case Parser::Result::Error:
      return A; // The session stops here too.
    case Parser::Result::Item:
      break;
    }
    Sema S(Functions, Diags);
    if (!S.check(Item))
      return A;
    if (Item.K != TopLevelItem::Kind::Expression) {
      recordDeclaration(Functions, Ops, Item, Diags.getBufferName());
      continue;
    }
    if (CostModel(Functions).expr(*Item.Function->Body) > Budget) {
      A.SafeLength = offsetOf(Source, Item.Function->Proto.Loc);
      return A;
    }
  }
}

/// What one session did with the input.
struct Outcome {
  std::string Output;
  std::vector<double> Results;
  /// One entry per run: whether it succeeded.
  std::vector<bool> Succeeded;
};

bool sameValue(double A, double B) {
  if (std::isnan(A) || std::isnan(B))
    return std::isnan(A) && std::isnan(B);
  return std::memcmp(&A, &B, sizeof A) == 0;
}

bool operator==(const Outcome &A, const Outcome &B) {
  return A.Output == B.Output && A.Succeeded == B.Succeeded &&
         std::equal(A.Results.begin(), A.Results.end(), B.Results.begin(),
                    B.Results.end(), sameValue);
}

void print(llvm::raw_ostream &OS, const char *Name, const Outcome &O) {
  OS << Name << ": runs";
  for (bool S : O.Succeeded)
    OS << (S ? " ok" : " failed");
  OS << "; values";
  for (double V : O.Results)
    OS << ' ' << llvm::format("%a", V);
  OS << "; output (" << O.Output.size() << " bytes):\n";
  OS.write_escaped(StringRef(O.Output).take_front(2000)) << "\n";
}

/// How a session compiles: chosen from the input's size.
struct Config {
  unsigned OptLevel;
  JITMode Mode;
  /// 1 (every bounded function compiles twice, the second time with its
  /// callees inlined), 1000 (the default) or 0 (no baseline tier).
  unsigned TierUpCalls;
  /// LLVM's -O0 or kaleido's own native baseline generator.
  BaselineKind Baseline;
  /// 0 (a tier-up compiles in the call that made the function hot) or 1 (on
  /// a compile thread, while the program goes on).
  unsigned CompileThreads;
};

std::unique_ptr<Session> makeSession(const Config &C, Outcome &Out,
                                     std::string &Diagnostics) {
  SessionOptions Opts;
  Opts.OptLevel = C.OptLevel;
  Opts.Mode = C.Mode;
  Opts.TierUpCalls = C.TierUpCalls;
  Opts.Baseline = C.Baseline;
  Opts.CompileThreads = C.CompileThreads;
  Opts.OnOutput = [&Out](StringRef Bytes) {
    StringRef Kept = Bytes.take_front(OutputCap - Out.Output.size());
    Out.Output.append(Kept.data(), Kept.size());
  };
  Opts.OnDiagnostic = [&Diagnostics](const Diagnostic &D) {
    if (Diagnostics.size() < OutputCap)
      Diagnostics += D.format();
  };
  Opts.OnResult = [&Out](double V) { Out.Results.push_back(V); };
  Opts.OnCompile = [](const CompileEvent &E) { (void)E.Name.size(); };
  auto S = Session::create(std::move(Opts));
  if (!S) {
    llvm::errs() << "fuzz-run: cannot create a session: "
                 << llvm::toString(S.takeError()) << "\n";
    std::abort();
  }
  return std::move(*S);
}

/// Runs Source as analysed by First (and, if it all ran, once more) in a new
/// session; Functions and Ops are the analysis's tables after First.
Outcome runAll(StringRef Source, const Config &C, const Analysis &First,
               FunctionTable &Functions, OperatorTable &Ops) {
  Outcome Out;
  std::string Diagnostics;
  std::unique_ptr<Session> S = makeSession(C, Out, Diagnostics);
  llvm::Error Err = S->run(Source.take_front(First.SafeLength), "<fuzz>");
  Out.Succeeded.push_back(!Err);
  llvm::consumeError(std::move(Err));
  if (Out.Succeeded.back() && First.SafeLength == Source.size()) {
    // The analysis must have seen what the session saw.
    if (!First.Complete)
      __builtin_trap();
    Analysis Second = analyze(Source, Functions, Ops);
    if (Second.SafeLength) {
      llvm::Error Err2 = S->run(Source.take_front(Second.SafeLength), "<fuzz>");
      Out.Succeeded.push_back(!Err2);
      llvm::consumeError(std::move(Err2));
    }
  }
  (void)S->needsMoreInput(Source);
  (void)S->getStats();
  return Out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Source = fuzz::asSource(Data, Size);
  static const JITMode Modes[] = {JITMode::Lazy, JITMode::Eager,
                                  JITMode::Interp};
  static const unsigned TierUps[] = {1, 1000, 0};
  // 7 and 5 are prime to the other factors: the generator and the compile
  // threads vary across the rest.
  Config C{unsigned(Size % 4), Modes[(Size / 4) % 3], TierUps[(Size / 96) % 3],
           (Size / 7) % 2 ? BaselineKind::Native : BaselineKind::LLVM,
           unsigned((Size / 5) % 2)};

  FunctionTable Functions;
  OperatorTable Ops;
  Analysis First = analyze(Source, Functions, Ops);

  if ((Size / 12) % 4 == 0 || First.SafeLength == 0) {
    // Emit, or nothing can be run: compile it all instead.
    Outcome Out;
    std::string Diagnostics;
    std::unique_ptr<Session> S = makeSession(C, Out, Diagnostics);
    llvm::raw_null_ostream Null;
    EmitKind Kind = (Size / 48) % 2 ? EmitKind::Asm : EmitKind::LLVM;
    llvm::consumeError(S->emit(Source, "<fuzz>", Kind, Null));
    return 0;
  }

  // Each run needs its own copy of the tables after the first analysis.
  FunctionTable Functions2 = Functions;
  OperatorTable Ops2 = Ops;
  Outcome A = runAll(Source, C, First, Functions, Ops);
  Config Other = C;
  Other.Mode = C.Mode == JITMode::Interp ? JITMode::Lazy : JITMode::Interp;
  Outcome B = runAll(Source, Other, First, Functions2, Ops2);
  if (!(A == B)) {
    llvm::errs() << "fuzz-run: the modes disagree (-O" << C.OptLevel
                 << ", --tier-up=" << C.TierUpCalls << ", --baseline="
                 << (C.Baseline == BaselineKind::Native ? "native" : "llvm")
                 << ", --compile-threads=" << C.CompileThreads << ")\n";
    print(llvm::errs(), C.Mode == JITMode::Interp ? "interp" : "jit", A);
    print(llvm::errs(), Other.Mode == JITMode::Interp ? "interp" : "lazy jit",
          B);
    std::abort();
  }
  return 0;
}
