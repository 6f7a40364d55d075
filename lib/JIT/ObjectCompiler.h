//===- ObjectCompiler.h - IR to object code, one pipeline for all -*- C++
//-*-===//
//
// Part of kaleido. ORC's SimpleCompiler builds a fresh codegen pass pipeline
// (instruction selection, register allocation, the object writer: a few
// hundred passes) for every module. The JIT compiles one small function per
// module, so building that pipeline would cost several times more than
// running it. This compiler builds it once per TargetMachine and runs it on
// each module in turn; the passes reset their per-module state in
// doInitialization/doFinalization, as they do when llc compiles several
// modules. Not thread-safe: one compile at a time (the JIT compiles in
// place, on the thread that calls it).
//
// With a CompileCache, the object of a module that carries a cache key
// (CacheKey.h: BodyUnit set it, having missed) is stored under that key
// once compiled, as ORC's SimpleCompiler tells an llvm::ObjectCache.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_OBJECTCOMPILER_H
#define KALEIDO_JIT_OBJECTCOMPILER_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Support/raw_ostream.h"

namespace llvm {
class TargetMachine;
}

namespace kaleido {

class CompileCache;

class ObjectCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
public:
  /// The pipeline is built on the first compile, so a session that never
  /// compiles (an interpreted or directly evaluated run) never pays for it.
  /// Cache, if not null, must outlive the compiler.
  static llvm::Expected<std::unique_ptr<ObjectCompiler>>
  create(llvm::TargetMachine &TM, CompileCache *Cache = nullptr);

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
  operator()(llvm::Module &M) override;

private:
  ObjectCompiler(llvm::TargetMachine &TM, CompileCache *Cache);

  llvm::TargetMachine &TM;
  CompileCache *Cache;
  llvm::SmallVector<char, 0> Object;
  llvm::raw_svector_ostream ObjectStream{Object};
  std::unique_ptr<llvm::legacy::PassManager> CodeGen;
};

} // namespace kaleido

#endif // KALEIDO_JIT_OBJECTCOMPILER_H
