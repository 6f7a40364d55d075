//===- kaleido.cpp - The kaleido command ----------------------------------===//
//
// Part of kaleido. The driver: options, inputs, exit codes and the REPL. All
// compiling and running is the library's; this file only decides what to
// feed it and where its output goes.
//
//   kaleido [options] [FILE...]      run files in order ('-' is stdin)
//   kaleido -e 'source'              run a string
//   kaleido                          REPL on a terminal, else read stdin
//   kaleido build FILE... -o PROG    a native executable (Build.h)
//
// `build` is a subcommand only as the first argument: `kaleido build.ks`
// runs the file build.ks, and a file named `build` runs as `kaleido ./build`.
//
// Exit codes: 0 ok, 64 usage, 65 compile error, 70 runtime error, 74 I/O,
// 130 interrupted.
//
//===----------------------------------------------------------------------===//

#include "Build.h"
#include "Driver.h"
#include "REPL.h"
#include "StreamInput.h"

#include "kaleido/Session.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <csignal>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cstdio>
#include <cstdlib>
#include <new>

#include <pthread.h>
#include <unistd.h>

using namespace llvm;
using namespace kaleido::driver;

namespace {

cl::OptionCategory KaleidoCat("kaleido options");

cl::list<std::string> InputFiles(cl::Positional, cl::desc("[FILE...]"),
                                 cl::cat(KaleidoCat));
cl::list<std::string> Exprs("e", cl::desc("Run <source> (may be repeated)"),
                            cl::value_desc("source"), cl::cat(KaleidoCat));
cl::opt<kaleido::Dialect> LanguageDialect(
    "dialect", cl::desc("The language the input is written in"),
    cl::init(kaleido::Dialect::Tutorial),
    cl::values(clEnumValN(kaleido::Dialect::Tutorial, "tutorial",
                          "the LLVM tutorial's Kaleidoscope (default)"),
               clEnumValN(kaleido::Dialect::Formula, "formula",
                          "adds exponent literals (1e-3) and a built-in "
                          "'/' (IEEE division, as '*' binds)")),
    cl::cat(KaleidoCat));
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
cl::opt<bool> StatsFunctions(
    "stats-functions",
    cl::desc("Include the per-function ledger in --stats-json (default "
             "true; about 4 us and 270 bytes per function)"),
    cl::init(true), cl::cat(KaleidoCat));
cl::opt<bool> ForceREPL(
    "interactive",
    cl::desc("After the -e strings and files, read inputs as the REPL does "
             "(commands, each input on its own) even when standard input is "
             "not a terminal"),
    cl::cat(KaleidoCat));
cl::alias ForceREPLShort("i", cl::aliasopt(ForceREPL),
                         cl::desc("Alias for --interactive"));
cl::opt<bool> TraceCompile("trace-compile",
                           cl::desc("Print a line to stderr for each function "
                                    "compiled"),
                           cl::cat(KaleidoCat));
/// --stats-json. LLVM registers a boolean -stats-json of its own (for its
/// pass statistics, which we never print), so ours is made in main() after
/// that one is unregistered.
cl::opt<std::string> *StatsJSONOpt = nullptr;
enum class Emit { None, Tokens, AST, LLVM, Asm, Obj };
cl::opt<Emit> EmitOpt(
    "emit", cl::desc("Print a compilation stage instead of running"),
    cl::init(Emit::None),
    cl::values(clEnumValN(Emit::Tokens, "tokens", "the tokens"),
               clEnumValN(Emit::AST, "ast", "the syntax tree"),
               clEnumValN(Emit::LLVM, "llvm",
                          "one LLVM IR module (links with the runtime)"),
               clEnumValN(Emit::Asm, "asm", "native assembly"),
               clEnumValN(Emit::Obj, "obj",
                          "a relocatable object file (to -o, or to "
                          "standard output if not a terminal)")),
    cl::cat(KaleidoCat));
cl::opt<std::string> OutputFile(
    "o",
    cl::desc("Write --emit's output, or build's executable, to <file> "
             "('-': standard output, for --emit)"),
    cl::value_desc("file"), cl::cat(KaleidoCat));
cl::opt<std::string> CompilerDriver(
    "cc",
    cl::desc("build: the C compiler driver that links (default clang-22 on "
             "PATH, then in /usr/lib/llvm-22/bin)"),
    cl::value_desc("program"), cl::cat(KaleidoCat));
/// `kaleido build ...`: set by main() when the first argument is "build".
bool BuildCommand = false;
/// argv[0], to find the runtime archive next to the executable.
const char *Argv0 = "kaleido";
/// Where --emit=tokens and --emit=ast write (-o).
raw_ostream *EmitOS = &outs();
cl::opt<double> Timeout(
    "timeout",
    cl::desc("Stop an input (an -e string, a file, a REPL entry) once it has "
             "run <seconds> (wall time, while it runs; exit code 130); 0 or "
             "inf: no limit"),
    cl::value_desc("seconds"), cl::init(0), cl::cat(KaleidoCat));
cl::opt<bool> AllowHostSymbols(
    "allow-host-symbols",
    cl::desc("Let 'extern' reach every symbol of the process (unsafe: a "
             "program can then call abort, system, ...)"),
    cl::cat(KaleidoCat));

cl::opt<std::string> PerfMap(
    "perf-map", cl::ValueOptional,
    cl::desc("Write a perf map of the JIT'd code for perf report: to <file>, "
             "or /tmp/perf-PID.map if no file is given"),
    cl::value_desc("file"), cl::cat(KaleidoCat));
cl::opt<std::string> JITDump(
    "jitdump", cl::ValueOptional,
    cl::desc("Write jit-PID.dump into <dir> (default: the current directory) "
             "for perf record -k 1 and perf inject --jit"),
    cl::value_desc("dir"), cl::cat(KaleidoCat));
cl::opt<std::string> TimeTrace(
    "time-trace",
    cl::desc("Write a compile timeline to <file> at exit (Chrome trace-event "
             "JSON, for Perfetto or chrome://tracing)"),
    cl::value_desc("file"), cl::cat(KaleidoCat));

cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Keep compiled code in <dir> across runs and load it from there "
             "(default: $KALEIDO_CACHE_DIR if set; an empty <dir> turns it "
             "off)"),
    cl::value_desc("dir"), cl::cat(KaleidoCat));
cl::opt<unsigned> CacheMaxMB(
    "cache-max-mb",
    cl::desc("The most the compile cache holds, in MiB (default 256); the "
             "least recently used entries go first"),
    cl::value_desc("MiB"), cl::init(256), cl::cat(KaleidoCat));
cl::opt<bool> DebugInfo(
    "g",
    cl::desc("Emit DWARF for the JIT'd code and register it with the debugger "
             "(gdb) as each function is compiled"),
    cl::cat(KaleidoCat));

/// Prints a failure of the session itself (creating it, finishing its
/// profiles: no diagnostic said it) and returns its exit code.
int reportFailure(Error Err) {
  int Code = ExitRuntime;
  handleAllErrors(
      std::move(Err),
      [&](const kaleido::SessionError &E) {
        errs() << "kaleido: error: " << E.getMessage() << '\n';
        Code = exitCodeFor(make_error<kaleido::SessionError>(E));
      },
      [&](const ErrorInfoBase &E) {
        errs() << "kaleido: error: " << E.message() << '\n';
      });
  return Code;
}

/// Feeds one buffer to the session: run it (on the session's clock, see
/// SessionOptions::Timeout), or print the requested stage.
Error process(kaleido::Session &S, StringRef Source, StringRef Name) {
  switch (EmitOpt) {
  case Emit::None:
    return S.run(Source, Name);
  case Emit::Tokens:
    return S.emit(Source, Name, kaleido::EmitKind::Tokens, *EmitOS);
  case Emit::AST:
    return S.emit(Source, Name, kaleido::EmitKind::AST, *EmitOS);
  case Emit::LLVM:
  case Emit::Asm:
  case Emit::Obj:
    break; // One program of every input: compileProgram.
  }
  return Error::success();
}

/// Writes --stats-json, if asked; false (with a message) if it could not.
bool writeStats(const kaleido::Session &S) {
  if (StatsJSONOpt->empty())
    return true;
  const std::string &StatsJSON = *StatsJSONOpt;
  std::error_code EC;
  raw_fd_ostream OS(StatsJSON, EC);
  if (!EC) {
    writeStatsJSON(S, OS, StatsFunctions);
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
  // compile: f (-O2, cached, 0.031 ms)              ... from --cache-dir
  std::string Why;
  if (E.TierUp)
    Why = formatv(" after {0} call{1}", TierUp.getValue(),
                  TierUp == 1 ? "" : "s");
  if (E.Background)
    Why += formatv(", background, queued {0:f3} ms", E.QueueSeconds * 1000);
  else if (E.OptLevel == 0 && OptLevel != 0)
    Why = E.Native ? " baseline native" : " baseline";
  if (E.Cached)
    Why += ", cached";
  outs().flush();
  errs() << formatv("compile: {0} (-O{1}{2}, {3:f3} ms)\n", E.Name, E.OptLevel,
                    Why, E.Seconds * 1000);
}

/// The session the command line asks for.
/// The session the command line asks for; Trace says whether compiles are
/// traced (the REPL's :trace changes it).
kaleido::SessionOptions sessionOptions(bool Interactive, Output &Out,
                                       const bool *Trace) {
  kaleido::SessionOptions Opts;
  Opts.Language = LanguageDialect;
  Opts.OptLevel = OptLevel;
  Opts.Mode = Mode;
  Opts.TierUpCalls = TierUp;
  Opts.Baseline = Baseline;
  Opts.CompileThreads = CompileThreads;
  Opts.AllowHostSymbols = AllowHostSymbols;
  // Checked by main: 0 or more; 0 and inf are no limit.
  Opts.Timeout = Timeout;
  if (PerfMap.getNumOccurrences())
    Opts.PerfMap = PerfMap;
  if (JITDump.getNumOccurrences())
    Opts.JITDumpDir = JITDump;
  if (TimeTrace.getNumOccurrences())
    Opts.TimeTrace = TimeTrace;
  // The flag wins over the environment; --cache-dir= turns both off.
  if (CacheDir.getNumOccurrences()) {
    if (!CacheDir.empty())
      Opts.CacheDir = CacheDir;
  } else if (const char *Env = std::getenv("KALEIDO_CACHE_DIR"); Env && *Env) {
    Opts.CacheDir = Env;
  }
  Opts.CacheMaxMB = CacheMaxMB;
  Opts.DebugInfo = DebugInfo;
  // The REPL's :undo walks back through this many inputs.
  Opts.UndoLimit = Interactive ? 1000 : 0;
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
  if (TraceCompile || Interactive)
    Opts.OnCompile = [Trace](const kaleido::CompileEvent &E) {
      if (*Trace)
        traceCompile(E);
    };
  return Opts;
}

/// Calls Use(source, buffer name, whether it is a file) for each input in
/// order: the -e strings, then the files (or stdin when there is neither);
/// stops at the first non-zero code Use returns. With Stream, a file is
/// not read here but handed to it (path, buffer name), and its code then
/// counts as Use's. Returns that code, ExitIO for a file that cannot be
/// read, or ExitOK.
int forEachInput(
    function_ref<int(StringRef Source, StringRef Name, bool IsFile)> Use,
    function_ref<int(StringRef Path, StringRef Name)> Stream = nullptr) {
  for (const std::string &E : Exprs)
    if (int Code =
            Use(E, formatv("<-e #{0}>", &E - &Exprs[0] + 1).str(), false))
      return Code;
  std::vector<std::string> Files(InputFiles.begin(), InputFiles.end());
  if (Files.empty() && Exprs.empty())
    Files.push_back("-");
  for (const std::string &File : Files) {
    if (Stream) {
      StringRef Name = File == "-" ? StringRef("<stdin>") : StringRef(File);
      if (int Code = Stream(File, Name))
        return Code;
      continue;
    }
    auto Buf = MemoryBuffer::getFileOrSTDIN(File, /*IsText=*/true);
    if (!Buf) {
      errs() << "kaleido: error: cannot read '" << File
             << "': " << Buf.getError().message() << '\n';
      return ExitIO;
    }
    StringRef Name = File == "-" ? StringRef("<stdin>") : StringRef(File);
    if (int Code = Use((*Buf)->getBuffer(), Name, true))
      return Code;
  }
  return ExitOK;
}

/// Runs every input in one session; stops at the first that fails. Files
/// and standard input are run as they are read (StreamInput.h), unless
/// --emit prints them. Returns the exit code.
int runInputs(kaleido::Session &S, Output &Out) {
  auto AfterFile = [](int Code) {
    if (Code == ExitOK && GotTermination)
      return 128 + GotTermination;
    if (Code == ExitOK && GotInterrupt)
      return int(ExitInterrupted); // Came while no program code was running.
    return Code;
  };
  auto Stream = [&](StringRef Path, StringRef Name) {
    return AfterFile(runStream(S, Out, Path, Name));
  };
  return forEachInput(
      [&](StringRef Source, StringRef Name, bool IsFile) {
        if (Error Err = process(S, Source, Name))
          return exitCodeFor(std::move(Err));
        return IsFile ? AfterFile(ExitOK) : int(ExitOK);
      },
      EmitOpt == Emit::None ? function_ref<int(StringRef, StringRef)>(Stream)
                            : function_ref<int(StringRef, StringRef)>());
}

/// Every input, read as a program's; returns 0 or the exit code of a file
/// that cannot be read.
int readProgram(std::vector<kaleido::ProgramInput> &Inputs) {
  return forEachInput([&](StringRef Source, StringRef Name, bool) {
    Inputs.push_back({Source.str(), Name.str()});
    return int(ExitOK);
  });
}

/// Writes the program of every input as --emit=llvm/asm/obj asks, or links
/// it (build). Returns the exit code.
int compileProgram(kaleido::Session &S) {
  std::vector<kaleido::ProgramInput> Inputs;
  if (int Code = readProgram(Inputs))
    return Code;
  kaleido::ProgramOptions PO;
  PO.PrintResults = PrintResults;
  if (BuildCommand) {
    BuildTools Tools;
    Tools.CC = CompilerDriver;
    Tools.MainExecutable = sys::fs::getMainExecutable(
        Argv0, reinterpret_cast<void *>(&compileProgram));
    return buildExecutable(S, Inputs, PO, OutputFile, Tools);
  }
  kaleido::EmitKind Kind = EmitOpt == Emit::LLVM  ? kaleido::EmitKind::LLVM
                           : EmitOpt == Emit::Asm ? kaleido::EmitKind::Asm
                                                  : kaleido::EmitKind::Object;
  if (OutputFile.empty() || OutputFile == "-") {
    if (Error Err = S.emitProgram(Inputs, Kind, outs(), PO))
      return exitCodeFor(std::move(Err));
    return ExitOK;
  }
  std::error_code EC;
  ToolOutputFile Out(OutputFile, EC,
                     Kind == kaleido::EmitKind::Object ? sys::fs::OF_None
                                                       : sys::fs::OF_Text);
  if (!EC) {
    // On a compile error Out removes the file: nothing half written stays.
    if (Error Err = S.emitProgram(Inputs, Kind, Out.os(), PO))
      return exitCodeFor(std::move(Err));
    Out.os().close();
    EC = Out.os().error();
    Out.os().clear_error();
  }
  if (EC) {
    errs() << "kaleido: error: cannot write '" << OutputFile
           << "': " << EC.message() << '\n';
    return ExitIO;
  }
  Out.keep();
  return ExitOK;
}

/// The way out of the driver, whatever happened: stops the compile threads,
/// flushes, writes --stats-json, says why the process stops, and returns
/// the exit code Code becomes.
int finish(std::unique_ptr<kaleido::Session> S, Output &Out, int Code) {
  InterruptTarget.store(nullptr);
  // No compile thread may run while the process ends (see below).
  S->stopCompileThreads();
  if (Error Err = S->finishProfiling()) {
    int ProfileCode = reportFailure(std::move(Err));
    if (Code == ExitOK)
      Code = ProfileCode;
  }
  if (!Out.flush(nullptr))
    Code = ExitIO;
  if (Out.failed())
    errs() << "kaleido: error: cannot write output: " << Out.reason() << '\n';
  // Nothing more can be said about output that cannot be written, and LLVM
  // would end the process over it: drop what is still buffered.
  if (Out.failed())
    outs().SetUnbuffered();
  outs().clear_error();
  if (!writeStats(*S) && Code == ExitOK)
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
  BuryPointer(std::move(S));
  return Code;
}

/// runInputs, with --emit=tokens or ast written to -o's file if given.
int runInputsTo(kaleido::Session &S, Output &Checked) {
  if (OutputFile.empty() || OutputFile == "-" || EmitOpt == Emit::None)
    return runInputs(S, Checked);
  std::error_code EC;
  ToolOutputFile Out(OutputFile, EC, sys::fs::OF_Text);
  int Code = ExitIO;
  if (!EC) {
    EmitOS = &Out.os();
    Code = runInputs(S, Checked);
    EmitOS = &outs();
    Out.os().close();
    EC = Out.os().error();
    Out.os().clear_error();
  }
  if (EC) {
    errs() << "kaleido: error: cannot write '" << OutputFile
           << "': " << EC.message() << '\n';
    return ExitIO;
  }
  if (Code == ExitOK)
    Out.keep();
  return Code;
}

/// A session with Opts. The profiles (--perf-map, --jitdump, --time-trace)
/// record the first session only (Profiled says whether one was made): a
/// :reset session would write the same files over them.
Expected<std::unique_ptr<kaleido::Session>>
newSession(kaleido::SessionOptions Opts, bool &Profiled) {
  if (Profiled) {
    Opts.PerfMap.reset();
    Opts.JITDumpDir.reset();
    Opts.TimeTrace.reset();
  }
  Profiled = true;
  return kaleido::Session::create(std::move(Opts));
}

int runDriver() {
  bool Compiling = BuildCommand || EmitOpt == Emit::LLVM ||
                   EmitOpt == Emit::Asm || EmitOpt == Emit::Obj;
  bool Interactive =
      !Compiling && (ForceREPL || (InputFiles.empty() && Exprs.empty() &&
                                   sys::Process::StandardInIsUserInput()));
  Output Out;
  bool Trace = TraceCompile;
  bool Profiled = false;
  auto NewSession = [&] {
    return newSession(sessionOptions(Interactive, Out, &Trace), Profiled);
  };
  std::unique_ptr<kaleido::Session> S;
  if (auto Made = NewSession()) {
    S = std::move(*Made);
  } else {
    // A profile that cannot be written is an I/O error (74).
    return reportFailure(Made.takeError());
  }

  // Ctrl-C stops the running program at its next safepoint: back to the
  // prompt in the REPL, exit code 130 in a script. SIGTERM, SIGHUP and
  // SIGQUIT stop it the same way, and end the process.
  InterruptTarget.store(S.get());
  installSignalHandlers();

  // Started now, so that the first function to get hot does not wait for it.
  S->startCompileThreads();
  int Code = ExitOK;
  if (Compiling)
    Code = compileProgram(*S);
  else if (!Interactive || !InputFiles.empty() || !Exprs.empty())
    Code = runInputsTo(*S, Out);
  if (S->timedOut() && Code == ExitInterrupted)
    errs() << formatv("kaleido: note: stopped by --timeout={0}\n",
                      formatValue(Timeout));
  // With -i, the REPL follows whatever the inputs did, as python -i does,
  // unless the process is to end.
  if (Interactive && !GotTermination && !Out.failed()) {
    REPLHooks Hooks;
    Hooks.NewSession = NewSession;
    Hooks.Process = process;
    Hooks.Trace = &Trace;
    Hooks.Timeout = Timeout;
    Code = REPL(S, Out, std::move(Hooks)).run();
  }
  return finish(std::move(S), Out, Code);
}

/// argv without a leading `build`, which sets BuildCommand: the subcommand
/// is the first argument or nothing (a file named build runs as ./build).
std::vector<char *> takeSubcommand(int Argc, char **Argv) {
  Argv0 = Argv[0];
  std::vector<char *> Args(Argv, Argv + Argc);
  if (Args.size() > 1 && StringRef(Args[1]) == "build") {
    BuildCommand = true;
    Args.erase(Args.begin() + 1);
  }
  return Args;
}

/// Checks -o, build and --emit=obj against each other; the exit code of a
/// usage error, or 0.
int checkOutputOptions() {
  auto Usage = [](const Twine &Msg) {
    errs() << "kaleido: error: " << Msg << '\n';
    return ExitUsage;
  };
  if (BuildCommand && EmitOpt != Emit::None)
    return Usage("build makes an executable; it takes no --emit");
  if (BuildCommand && (OutputFile.empty() || OutputFile == "-"))
    return Usage("build needs the executable's name: -o <file>");
  if (!BuildCommand && !CompilerDriver.empty())
    return Usage("--cc is for build");
  if (!BuildCommand && EmitOpt == Emit::None && !OutputFile.empty())
    return Usage("-o names what --emit or build writes; a program's own "
                 "output goes to standard output");
  if (EmitOpt == Emit::Obj && (OutputFile.empty() || OutputFile == "-") &&
      sys::Process::StandardOutIsDisplayed())
    return Usage("--emit=obj writes binary: give -o <file>, or redirect "
                 "standard output away from the terminal");
  return ExitOK;
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
  std::vector<char *> Args = takeSubcommand(argc, argv);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "kaleido " KALEIDO_VERSION " (LLVM " LLVM_VERSION_STRING ")\n";
  });
  if (!cl::ParseCommandLineOptions(
          int(Args.size()), Args.data(),
          "kaleido: Kaleidoscope on a lazy ORC JIT\n\n"
          "  kaleido [options] [FILE...]           run the files in order\n"
          "  kaleido build [options] FILE... -o PROG\n"
          "                                        link a native executable\n",
          &errs()))
    return ExitUsage;
  if (int Code = checkOutputOptions())
    return Code;
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
