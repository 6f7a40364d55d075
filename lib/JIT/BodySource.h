//===- BodySource.h - What the JIT asks about a body ------------*- C++ -*-===//
//
// Part of kaleido. The vocabulary the JIT's layers share with the JIT's
// owner: the tiers, where a body's IR comes from, and what is reported about
// each compile. It has no ORC types, so a BodySource (the session) needs to
// know nothing of the layers.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_BODYSOURCE_H
#define KALEIDO_JIT_BODYSOURCE_H

#include "Baseline/NativeEmitter.h"

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace kaleido {

/// Which code generator compiles a body.
enum class Tier {
  /// No IR passes, fast instruction selection and register allocation; the
  /// code of a function counts its calls and asks for the optimised tier
  /// when hot.
  Baseline,
  /// The session's optimisation level.
  Optimized,
};

/// Produces the IR module for one body, named Symbol, in Ctx, for tier T (the
/// session inlines callees only into optimised code).
using IRGenerator =
    llvm::unique_function<llvm::Expected<std::unique_ptr<llvm::Module>>(
        llvm::LLVMContext &Ctx, llvm::StringRef Symbol, Tier T)>;

/// Where a body's source is, for profilers (CodeListener.h).
struct BodyOrigin {
  /// The buffer name; empty if unknown.
  std::string File;
  unsigned Line = 0;
  /// The directory File is relative to, if known (asked for debug info).
  std::string Directory;
};

/// What the JIT asks its owner about a defined function's current body.
/// Functions are named; the JIT compiles only the current body of a name.
class BodySource {
public:
  virtual ~BodySource();
  /// The IR module of Name's current body, emitted under Symbol, for tier T.
  /// An error fails the compile of that body (and is reported, not thrown).
  virtual llvm::Expected<std::unique_ptr<llvm::Module>>
  generateIR(llvm::LLVMContext &Ctx, llvm::StringRef Name,
             llvm::StringRef Symbol, Tier T) = 0;
  /// Whether one call of Name's current body runs a bounded number of
  /// operations by itself (no loop, no call to itself), so that it may start
  /// in the baseline tier. Asked once per body, at its first compile.
  virtual bool isBounded(llvm::StringRef Name) = 0;
  /// Whether Name's current body is small enough for the optimised tier
  /// (AST/BodyAnalysis.h, OptimiserLimits): a body that is not keeps its
  /// baseline code and never tiers up. Asked at its first compile and at a
  /// tier-up. By default every body is.
  virtual bool fitsOptimiser(llvm::StringRef Name);
  /// Native baseline machine code (Baseline/NativeEmitter.h) for Name's
  /// current body, with the addresses the JIT filled into Opts (callee
  /// stubs, the call counter); the source adds its own (the safepoints). An
  /// error means "not supported": the body is compiled from IR instead. By
  /// default nothing is supported.
  virtual llvm::Expected<std::vector<uint8_t>>
  generateNative(llvm::StringRef Name, NativeEmitOptions Opts);
  /// A generator of the optimised tier's IR for Name's current body that
  /// reads nothing the source may change later: the body, and every callee
  /// it may inline, are captured now, with their versions. The JIT runs it
  /// on a compile thread, perhaps after Name or a callee got a new
  /// definition: it then makes the code of the captured bodies, which the
  /// JIT does not install (Name) or which checks its callee's version word
  /// and calls through the stub (a callee). An error means "not supported":
  /// the body tiers up on the calling thread instead. By default nothing is
  /// supported.
  virtual llvm::Expected<IRGenerator> captureIR(llvm::StringRef Name);
  /// Where Name's current definition is (asked only while profiling). By
  /// default unknown.
  virtual BodyOrigin locate(llvm::StringRef Name);
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
  /// True if the native baseline generator made the code (no LLVM).
  bool Native = false;
  /// True if a compile thread made the code (a tier-up, with
  /// JITOptions::CompileThreads); QueueSeconds is how long it waited for
  /// the thread.
  bool Background = false;
  double QueueSeconds = 0;
  /// True if the code was loaded from the compile cache, not compiled
  /// (CompileCache.h); Seconds is then the load's.
  bool Cached = false;
};

} // namespace kaleido

#endif // KALEIDO_JIT_BODYSOURCE_H
