//===- HostTarget.h - The code generator settings for this host ---*- C++
//-*-===//
//
// Part of kaleido. The one place that decides how machine code for this
// process is generated: the optimisation level's code generator level, the
// small code model with PIC, and no fused multiply-add. The JIT's tiers and
// --emit=asm both build their TargetMachines here, so what the dump shows is
// what the JIT runs.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_HOSTTARGET_H
#define KALEIDO_JIT_HOSTTARGET_H

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/Error.h"

namespace kaleido {

/// A builder for the host's TargetMachine at OptLevel (0 to 3). Registers
/// the native target with LLVM on first use (process-wide, idempotent).
/// Fails if the host cannot be targeted.
llvm::Expected<llvm::orc::JITTargetMachineBuilder>
hostMachineBuilder(unsigned OptLevel);

} // namespace kaleido

#endif // KALEIDO_JIT_HOSTTARGET_H
