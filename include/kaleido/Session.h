//===- kaleido/Session.h - The embeddable Kaleidoscope JIT -------*- C++
//-*-===//
//
// Part of kaleido. Public API.
//
// A Session is one Kaleidoscope world: its LLVM context, its function and
// operator tables and its JIT. Sessions share nothing, so several can live
// side by side in one process. A session is not thread-safe: use it from one
// thread at a time.
//
//   auto S = cantFail(kaleido::Session::create());   // see create() for errors
//   if (auto Err = S->run("def sq(x) x*x;", "<example>"))
//     ...;                                           // diagnostics went to
//                                                    // Options.OnDiagnostic
//   auto Sq = S->lookup<double(double)>("sq");       //
//   Expected<double(*)(double)>
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_H
#define KALEIDO_SESSION_H

#include "kaleido/Diagnostic.h"
#include "kaleido/Dialect.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace kaleido {

/// How function bodies are turned into machine code.
enum class JITMode {
  /// Default. A function's body is generated, optimised and compiled the first
  /// time it is called; until then it costs its AST and a table entry.
  Lazy,
  /// Every definition is compiled as soon as it is read. Calls still go through
  /// the same stubs, so redefinition behaves exactly as in Lazy mode.
  Eager,
  /// Nothing is compiled: a tree-walking interpreter evaluates the AST. The
  /// language's reference semantics; lookup() is unavailable.
  Interp,
};

/// Which code generator makes a function's first, baseline code (see
/// SessionOptions::TierUpCalls).
enum class BaselineKind {
  /// LLVM with no IR passes and -O0 code generation: the default where there
  /// is no native generator.
  LLVM,
  /// kaleido's own generator: x86-64 machine code straight from the syntax
  /// tree, in microseconds, with every value in a stack slot; the default on
  /// x86-64 System V hosts (Linux, the BSDs, macOS). A body it does not
  /// support (more than 8 parameters or arguments) gets LLVM's baseline
  /// code. Top-level expressions that need compiling get LLVM's. Results are
  /// bit-identical.
  Native,
  /// No baseline tier: every body is compiled at OptLevel on its first call,
  /// as with TierUpCalls = 0.
  None,
};

/// The baseline generator a session uses unless told otherwise: the native
/// one where it can run (x86-64, System V calling convention), else LLVM's.
#if defined(__x86_64__) && !defined(_WIN32)
inline constexpr BaselineKind DefaultBaseline = BaselineKind::Native;
#else
inline constexpr BaselineKind DefaultBaseline = BaselineKind::LLVM;
#endif

/// The most compile threads a session may have
/// (SessionOptions::CompileThreads).
inline constexpr unsigned MaxCompileThreads = 64;

/// What Session::emit prints instead of running the program.
enum class EmitKind {
  Tokens, ///< One token per line with its location.
  AST,    ///< The syntax tree of every top-level item.
  /// One LLVM IR module for the whole program: its `main` runs the
  /// top-level expressions in order through kaleido's runtime archive, as
  /// the JIT runs them (link it with libkaleido-rt.a).
  LLVM,
  Asm,    ///< Native assembly for that module.
  Object, ///< That module as a relocatable object file for the host.
};

/// One input of a program (Session::emitProgram).
struct ProgramInput {
  std::string Source;
  /// The name diagnostics give it ("prog.ks").
  std::string BufferName;
};

/// How Session::emitProgram compiles.
struct ProgramOptions {
  /// main prints the value of each top-level expression, as the kaleido
  /// command's --print-results does.
  bool PrintResults = false;
};

/// A piece of a buffer that a host reads as it arrives (a pipe, a socket):
/// what Session::run reads of it and where it sits in the whole buffer, so
/// that each item can run as soon as it has been read (see
/// Session::completeItems) and diagnostics say what they would of the whole
/// buffer.
struct KALEIDO_API SourcePiece {
  /// What the host still holds of the buffer: the items to read and text
  /// around them, from which diagnostics show source lines. They show what
  /// they would of the whole buffer if Text holds the lines the items are
  /// on, or at least 128 bytes of them before and after each item.
  llvm::StringRef Text;
  /// The items to read are Text[Begin, End); an End past Text's size means
  /// its end.
  size_t Begin = 0;
  size_t End = llvm::StringRef::npos;
  /// The line and column of Text's first byte in the whole buffer. Only a
  /// piece at 1:1 may start with a UTF-8 byte-order mark (it is skipped).
  SourceLocation Start = {1, 1};
  /// Whether this piece continues the buffer of the previous run(): the
  /// time limit (SessionOptions::Timeout) goes on from what the earlier
  /// pieces used instead of starting again, an interrupt() that came since
  /// is not forgotten (it stops the piece before its first item), and
  /// undo() takes the pieces back as one input.
  bool Continued = false;

  /// Where byte Offset of Text is in the whole buffer, counted as the lexer
  /// counts: a line ends at LF, CR LF or a lone CR. Offset must not split a
  /// CR LF.
  SourceLocation locationOf(size_t Offset) const;
};

/// The shortest decimal that reads back as exactly V ("0.1", "12", "nan"):
/// how the kaleido command prints a top-level expression's value, and how a
/// compiled program does.
KALEIDO_API std::string formatValue(double V);

/// One function compiled by the JIT (see SessionOptions::OnCompile).
struct CompileEvent {
  /// The Kaleidoscope name; top-level expressions are "<expr@LINE:COL>".
  std::string Name;
  /// The level the code was compiled at; 0 for the baseline tier (see
  /// SessionOptions::TierUpCalls).
  unsigned OptLevel = 0;
  /// True if this compile replaced a function's baseline code after
  /// SessionOptions::TierUpCalls calls.
  bool TierUp = false;
  /// Wall time from IR generation to linked machine code.
  double Seconds = 0;
  /// True if the native baseline generator made the code
  /// (BaselineKind::Native).
  bool Native = false;
  /// True if a compile thread made the code (a tier-up, with
  /// SessionOptions::CompileThreads); QueueSeconds is how long it waited
  /// for the thread. Such an event is told at the session's next call into
  /// the JIT after the compile finished (also when the code was not
  /// installed because the function was redefined meanwhile).
  bool Background = false;
  double QueueSeconds = 0;
  /// True if the code was loaded from the compile cache
  /// (SessionOptions::CacheDir) instead of compiled; Seconds is the load's.
  bool Cached = false;
};

/// Counters kept by a session; see Session::getStats.
struct SessionStats {
  /// Named functions that received a body (a redefinition counts again).
  uint64_t FunctionsDefined = 0;
  /// Named function bodies compiled to machine code (the first time; a
  /// recompile in the optimised tier counts in TierUps).
  uint64_t FunctionsCompiled = 0;
  /// Of those, bodies compiled by the native baseline generator.
  uint64_t NativeCompiles = 0;
  /// Bytes of native baseline code in use now (each body rounded up to 16),
  /// not counting code that has been freed.
  uint64_t NativeCodeBytes = 0;
  /// Functions recompiled at the session's level after running baseline
  /// code for SessionOptions::TierUpCalls calls, and installed.
  uint64_t TierUps = 0;
  /// Tier-ups handed to a compile thread (SessionOptions::CompileThreads),
  /// and of those, the ones dropped unrun because the session ended. The
  /// others ran, and were installed unless they failed or the function was
  /// redefined meanwhile (it then keeps its new body).
  uint64_t BackgroundTierUps = 0;
  uint64_t BackgroundDropped = 0;
  /// How long background compiles waited for a compile thread: in all, and
  /// the longest wait.
  double CompileQueueSeconds = 0;
  double CompileQueueMaxSeconds = 0;
  /// The longest one tier-up held up the program: its whole compile without
  /// compile threads; with them, only capturing the body and queueing it.
  double TierUpMaxPauseSeconds = 0;
  /// The most CPU time one tier-up used on the program's thread: the same
  /// less any time the thread was preempted (a long wall-time pause with a
  /// short CPU time was the scheduler's, not kaleido's).
  double TierUpMaxPauseCPUSeconds = 0;
  /// Optimised recompiles that failed inside LLVM: the function keeps its
  /// baseline code, which is correct, only slower. 0 unless kaleido has a
  /// bug.
  uint64_t TierUpFailures = 0;
  /// Top-level expressions compiled and run.
  uint64_t ExpressionsRun = 0;
  /// Replaced function bodies (redefined, or baseline code that tiered up)
  /// whose machine code has been freed.
  uint64_t BodiesFreed = 0;
  /// Wall time spent generating, optimising, compiling and linking code,
  /// top-level expressions included, and compiles on compile threads (which
  /// the program did not wait for).
  double CompileSeconds = 0;
  /// With SessionOptions::CacheDir: bodies loaded from the compile cache
  /// instead of compiled (they count in FunctionsCompiled and TierUps as
  /// compiles do), and bodies looked up there and not found (or found
  /// damaged), which were compiled and stored. Native baseline code and
  /// LLVM's counted baseline code are not cached, and count in neither.
  uint64_t CacheHits = 0;
  uint64_t CacheMisses = 0;
};

/// Where a function's code stands (FunctionInfo::Status).
enum class FunctionStatus {
  /// Declared by `extern` only: calls reach the host function.
  Extern,
  /// Defined, and never called yet: its stub is all it has (lazy mode).
  NotCompiled,
  /// Runs baseline code, which counts its calls (SessionOptions::TierUpCalls).
  Baseline,
  /// Runs code compiled at the session's optimisation level.
  Optimized,
  /// JITMode::Interp: the interpreter runs its body.
  Interpreted,
  /// Its compile failed (a kaleido bug, or out of memory): its calls fail
  /// with a runtime error until it is defined again.
  Failed,
};

/// One function a session knows (see Session::functions).
struct FunctionInfo {
  /// The Kaleidoscope name; an operator's is "binary|" or "unary!".
  std::string Name;
  unsigned Arity = 0;
  /// Whether a `def` gave it a body (false for an `extern` only).
  bool Defined = false;
  FunctionStatus Status = FunctionStatus::Extern;
  /// Definitions so far (a redefinition counts again); 0 for an extern.
  unsigned Version = 0;
  /// Calls of the current body so far, where its code counts them: while it
  /// runs baseline code.
  std::optional<uint64_t> Calls;
  /// Compile wall time of the current body: its baseline code, and its
  /// optimised code (a tier-up, or the first compile of a body that starts
  /// optimised).
  double BaselineSeconds = 0;
  double OptimizedSeconds = 0;
  /// True if kaleido's native generator made the baseline code.
  bool Native = false;
  /// Bytes of machine code the current body has now (0 until compiled).
  uint64_t CodeBytes = 0;
};

/// What Session::undo took back.
struct UndoneInput {
  /// The buffer name the input was run as.
  std::string BufferName;
  /// Names that have their definition from before the input again (a body,
  /// or only an `extern`), and names the input had declared, which are
  /// gone.
  std::vector<std::string> Restored;
  std::vector<std::string> Removed;
};

struct SessionOptions {
  /// The dialect every input is read in (kaleido/Dialect.h): the tutorial's
  /// language by default. Fixed for the session's life; a host that wants
  /// another creates another session. Session::needsMoreInput and emit()
  /// read the same dialect as run().
  Dialect Language = Dialect::Tutorial;
  /// Optimisation level, 0 to 3. Every level gives bit-identical results.
  unsigned OptLevel = 2;
  JITMode Mode = JITMode::Lazy;
  /// Tiered compilation (Lazy mode, OptLevel above 0). A function whose every
  /// call runs a bounded number of operations (no `for`, no call to itself)
  /// is first compiled by a quick baseline code generator (no IR passes,
  /// -O0 code generation: about a third of the compile time); after this
  /// many calls it is recompiled at OptLevel and the stub switches to the new
  /// code. Functions with loops or self calls, and top-level expressions with
  /// loops, are compiled at OptLevel straight away. 0 turns the baseline tier
  /// off. Results are bit-identical either way.
  unsigned TierUpCalls = 1000;
  /// What makes baseline code.
  BaselineKind Baseline = DefaultBaseline;
  /// Threads that compile hot functions in the optimised tier while the
  /// program goes on in baseline code; the new code is switched in through
  /// the stub when it is ready. 0 compiles a tier-up on the program's
  /// thread, in the call that made the function hot. Ending the session
  /// drops tier-ups not yet started and waits for the running ones. At most
  /// MaxCompileThreads.
  unsigned CompileThreads = 1;
  /// If false (the default) `extern` reaches only the runtime (putchard,
  /// printd) and the C math library. If true it reaches every symbol of the
  /// process, which lets a program call anything (abort, system, ...): unsafe.
  bool AllowHostSymbols = false;
  /// Seconds each run(), emit(), emitProgram(), call() and
  /// PreparedCall::callBatch may take, by the wall clock: when a call has run
  /// that long the session interrupts it (as interrupt() does), so it fails
  /// with ErrorKind::Interrupted and timedOut() is true. Only time inside
  /// these calls counts; each call gets the whole limit. 0 (the default),
  /// infinity or more than 1e9 mean no limit; create() fails with
  /// ErrorKind::Usage for a negative or NaN limit. PreparedCall::call is
  /// not timed: arming a clock would cost more than the call (interrupt()
  /// stops it). Costs a thread that sleeps while nothing runs.
  double Timeout = 0;
  /// How many inputs (run() calls that changed a definition) undo() can
  /// take back, newest first. 0, the default, keeps no history.
  unsigned UndoLimit = 0;
  /// Receives every diagnostic. If empty, diagnostics are dropped and only the
  /// summary Error reaches the caller.
  DiagnosticHandler OnDiagnostic;
  /// Receives the bytes the program writes with putchard/printd. If empty they
  /// go to the process's standard output.
  std::function<void(llvm::StringRef)> OnOutput;
  /// Called with the value of each top-level expression after it ran.
  std::function<void(double)> OnResult;
  /// Called each time a function is compiled (for tracing laziness).
  std::function<void(const CompileEvent &)> OnCompile;
  // The callbacks above run inside the session's calls (OnOutput and
  // OnCompile while program code runs); they must not call back into the
  // session.

  // Profiling. Each is off unless set, and costs nothing when off. Every
  // body of every tier (native and LLVM baseline code, optimised code,
  // tier-ups from compile threads, top-level expressions) is recorded under
  // its profile name, NAME[#VERSION] [TIER]: "fib [O2]", "fib#2 [baseline]",
  // "fib [native]", "<expr@3:1> [baseline]" -- #VERSION is the definition's
  // number, left out for the first; TIER is native (kaleido's baseline
  // generator), baseline (LLVM's, -O0) or O0-O3. A function's stub, where
  // the host's calls and calls between functions enter, is "fib [stub]"
  // (where kaleido places stubs itself: x86-64 Linux). A file that cannot be
  // opened makes create() fail with ErrorKind::IO, naming it; one that
  // cannot be written later makes finishProfiling() fail so.

  /// Writes a perf map: one "START SIZE name" line (hex) per body, for
  /// `perf report`. An empty string means /tmp/perf-PID.map, the only place
  /// perf looks; another path is for tools and tests.
  std::optional<std::string> PerfMap;
  /// Writes jit-PID.dump into this directory (empty: the current one) for
  /// `perf record -k 1` and `perf inject --jit`: a code-load record with the
  /// code's bytes and a debug-info record (the definition's file and line)
  /// per body. Linux only; create() fails with ErrorKind::Usage elsewhere.
  std::optional<std::string> JITDumpDir;
  /// Writes this file at finishProfiling(): Chrome trace-event JSON
  /// (Perfetto, chrome://tracing) from LLVM's TimeProfiler, with a span per
  /// top-level expression, per compile (detail: the profile name) and per
  /// phase (IR generation, optimisation, code generation, linking, native
  /// code generation), compile threads on their own tracks. Misuse: LLVM's
  /// profiler is one per thread and pools finished threads process-wide, so
  /// only one session at a time may trace (create() fails with
  /// ErrorKind::Usage if the thread traces already), and it must be
  /// created, run and finished on one thread: spans of calls made from
  /// other threads are not recorded.
  std::optional<std::string> TimeTrace;

  /// A directory where compiled code is kept across runs, one object file
  /// per body, under a hash of everything the code depends on (its IR as
  /// generated, which holds the body, its callees' signatures and the
  /// bodies and versions of callees it inlined; the tier and OptLevel;
  /// kaleido's and LLVM's versions; the target and its CPU features). A
  /// later session that compiles the same body loads it instead. Created
  /// if missing. If it cannot be created or written, the session is made
  /// without a cache and a warning naming it goes to OnDiagnostic. A
  /// damaged entry is detected by its checksum, reported as a warning and
  /// replaced; entries are written whole (a temporary file, then a
  /// rename), so sessions in several processes may share the directory.
  /// Not cached: native baseline code (BaselineKind::Native, microseconds
  /// to make) and LLVM's baseline code of functions (its call counter is
  /// an address of this process). Trust: whoever can write the directory
  /// can make the session run their code, as with any executable. Ignored
  /// by JITMode::Interp.
  std::optional<std::string> CacheDir;
  /// The most the cache directory may hold, in MiB (default 256): a store
  /// that takes it over removes the least recently used entries (a hit
  /// counts as a use). 0 makes create() fail with ErrorKind::Usage.
  unsigned CacheMaxMB = 256;
  /// Source-level debugging of the JIT'd code (the command's -g): every
  /// body, of every tier (native baseline code included) and every compiled
  /// top-level expression, gets DWARF (a line per expression; parameters,
  /// `var` and `for` names as variables where the tier keeps them) and is
  /// registered with the debugger through the GDB JIT interface when it is
  /// compiled, and taken off when its code is freed. The interface's list
  /// is the process's, guarded by a lock only LLVM can take, so a debugged
  /// session compiles tier-ups on the program's thread (CompileThreads is
  /// ignored) and must be used from one thread, one debugged session at a
  /// time. Off by default: nothing is generated or registered, nothing paid.
  bool DebugInfo = false;
};

class Session;

/// A guarded call of one function, looked up once (Session::prepare): the
/// fast way for a host to call Kaleidoscope code many times. Its calls are
/// guarded as Session::call's are -- a runtime error, an interrupt or a
/// failed host function becomes a SessionError, with its diagnostic sent to
/// SessionOptions::OnDiagnostic, and the process goes on -- but cost a few
/// nanoseconds more than the raw pointer from lookup(), not a top-level
/// expression's run. It follows redefinitions of the function (through its
/// permanent stub), and notices when an undo took the name away.
///
/// A handle is cheap to copy and may outlive its session: a call then fails
/// with ErrorKind::Usage ("the session ... has ended") instead of jumping
/// into freed code. Like the session, use it from one thread at a time, and
/// not from inside the session's own callbacks or host functions.
class KALEIDO_API PreparedCall {
public:
  /// A handle that names no function: its calls fail with ErrorKind::Usage.
  PreparedCall();
  ~PreparedCall();
  PreparedCall(const PreparedCall &);
  PreparedCall &operator=(const PreparedCall &);

  /// Calls the function with Args, which must have as many values as it has
  /// parameters (else ErrorKind::Usage). A call of up to MaxFastArity
  /// arguments goes straight to the function's stub under the runtime guard;
  /// more, or a session that interprets, take Session::call's path.
  /// SessionOptions::Timeout does not bound it (arming a clock would cost
  /// more than the call): Session::interrupt() still stops it.
  ///
  /// Inline: a function that cannot fail (no loop, no call but to the C
  /// math library), unchanged since the handle last looked, is called here,
  /// at the code its stub points to now, with no guard to arm and nothing
  /// exported in between; everything else takes callGuarded.
  llvm::Expected<double> call(llvm::ArrayRef<double> Args) const {
    if (Args.size() == Fast->Arity && Fast->Generation == *Fast->Current)
      return Fast->Invoke(code(), Args.data());
    return slowCall(Args);
  }

  /// The same call with the arguments as C++ numbers: `Area(2.0, H)`. With
  /// the arity known at compile time, the inline path is the raw pointer's
  /// call plus two compares.
  template <typename... ArgTs>
  llvm::Expected<double> operator()(ArgTs... Args) const {
    static_assert((std::is_arithmetic_v<ArgTs> && ...),
                  "a Kaleidoscope function takes doubles");
    if (sizeof...(ArgTs) == Fast->Arity && Fast->Generation == *Fast->Current)
      return reinterpret_cast<double (*)(AsDouble<ArgTs>...)>(code())(
          static_cast<double>(Args)...);
    const double Values[sizeof...(ArgTs) + 1] = {static_cast<double>(Args)...};
    return slowCall(llvm::ArrayRef<double>(Values, sizeof...(ArgTs)));
  }

  /// call() without the inline path: guarded, or Session::call's path.
  llvm::Expected<double> callGuarded(llvm::ArrayRef<double> Args) const;

  /// Evaluates the function over Count rows of arguments, one column per
  /// parameter: row I's argument J is Columns[J][I], and its value goes to
  /// Out[I]. Each result has exactly the bits call() would give, and rows
  /// are evaluated in order (output the function prints comes row by row).
  /// In a JIT session the first batch call (and the first after the function
  /// is redefined) compiles a loop over the rows with the function's current
  /// body copied in, optimised for the host's CPU: vectorised where the body
  /// allows it (IEEE arithmetic only: no reassociation, no contraction). An
  /// interrupt or SessionOptions::Timeout is honoured every BatchChunk rows
  /// (and at the function's own safepoints). On failure Out[0, I) hold the
  /// rows before the failing one; the rest are unspecified. Fails with
  /// ErrorKind::Usage if Columns.size() is not the function's arity; Out
  /// may be one of the columns.
  llvm::Error callBatch(llvm::ArrayRef<const double *> Columns, double *Out,
                        size_t Count) const;

  /// The function's name, and its number of parameters.
  llvm::StringRef name() const;
  unsigned arity() const;

  /// Calls of at most this many arguments take the fast path.
  static constexpr unsigned MaxFastArity = 16;
  /// A batch call checks for interrupts between chunks of this many rows.
  static constexpr size_t BatchChunk = 4096;

  /// Private to the library.
  struct State;

  /// Private to the library: what the inline call() reads. Its layout is
  /// part of the library's ABI: a change needs a new soname.
  struct FastPath {
    /// The word the function's stub jumps through (its value changes,
    /// atomically, when the function tiers up), or one holding the stub's
    /// address; and the invoker that calls code of N doubles.
    const uint64_t *Target;
    double (*Invoke)(void *Code, const double *Args);
    /// The session's count of changes to its tables (a definition, an
    /// undo, its end), which outlives it, and its value when Target was
    /// looked up: a difference sends calls the slow way, to look again.
    const uint64_t *Current;
    uint64_t Generation;
    /// The function's arity while it cannot fail; else NoFastArity.
    size_t Arity;
  };
  static constexpr size_t NoFastArity = ~size_t(0);
  /// A handle's FastPath while it names no function.
  static constexpr FastPath NoFastPath = {nullptr, nullptr, nullptr, 0,
                                          NoFastArity};

private:
  friend class Session;
  template <typename> using AsDouble = double;
  /// The code the function's stub jumps to now.
  void *code() const {
    return reinterpret_cast<void *>(static_cast<uintptr_t>(
        __atomic_load_n(Fast->Target, __ATOMIC_RELAXED)));
  }
  /// callGuarded's result, rebuilt: the caller's Expected is then never
  /// written by a call, so a loop keeps it in registers (written through
  /// memory, its error bit would chain every iteration to the last).
  llvm::Expected<double> slowCall(llvm::ArrayRef<double> Args) const {
    llvm::Expected<double> R = callGuarded(Args);
    if (R)
      return *R;
    return R.takeError();
  }
  explicit PreparedCall(std::shared_ptr<State> S);
  std::shared_ptr<State> S;
  /// Into *S, or NoFastPath.
  const FastPath *Fast = &NoFastPath;
};

class KALEIDO_API Session {
public:
  /// Creates a session for the host process. Fails if the host's target cannot
  /// be JIT-compiled for, if Options.OptLevel is above 3, if
  /// Options.CompileThreads is above MaxCompileThreads, or if a profile
  /// cannot be opened (ErrorKind::IO) or started (ErrorKind::Usage: see
  /// SessionOptions::TimeTrace).
  static llvm::Expected<std::unique_ptr<Session>>
  create(SessionOptions Options = {});

  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  /// Reads, checks and runs each top-level item of Source in order: a `def`
  /// (re)defines a function, an `extern` declares one, an expression is
  /// compiled and run at once. Stops at the first item that fails and returns a
  /// SessionError; definitions made before it are kept. BufferName appears in
  /// diagnostics ("file.ks:3:7: error: ...").
  llvm::Error run(llvm::StringRef Source, llvm::StringRef BufferName);

  /// Runs the items of a piece of a buffer as run() of the whole buffer
  /// would, with diagnostics located in the whole buffer. A host that reads
  /// its input in pieces runs, piece after piece, what completeItems() says
  /// is complete, keeping only the rest (and some text before it for
  /// diagnostics): the output, diagnostics and errors are those of run() of
  /// the whole buffer.
  llvm::Error run(const SourcePiece &Piece, llvm::StringRef BufferName);

  /// Where the complete items of Piece end: the largest offset of Piece.Text
  /// from Piece.Begin such that Text[Begin, offset) is top-level items (with
  /// the white space and comments after them) that no text appended to
  /// Text can change -- the token after the last item has been read whole,
  /// and a line break or 128 bytes after its start, so that diagnostics
  /// have their line -- or Piece.Begin if there is none. A syntax error that
  /// no text after can change makes every byte complete (Text's size):
  /// run() then reports it. With AtEnd (nothing follows Text), Text's size.
  /// Reads with the operators defined so far, as run() would; runs and
  /// reports nothing. Piece.End is not used.
  size_t completeItems(const SourcePiece &Piece, bool AtEnd = false) const;

  /// Takes back the last run() that changed a definition (or an extern, or
  /// an operator's precedence), as far as SessionOptions::UndoLimit
  /// reaches: every name it touched has its definition from before (through
  /// the same stub; code compiled meanwhile is freed), and the names it
  /// declared are gone. Expressions it ran are not undone (their output is
  /// out). Fails with ErrorKind::Usage if there is nothing to undo.
  llvm::Expected<UndoneInput> undo();

  /// Whether Source ends inside an unfinished top-level item (an open paren, a
  /// `def` without a body, ...), so a REPL should read another line before
  /// calling run(). Runs nothing and reports nothing.
  bool needsMoreInput(llvm::StringRef Source) const;

  /// Prints a stage of compilation for Source instead of running it. The
  /// definitions it reads are recorded (so later input can call them), but no
  /// code runs. Errors as for run().
  llvm::Error emit(llvm::StringRef Source, llvm::StringRef BufferName,
                   EmitKind Kind, llvm::raw_ostream &OS);

  /// Compiles Inputs, in order, into one program and writes it to OS as IR,
  /// assembly or an object file (Kind LLVM, Asm or Object; another is a
  /// usage error). The program does what run() of each input would:
  /// redefinitions, externs and runtime errors included; its runtime errors
  /// are reported as run() reports them. Linked with the runtime archive
  /// (libkaleido-rt.a) it is a native executable. Records the definitions
  /// as emit() does. Compile errors as for run(), and nothing is written.
  llvm::Error emitProgram(llvm::ArrayRef<ProgramInput> Inputs, EmitKind Kind,
                          llvm::raw_ostream &OS,
                          const ProgramOptions &Options = {});

  /// Prints the code function Name runs now, at the tier it runs in: its IR
  /// (EmitKind::LLVM) or machine code (EmitKind::Asm). A function never
  /// called is compiled first, as its first call would compile it, but not
  /// run. Native baseline code has no IR: for it, LLVM prints the IR LLVM's
  /// baseline tier would compile, and Asm disassembles the native code.
  /// Fails with ErrorKind::Usage for a name without a definition, another
  /// EmitKind, or a session that interprets.
  llvm::Error printFunction(llvm::StringRef Name, EmitKind Kind,
                            llvm::raw_ostream &OS);

  /// Calls the function Name with Args under the session's runtime guard: a
  /// runtime error becomes a SessionError instead of ending the process.
  llvm::Expected<double> call(llvm::StringRef Name,
                              llvm::ArrayRef<double> Args);

  /// A handle for calling function Name, of Arity parameters, many times
  /// (see PreparedCall): looked up once, guarded on every call. Fails as
  /// lookup() does if Name is not declared with Arity parameters; works in
  /// every mode (an interpreting session's handle calls as call() does).
  llvm::Expected<PreparedCall> prepare(llvm::StringRef Name, unsigned Arity);

  /// Returns the permanent address of function Name as a typed pointer. The
  /// pointer stays valid for the life of the session, also across
  /// redefinitions of Name. Fails if Name is not declared or if its number of
  /// parameters differs from FnT's. FnT must be double(double, ...).
  ///
  /// Misuse: calling the pointer bypasses the runtime guard of call(); a
  /// runtime error inside it (an unresolved extern, a failed compile) is then
  /// reported on stderr and ends the process.
  template <typename FnT> llvm::Expected<FnT *> lookup(llvm::StringRef Name) {
    static_assert(IsDoubleFunction<FnT>::value,
                  "Kaleidoscope functions take and return doubles");
    auto Addr = lookupAddress(Name, IsDoubleFunction<FnT>::Arity);
    if (!Addr)
      return Addr.takeError();
    return reinterpret_cast<FnT *>(static_cast<uintptr_t>(*Addr));
  }

  /// lookup() for an arity known only at run time (the C API, FFIs): the
  /// address of Name, a function of Arity doubles, untyped. The same
  /// failures and the same misuse.
  llvm::Expected<void *> lookupUntyped(llvm::StringRef Name, unsigned Arity);

  /// Lets Kaleidoscope code call F, a function of the host of type
  /// double(double, ...), as Name: an `extern Name(...)` with as many
  /// parameters reaches it, in every mode and tier, as it would reach a C
  /// math function (a `def` of Name takes precedence, as over any extern's
  /// target). Defining Name again rebinds it: code already compiled calls
  /// the new F. F may call failHostCall to end the running call with an
  /// error. Fails with ErrorKind::Usage if Name is not an identifier, is a
  /// runtime or C math function, an `extern` declared it with another number
  /// of parameters, or the host is not x86-64 (System V).
  template <typename FnT>
  llvm::Error defineHostFunction(llvm::StringRef Name, FnT *F) {
    static_assert(IsDoubleFunction<FnT>::value,
                  "a host function takes and returns doubles");
    return defineHostFunction(Name, IsDoubleFunction<FnT>::Arity,
                              reinterpret_cast<void *>(F), nullptr, false);
  }

  /// The same for F of type double(void *, double, ...): each call passes
  /// Context first, and the doubles after it. Context is the host's; the
  /// session only passes it on.
  template <typename FnT>
  llvm::Error defineHostFunction(llvm::StringRef Name, FnT *F, void *Context) {
    static_assert(
        IsContextFunction<FnT>::value,
        "a host function with a context is double(void *, double...)");
    return defineHostFunction(Name, IsContextFunction<FnT>::Arity,
                              reinterpret_cast<void *>(F), Context, true);
  }

  /// The untyped form of both (for the C API): F takes Arity doubles,
  /// preceded by Context if PassContext, and returns a double. Nothing
  /// checks F's type: a mismatch is undefined behaviour.
  llvm::Error defineHostFunction(llvm::StringRef Name, unsigned Arity, void *F,
                                 void *Context, bool PassContext);

  /// Asks the code this session is running to stop at its next safepoint
  /// (every function entry that makes a call, every loop iteration), or
  /// run() or emit() to stop before their next top-level item (so an input
  /// of many items stops while it is read and compiled too); the running
  /// run(), emit() or call() then fails with ErrorKind::Interrupted, and the
  /// session keeps every definition made before. A request made while none
  /// is in progress is forgotten when the next one starts. Async-signal-safe:
  /// may be called from a signal handler or another thread.
  void interrupt();

  /// Whether SessionOptions::Timeout ran out during the last timed call
  /// (run(), emit(), emitProgram(), call(), PreparedCall::callBatch): the
  /// call then failed with ErrorKind::Interrupted, unless it was ending
  /// anyway.
  bool timedOut() const;

  /// Every function declared so far, by name, with what the JIT did with
  /// it. Costs a table walk: for tools and REPLs, not for hot paths.
  std::vector<FunctionInfo> functions() const;

  /// The same, one at a time and in no particular order, without a copy of
  /// the whole table (for a ledger of many functions).
  void
  forEachFunction(llvm::function_ref<void(const FunctionInfo &)> Visit) const;

  /// Counters for laziness and compile time.
  SessionStats getStats() const;

  /// Waits until no tier-up is queued or compiling on a compile thread and
  /// the finished ones are installed (see SessionOptions::CompileThreads):
  /// for a host that wants the optimised code in place before a phase that
  /// must not wait, or settled statistics.
  void waitForCompiles();

  /// Starts the compile threads now. Otherwise the first tier-up starts
  /// them, and the program waits for that once (about 40 microseconds);
  /// later tier-ups hold it up for about a microsecond. The kaleido command
  /// starts them with the session.
  void startCompileThreads();

  /// Stops the compile threads: drops the tier-ups not started, waits for
  /// the running ones. Later tier-ups compile on the program's thread. The
  /// destructor does this; call it before leaving a session undestroyed to
  /// the end of the process (as the kaleido command does), so that no
  /// compile thread runs while the process tears down.
  void stopCompileThreads();

  /// Ends profiling (SessionOptions::PerfMap, JITDumpDir, TimeTrace): stops
  /// the compile threads (as stopCompileThreads), writes the time trace and
  /// closes the files. Fails with ErrorKind::IO, naming the file, if one
  /// could not be written. Later compiles are not recorded. Nothing to do
  /// without profiling, or the second time. The destructor does it,
  /// dropping the error: call it before leaving a session undestroyed.
  llvm::Error finishProfiling();

private:
  friend class PreparedCall;
  class Impl;
  explicit Session(std::unique_ptr<Impl> P);

  llvm::Expected<uint64_t> lookupAddress(llvm::StringRef Name, unsigned Arity);

  template <typename T> struct IsDoubleFunction : std::false_type {};
  template <typename... Args>
  struct IsDoubleFunction<double(Args...)>
      : std::bool_constant<(std::is_same_v<Args, double> && ...)> {
    static constexpr unsigned Arity = sizeof...(Args);
  };
  template <typename T> struct IsContextFunction : std::false_type {};
  template <typename... Args>
  struct IsContextFunction<double(void *, Args...)>
      : std::bool_constant<(std::is_same_v<Args, double> && ...)> {
    static constexpr unsigned Arity = sizeof...(Args);
  };

  std::unique_ptr<Impl> P;
};

/// Called from inside a host function (Session::defineHostFunction): the
/// Session call that is running Kaleidoscope code (run(), call()) fails with
/// a SessionError of ErrorKind::Runtime whose diagnostic says Message. It
/// returns, and so should the host function (its value is then ignored):
/// nothing is unwound through the host's frames. The program stops at its
/// next safepoint (before its next call or loop iteration) or when the call
/// returns, and prints nothing meanwhile; host functions it calls before
/// then still run. Only the first failure of a call is reported. Called
/// outside a session's call (through a raw pointer from lookup()), it
/// prints Message and aborts the process.
KALEIDO_API void failHostCall(llvm::StringRef Message);

} // namespace kaleido

#endif // KALEIDO_SESSION_H
