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
//   IRCompileLayer x2    the optimised tier: one TargetMachine at the
//                        session's level, under an IRTransformLayer that
//                        runs the Optimizer (new pass manager) on one module
//                        at a time; the baseline tier: a second
//                        TargetMachine at CodeGenOptLevel::None, no IR passes.
//   BodyUnit             our MaterializationUnit: names a function's body and
//                        asks the session for its IR (from the AST) only when
//                        the body symbol is looked up, for either tier.
//   stubs                LocalIndirectStubsManager (a RedirectableSymbolManager)
//                        plus a LazyCallThroughManager: the stub jumps through
//                        a pointer that starts at a reentry trampoline and is
//                        redirected to the compiled body on first call.
//
// Three JITDylibs keep the name spaces apart:
//   <stubs>   the Kaleidoscope names ("fib"): only stubs. Defined on demand
//             by a generator, so declaring a function costs a table entry.
//   <bodies>  versioned bodies ("fib$1", "fib$2"; "fib$1.opt" for the
//             optimised recompile of baseline code), also defined on demand by
//             a generator, each under its own ResourceTracker so that a
//             redefinition can free the old machine code.
//   <host>    what `extern` may reach: the runtime, the C math library, and
//             (only if allowed) every symbol of the process.
// Bodies link against <bodies>, then <stubs>, then <host>. A stub's reentry
// trampoline looks up either the current body in <bodies> or, for an extern
// without a definition, the name in <host>; a name found in neither is a
// runtime error naming the function, raised through the runtime's guard.
//
// Two tiers. Compiling a small function at -O2 costs about half a
// millisecond, nearly all of it in instruction selection and register
// allocation. So a function whose every activation runs a bounded number of
// operations (no `for`, no call to itself: its time is spent in the functions
// it calls, each behind its own stub) is first compiled by the *baseline*
// tier: no IR passes, fast instruction selection and register allocation,
// about a third of the cost. Its code counts its calls; at the threshold it
// asks for the *optimised* tier (the session's -O level), which is compiled
// and installed in the stub, so every later call runs optimised code. The
// baseline code is freed once nothing can be running it (the next time the
// session is at top level). A function with a loop or a self call could spend
// unbounded time in one baseline activation, so it goes straight to the
// optimised tier: the choice is made from the AST, before the first call.
//
// Why not CompileOnDemandLayer over one big module, as lli -jit-kind=orc-lazy
// does: every first call would split the module (cost grows with the
// program), and every definition would need IR up front. Why not the new
// LazyReexportsManager: its reentry goes through the ORC runtime, which must be
// loaded into the process first; that costs start-up time we do not want to
// pay for an in-process JIT. Why not ReOptimizeLayer for the tiers: it keeps
// every module's IR alive to re-optimise it later and calls back through the
// ORC runtime's wrapper-function protocol; we keep the AST (which the session
// holds anyway) and regenerate IR, and the counter's call is a plain C call.
// What we trade away: stubs cost an indirect jump on every call between
// functions (calls to self are direct). Optimised code inlines small callees
// (IR generation does, guarded by the callee's version word, see
// getVersionWord), so a redefinition still reaches a caller compiled earlier,
// through the stub, without recompiling it.
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
#include <optional>
#include <string>
#include <vector>

namespace llvm {
namespace orc {
class IRLayer;
}
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace kaleido {

/// Which code generator compiles a body.
enum class Tier {
  /// No IR passes, fast instruction selection and register allocation; the
  /// code counts its calls and asks for the optimised tier when hot.
  Baseline,
  /// The session's optimisation level.
  Optimized,
};

/// Produces the IR module for one body, named Symbol, in Ctx, for tier T (the
/// session inlines callees only into optimised code).
using IRGenerator = llvm::unique_function<
    llvm::Expected<std::unique_ptr<llvm::Module>>(
        llvm::LLVMContext &Ctx, llvm::StringRef Symbol, Tier T)>;

/// What the JIT asks its owner about a defined function's current body.
/// Functions are named; the JIT compiles only the current body of a name.
class BodySource {
public:
  virtual ~BodySource();
  /// The IR module of Name's current body, emitted under Symbol, for tier T.
  virtual llvm::Expected<std::unique_ptr<llvm::Module>>
  generateIR(llvm::LLVMContext &Ctx, llvm::StringRef Name,
             llvm::StringRef Symbol, Tier T) = 0;
  /// Whether one call of Name's current body runs a bounded number of
  /// operations by itself (no loop, no call to itself), so that it may start
  /// in the baseline tier. Asked once per body, at its first compile.
  virtual bool isBounded(llvm::StringRef Name) = 0;
};

/// What JITOptions::OnCompiled is told about each compiled body.
struct CompileInfo {
  /// The function's name, or the expression's display name.
  llvm::StringRef Name;
  bool IsFunction = false;
  /// The optimisation level of the code: 0 for the baseline tier.
  unsigned OptLevel = 0;
  /// True if this compile replaced baseline code that became hot.
  bool TierUp = false;
  /// Wall time from IR generation to linked machine code.
  double Seconds = 0;
};

struct JITOptions {
  /// The bodies of defined functions. Required; must outlive the JIT.
  BodySource *Bodies = nullptr;
  /// The optimised tier's level, 0 to 3. At 0 there is no separate baseline.
  unsigned OptLevel = 2;
  /// Calls after which a function running baseline code is recompiled at
  /// OptLevel. 0 turns the baseline tier off: every body is compiled at
  /// OptLevel the first time.
  unsigned TierUpCalls = 1000;
  bool AllowHostSymbols = false;
  /// Resolves a name in <host>: what an extern without a definition reaches
  /// (Arity is its number of parameters), and the runtime functions
  /// generated code calls (Arity is nullopt). Null if none; an error makes
  /// the call fail with its message (an extern whose arity does not match
  /// the host function's).
  std::function<llvm::Expected<void *>(llvm::StringRef Name,
                                       std::optional<unsigned> Arity)>
      ResolveHostSymbol;
  /// Where a failed lazy call lands; see LazyCallThroughManager.
  void *LazyCallFailureHandler = nullptr;
  /// Told every error the JIT cannot return to a caller (a lazy call that
  /// failed, a body that failed to compile), already phrased for a user.
  std::function<void(std::string)> OnError;
  /// Told each compiled body.
  std::function<void(const CompileInfo &)> OnCompiled;
};

class KaleidoJIT {
public:
  /// Builds the stack for the host process. Fails if the host cannot be
  /// targeted.
  static llvm::Expected<std::unique_ptr<KaleidoJIT>> create(JITOptions Opts);
  ~KaleidoJIT();

  const llvm::DataLayout &getDataLayout() const { return DL; }
  llvm::TargetMachine &getTargetMachine() { return *TM; }

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

  /// Compiles an anonymous function of no arguments under Symbol (which must
  /// not name a declared function), with the baseline tier if T says so;
  /// DisplayName is what OnCompiled is told. The caller runs it, then frees
  /// its code by removing RT.
  llvm::Expected<llvm::orc::ExecutorAddr>
  compileExpression(llvm::StringRef Symbol, llvm::StringRef DisplayName,
                    IRGenerator Gen, Tier T, llvm::orc::ResourceTrackerSP &RT);

  /// Frees the baseline code of functions that have tiered up since the last
  /// call. Call only while no JIT'd code is running (the session does after
  /// every top-level expression); define() does it too.
  void releaseRetiredCode();

  /// How many functions have been recompiled in the optimised tier.
  uint64_t getTierUps() const { return TierUps; }

  /// How many replaced bodies (redefined, or baseline code that tiered up)
  /// have had their machine code freed.
  uint64_t getBodiesFreed() const { return BodiesFreed; }

  /// The permanent address of Name's stub (declared names only).
  llvm::Expected<llvm::orc::ExecutorAddr> lookupStub(llvm::StringRef Name);

  /// A word that counts Name's definitions (0 while it has none): it changes
  /// exactly when Name gets a new body, and lives as long as the JIT. Code
  /// that inlined a body tests it. Null if Name is not declared.
  const uint32_t *getVersionWord(llvm::StringRef Name) const;

private:
  class BodyUnit;
  class StubGenerator;
  class BodyGenerator;
  class HostGenerator;
  struct FunctionState;
  struct TierUpSite;

  KaleidoJIT(JITOptions Opts);
  llvm::Error init();
  llvm::Expected<llvm::orc::ExecutorAddr> makeTrampoline(llvm::StringRef Name,
                                                         FunctionState &F);
  /// Hands F's current body to <bodies> as Sym ("name$V"), to be compiled
  /// when Sym is looked up: in the baseline tier if MayStartBaseline and the
  /// body is bounded, else optimised.
  llvm::Error defineBody(llvm::StringRef Name, FunctionState &F,
                         llvm::orc::SymbolStringPtr Sym,
                         bool MayStartBaseline);
  /// The baseline tier's compile layer, built on first use.
  llvm::Expected<llvm::orc::IRLayer &> baselineLayer();
  /// Called (through tierUpEntry) by baseline code whose counter ran out.
  void tierUp(TierUpSite &Site);
  static void tierUpEntry(void *Site);
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
  /// Baseline code replaced by its optimised tier, freed by
  /// releaseRetiredCode() once no frame of it can be live.
  std::vector<llvm::orc::ResourceTrackerSP> Retired;
  uint64_t BodiesFreed = 0;
  uint64_t TierUps = 0;
};

} // namespace kaleido

#endif // KALEIDO_JIT_KALEIDOJIT_H
