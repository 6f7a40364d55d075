//===- Optimizer.h - The per-function optimisation pipeline ------*- C++
//-*-===//
//
// Part of kaleido. Runs the new pass manager over one small module at a time
// (the JIT hands it one function). The pass builder and analysis managers are
// built once and reused, because the JIT calls this once per compiled
// function and their setup would otherwise dominate small compiles.
//
// Levels: -O0 runs nothing; -O1 promotes variables to registers and cleans up;
// -O2 adds the tutorial's pipeline (instcombine, reassociate, GVN, simplifycfg)
// and loop-invariant code motion; -O3 runs LLVM's full -O3 module pipeline.
// A batch kernel's module (CodeGen/BatchKernel.h), at any level above 0, gets
// a pipeline of its own: the body is inlined into the kernel's loop, cleaned
// up as at -O2, and the loop and SLP vectorisers widen it for the target.
// No pass may change floating-point results: nothing sets fast-math flags.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_CODEGEN_OPTIMIZER_H
#define KALEIDO_CODEGEN_OPTIMIZER_H

#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"

#include <memory>

namespace llvm {
class TargetMachine;
}

namespace kaleido {

class Optimizer {
public:
  /// Level must be 0 to 3. TM, if given, supplies target cost models.
  Optimizer(unsigned Level, llvm::TargetMachine *TM);

  /// Optimises every function of M in place.
  void run(llvm::Module &M);

private:
  /// LLVM's -O3 module pipeline on fresh analysis managers.
  void runDefaultPipeline(llvm::Module &M);
  /// The batch kernels' pipeline: inline, clean up, vectorise.
  std::unique_ptr<llvm::ModulePassManager> buildKernelPipeline();

  unsigned Level;
  llvm::TargetMachine *TM;
  llvm::LoopAnalysisManager LAM;
  llvm::FunctionAnalysisManager FAM;
  llvm::CGSCCAnalysisManager CGAM;
  llvm::ModuleAnalysisManager MAM;
  std::unique_ptr<llvm::PassBuilder> PB;
  llvm::ModulePassManager MPM;
  /// Built at the first kernel.
  std::unique_ptr<llvm::ModulePassManager> KernelMPM;
};

} // namespace kaleido

#endif // KALEIDO_CODEGEN_OPTIMIZER_H
