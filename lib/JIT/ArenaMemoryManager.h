//===- ArenaMemoryManager.h - JITLink's code in the code arena --*- C++ -*-===//
//
// Part of kaleido. Where JITLink puts LLVM's code (baseline, optimised,
// top-level expressions, tier-ups): in the CodeArena native code shares, so
// a linked function costs a few bytes of a shared chunk and no memory
// mapping of its own. ORC's MapperJITLinkMemoryManager carves allocations
// out of a reservation, but makes each one's pages read+execute with an
// mprotect, and every region of other protection is a mapping of its own for
// the kernel: about two per function, so a process stopped linking at the
// kernel's vm.max_map_count (65,530) after some 32,000 functions.
//
// A graph whose segments are all read-only or read+execute, of standard
// lifetime and aligned to at most 16 bytes (every body kaleido compiles) is
// laid out in one block of the arena: JITLink writes and fixes it up through
// the block's writable alias and it runs at its executable address, so W^X
// holds with no system call. Any other graph (writable data, finalize-only
// segments, a larger alignment), or every graph once the host refuses the
// arena's dual mapping, goes to the fallback manager.
//
// What it trades away: read-only data is executable too (it shares the code's
// pages), as in a classic text segment.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_ARENAMEMORYMANAGER_H
#define KALEIDO_JIT_ARENAMEMORYMANAGER_H

#include "JIT/CodeArena.h"

#include "llvm/ExecutionEngine/JITLink/JITLinkMemoryManager.h"

#include <memory>

namespace kaleido {

class ArenaMemoryManager : public llvm::jitlink::JITLinkMemoryManager {
public:
  /// Places code in Arena, which must outlive every allocation (the
  /// manager's destructor does not touch it); graphs the arena cannot hold
  /// go to Fallback.
  ArenaMemoryManager(CodeArena &Arena,
                     std::unique_ptr<JITLinkMemoryManager> Fallback);

  void allocate(const llvm::jitlink::JITLinkDylib *JD,
                llvm::jitlink::LinkGraph &G,
                OnAllocatedFunction OnAllocated) override;
  using JITLinkMemoryManager::allocate;

  void deallocate(std::vector<FinalizedAlloc> Allocs,
                  OnDeallocatedFunction OnDeallocated) override;
  using JITLinkMemoryManager::deallocate;

  /// What a finalized allocation is: an arena block with its deallocation
  /// actions, or the fallback's allocation.
  struct Record;

private:
  class ArenaAlloc;
  class FallbackAlloc;

  CodeArena &Arena;
  std::unique_ptr<JITLinkMemoryManager> Fallback;
};

} // namespace kaleido

#endif // KALEIDO_JIT_ARENAMEMORYMANAGER_H
