//===- CompileQueueTest.cpp - Compile threads and their queue -------------===//

#include "JIT/CompileQueue.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace kaleido;

namespace {

TEST(CompileQueueTest, OneThreadRunsJobsInTheOrderPosted) {
  CompileQueue Q(1);
  std::mutex M;
  std::vector<int> Order;
  for (int I = 0; I < 5; ++I)
    Q.post([&, I](unsigned Worker, double Queued) {
      EXPECT_EQ(Worker, 0u);
      EXPECT_GE(Queued, 0);
      std::lock_guard<std::mutex> Lock(M);
      Order.push_back(I);
    });
  Q.waitUntilIdle();
  EXPECT_EQ(Order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(Q.getDropped(), 0u);
}

TEST(CompileQueueTest, EveryThreadHasItsOwnIndex) {
  CompileQueue Q(3);
  EXPECT_EQ(Q.getNumThreads(), 3u);
  std::atomic<unsigned> Seen{0};
  for (int I = 0; I < 30; ++I)
    Q.post([&](unsigned Worker, double) {
      ASSERT_LT(Worker, 3u);
      Seen |= 1u << Worker;
    });
  Q.waitUntilIdle();
  EXPECT_NE(Seen.load(), 0u);
  EXPECT_EQ(Seen.load() & ~7u, 0u);
}

TEST(CompileQueueTest, AJobKnowsItRunsOnAWorkerThread) {
  CompileQueue Q(1);
  EXPECT_FALSE(Q.onWorkerThread());
  std::atomic<bool> Inside{false};
  Q.post([&](unsigned, double) { Inside = Q.onWorkerThread(); });
  Q.waitUntilIdle();
  EXPECT_TRUE(Inside.load());
}

TEST(CompileQueueTest, ShutdownWaitsForTheRunningJobAndDropsTheRest) {
  auto Q = std::make_unique<CompileQueue>(1);
  std::mutex M;
  std::condition_variable CV;
  bool Started = false, Release = false;
  std::atomic<int> Ran{0};
  Q->post([&](unsigned, double) {
    std::unique_lock<std::mutex> Lock(M);
    Started = true;
    CV.notify_all();
    CV.wait(Lock, [&] { return Release; });
    ++Ran;
  });
  {
    std::unique_lock<std::mutex> Lock(M);
    CV.wait(Lock, [&] { return Started; });
  }
  // Queued behind the running job: dropped, and its captures destroyed.
  auto Token = std::make_shared<int>(0);
  std::weak_ptr<int> Watch = Token;
  Q->post([&, Token](unsigned, double) { ++Ran; });
  Q->post([&](unsigned, double) { ++Ran; });
  Token.reset();
  // Released only once shutdown() has dropped the queued jobs, so that the
  // thread cannot take them first.
  std::thread Releaser([&] {
    while (Q->getDropped() < 2)
      std::this_thread::yield();
    std::lock_guard<std::mutex> Lock(M);
    Release = true;
    CV.notify_all();
  });
  Q->shutdown();
  Releaser.join();
  EXPECT_EQ(Ran.load(), 1);
  EXPECT_EQ(Q->getDropped(), 2u);
  EXPECT_TRUE(Q->isStopped());
  EXPECT_TRUE(Watch.expired());
  // After shutdown a job is dropped at once.
  Q->post([&](unsigned, double) { ++Ran; });
  EXPECT_EQ(Q->getDropped(), 3u);
  Q->shutdown(); // idempotent
  Q.reset();
  EXPECT_EQ(Ran.load(), 1);
}

} // namespace

namespace {

TEST(CompileQueueTest, HooksRunOnEachThreadFirstAndLast) {
  std::mutex M;
  std::vector<std::string> Log;
  auto Note = [&](const char *What) {
    std::lock_guard<std::mutex> Lock(M);
    Log.push_back(What);
  };
  {
    CompileQueue Q(2);
    Q.setThreadHooks({[&] { Note("enter"); }, [&] { Note("leave"); }});
    Q.post([&](unsigned, double) { Note("job"); });
    Q.waitUntilIdle();
    Q.shutdown();
  }
  ASSERT_EQ(Log.size(), 5u);
  EXPECT_EQ(std::count(Log.begin(), Log.end(), "enter"), 2);
  EXPECT_EQ(std::count(Log.begin(), Log.end(), "leave"), 2);
  // Threads enter before any job runs on them and leave after the last.
  EXPECT_EQ(Log.back(), "leave");
  auto Job = std::find(Log.begin(), Log.end(), "job");
  EXPECT_NE(std::find(Log.begin(), Job, "enter"), Job);
}

} // namespace
