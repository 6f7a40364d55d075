//===- Driver.h - What the kaleido command and its REPL share ----*- C++
//-*-===//
//
// Part of kaleido. The driver's pieces that the REPL (REPL.h) uses too: exit
// codes, checked standard output and how values print.
// None of it is library API: a host of the library decides these itself.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_TOOLS_DRIVER_H
#define KALEIDO_TOOLS_DRIVER_H

#include "kaleido/Session.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <atomic>
#include <csignal>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kaleido {
namespace driver {

enum ExitCode {
  ExitOK = 0,
  ExitUsage = 64,
  ExitCompile = 65,
  ExitRuntime = 70,
  ExitIO = 74,
  ExitInterrupted = 130,
};

/// Set by the SIGINT handler; cleared by whoever acts on it. Atomics, not
/// volatile sig_atomic_t: the handler may run on another thread than the
/// one that reads them (lock-free atomics are async-signal-safe).
extern std::atomic<int> GotInterrupt;
/// SIGTERM, SIGHUP or SIGQUIT, once one has come.
extern std::atomic<int> GotTermination;

/// The session the signal handlers and the --timeout interrupt (the driver
/// has one at a time; the REPL's :reset replaces it).
extern std::atomic<Session *> InterruptTarget;

/// Ctrl-C interrupts InterruptTarget and sets GotInterrupt; the first
/// SIGTERM, SIGHUP or SIGQUIT interrupts it too and sets GotTermination (the
/// driver then flushes and exits 128 + the signal; a second one ends the
/// process at once).
void installSignalHandlers();

/// While one lives, SIGINT, SIGTERM, SIGHUP and SIGQUIT interrupt a blocking
/// read instead of restarting it, so that a REPL waiting at its prompt
/// notices them (the handlers are the same; see GotInterrupt).
class InterruptibleReads {
public:
  InterruptibleReads();
  ~InterruptibleReads();
  InterruptibleReads(const InterruptibleReads &) = delete;
  InterruptibleReads &operator=(const InterruptibleReads &) = delete;
};

/// Standard output, checked: the first write that fails stops the program
/// (the session is interrupted) and the driver exits 74 with the reason.
class Output {
public:
  /// After writing to outs(): whether it failed, noted once.
  bool check(Session *S);
  /// Flushes outs() and says whether everything written got out.
  bool flush(Session *S);
  bool failed() const { return Failed; }
  const std::string &reason() const { return Reason; }

private:
  std::atomic<bool> Failed{false};
  std::string Reason;
};

/// The shortest decimal that reads back as exactly V.
std::string formatValue(double V);

/// The session's counters by the names --stats-json gives them, in the
/// order it writes them (and :stats prints them).
std::vector<std::pair<std::string, llvm::json::Value>>
statsFields(const SessionStats &St);

/// How a function's code stands, in the words :funcs and --stats-json use:
/// State is "extern", "stub" (defined, never called), "compiled",
/// "interpreted" or "failed" (its last compile); Tier, for compiled code,
/// "baseline", "native baseline" or "optimised", else empty.
struct FunctionSummary {
  llvm::StringRef State, Tier;
};
FunctionSummary summarize(const FunctionInfo &F);

/// Writes --stats-json's document to OS: the counters, then, if Functions,
/// the ledger "functions", one object per function, streamed (a session of
/// 100,000 functions writes it without a copy of the table).
void writeStatsJSON(const Session &S, llvm::raw_ostream &OS, bool Functions);

/// The exit code for a failed run(), emit() or call(); an error that is not
/// a SessionError is printed.
int exitCodeFor(llvm::Error Err);

} // namespace driver
} // namespace kaleido

#endif // KALEIDO_TOOLS_DRIVER_H
