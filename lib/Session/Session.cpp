//===- Session.cpp - One Kaleidoscope world -------------------------------===//
//
// Part of kaleido. The session ties the stages together: each top-level item
// is parsed, checked, recorded, and then handed to the JIT (a definition: its
// AST becomes the body's IR generator) or compiled and run at once (an
// expression). The parser sees operator precedences as of the previous item.
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "CodeGen/IRGen.h"
#include "Interp/Interpreter.h"
#include "Parse/Parser.h"
#include "Runtime/Runtime.h"
#include "Session/DirectEvaluator.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FormatVariadic.h"

using namespace kaleido;
using namespace llvm;

Session::Session(std::unique_ptr<Impl> P) : P(std::move(P)) {}
// The JIT goes first: it may report an error while it ends (see
// JITOptions::OnError), and the handler writes into the rest of Impl.
Session::~Session() {
  if (P)
    P->JIT.reset();
}

Expected<std::unique_ptr<Session>> Session::create(SessionOptions Options) {
  auto I = std::make_unique<Impl>(std::move(Options));
  Impl *Raw = I.get();
  JITOptions JO;
  JO.Bodies = I.get();
  JO.OptLevel = I->Opts.OptLevel;
  JO.TierUpCalls = I->Opts.TierUpCalls;
  JO.AllowHostSymbols = I->Opts.AllowHostSymbols;
  JO.ResolveHostSymbol = [AllowAll = JO.AllowHostSymbols](
                             StringRef Name, std::optional<unsigned> Arity) {
    return rt::resolveHostSymbol(Name, Arity, AllowAll);
  };
  JO.LazyCallFailureHandler = rt::getLazyCallFailureHandler();
  JO.OnError = [Raw](std::string Msg) {
    // Inside JIT'd code the message goes with the runtime error that follows;
    // otherwise it waits for the call that caused it to fail.
    if (rt::ExecutionContext *Ctx = rt::activeContext()) {
      if (Ctx->ErrorMessage.empty())
        Ctx->ErrorMessage = std::move(Msg);
    } else if (Raw->PendingJITError.empty()) {
      Raw->PendingJITError = std::move(Msg);
    }
  };
  JO.OnCompiled = [Raw](const CompileInfo &C) {
    Raw->Stats.CompileSeconds += C.Seconds;
    if (C.IsFunction && !C.TierUp)
      ++Raw->Stats.FunctionsCompiled;
    if (Raw->Opts.OnCompile)
      Raw->Opts.OnCompile({C.Name.str(), C.OptLevel, C.TierUp, C.Seconds});
  };
  auto JIT = KaleidoJIT::create(std::move(JO));
  if (!JIT)
    return JIT.takeError();
  I->JIT = std::move(*JIT);
  return std::unique_ptr<Session>(new Session(std::move(I)));
}

Error Session::Impl::forEachItem(
    StringRef Source, StringRef BufferName,
    function_ref<Error(TopLevelItem &, DiagnosticEngine &)> OnItem) {
  DiagnosticEngine Diags(BufferName, Source, Opts.OnDiagnostic);
  Parser P(Source, Ops, Diags);
  for (;;) {
    TopLevelItem Item;
    switch (P.parseItem(Item)) {
    case Parser::Result::End:
      return Error::success();
    case Parser::Result::Error:
      return compileError("syntax error");
    case Parser::Result::Item:
      break;
    }
    Sema S(Functions, Diags);
    if (!S.check(Item))
      return compileError("invalid program");
    if (Error Err = OnItem(Item, Diags))
      return Err;
  }
}

void Session::Impl::record(const TopLevelItem &Item, StringRef BufferName) {
  recordDeclaration(Functions, Ops, Item, BufferName);
  if (Item.K == TopLevelItem::Kind::Definition)
    ++Stats.FunctionsDefined;
}

namespace {
/// Measures a function body for the tiers and the inliner: its size in
/// expression nodes, and whether one call of it can run for unbounded time by
/// itself: its body has a `for`, or it calls itself (directly or through its
/// own operator; a self tail call is a loop too). Such a function skips the
/// baseline tier, whose code only becomes optimised for later calls, and is
/// never inlined. Other functions spend unbounded time only in their callees,
/// each of which tiers up on its own.
class BodyMeter {
public:
  /// Stops counting (and reports Cap + 1) once the body has more than Cap
  /// nodes.
  BodyMeter(llvm::StringRef Self, unsigned Cap) : Self(Self), Cap(Cap) {}

  bool MayLoop = false;
  unsigned Nodes = 0;

  void visit(const Expr &E) {
    if (MayLoop || Nodes > Cap)
      return;
    ++Nodes;
    switch (E.getKind()) {
    case Expr::Kind::Number:
    case Expr::Kind::Variable:
      return;
    case Expr::Kind::For:
      MayLoop = true;
      return;
    case Expr::Kind::Assign:
      return visit(cast<AssignExpr>(E).getValue());
    case Expr::Kind::Unary: {
      auto &U = cast<UnaryExpr>(E);
      call(operatorFunctionName(false, U.getOp()));
      return visit(U.getOperand());
    }
    case Expr::Kind::Binary: {
      auto &B = cast<BinaryExpr>(E);
      call(operatorFunctionName(true, B.getOp()));
      visit(B.getLHS());
      return visit(B.getRHS());
    }
    case Expr::Kind::Call: {
      auto &C = cast<CallExpr>(E);
      call(C.getCallee());
      for (const Expr *A : C.getArgs())
        visit(*A);
      return;
    }
    case Expr::Kind::If: {
      auto &I = cast<IfExpr>(E);
      visit(I.getCond());
      visit(I.getThen());
      return visit(I.getElse());
    }
    case Expr::Kind::Var: {
      auto &V = cast<VarExpr>(E);
      for (const VarExpr::Binding &B : V.getBindings())
        if (B.Init)
          visit(*B.Init);
      return visit(V.getBody());
    }
    }
  }

private:
  void call(llvm::StringRef Callee) {
    if (!Self.empty() && Callee == Self)
      MayLoop = true;
  }

  llvm::StringRef Self;
  unsigned Cap;
};

/// The name F calls itself by; a top-level expression has none.
llvm::StringRef selfName(const FunctionAST &F) {
  return F.IsTopLevel ? llvm::StringRef() : llvm::StringRef(F.Proto.Name);
}
} // namespace

static bool mayLoop(const FunctionAST &F) {
  BodyMeter M(selfName(F), ~0u - 1);
  M.visit(*F.Body);
  return M.MayLoop;
}

/// Bodies of at most this many nodes (`x * x` has 3) are inlined.
static constexpr unsigned MaxInlineNodes = 40;

std::optional<InlineCandidate>
Session::Impl::findInlinable(StringRef Name) const {
  auto It = Functions.find(Name);
  if (It == Functions.end() || !It->second.Body)
    return std::nullopt;
  const FunctionAST &F = *It->second.Body;
  BodyMeter M(selfName(F), MaxInlineNodes);
  M.visit(*F.Body);
  const uint32_t *Word = JIT->getVersionWord(Name);
  if (M.MayLoop || M.Nodes > MaxInlineNodes || !Word)
    return std::nullopt;
  InlineCandidate C;
  C.Body = &F;
  C.VersionWord = Word;
  C.Version = *Word;
  C.Size = M.Nodes;
  return C;
}

IRGenOptions Session::Impl::irGenOptions(Tier T) const {
  IRGenOptions O;
  O.PollWord = &Poll;
  O.SafepointFunction = rt::SafepointFunction;
  // Optimised code at -O2 and above inlines small callees; baseline code is
  // meant to be quick to compile.
  if (T == Tier::Optimized && Opts.OptLevel >= 2)
    O.FindInlinable = [this](StringRef Name) { return findInlinable(Name); };
  return O;
}

/// The JIT asks while no definition can change (on a first call, when a body
/// tiers up, or at the definition if eager), so the body and whatever it
/// inlines are current.
Expected<std::unique_ptr<Module>>
Session::Impl::generateIR(LLVMContext &Ctx, StringRef Name, StringRef Symbol,
                          Tier T) {
  auto It = Functions.find(Name);
  if (It == Functions.end() || !It->second.Body)
    return make_error<StringError>("no body for '" + Name + "'",
                                   inconvertibleErrorCode());
  auto M = std::make_unique<Module>(Symbol, Ctx);
  emitFunction(*It->second.Body, Symbol, *M, irGenOptions(T));
  return std::move(M);
}

bool Session::Impl::isBounded(StringRef Name) {
  auto It = Functions.find(Name);
  return It != Functions.end() && It->second.Body &&
         !mayLoop(*It->second.Body);
}

Error Session::Impl::runItem(TopLevelItem &Item, DiagnosticEngine &Diags) {
  if (Opts.Mode == JITMode::Interp) {
    if (Item.K != TopLevelItem::Kind::Expression) {
      record(Item, Diags.getBufferName());
      return Error::success();
    }
    return interpretExpression(*Item.Function, Diags);
  }
  switch (Item.K) {
  case TopLevelItem::Kind::Extern:
    record(Item, Diags.getBufferName());
    JIT->declare(Item.Proto.Name, Item.Proto.Params.size());
    return Error::success();
  case TopLevelItem::Kind::Definition: {
    record(Item, Diags.getBufferName());
    const PrototypeAST &Proto = Item.Function->Proto;
    if (Error Err = JIT->define(Proto.Name, Opts.Mode == JITMode::Eager)) {
      Diags.error(Proto.Loc, "internal error: cannot compile '" + Proto.Name +
                                 "': " + toString(std::move(Err)));
      return make_error<SessionError>(ErrorKind::Internal,
                                      "compilation failed");
    }
    return Error::success();
  }
  case TopLevelItem::Kind::Expression:
    return runExpression(*Item.Function, Diags);
  }
  llvm_unreachable("unknown item kind");
}

Error Session::Impl::runExpression(const FunctionAST &F,
                                   DiagnosticEngine &Diags) {
  if (DirectEvaluator::canEvaluate(*F.Body)) {
    PendingJITError.clear();
    auto D = DirectEvaluator::prepare(*F.Body, *JIT);
    if (!D) {
      Diags.error(F.Proto.Loc, "internal error: " + toString(D.takeError()));
      return make_error<SessionError>(ErrorKind::Internal, "internal error");
    }
    double Result = 0;
    Error Err = runGuarded([&D] { return D->evaluate(); }, F.Proto.Loc, Diags,
                           Result);
    ++Stats.ExpressionsRun;
    JIT->releaseRetiredCode();
    if (Err)
      return Err;
    if (Opts.OnResult)
      Opts.OnResult(Result);
    return Error::success();
  }
  std::string Symbol = formatv("__expr${0}", ++NextExpression).str();
  orc::ResourceTrackerSP RT;
  PendingJITError.clear();
  // The AST outlives the compile: it is compiled before this returns.
  auto Addr = JIT->compileExpression(
      Symbol, F.Proto.Name,
      [&F, this](LLVMContext &Ctx, StringRef Sym,
                 Tier T) -> Expected<std::unique_ptr<Module>> {
        auto M = std::make_unique<Module>(Sym, Ctx);
        emitFunction(F, Sym, *M, irGenOptions(T));
        return std::move(M);
      },
      // An expression runs once: only a loop makes optimising it pay.
      mayLoop(F) ? Tier::Optimized : Tier::Baseline, RT);
  if (!Addr) {
    std::string Msg = toString(Addr.takeError());
    if (!PendingJITError.empty())
      Msg = PendingJITError;
    Diags.error(F.Proto.Loc, "internal error: cannot compile this "
                             "expression: " + Msg);
    if (RT)
      consumeError(RT->remove());
    return make_error<SessionError>(ErrorKind::Internal, "compilation failed");
  }

  auto *Fn = Addr->toPtr<double (*)()>();
  double Result = 0;
  Error Err = runGuarded([Fn] { return Fn(); }, F.Proto.Loc, Diags, Result);
  ++Stats.ExpressionsRun;
  if (Error RemoveErr = RT->remove())
    consumeError(std::move(RemoveErr));
  JIT->releaseRetiredCode();
  if (Err)
    return Err;
  if (Opts.OnResult)
    Opts.OnResult(Result);
  return Error::success();
}

Error Session::Impl::interpretExpression(const FunctionAST &F,
                                         DiagnosticEngine &Diags) {
  Interpreter Interp(Functions, [AllowAll = Opts.AllowHostSymbols](
                                    StringRef Name, unsigned Arity) {
    return rt::resolveHostSymbol(Name, Arity, AllowAll);
  });
  Interpreter::Status St = Interpreter::Status::OK;
  std::string Msg;
  double Result = 0;
  // The interpreter reports failures by return value; the guard only provides
  // the output, the poll word and the stack limit.
  Error Err = runGuarded([&] { return St = Interp.evaluate(F, Result, Msg),
                                Result; },
                         F.Proto.Loc, Diags, Result);
  ++Stats.ExpressionsRun;
  if (Err)
    return Err;
  if (St == Interpreter::Status::Interrupted) {
    Diags.error(F.Proto.Loc, Msg);
    return make_error<SessionError>(ErrorKind::Interrupted, "interrupted");
  }
  if (St == Interpreter::Status::Error) {
    Diags.error(F.Proto.Loc, Msg);
    return make_error<SessionError>(ErrorKind::Runtime, "runtime error");
  }
  if (Opts.OnResult)
    Opts.OnResult(Result);
  return Error::success();
}

Error Session::Impl::runGuarded(function_ref<double()> Fn, SourceLocation Loc,
                                DiagnosticEngine &Diags, double &Result) {
  rt::ExecutionContext Ctx;
  Ctx.Sink = &Opts.OnOutput;
  Ctx.Poll = &Poll;
  Ctx.InterruptRequested = &InterruptRequested;
  if (rt::callGuarded(Fn, Ctx, Result))
    return Error::success();
  if (Ctx.Failure == rt::Fault::Interrupted) {
    Diags.error(Loc, "interrupted");
    return make_error<SessionError>(ErrorKind::Interrupted, "interrupted");
  }
  Diags.error(Loc, Ctx.ErrorMessage);
  return make_error<SessionError>(ErrorKind::Runtime, "runtime error");
}

void Session::interrupt() {
  P->InterruptRequested.store(true);
  P->Poll.store(UINTPTR_MAX);
}

Error Session::run(StringRef Source, StringRef BufferName) {
  P->InterruptRequested.store(false);
  return P->forEachItem(Source, BufferName,
                        [this](TopLevelItem &Item, DiagnosticEngine &Diags) {
                          return P->runItem(Item, Diags);
                        });
}

bool Session::needsMoreInput(StringRef Source) const {
  // Parse against a copy of the operator table, so operators defined earlier
  // in Source are known, but nothing in the session changes.
  OperatorTable Ops = P->Ops;
  DiagnosticHandler Quiet;
  DiagnosticEngine Diags("", Source, Quiet);
  Parser Parse(Source, Ops, Diags);
  for (;;) {
    TopLevelItem Item;
    switch (Parse.parseItem(Item)) {
    case Parser::Result::End:
      return false;
    case Parser::Result::Error:
      return Parse.errorWasAtEnd();
    case Parser::Result::Item:
      if (Item.K == TopLevelItem::Kind::Definition &&
          Item.Function->Proto.K == PrototypeAST::Kind::Binary)
        Ops.setPrecedence(Item.Function->Proto.getOperator(),
                          Item.Function->Proto.Precedence);
      break;
    }
  }
}

Error Session::emit(StringRef Source, StringRef BufferName, EmitKind Kind,
                    raw_ostream &OS) {
  switch (Kind) {
  case EmitKind::Tokens:
    return P->emitTokens(Source, OS);
  case EmitKind::AST:
    return P->forEachItem(Source, BufferName,
                          [&](TopLevelItem &Item, DiagnosticEngine &Diags) {
                            if (Item.K != TopLevelItem::Kind::Expression)
                              P->record(Item, Diags.getBufferName());
                            printAST(Item, OS);
                            return Error::success();
                          });
  case EmitKind::LLVM:
  case EmitKind::Asm:
    return P->emitModule(Source, BufferName, Kind == EmitKind::Asm, OS);
  }
  llvm_unreachable("unknown emit kind");
}

Expected<double> Session::call(StringRef Name, ArrayRef<double> Args) {
  auto It = P->Functions.find(Name);
  if (It == P->Functions.end())
    return make_error<SessionError>(ErrorKind::Compile,
                                    ("no function named '" + Name + "'").str());
  if (It->second.Arity != Args.size())
    return make_error<SessionError>(
        ErrorKind::Compile,
        formatv("'{0}' takes {1} arguments, not {2}", Name, It->second.Arity,
                Args.size())
            .str());
  FunctionAST F;
  F.IsTopLevel = true;
  F.Proto.Name = ("<call " + Name + ">").str();
  SmallVector<const Expr *, 8> ArgExprs;
  for (double A : Args)
    ArgExprs.push_back(F.Arena.create<NumberExpr>(SourceLocation(), A));
  F.Body = F.Arena.create<CallExpr>(SourceLocation(), F.Arena.save(Name),
                                    F.Arena.copy(ArrayRef(ArgExprs)));
  double Result = 0;
  P->InterruptRequested.store(false);
  std::function<void(double)> Saved = std::move(P->Opts.OnResult);
  P->Opts.OnResult = [&Result](double R) { Result = R; };
  DiagnosticEngine Diags("<call>", "", P->Opts.OnDiagnostic);
  Error Err = P->Opts.Mode == JITMode::Interp
                  ? P->interpretExpression(F, Diags)
                  : P->runExpression(F, Diags);
  P->Opts.OnResult = std::move(Saved);
  if (Err)
    return std::move(Err);
  return Result;
}

Expected<uint64_t> Session::lookupAddress(StringRef Name, unsigned Arity) {
  auto It = P->Functions.find(Name);
  if (It == P->Functions.end())
    return make_error<SessionError>(ErrorKind::Compile,
                                    ("no function named '" + Name + "'").str());
  if (It->second.Arity != Arity)
    return make_error<SessionError>(
        ErrorKind::Compile,
        formatv("'{0}' takes {1} arguments, but the requested type takes {2}",
                Name, It->second.Arity, Arity)
            .str());
  if (P->Opts.Mode == JITMode::Interp)
    return make_error<SessionError>(
        ErrorKind::Compile,
        "lookup() needs machine code; this session interprets (use call())");
  auto Addr = P->JIT->lookupStub(Name);
  if (!Addr)
    return Addr.takeError();
  return Addr->getValue();
}

SessionStats Session::getStats() const {
  SessionStats S = P->Stats;
  S.BodiesFreed = P->JIT->getBodiesFreed();
  S.TierUps = P->JIT->getTierUps();
  return S;
}
