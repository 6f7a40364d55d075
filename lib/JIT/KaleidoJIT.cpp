//===- KaleidoJIT.cpp - The lazy, per-function ORC JIT --------------------===//
//
// Part of kaleido. See KaleidoJIT.h for the design.
//
//===----------------------------------------------------------------------===//

#include "JIT/KaleidoJIT.h"

#include "CodeGen/Optimizer.h"
#include "JIT/ObjectCompiler.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/IRTransformLayer.h"
#include "llvm/ExecutionEngine/Orc/IndirectionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LazyReexports.h"
#include "llvm/ExecutionEngine/Orc/MapperJITLinkMemoryManager.h"
#include "llvm/ExecutionEngine/Orc/MemoryMapper.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/Orc/SelfExecutorProcessControl.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <mutex>
#include <optional>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

static const JITSymbolFlags FunctionFlags =
    JITSymbolFlags::Exported | JITSymbolFlags::Callable;

/// The symbol of version V of Name's body in <bodies>: "name$V". Made only
/// when a body is referenced or compiled, not for every definition.
static std::string bodySymbol(StringRef Name, uint32_t Version) {
  std::string S;
  S.reserve(Name.size() + 11);
  S.append(Name.data(), Name.size());
  S += '$';
  S += std::to_string(Version);
  return S;
}

/// What baseline code calls when its counter runs out. Kaleidoscope names
/// cannot contain '_', so no program can declare it.
static constexpr const char *TierUpFunction = "kaleido_jit_tier_up";

/// The state of one declared name.
struct KaleidoJIT::FunctionState {
  /// The parameters of the `extern` that declared the name, if one did.
  std::optional<unsigned> Arity;
  /// 0 while the name is only an extern; counts definitions after that.
  /// Inlined copies of the body test it (getVersionWord).
  uint32_t Version = 0;
  /// Whether the current body has been handed to the JIT (its BodyUnit is
  /// defined in <bodies>).
  bool BodyDefined = false;
  /// Whether the current body runs baseline code that has not tiered up yet.
  bool Baseline = false;
  /// The code of the current body, once it has been handed to the JIT.
  ResourceTrackerSP BodyRT;
  /// The call counter of the current body's baseline code, if it has any.
  std::unique_ptr<TierUpSite> Site;
  /// The stub, made when the name is first referenced; its address never
  /// changes.
  bool HasStub = false;
  ExecutorAddr StubAddr;
};

/// What a function's baseline code counts down and hands to tierUpEntry:
/// baseline code holds its address, so it lives as long as that code.
struct KaleidoJIT::TierUpSite {
  KaleidoJIT *J;
  std::string Name;
  unsigned Version;
  /// Decremented on every call; the call that brings it to 0 asks for the
  /// optimised tier. It then goes on below 0, harmlessly.
  int32_t Countdown;
};

struct KaleidoJIT::Layers {
  Layers(ExecutionSession &ES, TargetMachine &TM,
         std::unique_ptr<ObjectCompiler> Compiler, unsigned OptLevel)
      : ObjLayer(ES), CompileLayer(ES, ObjLayer, std::move(Compiler)),
        OptLayer(ES, CompileLayer), Opt(OptLevel, &TM),
        TSCtx(std::make_unique<LLVMContext>()) {
    OptLayer.setTransform(
        [this](ThreadSafeModule TSM,
               MaterializationResponsibility &) -> Expected<ThreadSafeModule> {
          Error Err = TSM.withModuleDo([this](Module &M) -> Error {
            if (Error Err = verify(M))
              return Err;
            Opt.run(M);
            return Error::success();
          });
          if (Err)
            return std::move(Err);
          return std::move(TSM);
        });
  }

  static Error verify(Module &M) {
    std::string Msg;
    raw_string_ostream OS(Msg);
    if (!verifyModule(M, &OS))
      return Error::success();
    return make_error<StringError>("internal error: invalid IR generated: " +
                                       Msg,
                                   inconvertibleErrorCode());
  }

  ObjectLinkingLayer ObjLayer;
  IRCompileLayer CompileLayer;
  IRTransformLayer OptLayer;
  Optimizer Opt;
  ThreadSafeContext TSCtx;
  std::unique_ptr<LazyCallThroughManager> LCTM;
  std::unique_ptr<IndirectStubsManager> ISM;
  /// The baseline tier, built on first use from the host's machine builder:
  /// its own TargetMachine at CodeGenOptLevel::None, and a transform that
  /// only verifies.
  std::optional<JITTargetMachineBuilder> HostJTMB;
  std::unique_ptr<TargetMachine> BaselineTM;
  std::unique_ptr<IRCompileLayer> BaselineCompileLayer;
  std::unique_ptr<IRTransformLayer> BaselineLayer;
};

/// Inserts, after the allocas of F's entry block, the baseline tier's call
/// counter: `if (--*Counter == 0) Entry(Site);`.
static void addTierUpCounter(Function &F, int32_t *Counter, void *Site,
                             StringRef Entry) {
  LLVMContext &Ctx = F.getContext();
  Module &M = *F.getParent();
  BasicBlock &EntryBB = F.getEntryBlock();
  BasicBlock::iterator Split = EntryBB.begin();
  while (isa<AllocaInst>(*Split))
    ++Split;
  BasicBlock *Body = EntryBB.splitBasicBlock(Split, "counted");
  BasicBlock *Hot = BasicBlock::Create(Ctx, "hot", &F, Body);
  EntryBB.getTerminator()->eraseFromParent();

  IRBuilder<> B(&EntryBB);
  Type *IntPtrTy = M.getDataLayout().getIntPtrType(Ctx);
  auto Address = [&](const void *P) {
    return ConstantExpr::getIntToPtr(
        ConstantInt::get(IntPtrTy, reinterpret_cast<uintptr_t>(P)),
        PointerType::getUnqual(Ctx));
  };
  Value *SiteAddr = Address(Site);
  Value *CounterAddr = Address(Counter);
  Value *Left = B.CreateSub(B.CreateLoad(B.getInt32Ty(), CounterAddr, "calls"),
                            B.getInt32(1), "left");
  B.CreateStore(Left, CounterAddr);
  B.CreateCondBr(B.CreateICmpEQ(Left, B.getInt32(0), "hot"), Hot, Body,
                 MDBuilder(Ctx).createUnlikelyBranchWeights());

  B.SetInsertPoint(Hot);
  FunctionCallee TierUp = M.getOrInsertFunction(
      Entry, FunctionType::get(B.getVoidTy(), {PointerType::getUnqual(Ctx)},
                               false));
  B.CreateCall(TierUp, {SiteAddr});
  B.CreateBr(Body);
}

//===----------------------------------------------------------------------===//
// Materialization unit and generators
//===----------------------------------------------------------------------===//

/// The body of one function (or top-level expression): nothing but a name
/// until its symbol is looked up, then IR, (optimised IR,) an object file and
/// linked code, in one go, in the tier it was made for.
class KaleidoJIT::BodyUnit : public MaterializationUnit {
public:
  struct Info {
    std::string Name;
    bool IsFunction = false;
    Tier T = Tier::Optimized;
    /// For baseline code of a function: the counter to instrument it with.
    TierUpSite *Site = nullptr;
    /// Whether this is the optimised recompile of hot baseline code.
    bool TierUp = false;
  };

  /// Gen generates the IR; if null, the IR of function I.Name's current
  /// body comes from JITOptions::Bodies.
  BodyUnit(KaleidoJIT &J, SymbolStringPtr Sym, IRGenerator Gen, Info I)
      : MaterializationUnit(Interface(SymbolFlagsMap{{Sym, FunctionFlags}},
                                      nullptr)),
        J(J), Sym(std::move(Sym)), Gen(std::move(Gen)), I(std::move(I)) {}

  StringRef getName() const override { return "kaleido.FunctionBody"; }

  void materialize(std::unique_ptr<MaterializationResponsibility> R) override {
    auto Start = std::chrono::steady_clock::now();
    Expected<IRLayer &> Layer = I.T == Tier::Baseline
                                    ? J.baselineLayer()
                                    : Expected<IRLayer &>(J.L->OptLayer);
    if (!Layer) {
      J.ES->reportError(Layer.takeError());
      R->failMaterialization();
      return;
    }
    auto M = J.L->TSCtx.withContextDo([&](LLVMContext *Ctx) {
      return Gen ? Gen(*Ctx, *Sym, I.T)
                 : J.Opts.Bodies->generateIR(*Ctx, I.Name, *Sym, I.T);
    });
    if (!M) {
      J.ES->reportError(M.takeError());
      R->failMaterialization();
      return;
    }
    (*M)->setDataLayout(J.DL);
    (*M)->setTargetTriple(J.TM->getTargetTriple());
    if (I.Site)
      addTierUpCounter(*(*M)->getFunction(*Sym), &I.Site->Countdown, I.Site,
                       TierUpFunction);
    Layer->emit(std::move(R), ThreadSafeModule(std::move(*M), J.L->TSCtx));
    std::chrono::duration<double> Took =
        std::chrono::steady_clock::now() - Start;
    if (J.Opts.OnCompiled)
      J.Opts.OnCompiled(
          {I.Name, I.IsFunction,
           I.T == Tier::Baseline ? 0u : J.Opts.OptLevel, I.TierUp,
           Took.count()});
  }

private:
  void discard(const JITDylib &, const SymbolStringPtr &) override {}

  KaleidoJIT &J;
  SymbolStringPtr Sym;
  IRGenerator Gen;
  Info I;
};

/// Makes the stub of a declared name the first time anything refers to it.
class KaleidoJIT::StubGenerator : public DefinitionGenerator {
public:
  explicit StubGenerator(KaleidoJIT &J) : J(J) {}

  Error tryToGenerate(LookupState &, LookupKind, JITDylib &JD,
                      JITDylibLookupFlags,
                      const SymbolLookupSet &Symbols) override {
    SymbolMap New;
    for (const auto &[Sym, Flags] : Symbols) {
      auto It = J.Functions.find(*Sym);
      if (It == J.Functions.end() || It->second.HasStub)
        continue;
      auto Tramp = J.makeTrampoline(It->first(), It->second);
      if (!Tramp)
        return Tramp.takeError();
      if (Error Err = J.L->ISM->createStub(*Sym, *Tramp, FunctionFlags))
        return Err;
      It->second.HasStub = true;
      It->second.StubAddr = J.L->ISM->findStub(*Sym, false).getAddress();
      New[Sym] = {It->second.StubAddr, FunctionFlags};
    }
    if (New.empty())
      return Error::success();
    return JD.define(absoluteSymbols(std::move(New)));
  }

private:
  KaleidoJIT &J;
};

/// Hands the current body of a function to the JIT when its versioned symbol
/// is first looked up (by a stub's trampoline, or by an eager define).
class KaleidoJIT::BodyGenerator : public DefinitionGenerator {
public:
  explicit BodyGenerator(KaleidoJIT &J) : J(J) {}

  Error tryToGenerate(LookupState &, LookupKind, JITDylib &,
                      JITDylibLookupFlags,
                      const SymbolLookupSet &Symbols) override {
    for (const auto &[Sym, Flags] : Symbols) {
      // "name$V": only the current version V is ever compiled.
      auto [Name, VersionText] = StringRef(*Sym).rsplit('$');
      uint32_t Version;
      if (VersionText.getAsInteger(10, Version))
        continue;
      auto It = J.Functions.find(Name);
      if (It == J.Functions.end())
        continue;
      FunctionState &F = It->second;
      if (F.Version != Version || F.BodyDefined)
        continue;
      if (Error Err = J.defineBody(Name, F, Sym, /*MayStartBaseline=*/true))
        return Err;
    }
    return Error::success();
  }

private:
  KaleidoJIT &J;
};

/// Resolves what `extern` may reach, through JITOptions::ResolveHostSymbol.
class KaleidoJIT::HostGenerator : public DefinitionGenerator {
public:
  explicit HostGenerator(KaleidoJIT &J) : J(J) {}

  Error tryToGenerate(LookupState &, LookupKind, JITDylib &JD,
                      JITDylibLookupFlags,
                      const SymbolLookupSet &Symbols) override {
    SymbolMap New;
    for (const auto &[Sym, Flags] : Symbols) {
      // An extern's trampoline asks for its name; generated code asks for
      // the runtime's own functions, which no extern can name.
      std::optional<unsigned> Arity;
      if (auto It = J.Functions.find(*Sym); It != J.Functions.end())
        Arity = It->second.Arity;
      Expected<void *> Addr = J.Opts.ResolveHostSymbol(*Sym, Arity);
      if (!Addr)
        return Addr.takeError();
      if (*Addr)
        New[Sym] = {ExecutorAddr::fromPtr(*Addr), FunctionFlags};
    }
    if (New.empty())
      return Error::success();
    return JD.define(absoluteSymbols(std::move(New)));
  }

private:
  KaleidoJIT &J;
};

//===----------------------------------------------------------------------===//
// KaleidoJIT
//===----------------------------------------------------------------------===//

BodySource::~BodySource() = default;

KaleidoJIT::KaleidoJIT(JITOptions Opts) : Opts(std::move(Opts)), DL("") {}

Expected<std::unique_ptr<KaleidoJIT>> KaleidoJIT::create(JITOptions Opts) {
  if (Opts.OptLevel > 3)
    return make_error<StringError>("optimisation level must be 0 to 3",
                                   inconvertibleErrorCode());
  if (!Opts.Bodies)
    return make_error<StringError>("the JIT needs a source of function bodies",
                                   inconvertibleErrorCode());
  // LLVM's target registry is process-wide; registering is idempotent.
  static std::once_flag TargetsReady;
  std::call_once(TargetsReady, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
  });
  std::unique_ptr<KaleidoJIT> J(new KaleidoJIT(std::move(Opts)));
  if (Error Err = J->init())
    return std::move(Err);
  return std::move(J);
}

Error KaleidoJIT::init() {
  // Code is carved out of 64 MiB reservations instead of one mmap per
  // object: a first call then costs no mmap, only the mprotect that makes
  // its pages read+execute.
  auto MemMgr =
      MapperJITLinkMemoryManager::CreateWithMapper<InProcessMemoryMapper>(
          64 << 20);
  if (!MemMgr)
    return MemMgr.takeError();
  auto EPC = SelfExecutorProcessControl::Create(nullptr, nullptr,
                                                std::move(*MemMgr));
  if (!EPC)
    return EPC.takeError();
  ES = std::make_unique<ExecutionSession>(std::move(*EPC));
  ES->setErrorReporter([this](Error Err) {
    std::string Msg = describeFailure(std::move(Err));
    if (Opts.OnError)
      Opts.OnError(std::move(Msg));
  });

  auto JTMB = JITTargetMachineBuilder::detectHost();
  if (!JTMB)
    return JTMB.takeError();
  // -O2 uses the code generator's aggressive level too: its larger tail
  // duplication gives a recursive function's base case its own return
  // instead of a jump to a shared one (fib: ~15% less time), for ~5% more
  // compile time in the optimised tier (docs/design.md).
  static const CodeGenOptLevel Levels[] = {
      CodeGenOptLevel::None, CodeGenOptLevel::Less, CodeGenOptLevel::Aggressive,
      CodeGenOptLevel::Aggressive};
  JTMB->setCodeGenOptLevel(Levels[Opts.OptLevel]);
  JTMB->setCodeModel(CodeModel::Small);
  JTMB->setRelocationModel(Reloc::PIC_);
  // Never fuse a multiply and an add: every level must round identically.
  JTMB->getOptions().AllowFPOpFusion = FPOpFusion::Strict;
  auto MaybeTM = JTMB->createTargetMachine();
  if (!MaybeTM)
    return MaybeTM.takeError();
  TM = std::move(*MaybeTM);
  DL = TM->createDataLayout();

  auto Compiler = ObjectCompiler::create(*TM);
  if (!Compiler)
    return Compiler.takeError();
  L = std::make_unique<Layers>(*ES, *TM, std::move(*Compiler), Opts.OptLevel);
  L->HostJTMB = std::move(*JTMB);
  const Triple &TT = TM->getTargetTriple();
  auto LCTM = createLocalLazyCallThroughManager(
      TT, *ES, ExecutorAddr::fromPtr(Opts.LazyCallFailureHandler));
  if (!LCTM)
    return LCTM.takeError();
  L->LCTM = std::move(*LCTM);
  auto ISMBuilder = createLocalIndirectStubsManagerBuilder(TT);
  if (!ISMBuilder)
    return make_error<StringError>("no indirect stubs for " + TT.str(),
                                   inconvertibleErrorCode());
  L->ISM = ISMBuilder();

  Stubs = &ES->createBareJITDylib("<stubs>");
  Bodies = &ES->createBareJITDylib("<bodies>");
  Host = &ES->createBareJITDylib("<host>");
  Stubs->addGenerator(std::make_unique<StubGenerator>(*this));
  Bodies->addGenerator(std::make_unique<BodyGenerator>(*this));
  Host->addGenerator(std::make_unique<HostGenerator>(*this));
  Bodies->setLinkOrder({{Stubs, JITDylibLookupFlags::MatchExportedSymbolsOnly},
                        {Host, JITDylibLookupFlags::MatchExportedSymbolsOnly}});
  // Baseline code's way back into the JIT.
  return Host->define(absoluteSymbols(
      {{ES->intern(TierUpFunction),
        {ExecutorAddr::fromPtr(&tierUpEntry), FunctionFlags}}}));
}

Expected<IRLayer &> KaleidoJIT::baselineLayer() {
  if (L->BaselineLayer)
    return *L->BaselineLayer;
  JITTargetMachineBuilder JTMB = *L->HostJTMB;
  JTMB.setCodeGenOptLevel(CodeGenOptLevel::None);
  auto BTM = JTMB.createTargetMachine();
  if (!BTM)
    return BTM.takeError();
  auto Compiler = ObjectCompiler::create(**BTM);
  if (!Compiler)
    return Compiler.takeError();
  L->BaselineTM = std::move(*BTM);
  L->BaselineCompileLayer = std::make_unique<IRCompileLayer>(
      *ES, L->ObjLayer, std::move(*Compiler));
  L->BaselineLayer =
      std::make_unique<IRTransformLayer>(*ES, *L->BaselineCompileLayer);
  L->BaselineLayer->setTransform(
      [](ThreadSafeModule TSM,
         MaterializationResponsibility &) -> Expected<ThreadSafeModule> {
        if (Error Err = TSM.withModuleDo(Layers::verify))
          return std::move(Err);
        return std::move(TSM);
      });
  return *L->BaselineLayer;
}

KaleidoJIT::~KaleidoJIT() {
  if (!ES)
    return;
  if (Error Err = ES->endSession())
    consumeError(std::move(Err));
  L.reset();
}

Expected<ExecutorAddr> KaleidoJIT::makeTrampoline(StringRef Name,
                                                  FunctionState &F) {
  JITDylib &TargetJD = F.Version ? *Bodies : *Host;
  SymbolStringPtr Target =
      ES->intern(F.Version ? bodySymbol(Name, F.Version) : Name.str());
  unsigned Version = F.Version;
  std::string Key = Name.str();
  return L->LCTM->getCallThroughTrampoline(
      TargetJD, std::move(Target),
      [this, Key, Version](ExecutorAddr Resolved) -> Error {
        auto It = Functions.find(Key);
        // A trampoline of a replaced body must not clobber the new one.
        if (It == Functions.end() || It->second.Version != Version)
          return Error::success();
        return L->ISM->updatePointer(Key, Resolved);
      });
}

void KaleidoJIT::declare(StringRef Name, unsigned Arity) {
  Functions[Name].Arity = Arity;
}

Error KaleidoJIT::define(StringRef Name, bool Eager) {
  // Nothing can be running any body now: kaleido runs no JIT'd code while it
  // reads a definition, and callers reach bodies only through the stub.
  releaseRetiredCode();
  FunctionState &F = Functions[Name];
  ++F.Version;
  F.BodyDefined = false;
  F.Baseline = false;
  if (F.HasStub) {
    auto Tramp = makeTrampoline(Name, F);
    if (!Tramp)
      return Tramp.takeError();
    if (Error Err = L->ISM->updatePointer(Name, *Tramp))
      return Err;
  }
  if (F.BodyRT) {
    ResourceTrackerSP Old = std::move(F.BodyRT);
    if (Error Err = Old->remove())
      return Err;
    ++BodiesFreed;
  }
  // The old baseline code, which held the counter, is gone.
  F.Site.reset();
  if (!Eager)
    return Error::success();
  // An eager body is compiled at OptLevel: nothing would count its calls.
  SymbolStringPtr Sym = ES->intern(bodySymbol(Name, F.Version));
  if (Error Err = defineBody(Name, F, Sym, /*MayStartBaseline=*/false))
    return Err;
  auto Body = ES->lookup({Bodies}, Sym);
  if (!Body)
    return Body.takeError();
  if (F.HasStub)
    return L->ISM->updatePointer(Name, Body->getAddress());
  return Error::success();
}

Error KaleidoJIT::defineBody(StringRef Name, FunctionState &F,
                             SymbolStringPtr Sym, bool MayStartBaseline) {
  BodyUnit::Info I;
  I.Name = Name.str();
  I.IsFunction = true;
  F.Baseline = MayStartBaseline && Opts.OptLevel > 0 &&
               Opts.TierUpCalls > 0 && Opts.Bodies->isBounded(Name);
  if (F.Baseline) {
    I.T = Tier::Baseline;
    int32_t Calls = static_cast<int32_t>(std::min<unsigned>(
        Opts.TierUpCalls, std::numeric_limits<int32_t>::max()));
    F.Site.reset(new TierUpSite{this, Name.str(), F.Version, Calls});
    I.Site = F.Site.get();
  } else {
    I.T = Tier::Optimized;
  }
  F.BodyRT = Bodies->createResourceTracker();
  if (Error Err = Bodies->define(
          std::make_unique<BodyUnit>(*this, std::move(Sym), nullptr,
                                     std::move(I)),
          F.BodyRT))
    return Err;
  F.BodyDefined = true;
  return Error::success();
}

void KaleidoJIT::tierUpEntry(void *Site) {
  auto &S = *static_cast<TierUpSite *>(Site);
  S.J->tierUp(S);
}

void KaleidoJIT::tierUp(TierUpSite &Site) {
  auto It = Functions.find(Site.Name);
  if (It == Functions.end() || It->second.Version != Site.Version ||
      !It->second.Baseline || !It->second.HasStub)
    return;
  FunctionState &F = It->second;
  // Whatever happens next, this is the body's last compile (a failed one
  // leaves the baseline code in place).
  F.Baseline = false;
  SymbolStringPtr Sym =
      ES->intern(bodySymbol(Site.Name, F.Version) + ".opt");
  ResourceTrackerSP RT = Bodies->createResourceTracker();
  BodyUnit::Info I;
  I.Name = Site.Name;
  I.IsFunction = true;
  I.T = Tier::Optimized;
  I.TierUp = true;
  auto Install = [&]() -> Error {
    if (Error Err = Bodies->define(
            std::make_unique<BodyUnit>(*this, Sym, nullptr, std::move(I)),
            RT))
      return Err;
    auto Body = ES->lookup({Bodies}, Sym);
    if (!Body)
      return Body.takeError();
    return L->ISM->updatePointer(Site.Name, Body->getAddress());
  };
  if (Error Err = Install()) {
    // Baseline code is correct code: keep running it. The failure is the
    // JIT's, not the program's, so it does not become a runtime error.
    consumeError(std::move(Err));
    consumeError(RT->remove());
    return;
  }
  // The caller is baseline code of this very function, and more of its frames
  // may be live: its code is freed at the next top level.
  Retired.push_back(std::move(F.BodyRT));
  F.BodyRT = std::move(RT);
  ++TierUps;
}

void KaleidoJIT::releaseRetiredCode() {
  for (ResourceTrackerSP &RT : Retired) {
    if (Error Err = RT->remove())
      consumeError(std::move(Err));
    else
      ++BodiesFreed;
  }
  Retired.clear();
}

Expected<ExecutorAddr> KaleidoJIT::compileExpression(StringRef Symbol,
                                                     StringRef DisplayName,
                                                     IRGenerator Gen, Tier T,
                                                     ResourceTrackerSP &RT) {
  RT = Bodies->createResourceTracker();
  SymbolStringPtr Sym = ES->intern(Symbol);
  BodyUnit::Info I;
  I.Name = DisplayName.str();
  I.T = Opts.OptLevel > 0 && Opts.TierUpCalls > 0 ? T : Tier::Optimized;
  if (Error Err = Bodies->define(
          std::make_unique<BodyUnit>(*this, Sym, std::move(Gen), std::move(I)),
          RT))
    return std::move(Err);
  auto Def = ES->lookup({Bodies}, Sym);
  if (!Def)
    return Def.takeError();
  return Def->getAddress();
}

const uint32_t *KaleidoJIT::getVersionWord(StringRef Name) const {
  auto It = Functions.find(Name);
  return It == Functions.end() ? nullptr : &It->second.Version;
}

Expected<ExecutorAddr> KaleidoJIT::lookupStub(StringRef Name) {
  auto It = Functions.find(Name);
  if (It == Functions.end())
    return make_error<StringError>("no function named '" + Name + "'",
                                   inconvertibleErrorCode());
  if (It->second.HasStub)
    return It->second.StubAddr;
  auto Def = ES->lookup({Stubs}, ES->intern(Name));
  if (!Def)
    return Def.takeError();
  return Def->getAddress();
}

std::string KaleidoJIT::describeFailure(Error Err) {
  std::string Msg;
  auto Append = [&Msg](const Twine &T) {
    if (!Msg.empty())
      Msg += "; ";
    Msg += T.str();
  };
  handleAllErrors(
      std::move(Err),
      [&](SymbolsNotFound &SNF) {
        for (const SymbolStringPtr &S : SNF.getSymbols()) {
          StringRef Name = *S;
          if (Name.contains('$'))
            Append("the body of '" + Name.rsplit('$').first +
                   "' could not be compiled");
          else
            Append(formatv("call to '{0}', which is declared by 'extern' but "
                           "defined nowhere: not by 'def', not by the "
                           "runtime{1}",
                           Name,
                           Opts.AllowHostSymbols ? ", not by the process"
                                                 : " or the C math library"));
        }
      },
      [&](ErrorInfoBase &EIB) { Append(EIB.message()); });
  return Msg;
}
