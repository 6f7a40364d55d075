//===- KaleidoJITLayers.h - What a KaleidoJIT is made of ---------*- C++
//-*-===//
//
// Part of kaleido. Private to lib/JIT: the layers and tables a KaleidoJIT
// owns, for the files that implement it (KaleidoJIT.cpp, the policy;
// KaleidoJITInspect.cpp, what it reports about itself).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_KALEIDOJITLAYERS_H
#define KALEIDO_JIT_KALEIDOJITLAYERS_H

#include "JIT/KaleidoJIT.h"

#include "CodeGen/Optimizer.h"
#include "JIT/BackgroundCompiler.h"
#include "JIT/BodyUnit.h"
#include "JIT/CallCounters.h"
#include "JIT/CodeArena.h"
#include "JIT/CodeSizes.h"
#include "JIT/NativeBaseline.h"
#include "JIT/ObjectCompiler.h"
#include "JIT/RetiredCode.h"
#include "JIT/StubTable.h"
#include "JIT/TierUpLayer.h"
#include "JIT/TracedLinkingLayer.h"
#include "JIT/VerifyTransform.h"

#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/IRTransformLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Target/TargetMachine.h"

namespace kaleido {

/// LLVM's part of the stack: everything that compiles IR. Built on the first
/// body that needs LLVM, so a session whose code is all native (or that
/// runs nothing) never makes a TargetMachine.
struct KaleidoJIT::LLVMTiers {
  LLVMTiers(llvm::orc::ExecutionSession &ES,
            std::unique_ptr<llvm::TargetMachine> TheTM,
            std::unique_ptr<ObjectCompiler> Compiler, unsigned OptLevel,
            llvm::orc::JITTargetMachineBuilder HostJTMB)
      : TM(std::move(TheTM)), ObjLayer(ES),
        CompileLayer(ES, ObjLayer, std::move(Compiler)),
        OptLayer(ES, CompileLayer), Opt(OptLevel, TM.get()),
        HostJTMB(std::move(HostJTMB)),
        Ctx(ES,
            llvm::orc::ThreadSafeContext(std::make_unique<llvm::LLVMContext>()),
            TM->createDataLayout(), TM->getTargetTriple()) {
    OptLayer.setTransform(verifyThen([this](llvm::Module &M) { Opt.run(M); }));
  }

  // The optimised tier.
  std::unique_ptr<llvm::TargetMachine> TM;
  TracedLinkingLayer ObjLayer;
  llvm::orc::IRCompileLayer CompileLayer;
  llvm::orc::IRTransformLayer OptLayer;
  Optimizer Opt;
  /// The baseline tier, built on first use from the host's machine builder:
  /// its own TargetMachine at CodeGenOptLevel::None, a transform that only
  /// verifies, and for functions the call counters on top.
  llvm::orc::JITTargetMachineBuilder HostJTMB;
  std::unique_ptr<llvm::TargetMachine> BaselineTM;
  std::unique_ptr<llvm::orc::IRCompileLayer> BaselineCompileLayer;
  std::unique_ptr<llvm::orc::IRTransformLayer> BaselineLayer;
  std::unique_ptr<TierUpLayer> CountedLayer;
  /// What every BodyUnit shares.
  BodyContext Ctx;
};

struct KaleidoJIT::Layers {
  /// Arena maps its chunks the Arena way.
  explicit Layers(CodeArena::Mapping ArenaMapping)
      : Arena(256 << 10, ArenaMapping) {}

  /// Native code, stubs and trampolines (Indirections.h): first, so that it
  /// goes last, after everything that runs or frees code in it.
  CodeArena Arena;
  /// The sizes of LLVM's code, filed by the object layers' plugins (this
  /// JIT's and the compile threads'), which it must outlive.
  CodeSizes Sizes;
  /// Null until a body needs LLVM (KaleidoJIT::llvmTiers).
  std::unique_ptr<LLVMTiers> LLVM;
  /// Tier-ups on compile threads, if JITOptions::CompileThreads. Declared
  /// before Table and Retired, so destroyed after them: the trackers of the
  /// code it installed belong to its ORC session.
  std::unique_ptr<BackgroundCompiler> Background;
  /// What baseline code counts its calls with, LLVM's and native alike.
  std::unique_ptr<CallCounters> Counters;
  /// The native baseline generator's code, if JITOptions::NativeBaseline.
  std::unique_ptr<NativeBaseline> Native;
  // Around the stack.
  std::unique_ptr<StubTable> Table;
  RetiredCode Retired;
};

} // namespace kaleido

#endif // KALEIDO_JIT_KALEIDOJITLAYERS_H
