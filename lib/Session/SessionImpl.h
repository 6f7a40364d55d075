//===- SessionImpl.h - The state a Session owns ------------------*- C++
//-*-===//
//
// Part of kaleido. Private to the Session library.
//
// The session reads a program item by item: parse (against the operator
// precedences of the items before), check, record in the tables, and hand
// over to its Executor (Session/Executor.h), which makes definitions
// runnable and runs expressions. Everything the session decides is in
// Session.cpp; everything the executor decides is behind that seam.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_SESSIONIMPL_H
#define KALEIDO_SESSION_SESSIONIMPL_H

#include "kaleido/Session.h"

#include "AST/AST.h"
#include "Basic/DiagnosticEngine.h"
#include "Parse/OperatorTable.h"
#include "Runtime/HostFunctions.h"
#include "Runtime/Runtime.h"
#include "Sema/Sema.h"
#include "Session/Executor.h"
#include "Session/UndoLog.h"
#include "Session/Watchdog.h"

#include "JIT/CodeListener.h"
#include "JIT/CompileCache.h"
#include "JIT/TimeTrace.h"
#include "llvm/Support/Compiler.h"

namespace kaleido {

// Hidden: the shared library exports Session, not its insides.
class LLVM_LIBRARY_VISIBILITY Session::Impl {
public:
  /// Builds the executor Opts.Mode asks for.
  static llvm::Expected<std::unique_ptr<Impl>> create(SessionOptions Opts);

  llvm::Error run(const SourcePiece &Piece, llvm::StringRef BufferName);
  bool needsMoreInput(llvm::StringRef Source) const;
  /// Stream.cpp.
  size_t completeItems(const SourcePiece &Piece, bool AtEnd) const;
  llvm::Expected<UndoneInput> undo();
  llvm::Error printFunction(llvm::StringRef Name, EmitKind Kind,
                            llvm::raw_ostream &OS);
  llvm::Error emit(llvm::StringRef Source, llvm::StringRef BufferName,
                   EmitKind Kind, llvm::raw_ostream &OS);
  llvm::Expected<double> call(llvm::StringRef Name,
                              llvm::ArrayRef<double> Args);
  llvm::Expected<uint64_t> lookupAddress(llvm::StringRef Name, unsigned Arity);
  /// Session::prepare and what PreparedCall's calls do (PreparedCall.cpp).
  llvm::Expected<std::shared_ptr<PreparedCall::State>>
  prepare(llvm::StringRef Name, unsigned Arity);
  llvm::Expected<double> callPrepared(PreparedCall::State &S,
                                      llvm::ArrayRef<double> Args);
  llvm::Error callBatch(PreparedCall::State &S,
                        llvm::ArrayRef<const double *> Columns, double *Out,
                        size_t Count);
  void interrupt();
  /// SessionOptions::Timeout's clock, or null if there is no limit.
  Watchdog *clock() const { return Clock.get(); }
  SessionStats getStats() const;
  std::vector<FunctionInfo> functions() const;
  void
  forEachFunction(llvm::function_ref<void(const FunctionInfo &)> Visit) const;
  void waitForCompiles() {
    Exec->waitForCompiles();
    reportCacheWarnings();
  }
  void startCompileThreads() { Exec->startCompileThreads(); }
  void stopCompileThreads() {
    Exec->stopCompileThreads();
    reportCacheWarnings();
  }
  /// See Session::finishProfiling (Profiling.cpp).
  llvm::Error finishProfiling();
  ~Impl() {
    // Prepared calls outlive the session safely: their inline path sees a
    // new generation, their slow path no owner.
    Anchor->Owner = nullptr;
    ++Anchor->Generation;
    llvm::consumeError(finishProfiling());
  }

  /// What a session's PreparedCalls hold on to: the session while it
  /// lives, and its count of changes to the tables (a definition, an undo,
  /// its end): a prepared call made before the last one looks its function
  /// up again.
  struct Handles {
    Impl *Owner;
    uint64_t Generation = 0;
  };

private:
  explicit Impl(SessionOptions Opts)
      : Opts(std::move(Opts)), Ops(this->Opts.Language),
        Undo(this->Opts.UndoLimit),
        Anchor(std::make_shared<Handles>(Handles{this, 0})) {}

  /// Reports Err, the failure of program code called at Loc, to Diags: a
  /// runtime fault or interrupt as the program's (and sets Ran), anything
  /// else as an internal error. Returns the SessionError for the caller.
  llvm::Error reportFailure(llvm::Error Err, SourceLocation Loc,
                            DiagnosticEngine &Diags, bool &Ran);
  /// Looks S's function up for this generation of the tables: its
  /// signature, where the fast path enters it, and whether it needs the
  /// guard.
  llvm::Error bind(PreparedCall::State &S);
  /// Whether Name's body can neither fail nor run long: no loop, and calls
  /// only to the C math library (PreparedCall.cpp).
  bool cannotFail(llvm::StringRef Name) const;

  /// Opens the profiles Opts asks for and starts the time trace (before the
  /// executor, which is told of them through EO). Profiling.cpp.
  llvm::Error startProfiling(ExecutorOptions &EO);

  /// Opens the compile cache Opts asks for, if any, and hands it to EO; a
  /// directory that cannot be used is a warning, and no cache.
  /// Caching.cpp.
  llvm::Error startCache(ExecutorOptions &EO);
  /// Tells OnDiagnostic the compile cache's warnings since the last call
  /// (left by any thread: told on this one). Caching.cpp.
  void reportCacheWarnings();

  /// Reads the items of Piece one by one; for each accepted item calls
  /// OnItem. Stops at the first error.
  llvm::Error forEachItem(
      const SourcePiece &Piece, llvm::StringRef BufferName,
      llvm::function_ref<llvm::Error(TopLevelItem &, DiagnosticEngine &)>
          OnItem);

  /// Records a checked extern or def in the tables (not in the executor).
  void record(const TopLevelItem &Item, llvm::StringRef BufferName);

  llvm::Error runItem(TopLevelItem &Item, DiagnosticEngine &Diags);

  /// Runs F with the executor and reports a failure at F's location: a
  /// runtime fault or interrupt as the program's, anything else as an
  /// internal error.
  llvm::Expected<double> runExpression(const FunctionAST &F,
                                       DiagnosticEngine &Diags);

  /// Checks that Name is declared with Arity parameters; What names the
  /// caller's argument list in the message.
  llvm::Error checkSignature(llvm::StringRef Name, size_t Arity,
                             llvm::StringRef What) const;

  llvm::Error emitTokens(llvm::StringRef Source, llvm::raw_ostream &OS);

public:
  llvm::Error defineHostFunction(llvm::StringRef Name, unsigned Arity, void *F,
                                 void *Context, bool PassContext);
  /// What an extern without a definition reaches (ExecutorOptions).
  llvm::Expected<void *> resolveHost(llvm::StringRef Name,
                                     std::optional<unsigned> Arity);
  llvm::Error emitProgram(llvm::ArrayRef<ProgramInput> Inputs, EmitKind Kind,
                          const ProgramOptions &PO, llvm::raw_ostream &OS);

private:
  static llvm::Error compileError(const llvm::Twine &Msg) {
    return llvm::make_error<SessionError>(ErrorKind::Compile, Msg.str());
  }

  SessionOptions Opts;
  OperatorTable Ops;
  FunctionTable Functions;
  UndoLog Undo;
  SessionStats Stats;
  /// Polled by generated code; see Runtime/Runtime.h. Never moves: generated
  /// code holds its address.
  rt::PollWord Poll{0};
  std::atomic<bool> InterruptRequested{false};
  /// The host's functions (defineHostFunction): what an extern reaches
  /// first. Its thunks outlive the executor's code.
  rt::HostFunctionTable Hosts;
  /// Profiling, if asked for: they outlive the executor, which tells them.
  std::unique_ptr<CodeListeners> Listeners;
  std::unique_ptr<TimeTrace> Trace;
  /// SessionOptions::Timeout's clock, if there is a limit: before Anchor,
  /// after the poll word it raises.
  std::unique_ptr<Watchdog> Clock;
  std::shared_ptr<Handles> Anchor;
  /// The compile cache, if asked for and usable; outlives the executor.
  std::unique_ptr<CompileCache> Cache;
  /// Built last: it reads the tables and the poll word above.
  std::unique_ptr<Executor> Exec;
};

} // namespace kaleido

#endif // KALEIDO_SESSION_SESSIONIMPL_H
