//===- ArenaMemoryManager.cpp - JITLink's code in the code arena ----------===//
//
// Part of kaleido. See ArenaMemoryManager.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/ArenaMemoryManager.h"

#include "llvm/ExecutionEngine/JITLink/JITLink.h"
#include "llvm/ExecutionEngine/Orc/Shared/AllocationActions.h"

#include <cstring>

using namespace kaleido;
using namespace llvm;
using namespace llvm::jitlink;
using namespace llvm::orc;

/// The alignment the arena gives a block (CodeArena::footprint).
static constexpr uint64_t ArenaAlign = 16;

struct ArenaMemoryManager::Record {
  /// The arena block (null for the fallback's allocation) and its size.
  void *Exec = nullptr;
  size_t Size = 0;
  std::vector<shared::WrapperFunctionCall> DeallocActions;
  FinalizedAlloc Fallback;
};

static JITLinkMemoryManager::FinalizedAlloc
finalizedFrom(std::unique_ptr<ArenaMemoryManager::Record> R) {
  return JITLinkMemoryManager::FinalizedAlloc(
      ExecutorAddr::fromPtr(R.release()));
}

/// A graph laid out in an arena block, until it is finalized or abandoned.
class ArenaMemoryManager::ArenaAlloc : public InFlightAlloc {
public:
  ArenaAlloc(CodeArena &Arena, LinkGraph &G, void *Exec, size_t Size)
      : Arena(Arena), G(G), Exec(Exec), Size(Size) {}

  void finalize(OnFinalizedFunction OnFinalized) override {
    // The code is in place already: it was written through the alias, and
    // its pages have been read+execute all along.
    auto Dealloc = shared::runFinalizeActions(G.allocActions());
    if (!Dealloc) {
      Arena.release(Exec, Size);
      OnFinalized(Dealloc.takeError());
      return;
    }
    auto R = std::make_unique<Record>();
    R->Exec = Exec;
    R->Size = Size;
    R->DeallocActions = std::move(*Dealloc);
    OnFinalized(finalizedFrom(std::move(R)));
  }

  void abandon(OnAbandonedFunction OnAbandoned) override {
    Arena.release(Exec, Size);
    OnAbandoned(Error::success());
  }

private:
  CodeArena &Arena;
  LinkGraph &G;
  void *Exec;
  size_t Size;
};

/// The fallback's allocation, wrapped so that its finalized form is a Record
/// as the arena's are.
class ArenaMemoryManager::FallbackAlloc : public InFlightAlloc {
public:
  explicit FallbackAlloc(std::unique_ptr<InFlightAlloc> Inner)
      : Inner(std::move(Inner)) {}

  void finalize(OnFinalizedFunction OnFinalized) override {
    Inner->finalize([OnFinalized = std::move(OnFinalized)](
                        Expected<FinalizedAlloc> FA) mutable {
      if (!FA) {
        OnFinalized(FA.takeError());
        return;
      }
      auto R = std::make_unique<Record>();
      R->Fallback = std::move(*FA);
      OnFinalized(finalizedFrom(std::move(R)));
    });
  }

  void abandon(OnAbandonedFunction OnAbandoned) override {
    Inner->abandon(std::move(OnAbandoned));
  }

private:
  std::unique_ptr<InFlightAlloc> Inner;
};

ArenaMemoryManager::ArenaMemoryManager(
    CodeArena &Arena, std::unique_ptr<JITLinkMemoryManager> Fallback)
    : Arena(Arena), Fallback(std::move(Fallback)) {}

/// The bytes the arena block for BL needs (its segments one after another,
/// each aligned to 16), or 0 if the arena cannot hold it (see the header).
static size_t arenaSize(BasicLayout &BL) {
  size_t Total = 0;
  for (auto &[AG, Seg] : BL.segments()) {
    if (AG.getMemLifetime() != MemLifetime::Standard ||
        (AG.getMemProt() & MemProt::Write) != MemProt::None ||
        Seg.Alignment.value() > ArenaAlign)
      return 0;
    Total += alignTo(Seg.ContentSize + Seg.ZeroFillSize, ArenaAlign);
  }
  return Total;
}

void ArenaMemoryManager::allocate(const JITLinkDylib *JD, LinkGraph &G,
                                  OnAllocatedFunction OnAllocated) {
  BasicLayout BL(G);
  size_t Size = arenaSize(BL);
  Expected<CodeArena::Aliased> Block =
      Size ? Arena.placeAliased(
                 Size,
                 [&](uint8_t *Write, uintptr_t Exec) {
                   size_t Offset = 0;
                   for (auto &[AG, Seg] : BL.segments()) {
                     Seg.WorkingMem = reinterpret_cast<char *>(Write + Offset);
                     Seg.Addr = ExecutorAddr(Exec + Offset);
                     std::memset(Seg.WorkingMem + Seg.ContentSize, 0,
                                 Seg.ZeroFillSize);
                     Offset += alignTo(Seg.ContentSize + Seg.ZeroFillSize,
                                       ArenaAlign);
                   }
                 })
           : Expected<CodeArena::Aliased>(CodeArena::Aliased{});
  if (!Block || !Block->Exec) {
    // Not for the arena, or the host refused its dual mapping (if memory
    // itself ran out, the fallback fails too, and says so).
    if (!Block)
      consumeError(Block.takeError());
    Fallback->allocate(
        JD, G,
        [OnAllocated = std::move(OnAllocated)](AllocResult Alloc) mutable {
          if (!Alloc) {
            OnAllocated(Alloc.takeError());
            return;
          }
          OnAllocated(std::make_unique<FallbackAlloc>(std::move(*Alloc)));
        });
    return;
  }
  if (Error Err = BL.apply()) {
    Arena.release(Block->Exec, Size);
    OnAllocated(std::move(Err));
    return;
  }
  OnAllocated(std::make_unique<ArenaAlloc>(Arena, G, Block->Exec, Size));
}

void ArenaMemoryManager::deallocate(std::vector<FinalizedAlloc> Allocs,
                                    OnDeallocatedFunction OnDeallocated) {
  Error Err = Error::success();
  std::vector<FinalizedAlloc> ToFallback;
  for (FinalizedAlloc &FA : Allocs) {
    std::unique_ptr<Record> R(FA.release().toPtr<Record *>());
    if (!R->Exec) {
      ToFallback.push_back(std::move(R->Fallback));
      continue;
    }
    Err = joinErrors(std::move(Err),
                     shared::runDeallocActions(R->DeallocActions));
    Arena.release(R->Exec, R->Size);
  }
  if (ToFallback.empty()) {
    OnDeallocated(std::move(Err));
    return;
  }
  Fallback->deallocate(
      std::move(ToFallback),
      [Err = std::move(Err),
       OnDeallocated = std::move(OnDeallocated)](Error FallbackErr) mutable {
        OnDeallocated(joinErrors(std::move(Err), std::move(FallbackErr)));
      });
}
