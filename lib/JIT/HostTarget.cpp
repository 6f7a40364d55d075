//===- HostTarget.cpp - The code generator settings for this host ---------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "JIT/HostTarget.h"
#include "JIT/ArenaMemoryManager.h"

#include "llvm/ExecutionEngine/Orc/MapperJITLinkMemoryManager.h"
#include "llvm/ExecutionEngine/Orc/MemoryMapper.h"
#include "llvm/ExecutionEngine/Orc/SelfExecutorProcessControl.h"
#include "llvm/Support/TargetSelect.h"

#include <mutex>

using namespace llvm;
using namespace llvm::orc;

Expected<JITTargetMachineBuilder>
kaleido::hostMachineBuilder(unsigned OptLevel) {
  // LLVM's target registry is process-wide; registering is idempotent.
  static std::once_flag TargetsReady;
  std::call_once(TargetsReady, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
  });
  auto JTMB = JITTargetMachineBuilder::detectHost();
  if (!JTMB)
    return JTMB.takeError();
  // -O2 uses the code generator's aggressive level too: its larger tail
  // duplication gives a recursive function's base case its own return
  // instead of a jump to a shared one (fib: ~15% less time), for ~5% more
  // compile time in the optimised tier (docs/design.md).
  static const CodeGenOptLevel Levels[] = {
      CodeGenOptLevel::None, CodeGenOptLevel::Less, CodeGenOptLevel::Aggressive,
      CodeGenOptLevel::Aggressive};
  JTMB->setCodeGenOptLevel(Levels[std::min(OptLevel, 3u)]);
  // Calls to stubs and the runtime are `call rel32` (JITLink adds a PLT stub
  // when the target is out of reach), constants are RIP-relative, and
  // FastISel can select calls, which it refuses in the large code model.
  JTMB->setCodeModel(CodeModel::Small);
  JTMB->setRelocationModel(Reloc::PIC_);
  // Never fuse a multiply and an add: every level must round identically.
  JTMB->getOptions().AllowFPOpFusion = FPOpFusion::Strict;
  return std::move(*JTMB);
}

Expected<std::unique_ptr<ExecutionSession>>
kaleido::createInProcessSession(CodeArena *Arena) {
  auto Mapper =
      MapperJITLinkMemoryManager::CreateWithMapper<InProcessMemoryMapper>(
          64 << 20);
  if (!Mapper)
    return Mapper.takeError();
  std::unique_ptr<jitlink::JITLinkMemoryManager> MemMgr = std::move(*Mapper);
  if (Arena)
    MemMgr = std::make_unique<ArenaMemoryManager>(*Arena, std::move(MemMgr));
  auto EPC =
      SelfExecutorProcessControl::Create(nullptr, nullptr, std::move(MemMgr));
  if (!EPC)
    return EPC.takeError();
  return std::make_unique<ExecutionSession>(std::move(*EPC));
}
