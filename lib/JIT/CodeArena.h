//===- CodeArena.h - Executable memory for small functions ------*- C++ -*-===//
//
// Part of kaleido. Where native baseline code lives: functions packed
// together into shared chunks of mapped memory (a first-fit allocator over a
// free list, which a new chunk joins as one free block), so a function costs
// a few bytes of a page instead of a page and a JITLink link. Freed space is
// coalesced with its neighbours and reused.
//
// W^X: no page is ever writable and executable at once. Chunks are mapped
// read+execute; placing code makes the pages it covers read+write, copies it
// and makes them read+execute again. Code sharing those pages is not
// executable meanwhile, so code must be placed only while no other thread
// runs code of this arena (kaleido compiles on the thread that runs the
// code, and that thread is in the compiler).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_CODEARENA_H
#define KALEIDO_JIT_CODEARENA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Memory.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace kaleido {

class CodeArena {
public:
  /// Chunks are mapped ChunkSize bytes at a time (more for larger code).
  explicit CodeArena(size_t ChunkSize = 256 << 10) : ChunkSize(ChunkSize) {}
  /// Unmaps every chunk: no code of the arena may run any more.
  ~CodeArena();
  CodeArena(const CodeArena &) = delete;
  CodeArena &operator=(const CodeArena &) = delete;

  /// Copies Code into executable memory, 16-byte aligned, and returns its
  /// address. Fails if memory cannot be mapped or protected.
  llvm::Expected<void *> place(llvm::ArrayRef<uint8_t> Code);

  /// Gives back the Size bytes at Addr that place returned for Size bytes of
  /// code. Nothing may run that code any more.
  void release(void *Addr, size_t Size);

  /// Bytes of code placed and not released (rounded to 16 each).
  size_t getBytesInUse() const { return InUse; }
  /// Chunks mapped so far.
  size_t getNumChunks() const { return Chunks.size(); }

private:
  static size_t roundUp(size_t Size) { return (Size + 15) & ~size_t(15); }
  llvm::Expected<uintptr_t> allocate(size_t Size);
  void addFree(uintptr_t Addr, size_t Size);

  size_t ChunkSize;
  std::vector<llvm::sys::MemoryBlock> Chunks;
  /// Free blocks by address, never adjacent (they are merged).
  std::map<uintptr_t, size_t> Free;
  size_t InUse = 0;
};

} // namespace kaleido

#endif // KALEIDO_JIT_CODEARENA_H
