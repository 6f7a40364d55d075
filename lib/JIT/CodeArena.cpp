//===- CodeArena.cpp - Executable memory for small functions --------------===//
//
// Part of kaleido. See CodeArena.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CodeArena.h"

#include "llvm/Support/Process.h"

#include <cstring>

using namespace kaleido;
using namespace llvm;

CodeArena::~CodeArena() {
  for (sys::MemoryBlock &B : Chunks)
    if (std::error_code EC = sys::Memory::releaseMappedMemory(B))
      (void)EC; // The process keeps the mapping: nothing else can be done.
}

/// The pages that cover [Addr, Addr + Size).
static sys::MemoryBlock pagesOf(uintptr_t Addr, size_t Size) {
  uintptr_t Page = sys::Process::getPageSizeEstimate();
  uintptr_t Begin = Addr & ~(Page - 1);
  uintptr_t End = (Addr + Size + Page - 1) & ~(Page - 1);
  return sys::MemoryBlock(reinterpret_cast<void *>(Begin), End - Begin);
}

static Error protect(const sys::MemoryBlock &B, unsigned Flags) {
  if (std::error_code EC = sys::Memory::protectMappedMemory(B, Flags))
    return createStringError(EC, "cannot protect code memory: %s",
                             EC.message().c_str());
  return Error::success();
}

Expected<uintptr_t> CodeArena::allocate(size_t Size) {
  for (auto It = Free.begin(); It != Free.end(); ++It) {
    if (It->second < Size)
      continue;
    auto [Addr, Avail] = *It;
    Free.erase(It);
    if (Avail > Size)
      Free.emplace(Addr + Size, Avail - Size);
    return Addr;
  }
  size_t Page = sys::Process::getPageSizeEstimate();
  size_t Bytes = std::max(ChunkSize, (Size + Page - 1) / Page * Page);
  std::error_code EC;
  // Read+execute from the start: a page is made writable only while code is
  // copied into it.
  sys::MemoryBlock B = sys::Memory::allocateMappedMemory(
      Bytes, nullptr, sys::Memory::MF_READ | sys::Memory::MF_EXEC, EC);
  if (EC)
    return createStringError(EC, "cannot map code memory: %s",
                             EC.message().c_str());
  Chunks.push_back(B);
  auto Base = reinterpret_cast<uintptr_t>(B.base());
  if (B.allocatedSize() > Size)
    addFree(Base + Size, B.allocatedSize() - Size);
  return Base;
}

void CodeArena::addFree(uintptr_t Addr, size_t Size) {
  auto Next = Free.lower_bound(Addr);
  if (Next != Free.end() && Addr + Size == Next->first) {
    Size += Next->second;
    Next = Free.erase(Next);
  }
  if (Next != Free.begin()) {
    auto Prev = std::prev(Next);
    if (Prev->first + Prev->second == Addr) {
      Prev->second += Size;
      return;
    }
  }
  Free.emplace(Addr, Size);
}

Expected<void *> CodeArena::place(ArrayRef<uint8_t> Code) {
  size_t Size = roundUp(std::max<size_t>(Code.size(), 1));
  Expected<uintptr_t> Addr = allocate(Size);
  if (!Addr)
    return Addr.takeError();
  sys::MemoryBlock Pages = pagesOf(*Addr, Size);
  Error Err = protect(Pages, sys::Memory::MF_READ | sys::Memory::MF_WRITE);
  if (!Err) {
    auto *Dst = reinterpret_cast<uint8_t *>(*Addr);
    std::memcpy(Dst, Code.data(), Code.size());
    // int3 in the padding, so a stray jump into it traps.
    std::memset(Dst + Code.size(), 0xCC, Size - Code.size());
    // MF_EXEC also flushes the instruction cache where a target needs it.
    Err = protect(Pages, sys::Memory::MF_READ | sys::Memory::MF_EXEC);
  }
  if (Err) {
    addFree(*Addr, Size);
    return std::move(Err);
  }
  InUse += Size;
  return reinterpret_cast<void *>(*Addr);
}

void CodeArena::release(void *Addr, size_t Size) {
  Size = roundUp(std::max<size_t>(Size, 1));
  InUse -= Size;
  addFree(reinterpret_cast<uintptr_t>(Addr), Size);
}
