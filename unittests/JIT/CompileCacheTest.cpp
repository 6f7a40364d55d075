//===- CompileCacheTest.cpp - Compiled objects kept across runs -----------===//

#include "JIT/CompileCache.h"

#include "Support/TempDir.h"

#include "llvm/Support/Chrono.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <chrono>
#include <fstream>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;

namespace {

CompileCache::Key key(uint8_t N) {
  CompileCache::Key K{};
  K[0] = N;
  K[31] = 0xa5;
  return K;
}

std::unique_ptr<CompileCache> open(const TempDir &D, uint64_t Max = 1 << 20) {
  return cantFail(CompileCache::create(D.path(), Max));
}

/// Every entry file in D.
std::vector<std::string> entries(const TempDir &D) {
  std::vector<std::string> Names;
  std::error_code EC;
  for (sys::fs::directory_iterator It(D.path(), EC), End; It != End && !EC;
       It.increment(EC))
    Names.push_back(sys::path::filename(It->path()).str());
  return Names;
}

void overwrite(const std::string &Path, const std::string &Bytes) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  ASSERT_FALSE(EC);
  OS << Bytes;
}

TEST(CompileCacheTest, WhatIsStoredIsFoundByItsKeyOnly) {
  TempDir D;
  auto C = open(D);
  EXPECT_EQ(C->lookup(key(1)), nullptr);
  C->store(key(1), "object one");
  auto Obj = C->lookup(key(1));
  ASSERT_NE(Obj, nullptr);
  EXPECT_EQ(Obj->getBuffer(), "object one");
  EXPECT_EQ(C->lookup(key(2)), nullptr);
  CompileCache::Stats S = C->getStats();
  EXPECT_EQ(S.Hits, 1u);
  EXPECT_EQ(S.Misses, 2u);
  EXPECT_EQ(S.Stored, 1u);
  EXPECT_TRUE(C->takeWarnings().empty());
}

TEST(CompileCacheTest, AnotherCacheOnTheDirectorySeesTheEntries) {
  TempDir D;
  open(D)->store(key(7), "kept");
  auto Later = open(D);
  auto Obj = Later->lookup(key(7));
  ASSERT_NE(Obj, nullptr);
  EXPECT_EQ(Obj->getBuffer(), "kept");
}

TEST(CompileCacheTest, AnEntryIsAHeaderThenTheObject) {
  TempDir D;
  auto C = open(D);
  C->store(key(3), "abc");
  std::string Bytes = D.read(sys::path::filename(C->entryPath(key(3))));
  ASSERT_EQ(Bytes.size(), CompileCache::HeaderSize + 3);
  EXPECT_EQ(Bytes.substr(0, 8), "KALEIDOC");
  EXPECT_EQ(Bytes.substr(CompileCache::HeaderSize), "abc");
  EXPECT_EQ(sys::path::extension(C->entryPath(key(3))), ".kco");
}

TEST(CompileCacheTest, ATruncatedEntryIsAMissWithAWarningAndIsRemoved) {
  TempDir D;
  auto C = open(D);
  C->store(key(1), "object one");
  std::string Path = C->entryPath(key(1));
  std::string Bytes = D.read(sys::path::filename(Path));
  overwrite(Path, Bytes.substr(0, Bytes.size() - 2));
  EXPECT_EQ(C->lookup(key(1)), nullptr);
  EXPECT_FALSE(sys::fs::exists(Path));
  std::vector<CacheWarning> W = C->takeWarnings();
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Path, Path);
  EXPECT_NE(W[0].Message.find("damaged compile cache entry (truncated"),
            std::string::npos)
      << W[0].Message;
  EXPECT_EQ(C->getStats().Damaged, 1u);
  // Stored again by the compile that follows.
  C->store(key(1), "object one");
  ASSERT_NE(C->lookup(key(1)), nullptr);
}

TEST(CompileCacheTest, AChangedByteFailsTheChecksum) {
  TempDir D;
  auto C = open(D);
  C->store(key(1), "object one");
  std::string Path = C->entryPath(key(1));
  std::string Bytes = D.read(sys::path::filename(Path));
  Bytes.back() ^= 1;
  overwrite(Path, Bytes);
  EXPECT_EQ(C->lookup(key(1)), nullptr);
  std::vector<CacheWarning> W = C->takeWarnings();
  ASSERT_EQ(W.size(), 1u);
  EXPECT_NE(W[0].Message.find("checksum does not match"), std::string::npos)
      << W[0].Message;
}

TEST(CompileCacheTest, AnEmptyFileOrGarbageIsDamaged) {
  TempDir D;
  auto C = open(D);
  overwrite(C->entryPath(key(1)), "");
  overwrite(C->entryPath(key(2)), std::string(200, 'x'));
  EXPECT_EQ(C->lookup(key(1)), nullptr);
  EXPECT_EQ(C->lookup(key(2)), nullptr);
  EXPECT_EQ(C->takeWarnings().size(), 2u);
}

TEST(CompileCacheTest, AnEntryUnderAnotherKeysNameIsDamaged) {
  TempDir D;
  auto C = open(D);
  C->store(key(1), "one");
  ASSERT_FALSE(sys::fs::copy_file(C->entryPath(key(1)), C->entryPath(key(2))));
  EXPECT_EQ(C->lookup(key(2)), nullptr);
  std::vector<CacheWarning> W = C->takeWarnings();
  ASSERT_EQ(W.size(), 1u);
  EXPECT_NE(W[0].Message.find("another key"), std::string::npos);
}

TEST(CompileCacheTest, ADirectoryWhereAnEntryGoesIsNotRead) {
  TempDir D;
  auto C = open(D);
  ASSERT_FALSE(sys::fs::create_directory(C->entryPath(key(1))));
  EXPECT_EQ(C->lookup(key(1)), nullptr);
  EXPECT_EQ(C->takeWarnings().size(), 1u);
}

TEST(CompileCacheTest, AStoreOverTheCapEvictsTheLeastRecentlyUsed) {
  TempDir D;
  // Room for three entries of 100 bytes.
  auto C = open(D, 3 * (CompileCache::HeaderSize + 100) + 10);
  std::string Obj(100, 'o');
  auto Now = std::chrono::system_clock::now();
  for (uint8_t I = 1; I <= 3; ++I) {
    C->store(key(I), Obj);
    // Apart in time, oldest first, whatever the file system's resolution.
    int FD;
    ASSERT_FALSE(sys::fs::openFileForWrite(C->entryPath(key(I)), FD,
                                           sys::fs::CD_OpenExisting));
    ASSERT_FALSE(sys::fs::setLastAccessAndModificationTime(
        FD, Now - std::chrono::hours(10 - I)));
    ::close(FD);
  }
  // A hit makes entry 1 the most recently used: 2 is the oldest now.
  ASSERT_NE(C->lookup(key(1)), nullptr);
  C->store(key(4), Obj);
  EXPECT_TRUE(sys::fs::exists(C->entryPath(key(1))));
  EXPECT_FALSE(sys::fs::exists(C->entryPath(key(2))));
  EXPECT_TRUE(sys::fs::exists(C->entryPath(key(3))));
  EXPECT_TRUE(sys::fs::exists(C->entryPath(key(4))));
  EXPECT_EQ(C->getStats().Evicted, 1u);
}

TEST(CompileCacheTest, AnEntryLargerThanTheCapIsKeptAlone) {
  TempDir D;
  auto C = open(D, 50);
  C->store(key(1), std::string(10, 'a'));
  C->store(key(2), std::string(100, 'b'));
  EXPECT_FALSE(sys::fs::exists(C->entryPath(key(1))));
  EXPECT_TRUE(sys::fs::exists(C->entryPath(key(2))));
}

TEST(CompileCacheTest, FilesThatAreNotEntriesAreLeftAlone) {
  TempDir D;
  overwrite(D.file("README"), std::string(1000, 'r'));
  auto C = open(D, 300);
  C->store(key(1), std::string(100, 'a'));
  C->store(key(2), std::string(100, 'b'));
  EXPECT_TRUE(sys::fs::exists(D.file("README")));
  EXPECT_TRUE(sys::fs::exists(C->entryPath(key(2))));
}

TEST(CompileCacheTest, MissingDirectoriesAreCreated) {
  TempDir D;
  auto C = CompileCache::create(D.file("a/b/c"), 1 << 20);
  ASSERT_TRUE(bool(C)) << toString(C.takeError());
  EXPECT_TRUE(sys::fs::is_directory(D.file("a/b/c")));
}

TEST(CompileCacheTest, AFileIsNotADirectory) {
  TempDir D;
  overwrite(D.file("f"), "x");
  auto C = CompileCache::create(D.file("f"), 1 << 20);
  ASSERT_FALSE(bool(C));
  std::string Msg = toString(C.takeError());
  EXPECT_NE(Msg.find("cannot use '" + D.file("f") + "' as the compile cache"),
            std::string::npos)
      << Msg;
}

TEST(CompileCacheTest, ACapOfZeroIsRefused) {
  TempDir D;
  auto C = CompileCache::create(D.path(), 0);
  ASSERT_FALSE(bool(C));
  consumeError(C.takeError());
}

TEST(CompileCacheTest, AFailedStoreWarnsOnceAndStoresNoMore) {
  TempDir D;
  auto C = open(D);
  ASSERT_FALSE(sys::fs::remove_directories(D.path()));
  C->store(key(1), "a");
  C->store(key(2), "b");
  std::vector<CacheWarning> W = C->takeWarnings();
  ASSERT_EQ(W.size(), 1u);
  EXPECT_NE(W[0].Message.find("no longer stored"), std::string::npos)
      << W[0].Message;
  EXPECT_EQ(C->getStats().Stored, 0u);
  EXPECT_EQ(C->lookup(key(1)), nullptr);
}

TEST(CompileCacheTest, ThreadsStoringTheSameKeysLeaveOnlyWholeEntries) {
  TempDir D;
  auto C = open(D);
  std::vector<std::thread> Threads;
  for (int T = 0; T < 4; ++T)
    Threads.emplace_back([&, T] {
      for (uint8_t I = 0; I < 20; ++I) {
        C->store(key(I), std::string(500 + I, char('a' + I % 26)));
        if (auto Obj = C->lookup(key(uint8_t((I + T) % 20))))
          EXPECT_EQ(Obj->getBufferSize(), 500u + (I + T) % 20);
      }
    });
  for (std::thread &T : Threads)
    T.join();
  EXPECT_TRUE(C->takeWarnings().empty());
  for (const std::string &Name : entries(D))
    EXPECT_TRUE(StringRef(Name).ends_with(".kco")) << Name;
  for (uint8_t I = 0; I < 20; ++I) {
    auto Obj = C->lookup(key(I));
    ASSERT_NE(Obj, nullptr);
    EXPECT_EQ(Obj->getBuffer(), std::string(500 + I, char('a' + I % 26)));
  }
}

} // namespace
