//===- Optimizer.cpp - The per-function optimisation pipeline -------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/Optimizer.h"
#include "CodeGen/BatchKernel.h"

#include "llvm/Support/TimeProfiler.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/GVN.h"
#include "llvm/Transforms/Scalar/LICM.h"
#include "llvm/Transforms/Scalar/LoopRotation.h"
#include "llvm/Transforms/Scalar/Reassociate.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Utils/Mem2Reg.h"
#include "llvm/Transforms/Vectorize/LoopVectorize.h"
#include "llvm/Transforms/Vectorize/SLPVectorizer.h"

using namespace kaleido;
using namespace llvm;

/// The function passes of -O1 and -O2 (which the kernels' pipeline runs
/// too, before vectorising): registers for variables, clean-up, and at -O2
/// GVN and loop-invariant code motion.
static void addScalarPasses(FunctionPassManager &FPM, unsigned Level) {
  FPM.addPass(SROAPass(SROAOptions::ModifyCFG));
  FPM.addPass(EarlyCSEPass());
  FPM.addPass(InstCombinePass());
  if (Level < 2)
    return;
  FPM.addPass(ReassociatePass());
  FPM.addPass(GVNPass());
  FPM.addPass(SimplifyCFGPass());
  LoopPassManager LPM;
  LPM.addPass(LoopRotatePass());
  LPM.addPass(LICMPass(LICMOptions()));
  FPM.addPass(createFunctionToLoopPassAdaptor(std::move(LPM),
                                              /*UseMemorySSA=*/true));
  FPM.addPass(InstCombinePass());
}

Optimizer::Optimizer(unsigned Level, TargetMachine *TM) : Level(Level), TM(TM) {
  if (Level == 0)
    return;
  PB = std::make_unique<PassBuilder>(TM);
  PB->registerModuleAnalyses(MAM);
  PB->registerCGSCCAnalyses(CGAM);
  PB->registerFunctionAnalyses(FAM);
  PB->registerLoopAnalyses(LAM);
  PB->crossRegisterProxies(LAM, FAM, CGAM, MAM);
  if (Level == 3)
    return; // -O3 builds its pipeline per module in run(); see there.

  FunctionPassManager FPM;
  addScalarPasses(FPM, Level);
  FPM.addPass(SimplifyCFGPass());
  MPM.addPass(createModuleToFunctionPassAdaptor(std::move(FPM)));
}

void Optimizer::run(Module &M) {
  if (Level == 0)
    return;
  // A span in a time trace (JIT/TimeTrace.h); free when not tracing.
  TimeTraceScope Span("optimisation", M.getModuleIdentifier());
  if (isBatchKernelModule(M)) {
    if (!KernelMPM)
      KernelMPM = buildKernelPipeline();
    KernelMPM->run(M, MAM);
  } else if (Level == 3) {
    runDefaultPipeline(M);
    return;
  } else {
    MPM.run(M, MAM);
  }
  // The cached analyses describe this module only; drop them before it dies.
  LAM.clear();
  FAM.clear();
  CGAM.clear();
  MAM.clear();
}

std::unique_ptr<ModulePassManager> Optimizer::buildKernelPipeline() {
  // The body goes into the loop first; then it is cleaned up as at -O2, the
  // loop is put in shape, and the vectorisers widen it to the target's
  // registers (the TargetMachine's cost model decides how far).
  auto K = std::make_unique<ModulePassManager>();
  K->addPass(AlwaysInlinerPass());
  FunctionPassManager FPM;
  addScalarPasses(FPM, 2);
  // Interleaving too: it costs a third more compile time (15 ms against 10
  // for `(2.2*a+1.1)*3.3`, once per formula) and saves a third of the time
  // per row (0.28 ns against 0.44), which a bulk call repeats many times.
  FPM.addPass(LoopVectorizePass());
  FPM.addPass(SLPVectorizerPass());
  FPM.addPass(InstCombinePass());
  FPM.addPass(SimplifyCFGPass());
  K->addPass(createModuleToFunctionPassAdaptor(std::move(FPM)));
  return K;
}

void Optimizer::runDefaultPipeline(Module &M) {
  // The default pipeline keeps state across runs (the inliner's module
  // analyses), so it is not safe to reuse once its analyses are cleared: it
  // is built per module, which is what -O3 pays.
  PassBuilder Fresh(TM);
  LoopAnalysisManager FreshLAM;
  FunctionAnalysisManager FreshFAM;
  CGSCCAnalysisManager FreshCGAM;
  ModuleAnalysisManager FreshMAM;
  Fresh.registerModuleAnalyses(FreshMAM);
  Fresh.registerCGSCCAnalyses(FreshCGAM);
  Fresh.registerFunctionAnalyses(FreshFAM);
  Fresh.registerLoopAnalyses(FreshLAM);
  Fresh.crossRegisterProxies(FreshLAM, FreshFAM, FreshCGAM, FreshMAM);
  Fresh.buildPerModuleDefaultPipeline(OptimizationLevel::O3).run(M, FreshMAM);
}
