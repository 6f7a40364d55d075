//===- CodeArena.cpp - Executable memory for small functions --------------===//
//
// Part of kaleido. See CodeArena.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CodeArena.h"

#include "llvm/Support/Process.h"

#include <cstring>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

using namespace kaleido;
using namespace llvm;

CodeArena::Mapping CodeArena::defaultMapping() {
#ifdef __linux__
  return Mapping::Dual;
#else
  return Mapping::Reprotect;
#endif
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||     \
    __has_feature(memory_sanitizer)
#define KALEIDO_ARENA_ANYWHERE 1
#endif
#endif

bool CodeArena::placesNearCode() {
#ifdef KALEIDO_ARENA_ANYWHERE
  return false;
#else
  return true;
#endif
}

/// An address in kaleido's own code.
static void codeAnchor() {}

uintptr_t CodeArena::nearTop() {
  if (!placesNearCode())
    return 0;
  constexpr uintptr_t GiB = uintptr_t(1) << 30;
  auto Anchor = reinterpret_cast<uintptr_t>(&codeAnchor);
  // Below the anchor's image (text and what precedes it), on a 2 MiB line.
  return Anchor > 2 * GiB ? (Anchor & ~((uintptr_t(2) << 20) - 1)) - GiB : 0;
}

void *CodeArena::mapNear(size_t Bytes, function_ref<void *(void *)> Map,
                         function_ref<void(void *)> Unmap) {
  // A taken range (another session's arena, a library): try lower, 64 MiB
  // at a time, a few times; then anywhere from now on.
  constexpr uintptr_t Step = uintptr_t(64) << 20;
  while (NearTop > Bytes) {
    void *Near = reinterpret_cast<void *>(NearTop - Bytes);
    void *X = Map(Near);
    if (X == Near) {
      NearTop -= Bytes;
      NearMisses = 0;
      return X;
    }
    if (X)
      Unmap(X);
    NearTop = ++NearMisses < 8 && NearTop > Step ? NearTop - Step : 0;
  }
  return Map(nullptr);
}

CodeArena::~CodeArena() {
  // An unmapping that fails leaves the process the mapping: nothing else can
  // be done.
  for (auto &[Base, C] : Chunks) {
#ifdef __linux__
    if (C.Write) {
      (void)munmap(C.Write, C.Exec.allocatedSize());
      (void)munmap(C.Exec.base(), C.Exec.allocatedSize());
      continue;
    }
#endif
    if (std::error_code EC = sys::Memory::releaseMappedMemory(C.Exec))
      (void)EC;
  }
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

Expected<uintptr_t> CodeArena::allocate(size_t Size, bool NeedAlias) {
  for (auto It = Free.begin(); It != Free.end(); ++It) {
    if (It->second < Size || (NeedAlias && !aliasOf(It->first)))
      continue;
    auto [Addr, Avail] = *It;
    Free.erase(It);
    if (Avail > Size)
      Free.emplace(Addr + Size, Avail - Size);
    return Addr;
  }
  auto NoAlias = [] {
    return createStringError(inconvertibleErrorCode(),
                             "cannot map code memory twice (memfd_create "
                             "refused)");
  };
  if (NeedAlias && How != Mapping::Dual)
    return NoAlias();
  Expected<Chunk> C = mapChunk(Size);
  if (!C)
    return C.takeError();
  auto Base = reinterpret_cast<uintptr_t>(C->Exec.base());
  size_t Bytes = C->Exec.allocatedSize();
  Chunks.emplace(Base, *C);
  if (NeedAlias && !C->Write) {
    // Refused just now: the chunk is kept for code.
    addFree(Base, Bytes);
    return NoAlias();
  }
  if (Bytes > Size)
    addFree(Base + Size, Bytes - Size);
  return Base;
}

uint8_t *CodeArena::aliasOf(uintptr_t Addr) const {
  auto It = std::prev(Chunks.upper_bound(Addr));
  return It->second.Write ? It->second.Write + (Addr - It->first) : nullptr;
}

Expected<CodeArena::Chunk> CodeArena::mapChunk(size_t Size) {
  size_t Page = sys::Process::getPageSizeEstimate();
  size_t Bytes = std::max(ChunkSize, (Size + Page - 1) / Page * Page);
#ifdef __linux__
  if (How == Mapping::Dual) {
    int Fd = memfd_create("kaleido-code", MFD_CLOEXEC);
    void *X = MAP_FAILED, *W = MAP_FAILED;
    if (Fd >= 0 && ftruncate(Fd, off_t(Bytes)) == 0) {
      // Near kaleido's code: the flag makes a taken range a failure, not a
      // replacement (a kernel before 4.17 takes the address as a hint).
      X = mapNear(
          Bytes,
          [&](void *Where) -> void * {
            void *M =
                mmap(Where, Bytes, PROT_READ | PROT_EXEC,
                     MAP_SHARED | (Where ? MAP_FIXED_NOREPLACE : 0), Fd, 0);
            return M == MAP_FAILED ? nullptr : M;
          },
          [&](void *M) { (void)munmap(M, Bytes); });
      if (!X)
        X = MAP_FAILED;
      if (X != MAP_FAILED)
        W = mmap(nullptr, Bytes, PROT_READ | PROT_WRITE, MAP_SHARED, Fd, 0);
    }
    if (Fd >= 0)
      close(Fd); // The mappings keep the memory.
    if (W != MAP_FAILED)
      return Chunk{sys::MemoryBlock(X, Bytes), static_cast<uint8_t *>(W)};
    if (X != MAP_FAILED)
      (void)munmap(X, Bytes);
    // Refused (a sandbox, or an old kernel): one mapping from now on.
    How = Mapping::Reprotect;
  }
#endif
  std::error_code EC;
  // Read+execute from the start: a page is made writable only while code is
  // copied into it.
  sys::MemoryBlock B;
  mapNear(
      Bytes,
      [&](void *Where) -> void * {
        // LLVM maps just past NearBlock if it can (a hint, not a demand).
        sys::MemoryBlock NearBlock(Where, 0);
        B = sys::Memory::allocateMappedMemory(
            Bytes, Where ? &NearBlock : nullptr,
            sys::Memory::MF_READ | sys::Memory::MF_EXEC, EC);
        return EC ? nullptr : B.base();
      },
      [&](void *) { (void)sys::Memory::releaseMappedMemory(B); });
  if (EC)
    return createStringError(EC, "cannot map code memory: %s",
                             EC.message().c_str());
  return Chunk{B, nullptr};
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
  size_t Size = footprint(Code.size());
  std::lock_guard<std::mutex> Lock(Mutex);
  Expected<uintptr_t> Addr = allocate(Size, /*NeedAlias=*/false);
  if (!Addr)
    return Addr.takeError();
  if (Error Err = copy(*Addr, Size, Code)) {
    addFree(*Addr, Size);
    return std::move(Err);
  }
  InUse += Size;
  return reinterpret_cast<void *>(*Addr);
}

Expected<CodeArena::Aliased> CodeArena::placeAliased(
    size_t Size, function_ref<void(uint8_t *Write, uintptr_t Exec)> Fill) {
  Size = footprint(Size);
  std::lock_guard<std::mutex> Lock(Mutex);
  Expected<uintptr_t> Addr = allocate(Size, /*NeedAlias=*/true);
  if (!Addr)
    return Addr.takeError();
  uint8_t *Write = aliasOf(*Addr);
  std::memset(Write, 0xCC, Size);
  Fill(Write, *Addr);
  sys::Memory::InvalidateInstructionCache(reinterpret_cast<void *>(*Addr),
                                          Size);
  InUse += Size;
  return Aliased{reinterpret_cast<void *>(*Addr), Write};
}

/// Code, then int3 up to Size, so a stray jump into the padding traps.
static void fill(uint8_t *Dst, size_t Size, ArrayRef<uint8_t> Code) {
  std::memcpy(Dst, Code.data(), Code.size());
  std::memset(Dst + Code.size(), 0xCC, Size - Code.size());
}

Error CodeArena::copy(uintptr_t Addr, size_t Size, ArrayRef<uint8_t> Code) {
  if (uint8_t *Write = aliasOf(Addr)) {
    fill(Write, Size, Code);
    sys::Memory::InvalidateInstructionCache(reinterpret_cast<void *>(Addr),
                                            Size);
    return Error::success();
  }
  sys::MemoryBlock Pages = pagesOf(Addr, Size);
  if (Error Err = protect(Pages, sys::Memory::MF_READ | sys::Memory::MF_WRITE))
    return Err;
  fill(reinterpret_cast<uint8_t *>(Addr), Size, Code);
  // MF_EXEC also flushes the instruction cache where a target needs it.
  return protect(Pages, sys::Memory::MF_READ | sys::Memory::MF_EXEC);
}

void CodeArena::release(void *Addr, size_t Size) {
  Size = footprint(Size);
  std::lock_guard<std::mutex> Lock(Mutex);
  InUse -= Size;
  addFree(reinterpret_cast<uintptr_t>(Addr), Size);
}

size_t CodeArena::getBytesInUse() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return InUse;
}

size_t CodeArena::getNumChunks() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Chunks.size();
}

CodeArena::Mapping CodeArena::getMapping() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return How;
}
