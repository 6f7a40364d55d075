//===- ProfilingTest.cpp - A session's perf map, jitdump, time trace -----===//
//
// SessionOptions::PerfMap, JITDumpDir and TimeTrace as a host uses them.
// Sessions that trace run on threads of their own (LLVM's profiler is one
// per thread).
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "Support/TempDir.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"

#include "gtest/gtest.h"

#include <thread>

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;

namespace {

std::unique_ptr<Session> makeSession(SessionOptions O) {
  O.OnOutput = [](StringRef) {};
  auto S = Session::create(std::move(O));
  EXPECT_TRUE(bool(S)) << toString(S.takeError());
  return S ? std::move(*S) : nullptr;
}

ErrorKind kindOf(Error Err) {
  ErrorKind K = ErrorKind::Internal;
  handleAllErrors(std::move(Err),
                  [&](const SessionError &E) { K = E.getKind(); });
  return K;
}

TEST(ProfilingTest, ThePerfMapNamesEveryBodyThatRan) {
  TempDir D;
  SessionOptions O;
  O.PerfMap = D.file("x.map");
  O.Baseline = BaselineKind::LLVM;
  O.TierUpCalls = 2;
  O.CompileThreads = 0;
  auto S = makeSession(O);
  ASSERT_TRUE(S);
  ASSERT_FALSE(bool(S->run("def f(x) x + 1; f(1); f(2); def never(x) x;"
                           "def f(x) x + 2; f(1);",
                           "t.ks")));
  ASSERT_FALSE(bool(S->finishProfiling()));
  std::string Map = D.read("x.map");
  // The stub, made at the first call, is named too.
  EXPECT_NE(Map.find(" f [stub]\n"), std::string::npos) << Map;
  EXPECT_NE(Map.find(" f [baseline]\n"), std::string::npos) << Map;
  EXPECT_NE(Map.find(" f [O2]\n"), std::string::npos) << Map;
  EXPECT_NE(Map.find(" f#2 [baseline]\n"), std::string::npos) << Map;
  EXPECT_EQ(Map.find("never"), std::string::npos) << Map;
  EXPECT_EQ(std::count(Map.begin(), Map.end(), '\n'), 4) << Map;
}

TEST(ProfilingTest, AProfileThatCannotBeOpenedIsAnIOError) {
  TempDir D;
  SessionOptions O;
  O.PerfMap = D.file("no/dir/x.map");
  auto S = Session::create(O);
  ASSERT_FALSE(bool(S));
  EXPECT_EQ(kindOf(S.takeError()), ErrorKind::IO);
  SessionOptions J;
  J.JITDumpDir = D.file("no/dir");
  auto S2 = Session::create(J);
  ASSERT_FALSE(bool(S2));
  EXPECT_EQ(kindOf(S2.takeError()), ErrorKind::IO);
}

TEST(ProfilingTest, TheJITDumpIsInTheGivenDirectory) {
  TempDir D;
  SessionOptions O;
  O.JITDumpDir = D.path();
  auto S = makeSession(O);
  ASSERT_TRUE(S);
  ASSERT_FALSE(bool(S->run("def fib(n) if n < 2 then n else fib(n-1) + "
                           "fib(n-2); fib(5);",
                           "t.ks")));
  ASSERT_FALSE(bool(S->finishProfiling()));
  std::string Dump =
      D.read("jit-" + std::to_string(sys::Process::getProcessId()) + ".dump");
  EXPECT_NE(Dump.find(std::string("fib [O2]\0", 9)), std::string::npos);
  EXPECT_NE(Dump.find(std::string("t.ks\0", 5)), std::string::npos);
}

/// The tids of the trace's "compile" spans with this detail, and of the
/// "expression" spans.
struct Tracks {
  std::vector<int64_t> Compile, Expression;
};
Tracks tracks(const std::string &Text, StringRef Detail) {
  Tracks T;
  Expected<json::Value> V = json::parse(Text);
  EXPECT_TRUE(bool(V)) << toString(V.takeError());
  if (!V)
    return T;
  for (const json::Value &E : *V->getAsObject()->getArray("traceEvents")) {
    const json::Object &O = *E.getAsObject();
    const json::Object *Args = O.getObject("args");
    std::optional<StringRef> D =
        Args ? Args->getString("detail") : std::nullopt;
    if (O.getString("name") == "compile" && D == Detail)
      T.Compile.push_back(*O.getInteger("tid"));
    if (O.getString("name") == "expression")
      T.Expression.push_back(*O.getInteger("tid"));
  }
  return T;
}

TEST(ProfilingTest, ABackgroundCompileIsOnItsThreadsTrack) {
  TempDir D;
  std::thread([&] {
    SessionOptions O;
    O.TimeTrace = D.file("t.json");
    O.Baseline = BaselineKind::LLVM;
    O.TierUpCalls = 2;
    O.CompileThreads = 1;
    auto S = makeSession(O);
    ASSERT_TRUE(S);
    ASSERT_FALSE(bool(S->run("def f(x) x + 1; f(1); f(2); f(3);", "t.ks")));
    // The tier-up is finished and installed: its span is recorded.
    S->waitForCompiles();
    ASSERT_FALSE(bool(S->finishProfiling()));
  }).join();
  Tracks T = tracks(D.read("t.json"), "f [O2]");
  ASSERT_EQ(T.Compile.size(), 1u);
  ASSERT_EQ(T.Expression.size(), 3u);
  EXPECT_NE(T.Compile[0], T.Expression[0]);
  Tracks B = tracks(D.read("t.json"), "f [baseline]");
  ASSERT_EQ(B.Compile.size(), 1u);
  EXPECT_EQ(B.Compile[0], T.Expression[0]);
}

TEST(ProfilingTest, OnlyOneSessionAtATimeMayTraceOnAThread) {
  TempDir D;
  std::thread([&] {
    SessionOptions O;
    O.TimeTrace = D.file("a.json");
    auto A = makeSession(O);
    ASSERT_TRUE(A);
    O.TimeTrace = D.file("b.json");
    auto B = Session::create(O);
    ASSERT_FALSE(bool(B));
    EXPECT_EQ(kindOf(B.takeError()), ErrorKind::Usage);
    // Once the first has finished, another may.
    ASSERT_FALSE(bool(A->finishProfiling()));
    auto C = makeSession(O);
    EXPECT_TRUE(C);
  }).join();
}

TEST(ProfilingTest, WithoutProfilingFinishingDoesNothing) {
  auto S = makeSession({});
  ASSERT_TRUE(S);
  EXPECT_FALSE(bool(S->finishProfiling()));
  ASSERT_FALSE(bool(S->run("def f(x) x; f(1);", "t.ks")));
}

} // namespace
