//===- Session.cpp - One Kaleidoscope world -------------------------------===//
//
// Part of kaleido. The session ties the stages together: each top-level item
// is parsed, checked and recorded, then handed to the executor (a definition
// becomes runnable, an expression runs at once). The parser sees operator
// precedences as of the previous item. Every error that leaves this file is
// a SessionError with a kind; the located details go to the diagnostic
// handler.
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "Parse/Parser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TimeProfiler.h"

#include <cmath>

using namespace kaleido;
using namespace llvm;

/// Err as a SessionError: itself if it is one, else of kind Kind with
/// Prefix before its message.
static Error asSessionError(Error Err, ErrorKind Kind, const Twine &Prefix) {
  return handleErrors(std::move(Err), [&](const ErrorInfoBase &E) -> Error {
    if (E.isA<SessionError>())
      return make_error<SessionError>(static_cast<const SessionError &>(E));
    return make_error<SessionError>(Kind, (Prefix + E.message()).str());
  });
}

Expected<std::unique_ptr<Session::Impl>>
Session::Impl::create(SessionOptions Options) {
  if (Options.OptLevel > 3)
    return make_error<SessionError>(ErrorKind::Usage,
                                    "optimisation level must be 0 to 3");
  if (Options.CompileThreads > MaxCompileThreads)
    return make_error<SessionError>(
        ErrorKind::Usage, formatv("at most {0} compile threads, not {1}",
                                  MaxCompileThreads, Options.CompileThreads)
                              .str());
  if (std::isnan(Options.Timeout) || Options.Timeout < 0)
    return make_error<SessionError>(
        ErrorKind::Usage,
        formatv("the time limit must be 0 or more seconds, not {0}",
                formatValue(Options.Timeout))
            .str());
  std::unique_ptr<Impl> I(new Impl(std::move(Options)));
  if (I->Opts.Timeout > 0 && I->Opts.Timeout <= 1e9)
    I->Clock = std::make_unique<Watchdog>(
        I->Opts.Timeout, [Self = I.get()] { Self->interrupt(); });
  ExecutorOptions EO;
  EO.OptLevel = I->Opts.OptLevel;
  EO.Eager = I->Opts.Mode == JITMode::Eager;
  EO.TierUpCalls = I->Opts.TierUpCalls;
  EO.Baseline = I->Opts.Baseline;
  EO.CompileThreads = I->Opts.CompileThreads;
  EO.AllowHostSymbols = I->Opts.AllowHostSymbols;
  EO.ResolveHost = [Self = I.get()](StringRef Name,
                                    std::optional<unsigned> Arity) {
    return Self->resolveHost(Name, Arity);
  };
  EO.OnCompile = I->Opts.OnCompile;
  EO.DebugInfo = I->Opts.DebugInfo;
  EO.Env.Sink = &I->Opts.OnOutput;
  EO.Env.Poll = &I->Poll;
  EO.Env.InterruptRequested = &I->InterruptRequested;
  if (Error Err = I->startProfiling(EO))
    return std::move(Err);
  if (Error Err = I->startCache(EO))
    return std::move(Err);
  if (I->Opts.Mode == JITMode::Interp) {
    I->Exec = createInterpExecutor(I->Functions, std::move(EO));
    return std::move(I);
  }
  auto Exec = createJITExecutor(I->Functions, std::move(EO));
  if (!Exec)
    return asSessionError(Exec.takeError(), ErrorKind::Internal,
                          "cannot create the JIT: ");
  I->Exec = std::move(*Exec);
  return std::move(I);
}

Error Session::Impl::forEachItem(
    const SourcePiece &Piece, StringRef BufferName,
    function_ref<Error(TopLevelItem &, DiagnosticEngine &)> OnItem) {
  DiagnosticEngine Diags(BufferName, Piece.Text, Opts.OnDiagnostic,
                         Piece.Start);
  size_t Begin = std::min(Piece.Begin, Piece.Text.size());
  Parser P(Piece.Text.slice(Begin, Piece.End), Ops, Diags,
           Piece.locationOf(Begin));
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
    // An interrupt that came while the last item was read, checked or
    // compiled, or between items, stops the run here: this item does not
    // run.
    if (InterruptRequested.load()) {
      Diags.error(Item.K == TopLevelItem::Kind::Extern
                      ? Item.Proto.Loc
                      : Item.Function->Proto.Loc,
                  "interrupted");
      return make_error<SessionError>(ErrorKind::Interrupted, "interrupted");
    }
    Sema S(Functions, Diags);
    if (!S.check(Item))
      return compileError("invalid program");
    Error Err = OnItem(Item, Diags);
    reportCacheWarnings();
    if (Err)
      return Err;
  }
}

void Session::Impl::record(const TopLevelItem &Item, StringRef BufferName) {
  Undo.noteBefore(Item, Functions, Ops);
  recordDeclaration(Functions, Ops, Item, BufferName);
  if (Item.K == TopLevelItem::Kind::Definition)
    ++Stats.FunctionsDefined;
  // Prepared calls decide again whether they need the guard.
  ++Anchor->Generation;
}

Error Session::Impl::runItem(TopLevelItem &Item, DiagnosticEngine &Diags) {
  switch (Item.K) {
  case TopLevelItem::Kind::Extern:
    if (const rt::HostFunctionTable::Entry *H = Hosts.find(Item.Proto.Name);
        H && H->Arity != Item.Proto.Params.size()) {
      Diags.error(Item.Proto.Loc,
                  formatv("'{0}' is a host function of {1} parameter{2}; "
                          "this extern declares {3}",
                          Item.Proto.Name, H->Arity, H->Arity == 1 ? "" : "s",
                          Item.Proto.Params.size()));
      return compileError("invalid program");
    }
    record(Item, Diags.getBufferName());
    if (Error Err = Exec->declare(Item.Proto.Name, Item.Proto.Params.size())) {
      Diags.error(Item.Proto.Loc, "internal error: cannot declare '" +
                                      Item.Proto.Name +
                                      "': " + toString(std::move(Err)));
      return make_error<SessionError>(ErrorKind::Internal,
                                      "declaration failed");
    }
    return Error::success();
  case TopLevelItem::Kind::Definition: {
    record(Item, Diags.getBufferName());
    const PrototypeAST &Proto = Item.Function->Proto;
    if (Error Err = Exec->define(Proto.Name)) {
      Diags.error(Proto.Loc, "internal error: cannot compile '" + Proto.Name +
                                 "': " + toString(std::move(Err)));
      return make_error<SessionError>(ErrorKind::Internal,
                                      "compilation failed");
    }
    return Error::success();
  }
  case TopLevelItem::Kind::Expression: {
    // A span in a time trace (SessionOptions::TimeTrace): compile and run.
    TimeTraceScope Span("expression", Item.Function->Proto.Name);
    Expected<double> Result = runExpression(*Item.Function, Diags);
    if (!Result)
      return Result.takeError();
    if (Opts.OnResult)
      Opts.OnResult(*Result);
    return Error::success();
  }
  }
  llvm_unreachable("unknown item kind");
}

Expected<double> Session::Impl::runExpression(const FunctionAST &F,
                                              DiagnosticEngine &Diags) {
  Expected<double> Result = Exec->run(F, Diags.getBufferName());
  if (Result) {
    ++Stats.ExpressionsRun;
    return Result;
  }
  bool Ran = false;
  Error Err = reportFailure(Result.takeError(), F.Proto.Loc, Diags, Ran);
  // The program ran and failed: it counts as run.
  if (Ran)
    ++Stats.ExpressionsRun;
  return std::move(Err);
}

Error Session::Impl::reportFailure(Error Err, SourceLocation Loc,
                                   DiagnosticEngine &Diags, bool &Ran) {
  ErrorKind Kind = ErrorKind::Internal;
  Error Rest = handleErrors(std::move(Err), [&](const rt::RuntimeError &E) {
    Ran = true;
    Diags.error(Loc, E.message());
    Kind = E.getFault() == rt::Fault::Interrupted ? ErrorKind::Interrupted
                                                  : ErrorKind::Runtime;
  });
  if (Rest) {
    Diags.error(Loc, "internal error: " + toString(std::move(Rest)));
    Kind = ErrorKind::Internal;
  }
  return make_error<SessionError>(
      Kind, Kind == ErrorKind::Runtime       ? "runtime error"
            : Kind == ErrorKind::Interrupted ? "interrupted"
                                             : "internal error");
}

Error Session::Impl::run(const SourcePiece &Piece, StringRef BufferName) {
  if (!Piece.Continued)
    InterruptRequested.store(false);
  Undo.begin(BufferName, Piece.Continued);
  Error Err = forEachItem(Piece, BufferName,
                          [this](TopLevelItem &Item, DiagnosticEngine &Diags) {
                            return runItem(Item, Diags);
                          });
  Undo.end();
  return Err;
}

Error Session::Impl::printFunction(StringRef Name, EmitKind Kind,
                                   raw_ostream &OS) {
  if (Kind != EmitKind::LLVM && Kind != EmitKind::Asm)
    return make_error<SessionError>(ErrorKind::Usage,
                                    "only IR and assembly can be printed");
  auto It = Functions.find(Name);
  if (It == Functions.end())
    return make_error<SessionError>(ErrorKind::Usage,
                                    ("no function named '" + Name + "'").str());
  if (!It->second.Body)
    return make_error<SessionError>(
        ErrorKind::Usage,
        ("'" + Name + "' is an extern: its code is the host's").str());
  InterruptRequested.store(false);
  if (Error Err = Exec->printCode(Name, Kind == EmitKind::Asm, OS))
    return asSessionError(std::move(Err), ErrorKind::Internal,
                          "cannot print '" + Name + "': ");
  return Error::success();
}

Expected<UndoneInput> Session::Impl::undo() {
  std::optional<UndoLog::Record> R = Undo.pop();
  if (!R)
    return make_error<SessionError>(ErrorKind::Usage, "nothing to undo");
  // A name may be gone now, or declared again with another arity: prepared
  // calls look their function up again.
  ++Anchor->Generation;
  UndoneInput Out;
  Out.BufferName = R->BufferName;
  // Newest change first, so that every name ends as it was before the input.
  for (UndoLog::Entry &E : llvm::reverse(R->Entries)) {
    if (E.Op)
      Ops.setPrecedence(E.Op, E.OpBefore);
    bool HadBody = E.Before && E.Before->Body;
    if (E.Before) {
      Functions[E.Name] = std::move(*E.Before);
      Out.Restored.push_back(E.Name);
    } else {
      Functions.erase(E.Name);
      Out.Removed.push_back(E.Name);
    }
    Error Err = HadBody ? Exec->define(E.Name) : Exec->undefine(E.Name);
    if (Err)
      return asSessionError(std::move(Err), ErrorKind::Internal,
                            "cannot undo '" + E.Name + "': ");
  }
  llvm::sort(Out.Restored);
  llvm::sort(Out.Removed);
  return Out;
}

bool Session::Impl::needsMoreInput(StringRef Source) const {
  // Parse against a copy of the operator table, so operators defined earlier
  // in Source are known, but nothing in the session changes.
  OperatorTable Scratch = Ops;
  DiagnosticHandler Quiet;
  DiagnosticEngine Diags("", Source, Quiet);
  Parser Parse(Source, Scratch, Diags);
  for (;;) {
    TopLevelItem Item;
    switch (Parse.parseItem(Item)) {
    case Parser::Result::End:
      return false;
    case Parser::Result::Error:
      return Parse.errorWasAtEnd();
    case Parser::Result::Item:
      Scratch.declare(Item.getPrototype());
      break;
    }
  }
}

Error Session::Impl::emit(StringRef Source, StringRef BufferName, EmitKind Kind,
                          raw_ostream &OS) {
  InterruptRequested.store(false);
  switch (Kind) {
  case EmitKind::Tokens:
    return emitTokens(Source, OS);
  case EmitKind::AST:
    return forEachItem(SourcePiece{Source}, BufferName,
                       [&](TopLevelItem &Item, DiagnosticEngine &Diags) {
                         if (Item.K != TopLevelItem::Kind::Expression)
                           record(Item, Diags.getBufferName());
                         printAST(Item, OS);
                         return Error::success();
                       });
  case EmitKind::LLVM:
  case EmitKind::Asm:
  case EmitKind::Object:
    return emitProgram(ProgramInput{Source.str(), BufferName.str()}, Kind,
                       ProgramOptions(), OS);
  }
  llvm_unreachable("unknown emit kind");
}

Error Session::Impl::checkSignature(StringRef Name, size_t Arity,
                                    StringRef What) const {
  auto It = Functions.find(Name);
  if (It == Functions.end())
    return compileError("no function named '" + Name + "'");
  if (It->second.Arity != Arity)
    return compileError(formatv("'{0}' takes {1} arguments, {2} {3}", Name,
                                It->second.Arity, What, Arity));
  return Error::success();
}

Expected<double> Session::Impl::call(StringRef Name, ArrayRef<double> Args) {
  if (Error Err = checkSignature(Name, Args.size(), "not"))
    return std::move(Err);
  // The call as a top-level expression `Name(Args...)`, run like any other.
  FunctionAST F;
  F.IsTopLevel = true;
  F.Proto.Name = ("<call " + Name + ">").str();
  SmallVector<const Expr *, 8> ArgExprs;
  for (double A : Args)
    ArgExprs.push_back(F.Arena.create<NumberExpr>(SourceLocation(), A));
  F.Body = F.Arena.create<CallExpr>(SourceLocation(), F.Arena.save(Name),
                                    F.Arena.copy(ArrayRef(ArgExprs)));
  InterruptRequested.store(false);
  DiagnosticEngine Diags("<call>", "", Opts.OnDiagnostic);
  Expected<double> R = runExpression(F, Diags);
  reportCacheWarnings();
  return R;
}

Expected<uint64_t> Session::Impl::lookupAddress(StringRef Name,
                                                unsigned Arity) {
  if (Error Err = checkSignature(Name, Arity, "but the requested type takes"))
    return std::move(Err);
  Expected<uint64_t> Addr = Exec->lookupAddress(Name);
  if (!Addr)
    return asSessionError(Addr.takeError(), ErrorKind::Internal,
                          "cannot find '" + Name + "': ");
  return Addr;
}

void Session::Impl::interrupt() {
  rt::requestInterrupt(Poll, InterruptRequested);
}

SessionStats Session::Impl::getStats() const {
  SessionStats S = Stats;
  Exec->addStats(S);
  if (Cache) {
    CompileCache::Stats C = Cache->getStats();
    S.CacheHits = C.Hits;
    S.CacheMisses = C.Misses;
  }
  return S;
}

void Session::Impl::forEachFunction(
    function_ref<void(const FunctionInfo &)> Visit) const {
  FunctionInfo I;
  for (const auto &[Name, Decl] : Functions) {
    I = FunctionInfo();
    I.Name = Name.str();
    I.Arity = Decl.Arity;
    I.Defined = Decl.Body != nullptr;
    Exec->describe(Name, I);
    Visit(I);
  }
}

std::vector<FunctionInfo> Session::Impl::functions() const {
  std::vector<FunctionInfo> Out;
  Out.reserve(Functions.size());
  forEachFunction([&](const FunctionInfo &I) { Out.push_back(I); });
  llvm::sort(Out, [](const FunctionInfo &A, const FunctionInfo &B) {
    return A.Name < B.Name;
  });
  return Out;
}

//===----------------------------------------------------------------------===//
// Session: the public face of Impl
//===----------------------------------------------------------------------===//

Session::Session(std::unique_ptr<Impl> P) : P(std::move(P)) {}
Session::~Session() = default;

Expected<std::unique_ptr<Session>> Session::create(SessionOptions Options) {
  auto I = Impl::create(std::move(Options));
  if (!I)
    return I.takeError();
  return std::unique_ptr<Session>(new Session(std::move(*I)));
}

Error Session::run(StringRef Source, StringRef BufferName) {
  return run(SourcePiece{Source}, BufferName);
}

Error Session::run(const SourcePiece &Piece, StringRef BufferName) {
  TimedCall Timed(P->clock(), /*Restart=*/!Piece.Continued);
  return P->run(Piece, BufferName);
}

size_t Session::completeItems(const SourcePiece &Piece, bool AtEnd) const {
  return P->completeItems(Piece, AtEnd);
}

bool Session::needsMoreInput(StringRef Source) const {
  return P->needsMoreInput(Source);
}

Expected<UndoneInput> Session::undo() { return P->undo(); }

Error Session::printFunction(StringRef Name, EmitKind Kind, raw_ostream &OS) {
  return P->printFunction(Name, Kind, OS);
}

Error Session::emit(StringRef Source, StringRef BufferName, EmitKind Kind,
                    raw_ostream &OS) {
  TimedCall Timed(P->clock());
  return P->emit(Source, BufferName, Kind, OS);
}

Error Session::emitProgram(ArrayRef<ProgramInput> Inputs, EmitKind Kind,
                           raw_ostream &OS, const ProgramOptions &PO) {
  if (Kind != EmitKind::LLVM && Kind != EmitKind::Asm &&
      Kind != EmitKind::Object)
    return make_error<SessionError>(
        ErrorKind::Usage, "only IR, assembly and objects are programs");
  TimedCall Timed(P->clock());
  return P->emitProgram(Inputs, Kind, PO, OS);
}

std::string kaleido::formatValue(double V) { return rt::formatValue(V); }

Expected<double> Session::call(StringRef Name, ArrayRef<double> Args) {
  TimedCall Timed(P->clock());
  return P->call(Name, Args);
}

Expected<PreparedCall> Session::prepare(StringRef Name, unsigned Arity) {
  Expected<std::shared_ptr<PreparedCall::State>> S = P->prepare(Name, Arity);
  if (!S)
    return S.takeError();
  return PreparedCall(std::move(*S));
}

Expected<uint64_t> Session::lookupAddress(StringRef Name, unsigned Arity) {
  return P->lookupAddress(Name, Arity);
}

Expected<void *> Session::lookupUntyped(StringRef Name, unsigned Arity) {
  Expected<uint64_t> Addr = P->lookupAddress(Name, Arity);
  if (!Addr)
    return Addr.takeError();
  return reinterpret_cast<void *>(static_cast<uintptr_t>(*Addr));
}

void Session::interrupt() { P->interrupt(); }

bool Session::timedOut() const { return P->clock() && P->clock()->fired(); }

SessionStats Session::getStats() const { return P->getStats(); }

std::vector<FunctionInfo> Session::functions() const { return P->functions(); }

void Session::waitForCompiles() { P->waitForCompiles(); }

void Session::startCompileThreads() { P->startCompileThreads(); }

void Session::stopCompileThreads() { P->stopCompileThreads(); }

Error Session::finishProfiling() { return P->finishProfiling(); }

void Session::forEachFunction(
    function_ref<void(const FunctionInfo &)> Visit) const {
  P->forEachFunction(Visit);
}
