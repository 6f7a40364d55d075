//===- CompileCache.cpp - Compiled objects kept across runs ---------------===//
//
// Part of kaleido. See CompileCache.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CompileCache.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <chrono>

using namespace kaleido;
using namespace llvm;
namespace endian = llvm::support::endian;

// The header, little-endian:
//   0  "KALEIDOC"        8  format version (u32)  12  header size (u32)
//   16 payload bytes (u64)  24  xxh3 of the payload (u64)  32  the key
static constexpr StringLiteral Magic = "KALEIDOC";
static constexpr StringLiteral EntrySuffix = ".kco";
static constexpr StringLiteral PartSuffix = ".part";
/// A temporary file this old was left by a process that died writing it.
static constexpr std::chrono::minutes StalePart(10);

Expected<std::unique_ptr<CompileCache>>
CompileCache::create(StringRef Dir, uint64_t MaxBytes) {
  auto Fail = [&](const Twine &Why) {
    return createStringError("cannot use '" + Dir +
                             "' as the compile cache: " + Why);
  };
  if (Dir.empty())
    return Fail("the directory name is empty");
  if (MaxBytes == 0)
    return Fail("its size cap is 0");
  if (std::error_code EC = sys::fs::create_directories(Dir))
    return Fail(EC.message());
  if (!sys::fs::is_directory(Dir))
    return Fail("it is not a directory");
  if (sys::fs::access(Dir, sys::fs::AccessMode::Write))
    return Fail("it is not writable");
  return std::unique_ptr<CompileCache>(new CompileCache(Dir.str(), MaxBytes));
}

std::string CompileCache::entryPath(const Key &K) const {
  SmallString<128> P(Dir);
  sys::path::append(P, toHex(ArrayRef<uint8_t>(K), /*LowerCase=*/true) +
                           EntrySuffix);
  return std::string(P);
}

std::optional<std::string> CompileCache::checkEntry(StringRef Buffer,
                                                    const Key &K) {
  if (Buffer.size() < HeaderSize)
    return formatv("truncated: {0} bytes, shorter than its header",
                   Buffer.size())
        .str();
  const char *H = Buffer.data();
  if (Buffer.substr(0, Magic.size()) != Magic)
    return std::string("not a kaleido cache entry (bad magic)");
  uint32_t Version = endian::read32le(H + 8);
  if (Version != FormatVersion || endian::read32le(H + 12) != HeaderSize)
    return formatv("format version {0}, not {1}", Version, FormatVersion).str();
  uint64_t Length = endian::read64le(H + 16);
  if (Length != Buffer.size() - HeaderSize)
    return formatv("truncated: {0} bytes of payload, its header says {1}",
                   Buffer.size() - HeaderSize, Length)
        .str();
  StringRef Payload = Buffer.drop_front(HeaderSize);
  if (endian::read64le(H + 24) != xxh3_64bits(Payload))
    return std::string("its checksum does not match");
  if (!std::equal(K.begin(), K.end(),
                  reinterpret_cast<const uint8_t *>(H) + 32))
    return std::string("it holds another key");
  return std::nullopt;
}

std::unique_ptr<MemoryBuffer> CompileCache::lookup(const Key &K) {
  std::string Path = entryPath(K);
  auto Miss = [&]() -> std::unique_ptr<MemoryBuffer> {
    ++Misses;
    return nullptr;
  };
  int FD;
  if (std::error_code EC = sys::fs::openFileForRead(Path, FD)) {
    if (EC != std::errc::no_such_file_or_directory)
      warn(Path, "cannot read this compile cache entry: " + EC.message());
    return Miss();
  }
  scope_exit Close([FD] { sys::Process::SafelyCloseFileDescriptor(FD); });
  sys::fs::file_status St;
  if (std::error_code EC = sys::fs::status(FD, St))
    return Miss();
  // Never read a device or a FIFO someone put in the directory, nor a file
  // larger than the whole cache may be.
  if (St.type() != sys::fs::file_type::regular_file) {
    discard(Path, "it is not a regular file");
    return Miss();
  }
  if (St.getSize() > MaxBytes + HeaderSize) {
    discard(Path, "it is larger than the cache");
    return Miss();
  }
  auto Buf = MemoryBuffer::getOpenFile(sys::fs::convertFDToNativeFile(FD), Path,
                                       St.getSize(),
                                       /*RequiresNullTerminator=*/false);
  if (!Buf) {
    warn(Path,
         "cannot read this compile cache entry: " + Buf.getError().message());
    return Miss();
  }
  if (std::optional<std::string> Why = checkEntry((*Buf)->getBuffer(), K)) {
    discard(Path, *Why);
    return Miss();
  }
  // Least recently used goes first: a hit makes the entry new again. Not
  // being able to (another user's file) only makes it go sooner.
  (void)sys::fs::setLastAccessAndModificationTime(
      FD, std::chrono::system_clock::now());
  ++Hits;
  return MemoryBuffer::getMemBufferCopy(
      (*Buf)->getBuffer().drop_front(HeaderSize), Path);
}

void CompileCache::discard(const std::string &Path, const Twine &Why) {
  ++Damaged;
  (void)sys::fs::remove(Path);
  warn(Path, ("damaged compile cache entry (" + Why +
              "): ignored, and replaced by a new compile")
                 .str());
}

Error CompileCache::write(const std::string &Path, const Key &K,
                          StringRef Object) {
  char Header[HeaderSize] = {};
  std::copy(Magic.begin(), Magic.end(), Header);
  endian::write32le(Header + 8, FormatVersion);
  endian::write32le(Header + 12, HeaderSize);
  endian::write64le(Header + 16, Object.size());
  endian::write64le(Header + 24, xxh3_64bits(Object));
  std::copy(K.begin(), K.end(), Header + 32);

  SmallString<128> Model(Dir);
  sys::path::append(Model, Twine("%%%%%%%%%%%%%%%%") + PartSuffix);
  int FD;
  SmallString<128> Temp;
  if (std::error_code EC = sys::fs::createUniqueFile(Model, FD, Temp))
    return createStringError("cannot create a file in '" + Dir +
                             "': " + EC.message());
  std::error_code EC;
  {
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS.write(Header, HeaderSize);
    OS << Object;
    OS.close();
    EC = OS.error();
    OS.clear_error();
  }
  if (!EC)
    EC = sys::fs::rename(Temp, Path);
  if (EC) {
    (void)sys::fs::remove(Temp);
    return createStringError("cannot write '" + Path + "': " + EC.message());
  }
  return Error::success();
}

void CompileCache::store(const Key &K, StringRef Object) {
  if (StoresFailed.load(std::memory_order_relaxed))
    return;
  std::string Path = entryPath(K);
  if (Error Err = write(Path, K, Object)) {
    if (!StoresFailed.exchange(true))
      warn(Dir, toString(std::move(Err)) +
                    "; compiled code is no longer stored in the cache");
    else
      consumeError(std::move(Err));
    return;
  }
  ++Stored;
  std::lock_guard<std::mutex> Lock(EvictMutex);
  if (!KnownBytes)
    KnownBytes = evict(Path);
  else
    *KnownBytes += HeaderSize + Object.size();
  if (*KnownBytes > MaxBytes)
    KnownBytes = evict(Path);
}

uint64_t CompileCache::evict(const std::string &Keep) {
  struct Entry {
    sys::TimePoint<> MTime;
    uint64_t Size;
    std::string Path;
  };
  std::vector<Entry> Entries;
  uint64_t Total = 0;
  auto Now = std::chrono::system_clock::now();
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    bool Part = Name.ends_with(PartSuffix);
    if (!Part && !Name.ends_with(EntrySuffix))
      continue; // Not ours: left alone, and not counted.
    sys::fs::file_status St;
    if (sys::fs::status(It->path(), St, /*Follow=*/false) ||
        St.type() != sys::fs::file_type::regular_file)
      continue;
    if (Part) {
      // Another process's entry being written, unless it died doing so.
      if (Now - St.getLastModificationTime() > StalePart)
        (void)sys::fs::remove(It->path());
      continue;
    }
    Total += St.getSize();
    Entries.push_back({St.getLastModificationTime(), St.getSize(), It->path()});
  }
  if (Total <= MaxBytes)
    return Total;
  std::sort(Entries.begin(), Entries.end(),
            [](const Entry &A, const Entry &B) { return A.MTime < B.MTime; });
  for (const Entry &E : Entries) {
    if (Total <= MaxBytes)
      break;
    if (E.Path == Keep)
      continue;
    // Another process may have removed it first: either way it is gone.
    (void)sys::fs::remove(E.Path);
    Total -= E.Size;
    ++Evicted;
  }
  return Total;
}

void CompileCache::warn(std::string Path, std::string Message) {
  std::lock_guard<std::mutex> Lock(WarningsMutex);
  Warnings.push_back({std::move(Path), std::move(Message)});
}

std::vector<CacheWarning> CompileCache::takeWarnings() {
  std::lock_guard<std::mutex> Lock(WarningsMutex);
  return std::exchange(Warnings, {});
}

CompileCache::Stats CompileCache::getStats() const {
  return {Hits.load(), Misses.load(), Damaged.load(), Stored.load(),
          Evicted.load()};
}
