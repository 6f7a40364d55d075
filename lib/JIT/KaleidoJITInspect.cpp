//===- KaleidoJITInspect.cpp - What the JIT reports about itself ----------===//
//
// Part of kaleido. The JIT's counters, its view of each function and what
// it says about a failure (see KaleidoJIT.h); nothing here changes what
// runs.
//
//===----------------------------------------------------------------------===//

#include "JIT/KaleidoJITLayers.h"

#include "JIT/StubTable.h"

#include "llvm/Support/FormatVariadic.h"

#include <mutex>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

TierUpStats KaleidoJIT::getTierUpStats() const {
  TierUpStats S;
  {
    std::lock_guard<std::mutex> Lock(StatsMutex);
    S = Stats;
  }
  BackgroundCompiler::Counts C;
  if (L->Background)
    C = L->Background->getCounts();
  S.TierUps += C.Installed;
  S.Failures += C.Failed;
  S.BackgroundPosted = C.Posted;
  S.BackgroundDropped = C.Dropped;
  S.QueueSeconds = C.QueueSeconds;
  S.MaxQueueSeconds = C.MaxQueueSeconds;
  return S;
}

uint64_t KaleidoJIT::getBodiesFreed() const {
  return L->Retired.getBodiesFreed();
}

bool KaleidoJIT::hasBuiltLLVM() const { return L->LLVM != nullptr; }

uint64_t KaleidoJIT::getNativeCodeBytes() const {
  return L->Native ? L->Native->getCodeBytes() : 0;
}

KaleidoJIT::Retained KaleidoJIT::getRetained() const {
  Retained R;
  StubTable::Counts C = L->Table->getCounts();
  R.Functions = C.Functions;
  R.Trampolines = C.Trampolines;
  R.BodySymbols = C.BodySymbols;
  // The pool prints one line per entry.
  std::string Pool;
  raw_string_ostream(Pool) << *ES->getSymbolStringPool();
  R.PoolSymbols = count(Pool, '\n');
  R.ArenaBytes = L->Arena.getBytesInUse();
  if (L->LLVM)
    R.ContextsRenewed = L->LLVM->Ctx.ContextsRenewed;
  return R;
}

const uint32_t *KaleidoJIT::getVersionWord(StringRef Name) const {
  return L->Table->getVersionWord(Name);
}

Expected<ExecutorAddr> KaleidoJIT::lookupStub(StringRef Name) {
  return L->Table->getStub(Name);
}

Expected<const uint64_t *> KaleidoJIT::lookupStubTarget(StringRef Name) {
  return L->Table->getStubTarget(Name);
}

std::optional<FunctionReport> KaleidoJIT::report(StringRef Name) {
  FunctionState *F = L->Table->find(Name);
  if (!F)
    return std::nullopt;
  FunctionReport R;
  R.Version = F->Version;
  R.HasBody = F->HasBody;
  R.Failed = F->CompileFailed;
  R.Compiled = F->BodyDefined;
  R.Baseline = F->Baseline;
  R.Native = F->Owned != nullptr;
  if (!R.Compiled)
    return R;
  if (F->Owned) {
    R.CodeBytes = F->Owned->getCodeSize();
    R.NativeCode = F->OwnedAddr;
  } else {
    // Optimised code that replaced baseline code is the recompile's; code
    // compiled optimised at once is the body's own.
    SymbolStringPtr Recompile = L->Table->findBodySymbol(*F, true);
    SymbolStringPtr Body = L->Table->findBodySymbol(*F);
    if (Recompile && !F->Baseline)
      R.CodeBytes = L->Sizes.get(*Recompile);
    if (!R.CodeBytes && Body)
      R.CodeBytes = L->Sizes.get(*Body);
  }
  if (R.Baseline && L->Counters)
    if (SymbolStringPtr Body = L->Table->findBodySymbol(*F))
      R.Calls = L->Counters->getCalls(Body);
  return R;
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
          // S may come from the compile threads' session: the table knows
          // the program session's symbols.
          if (std::optional<BodyRef> B = L->Table->findBody(ES->intern(*S)))
            Append("the body of '" + B->F->Name + "' could not be compiled");
          else
            Append(formatv("call to '{0}', which is declared by 'extern' but "
                           "defined nowhere: not by 'def', not by the "
                           "runtime{1}",
                           *S,
                           Opts.AllowHostSymbols ? ", not by the process"
                                                 : " or the C math library"));
        }
      },
      [&](ErrorInfoBase &EIB) { Append(EIB.message()); });
  return Msg;
}
