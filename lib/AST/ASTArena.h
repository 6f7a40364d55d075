//===- ASTArena.h - The memory of syntax trees -------------------*- C++
//-*-===//
//
// Part of kaleido. Why trees live in arenas, and how a finished tree comes to
// take exactly its size, is told at the top of AST/AST.h.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_AST_ASTARENA_H
#define KALEIDO_AST_ASTARENA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Compiler.h"

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace kaleido {

/// The memory of syntax trees: nodes, the names they spell and their lists
/// (call arguments, `var` bindings), carved from blocks and all freed at once
/// when the arena goes. The arena never runs destructors, so
/// everything in it must be trivially destructible.
///
/// An arena grows by blocks of 4 KiB, then of twice the last one, unless
/// reserve() sized the next block exactly. Nodes and lists are taken from the
/// front of a block, each rounded up to Granule bytes; names, which need no
/// alignment, from the back, byte for byte. So getBytesUsed() is the size of
/// one block that holds the same allocations made again in any order: that
/// is how a finished tree is moved into a block of exactly its size (see
/// copyTree and FunctionAST).
class ASTArena {
public:
  static constexpr size_t Granule = alignof(void *);

  ASTArena() = default;
  ASTArena(const ASTArena &) = delete;
  ASTArena &operator=(const ASTArena &) = delete;
  ~ASTArena();

  /// Allocates a node (or any trivially destructible object) in the arena.
  template <typename T, typename... ArgTs> T *create(ArgTs &&...Args) {
    static_assert(std::is_trivially_destructible_v<T> && alignof(T) <= Granule,
                  "the arena never runs destructors");
    return new (allocateBytes(sizeof(T))) T(std::forward<ArgTs>(Args)...);
  }

  /// Allocates room for N objects of a trivially destructible type T,
  /// uninitialized.
  template <typename T> T *allocate(size_t N) {
    static_assert(std::is_trivially_destructible_v<T> && alignof(T) <= Granule,
                  "the arena never runs destructors");
    return static_cast<T *>(allocateBytes(sizeof(T) * N));
  }

  /// Copies S into the arena.
  llvm::StringRef save(llvm::StringRef S) {
    if (S.empty())
      return {};
    if (LLVM_UNLIKELY(S.size() > static_cast<size_t>(End - Cur)))
      grow(S.size());
    End -= S.size();
    BytesUsed += S.size();
    __asan_unpoison_memory_region(End, S.size());
    std::memcpy(End, S.data(), S.size());
    return {End, S.size()};
  }

  /// Counts S in getBytesUsed() as if it were saved, but returns S itself.
  /// For a tree built over a buffer that outlives it and copied out (with
  /// copyTree) before the buffer goes: the parser's scratch trees point into
  /// the source, so a name is copied once, into the tree that is kept.
  llvm::StringRef borrow(llvm::StringRef S) {
    BytesUsed += S.size();
    return S;
  }

  /// Copies a list of trivially copyable items into the arena.
  template <typename T> llvm::ArrayRef<T> copy(llvm::ArrayRef<T> Items) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (Items.empty())
      return {};
    T *P = allocate<T>(Items.size());
    std::uninitialized_copy(Items.begin(), Items.end(), P);
    return {P, Items.size()};
  }

  /// The bytes allocated since the arena was made or reset, nodes and lists
  /// rounded up to Granule.
  size_t getBytesUsed() const { return BytesUsed; }
  /// The bytes of all blocks, used or not (without their headers).
  size_t getTotalMemory() const;

  /// Makes room for Bytes more (as getBytesUsed() counts them): if the current
  /// block cannot hold them, the next block is exactly Bytes.
  void reserve(size_t Bytes);

  /// Frees everything but the largest block, which later allocations reuse.
  void reset();

private:
  struct Block {
    Block *Prev;
    size_t Size;
    char *data() { return reinterpret_cast<char *>(this + 1); }
  };

  static size_t roundUp(size_t Size) {
    return (Size + Granule - 1) & ~(Granule - 1);
  }

  void *allocateBytes(size_t Size) {
    size_t Rounded = roundUp(Size);
    if (LLVM_UNLIKELY(Rounded > static_cast<size_t>(End - Cur)))
      grow(Rounded);
    void *P = Cur;
    Cur += Rounded;
    BytesUsed += Rounded;
    // Unused space is poisoned, so that an overrun of a node or a name is
    // caught under AddressSanitizer as it would be with one malloc each.
    __asan_unpoison_memory_region(P, Size);
    return P;
  }
  void grow(size_t Size);
  void startBlock(size_t Size);

  Block *Last = nullptr;
  /// The free part of the last block: nodes are taken from Cur up, names
  /// from End down.
  char *Cur = nullptr;
  char *End = nullptr;
  size_t BytesUsed = 0;
  size_t NextBlockSize = 4096;
};

} // namespace kaleido

#endif // KALEIDO_AST_ASTARENA_H
