//===- Executor.h - How a session runs what it has read -----------*- C++
//-*-===//
//
// Part of kaleido. Private to the Session library.
//
// The session reads, checks and records each item; an Executor makes it
// runnable. This is the seam clang's Interpreter has in its
// IncrementalExecutor: the session never compiles or evaluates anything
// itself, so the JIT, the reference interpreter and (later) an executor in
// another process are interchangeable behind it. An executor reads the
// session's function table (the current definition of every name) and is
// told when a name is declared or gets a new definition.
//
// Errors: run() returns an rt::RuntimeError for a fault of the program
// (its kind says whether it was an error or an interrupt, its message is
// the user's); any other error is the executor's own failure, phrased as
// the rest of "internal error: ...".
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_EXECUTOR_H
#define KALEIDO_SESSION_EXECUTOR_H

#include "kaleido/Session.h"

#include "AST/AST.h"
#include "CodeGen/BatchKernel.h"
#include "Runtime/Runtime.h"
#include "Sema/Sema.h"

#include "llvm/Support/Error.h"

#include <functional>

namespace kaleido {

class CodeListeners;
class CompileCache;

/// What an executor is given by its session.
struct ExecutorOptions {
  /// The session's optimisation level, 0 to 3.
  unsigned OptLevel = 2;
  /// Compile each definition when it is read instead of on its first call.
  bool Eager = false;
  /// See SessionOptions::TierUpCalls.
  unsigned TierUpCalls = 1000;
  /// See SessionOptions::Baseline.
  BaselineKind Baseline = BaselineKind::LLVM;
  /// See SessionOptions::CompileThreads.
  unsigned CompileThreads = 0;
  /// See SessionOptions::AllowHostSymbols.
  bool AllowHostSymbols = false;
  /// What an `extern` without a definition reaches (the host's functions,
  /// then rt::resolveHostSymbol's): an address, null for none, or an error
  /// the call becomes. Arity is the extern's, or nullopt for the runtime's
  /// own symbols. If empty, rt::resolveHostSymbol with AllowHostSymbols.
  std::function<llvm::Expected<void *>(llvm::StringRef Name,
                                       std::optional<unsigned> Arity)>
      ResolveHost;
  /// Told where each body's code is (profiling), if not null; outlives the
  /// executor.
  CodeListeners *Listeners = nullptr;
  /// Whether compile threads record time-trace spans (SessionOptions).
  bool TimeTrace = false;
  /// Where compiled code is kept across runs (SessionOptions::CacheDir),
  /// if not null; outlives the executor.
  CompileCache *Cache = nullptr;
  /// See SessionOptions::DebugInfo.
  bool DebugInfo = false;
  /// Told each compiled body (the session counts and traces them).
  std::function<void(const CompileEvent &)> OnCompile;
  /// Where program output goes, the poll word and the interrupt flag: owned
  /// by the session, they outlive the executor.
  rt::Environment Env;
};

/// What an executor holds that a redefinition could add to (issue 9's
/// soak: a function redefined and called forever must keep memory flat).
/// For tests; 0 for whatever an executor does not have.
struct RetainedCounts {
  /// Names, trampolines and current body symbols in the JIT's stub table.
  size_t Functions = 0, Trampolines = 0, BodySymbols = 0;
  /// Entries of the JIT session's symbol string pool, dead ones included.
  size_t PoolSymbols = 0;
  /// Bytes of the code arena in use (native code, stubs, trampolines, and
  /// LLVM's code placed there).
  uint64_t ArenaBytes = 0;
  /// LLVMContexts the JIT made after its first one (each is dropped once
  /// it has generated a bounded number of bodies).
  uint64_t ContextsRenewed = 0;
};

class Executor {
public:
  virtual ~Executor();

  /// Name is declared by `extern` with Arity parameters: until a definition
  /// gives it a body, calls reach the host function of that name (or fail).
  virtual llvm::Error declare(llvm::StringRef Name, unsigned Arity) = 0;

  /// The function table has a new current definition for Name. No program
  /// code is running. Errors are the executor's own (an eager compile).
  virtual llvm::Error define(llvm::StringRef Name) = 0;

  /// Name no longer has a definition (it was undone): it is an extern again,
  /// or gone from the table. No program code is running.
  virtual llvm::Error undefine(llvm::StringRef Name) = 0;

  /// Runs F, a checked top-level expression (or any function of no
  /// parameters) read from BufferName, under the runtime guard, and returns
  /// its value.
  virtual llvm::Expected<double> run(const FunctionAST &F,
                                     llvm::StringRef BufferName) = 0;

  /// The permanent address of Name's machine-code entry, for a host that
  /// calls it directly. Name is declared.
  virtual llvm::Expected<uint64_t> lookupAddress(llvm::StringRef Name) = 0;

  /// Where Name's entry (lookupAddress) finds the code it jumps to: a word,
  /// changed atomically whenever Name gets new code, that a host may load
  /// and call its target itself, saving the entry's jump. Null if the
  /// executor has none (the host then calls the entry). Name is declared.
  virtual llvm::Expected<const uint64_t *> entryTarget(llvm::StringRef Name) {
    (void)Name;
    return nullptr;
  }

  /// Gives Name's current body its code now, as its first call would; nothing
  /// to do for an executor that compiles nothing. Name is defined.
  virtual llvm::Error compile(llvm::StringRef Name) {
    (void)Name;
    return llvm::Error::success();
  }

  /// A compiled loop that evaluates Name's current body over rows
  /// (CodeGen/BatchKernel.h), for PreparedCall::callBatch: built on first
  /// use and again once Name has a new body; the last one stays valid until
  /// then. Null if the executor has none for Name (an interpreter, or a name
  /// without a body): the session then calls row by row. Name is declared;
  /// no program code is running.
  virtual llvm::Expected<BatchKernelFn> batchKernel(llvm::StringRef Name) {
    (void)Name;
    return nullptr;
  }

  /// Fills in what the executor knows about Name's code (Info's status,
  /// version, calls, compile times, code size); Info's name, arity and
  /// Defined are the session's. Name is declared.
  virtual void describe(llvm::StringRef Name, FunctionInfo &Info) = 0;

  /// Prints the code of Name's current body at the tier it runs in, as IR
  /// or (Asm) machine code, compiling it first if it has none (see
  /// Session::printFunction). Name is defined.
  virtual llvm::Error printCode(llvm::StringRef Name, bool Asm,
                                llvm::raw_ostream &OS) = 0;

  /// Adds this executor's counters (compiles, tier-ups, freed bodies) to S.
  virtual void addStats(SessionStats &S) const = 0;

  /// What it holds now that could grow with redefinitions (slow: for
  /// tests). The interpreter holds nothing of its own.
  virtual RetainedCounts getRetained() const { return {}; }

  /// See Session::waitForCompiles, startCompileThreads and
  /// stopCompileThreads; nothing to do for an executor that compiles nothing
  /// in the background.
  virtual void waitForCompiles() {}
  virtual void startCompileThreads() {}
  virtual void stopCompileThreads() {}
};

/// The JIT (lib/JIT): functions compiled lazily (or eagerly) to machine code.
/// Gives Opts the default ResolveHost if it has none.
inline void useDefaultResolver(ExecutorOptions &Opts) {
  if (!Opts.ResolveHost)
    Opts.ResolveHost =
        [AllowAll = Opts.AllowHostSymbols](llvm::StringRef Name,
                                           std::optional<unsigned> Arity) {
          return rt::resolveHostSymbol(Name, Arity, AllowAll);
        };
}

llvm::Expected<std::unique_ptr<Executor>>
createJITExecutor(const FunctionTable &Functions, ExecutorOptions Opts);

/// The reference interpreter (lib/Interp): nothing is compiled; no JIT is
/// built.
std::unique_ptr<Executor> createInterpExecutor(const FunctionTable &Functions,
                                               ExecutorOptions Opts);

} // namespace kaleido

#endif // KALEIDO_SESSION_EXECUTOR_H
