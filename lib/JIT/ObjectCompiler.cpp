//===- ObjectCompiler.cpp - IR to object code, one pipeline for all -------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "JIT/ObjectCompiler.h"

#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCContext.h"
#include "llvm/Support/SmallVectorMemoryBuffer.h"
#include "llvm/Target/TargetMachine.h"

using namespace kaleido;
using namespace llvm;

ObjectCompiler::ObjectCompiler(TargetMachine &TM)
    : IRCompiler(orc::irManglingOptionsFromTargetOptions(TM.Options)) {}

Expected<std::unique_ptr<ObjectCompiler>>
ObjectCompiler::create(TargetMachine &TM) {
  std::unique_ptr<ObjectCompiler> C(new ObjectCompiler(TM));
  MCContext *Ctx = nullptr;
  if (TM.addPassesToEmitMC(C->CodeGen, Ctx, C->ObjectStream))
    return make_error<StringError>("the target cannot emit object code",
                                   inconvertibleErrorCode());
  return std::move(C);
}

Expected<std::unique_ptr<MemoryBuffer>>
ObjectCompiler::operator()(Module &M) {
  Object.clear();
  CodeGen.run(M);
  return std::make_unique<SmallVectorMemoryBuffer>(
      std::move(Object), M.getModuleIdentifier() + "-object",
      /*RequiresNullTerminator=*/false);
}
