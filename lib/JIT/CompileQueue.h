//===- CompileQueue.h - Compiles off the running program's thread -*- C++
//-*-===//
//
// Part of kaleido. A fixed set of compile threads and the queue of jobs they
// take, oldest first. It knows nothing of what a job compiles: the JIT posts
// a tier-up as a job, and the job reports its own result. What the queue
// adds is the discipline around the threads:
//   - each thread has an index, so a job can use resources only that thread
//     touches (its own LLVMContext and TargetMachine) without a lock;
//   - each job is told how long it waited, for the statistics;
//   - the threads give way to the program's (on Linux SCHED_BATCH and nice
//     5): on a machine with no idle core, a compile thread that wakes would
//     otherwise take the program's core for a time slice, milliseconds of
//     pause where the tier-up itself takes microseconds;
//   - shutdown() drops the jobs that have not started and waits for the
//     ones that have: LLVM cannot stop a compile half way, so this is the
//     only safe end (what ORC's DynamicThreadPoolTaskDispatcher::shutdown
//     does too);
//   - a job may ask whether it runs on one of the queue's threads, so that
//     code shared with the program's thread (an error reporter) can tell
//     where it is.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_COMPILEQUEUE_H
#define KALEIDO_JIT_COMPILEQUEUE_H

#include "llvm/ADT/FunctionExtras.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace kaleido {

class CompileQueue {
public:
  /// A job runs on thread Worker (0 to getNumThreads() - 1) after waiting
  /// QueuedSeconds in the queue.
  using Job =
      llvm::unique_function<void(unsigned Worker, double QueuedSeconds)>;

  /// A queue for Threads threads (at least 1), started by the first post():
  /// a JIT whose functions never get hot never starts one.
  explicit CompileQueue(unsigned Threads);

  /// Run by each thread first and last (a thread's profiler, TimeTrace.h).
  /// Set before the threads start; either may be empty.
  struct ThreadHooks {
    llvm::unique_function<void()> Enter;
    llvm::unique_function<void()> Leave;
  };
  void setThreadHooks(ThreadHooks H) { Hooks = std::move(H); }
  /// shutdown(), then the threads are gone.
  ~CompileQueue();
  CompileQueue(const CompileQueue &) = delete;
  CompileQueue &operator=(const CompileQueue &) = delete;

  /// Starts the threads now rather than at the first post(). Does nothing
  /// after shutdown() or if they run already.
  void start();

  /// Queues J behind the jobs posted before it. After shutdown(), J is
  /// dropped (destroyed unrun) at once.
  void post(Job J);

  /// Blocks until no job is queued or running.
  void waitUntilIdle();

  /// Drops every job that has not started, waits for the running ones and
  /// ends the threads. Later posts are dropped. Idempotent.
  void shutdown();

  /// Whether shutdown() has been called.
  bool isStopped() const;

  /// Whether the calling thread is one of this queue's.
  bool onWorkerThread() const;

  unsigned getNumThreads() const { return NumThreads; }
  /// Jobs dropped by shutdown() (or posted after it) without running.
  uint64_t getDropped() const;

private:
  struct Entry {
    Job Run;
    std::chrono::steady_clock::time_point Posted;
  };

  void startThreads();
  void work(unsigned Worker);
  void takeJobs(unsigned Worker);

  const unsigned NumThreads;
  /// Shared by the threads: called, never changed, once they run.
  ThreadHooks Hooks;
  mutable std::mutex Mutex;
  /// Signalled when a job is posted or shutdown() begins.
  std::condition_variable Posted;
  /// Signalled when a job ends.
  std::condition_variable Finished;
  std::deque<Entry> Pending;
  unsigned Running = 0;
  bool Stopping = false;
  uint64_t Dropped = 0;
  /// Started by the first post(), joined by shutdown().
  std::vector<std::thread> Threads;
  std::vector<std::thread::id> ThreadIds;
};

} // namespace kaleido

#endif // KALEIDO_JIT_COMPILEQUEUE_H
