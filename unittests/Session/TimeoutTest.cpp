//===- TimeoutTest.cpp - SessionOptions::Timeout and its clock ------------===//
//
// The watchdog fires only while its clock runs; a session's timed calls
// (run, call, callBatch) each get the whole limit and end as interrupted
// when it runs out; bad limits are usage errors. No test depends on how
// fast the machine is: the loops that time out never end by themselves, and
// the calls that must not time out are far below the limit.
//
//===----------------------------------------------------------------------===//

#include "Session/Watchdog.h"
#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

using namespace kaleido;

namespace {

ErrorKind kindOf(llvm::Error E) {
  ErrorKind K = ErrorKind::Internal;
  EXPECT_TRUE(bool(E)) << "expected a failure";
  llvm::handleAllErrors(std::move(E),
                        [&](const SessionError &SE) { K = SE.getKind(); });
  return K;
}

void sleepFor(double Seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(Seconds));
}

TEST(WatchdogTest, FiresOnlyWhileItsClockRuns) {
  std::atomic<int> Fired{0};
  Watchdog W(0.02, [&] { ++Fired; });
  sleepFor(0.1); // never begun
  EXPECT_EQ(Fired, 0);
  EXPECT_FALSE(W.fired());
  W.begin();
  while (!W.fired())
    sleepFor(0.005);
  W.end();
  EXPECT_EQ(Fired, 1);
  W.restart();
  EXPECT_FALSE(W.fired());
}

TEST(WatchdogTest, EndStopsTheClock) {
  std::atomic<int> Fired{0};
  Watchdog W(1000, [&] { ++Fired; });
  W.begin();
  W.end();
  sleepFor(0.01);
  EXPECT_EQ(Fired, 0);
}

std::unique_ptr<Session> timedSession(double Seconds, JITMode Mode) {
  SessionOptions O;
  O.Timeout = Seconds;
  O.Mode = Mode;
  O.CompileThreads = 0;
  return llvm::cantFail(Session::create(std::move(O)));
}

TEST(TimeoutTest, ABadLimitIsAUsageError) {
  for (double Bad : {-1.0, std::nan("")}) {
    SessionOptions O;
    O.Timeout = Bad;
    auto S = Session::create(std::move(O));
    ASSERT_FALSE(bool(S));
    EXPECT_EQ(kindOf(S.takeError()), ErrorKind::Usage);
  }
  for (double NoLimit : {0.0, std::numeric_limits<double>::infinity(), 1e300}) {
    SessionOptions O;
    O.Timeout = NoLimit;
    auto S = Session::create(std::move(O));
    ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
    EXPECT_FALSE(llvm::errorToBool((*S)->run("1 + 1", "ok.ks")));
  }
}

TEST(TimeoutTest, StopsARunThatDoesNotEnd) {
  for (JITMode Mode : {JITMode::Lazy, JITMode::Eager, JITMode::Interp}) {
    auto S = timedSession(0.05, Mode);
    EXPECT_EQ(
        kindOf(S->run("def spin(x) for i = 0, 1 in x; spin(1)", "spin.ks")),
        ErrorKind::Interrupted);
    EXPECT_TRUE(S->timedOut());
    // The next call has the whole limit, and is not stopped.
    EXPECT_FALSE(llvm::errorToBool(S->run("def two(x) 2; two(0)", "quick.ks")));
    EXPECT_FALSE(S->timedOut());
  }
}

TEST(TimeoutTest, IdleTimeDoesNotCount) {
  auto S = timedSession(0.05, JITMode::Lazy);
  ASSERT_FALSE(llvm::errorToBool(S->run("def one(x) 1;", "one.ks")));
  sleepFor(0.1);
  llvm::Expected<double> V = S->call("one", {0});
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError());
  EXPECT_EQ(*V, 1);
  EXPECT_FALSE(S->timedOut());
}

TEST(TimeoutTest, StopsACallAndABatch) {
  auto S = timedSession(0.05, JITMode::Lazy);
  ASSERT_FALSE(
      llvm::errorToBool(S->run("def spin(x) for i = 0, 1 in x;", "spin.ks")));
  llvm::Expected<double> V = S->call("spin", {1});
  ASSERT_FALSE(bool(V));
  EXPECT_EQ(kindOf(V.takeError()), ErrorKind::Interrupted);
  EXPECT_TRUE(S->timedOut());
  PreparedCall P = llvm::cantFail(S->prepare("spin", 1));
  double In[3] = {1, 2, 3}, Out[3];
  const double *Cols[] = {In};
  EXPECT_EQ(kindOf(P.callBatch(Cols, Out, 3)), ErrorKind::Interrupted);
  EXPECT_TRUE(S->timedOut());
}

} // namespace
