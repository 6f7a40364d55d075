//===- kaleido.cpp - The kaleido command ----------------------------------===//
//
// Part of kaleido. The driver: options, inputs, exit codes and the REPL. All
// compiling and running is the library's; this file only decides what to
// feed it and where its output goes.
//
//   kaleido [options] [FILE...]      run files in order ('-' is stdin)
//   kaleido -e 'source'              run a string
//   kaleido                          REPL on a terminal, else read stdin
//
// Exit codes: 0 ok, 64 usage, 65 compile error, 70 runtime error, 74 I/O,
// 130 interrupted.
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/LineEditor/LineEditor.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <thread>

#include <pthread.h>
#include <unistd.h>

using namespace llvm;

namespace {

enum ExitCode {
  ExitOK = 0,
  ExitUsage = 64,
  ExitCompile = 65,
  ExitRuntime = 70,
  ExitIO = 74,
  ExitInterrupted = 130,
};

cl::OptionCategory KaleidoCat("kaleido options");

cl::list<std::string> InputFiles(cl::Positional, cl::desc("[FILE...]"),
                                 cl::cat(KaleidoCat));
cl::list<std::string> Exprs("e", cl::desc("Run <source> (may be repeated)"),
                            cl::value_desc("source"), cl::cat(KaleidoCat));
cl::opt<unsigned> OptLevel("O", cl::Prefix, cl::init(2),
                           cl::desc("Optimisation level 0-3 (default 2)"),
                           cl::value_desc("level"), cl::cat(KaleidoCat));
cl::opt<kaleido::JITMode>
    Mode("jit", cl::desc("When function bodies are compiled"),
         cl::init(kaleido::JITMode::Lazy),
         cl::values(clEnumValN(kaleido::JITMode::Lazy, "lazy",
                               "on first call (default)"),
                    clEnumValN(kaleido::JITMode::Eager, "eager",
                               "as soon as they are defined"),
                    clEnumValN(kaleido::JITMode::Interp, "interp",
                               "never: interpret the syntax tree")),
         cl::cat(KaleidoCat));
cl::opt<unsigned> TierUp(
    "tier-up",
    cl::desc("Recompile a function at the -O level after <calls> calls of "
             "its quick baseline code (default 1000); 0 compiles every "
             "function at the -O level on its first call"),
    cl::value_desc("calls"), cl::init(1000), cl::cat(KaleidoCat));
cl::opt<kaleido::BaselineKind> Baseline(
    "baseline", cl::desc("What compiles a function's first, baseline code"),
    cl::init(kaleido::DefaultBaseline),
    cl::values(
        clEnumValN(kaleido::BaselineKind::LLVM, "llvm",
                   kaleido::DefaultBaseline == kaleido::BaselineKind::LLVM
                       ? "LLVM at -O0 (default)"
                       : "LLVM at -O0"),
        clEnumValN(kaleido::BaselineKind::Native, "native",
                   kaleido::DefaultBaseline == kaleido::BaselineKind::Native
                       ? "kaleido's own x86-64 generator, from the "
                         "syntax tree; LLVM for what it does not "
                         "support (default)"
                       : "kaleido's own x86-64 generator, from the "
                         "syntax tree; LLVM for what it does not "
                         "support"),
        clEnumValN(kaleido::BaselineKind::None, "none",
                   "no baseline tier (as --tier-up=0)")),
    cl::cat(KaleidoCat));
cl::opt<unsigned> CompileThreads(
    "compile-threads",
    cl::desc("Threads that recompile hot functions at the -O level while "
             "the program runs on (default 1); 0 recompiles on the "
             "program's thread"),
    cl::value_desc("N"), cl::init(1), cl::cat(KaleidoCat));
cl::opt<bool> PrintResults("print-results",
                           cl::desc("Print the value of each top-level "
                                    "expression"),
                           cl::cat(KaleidoCat));
cl::alias PrintResultsShort("p", cl::aliasopt(PrintResults),
                            cl::desc("Alias for --print-results"));
cl::opt<bool> TraceCompile("trace-compile",
                           cl::desc("Print a line to stderr for each function "
                                    "compiled"),
                           cl::cat(KaleidoCat));
/// --stats-json. LLVM registers a boolean -stats-json of its own (for its
/// pass statistics, which we never print), so ours is made in main() after
/// that one is unregistered.
cl::opt<std::string> *StatsJSONOpt = nullptr;
enum class Emit { None, Tokens, AST, LLVM, Asm };
cl::opt<Emit>
    EmitOpt("emit", cl::desc("Print a compilation stage instead of running"),
            cl::init(Emit::None),
            cl::values(clEnumValN(Emit::Tokens, "tokens", "the tokens"),
                       clEnumValN(Emit::AST, "ast", "the syntax tree"),
                       clEnumValN(Emit::LLVM, "llvm",
                                  "one LLVM IR module (runs under lli)"),
                       clEnumValN(Emit::Asm, "asm", "native assembly")),
            cl::cat(KaleidoCat));
cl::opt<double> Timeout(
    "timeout",
    cl::desc("Stop the program once it has run <seconds> (wall time, while "
             "it runs: in the REPL, each input; exit code 130); 0 or inf: no "
             "limit"),
    cl::value_desc("seconds"), cl::init(0), cl::cat(KaleidoCat));
cl::opt<bool> AllowHostSymbols(
    "allow-host-symbols",
    cl::desc("Let 'extern' reach every symbol of the process (unsafe: a "
             "program can then call abort, system, ...)"),
    cl::cat(KaleidoCat));

/// The session the signal handlers interrupt (the driver has exactly one).
std::atomic<kaleido::Session *> InterruptTarget{nullptr};
volatile sig_atomic_t GotInterrupt = 0;
/// SIGTERM, SIGHUP or SIGQUIT, once one has come.
volatile sig_atomic_t GotTermination = 0;

extern "C" void onInterrupt(int) {
  GotInterrupt = 1;
  if (kaleido::Session *S = InterruptTarget.load())
    S->interrupt(); // Async-signal-safe by contract.
}

/// The first SIGTERM, SIGHUP or SIGQUIT stops the program as Ctrl-C does, so
/// that the driver flushes what it wrote and exits 128 + the signal; the
/// handler is reset, so a second one ends the process at once.
extern "C" void onTermination(int Sig) {
  GotTermination = Sig;
  if (kaleido::Session *S = InterruptTarget.load())
    S->interrupt();
}

void installSignalHandlers() {
  struct sigaction SA = {};
  SA.sa_handler = onInterrupt;
  sigemptyset(&SA.sa_mask);
  SA.sa_flags = SA_RESTART;
  sigaction(SIGINT, &SA, nullptr);
  SA.sa_handler = onTermination;
  SA.sa_flags = SA_RESTART | SA_RESETHAND;
  for (int Sig : {SIGTERM, SIGHUP, SIGQUIT})
    sigaction(Sig, &SA, nullptr);
}

/// Standard output, checked: the first write that fails stops the program
/// (the session is interrupted) and the driver exits 74 with the reason.
class Output {
public:
  /// After writing to outs(): whether it failed, noted once.
  bool check(kaleido::Session *S) {
    if (!outs().has_error() || Failed)
      return Failed;
    Reason = outs().error().message();
    Failed = true;
    if (S)
      S->interrupt();
    return true;
  }
  /// Flushes outs() and says whether everything written got out.
  bool flush(kaleido::Session *S) {
    if (!Failed)
      outs().flush();
    return !check(S);
  }
  bool failed() const { return Failed; }
  const std::string &reason() const { return Reason; }

private:
  std::atomic<bool> Failed{false};
  std::string Reason;
};

/// Interrupts the session once it has run for the --timeout: the clock runs
/// only between begin() and end(), and restart() gives it the whole limit
/// again (the REPL does, for each input).
class Watchdog {
public:
  Watchdog(kaleido::Session &S, double Seconds)
      : S(S), Limit(Seconds), Left(Seconds) {
    if (Seconds > 0 && !std::isinf(Seconds))
      Thread = std::thread([this] { watch(); });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> Lock(M);
      Done = true;
    }
    CV.notify_all();
    if (Thread.joinable())
      Thread.join();
  }
  void begin() {
    std::lock_guard<std::mutex> Lock(M);
    Started = Clock::now();
    Running = true;
    CV.notify_all();
  }
  void end() {
    std::lock_guard<std::mutex> Lock(M);
    if (Running)
      Left -= std::chrono::duration<double>(Clock::now() - Started);
    Running = false;
    CV.notify_all();
  }
  void restart() {
    std::lock_guard<std::mutex> Lock(M);
    Left = std::chrono::duration<double>(Limit);
    Fired = false;
  }
  /// Whether it stopped the program since it was made or restarted.
  bool fired() const { return Fired; }

private:
  using Clock = std::chrono::steady_clock;

  void watch() {
    std::unique_lock<std::mutex> Lock(M);
    while (!Done) {
      if (!Running) {
        CV.wait(Lock);
        continue;
      }
      auto Deadline =
          Started + std::chrono::duration_cast<Clock::duration>(Left);
      if (CV.wait_until(Lock, Deadline) == std::cv_status::timeout && Running &&
          Clock::now() >= Deadline) {
        Fired = true;
        Running = false;
        Left = std::chrono::duration<double>(0);
        S.interrupt();
      }
    }
  }

  kaleido::Session &S;
  double Limit;
  std::mutex M;
  std::condition_variable CV;
  bool Done = false, Running = false;
  Clock::time_point Started;
  std::chrono::duration<double> Left;
  std::atomic<bool> Fired{false};
  std::thread Thread;
};

/// The shortest decimal that reads back as exactly V.
std::string formatValue(double V) {
  if (std::isnan(V))
    return "nan"; // Sign and payload are unspecified; see printd.
  if (std::isinf(V))
    return V < 0 ? "-inf" : "inf";
  char Buf[64];
  if (V == std::trunc(V) && std::fabs(V) < 1e15) {
    std::snprintf(Buf, sizeof Buf, "%.0f", V);
    return Buf;
  }
  for (int Precision = 1; Precision <= 17; ++Precision) {
    std::snprintf(Buf, sizeof Buf, "%.*g", Precision, V);
    if (std::strtod(Buf, nullptr) == V)
      break;
  }
  return Buf;
}

int exitCodeFor(Error Err) {
  int Code = ExitRuntime;
  handleAllErrors(
      std::move(Err),
      [&](const kaleido::SessionError &E) {
        switch (E.getKind()) {
        case kaleido::ErrorKind::Compile:
          Code = ExitCompile;
          break;
        case kaleido::ErrorKind::Runtime:
        case kaleido::ErrorKind::Internal:
          Code = ExitRuntime;
          break;
        case kaleido::ErrorKind::Interrupted:
          Code = ExitInterrupted;
          break;
        case kaleido::ErrorKind::Usage:
          Code = ExitUsage;
          break;
        }
      },
      [&](const ErrorInfoBase &E) {
        errs() << "kaleido: error: " << E.message() << '\n';
      });
  return Code;
}

/// Feeds one buffer to the session: run it (on Limit's clock), or print the
/// requested stage.
Error process(kaleido::Session &S, Watchdog &Limit, StringRef Source,
              StringRef Name) {
  switch (EmitOpt) {
  case Emit::None: {
    Limit.begin();
    Error Err = S.run(Source, Name);
    Limit.end();
    return Err;
  }
  case Emit::Tokens:
    return S.emit(Source, Name, kaleido::EmitKind::Tokens, outs());
  case Emit::AST:
    return S.emit(Source, Name, kaleido::EmitKind::AST, outs());
  case Emit::LLVM:
    return S.emit(Source, Name, kaleido::EmitKind::LLVM, outs());
  case Emit::Asm:
    return S.emit(Source, Name, kaleido::EmitKind::Asm, outs());
  }
  return Error::success();
}

/// The interactive loop: one top-level item (or several) per line; a line
/// that leaves an item unfinished asks for more with a continuation prompt.
int runREPL(kaleido::Session &S, Watchdog &Limit, Output &Out) {
  LineEditor LE("kaleido");
  std::string Pending;
  for (;;) {
    LE.setPrompt(Pending.empty() ? "kaleido> " : "     ...> ");
    std::optional<std::string> Line = LE.readLine();
    if (!Line) {
      outs() << '\n';
      return ExitOK;
    }
    Pending += *Line;
    Pending += '\n';
    if (S.needsMoreInput(Pending))
      continue;
    std::string Input = std::move(Pending);
    Pending.clear();
    GotInterrupt = 0;
    Limit.restart();
    if (Error Err = process(S, Limit, Input, "<stdin>"))
      consumeError(std::move(Err)); // Reported; the session keeps going.
    if (Limit.fired())
      errs() << formatv("kaleido: note: stopped by --timeout={0}\n",
                        formatValue(Timeout));
    if (!Out.flush(&S))
      return ExitIO;
    if (GotTermination)
      return 128 + GotTermination;
  }
}

/// Writes --stats-json, if asked; false (with a message) if it could not.
bool writeStats(const kaleido::Session &S) {
  if (StatsJSONOpt->empty())
    return true;
  const std::string &StatsJSON = *StatsJSONOpt;
  kaleido::SessionStats St = S.getStats();
  json::Object O{{"functions_defined", int64_t(St.FunctionsDefined)},
                 {"functions_compiled", int64_t(St.FunctionsCompiled)},
                 {"native_compiles", int64_t(St.NativeCompiles)},
                 {"native_code_bytes", int64_t(St.NativeCodeBytes)},
                 {"tier_ups", int64_t(St.TierUps)},
                 {"tier_up_failures", int64_t(St.TierUpFailures)},
                 {"background_tier_ups", int64_t(St.BackgroundTierUps)},
                 {"background_dropped", int64_t(St.BackgroundDropped)},
                 {"compile_queue_seconds", St.CompileQueueSeconds},
                 {"compile_queue_max_seconds", St.CompileQueueMaxSeconds},
                 {"tier_up_max_pause_seconds", St.TierUpMaxPauseSeconds},
                 {"expressions_run", int64_t(St.ExpressionsRun)},
                 {"bodies_freed", int64_t(St.BodiesFreed)},
                 {"compile_seconds", St.CompileSeconds}};
  std::error_code EC;
  raw_fd_ostream OS(StatsJSON, EC);
  if (!EC) {
    OS << formatv("{0:2}", json::Value(std::move(O))) << '\n';
    OS.close();
    EC = OS.error();
    OS.clear_error();
  }
  if (EC)
    errs() << "kaleido: error: cannot write '" << StatsJSON
           << "': " << EC.message() << '\n';
  return !EC;
}

/// Prints one line per compile on stderr (--trace-compile).
void traceCompile(const kaleido::CompileEvent &E) {
  // compile: f (-O0 baseline, 0.210 ms)             first call, quick code
  // compile: f (-O0 baseline native, 0.004 ms)      ... by --baseline=native
  // compile: f (-O2 after 1000 calls, 0.512 ms)     ... which became hot
  // compile: f (-O2 after 1000 calls, background, queued 0.020 ms, 0.512 ms)
  //                                                 ... on a compile thread
  // compile: f (-O2, 0.512 ms)                      loops, or no tiers
  std::string Why;
  if (E.TierUp)
    Why = formatv(" after {0} call{1}", TierUp.getValue(),
                  TierUp == 1 ? "" : "s");
  if (E.Background)
    Why += formatv(", background, queued {0:f3} ms", E.QueueSeconds * 1000);
  else if (E.OptLevel == 0 && OptLevel != 0)
    Why = E.Native ? " baseline native" : " baseline";
  outs().flush();
  errs() << formatv("compile: {0} (-O{1}{2}, {3:f3} ms)\n", E.Name, E.OptLevel,
                    Why, E.Seconds * 1000);
}

/// The session the command line asks for.
kaleido::SessionOptions sessionOptions(bool Interactive, Output &Out) {
  kaleido::SessionOptions Opts;
  Opts.OptLevel = OptLevel;
  Opts.Mode = Mode;
  Opts.TierUpCalls = TierUp;
  Opts.Baseline = Baseline;
  Opts.CompileThreads = CompileThreads;
  Opts.AllowHostSymbols = AllowHostSymbols;
  Opts.OnDiagnostic = [&Out](const kaleido::Diagnostic &D) {
    // Once output has failed, the program is stopped for that, and saying
    // it was interrupted would be noise.
    if (Out.failed())
      return;
    outs().flush();
    errs() << D.format();
  };
  Opts.OnOutput = [&Out](StringRef Bytes) {
    if (Out.failed())
      return;
    outs() << Bytes;
    Out.check(InterruptTarget.load());
  };
  if (PrintResults || Interactive)
    Opts.OnResult = [&Out](double V) {
      if (Out.failed())
        return;
      outs() << formatValue(V) << '\n';
      Out.check(InterruptTarget.load());
    };
  if (TraceCompile)
    Opts.OnCompile = traceCompile;
  return Opts;
}

/// Runs the -e strings, then the files (or stdin), in one session; stops at
/// the first that fails. Returns the exit code.
int runInputs(kaleido::Session &S, Watchdog &Limit) {
  for (const std::string &E : Exprs)
    if (Error Err = process(S, Limit, E, "<command line>"))
      return exitCodeFor(std::move(Err));
  std::vector<std::string> Files(InputFiles.begin(), InputFiles.end());
  if (Files.empty() && Exprs.empty())
    Files.push_back("-");
  for (const std::string &File : Files) {
    auto Buf = MemoryBuffer::getFileOrSTDIN(File, /*IsText=*/true);
    if (!Buf) {
      errs() << "kaleido: error: cannot read '" << File
             << "': " << Buf.getError().message() << '\n';
      return ExitIO;
    }
    StringRef Name = File == "-" ? StringRef("<stdin>") : StringRef(File);
    if (Error Err = process(S, Limit, (*Buf)->getBuffer(), Name))
      return exitCodeFor(std::move(Err));
    if (GotTermination)
      return 128 + GotTermination;
    if (GotInterrupt)
      return ExitInterrupted; // Came while no program code was running.
  }
  return ExitOK;
}

int runDriver() {
  bool Interactive = InputFiles.empty() && Exprs.empty() &&
                     sys::Process::StandardInIsUserInput();
  Output Out;
  auto S = kaleido::Session::create(sessionOptions(Interactive, Out));
  if (!S) {
    Error Err = S.takeError();
    errs() << "kaleido: error: " << toString(std::move(Err)) << '\n';
    return ExitRuntime;
  }

  // Ctrl-C stops the running program at its next safepoint: back to the
  // prompt in the REPL, exit code 130 in a script. SIGTERM, SIGHUP and
  // SIGQUIT stop it the same way, and end the process.
  InterruptTarget.store(S->get());
  installSignalHandlers();

  // Started now, so that the first function to get hot does not wait for it.
  (*S)->startCompileThreads();
  int Code;
  {
    Watchdog Limit(**S, Timeout);
    Code = Interactive ? runREPL(**S, Limit, Out) : runInputs(**S, Limit);
    if (!Interactive && Limit.fired() && Code == ExitInterrupted)
      errs() << formatv("kaleido: note: stopped by --timeout={0}\n",
                        formatValue(Timeout));
  }
  InterruptTarget.store(nullptr);
  // No compile thread may run while the process ends (see below).
  (*S)->stopCompileThreads();
  if (!Out.flush(nullptr))
    Code = ExitIO;
  if (Out.failed())
    errs() << "kaleido: error: cannot write output: " << Out.reason() << '\n';
  // Nothing more can be said about output that cannot be written, and LLVM
  // would end the process over it: drop what is still buffered.
  if (Out.failed())
    outs().SetUnbuffered();
  outs().clear_error();
  if (!writeStats(**S) && Code == ExitOK)
    Code = ExitIO;
  if (GotTermination) {
    errs() << formatv("kaleido: note: stopped by {0}\n",
                      GotTermination == SIGTERM  ? "SIGTERM"
                      : GotTermination == SIGHUP ? "SIGHUP"
                                                 : "SIGQUIT");
    Code = 128 + GotTermination;
  }
  errs().clear_error();
  // The process ends next, so the session is left to it instead of torn
  // down: destroying it frees every syntax tree, table entry and JIT
  // structure one by one, which took longer than reading a large program's
  // definitions. As with clang's -disable-free, the pointer stays reachable,
  // so LeakSanitizer does not report it. Everything the session writes has
  // been flushed above; the library's destructor is exercised by the unit
  // tests and by any host that destroys its sessions.
  BuryPointer(std::move(*S));
  return Code;
}

[[noreturn]] void outOfMemory() {
  static const char Message[] = "kaleido: error: out of memory\n";
  ssize_t Ignored = ::write(2, Message, sizeof Message - 1);
  (void)Ignored;
  std::_Exit(ExitRuntime);
}

/// Runs Fn on a thread with the largest stack it can get, up to 512 MiB
/// (only the pages touched are committed), and returns its result: the
/// biggest that an address-space limit (ulimit -v) allows, or the calling
/// thread's own stack if no thread can be made at all.
int runOnLargeStack(int (*Fn)()) {
  struct Call {
    int (*Fn)();
    int Code;
  } C{Fn, ExitOK};
  auto Start = [](void *Arg) -> void * {
    auto *C = static_cast<Call *>(Arg);
    C->Code = C->Fn();
    return nullptr;
  };
  for (size_t Size = size_t(512) << 20; Size >= size_t(8) << 20; Size /= 4) {
    pthread_attr_t Attr;
    if (pthread_attr_init(&Attr) != 0)
      break;
    pthread_t T;
    bool Made = pthread_attr_setstacksize(&Attr, Size) == 0 &&
                pthread_create(&T, &Attr, Start, &C) == 0;
    pthread_attr_destroy(&Attr);
    if (Made) {
      pthread_join(T, nullptr);
      return C.Code;
    }
  }
  return Fn();
}

} // namespace

int main(int argc, char **argv) {
  if (cl::Option *LLVMStats = cl::getRegisteredOptions().lookup("stats-json"))
    LLVMStats->removeArgument();
  cl::opt<std::string> StatsJSON("stats-json",
                                 cl::desc("Write compile statistics to <file> "
                                          "at exit"),
                                 cl::value_desc("file"), cl::cat(KaleidoCat));
  StatsJSONOpt = &StatsJSON;
  cl::HideUnrelatedOptions(KaleidoCat);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "kaleido " KALEIDO_VERSION " (LLVM " LLVM_VERSION_STRING ")\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv, "kaleido: Kaleidoscope on a lazy ORC JIT\n", &errs()))
    return ExitUsage;
  if (OptLevel > 3) {
    errs() << "kaleido: error: -O" << OptLevel
           << " is not a level; use -O0, -O1, -O2 or -O3\n";
    return ExitUsage;
  }
  if (std::isnan(Timeout) || Timeout < 0) {
    errs() << "kaleido: error: --timeout=" << formatValue(Timeout)
           << " is not a time; give seconds, more than 0 (0 or inf: no "
              "limit)\n";
    return ExitUsage;
  }
  if (CompileThreads > kaleido::MaxCompileThreads) {
    errs() << "kaleido: error: --compile-threads=" << CompileThreads
           << " is too many; at most " << kaleido::MaxCompileThreads << '\n';
    return ExitUsage;
  }
  if (EmitOpt != Emit::None && Mode == kaleido::JITMode::Eager) {
    // Harmless, but say so rather than ignore it.
    errs() << "kaleido: note: --jit has no effect with --emit\n";
  }

  // Deep recursion in Kaleidoscope programs wants more stack than the main
  // thread has, so everything runs on a thread with a large one (only the
  // pages actually touched are committed).
#ifdef __GLIBC__
  // glibc would give that thread a malloc arena of its own, which grows one
  // mprotect call per page: reading 10,000 definitions made 4,000 of them.
  // The main arena grows by sbrk with padding, and with one thread doing all
  // the work a second arena buys nothing.
  mallopt(M_ARENA_MAX, 1);
#endif
  // Running out of memory ends the process with a message and exit code 70,
  // not an abort; nothing more can be allocated, so nothing is flushed.
  install_bad_alloc_error_handler(
      [](void *, const char *, bool) { outOfMemory(); });
  std::set_new_handler(outOfMemory);
  return runOnLargeStack([] { return runDriver(); });
}
