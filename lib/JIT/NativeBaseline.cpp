//===- NativeBaseline.cpp - Native baseline code, owned by the JIT --------===//
//
// Part of kaleido. See NativeBaseline.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/NativeBaseline.h"

#include "JIT/NativeDebugObject.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

NativeBaseline::NativeBaseline(BodySource &Source, CallCounters &Counters,
                               CodeArena &Arena, StubFn Stubs, bool DebugInfo)
    : Source(Source), Counters(Counters), Arena(Arena), Stubs(std::move(Stubs)),
      DebugInfo(DebugInfo) {}

NativeBaseline::Body::~Body() {
  Debug.reset(); // The debugger forgets the code before it goes.
  Owner.Arena.release(Addr, Size);
  Owner.CodeBytes -= CodeArena::footprint(Size);
}

Expected<std::unique_ptr<NativeBaseline::Body>>
NativeBaseline::compile(StringRef Name, SymbolStringPtr CounterBody) {
  NativeEmitOptions Opts;
  std::unique_ptr<CallCounters::Site> Counter;
  if (CounterBody) {
    Counter = Counters.makeSite(std::move(CounterBody));
    Opts.Countdown = &Counter->Countdown;
    Opts.CounterSite = Counter.get();
    Opts.TierUpEntry = CallCounters::getEntryAddress().toPtr<const void *>();
  }
  auto StubOf = [this](StringRef Callee) { return Stubs(Callee); };
  Opts.CalleeAddress = StubOf;
  NativeDebugMap Map;
  if (DebugInfo)
    Opts.Debug = &Map;
  Expected<std::vector<uint8_t>> Code = Source.generateNative(Name, Opts);
  if (!Code) {
    // Not supported: LLVM compiles it, and reports whatever real problem
    // there is.
    consumeError(Code.takeError());
    return nullptr;
  }
  Expected<void *> Addr = Arena.place(*Code);
  if (!Addr)
    return Addr.takeError();
  CodeBytes += CodeArena::footprint(Code->size());
  std::unique_ptr<Body> B(
      new Body(*this, *Addr, Code->size(), std::move(Counter)));
  if (DebugInfo) {
    BodyOrigin O = Source.locate(Name);
    NativeDebugSubject What{
        Name,        O.File, O.Directory, O.Line, B->getAddress().getValue(),
        B->getSize()};
    B->Debug =
        std::make_unique<GDBRegistration>(buildNativeDebugObject(What, Map));
  }
  return std::move(B);
}
