//===- StubTable.cpp - Stubs, trampolines and version words ---------------===//
//
// Part of kaleido. See StubTable.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/StubTable.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

static const JITSymbolFlags StubFlags =
    JITSymbolFlags::Exported | JITSymbolFlags::Callable;

std::string kaleido::bodySymbolName(StringRef Function, uint32_t Version,
                                    bool Recompile) {
  std::string S;
  S.reserve(Function.size() + 15);
  S.append(Function.data(), Function.size());
  S += '$';
  S += std::to_string(Version);
  if (Recompile)
    S += ".opt";
  return S;
}

/// Makes the stub of a declared name the first time anything refers to it.
class StubTable::StubGenerator : public DefinitionGenerator {
public:
  explicit StubGenerator(StubTable &T) : T(T) {}

  Error tryToGenerate(LookupState &, LookupKind, JITDylib &JD,
                      JITDylibLookupFlags,
                      const SymbolLookupSet &Symbols) override {
    SymbolMap New;
    for (const auto &[Sym, Flags] : Symbols) {
      FunctionState *F = T.find(Sym);
      if (!F || F->HasStub)
        continue;
      if (Error Err = T.makeStub(*F))
        return Err;
      New[Sym] = {F->StubAddr, StubFlags};
    }
    if (New.empty())
      return Error::success();
    return JD.define(absoluteSymbols(std::move(New)));
  }

private:
  StubTable &T;
};

StubTable::StubTable(ExecutionSession &ES, JITDylib &BodiesJD, JITDylib &HostJD)
    : ES(ES), BodiesJD(BodiesJD), HostJD(HostJD) {}

Expected<std::unique_ptr<StubTable>>
StubTable::create(ExecutionSession &ES, const Triple &TT,
                  ExecutorAddr FailureHandler, JITDylib &BodiesJD,
                  JITDylib &HostJD) {
  std::unique_ptr<StubTable> T(new StubTable(ES, BodiesJD, HostJD));
  auto LCTM = createLocalLazyCallThroughManager(TT, ES, FailureHandler);
  if (!LCTM)
    return LCTM.takeError();
  T->LCTM = std::move(*LCTM);
  auto ISMBuilder = createLocalIndirectStubsManagerBuilder(TT);
  if (!ISMBuilder)
    return make_error<StringError>("no indirect stubs for " + TT.str(),
                                   inconvertibleErrorCode());
  T->ISM = ISMBuilder();
  return std::move(T);
}

FunctionState &StubTable::declare(StringRef Name, unsigned Arity) {
  FunctionState &F = getOrCreate(Name);
  F.Arity = Arity;
  return F;
}

FunctionState &StubTable::getOrCreate(StringRef Name) {
  auto [It, Inserted] = Functions.try_emplace(Name);
  if (Inserted)
    It->second.Name = It->first();
  return It->second;
}

Expected<FunctionState &> StubTable::define(StringRef Name) {
  FunctionState &F = getOrCreate(Name);
  ++F.Version;
  F.BodyDefined = false;
  F.Baseline = false;
  // The old version's symbols stay in BodySymbols, mapped to their version,
  // so a late lookup of one is recognised as a body and not compiled.
  F.BodySym = nullptr;
  F.RecompileSym = nullptr;
  if (F.HasStub) {
    auto Tramp = makeTrampoline(F);
    if (!Tramp)
      return Tramp.takeError();
    if (Error Err = redirect(F, *Tramp))
      return std::move(Err);
  }
  return F;
}

FunctionState *StubTable::find(const SymbolStringPtr &Name) {
  return find(*Name);
}

FunctionState *StubTable::find(StringRef Name) {
  auto It = Functions.find(Name);
  return It == Functions.end() ? nullptr : &It->second;
}

SymbolStringPtr StubTable::getBodySymbol(FunctionState &F, bool Recompile) {
  assert(F.Version && "only a defined function has a body");
  SymbolStringPtr &Sym = Recompile ? F.RecompileSym : F.BodySym;
  if (!Sym) {
    Sym = ES.intern(bodySymbolName(F.Name, F.Version, Recompile));
    BodySymbols[Sym] = {&F, F.Version, Recompile};
  }
  return Sym;
}

const BodyRef *StubTable::findBody(const SymbolStringPtr &Sym) const {
  auto It = BodySymbols.find(Sym);
  return It == BodySymbols.end() ? nullptr : &It->second;
}

Error StubTable::redirect(FunctionState &F, ExecutorAddr Body) {
  return ISM->updatePointer(F.Name, Body);
}

Error StubTable::redirectIfCurrent(FunctionState &F, uint32_t Version,
                                   ExecutorAddr Body) {
  if (F.Version != Version)
    return Error::success();
  return redirect(F, Body);
}

Expected<ExecutorAddr> StubTable::makeTrampoline(FunctionState &F) {
  // Until its first definition, an extern's stub reaches the host symbol of
  // the same name.
  JITDylib &TargetJD = F.Version ? BodiesJD : HostJD;
  SymbolStringPtr Target = F.Version ? getBodySymbol(F) : ES.intern(F.Name);
  uint32_t Version = F.Version;
  // F never moves or dies before the table (and its trampolines) does.
  return LCTM->getCallThroughTrampoline(
      TargetJD, std::move(Target),
      [this, &F, Version](ExecutorAddr Resolved) -> Error {
        return redirectIfCurrent(F, Version, Resolved);
      });
}

Error StubTable::makeStub(FunctionState &F) {
  auto Tramp = makeTrampoline(F);
  if (!Tramp)
    return Tramp.takeError();
  if (Error Err = ISM->createStub(F.Name, *Tramp, StubFlags))
    return Err;
  F.HasStub = true;
  F.StubAddr = ISM->findStub(F.Name, false).getAddress();
  return Error::success();
}

Expected<ExecutorAddr> StubTable::lookupStub(JITDylib &StubsJD,
                                             StringRef Name) {
  FunctionState *F = find(Name);
  if (!F)
    return make_error<StringError>("no function named '" + Name + "'",
                                   inconvertibleErrorCode());
  if (F->HasStub)
    return F->StubAddr;
  auto Def = ES.lookup({&StubsJD}, ES.intern(Name));
  if (!Def)
    return Def.takeError();
  return Def->getAddress();
}

std::unique_ptr<DefinitionGenerator> StubTable::createStubGenerator() {
  return std::make_unique<StubGenerator>(*this);
}

const uint32_t *StubTable::getVersionWord(StringRef Name) const {
  auto It = Functions.find(Name);
  return It == Functions.end() ? nullptr : &It->second.Version;
}
