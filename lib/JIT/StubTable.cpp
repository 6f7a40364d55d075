//===- StubTable.cpp - Stubs, trampolines and version words ---------------===//
//
// Part of kaleido. See StubTable.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/StubTable.h"

#include "JIT/CodeListener.h"

#include "CodeGen/IRGen.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"

#include <utility>

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

/// Defines a declared name as its stub the first time code refers to it.
class StubTable::StubGenerator : public DefinitionGenerator {
public:
  explicit StubGenerator(StubTable &T) : T(T) {}

  Error tryToGenerate(LookupState &, LookupKind, JITDylib &JD,
                      JITDylibLookupFlags,
                      const SymbolLookupSet &Symbols) override {
    SymbolMap New;
    {
      std::lock_guard<std::mutex> Lock(T.Mutex);
      for (const auto &[Sym, Flags] : Symbols) {
        FunctionState *F = T.findLocked(*Sym);
        if (!F) {
          if (std::optional<ExecutorAddr> W = T.findVersionWordLocked(*Sym))
            New[Sym] = {*W, JITSymbolFlags::Exported};
          continue;
        }
        if (!F->HasStub)
          if (Error Err = T.makeStub(*F))
            return Err;
        New[Sym] = {F->Stub.Addr, StubFlags};
      }
    }
    if (New.empty())
      return Error::success();
    return JD.define(absoluteSymbols(std::move(New)));
  }

private:
  StubTable &T;
};

StubTable::StubTable(ExecutionSession &ES, ExecutorAddr FailureHandler,
                     ResolveFn Resolve)
    : ES(ES), FailureHandler(FailureHandler), Resolve(std::move(Resolve)) {}

Expected<std::unique_ptr<StubTable>>
StubTable::create(ExecutionSession &ES, const Triple &TT,
                  ExecutorAddr FailureHandler, ResolveFn Resolve,
                  CodeArena *Arena) {
  std::unique_ptr<StubTable> T(
      new StubTable(ES, FailureHandler, std::move(Resolve)));
  auto Ind = Indirections::create(TT, Arena,
                                  [Table = T.get()](ExecutorAddr Trampoline) {
                                    return Table->reenter(Trampoline);
                                  });
  if (!Ind)
    return Ind.takeError();
  T->Ind = std::move(*Ind);
  return std::move(T);
}

ExecutorAddr StubTable::reenter(ExecutorAddr Trampoline) {
  auto Fail = [&](Error Err) {
    ES.reportError(std::move(Err));
    return FailureHandler;
  };
  FunctionState *F;
  {
    std::lock_guard<std::mutex> Lock(TrampolinesMutex);
    auto It = Trampolines.find(Trampoline);
    if (It == Trampolines.end())
      return Fail(make_error<StringError>("internal error: unknown trampoline",
                                          inconvertibleErrorCode()));
    F = It->second;
  }
  uint32_t Version;
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    Version = F->Version;
  }
  // Should F get a new version while its body is resolved (a compile thread
  // cannot define one; the program's thread is here), the stub is left to
  // the new version's first call.
  Expected<ExecutorAddr> Body = Resolve(*F);
  if (!Body)
    return Fail(Body.takeError());
  if (Expected<bool> Redirected = redirectIfCurrent(*F, Version, *Body);
      !Redirected)
    return Fail(Redirected.takeError());
  return *Body;
}

FunctionState &StubTable::declare(StringRef Name, unsigned Arity) {
  std::lock_guard<std::mutex> Lock(Mutex);
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
  return newVersion(Name, /*HasBody=*/true);
}

Expected<FunctionState &> StubTable::undefine(StringRef Name) {
  return newVersion(Name, /*HasBody=*/false);
}

Expected<FunctionState &> StubTable::newVersion(StringRef Name, bool HasBody) {
  std::lock_guard<std::mutex> Lock(Mutex);
  FunctionState &F = getOrCreate(Name);
  ++F.Version;
  F.HasBody = HasBody;
  F.CompileFailed = false;
  F.BodyDefined = false;
  F.Baseline = false;
  forgetBodySymbols(F);
  // The stub starts at the function's trampoline again, which resolves
  // whatever version is current when it is entered.
  if (F.HasStub)
    if (Error Err = redirectLocked(F, F.Trampoline))
      return std::move(Err);
  return F;
}

void StubTable::forgetBodySymbols(FunctionState &F) {
  // The code of the old version goes (the caller frees it), and with it the
  // last holders of these symbols, except a counter site or a failure that
  // outlives it: those find nothing (findBody), as for a name never made.
  for (SymbolStringPtr *Sym : {&F.BodySym, &F.RecompileSym}) {
    if (!*Sym)
      continue;
    BodySymbols.erase(*Sym);
    *Sym = nullptr;
    ++Forgotten;
  }
}

FunctionState *StubTable::find(const SymbolStringPtr &Name) {
  return find(*Name);
}

FunctionState *StubTable::find(StringRef Name) {
  std::lock_guard<std::mutex> Lock(Mutex);
  return findLocked(Name);
}

FunctionState *StubTable::findLocked(StringRef Name) {
  auto It = Functions.find(Name);
  return It == Functions.end() ? nullptr : &It->second;
}

std::optional<unsigned> StubTable::getArity(StringRef Name) {
  std::lock_guard<std::mutex> Lock(Mutex);
  FunctionState *F = findLocked(Name);
  return F ? F->Arity : std::nullopt;
}

SymbolStringPtr StubTable::getBodySymbol(FunctionState &F, bool Recompile) {
  assert(F.Version && "only a defined function has a body");
  std::lock_guard<std::mutex> Lock(Mutex);
  SymbolStringPtr &Sym = Recompile ? F.RecompileSym : F.BodySym;
  if (!Sym) {
    Sym = ES.intern(bodySymbolName(F.Name, F.Version, Recompile));
    BodySymbols[Sym] = {&F, F.Version, Recompile};
  }
  return Sym;
}

SymbolStringPtr StubTable::findBodySymbol(const FunctionState &F,
                                          bool Recompile) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Recompile ? F.RecompileSym : F.BodySym;
}

std::optional<BodyRef> StubTable::findBody(const SymbolStringPtr &Sym) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = BodySymbols.find(Sym);
  if (It == BodySymbols.end())
    return std::nullopt;
  return It->second;
}

Error StubTable::redirect(FunctionState &F, ExecutorAddr Body) {
  std::lock_guard<std::mutex> Lock(Mutex);
  return redirectLocked(F, Body);
}

Error StubTable::redirectLocked(FunctionState &F, ExecutorAddr Body) {
  if (!F.HasStub)
    return Error::success();
  return Ind->setStub(F.Name, F.Stub, Body);
}

Expected<bool> StubTable::redirectIfCurrent(FunctionState &F, uint32_t Version,
                                            ExecutorAddr Body) {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (F.Version != Version)
    return false;
  if (Error Err = redirectLocked(F, Body))
    return std::move(Err);
  return true;
}

Error StubTable::makeStub(FunctionState &F) {
  auto Tramp = Ind->makeTrampoline();
  if (!Tramp)
    return Tramp.takeError();
  auto Stub = Ind->makeStub(F.Name, *Tramp);
  if (!Stub)
    return Stub.takeError();
  {
    std::lock_guard<std::mutex> Lock(TrampolinesMutex);
    // F never moves or dies before the table (and its trampoline) does.
    Trampolines[*Tramp] = &F;
  }
  F.HasStub = true;
  F.Stub = *Stub;
  F.Trampoline = *Tramp;
  if (Listeners && Stub->Size) {
    BodyLabel Label;
    Label.Name = F.Name.str();
    Label.Kind = CodeKind::Stub;
    Listeners->notifyLoaded(
        Label, {Stub->Addr.getValue(), Stub->Size,
                llvm::ArrayRef<uint8_t>(Stub->Addr.toPtr<const uint8_t *>(),
                                        Stub->Size)});
  }
  return Error::success();
}

Expected<ExecutorAddr> StubTable::getStub(StringRef Name) {
  std::lock_guard<std::mutex> Lock(Mutex);
  FunctionState *F = findLocked(Name);
  if (!F)
    return make_error<StringError>("no function named '" + Name + "'",
                                   inconvertibleErrorCode());
  if (!F->HasStub)
    if (Error Err = makeStub(*F))
      return std::move(Err);
  return F->Stub.Addr;
}

Expected<const uint64_t *> StubTable::getStubTarget(StringRef Name) {
  if (Expected<ExecutorAddr> Stub = getStub(Name); !Stub)
    return Stub.takeError();
  std::lock_guard<std::mutex> Lock(Mutex);
  return reinterpret_cast<const uint64_t *>(findLocked(Name)->Stub.Pointer);
}

std::unique_ptr<DefinitionGenerator> StubTable::createStubGenerator() {
  return std::make_unique<StubGenerator>(*this);
}

const uint32_t *StubTable::getVersionWord(StringRef Name) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Functions.find(Name);
  return It == Functions.end() ? nullptr : &It->second.Version;
}

std::optional<ExecutorAddr>
StubTable::findVersionWordLocked(StringRef Symbol) const {
  std::optional<StringRef> Owner = versionWordOwner(Symbol);
  if (!Owner)
    return std::nullopt;
  auto It = Functions.find(*Owner);
  if (It == Functions.end())
    return std::nullopt;
  return ExecutorAddr::fromPtr(&It->second.Version);
}

std::optional<ExecutorAddr> StubTable::findVersionWord(StringRef Symbol) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return findVersionWordLocked(Symbol);
}

size_t StubTable::takeForgotten() {
  std::lock_guard<std::mutex> Lock(Mutex);
  return std::exchange(Forgotten, 0);
}

StubTable::Counts StubTable::getCounts() const {
  Counts C;
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    C.Functions = Functions.size();
    C.BodySymbols = BodySymbols.size();
    C.Forgotten = Forgotten;
  }
  std::lock_guard<std::mutex> Lock(TrampolinesMutex);
  C.Trampolines = Trampolines.size();
  return C;
}
