//===- ObjectCompiler.cpp - IR to object code, one pipeline for all -------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "JIT/ObjectCompiler.h"

#include "JIT/CacheKey.h"
#include "JIT/CompileCache.h"

#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCContext.h"
#include "llvm/Support/SmallVectorMemoryBuffer.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Target/TargetMachine.h"

using namespace kaleido;
using namespace llvm;

ObjectCompiler::ObjectCompiler(TargetMachine &TM, CompileCache *Cache)
    : IRCompiler(orc::irManglingOptionsFromTargetOptions(TM.Options)), TM(TM),
      Cache(Cache) {}

Expected<std::unique_ptr<ObjectCompiler>>
ObjectCompiler::create(TargetMachine &TM, CompileCache *Cache) {
  return std::unique_ptr<ObjectCompiler>(new ObjectCompiler(TM, Cache));
}

Expected<std::unique_ptr<MemoryBuffer>> ObjectCompiler::operator()(Module &M) {
  // A span in a time trace (TimeTrace.h); free when not tracing.
  TimeTraceScope Span("code generation", M.getModuleIdentifier());
  if (!CodeGen) {
    auto PM = std::make_unique<legacy::PassManager>();
    MCContext *Ctx = nullptr;
    if (TM.addPassesToEmitMC(*PM, Ctx, ObjectStream))
      return make_error<StringError>("the target cannot emit object code",
                                     inconvertibleErrorCode());
    CodeGen = std::move(PM);
  }
  Object.clear();
  CodeGen->run(M);
  if (Cache)
    if (std::optional<CompileCache::Key> K = getCacheKey(M))
      Cache->store(*K, StringRef(Object.data(), Object.size()));
  return std::make_unique<SmallVectorMemoryBuffer>(
      std::move(Object), M.getModuleIdentifier() + "-object",
      /*RequiresNullTerminator=*/false);
}
