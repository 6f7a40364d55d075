//===- Optimizer.cpp - The per-function optimisation pipeline -------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/Optimizer.h"

#include "llvm/Support/TimeProfiler.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/GVN.h"
#include "llvm/Transforms/Scalar/LICM.h"
#include "llvm/Transforms/Scalar/LoopRotation.h"
#include "llvm/Transforms/Scalar/Reassociate.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Utils/Mem2Reg.h"

using namespace kaleido;
using namespace llvm;

Optimizer::Optimizer(unsigned Level, TargetMachine *TM) : Level(Level) {
  if (Level == 0)
    return;
  PB = std::make_unique<PassBuilder>(TM);
  PB->registerModuleAnalyses(MAM);
  PB->registerCGSCCAnalyses(CGAM);
  PB->registerFunctionAnalyses(FAM);
  PB->registerLoopAnalyses(LAM);
  PB->crossRegisterProxies(LAM, FAM, CGAM, MAM);

  if (Level == 3)
    return; // Built per module in run(); see there.

  FunctionPassManager FPM;
  FPM.addPass(SROAPass(SROAOptions::ModifyCFG));
  FPM.addPass(EarlyCSEPass());
  FPM.addPass(InstCombinePass());
  if (Level >= 2) {
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
  FPM.addPass(SimplifyCFGPass());
  MPM.addPass(createModuleToFunctionPassAdaptor(std::move(FPM)));
}

void Optimizer::run(Module &M) {
  if (Level == 0)
    return;
  // A span in a time trace (JIT/TimeTrace.h); free when not tracing.
  TimeTraceScope Span("optimisation", M.getModuleIdentifier());
  if (Level == 3) {
    // The default -O3 pipeline keeps state across runs (the inliner's module
    // analyses), so it is not safe to reuse once its analyses are cleared.
    // -O3 pays for a fresh pipeline per module.
    LoopAnalysisManager FreshLAM;
    FunctionAnalysisManager FreshFAM;
    CGSCCAnalysisManager FreshCGAM;
    ModuleAnalysisManager FreshMAM;
    PB->registerModuleAnalyses(FreshMAM);
    PB->registerCGSCCAnalyses(FreshCGAM);
    PB->registerFunctionAnalyses(FreshFAM);
    PB->registerLoopAnalyses(FreshLAM);
    PB->crossRegisterProxies(FreshLAM, FreshFAM, FreshCGAM, FreshMAM);
    PB->buildPerModuleDefaultPipeline(OptimizationLevel::O3).run(M, FreshMAM);
    return;
  }
  MPM.run(M, MAM);
  // The cached analyses describe this module only; drop them before it dies.
  LAM.clear();
  FAM.clear();
  CGAM.clear();
  MAM.clear();
}
