//===- KaleidoJIT.h - The lazy, per-function ORC JIT ------------*- C++ -*-===//
//
// Part of kaleido.
//
// Rationale
// ---------
// Every Kaleidoscope function has one permanent entry point, a stub, and a
// body that is produced only when the stub is first called. The JIT is a
// stack of small layers, each with one job and its own file; KaleidoJIT only
// composes them. What happens to a function, from its definition down:
//
//   StubTable       (StubTable.h) the stubs and the trampolines a stub
//                   starts at after each definition (Indirections.h: in the
//                   code arena, or ORC's), the version words, and the
//                   per-function state. A trampoline asks the JIT for the
//                   body (resolveBody) and points the stub at it. Body
//                   symbols ("fib$2") are interned once and mapped back to
//                   (function, version): nothing is parsed.
//   NativeBaseline  (NativeBaseline.h) with JITOptions::NativeBaseline, a
//                   bounded body's first code: kaleido's own generator's
//                   machine code, placed in a CodeArena and owned by the
//                   function's state. No ORC materialization, no LLVM: a
//                   first call costs the generator and a trampoline.
//   BodyUnit        (BodyUnit.h) every other body: defined in <bodies> and
//                   looked up at once; asks the session for the body's IR
//                   for its tier and emits it into that tier's layer, named
//                   by a TierTable: the seam where a tier's code generator
//                   is chosen. With a CompileCache (CompileCache.h) it
//                   looks the IR's key up first and links a stored object
//                   instead of compiling (CacheKey.h says what a key holds).
//   TierUpLayer     (TierUpLayer.h) LLVM's baseline code of a function only:
//                   inserts the entry-block call counter; CallCounters
//                   (CallCounters.h) makes the counters of LLVM's and native
//                   baseline code and calls back at the threshold.
//   IRTransformLayer the optimised tier: verify, then the Optimizer (new pass
//                   manager) on one module at a time; the baseline tier only
//                   verifies.
//   IRCompileLayer  one ObjectCompiler per tier: a TargetMachine at the
//     x2            session's level, and one at CodeGenOptLevel::None for the
//                   baseline tier (built on first use, so never by a session
//                   whose baseline code is all native); HostTarget.h decides
//                   their settings, for --emit=asm too.
//   ObjectLinkingLayer JITLink, in process: links each object, allocates
//                   code with W^X pages from 64 MiB reservations, frees it by
//                   ResourceTracker.
// Beside the stack: HostGenerator (HostGenerator.h) resolves what `extern`
// may reach, and RetiredCode (RetiredCode.h) holds replaced code (ORC's and
// native) until no JIT'd frame can be running it.
//
// Three JITDylibs keep the name spaces apart:
//   <stubs>   the Kaleidoscope names ("fib"): only stubs. Defined on demand
//             by a generator, so declaring a function costs a table entry.
//   <bodies>  versioned bodies compiled by LLVM ("fib$1", "fib$2";
//             "fib$1.opt" for the optimised recompile of baseline code),
//             defined when first needed, each under its own ResourceTracker
//             so that a redefinition can free the old machine code.
//   <host>    what `extern` may reach: the runtime, the C math library, and
//             (only if allowed) every symbol of the process.
// Bodies link against <bodies>, then <stubs>, then <host>. A stub's
// trampoline lands at the current body (native code, or the body looked up
// in <bodies>) or, for an extern without a definition, the name looked up in
// <host>; a name found in neither is a runtime error naming the function,
// raised through the runtime's guard.
//
// Two tiers. Compiling a small function at -O2 costs about half a
// millisecond, nearly all of it in instruction selection and register
// allocation. So a function whose every activation runs a bounded number of
// operations (no `for`, no call to itself: its time is spent in the functions
// it calls, each behind its own stub) is first compiled by the *baseline*
// tier: kaleido's own generator straight from the AST (NativeBaseline, a
// few microseconds) or LLVM with no IR passes and fast instruction selection
// and register allocation (about a third of -O2's cost). Its code counts
// its calls; at the threshold it
// asks for the *optimised* tier (the session's -O level), which is compiled
// and installed in the stub, so every later call runs optimised code. The
// baseline code is retired, and freed once nothing can be running it (the
// next time the session is at top level). A function with a loop or a self
// call could spend unbounded time in one baseline activation, so it goes
// straight to the optimised tier: the choice is made from the AST, before
// the first call.
//
// Why not CompileOnDemandLayer over one big module, as lli -jit-kind=orc-lazy
// does: every first call would split the module (cost grows with the
// program), and every definition would need IR up front. Why not the new
// LazyReexportsManager: its reentry goes through the ORC runtime, which must be
// loaded into the process first; that costs start-up time we do not want to
// pay for an in-process JIT. Why not the LazyCallThroughManager (which kaleido
// used until native code came): its trampolines can only land at a symbol
// looked up in a JITDylib, and an ORC lookup with its materialization costs
// about 60,000 instructions, twice what the native generator takes to
// compile the body. Why not ReOptimizeLayer for the tiers: it keeps
// every module's IR alive to re-optimise it later and calls back through the
// ORC runtime's wrapper-function protocol; we keep the AST (which the session
// holds anyway) and regenerate IR, and the counter's call is a plain C call.
// What we trade away: stubs cost an indirect jump on every call between
// functions (calls to self are direct). Optimised code inlines small callees
// (IR generation does, guarded by the callee's version word, see
// getVersionWord), so a redefinition still reaches a caller compiled earlier,
// through the stub, without recompiling it.
//
// Threads. Everything above runs on the program's thread, in the call that
// needs it, except tier-ups when JITOptions::CompileThreads is set: then a
// counter that runs out only captures the body (BodySource::captureIR) and
// posts the compile to the BackgroundCompiler (BackgroundCompiler.h), and
// the program goes on in baseline code. Each compile thread has LLVM's
// optimised tier to itself and links in an ORC session of its own; it
// shares only the StubTable, which is made for it. The thread links the
// code, points the stub at it if the function has not been redefined
// meanwhile (StubTable::redirectIfCurrent), and leaves the rest -- retiring
// the baseline code, telling OnCompiled and OnError -- to the program's
// thread, which does it at its next call into the JIT (installFinished).
// Ending the session drops compiles not started and waits for running ones.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_KALEIDOJIT_H
#define KALEIDO_JIT_KALEIDOJIT_H

#include "JIT/BodySource.h"
#include "JIT/BodyUnit.h"

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
namespace orc {
class IRLayer;
} // namespace orc
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace kaleido {

struct FunctionState;
class CodeListeners;
class CompileCache;

/// How to build a KaleidoJIT. Bodies is required; the rest have defaults.
struct JITOptions {
  /// The bodies of defined functions. Required; must outlive the JIT.
  BodySource *Bodies = nullptr;
  /// The optimised tier's level, 0 to 3. At 0 there is no separate baseline.
  unsigned OptLevel = 2;
  /// Calls after which a function running baseline code is recompiled at
  /// OptLevel. 0 turns the baseline tier off: every body is compiled at
  /// OptLevel the first time.
  unsigned TierUpCalls = 1000;
  /// Whether a function's baseline code comes from the native generator
  /// (Baseline/NativeEmitter.h, through BodySource::generateNative) instead
  /// of LLVM at -O0; a body it does not support still gets LLVM's. Top-level
  /// expressions compiled by compileExpression always get LLVM's.
  bool NativeBaseline = false;
  bool AllowHostSymbols = false;
  /// Resolves a name in <host>: what an extern without a definition reaches
  /// (Arity is its number of parameters), and the runtime functions
  /// generated code calls (Arity is nullopt). Null if none; an error makes
  /// the call fail with its message (an extern whose arity does not match
  /// the host function's).
  std::function<llvm::Expected<void *>(llvm::StringRef Name,
                                       std::optional<unsigned> Arity)>
      ResolveHostSymbol;
  /// Where a failed lazy call lands (called in place of the body).
  void *LazyCallFailureHandler = nullptr;
  /// The session's poll word (Runtime/Runtime.h), which generated code
  /// reads through the symbol KaleidoJIT::getPollWordSymbol(): the JIT's
  /// linker resolves it, so the code holds no address of this process.
  /// Null if no code polls.
  const void *PollWord = nullptr;
  /// Told every error the JIT cannot return to a caller (a lazy call that
  /// failed, a body that failed to compile, retired code that could not be
  /// freed), already phrased for a user. May be called while JIT'd code runs
  /// (from a lazy call) and from ~KaleidoJIT (an error ending the session),
  /// so whatever it touches must outlive the JIT. A failed tier-up reports
  /// its cause here and is counted (KaleidoJIT::getTierUpFailures).
  std::function<void(std::string)> OnError;
  /// Told each compiled body, on the thread that uses the JIT (a background
  /// compile at the JIT's next call after it finished).
  std::function<void(const CompileInfo &)> OnCompiled;
  /// Threads that compile tier-ups while the program keeps running its
  /// baseline code; 0 compiles them on the calling thread, inside the call
  /// that ran out of its count.
  unsigned CompileThreads = 0;
  /// Told where every body's code is, of every tier, before it first runs
  /// (profiling: CodeListener.h); null, the default, for no one. Must
  /// outlive the JIT.
  CodeListeners *Listeners = nullptr;
  /// Where LLVM's compiled bodies are kept across runs (CompileCache.h),
  /// by every tier but LLVM's counted baseline; null, the default, for
  /// nowhere. Must outlive the JIT.
  CompileCache *Cache = nullptr;
  /// Whether the compile threads record time-trace spans (TimeTrace.h):
  /// the calling thread records them whenever it runs LLVM's profiler.
  bool TimeTrace = false;
  /// Whether every body is registered with the debugger through the GDB
  /// JIT interface (GDBRegistration.h) while it lives: LLVM's code with the
  /// DWARF its IR carries (the BodySource must emit it), native code with
  /// what NativeDebugObject.h builds. Registration is single-threaded, so
  /// it makes CompileThreads 0. Off by default: then nothing is registered
  /// and nothing is paid.
  bool DebugInfo = false;
};

/// What the JIT counts about tier-ups (KaleidoJIT::getTierUpStats).
struct TierUpStats {
  /// Functions recompiled in the optimised tier and installed.
  uint64_t TierUps = 0;
  /// Tier-up compiles that failed (see KaleidoJIT::getTierUpStats).
  uint64_t Failures = 0;
  /// Tier-ups posted to a compile thread, and of those, the ones dropped
  /// unrun when the JIT ended. The others ran (and were installed unless
  /// they failed or the function was redefined while they compiled).
  uint64_t BackgroundPosted = 0;
  uint64_t BackgroundDropped = 0;
  /// Time background compiles waited for a thread: in all, and the longest.
  double QueueSeconds = 0;
  double MaxQueueSeconds = 0;
  /// The longest the program's thread was held by one tier-up: the whole
  /// compile without compile threads, the capture and the post with them.
  double MaxPauseSeconds = 0;
  /// The most CPU time one tier-up used on the program's thread: as
  /// MaxPauseSeconds without the time the thread was not running.
  double MaxPauseCPUSeconds = 0;
};

/// What the JIT knows about one function now (KaleidoJIT::report).
struct FunctionReport {
  /// Definitions so far; 0 while the name is only an extern.
  uint32_t Version = 0;
  /// Whether the current version has a body (not an extern, or undone).
  bool HasBody = false;
  /// Whether the current body has code (or is being compiled).
  bool Compiled = false;
  /// Whether its last compile failed (it then has no code).
  bool Failed = false;
  /// Whether that code is baseline code, and whether it is native.
  bool Baseline = false;
  bool Native = false;
  /// Calls of the current body's baseline code so far, where it counts
  /// them.
  std::optional<uint64_t> Calls;
  /// Bytes of machine code of the current body (0 until it has some).
  uint64_t CodeBytes = 0;
  /// Where native code starts (its CodeBytes long); null for LLVM's code.
  llvm::orc::ExecutorAddr NativeCode;
};

/// The lazy, per-function JIT: the composition of the layers above. Used
/// from one thread at a time.
class KaleidoJIT {
public:
  /// Builds the stack for the host process: LLVM's part (a TargetMachine,
  /// the pass pipeline) only when the first body needs it, so that failing
  /// to target the host fails that compile. Fails if OptLevel is over 3,
  /// Opts.Bodies is null or the host has no stubs.
  static llvm::Expected<std::unique_ptr<KaleidoJIT>> create(JITOptions Opts);
  /// Ends the session, freeing all code; an error doing so goes to
  /// Opts.OnError.
  ~KaleidoJIT();

  /// Declares Name (an `extern` of Arity parameters). Until it gets a body,
  /// calls reach the host symbol of that name, or raise a runtime error if
  /// there is none.
  void declare(llvm::StringRef Name, unsigned Arity);

  /// Gives Name a new body (the one JITOptions::Bodies now has for it),
  /// replacing any earlier one: every later call, including calls from code
  /// compiled earlier, reaches it through Name's stub. The old body's code is
  /// freed, so no JIT'd code may be running. The body is compiled when it is
  /// first called (and again if it tiers up), or now, at OptLevel, if Eager;
  /// an error from an eager compile is returned. Costs a table entry.
  llvm::Error define(llvm::StringRef Name, bool Eager);

  /// Takes Name's body away (an undone definition): it is an extern again,
  /// whose calls reach the host symbol of that name. Inlined copies of the
  /// body see the version change. No JIT'd code may be running. Nothing to
  /// do for a name the JIT never saw.
  llvm::Error undefine(llvm::StringRef Name);

  /// Compiles an anonymous function of no arguments under Symbol (which must
  /// not name a declared function), with the baseline tier if T says so
  /// and the JIT has tiers (-O1 and up, TierUpCalls); KeepBaseline makes
  /// Tier::Baseline hold without tiers too (a body too large for the
  /// optimiser). DisplayName is what OnCompiled is told. The caller runs it,
  /// then frees its code by removing RT.
  llvm::Expected<llvm::orc::ExecutorAddr>
  compileExpression(llvm::StringRef Symbol, llvm::StringRef DisplayName,
                    IRGenerator Gen, Tier T, llvm::orc::ResourceTrackerSP &RT,
                    bool KeepBaseline = false);

  /// Frees the code of an expression compileExpression made, which must not
  /// be running (under JITOptions::DebugInfo it is kept instead, as
  /// replaced bodies are: RetiredCode::keepForDebugger).
  llvm::Error releaseExpression(llvm::orc::ResourceTrackerSP RT);

  /// Frees the baseline code of functions that have tiered up since the last
  /// call. Call only while no JIT'd code is running (the session does after
  /// every top-level expression); define() does it too.
  void releaseRetiredCode();

  /// The tier-up counters. A failed tier-up leaves the function running its
  /// baseline code, which is correct. Why a compile failed (IR generation,
  /// the verifier, code generation) is told to OnError by the layer it
  /// failed in, as for any compile; what the tier-up itself then sees (a
  /// lookup error repeating that cause, or a stub that could not be
  /// redirected) is counted in Failures instead: it would only repeat the
  /// cause, and the session gives OnError's messages to the run's next
  /// runtime error. A background tier-up is counted when it is installed,
  /// the rest of its record at the JIT's next call after that.
  TierUpStats getTierUpStats() const;

  /// Waits until no tier-up is queued or compiling, then installs what
  /// finished (for tests and tools that need the counters settled).
  void waitForCompiles();

  /// Starts the compile threads now, not at the first tier-up (which would
  /// pay for it: about 40 microseconds, once).
  void startCompileThreads();

  /// Ends the compile threads: drops the tier-ups not started, waits for the
  /// running ones and installs them. Later tier-ups compile on the calling
  /// thread. Idempotent; the destructor does it.
  void stopCompileThreads();

  /// How many replaced bodies (redefined, or baseline code that tiered up)
  /// have had their machine code freed.
  uint64_t getBodiesFreed() const;

  /// Bytes of native baseline code in use (0 without NativeBaseline).
  uint64_t getNativeCodeBytes() const;

  /// Whether LLVM's part of the stack (a TargetMachine, the pass pipeline)
  /// has been built: only once a body needed LLVM.
  bool hasBuiltLLVM() const;

  /// Compiles Name's current body as its first call would (native baseline,
  /// LLVM's baseline or optimised code), without running it; nothing to do
  /// if it has code or no body.
  llvm::Error compileNow(llvm::StringRef Name);

  /// What the JIT knows about Name, or std::nullopt if it was never
  /// declared or defined.
  std::optional<FunctionReport> report(llvm::StringRef Name);

  /// The permanent address of Name's stub (declared names only).
  llvm::Expected<llvm::orc::ExecutorAddr> lookupStub(llvm::StringRef Name);
  /// The word Name's stub jumps through, or null (StubTable::getStubTarget).
  llvm::Expected<const uint64_t *> lookupStubTarget(llvm::StringRef Name);

  /// The symbol generated code reads the poll word by
  /// (JITOptions::PollWord; IRGenOptions::PollWordSymbol). No Kaleidoscope
  /// name has a '_'.
  static llvm::StringRef getPollWordSymbol() { return "kaleido_jit_poll_word"; }

  /// What the JIT holds that a redefinition could add to (issue 9's soak);
  /// for tests that check it stays flat. Slow (it walks the string pool).
  struct Retained {
    /// The stub table's names, trampolines and body symbols.
    size_t Functions = 0, Trampolines = 0, BodySymbols = 0;
    /// Entries of the session's symbol string pool, dead ones included.
    size_t PoolSymbols = 0;
    /// Bytes the code arena has handed out and not taken back.
    uint64_t ArenaBytes = 0;
    /// LLVMContexts made after the first (BodyContext::countBody).
    uint64_t ContextsRenewed = 0;
  };
  Retained getRetained() const;

  /// A word that counts Name's definitions (0 while it has none): it changes
  /// exactly when Name gets a new body, and lives as long as the JIT. Code
  /// that inlined a body tests it. Null if Name is not declared.
  const uint32_t *getVersionWord(llvm::StringRef Name) const;

private:
  struct Layers;
  struct LLVMTiers;

  KaleidoJIT(JITOptions Opts);
  llvm::Error init();
  /// define() and undefine().
  llvm::Error newVersion(llvm::StringRef Name, bool HasBody, bool Eager);
  void initNative();
  /// The BackgroundCompiler, if JITOptions::CompileThreads asks for one.
  void initCompileThreads();
  /// LLVM's part of the stack, built on first use.
  llvm::Expected<LLVMTiers &> llvmTiers();
  /// Whether F's current body starts in the baseline tier: there is one,
  /// and the body is bounded.
  bool startsInBaseline(FunctionState &F);
  /// Whether F's current body may be optimised: at -O0 every body is
  /// "optimised" at -O0, else only one within OptimiserLimits
  /// (BodySource::fitsOptimiser); a larger one keeps its baseline code.
  bool optimisable(FunctionState &F);
  /// What F's stub's trampoline lands at (StubTable::ResolveFn, and
  /// compileNow): F's body, made now if need be (makeBody), natively if it
  /// can be; a failure is noted in F.CompileFailed.
  llvm::Expected<llvm::orc::ExecutorAddr> resolveBody(FunctionState &F);
  llvm::Expected<llvm::orc::ExecutorAddr> makeBody(FunctionState &F);
  /// Gives F native baseline code; false if the generator does not support
  /// the body.
  llvm::Expected<bool> compileNative(FunctionState &F);
  /// Hands F's current body to <bodies> as Sym, to be compiled when Sym is
  /// looked up: in the baseline tier if Baseline (with a call counter if
  /// Counted), else optimised.
  llvm::Error defineBody(FunctionState &F,
                         const llvm::orc::SymbolStringPtr &Sym, bool Baseline,
                         bool Counted);
  /// Fills in the profile name's parts of I for F (its version, and while
  /// profiling its source).
  void describeBody(FunctionState &F, BodyUnit::Info &I);
  /// Hands F's current code to RetiredCode.
  void retireBody(FunctionState &F);
  /// Counts Died more symbols whose code was freed (besides the body
  /// symbols the stub table forgot), and drops the string pool's dead
  /// entries once there are at least 1,024 and as many as the table has
  /// names and symbols: the walk of the pool then costs a constant per
  /// symbol that died.
  void sweepSymbols(size_t Died);
  /// The baseline tier's compile layer (verify, compile), built on first use.
  llvm::Expected<llvm::orc::IRLayer &> baselineLayer();
  /// The counted baseline layer (TierUpLayer over baselineLayer()).
  llvm::Expected<llvm::orc::IRLayer &> countedBaselineLayer();
  /// Called by baseline code whose counter ran out.
  void tierUp(const llvm::orc::SymbolStringPtr &Body);
  /// Compiles F's optimised code on this thread and points the stub at it.
  void tierUpNow(FunctionState &F);
  llvm::Error installOptimized(FunctionState &F,
                               llvm::orc::ResourceTrackerSP &RT);
  /// Posts F's optimised compile to a compile thread; false (nothing
  /// posted) if the body cannot be captured.
  bool postTierUp(FunctionState &F);
  /// On the program's thread: finishes what background compiles left (the
  /// replaced baseline code, the reports). Cheap when there is nothing.
  void installFinished();
  std::string describeFailure(llvm::Error Err);

  JITOptions Opts;
  std::unique_ptr<llvm::orc::ExecutionSession> ES;
  std::unique_ptr<Layers> L;
  llvm::orc::JITDylib *Stubs = nullptr;
  llvm::orc::JITDylib *Bodies = nullptr;
  llvm::orc::JITDylib *Host = nullptr;
  /// The tier-up counters of the program thread's compiles; those of
  /// compile threads are the BackgroundCompiler's.
  mutable std::mutex StatsMutex;
  TierUpStats Stats;
  /// Symbols dead (or soon: their code is being freed) since the string
  /// pool was last swept.
  size_t DeadSymbols = 0;
};

} // namespace kaleido

#endif // KALEIDO_JIT_KALEIDOJIT_H
