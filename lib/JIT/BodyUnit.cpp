//===- BodyUnit.cpp - A body, compiled when looked up ---------------------===//
//
// Part of kaleido. See BodyUnit.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/BodyUnit.h"

#include "JIT/CacheKey.h"
#include "JIT/CompileCache.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TimeProfiler.h"

#include <chrono>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

Expected<IRLayer &> TierTable::get(Tier T, bool Counted) {
  LayerFn &Get = Entries[index(T, Counted)];
  if (!Get)
    return make_error<StringError>("internal error: no layer for this tier",
                                   inconvertibleErrorCode());
  return Get();
}

void BodyContext::useCache(CompileCache *C, ObjectLayer &Objs,
                           const TargetMachine &TM) {
  if (!C)
    return;
  Cache = C;
  Objects = &Objs;
  CodeGen = describeCodeGen(TM);
}

void BodyContext::countBody() {
  if (++BodiesInContext <= BodiesPerContext)
    return;
  // Modules of the old context still being compiled (none, on the one thread
  // that generates bodies) keep it alive through their ThreadSafeModule.
  TSCtx = ThreadSafeContext(std::make_unique<LLVMContext>());
  BodiesInContext = 1;
  ++ContextsRenewed;
}

BodyUnit::BodyUnit(BodyContext &Ctx, SymbolStringPtr Sym, IRGenerator Gen,
                   Info I)
    : MaterializationUnit(
          Interface(SymbolFlagsMap{{Sym, JITSymbolFlags::Exported |
                                             JITSymbolFlags::Callable}},
                    nullptr)),
      Ctx(Ctx), Sym(std::move(Sym)), Gen(std::move(Gen)), I(std::move(I)) {}

BodyLabel BodyUnit::label(const BodyContext &Ctx, const Info &I) {
  BodyLabel L;
  L.Name = I.Name;
  L.Version = I.Version;
  L.Kind = I.T == Tier::Baseline ? CodeKind::Baseline : CodeKind::Optimized;
  L.OptLevel = Ctx.OptLevel;
  L.File = I.Origin.File;
  L.Line = I.Origin.Line;
  return L;
}

void BodyUnit::materialize(std::unique_ptr<MaterializationResponsibility> R) {
  auto Start = std::chrono::steady_clock::now();
  // The whole compile: IR here, then the layers below (optimisation, code
  // generation, linking), which run to their end inside emit().
  TimeTraceScope Span("compile", [&] { return label(Ctx, I).str(); });
  if (Ctx.Listeners)
    Ctx.Listeners->expect(*Sym, label(Ctx, I));
  Expected<IRLayer &> Layer = Ctx.Tiers.get(I.T, I.Counted);
  if (!Layer) {
    Ctx.ES.reportError(Layer.takeError());
    R->failMaterialization();
    return;
  }
  Ctx.countBody();
  auto M = Ctx.TSCtx.withContextDo([&](LLVMContext *C) {
    TimeTraceScope Phase("IR generation", *Sym);
    return Gen ? Gen(*C, *Sym, I.T)
               : Ctx.Source->generateIR(*C, I.Name, *Sym, I.T);
  });
  if (!M) {
    Ctx.ES.reportError(M.takeError());
    R->failMaterialization();
    return;
  }
  (*M)->setDataLayout(Ctx.DL);
  (*M)->setTargetTriple(Ctx.TT);
  if (Ctx.Cache && !I.Counted && linkCached(R, **M)) {
    report(Start, /*Cached=*/true);
    return;
  }
  Layer->emit(std::move(R), ThreadSafeModule(std::move(*M), Ctx.TSCtx));
  report(Start, /*Cached=*/false);
}

bool BodyUnit::linkCached(std::unique_ptr<MaterializationResponsibility> &R,
                          Module &M) {
  TimeTraceScope Phase("compile cache", *Sym);
  CompileCache::Key K = cacheKey(M, Ctx.CodeGen, I.T, Ctx.OptLevel);
  std::unique_ptr<MemoryBuffer> Object = Ctx.Cache->lookup(K);
  if (!Object) {
    setCacheKey(M, K);
    return false;
  }
  Ctx.Objects->emit(std::move(R), std::move(Object));
  return true;
}

void BodyUnit::report(std::chrono::steady_clock::time_point Start,
                      bool Cached) {
  std::chrono::duration<double> Took = std::chrono::steady_clock::now() - Start;
  if (!Ctx.OnCompiled)
    return;
  Ctx.OnCompiled({I.Name, I.IsFunction,
                  I.T == Tier::Baseline ? 0u : Ctx.OptLevel, I.TierUp,
                  Took.count(), /*Native=*/false, /*Background=*/false,
                  /*QueueSeconds=*/0, Cached});
}
