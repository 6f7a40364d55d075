//===- BodyUnit.h - A body, compiled when looked up -------------*- C++ -*-===//
//
// Part of kaleido. A BodyUnit is the MaterializationUnit of one body (a
// function's version, or a top-level expression): nothing but a symbol until
// it is looked up; then it asks for the body's IR for its tier and emits it
// into that tier's layer, which the TierTable names. The JIT defines a
// function's BodyUnit when the function's stub is first called (or at the
// definition, if eager) and looks its symbol up at once.
//
// The TierTable is the seam where a tier's code generator is chosen: each
// (tier, counted) pair maps to the layer its IR goes to, made on first use.
// With a compile cache (BodyContext::Cache) the unit looks the IR's key up
// before handing it to the tier: a stored object goes straight to the
// linking layer, with no passes and no code generation.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_BODYUNIT_H
#define KALEIDO_JIT_BODYUNIT_H

#include "JIT/BodySource.h"
#include "JIT/CodeListener.h"

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/Layer.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/TargetParser/Triple.h"

#include <chrono>
#include <functional>
#include <string>

namespace llvm {
class TargetMachine;
}

namespace kaleido {

class CompileCache;

/// Which layer compiles the IR of each tier. A function's baseline code is
/// counted (it goes through the TierUpLayer); an expression's is not.
class TierTable {
public:
  /// Returns the layer, building it on first use if need be.
  using LayerFn = llvm::unique_function<llvm::Expected<llvm::orc::IRLayer &>()>;

  /// Sets where bodies of tier T go (Counted: those whose calls are counted).
  /// Replaces an earlier setting.
  void set(Tier T, bool Counted, LayerFn Get) {
    Entries[index(T, Counted)] = std::move(Get);
  }
  /// The layer for T; an error if none was set or it could not be built.
  llvm::Expected<llvm::orc::IRLayer &> get(Tier T, bool Counted);

private:
  static unsigned index(Tier T, bool Counted) {
    return unsigned(T) * 2 + unsigned(Counted);
  }
  LayerFn Entries[4];
};

/// What every BodyUnit of one JIT shares. Must outlive the units.
struct BodyContext {
  /// Bodies are compiled in TSCtx, for DL and TT, and fail through ES.
  BodyContext(llvm::orc::ExecutionSession &ES,
              llvm::orc::ThreadSafeContext TSCtx, llvm::DataLayout DL,
              llvm::Triple TT)
      : ES(ES), TSCtx(std::move(TSCtx)), DL(std::move(DL)), TT(std::move(TT)) {}

  llvm::orc::ExecutionSession &ES;
  /// Where bodies are generated now; renewContext() replaces it.
  llvm::orc::ThreadSafeContext TSCtx;
  llvm::DataLayout DL;
  llvm::Triple TT;
  TierTable Tiers;
  /// Where a function's IR comes from (a unit with its own IRGenerator, an
  /// expression, does not ask). Required.
  BodySource *Source = nullptr;
  /// The optimised tier's level, reported in CompileInfo.
  unsigned OptLevel = 2;
  /// Told each compiled body; may be null.
  std::function<void(const CompileInfo &)> OnCompiled;
  /// Told where each body's code is (profiling); null if no one listens.
  /// Its plugin must be in the tiers' linking layer.
  CodeListeners *Listeners = nullptr;
  /// Where compiled bodies are kept across runs (CompileCache.h); null for
  /// none. A body found there is linked into Objects instead of compiled;
  /// one that is not is marked with its key, and the tier's ObjectCompiler
  /// (made with the same cache) stores it. LLVM's counted baseline code is
  /// never cached: its call counter is an address of this process.
  CompileCache *Cache = nullptr;
  /// The tiers' linking layer. Required with Cache.
  llvm::orc::ObjectLayer *Objects = nullptr;
  /// describeCodeGen (CacheKey.h) of the optimised tier's TargetMachine:
  /// what a key holds besides the IR, the tier and the level.
  std::string CodeGen;

  /// Sets Cache, Objects and CodeGen (for TM, the optimised tier's); a
  /// null C leaves the context uncached.
  void useCache(CompileCache *C, llvm::orc::ObjectLayer &Objects,
                const llvm::TargetMachine &TM);

  /// Bodies generated in one LLVMContext before the next body gets a fresh
  /// one. An LLVMContext never frees what it uniques (a ConstantFP for
  /// every number a body used, a counter site's address, a cache key's
  /// MDString), so a session that redefines a function forever would keep
  /// a few hundred bytes per definition; a context that has generated this
  /// many bodies is dropped instead, and freed with the last module made in
  /// it (once its compile is over). A new context costs about 25
  /// microseconds, a tenth of one LLVM compile, so each body pays 0.1 µs.
  static constexpr unsigned BodiesPerContext = 256;
  /// Called before a body is generated: counts it, and renews TSCtx once
  /// BodiesPerContext bodies were generated in it. Only the thread that
  /// materializes bodies (the program's) calls it.
  void countBody();
  /// Bodies generated in TSCtx so far, and contexts made after the first.
  unsigned BodiesInContext = 0;
  uint64_t ContextsRenewed = 0;
};

class BodyUnit : public llvm::orc::MaterializationUnit {
public:
  struct Info {
    /// A function's name (what the BodySource is asked for), or an
    /// expression's display name.
    std::string Name;
    bool IsFunction = false;
    Tier T = Tier::Optimized;
    /// Whether the code counts its calls (baseline code of a function).
    bool Counted = false;
    /// Whether this is the optimised recompile of hot baseline code.
    bool TierUp = false;
    /// A function's version (its profile name's "#2"); 0 for an
    /// expression.
    uint32_t Version = 0;
    /// Where its source is; filled only while profiling.
    BodyOrigin Origin;
  };

  /// What profiles call a body of I compiled with Ctx.
  static BodyLabel label(const BodyContext &Ctx, const Info &I);

  /// A unit defining Sym. Gen generates the IR; if null, the IR of function
  /// I.Name's current body comes from Ctx.Source.
  BodyUnit(BodyContext &Ctx, llvm::orc::SymbolStringPtr Sym, IRGenerator Gen,
           Info I);

  /// The unit's kind, as ORC's debugging output shows it.
  llvm::StringRef getName() const override { return "kaleido.FunctionBody"; }

  /// IR, then the tier's layer; errors are reported through the session.
  void materialize(
      std::unique_ptr<llvm::orc::MaterializationResponsibility> R) override;

private:
  void discard(const llvm::orc::JITDylib &,
               const llvm::orc::SymbolStringPtr &) override {}
  /// Links the cached object of *M instead of compiling it, if the cache has
  /// one (then R is used up and true returned); else marks *M with its key.
  bool linkCached(std::unique_ptr<llvm::orc::MaterializationResponsibility> &R,
                  llvm::Module &M);
  /// Tells OnCompiled about this compile, which began at Start.
  void report(std::chrono::steady_clock::time_point Start, bool Cached);

  BodyContext &Ctx;
  llvm::orc::SymbolStringPtr Sym;
  IRGenerator Gen;
  Info I;
};

} // namespace kaleido

#endif // KALEIDO_JIT_BODYUNIT_H
