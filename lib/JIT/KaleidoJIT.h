//===- KaleidoJIT.h - The lazy, per-function ORC JIT -------------*- C++ -*-===//
//
// Part of kaleido.
//
// Rationale
// ---------
// Every Kaleidoscope function has one permanent entry point, a stub, and a
// body that is produced only when the stub is first called. The stack, from
// the bottom:
//
//   ObjectLinkingLayer   JITLink, in process: links each object, allocates
//                        code with W^X pages, frees it by ResourceTracker.
//   IRCompileLayer       one TargetMachine, code model and opt level fixed.
//   IRTransformLayer     the Optimizer (new pass manager), one module at a
//                        time.
//   FunctionBodyUnit     our MaterializationUnit: holds a function's AST (via
//                        an IRGenerator closure) and generates its IR only
//                        when the body symbol is looked up.
//   stubs                LocalIndirectStubsManager (a RedirectableSymbolManager)
//                        plus a LazyCallThroughManager: the stub jumps through
//                        a pointer that starts at a reentry trampoline and is
//                        redirected to the compiled body on first call.
//
// Three JITDylibs keep the name spaces apart:
//   <stubs>   the Kaleidoscope names ("fib"): only stubs. Defined on demand
//             by a generator, so declaring a function costs a table entry.
//   <bodies>  versioned bodies ("fib$1", "fib$2"), also defined on demand by
//             a generator, each under its own ResourceTracker so that a
//             redefinition can free the old machine code.
//   <host>    what `extern` may reach: the runtime, the C math library, and
//             (only if allowed) every symbol of the process.
// Bodies link against <bodies>, then <stubs>, then <host>. A stub's reentry
// trampoline looks up either the current body in <bodies> or, for an extern
// without a definition, the name in <host>; a name found in neither is a
// runtime error naming the function, raised through the runtime's guard.
//
// Why not CompileOnDemandLayer over one big module, as lli -jit-kind=orc-lazy
// does: every first call would split the module (cost grows with the
// program), and every definition would need IR up front. Why not the new
// LazyReexportsManager: its reentry goes through the ORC runtime, which must be
// loaded into the process first; that costs start-up time we do not want to
// pay for an in-process JIT. What we trade away: stubs cost an indirect jump
// on every call between functions (calls to self are direct), and nothing is
// inlined across functions, because that would defeat redefinition.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_KALEIDOJIT_H
#define KALEIDO_JIT_KALEIDOJIT_H

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace kaleido {

/// Produces the IR module for one body, named Symbol, in Ctx.
using IRGenerator = llvm::unique_function<
    llvm::Expected<std::unique_ptr<llvm::Module>>(llvm::LLVMContext &Ctx,
                                                  llvm::StringRef Symbol)>;

struct JITOptions {
  unsigned OptLevel = 2;
  bool AllowHostSymbols = false;
  /// Resolves a name in <host>: what an extern without a definition reaches
  /// (and the runtime functions generated code calls). Null if none.
  std::function<void *(llvm::StringRef)> ResolveHostSymbol;
  /// Where a failed lazy call lands; see LazyCallThroughManager.
  void *LazyCallFailureHandler = nullptr;
  /// Told every error the JIT cannot return to a caller (a lazy call that
  /// failed, a body that failed to compile), already phrased for a user.
  std::function<void(std::string)> OnError;
  /// Told each compiled body: the function's name (or the expression's
  /// symbol), and the seconds it took.
  std::function<void(llvm::StringRef, bool IsFunction, double)> OnCompiled;
};

class KaleidoJIT {
public:
  /// Builds the stack for the host process. Fails if the host cannot be
  /// targeted.
  static llvm::Expected<std::unique_ptr<KaleidoJIT>> create(JITOptions Opts);
  ~KaleidoJIT();

  const llvm::DataLayout &getDataLayout() const { return DL; }
  llvm::TargetMachine &getTargetMachine() { return *TM; }

  /// Declares Name (an `extern`). Until it gets a body, calls reach the host
  /// symbol of that name, or raise a runtime error if there is none.
  void declare(llvm::StringRef Name);

  /// Gives Name a new body, replacing any earlier one: every later call,
  /// including calls from code compiled earlier, reaches it through Name's
  /// stub. The old body's code is freed. Gen runs when the body is first
  /// called, or now if Eager; an error from an eager compile is returned.
  llvm::Error define(llvm::StringRef Name, IRGenerator Gen, bool Eager);

  /// Compiles an anonymous function of no arguments under Symbol (which must
  /// not name a declared function); DisplayName is what OnCompiled is told.
  /// The caller runs it, then frees its code by removing RT.
  llvm::Expected<llvm::orc::ExecutorAddr>
  compileExpression(llvm::StringRef Symbol, llvm::StringRef DisplayName,
                    IRGenerator Gen, llvm::orc::ResourceTrackerSP &RT);

  /// How many replaced bodies have had their machine code freed.
  uint64_t getBodiesFreed() const { return BodiesFreed; }

  /// The permanent address of Name's stub (declared names only).
  llvm::Expected<llvm::orc::ExecutorAddr> lookupStub(llvm::StringRef Name);

private:
  class BodyUnit;
  class StubGenerator;
  class BodyGenerator;
  class HostGenerator;
  struct FunctionState;

  KaleidoJIT(JITOptions Opts);
  llvm::Error init();
  llvm::Expected<llvm::orc::ExecutorAddr> makeTrampoline(llvm::StringRef Name,
                                                         FunctionState &F);
  std::string describeFailure(llvm::Error Err);

  JITOptions Opts;
  std::unique_ptr<llvm::orc::ExecutionSession> ES;
  std::unique_ptr<llvm::TargetMachine> TM;
  llvm::DataLayout DL;
  struct Layers;
  std::unique_ptr<Layers> L;
  llvm::orc::JITDylib *Stubs = nullptr;
  llvm::orc::JITDylib *Bodies = nullptr;
  llvm::orc::JITDylib *Host = nullptr;
  llvm::StringMap<FunctionState> Functions;
  uint64_t BodiesFreed = 0;
};

} // namespace kaleido

#endif // KALEIDO_JIT_KALEIDOJIT_H
