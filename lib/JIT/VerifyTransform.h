//===- VerifyTransform.h - Verify IR on its way to the compiler -*- C++ -*-===//
//
// Part of kaleido. The transform every IR layer of the JIT starts with: the
// verifier, whose message becomes the compile's error (it is the only clue),
// then the tier's own work on the module (the optimiser, or nothing).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_VERIFYTRANSFORM_H
#define KALEIDO_JIT_VERIFYTRANSFORM_H

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ExecutionEngine/Orc/IRTransformLayer.h"

namespace llvm {
class Module;
}

namespace kaleido {

/// A transform for an IRTransformLayer: verify, then Then on the module.
llvm::orc::IRTransformLayer::TransformFunction
verifyThen(std::function<void(llvm::Module &)> Then);

} // namespace kaleido

#endif // KALEIDO_JIT_VERIFYTRANSFORM_H
