//===- ASTArena.cpp - The memory of syntax trees --------------------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "AST/ASTArena.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemAlloc.h"

#include <algorithm>
#include <cstdlib>

using namespace kaleido;

ASTArena::~ASTArena() {
  while (Last) {
    Block *Prev = Last->Prev;
    std::free(Last);
    Last = Prev;
  }
}

void ASTArena::grow(size_t Size) {
  startBlock(std::max(Size, NextBlockSize));
  NextBlockSize = 2 * Last->Size;
}

size_t ASTArena::getTotalMemory() const {
  size_t Total = 0;
  for (const Block *B = Last; B; B = B->Prev)
    Total += B->Size;
  return Total;
}

void ASTArena::reserve(size_t Bytes) {
  // Names fill the block from the back, so a block of whole granules holds
  // nodes and names that add up to Bytes.
  Bytes = llvm::alignTo(Bytes, Granule);
  if (Bytes > static_cast<size_t>(End - Cur))
    startBlock(Bytes);
}

void ASTArena::startBlock(size_t Size) {
  auto *B = static_cast<Block *>(llvm::safe_malloc(sizeof(Block) + Size));
  B->Prev = Last;
  B->Size = Size;
  Last = B;
  Cur = B->data();
  End = Cur + Size;
  __asan_poison_memory_region(Cur, Size);
}

void ASTArena::reset() {
  if (!Last)
    return;
  // Blocks grow, so the last one is the largest.
  while (Block *Prev = Last->Prev) {
    Last->Prev = Prev->Prev;
    std::free(Prev);
  }
  Cur = Last->data();
  End = Cur + Last->Size;
  BytesUsed = 0;
  __asan_poison_memory_region(Cur, Last->Size);
}
