//===- Watchdog.cpp - The clock of SessionOptions::Timeout ----------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Session/Watchdog.h"

using namespace kaleido;

Watchdog::Watchdog(double Seconds, std::function<void()> Fire)
    : Fire(std::move(Fire)), Limit(Seconds), Left(Seconds),
      Thread([this] { watch(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> Lock(M);
    Done = true;
  }
  CV.notify_all();
  Thread.join();
}

void Watchdog::begin() {
  std::lock_guard<std::mutex> Lock(M);
  Started = Clock::now();
  Running = true;
  CV.notify_all();
}

void Watchdog::end() {
  std::lock_guard<std::mutex> Lock(M);
  if (Running)
    Left -= std::chrono::duration<double>(Clock::now() - Started);
  Running = false;
  CV.notify_all();
}

void Watchdog::restart() {
  std::lock_guard<std::mutex> Lock(M);
  Left = std::chrono::duration<double>(Limit);
  Fired = false;
}

void Watchdog::watch() {
  std::unique_lock<std::mutex> Lock(M);
  while (!Done) {
    if (!Running) {
      CV.wait(Lock);
      continue;
    }
    auto Deadline = Started + std::chrono::duration_cast<Clock::duration>(Left);
    if (CV.wait_until(Lock, Deadline) == std::cv_status::timeout && Running &&
        Clock::now() >= Deadline) {
      Fired = true;
      Running = false;
      Left = std::chrono::duration<double>(0);
      Fire();
    }
  }
}
