//===- HostTarget.h - The code generator settings for this host ---*- C++
//-*-===//
//
// Part of kaleido. The one place that decides how machine code for this
// process is generated: the optimisation level's code generator level, the
// small code model with PIC, and no fused multiply-add. The JIT's tiers and
// --emit=asm both build their TargetMachines here, so what the dump shows is
// what the JIT runs. And how the JIT's ORC sessions place code in this
// process.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_HOSTTARGET_H
#define KALEIDO_JIT_HOSTTARGET_H

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace kaleido {

class CodeArena;

/// A builder for the host's TargetMachine at OptLevel (0 to 3). Registers
/// the native target with LLVM on first use (process-wide, idempotent).
/// Fails if the host cannot be targeted.
llvm::Expected<llvm::orc::JITTargetMachineBuilder>
hostMachineBuilder(unsigned OptLevel);

/// An ORC session over this process whose JITLink code goes into Arena
/// (ArenaMemoryManager.h), which must outlive the session: a linked
/// function then costs no system call and no memory mapping of its own.
/// What the arena cannot hold (or every graph, if Arena is null) is carved
/// out of 64 MiB reservations, with an mprotect per graph.
llvm::Expected<std::unique_ptr<llvm::orc::ExecutionSession>>
createInProcessSession(CodeArena *Arena);

} // namespace kaleido

#endif // KALEIDO_JIT_HOSTTARGET_H
