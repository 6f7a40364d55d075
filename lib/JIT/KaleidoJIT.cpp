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
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <mutex>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

static const JITSymbolFlags FunctionFlags =
    JITSymbolFlags::Exported | JITSymbolFlags::Callable;

/// The state of one declared name.
struct KaleidoJIT::FunctionState {
  /// 0 while the name is only an extern; counts definitions after that.
  unsigned Version = 0;
  /// "name$Version" once defined.
  std::string BodySymbol;
  /// The current body's IR generator, until the body is first looked up.
  IRGenerator PendingGen;
  /// The current body's code, once it has been handed to the JIT.
  ResourceTrackerSP BodyRT;
  /// Whether the stub exists (it is made when first referenced).
  bool HasStub = false;
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
            std::string Msg;
            raw_string_ostream OS(Msg);
            if (verifyModule(M, &OS))
              return make_error<StringError>(
                  "internal error: invalid IR generated: " + Msg,
                  inconvertibleErrorCode());
            Opt.run(M);
            return Error::success();
          });
          if (Err)
            return std::move(Err);
          return std::move(TSM);
        });
  }

  ObjectLinkingLayer ObjLayer;
  IRCompileLayer CompileLayer;
  IRTransformLayer OptLayer;
  Optimizer Opt;
  ThreadSafeContext TSCtx;
  std::unique_ptr<LazyCallThroughManager> LCTM;
  std::unique_ptr<IndirectStubsManager> ISM;
};

//===----------------------------------------------------------------------===//
// Materialization unit and generators
//===----------------------------------------------------------------------===//

/// The body of one function (or top-level expression): nothing but an IR
/// generator until its symbol is looked up, then IR, optimised IR, an object
/// file and linked code, in one go.
class KaleidoJIT::BodyUnit : public MaterializationUnit {
public:
  BodyUnit(KaleidoJIT &J, SymbolStringPtr Sym, std::string Name,
           bool IsFunction, IRGenerator Gen)
      : MaterializationUnit(Interface(SymbolFlagsMap{{Sym, FunctionFlags}},
                                      nullptr)),
        J(J), Sym(std::move(Sym)), Name(std::move(Name)),
        IsFunction(IsFunction), Gen(std::move(Gen)) {}

  StringRef getName() const override { return "kaleido.FunctionBody"; }

  void materialize(std::unique_ptr<MaterializationResponsibility> R) override {
    auto Start = std::chrono::steady_clock::now();
    auto M = J.L->TSCtx.withContextDo(
        [&](LLVMContext *Ctx) { return Gen(*Ctx, *Sym); });
    if (!M) {
      J.ES->reportError(M.takeError());
      R->failMaterialization();
      return;
    }
    (*M)->setDataLayout(J.DL);
    (*M)->setTargetTriple(J.TM->getTargetTriple());
    J.L->OptLayer.emit(std::move(R),
                       ThreadSafeModule(std::move(*M), J.L->TSCtx));
    std::chrono::duration<double> Took =
        std::chrono::steady_clock::now() - Start;
    if (J.Opts.OnCompiled)
      J.Opts.OnCompiled(Name, IsFunction, Took.count());
  }

private:
  void discard(const JITDylib &, const SymbolStringPtr &) override {}

  KaleidoJIT &J;
  SymbolStringPtr Sym;
  std::string Name;
  bool IsFunction;
  IRGenerator Gen;
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
      New[Sym] = {J.L->ISM->findStub(*Sym, false).getAddress(), FunctionFlags};
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

  Error tryToGenerate(LookupState &, LookupKind, JITDylib &JD,
                      JITDylibLookupFlags,
                      const SymbolLookupSet &Symbols) override {
    for (const auto &[Sym, Flags] : Symbols) {
      StringRef Name = StringRef(*Sym).rsplit('$').first;
      auto It = J.Functions.find(Name);
      if (It == J.Functions.end())
        continue;
      FunctionState &F = It->second;
      if (F.BodySymbol != *Sym || !F.PendingGen)
        continue;
      F.BodyRT = JD.createResourceTracker();
      if (Error Err = JD.define(std::make_unique<BodyUnit>(
                                    J, Sym, Name.str(), /*IsFunction=*/true,
                                    std::move(F.PendingGen)),
                                F.BodyRT))
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
    for (const auto &[Sym, Flags] : Symbols)
      if (void *Addr = J.Opts.ResolveHostSymbol(*Sym))
        New[Sym] = {ExecutorAddr::fromPtr(Addr), FunctionFlags};
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

KaleidoJIT::KaleidoJIT(JITOptions Opts) : Opts(std::move(Opts)), DL("") {}

Expected<std::unique_ptr<KaleidoJIT>> KaleidoJIT::create(JITOptions Opts) {
  if (Opts.OptLevel > 3)
    return make_error<StringError>("optimisation level must be 0 to 3",
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
  static const CodeGenOptLevel Levels[] = {
      CodeGenOptLevel::None, CodeGenOptLevel::Less, CodeGenOptLevel::Default,
      CodeGenOptLevel::Aggressive};
  JTMB->setCodeGenOptLevel(Levels[Opts.OptLevel]);
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
  return Error::success();
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
  SymbolStringPtr Target = ES->intern(F.Version ? F.BodySymbol : Name);
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

void KaleidoJIT::declare(StringRef Name) { Functions.try_emplace(Name); }

Error KaleidoJIT::define(StringRef Name, IRGenerator Gen, bool Eager) {
  FunctionState &F = Functions[Name];
  ++F.Version;
  F.BodySymbol = (Name + "$" + Twine(F.Version)).str();
  F.PendingGen = std::move(Gen);
  if (F.HasStub) {
    auto Tramp = makeTrampoline(Name, F);
    if (!Tramp)
      return Tramp.takeError();
    if (Error Err = L->ISM->updatePointer(Name, *Tramp))
      return Err;
  }
  // Nothing can be running the old body now: kaleido runs no JIT'd code while
  // it reads a definition, and callers reach bodies only through the stub.
  if (F.BodyRT) {
    ResourceTrackerSP Old = std::move(F.BodyRT);
    if (Error Err = Old->remove())
      return Err;
    ++BodiesFreed;
  }
  if (!Eager)
    return Error::success();
  auto Body = ES->lookup({Bodies}, ES->intern(F.BodySymbol));
  if (!Body)
    return Body.takeError();
  if (F.HasStub)
    return L->ISM->updatePointer(Name, Body->getAddress());
  return Error::success();
}

Expected<ExecutorAddr> KaleidoJIT::compileExpression(StringRef Symbol,
                                                     StringRef DisplayName,
                                                     IRGenerator Gen,
                                                     ResourceTrackerSP &RT) {
  RT = Bodies->createResourceTracker();
  SymbolStringPtr Sym = ES->intern(Symbol);
  if (Error Err = Bodies->define(
          std::make_unique<BodyUnit>(*this, Sym, DisplayName.str(),
                                     /*IsFunction=*/false, std::move(Gen)),
          RT))
    return std::move(Err);
  auto Def = ES->lookup({Bodies}, Sym);
  if (!Def)
    return Def.takeError();
  return Def->getAddress();
}

Expected<ExecutorAddr> KaleidoJIT::lookupStub(StringRef Name) {
  if (!Functions.count(Name))
    return make_error<StringError>("no function named '" + Name + "'",
                                   inconvertibleErrorCode());
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
