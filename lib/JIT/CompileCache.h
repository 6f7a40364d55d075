//===- CompileCache.h - Compiled objects kept across runs -------*- C++ -*-===//
//
// Part of kaleido. A directory of object files, one per key, that later
// runs load instead of compiling (--cache-dir). What a key is made of is
// CacheKey.h's business; this class only keeps the files:
//
//   DIR/<64 hex digits of the key>.kco    an entry: a 64-byte header (magic,
//                                         format version, payload length,
//                                         xxh3 of the payload, the key),
//                                         then the object file
//   DIR/<random>.part                     an entry being written
//
// An entry is written to a unique temporary file in the directory and then
// renamed over its name, so a reader (this process or another) sees a whole
// entry or none, and two writers of one key leave one of their two whole
// entries. An entry that fails any check of its header (truncated, a byte
// changed, not a regular file) is removed, counted and reported as a
// warning, and the compile that follows stores it again. The directory is
// capped: when a store takes what this process knows of it over the cap,
// the entries are listed and the least recently used (oldest mtime; a hit
// refreshes it) removed until it fits again, never the one just stored.
//
// Thread-safe: compile threads look up and store while the program's
// thread does. The warnings wait in the cache until the session's thread
// takes them (takeWarnings), so diagnostics are told on that thread.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_COMPILECACHE_H
#define KALEIDO_JIT_COMPILECACHE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kaleido {

/// Something about the cache worth telling the user: a damaged entry, a
/// store that failed. Path is the entry or the directory.
struct CacheWarning {
  std::string Path;
  std::string Message;
};

class CompileCache {
public:
  /// A key: 32 bytes (a BLAKE3 hash, CacheKey.h).
  using Key = std::array<uint8_t, 32>;

  /// Bytes of an entry's header.
  static constexpr size_t HeaderSize = 64;
  /// What the header's format version is now; an entry of another version
  /// is treated as damaged (it cannot have a key of this kaleido anyway).
  static constexpr uint32_t FormatVersion = 1;

  /// A cache in Dir (created, with its parents, if missing) holding at most
  /// MaxBytes of entries. Fails, with a message naming Dir, if Dir cannot
  /// be created, is not a directory or is not writable, or if MaxBytes is 0.
  static llvm::Expected<std::unique_ptr<CompileCache>>
  create(llvm::StringRef Dir, uint64_t MaxBytes);

  /// The object stored under K, or null: a miss if there is no entry, or
  /// the entry was damaged (then it is removed and a warning left). A hit
  /// refreshes the entry's mtime, which eviction goes by.
  std::unique_ptr<llvm::MemoryBuffer> lookup(const Key &K);

  /// Stores Object under K, replacing any entry, then evicts if the
  /// directory is over its cap. A failure to write is a warning, the first
  /// time; later stores are not tried (the run goes on uncached).
  void store(const Key &K, llvm::StringRef Object);

  /// The warnings left since the last call, oldest first.
  std::vector<CacheWarning> takeWarnings();

  struct Stats {
    uint64_t Hits = 0;
    uint64_t Misses = 0;
    /// Of the misses, entries that were damaged.
    uint64_t Damaged = 0;
    uint64_t Stored = 0;
    uint64_t Evicted = 0;
  };
  Stats getStats() const;

  /// Where K's entry is.
  std::string entryPath(const Key &K) const;
  llvm::StringRef getDirectory() const { return Dir; }

private:
  CompileCache(std::string Dir, uint64_t MaxBytes)
      : Dir(std::move(Dir)), MaxBytes(MaxBytes) {}

  /// Why Buffer is not a valid entry for K, or nullopt if it is.
  static std::optional<std::string> checkEntry(llvm::StringRef Buffer,
                                               const Key &K);
  /// Drops a damaged entry and says so.
  void discard(const std::string &Path, const llvm::Twine &Why);
  llvm::Error write(const std::string &Path, const Key &K,
                    llvm::StringRef Object);
  /// With EvictMutex held: lists the directory, and removes the oldest
  /// entries (not Keep) until it fits the cap. Returns the bytes left.
  uint64_t evict(const std::string &Keep);
  void warn(std::string Path, std::string Message);

  std::string Dir;
  uint64_t MaxBytes;

  std::atomic<uint64_t> Hits{0}, Misses{0}, Damaged{0}, Stored{0}, Evicted{0};
  /// Set after a failed store: no more are tried.
  std::atomic<bool> StoresFailed{false};

  /// What the directory holds as far as this process knows: listed once,
  /// at the first store, then counted up by stores and set by evictions.
  std::mutex EvictMutex;
  std::optional<uint64_t> KnownBytes;

  std::mutex WarningsMutex;
  std::vector<CacheWarning> Warnings;
};

} // namespace kaleido

#endif // KALEIDO_JIT_COMPILECACHE_H
