//===- NativeBaseline.cpp - Native baseline code, installed in ORC --------===//
//
// Part of kaleido. See NativeBaseline.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/NativeBaseline.h"

#include "JIT/TierUpLayer.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

NativeBaseline::NativeBaseline(ExecutionSession &ES, BodySource &Source,
                               CountersFn Counters, StubFn Stubs)
    : ES(ES), Source(Source), Counters(std::move(Counters)),
      Stubs(std::move(Stubs)) {
  ES.registerResourceManager(*this);
}

NativeBaseline::~NativeBaseline() { ES.deregisterResourceManager(*this); }

bool NativeBaseline::emit(MaterializationResponsibility &R,
                          const SymbolStringPtr &Sym, StringRef Name,
                          bool Counted) {
  NativeEmitOptions Opts;
  if (Counted) {
    Expected<TierUpLayer &> Layer = Counters();
    if (!Layer) {
      consumeError(Layer.takeError()); // The LLVM baseline will say why.
      return false;
    }
    // Registered under R's tracker: if the body falls back to LLVM, this
    // site is unused and goes with the tracker.
    Expected<TierUpLayer::Counter> C = Layer->addCounter(R, Sym);
    if (!C) {
      consumeError(C.takeError());
      return false;
    }
    Opts.Countdown = C->Countdown;
    Opts.CounterSite = C->Site;
    Opts.TierUpEntry = TierUpLayer::getEntryAddress().toPtr<const void *>();
  }
  auto StubOf = [this](StringRef Callee) { return Stubs(Callee); };
  Opts.CalleeAddress = StubOf;
  Expected<std::vector<uint8_t>> Code = Source.generateNative(Name, Opts);
  if (!Code) {
    // Not supported (or no address for a callee): LLVM compiles it, and
    // reports whatever real problem there is.
    consumeError(Code.takeError());
    return false;
  }
  if (Error Err = install(R, Sym, *Code)) {
    ES.reportError(std::move(Err));
    R.failMaterialization();
  }
  return true;
}

Error NativeBaseline::install(MaterializationResponsibility &R,
                              const SymbolStringPtr &Sym,
                              ArrayRef<uint8_t> Code) {
  Expected<void *> Addr = Arena.place(Code);
  if (!Addr)
    return Addr.takeError();
  Block B{*Addr, Code.size()};
  if (Error Err =
          R.withResourceKeyDo([&](ResourceKey K) { Blocks[K].push_back(B); })) {
    Arena.release(B.Addr, B.Size);
    return Err;
  }
  if (Error Err = R.notifyResolved(
          {{Sym,
            {ExecutorAddr::fromPtr(B.Addr),
             JITSymbolFlags::Exported | JITSymbolFlags::Callable}}}))
    return Err; // The block goes with the tracker.
  return R.notifyEmitted({});
}

Error NativeBaseline::handleRemoveResources(JITDylib &, ResourceKey K) {
  // The tracker is being removed: no JIT'd frame can be running this code.
  ES.runSessionLocked([&] {
    auto It = Blocks.find(K);
    if (It == Blocks.end())
      return;
    for (const Block &B : It->second)
      Arena.release(B.Addr, B.Size);
    Blocks.erase(It);
  });
  return Error::success();
}

void NativeBaseline::handleTransferResources(JITDylib &, ResourceKey DstK,
                                             ResourceKey SrcK) {
  auto It = Blocks.find(SrcK);
  if (It == Blocks.end())
    return;
  std::vector<Block> Moved = std::move(It->second);
  Blocks.erase(It);
  auto &Dst = Blocks[DstK];
  Dst.insert(Dst.end(), Moved.begin(), Moved.end());
}
