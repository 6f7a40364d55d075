//===- BackgroundCompiler.h - Tier-ups on compile threads -------*- C++ -*-===//
//
// Part of kaleido. The optimised compiles of hot functions, made on compile
// threads while the program goes on in baseline code. The JIT posts a
// tier-up with the body's IR generator already captured
// (BodySource::captureIR), so a compile thread reads nothing the session may
// change; this class compiles it, links it, points the function's stub at
// it if the function still has the version it was posted for
// (StubTable::redirectIfCurrent), and leaves a result for the program's
// thread, which the JIT takes at its next call (take()).
//
// What a thread compiles with is its own: an LLVMContext, a TargetMachine,
// the pass pipeline and the compile layer (a Tier), made by that thread on
// its first job. The threads link in an ORC ExecutionSession apart from the
// program's: in one session any thread that looks a symbol up may run any
// unit waiting to be materialized (ExecutionSession::dispatchOutstandingMUs),
// so the program's thread could find itself running an optimised compile,
// and a compile thread an expression's with the program's LLVMContext. The
// session's one JITDylib, <compiled>, resolves a Kaleidoscope name to the
// name's stub (as <bodies> does through <stubs>) and any other name through
// the host's resolver (the runtime's functions).
//
// Errors raised on a compile thread become reports, phrased by the JIT's
// describer and handed over with the results, so that the JIT's OnError is
// only ever called on the program's thread.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_BACKGROUNDCOMPILER_H
#define KALEIDO_JIT_BACKGROUNDCOMPILER_H

#include "JIT/BodySource.h"
#include "JIT/BodyUnit.h"
#include "JIT/CompileQueue.h"

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kaleido {

class CodeListeners;
class CodeArena;
class CodeSizes;
class CompileCache;

class StubTable;
struct FunctionState;

/// A posted tier-up, and what became of it.
struct BackgroundResult {
  FunctionState *F = nullptr;
  /// The version of F it was posted for.
  uint32_t Version = 0;
  /// The code, if any was made: the taker keeps it (installed) or retires it.
  llvm::orc::ResourceTrackerSP RT;
  /// Whether F's stub now reaches the code.
  bool Installed = false;
  bool Failed = false;
  /// Whether the code came from the compile cache.
  bool Cached = false;
  /// The compile's wall time, and its wait for a thread.
  double Seconds = 0;
  double QueueSeconds = 0;
};

class BackgroundCompiler {
public:
  struct Options {
    /// Compile threads, at least 1.
    unsigned Threads = 1;
    /// The optimised tier's level.
    unsigned OptLevel = 2;
    /// The stubs compiled code links against, and redirects. Required; must
    /// outlive the compiler.
    StubTable *Table = nullptr;
    /// Where the size of the code it links is filed, if anywhere; must
    /// outlive it.
    CodeSizes *Sizes = nullptr;
    /// Where the code it links goes (ArenaMemoryManager.h), if anywhere
    /// (else ORC's mapper); must outlive it.
    CodeArena *Arena = nullptr;
    /// Told where the code it links is (profiling), if anyone; must
    /// outlive it.
    CodeListeners *Listeners = nullptr;
    /// Whether the threads record time-trace spans (TimeTrace.h).
    bool TimeTrace = false;
    /// Resolves a name that is not a Kaleidoscope function's (Arity is
    /// nullopt): an address, null if unknown, or an error.
    std::function<llvm::Expected<void *>(llvm::StringRef Name,
                                         std::optional<unsigned> Arity)>
        ResolveHost;
    /// The poll word, defined as KaleidoJIT::getPollWordSymbol() for the
    /// code it links; null if none.
    const void *PollWord = nullptr;
    /// Where compiled bodies are kept across runs, if anywhere; must
    /// outlive the compiler.
    CompileCache *Cache = nullptr;
    /// Phrases an error for a user; called on compile threads.
    std::function<std::string(llvm::Error)> Describe;
  };

  /// Starts no thread yet (see start()).
  explicit BackgroundCompiler(Options O);
  /// stop(), then ends the compile threads' session, freeing their code.
  ~BackgroundCompiler();
  BackgroundCompiler(const BackgroundCompiler &) = delete;
  BackgroundCompiler &operator=(const BackgroundCompiler &) = delete;

  /// Posts the optimised compile of F (at version I.Version; I names the
  /// body, its tier is set here), emitted under the body symbol Symbol, its
  /// IR from Gen. After stop() it is dropped.
  void post(FunctionState &F, BodyUnit::Info I, std::string Symbol,
            IRGenerator Gen);

  /// Whether results or reports wait for take(). Cheap.
  bool hasFinished() const {
    return HasFinished.load(std::memory_order_acquire);
  }
  /// Moves the finished results and the reports out (the program's thread).
  void take(std::vector<BackgroundResult> &Results,
            std::vector<std::string> &Reports);

  /// Starts the threads now, not at the first post.
  void start() { Queue.start(); }
  /// Blocks until nothing is queued or compiling.
  void waitUntilIdle() { Queue.waitUntilIdle(); }
  /// Drops what has not started, waits for what has. Later posts are
  /// dropped. Idempotent.
  void stop() { Queue.shutdown(); }
  bool isStopped() const { return Queue.isStopped(); }

  struct Counts {
    uint64_t Posted = 0;
    /// Dropped unrun by stop().
    uint64_t Dropped = 0;
    uint64_t Installed = 0;
    uint64_t Failed = 0;
    double QueueSeconds = 0;
    double MaxQueueSeconds = 0;
  };
  Counts getCounts() const;

private:
  struct Session;
  struct Tier;

  /// The compile threads' session, made by the first that needs it.
  llvm::Expected<Session &> session();
  /// Thread Worker's tier, made there on first use.
  llvm::Expected<Tier &> tier(unsigned Worker);
  /// On thread Worker: compile, link, redirect, and leave R for take().
  void compile(unsigned Worker, BackgroundResult R, BodyUnit::Info I,
               std::string Symbol, IRGenerator Gen);
  void report(llvm::Error Err);

  Options Opts;
  CompileQueue Queue;
  std::mutex SessionMutex;
  std::unique_ptr<Session> S;
  /// One per thread; slot I is touched only by thread I (and the destructor).
  std::vector<std::unique_ptr<Tier>> Tiers;

  mutable std::mutex FinishedMutex;
  std::vector<BackgroundResult> Finished;
  std::vector<std::string> Reports;
  Counts C;
  std::atomic<bool> HasFinished{false};
};

} // namespace kaleido

#endif // KALEIDO_JIT_BACKGROUNDCOMPILER_H
