//===- KaleidoJIT.cpp - The lazy, per-function ORC JIT --------------------===//
//
// Part of kaleido. The composition of the layers; see KaleidoJIT.h for the
// design. What is here is policy: which tier a body starts in, what a
// redefinition and a tier-up do, and how a failure is phrased.
//
//===----------------------------------------------------------------------===//

#include "JIT/KaleidoJITLayers.h"

#include "CodeGen/Optimizer.h"
#include "JIT/BackgroundCompiler.h"
#include "JIT/BodyUnit.h"
#include "JIT/CallCounters.h"
#include "JIT/CodeArena.h"
#include "JIT/CodeListener.h"
#include "JIT/GDBRegistration.h"
#include "JIT/HostGenerator.h"
#include "JIT/HostTarget.h"
#include "JIT/NativeBaseline.h"
#include "JIT/ObjectCompiler.h"
#include "JIT/RetiredCode.h"
#include "JIT/StubTable.h"
#include "JIT/TierUpLayer.h"
#include "JIT/VerifyTransform.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/IRTransformLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

KaleidoJIT::KaleidoJIT(JITOptions Opts) : Opts(std::move(Opts)) {}

Expected<std::unique_ptr<KaleidoJIT>> KaleidoJIT::create(JITOptions Opts) {
  if (Opts.OptLevel > 3)
    return make_error<StringError>("optimisation level must be 0 to 3",
                                   inconvertibleErrorCode());
  if (!Opts.Bodies)
    return make_error<StringError>("the JIT needs a source of function bodies",
                                   inconvertibleErrorCode());
  // Registration with the debugger happens on one thread (see
  // GDBRegistration.h): tier-ups are compiled where they are asked for.
  if (Opts.DebugInfo)
    Opts.CompileThreads = 0;
  std::unique_ptr<KaleidoJIT> J(new KaleidoJIT(std::move(Opts)));
  if (Error Err = J->init())
    return std::move(Err);
  return std::move(J);
}

Expected<KaleidoJIT::LLVMTiers &> KaleidoJIT::llvmTiers() {
  if (L->LLVM)
    return *L->LLVM;
  // The optimised tier's settings (code model, levels, no fused multiply-add)
  // are decided in HostTarget.cpp, for the JIT and --emit=asm alike.
  auto JTMB = hostMachineBuilder(Opts.OptLevel);
  if (!JTMB)
    return JTMB.takeError();
  auto TM = JTMB->createTargetMachine();
  if (!TM)
    return TM.takeError();
  auto Compiler = ObjectCompiler::create(**TM, Opts.Cache);
  if (!Compiler)
    return Compiler.takeError();
  std::unique_ptr<ObjectLinkingLayer::Plugin> GDB;
  if (Opts.DebugInfo) {
    auto P = createGDBPlugin(*ES);
    if (!P)
      return P.takeError();
    GDB = std::move(*P);
  }
  L->LLVM =
      std::make_unique<LLVMTiers>(*ES, std::move(*TM), std::move(*Compiler),
                                  Opts.OptLevel, std::move(*JTMB));
  L->LLVM->ObjLayer.addPlugin(L->Sizes.makePlugin());
  if (Opts.Listeners)
    L->LLVM->ObjLayer.addPlugin(Opts.Listeners->makePlugin());
  if (GDB)
    L->LLVM->ObjLayer.addPlugin(std::move(GDB));
  BodyContext &C = L->LLVM->Ctx;
  C.Listeners = Opts.Listeners;
  C.Source = Opts.Bodies;
  C.OptLevel = Opts.OptLevel;
  C.OnCompiled = Opts.OnCompiled;
  C.useCache(Opts.Cache, L->LLVM->ObjLayer, *L->LLVM->TM);
  C.Tiers.set(Tier::Optimized, /*Counted=*/false,
              [this]() -> Expected<IRLayer &> { return L->LLVM->OptLayer; });
  C.Tiers.set(Tier::Baseline, /*Counted=*/false,
              [this] { return baselineLayer(); });
  C.Tiers.set(Tier::Baseline, /*Counted=*/true,
              [this] { return countedBaselineLayer(); });
  return *L->LLVM;
}

Error KaleidoJIT::init() {
  // The layers first: the session's memory manager places code in their
  // arena. A debugger writes its breakpoints through ptrace, which the
  // kernel refuses for a shared mapping that is not writable (the arena's
  // Dual chunks): a debugged session maps private chunks, reprotected around
  // each copy (so its stubs are ORC's, Indirections.h), and leaves LLVM's
  // code to JITLink's own memory manager, which writes it in place.
  L = std::make_unique<Layers>(Opts.DebugInfo ? CodeArena::Mapping::Reprotect
                                              : CodeArena::defaultMapping());
  auto Session = createInProcessSession(Opts.DebugInfo ? nullptr : &L->Arena);
  if (!Session)
    return Session.takeError();
  ES = std::move(*Session);
  ES->setErrorReporter([this](Error Err) {
    std::string Msg = describeFailure(std::move(Err));
    if (Opts.OnError)
      Opts.OnError(std::move(Msg));
  });

  Stubs = &ES->createBareJITDylib("<stubs>");
  Bodies = &ES->createBareJITDylib("<bodies>");
  Host = &ES->createBareJITDylib("<host>");
  auto Table = StubTable::create(
      *ES, Triple(sys::getProcessTriple()),
      ExecutorAddr::fromPtr(Opts.LazyCallFailureHandler),
      [this](FunctionState &F) { return resolveBody(F); }, &L->Arena);
  if (!Table)
    return Table.takeError();
  L->Table = std::move(*Table);
  L->Table->setListeners(Opts.Listeners);
  if (Opts.DebugInfo)
    L->Retired.keepForDebugger();
  initNative();

  initCompileThreads();
  Stubs->addGenerator(L->Table->createStubGenerator());
  Host->addGenerator(std::make_unique<HostGenerator>(
      Opts.ResolveHostSymbol, [this](const SymbolStringPtr &Name) {
        return L->Table->getArity(*Name);
      }));
  Bodies->setLinkOrder({{Stubs, JITDylibLookupFlags::MatchExportedSymbolsOnly},
                        {Host, JITDylibLookupFlags::MatchExportedSymbolsOnly}});
  // Baseline code's way back into the JIT, and the word every safepoint
  // reads.
  SymbolMap Own{{ES->intern(CallCounters::getEntryName()),
                 {CallCounters::getEntryAddress(),
                  JITSymbolFlags::Exported | JITSymbolFlags::Callable}}};
  if (Opts.PollWord)
    Own[ES->intern(getPollWordSymbol())] = {
        ExecutorAddr::fromPtr(Opts.PollWord), JITSymbolFlags::Exported};
  return Host->define(absoluteSymbols(std::move(Own)));
}

void KaleidoJIT::initNative() {
  L->Counters = std::make_unique<CallCounters>(
      Opts.TierUpCalls, [this](const SymbolStringPtr &Body) { tierUp(Body); });
  if (!Opts.NativeBaseline)
    return;
  // Native code needs no TargetMachine: a session whose code is all native
  // never builds one.
  L->Native = std::make_unique<NativeBaseline>(
      *Opts.Bodies, *L->Counters, L->Arena,
      [this](StringRef Name) -> Expected<uint64_t> {
        auto Addr = L->Table->getStub(Name);
        if (!Addr)
          return Addr.takeError();
        return Addr->getValue();
      },
      Opts.DebugInfo);
}

Expected<IRLayer &> KaleidoJIT::baselineLayer() {
  // Asked for by a BodyUnit, which llvmTiers() made.
  LLVMTiers &T = *L->LLVM;
  if (T.BaselineLayer)
    return *T.BaselineLayer;
  JITTargetMachineBuilder JTMB = T.HostJTMB;
  JTMB.setCodeGenOptLevel(CodeGenOptLevel::None);
  auto BTM = JTMB.createTargetMachine();
  if (!BTM)
    return BTM.takeError();
  auto Compiler = ObjectCompiler::create(**BTM, Opts.Cache);
  if (!Compiler)
    return Compiler.takeError();
  T.BaselineTM = std::move(*BTM);
  T.BaselineCompileLayer =
      std::make_unique<IRCompileLayer>(*ES, T.ObjLayer, std::move(*Compiler));
  T.BaselineLayer = std::make_unique<IRTransformLayer>(
      *ES, *T.BaselineCompileLayer, verifyThen([](Module &) {}));
  return *T.BaselineLayer;
}

Expected<IRLayer &> KaleidoJIT::countedBaselineLayer() {
  LLVMTiers &T = *L->LLVM;
  if (T.CountedLayer)
    return *T.CountedLayer;
  Expected<IRLayer &> Base = baselineLayer();
  if (!Base)
    return Base.takeError();
  T.CountedLayer = std::make_unique<TierUpLayer>(*ES, *Base, *L->Counters);
  return *T.CountedLayer;
}

KaleidoJIT::~KaleidoJIT() {
  if (!ES)
    return;
  // No compile thread may run once the session ends: drop the compiles not
  // started and wait for the running ones; nothing is told about them.
  // Their code goes with the compile threads' session, which outlives the
  // trackers the stub table holds (see Layers).
  if (L->Background)
    L->Background->stop();
  // As ~LLJIT does. The reporter needs only this object's members, all
  // still alive; OnError's owner is told it may be called now
  // (JITOptions::OnError).
  if (Error Err = ES->endSession())
    ES->reportError(std::move(Err));
  L.reset();
}

//===----------------------------------------------------------------------===//
// Definitions and bodies
//===----------------------------------------------------------------------===//

void KaleidoJIT::declare(StringRef Name, unsigned Arity) {
  L->Table->declare(Name, Arity);
}

Error KaleidoJIT::undefine(StringRef Name) {
  if (!L->Table->find(Name))
    return Error::success();
  return newVersion(Name, /*HasBody=*/false, /*Eager=*/false);
}

Error KaleidoJIT::define(StringRef Name, bool Eager) {
  return newVersion(Name, /*HasBody=*/true, Eager);
}

Error KaleidoJIT::newVersion(StringRef Name, bool HasBody, bool Eager) {
  // Nothing can be running any body now: kaleido runs no JIT'd code while it
  // reads a definition, and callers reach bodies only through the stub.
  // (A background compile may be; it cannot install a replaced version.)
  releaseRetiredCode();
  Expected<FunctionState &> MaybeF =
      HasBody ? L->Table->define(Name) : L->Table->undefine(Name);
  if (!MaybeF)
    return MaybeF.takeError();
  FunctionState &F = *MaybeF;
  // The stub no longer reaches the old body (nor its call counter, which
  // goes with its code): free it now.
  if (F.BodyRT || F.Owned) {
    retireBody(F);
    if (Error Err = L->Retired.release())
      return Err;
  }
  sweepSymbols(0);
  if (!Eager || !HasBody)
    return Error::success();
  // An eager body is compiled at OptLevel (nothing would count its calls),
  // unless it is too large for the optimiser.
  SymbolStringPtr Sym = L->Table->getBodySymbol(F);
  if (Error Err = defineBody(F, Sym, /*Baseline=*/!optimisable(F),
                             /*Counted=*/false))
    return Err;
  auto Body = ES->lookup({Bodies}, Sym);
  if (!Body)
    return Body.takeError();
  return L->Table->redirect(F, Body->getAddress());
}

void KaleidoJIT::retireBody(FunctionState &F) {
  L->Retired.retire(std::move(F.BodyRT));
  L->Retired.retire(std::move(F.Owned));
  F.OwnedAddr = ExecutorAddr();
}

bool KaleidoJIT::optimisable(FunctionState &F) {
  return Opts.OptLevel == 0 || Opts.Bodies->fitsOptimiser(F.Name);
}

bool KaleidoJIT::startsInBaseline(FunctionState &F) {
  return Opts.OptLevel > 0 && Opts.TierUpCalls > 0 &&
         Opts.Bodies->isBounded(F.Name);
}

Error KaleidoJIT::compileNow(StringRef Name) {
  FunctionState *F = L->Table->find(Name);
  if (!F || !F->HasBody || F->BodyDefined)
    return Error::success();
  Expected<ExecutorAddr> Body = resolveBody(*F);
  if (!Body)
    return Body.takeError();
  return L->Table->redirect(*F, *Body);
}

Expected<ExecutorAddr> KaleidoJIT::resolveBody(FunctionState &F) {
  Expected<ExecutorAddr> Body = makeBody(F);
  F.CompileFailed = !Body; // Reset by a new version.
  return Body;
}

Expected<ExecutorAddr> KaleidoJIT::makeBody(FunctionState &F) {
  installFinished();
  // An extern that was never defined (or whose definition was undone)
  // reaches the host's symbol.
  if (!F.HasBody) {
    auto Sym = ES->lookup({Host}, ES->intern(F.Name));
    if (!Sym)
      return Sym.takeError();
    return Sym->getAddress();
  }
  if (F.Owned)
    return F.OwnedAddr;
  if (!F.BodyDefined) {
    bool Baseline = startsInBaseline(F);
    if (Baseline && L->Native) {
      Expected<bool> Placed = compileNative(F);
      if (!Placed)
        return Placed.takeError();
      if (*Placed)
        return F.OwnedAddr;
    }
    // A body too large for the optimiser gets baseline code that counts
    // nothing, as it will never tier up.
    bool Optimisable = optimisable(F);
    if (Error Err =
            defineBody(F, L->Table->getBodySymbol(F), Baseline || !Optimisable,
                       Baseline && Optimisable))
      return std::move(Err);
  }
  auto Body = ES->lookup({Bodies}, L->Table->getBodySymbol(F));
  if (!Body)
    return Body.takeError();
  return Body->getAddress();
}

/// What profiles call F's native code.
static BodyLabel nativeLabel(const FunctionState &F) {
  BodyLabel Label;
  Label.Name = F.Name.str();
  Label.Version = F.Version;
  Label.Kind = CodeKind::Native;
  return Label;
}

Expected<bool> KaleidoJIT::compileNative(FunctionState &F) {
  auto Start = std::chrono::steady_clock::now();
  // A body the generator declines is known only by trying: its attempt
  // keeps this span (TimeTrace.h).
  TimeTraceScope Span("compile", [&] { return nativeLabel(F).str(); });
  auto Body = [&] {
    TimeTraceScope Phase("native code generation",
                         [&] { return (*L->Table->getBodySymbol(F)).str(); });
    return L->Native->compile(F.Name, L->Table->getBodySymbol(F));
  }();
  if (!Body)
    return Body.takeError();
  if (!*Body)
    return false;
  if (Opts.Listeners) {
    BodyLabel Label = nativeLabel(F);
    BodyOrigin O = Opts.Bodies->locate(F.Name);
    Label.File = std::move(O.File);
    Label.Line = O.Line;
    const NativeBaseline::Body &B = **Body;
    Opts.Listeners->notifyLoaded(
        Label, {B.getAddress().getValue(), B.getSize(),
                ArrayRef<uint8_t>(B.getAddress().toPtr<const uint8_t *>(),
                                  B.getSize())});
  }
  F.OwnedAddr = (*Body)->getAddress();
  F.Owned = std::move(*Body);
  F.BodyDefined = true;
  F.Baseline = true;
  if (Opts.OnCompiled) {
    std::chrono::duration<double> Took =
        std::chrono::steady_clock::now() - Start;
    Opts.OnCompiled({F.Name, /*IsFunction=*/true, /*OptLevel=*/0,
                     /*TierUp=*/false, Took.count(), /*Native=*/true});
  }
  return true;
}

Error KaleidoJIT::defineBody(FunctionState &F, const SymbolStringPtr &Sym,
                             bool Baseline, bool Counted) {
  Expected<LLVMTiers &> T = llvmTiers();
  if (!T)
    return T.takeError();
  BodyUnit::Info I;
  I.Name = F.Name.str();
  I.IsFunction = true;
  describeBody(F, I);
  F.Baseline = Baseline;
  I.T = F.Baseline ? Tier::Baseline : Tier::Optimized;
  I.Counted = Counted;
  F.BodyRT = Bodies->createResourceTracker();
  if (Error Err = Bodies->define(
          std::make_unique<BodyUnit>(T->Ctx, Sym, nullptr, std::move(I)),
          F.BodyRT))
    return Err;
  F.BodyDefined = true;
  return Error::success();
}

void KaleidoJIT::describeBody(FunctionState &F, BodyUnit::Info &I) {
  I.Version = F.Version;
  if (Opts.Listeners)
    I.Origin = Opts.Bodies->locate(F.Name);
}

/// The CPU time the calling thread has used, in seconds.
static double threadCPUSeconds() {
  timespec T;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &T) != 0)
    return 0;
  return double(T.tv_sec) + double(T.tv_nsec) * 1e-9;
}

void KaleidoJIT::tierUp(const SymbolStringPtr &Body) {
  auto Start = std::chrono::steady_clock::now();
  double StartCPU = threadCPUSeconds();
  installFinished();
  std::optional<BodyRef> B = L->Table->findBody(Body);
  if (!B || B->Recompile)
    return;
  FunctionState &F = *B->F;
  if (F.Version != B->Version || !F.Baseline)
    return;
  // Native baseline code counts its calls whatever its size; a body too
  // large for the optimiser stays in it.
  if (!optimisable(F))
    return;
  // Whatever happens next, this is the body's last compile (a failed one
  // leaves the baseline code in place).
  F.Baseline = false;
  if (!L->Background || L->Background->isStopped() || !postTierUp(F))
    tierUpNow(F);
  std::chrono::duration<double> Took = std::chrono::steady_clock::now() - Start;
  double TookCPU = threadCPUSeconds() - StartCPU;
  std::lock_guard<std::mutex> Lock(StatsMutex);
  Stats.MaxPauseSeconds = std::max(Stats.MaxPauseSeconds, Took.count());
  Stats.MaxPauseCPUSeconds = std::max(Stats.MaxPauseCPUSeconds, TookCPU);
}

void KaleidoJIT::tierUpNow(FunctionState &F) {
  ResourceTrackerSP RT = Bodies->createResourceTracker();
  if (Error Err = installOptimized(F, RT)) {
    // Baseline code is correct code: keep running it. The cause was reported
    // where the compile failed; this error only repeats it, so it is counted
    // (TierUpStats::Failures), not reported again, and the half-made body is
    // dropped.
    consumeError(joinErrors(std::move(Err), RT->remove()));
    std::lock_guard<std::mutex> Lock(StatsMutex);
    ++Stats.Failures;
    return;
  }
  // The caller is baseline code of this very function, and more of its frames
  // may be live: its code is freed at the next top level.
  retireBody(F);
  F.BodyRT = std::move(RT);
  std::lock_guard<std::mutex> Lock(StatsMutex);
  ++Stats.TierUps;
}

Error KaleidoJIT::installOptimized(FunctionState &F, ResourceTrackerSP &RT) {
  Expected<LLVMTiers &> T = llvmTiers();
  if (!T)
    return T.takeError();
  SymbolStringPtr Sym = L->Table->getBodySymbol(F, /*Recompile=*/true);
  BodyUnit::Info I;
  I.Name = F.Name.str();
  I.IsFunction = true;
  describeBody(F, I);
  I.T = Tier::Optimized;
  I.TierUp = true;
  if (Error Err = Bodies->define(
          std::make_unique<BodyUnit>(T->Ctx, Sym, nullptr, std::move(I)), RT))
    return Err;
  auto Body = ES->lookup({Bodies}, Sym);
  if (!Body)
    return Body.takeError();
  return L->Table->redirect(F, Body->getAddress());
}

Error KaleidoJIT::releaseExpression(ResourceTrackerSP RT) {
  // The expression's symbol (__expr$N, never used again) dies with it.
  sweepSymbols(1);
  if (!Opts.DebugInfo)
    return RT->remove();
  L->Retired.retire(std::move(RT));
  return L->Retired.release();
}

void KaleidoJIT::sweepSymbols(size_t Died) {
  DeadSymbols += Died + L->Table->takeForgotten();
  StubTable::Counts C = L->Table->getCounts();
  if (DeadSymbols < std::max<size_t>(1024, C.Functions + C.BodySymbols))
    return;
  DeadSymbols = 0;
  ES->getSymbolStringPool()->clearDeadEntries();
}

void KaleidoJIT::releaseRetiredCode() {
  installFinished();
  // The common case, at every definition and top-level expression.
  if (L->Retired.empty())
    return;
  if (Error Err = L->Retired.release())
    ES->reportError(std::move(Err));
}

Expected<ExecutorAddr> KaleidoJIT::compileExpression(StringRef Symbol,
                                                     StringRef DisplayName,
                                                     IRGenerator Gen, Tier T,
                                                     ResourceTrackerSP &RT,
                                                     bool KeepBaseline) {
  Expected<LLVMTiers &> Stack = llvmTiers();
  if (!Stack)
    return Stack.takeError();
  RT = Bodies->createResourceTracker();
  SymbolStringPtr Sym = ES->intern(Symbol);
  BodyUnit::Info I;
  I.Name = DisplayName.str();
  bool Tiers = Opts.OptLevel > 0 && (Opts.TierUpCalls > 0 || KeepBaseline);
  I.T = Tiers ? T : Tier::Optimized;
  if (Error Err =
          Bodies->define(std::make_unique<BodyUnit>(
                             Stack->Ctx, Sym, std::move(Gen), std::move(I)),
                         RT))
    return std::move(Err);
  auto Def = ES->lookup({Bodies}, Sym);
  if (!Def)
    return Def.takeError();
  return Def->getAddress();
}
