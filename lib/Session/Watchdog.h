//===- Watchdog.h - The clock of SessionOptions::Timeout ---------*- C++
//-*-===//
//
// Part of kaleido. Private to the Session library.
//
// A thread that calls Fire once the session has run for its time limit. The
// clock runs only between begin() and end(), so a session that waits (a
// REPL at its prompt, a host between calls) uses none of it; restart()
// gives the whole limit back, which the session does at every call it
// times. Fire runs on the watchdog's thread: it must be what
// Session::interrupt is, async-signal-safe and quick.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_WATCHDOG_H
#define KALEIDO_SESSION_WATCHDOG_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace kaleido {

class Watchdog {
public:
  /// Seconds must be more than 0 and finite; the thread starts at once.
  Watchdog(double Seconds, std::function<void()> Fire);
  /// Stops the thread; Fire is not called after this returns.
  ~Watchdog();
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

  /// Starts the clock, with what is left of the limit.
  void begin();
  /// Stops it.
  void end();
  /// Gives back the whole limit and forgets that it fired.
  void restart();
  /// Whether it fired since it was made or restarted.
  bool fired() const { return Fired; }

private:
  using Clock = std::chrono::steady_clock;
  void watch();

  std::function<void()> Fire;
  double Limit;
  std::mutex M;
  std::condition_variable CV;
  bool Done = false, Running = false;
  Clock::time_point Started;
  std::chrono::duration<double> Left;
  std::atomic<bool> Fired{false};
  std::thread Thread;
};

/// Runs the clock of W, if any, for one timed call: the whole limit, or
/// what is left of it if not Restart (a call that continues the last one's
/// input), from construction to destruction.
class TimedCall {
public:
  explicit TimedCall(Watchdog *W, bool Restart = true) : W(W) {
    if (W) {
      if (Restart)
        W->restart();
      W->begin();
    }
  }
  ~TimedCall() {
    if (W)
      W->end();
  }
  TimedCall(const TimedCall &) = delete;
  TimedCall &operator=(const TimedCall &) = delete;

private:
  Watchdog *W;
};

} // namespace kaleido

#endif // KALEIDO_SESSION_WATCHDOG_H
