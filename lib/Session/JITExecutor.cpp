//===- JITExecutor.cpp - Runs a session's program with the JIT ------------===//
//
// Part of kaleido. The executor behind --jit=lazy and --jit=eager. It is the
// JIT's BodySource: when the JIT compiles a body it asks here for the IR of
// the name's current definition, generated from the AST with the session's
// safepoints and, in optimised code, the inlining policy. A top-level
// expression made only of numbers, arithmetic and calls runs through the
// DirectEvaluator without a compile; any other is compiled as an anonymous
// function, run once and freed.
//
//===----------------------------------------------------------------------===//

#include "Session/Executor.h"

#include "AST/BodyAnalysis.h"
#include "Baseline/NativeEmitter.h"
#include "CodeGen/IRGen.h"
#include "CodeGen/InlinePolicy.h"
#include "CodeGen/Optimizer.h"
#include "JIT/KaleidoJIT.h"
#include "Session/CodeText.h"
#include "Session/DirectEvaluator.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Target/TargetMachine.h"

using namespace kaleido;
using namespace llvm;

Executor::~Executor() = default;

namespace {
class JITExecutor final : public Executor, private BodySource {
public:
  JITExecutor(const FunctionTable &Functions, ExecutorOptions Opts)
      : Functions(Functions), Opts(std::move(Opts)) {}
  // The JIT goes first: it may report an error while it ends (see
  // JITOptions::OnError), and the handler writes into the members below it.
  // Only the kernels' trackers go before it (the JIT's session frees their
  // code as it ends).
  ~JITExecutor() override {
    Kernels.clear();
    JIT.reset();
  }

  Error init();

  Error declare(StringRef Name, unsigned Arity) override {
    JIT->declare(Name, Arity);
    return Error::success();
  }

  Error define(StringRef Name) override {
    CompileTimes.erase(Name); // They were the old body's.
    return JIT->define(Name, Opts.Eager);
  }

  Error undefine(StringRef Name) override {
    CompileTimes.erase(Name);
    return JIT->undefine(Name);
  }

  void describe(StringRef Name, FunctionInfo &Info) override;
  Error printCode(StringRef Name, bool Asm, raw_ostream &OS) override;

  Expected<double> run(const FunctionAST &F, StringRef BufferName) override;

  Expected<uint64_t> lookupAddress(StringRef Name) override {
    auto Addr = JIT->lookupStub(Name);
    if (!Addr)
      return Addr.takeError();
    return Addr->getValue();
  }

  Expected<const uint64_t *> entryTarget(StringRef Name) override {
    return JIT->lookupStubTarget(Name);
  }

  void waitForCompiles() override { JIT->waitForCompiles(); }
  void startCompileThreads() override { JIT->startCompileThreads(); }
  void stopCompileThreads() override { JIT->stopCompileThreads(); }

  void addStats(SessionStats &S) const override {
    S.FunctionsCompiled += FunctionsCompiled;
    S.NativeCompiles += NativeCompiles;
    S.NativeCodeBytes += JIT->getNativeCodeBytes();
    S.CompileSeconds += CompileSeconds;
    TierUpStats T = JIT->getTierUpStats();
    S.TierUps += T.TierUps;
    S.TierUpFailures += T.Failures;
    S.BackgroundTierUps += T.BackgroundPosted;
    S.BackgroundDropped += T.BackgroundDropped;
    S.CompileQueueSeconds += T.QueueSeconds;
    S.CompileQueueMaxSeconds =
        std::max(S.CompileQueueMaxSeconds, T.MaxQueueSeconds);
    S.TierUpMaxPauseSeconds =
        std::max(S.TierUpMaxPauseSeconds, T.MaxPauseSeconds);
    S.TierUpMaxPauseCPUSeconds =
        std::max(S.TierUpMaxPauseCPUSeconds, T.MaxPauseCPUSeconds);
    S.BodiesFreed += JIT->getBodiesFreed();
  }

  RetainedCounts getRetained() const override {
    KaleidoJIT::Retained J = JIT->getRetained();
    return {J.Functions,   J.Trampolines, J.BodySymbols,
            J.PoolSymbols, J.ArenaBytes,  J.ContextsRenewed};
  }

private:
  // BodySource. The JIT asks while no definition can change (on a first
  // call, when a body tiers up, or at the definition if eager), so the body
  // and whatever it inlines are current.
  Expected<std::unique_ptr<Module>> generateIR(LLVMContext &Ctx, StringRef Name,
                                               StringRef Symbol,
                                               Tier T) override;
  Expected<std::vector<uint8_t>> generateNative(StringRef Name,
                                                NativeEmitOptions NO) override {
    const FunctionAST *F = currentBody(Name);
    if (!F)
      return createStringError("no body for '" + Name + "'");
    NO.PollWord = Opts.Env.Poll;
    NO.SafepointFunction = SafepointAddress;
    return emitNative(*F, NO);
  }
  Expected<IRGenerator> captureIR(StringRef Name) override;
  BodyOrigin locate(StringRef Name) override {
    auto It = Functions.find(Name);
    if (It == Functions.end() || !It->second.Body)
      return {};
    return {It->second.BufferName.str(), It->second.Body->Proto.Loc.Line,
            DebugDirectory};
  }
  bool isBounded(StringRef Name) override {
    const FunctionAST *F = currentBody(Name);
    return F && !mayLoop(*F);
  }
  bool fitsOptimiser(StringRef Name) override {
    const FunctionAST *F = currentBody(Name);
    return !F || kaleido::fitsOptimiser(*F);
  }

  const FunctionAST *currentBody(StringRef Name) const {
    auto It = Functions.find(Name);
    return It == Functions.end() ? nullptr : It->second.Body.get();
  }
  /// What every body's IR is generated with: the safepoints.
  IRGenOptions safepointOptions() const;
  IRGenOptions irGenOptions(Tier T) const;
  Expected<BatchKernelFn> batchKernel(StringRef Name) override;
  Error compile(StringRef Name) override {
    if (Error Err = JIT->compileNow(Name))
      return takeReported(std::move(Err));
    return Error::success();
  }
  /// Under -g, where the debugger finds the source of code read from
  /// BufferName at tier T; otherwise nothing.
  std::optional<DebugSource> debugSource(StringRef BufferName, Tier T) const;
  Expected<double> runDirect(const FunctionAST &F);
  Expected<double> runCompiled(const FunctionAST &F, StringRef BufferName);
  void onJITError(std::string Msg);
  /// The errors the JIT reported outside JIT'd code since the last call,
  /// joined, or Fallback if there were none.
  Error takeReported(Error Fallback);

  const FunctionTable &Functions;
  ExecutorOptions Opts;
  std::unique_ptr<KaleidoJIT> JIT;
  /// What the JIT reported while no JIT'd code ran (the detail behind a
  /// failed lookup, which itself only says that materialization failed).
  std::vector<std::string> Reported;
  unsigned NextExpression = 0;
  /// Compile time of each function's current body, by tier.
  struct Times {
    double Baseline = 0, Optimized = 0;
  };
  llvm::StringMap<Times> CompileTimes;
  uint64_t FunctionsCompiled = 0;
  uint64_t NativeCompiles = 0;
  double CompileSeconds = 0;
  /// rt::SafepointFunction, for native code (BaselineKind::Native only).
  const void *SafepointAddress = nullptr;
  /// The batch kernels (batchKernel), by function: each for the version of
  /// the body it copied.
  struct Kernel {
    uint32_t Version = 0;
    BatchKernelFn Fn = nullptr;
    orc::ResourceTrackerSP RT;
  };
  llvm::StringMap<Kernel> Kernels;
  unsigned NextKernel = 0;
  /// Under -g, the working directory the session started in: relative
  /// buffer names in the debug info are relative to it.
  std::string DebugDirectory;
};
} // namespace

Error JITExecutor::init() {
  JITOptions JO;
  JO.Bodies = this;
  JO.OptLevel = Opts.OptLevel;
  // No baseline tier is what --tier-up=0 gives.
  JO.TierUpCalls = Opts.Baseline == BaselineKind::None ? 0 : Opts.TierUpCalls;
  JO.NativeBaseline = Opts.Baseline == BaselineKind::Native;
  JO.CompileThreads = Opts.CompileThreads;
  JO.Listeners = Opts.Listeners;
  JO.TimeTrace = Opts.TimeTrace;
  JO.Cache = Opts.Cache;
  JO.DebugInfo = Opts.DebugInfo;
  if (Opts.DebugInfo) {
    SmallString<256> Dir;
    if (!sys::fs::current_path(Dir))
      DebugDirectory = Dir.str().str();
  }
  if (JO.NativeBaseline) {
    // Native code calls the safepoint check by address.
    auto Check = rt::resolveHostSymbol(rt::SafepointFunction, std::nullopt,
                                       /*AllowAll=*/false);
    if (!Check)
      return Check.takeError();
    if (!*Check)
      return createStringError("the runtime has no safepoint check");
    SafepointAddress = *Check;
  }
  JO.AllowHostSymbols = Opts.AllowHostSymbols;
  JO.ResolveHostSymbol = Opts.ResolveHost;
  JO.LazyCallFailureHandler = rt::getLazyCallFailureHandler();
  JO.PollWord = Opts.Env.Poll;
  JO.OnError = [this](std::string Msg) { onJITError(std::move(Msg)); };
  JO.OnCompiled = [this](const CompileInfo &C) {
    CompileSeconds += C.Seconds;
    if (C.IsFunction) {
      // A background compile is told late, perhaps after a redefinition:
      // its time then lands on the new body (which it did not compile).
      Times &T = CompileTimes[C.Name];
      (C.OptLevel == 0 && Opts.OptLevel != 0 ? T.Baseline : T.Optimized) +=
          C.Seconds;
    }
    if (C.IsFunction && !C.TierUp)
      ++FunctionsCompiled;
    NativeCompiles += C.Native;
    if (Opts.OnCompile)
      Opts.OnCompile({C.Name.str(), C.OptLevel, C.TierUp, C.Seconds, C.Native,
                      C.Background, C.QueueSeconds, C.Cached});
  };
  auto J = KaleidoJIT::create(std::move(JO));
  if (!J)
    return J.takeError();
  JIT = std::move(*J);
  return Error::success();
}

void JITExecutor::describe(StringRef Name, FunctionInfo &Info) {
  std::optional<FunctionReport> R = JIT->report(Name);
  if (!R || !R->HasBody) {
    // A definition the JIT was never given: one --emit read.
    Info.Status =
        Info.Defined ? FunctionStatus::NotCompiled : FunctionStatus::Extern;
    return;
  }
  Info.Version = R->Version;
  Info.Status = R->Failed      ? FunctionStatus::Failed
                : !R->Compiled ? FunctionStatus::NotCompiled
                : R->Baseline  ? FunctionStatus::Baseline
                               : FunctionStatus::Optimized;
  Info.Calls = R->Calls;
  Info.Native = R->Native;
  Info.CodeBytes = R->CodeBytes;
  auto It = CompileTimes.find(Name);
  if (It != CompileTimes.end()) {
    Info.BaselineSeconds = It->second.Baseline;
    Info.OptimizedSeconds = It->second.Optimized;
  }
}

Error JITExecutor::printCode(StringRef Name, bool Asm, raw_ostream &OS) {
  if (Error Err = JIT->compileNow(Name))
    return takeReported(std::move(Err));
  std::optional<FunctionReport> R = JIT->report(Name);
  if (!R || !R->HasBody)
    return createStringError("'" + Name + "' has no code");
  if (R->Native && Asm) {
    OS << formatv("; '{0}': native baseline code, {1} bytes\n", Name,
                  R->CodeBytes);
    ArrayRef<uint8_t> Code(R->NativeCode.toPtr<const uint8_t *>(),
                           R->CodeBytes);
    // The native emitter puts the name its safepoint reports after the
    // code (NativeEmitter.cpp): data, not instructions.
    std::string Data = Name.str() + '\0';
    bool NameAtEnd =
        Code.size() > Data.size() &&
        std::equal(Data.begin(), Data.end(), Code.end() - Data.size());
    if (NameAtEnd)
      Code = Code.drop_back(Data.size());
    if (Error Err = disassemble(Code, R->NativeCode.getValue(), OS))
      return Err;
    if (NameAtEnd)
      OS << formatv("  {0:x-}:\t.asciz\t\"{1}\"\t# the safepoint's name\n",
                    R->NativeCode.getValue() + Code.size(), Name);
    return Error::success();
  }
  Tier T = R->Baseline ? Tier::Baseline : Tier::Optimized;
  unsigned Level = T == Tier::Baseline ? 0 : Opts.OptLevel;
  auto TM = createEmitTarget(Level);
  if (!TM)
    return TM.takeError();
  LLVMContext Ctx;
  auto M = generateIR(Ctx, Name, Name, T);
  if (!M)
    return M.takeError();
  (*M)->setDataLayout((*TM)->createDataLayout());
  (*M)->setTargetTriple((*TM)->getTargetTriple());
  if (T == Tier::Optimized)
    Optimizer(Level, TM->get()).run(**M);
  if (R->Native)
    OS << formatv("; '{0}' runs native baseline code, made from the syntax "
                  "tree without IR; this is the IR LLVM's baseline tier "
                  "would compile for it\n",
                  Name);
  else
    OS << formatv("; '{0}': {1} code{2}\n", Name,
                  T == Tier::Baseline ? "baseline (-O0)"
                                      : formatv("-O{0}", Level).str(),
                  T == Tier::Baseline && Opts.TierUpCalls
                      ? ", before its call counter is added"
                      : "");
  return printModule(**M, **TM, Asm, OS);
}

void JITExecutor::onJITError(std::string Msg) {
  // Inside JIT'd code the message goes with the runtime error that follows
  // (the lazy-call failure handler raises it); otherwise it explains the
  // failure the JIT is about to return to us.
  if (rt::ExecutionContext *Ctx = rt::activeContext()) {
    if (Ctx->ErrorMessage.empty())
      Ctx->ErrorMessage = std::move(Msg);
    return;
  }
  Reported.push_back(std::move(Msg));
}

Error JITExecutor::takeReported(Error Fallback) {
  if (Reported.empty())
    return Fallback;
  // The reports say what went wrong; Fallback only that something did.
  consumeError(std::move(Fallback));
  std::string Msg = join(Reported, "; ");
  Reported.clear();
  return createStringError(Msg);
}

IRGenOptions JITExecutor::safepointOptions() const {
  IRGenOptions O;
  // By symbol: the code holds no address of this process (a compile cache
  // reuses it in another).
  O.PollWordSymbol = KaleidoJIT::getPollWordSymbol();
  O.SafepointFunction = rt::SafepointFunction;
  return O;
}

IRGenOptions JITExecutor::irGenOptions(Tier T) const {
  IRGenOptions O = safepointOptions();
  // Optimised code at -O2 and above inlines small callees; baseline code is
  // meant to be quick to compile.
  if (T == Tier::Optimized && Opts.OptLevel >= 2)
    O.FindInlinable = [this](StringRef Name) -> std::optional<InlineCandidate> {
      const FunctionAST *Callee = currentBody(Name);
      if (!Callee)
        return std::nullopt;
      return makeInlineCandidate(*Callee, JIT->getVersionWord(Name));
    };
  return O;
}

Expected<std::unique_ptr<Module>> JITExecutor::generateIR(LLVMContext &Ctx,
                                                          StringRef Name,
                                                          StringRef Symbol,
                                                          Tier T) {
  const FunctionAST *F = currentBody(Name);
  if (!F)
    return createStringError("no body for '" + Name + "'");
  auto M = std::make_unique<Module>(Symbol, Ctx);
  IRGenOptions O = irGenOptions(T);
  O.Debug = debugSource(Functions.find(Name)->second.BufferName, T);
  emitFunction(*F, Symbol, *M, O);
  return std::move(M);
}

std::optional<DebugSource> JITExecutor::debugSource(StringRef BufferName,
                                                    Tier T) const {
  if (!Opts.DebugInfo)
    return std::nullopt;
  return DebugSource{BufferName.str(), DebugDirectory,
                     T == Tier::Optimized && Opts.OptLevel > 0};
}

namespace {
/// The callees a body may inline, captured with their versions: what
/// FindInlinable answers for a body compiled later, on another thread.
struct CapturedCallees {
  llvm::StringMap<InlineCandidate> Candidates;
  /// Keeps the captured bodies alive through redefinitions.
  std::vector<std::shared_ptr<const FunctionAST>> Bodies;
};
} // namespace

Expected<IRGenerator> JITExecutor::captureIR(StringRef Name) {
  auto It = Functions.find(Name);
  if (It == Functions.end() || !It->second.Body)
    return createStringError("no body for '" + Name + "'");
  std::shared_ptr<const FunctionAST> Body = It->second.Body;
  auto Callees = std::make_shared<CapturedCallees>();
  if (Opts.OptLevel >= 2) {
    // Every name IR generation can ask about: the callees of the body and,
    // to the depth inlining nests, of the callees it may inline; the first
    // (shallowest) visit of a name decides.
    llvm::StringSet<> Seen;
    std::vector<std::pair<const FunctionAST *, unsigned>> Work{{Body.get(), 0}};
    for (size_t I = 0; I < Work.size(); ++I) {
      const FunctionAST *Fn = Work[I].first;
      unsigned Depth = Work[I].second;
      if (Depth >= IRGenOptions::MaxInlineDepth)
        continue;
      forEachCallee(*Fn->Body, [&](StringRef Callee) {
        if (!Seen.insert(Callee).second)
          return;
        auto CIt = Functions.find(Callee);
        if (CIt == Functions.end() || !CIt->second.Body)
          return;
        std::optional<InlineCandidate> C =
            makeInlineCandidate(*CIt->second.Body, JIT->getVersionWord(Callee));
        if (!C)
          return;
        Callees->Bodies.push_back(CIt->second.Body);
        Callees->Candidates[Callee] = *C;
        Work.push_back({C->Body, Depth + 1});
      });
    }
  }
  IRGenOptions O = safepointOptions();
  O.Debug = debugSource(It->second.BufferName, Tier::Optimized);
  if (!Callees->Candidates.empty())
    O.FindInlinable = [Callees](StringRef N) -> std::optional<InlineCandidate> {
      auto CIt = Callees->Candidates.find(N);
      if (CIt == Callees->Candidates.end())
        return std::nullopt;
      return CIt->second;
    };
  return IRGenerator([Body, O](LLVMContext &Ctx, StringRef Symbol,
                               Tier) -> Expected<std::unique_ptr<Module>> {
    auto M = std::make_unique<Module>(Symbol, Ctx);
    emitFunction(*Body, Symbol, *M, O);
    return std::move(M);
  });
}

Expected<double> JITExecutor::run(const FunctionAST &F, StringRef BufferName) {
  // Reports from an earlier failure were returned with it; a report left
  // over belongs to no failure of this expression.
  Reported.clear();
  Expected<double> R = DirectEvaluator::canEvaluate(*F.Body)
                           ? runDirect(F)
                           : runCompiled(F, BufferName);
  // No JIT'd frame is live now: baseline code that tiered up can go.
  JIT->releaseRetiredCode();
  return R;
}

Expected<BatchKernelFn> JITExecutor::batchKernel(StringRef Name) {
  const uint32_t *VersionWord = JIT->getVersionWord(Name);
  if (!VersionWord || !currentBody(Name))
    return nullptr;
  Kernel &K = Kernels[Name];
  if (K.Fn && K.Version == *VersionWord)
    return K.Fn;
  // The body changed: the old kernel's code goes (none of it is running).
  K.Fn = nullptr;
  if (K.RT)
    if (Error Err = K.RT->remove())
      return std::move(Err);
  K.RT = nullptr;
  std::string Symbol = formatv("__batch${0}", ++NextKernel).str();
  auto Addr = JIT->compileExpression(
      Symbol, ("<batch " + Name + ">").str(),
      [this, Name = Name.str()](LLVMContext &Ctx, StringRef Sym,
                                Tier) -> Expected<std::unique_ptr<Module>> {
        // The body as its optimised tier-up would have it (callees inlined
        // behind their version words), then the loop over the rows.
        std::string Row = (Sym + ".row").str();
        auto M = generateIR(Ctx, Name, Row, Tier::Optimized);
        if (!M)
          return M.takeError();
        (*M)->setModuleIdentifier(Sym);
        // A kernel is not debugged (-g): its call of the body would need a
        // location of its own.
        StripDebugInfo(**M);
        emitBatchKernel(**M, Sym, *(*M)->getFunction(Row));
        return M;
      },
      Tier::Optimized, K.RT);
  if (!Addr) {
    Error Err = takeReported(Addr.takeError());
    if (K.RT)
      Err = joinErrors(std::move(Err), K.RT->remove());
    K.RT = nullptr;
    return std::move(Err);
  }
  K.Version = *VersionWord;
  K.Fn = Addr->toPtr<BatchKernelFn>();
  return K.Fn;
}

Expected<double> JITExecutor::runDirect(const FunctionAST &F) {
  auto D = DirectEvaluator::prepare(*F.Body, *JIT);
  if (!D)
    return takeReported(D.takeError());
  return rt::callGuarded([&D] { return D->evaluate(); }, Opts.Env);
}

Expected<double> JITExecutor::runCompiled(const FunctionAST &F,
                                          StringRef BufferName) {
  std::string Symbol = formatv("__expr${0}", ++NextExpression).str();
  orc::ResourceTrackerSP RT;
  // The AST outlives the compile: it is compiled before this returns.
  auto Addr = JIT->compileExpression(
      Symbol, F.Proto.Name,
      [&F, BufferName, this](LLVMContext &Ctx, StringRef Sym,
                             Tier T) -> Expected<std::unique_ptr<Module>> {
        auto M = std::make_unique<Module>(Sym, Ctx);
        IRGenOptions O = irGenOptions(T);
        O.Debug = debugSource(BufferName, T);
        emitFunction(F, Sym, *M, O);
        return std::move(M);
      },
      // An expression runs once: only a loop makes optimising it pay, and
      // only if it is not too large for the optimiser.
      !kaleido::fitsOptimiser(F) ? Tier::Baseline
      : mayLoop(F)               ? Tier::Optimized
                                 : Tier::Baseline,
      RT, /*KeepBaseline=*/!kaleido::fitsOptimiser(F));
  Error RemoveErr = Error::success();
  Expected<double> Result = [&]() -> Expected<double> {
    if (!Addr)
      return createStringError("cannot compile this expression: " +
                               toString(takeReported(Addr.takeError())));
    auto *Fn = Addr->toPtr<double (*)()>();
    return rt::callGuarded([Fn] { return Fn(); }, Opts.Env);
  }();
  if (RT)
    RemoveErr = JIT->releaseExpression(std::move(RT));
  if (RemoveErr) {
    // The expression's code could not be freed: a JIT failure that outranks
    // the result (the session must not go on as if nothing happened).
    if (!Result)
      return joinErrors(Result.takeError(), std::move(RemoveErr));
    return std::move(RemoveErr);
  }
  return Result;
}

Expected<std::unique_ptr<Executor>>
kaleido::createJITExecutor(const FunctionTable &Functions,
                           ExecutorOptions Opts) {
  useDefaultResolver(Opts);
  auto E = std::make_unique<JITExecutor>(Functions, std::move(Opts));
  if (Error Err = E->init())
    return std::move(Err);
  return std::move(E);
}
