//===- CodeArena.h - Executable memory for small functions ------*- C++ -*-===//
//
// Part of kaleido. Where native baseline code lives: functions packed
// together into shared chunks of mapped memory (a first-fit allocator over a
// free list, which a new chunk joins as one free block), so a function costs
// a few bytes of a page instead of a page and a JITLink link. Freed space is
// coalesced with its neighbours and reused.
//
// W^X: no page is ever writable and executable at once. Two ways to keep it:
//   Dual       (Linux, the default there) each chunk is one memfd mapped
//              twice: read+execute where the code runs, and read+write at
//              another address, where it is copied in. Placing code costs a
//              memcpy and no system call, and code already placed keeps
//              running while more is copied next to it, from any thread.
//   Reprotect  (elsewhere, or if memfd_create is refused) one mapping,
//              read+execute; placing code makes the pages it covers
//              read+write, copies it and makes them read+execute again: two
//              mprotect calls, each with a TLB shootdown, which cost about as
//              much as generating a small function's code. Code sharing those
//              pages is not executable meanwhile, so code must be placed only
//              while no other thread runs code of this arena.
// What Dual trades away: the code is writable through its second address
// while the arena lives. Nothing in kaleido writes there but place(), but a
// stray write through that alias could change code, which Reprotect rules
// out. (.NET's W^X takes the same approach.) And the chunks are shared
// memory: after fork() parent and child see the same code pages, and the
// same stub pointers (Indirections.h), so a session must not place code or
// redefine functions in both (with Reprotect the child has its own copy).
//
// Placement: chunks go just below kaleido's own code (the runtime JIT'd code
// calls, and in a static build the host's code too), from 1 GiB under it
// downwards, wherever that range is free (else where the kernel likes). A
// call between the host, the runtime and JIT'd code is then a near one: on
// the AMD EPYC we measure, an indirect call to an address gigabytes away
// costs about 0.5 ns more (bench/run's formula part: the same C++ function
// in a shared library against in the host; a 3-flop formula went from 1.3x
// to 1.0-1.2x the host's own function). Off under the sanitizers, whose
// shadow memory owns parts of the address space.
//
// Besides code, a Dual chunk holds data the code reads and the JIT changes
// while code runs (a stub's pointer): placeAliased() hands back the bytes'
// writable address with their executable one. The arena may be used from
// any thread: one lock guards its chunks and free list.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_CODEARENA_H
#define KALEIDO_JIT_CODEARENA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Memory.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace kaleido {

class CodeArena {
public:
  enum class Mapping { Dual, Reprotect };

  /// Chunks are mapped ChunkSize bytes at a time (more for larger code), the
  /// Want way if the host can (see getMapping).
  explicit CodeArena(size_t ChunkSize = 256 << 10,
                     Mapping Want = defaultMapping())
      : ChunkSize(ChunkSize), How(Want), NearTop(nearTop()) {}
  /// Unmaps every chunk: no code of the arena may run any more.
  ~CodeArena();
  CodeArena(const CodeArena &) = delete;
  CodeArena &operator=(const CodeArena &) = delete;

  /// Copies Code into executable memory, 16-byte aligned, and returns its
  /// address. Fails if memory cannot be mapped or protected.
  llvm::Expected<void *> place(llvm::ArrayRef<uint8_t> Code);

  /// Bytes placed in a Dual chunk, which stay writable at a second address.
  struct Aliased {
    /// Where code runs and reads them.
    void *Exec = nullptr;
    /// Where they may be written, as long as they are placed.
    uint8_t *Write = nullptr;
  };
  /// Reserves Size bytes, 16-byte aligned, in a chunk mapped Dual, fills them
  /// with int3, lets Fill write them (at Write, as if at Exec) and returns
  /// both addresses. Fails if the host refuses a dual mapping.
  llvm::Expected<Aliased>
  placeAliased(size_t Size,
               llvm::function_ref<void(uint8_t *Write, uintptr_t Exec)> Fill);

  /// Gives back the Size bytes at Addr that place or placeAliased returned
  /// for Size bytes. Nothing may run that code any more.
  void release(void *Addr, size_t Size);

  /// The arena bytes Size bytes of code take: Size rounded up to 16.
  static size_t footprint(size_t Size) {
    return (std::max<size_t>(Size, 1) + 15) & ~size_t(15);
  }

  /// Bytes placed and not released (each its footprint).
  size_t getBytesInUse() const;
  /// Chunks mapped so far.
  size_t getNumChunks() const;
  /// How chunks are mapped: what the constructor asked for, unless the host
  /// refused a dual mapping (then Reprotect, from that chunk on).
  Mapping getMapping() const;
  /// Dual where the host has memfd_create, else Reprotect.
  static Mapping defaultMapping();
  /// Whether chunks are placed near kaleido's code (not under sanitizers).
  static bool placesNearCode();

private:
  static uintptr_t nearTop();
  struct Chunk {
    /// Where the code runs.
    llvm::sys::MemoryBlock Exec;
    /// Where it is written (Dual); null for Reprotect.
    uint8_t *Write = nullptr;
  };
  /// Maps a new chunk of at least Size bytes.
  llvm::Expected<Chunk> mapChunk(size_t Size);
  /// Maps Bytes with Map near kaleido's code (see Placement above) while
  /// free ranges are left there, else anywhere (Map(nullptr)). Map gives
  /// null if it cannot map, else its mapping: one elsewhere than asked goes
  /// back to Unmap.
  void *mapNear(size_t Bytes, llvm::function_ref<void *(void *Where)> Map,
                llvm::function_ref<void(void *)> Unmap);
  /// Copies Code to Addr (padded to Size with int3), by the chunk's way.
  llvm::Error copy(uintptr_t Addr, size_t Size, llvm::ArrayRef<uint8_t> Code);
  /// Space for Size bytes, in a Dual chunk if NeedAlias.
  llvm::Expected<uintptr_t> allocate(size_t Size, bool NeedAlias);
  void addFree(uintptr_t Addr, size_t Size);
  /// The writable address of Addr (in a chunk), or null if its chunk has
  /// none (Reprotect).
  uint8_t *aliasOf(uintptr_t Addr) const;

  /// Guards everything below.
  mutable std::mutex Mutex;
  size_t ChunkSize;
  Mapping How;
  /// The top of the range the next chunk should end at; 0 once near places
  /// have run out (or under a sanitizer).
  uintptr_t NearTop;
  /// Places tried in vain, in a row.
  unsigned NearMisses = 0;
  /// By the address of their executable view.
  std::map<uintptr_t, Chunk> Chunks;
  /// Free blocks by address, never adjacent (they are merged).
  std::map<uintptr_t, size_t> Free;
  size_t InUse = 0;
};

} // namespace kaleido

#endif // KALEIDO_JIT_CODEARENA_H
