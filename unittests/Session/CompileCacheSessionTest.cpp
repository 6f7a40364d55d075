//===- CompileCacheSessionTest.cpp - SessionOptions::CacheDir -------------===//

#include "kaleido/Session.h"

#include "Support/TempDir.h"

#include "gtest/gtest.h"

#include <fstream>

using namespace kaleido;
using namespace kaleido::test;

namespace {

/// A session with a cache in Dir (and a compile thread, as the command has).
struct CachedHost {
  std::string Out;
  std::vector<Diagnostic> Diags;
  std::vector<CompileEvent> Compiles;
  std::unique_ptr<Session> S;

  explicit CachedHost(const std::string &Dir, unsigned TierUpCalls = 0) {
    SessionOptions O;
    O.CacheDir = Dir;
    O.TierUpCalls = TierUpCalls;
    O.OnOutput = [this](llvm::StringRef B) { Out += B.str(); };
    O.OnDiagnostic = [this](const Diagnostic &D) { Diags.push_back(D); };
    O.OnCompile = [this](const CompileEvent &E) { Compiles.push_back(E); };
    S = llvm::cantFail(Session::create(std::move(O)));
  }
};

const char *Program = "extern printd(x);"
                      "def f(n) var s = 0 in (for i = 0, i < n in s = s + i) "
                      "+ s;"
                      "def g(x) f(x) * 2;"
                      "printd(g(10));";

TEST(CompileCacheSessionTest, ASecondSessionLoadsWhatTheFirstCompiled) {
  TempDir D;
  {
    CachedHost First(D.path());
    ASSERT_FALSE(First.S->run(Program, "p.ks"));
    SessionStats St = First.S->getStats();
    EXPECT_EQ(St.CacheHits, 0u);
    EXPECT_EQ(St.CacheMisses, 2u);
    EXPECT_EQ(First.Out, "90.000000\n");
  }
  CachedHost Second(D.path());
  ASSERT_FALSE(Second.S->run(Program, "p.ks"));
  SessionStats St = Second.S->getStats();
  EXPECT_EQ(St.CacheHits, 2u);
  EXPECT_EQ(St.CacheMisses, 0u);
  EXPECT_EQ(Second.Out, "90.000000\n");
  ASSERT_EQ(Second.Compiles.size(), 2u);
  for (const CompileEvent &E : Second.Compiles)
    EXPECT_TRUE(E.Cached) << E.Name;
  EXPECT_TRUE(Second.Diags.empty());
}

TEST(CompileCacheSessionTest, TwoSessionsSideBySideShareADirectory) {
  TempDir D;
  CachedHost A(D.path()), B(D.path());
  ASSERT_FALSE(A.S->run(Program, "p.ks"));
  ASSERT_FALSE(B.S->run(Program, "p.ks"));
  EXPECT_EQ(B.S->getStats().CacheHits, 2u);
  EXPECT_EQ(A.Out, B.Out);
}

TEST(CompileCacheSessionTest, AnUnusableDirectoryIsAWarningAndNoCache) {
  TempDir D;
  std::string File = D.file("f");
  {
    std::ofstream(File) << "x";
  }
  CachedHost H(File);
  ASSERT_EQ(H.Diags.size(), 1u);
  EXPECT_EQ(H.Diags[0].Level, Diagnostic::Severity::Warning);
  EXPECT_NE(H.Diags[0].Message.find("as the compile cache"), std::string::npos)
      << H.Diags[0].Message;
  ASSERT_FALSE(H.S->run(Program, "p.ks"));
  EXPECT_EQ(H.Out, "90.000000\n");
  EXPECT_EQ(H.S->getStats().CacheMisses, 0u);
}

TEST(CompileCacheSessionTest, ACapOfZeroIsAUsageError) {
  TempDir D;
  SessionOptions O;
  O.CacheDir = D.path();
  O.CacheMaxMB = 0;
  auto S = Session::create(std::move(O));
  ASSERT_FALSE(bool(S));
  llvm::handleAllErrors(S.takeError(), [](const SessionError &E) {
    EXPECT_EQ(E.getKind(), ErrorKind::Usage);
  });
}

} // namespace
