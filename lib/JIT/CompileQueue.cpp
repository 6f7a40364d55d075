//===- CompileQueue.cpp - Compiles off the running program's thread -------===//
//
// Part of kaleido. See CompileQueue.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CompileQueue.h"

#include <algorithm>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

using namespace kaleido;

/// Makes the calling thread give way to the program's: SCHED_BATCH (a woken
/// compile thread does not preempt a running thread) and a nice value of 5.
/// Best effort: a host that forbids either keeps the defaults.
static void yieldToTheProgram() {
#if defined(__linux__)
  sched_param P{};
  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &P);
  // On Linux a nice value belongs to a thread.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
}

CompileQueue::CompileQueue(unsigned NumThreads)
    : NumThreads(std::max(NumThreads, 1u)) {}

void CompileQueue::startThreads() {
  // Under Mutex: the ids are all known before any job can ask
  // onWorkerThread().
  for (unsigned I = 0; I < NumThreads; ++I) {
    Threads.emplace_back([this, I] { work(I); });
    ThreadIds.push_back(Threads.back().get_id());
  }
}

CompileQueue::~CompileQueue() { shutdown(); }

void CompileQueue::start() {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (!Stopping && Threads.empty())
    startThreads();
}

void CompileQueue::post(Job J) {
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    if (!Stopping) {
      if (Threads.empty())
        startThreads();
      Pending.push_back({std::move(J), std::chrono::steady_clock::now()});
      Posted.notify_one();
      return;
    }
    ++Dropped;
  }
  // Destroyed outside the lock: a job's captures may take locks of their own.
  J = nullptr;
}

void CompileQueue::waitUntilIdle() {
  std::unique_lock<std::mutex> Lock(Mutex);
  Finished.wait(Lock, [this] { return Pending.empty() && Running == 0; });
}

void CompileQueue::shutdown() {
  std::deque<Entry> Unrun;
  std::vector<std::thread> Joining;
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    Stopping = true;
    Dropped += Pending.size();
    Unrun.swap(Pending);
    Joining.swap(Threads);
    Posted.notify_all();
  }
  Unrun.clear();
  for (std::thread &T : Joining)
    T.join();
}

bool CompileQueue::onWorkerThread() const {
  std::thread::id Self = std::this_thread::get_id();
  std::lock_guard<std::mutex> Lock(Mutex);
  return std::find(ThreadIds.begin(), ThreadIds.end(), Self) != ThreadIds.end();
}

bool CompileQueue::isStopped() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Stopping;
}

uint64_t CompileQueue::getDropped() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Dropped;
}

void CompileQueue::work(unsigned Worker) {
  yieldToTheProgram();
  if (Hooks.Enter)
    Hooks.Enter();
  takeJobs(Worker);
  if (Hooks.Leave)
    Hooks.Leave();
}

void CompileQueue::takeJobs(unsigned Worker) {
  std::unique_lock<std::mutex> Lock(Mutex);
  for (;;) {
    Posted.wait(Lock, [this] { return Stopping || !Pending.empty(); });
    if (Pending.empty())
      return; // Stopping, and nothing was left to this thread.
    Entry E = std::move(Pending.front());
    Pending.pop_front();
    ++Running;
    Lock.unlock();
    std::chrono::duration<double> Queued =
        std::chrono::steady_clock::now() - E.Posted;
    E.Run(Worker, Queued.count());
    E.Run = nullptr;
    Lock.lock();
    --Running;
    Finished.notify_all();
  }
}
