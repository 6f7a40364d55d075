//===- NativeBaseline.h - Native baseline code, installed in ORC -*- C++
//-*-===//
//
// Part of kaleido. The JIT's side of the native baseline code generator
// (Baseline/NativeEmitter.h): for a body that starts in the baseline tier it
// asks the BodySource for machine code, places it in a CodeArena and
// defines the body symbol ("fib$2") as an absolute symbol at that address,
// so stubs, trampolines, redefinition and tier-up work as for LLVM's code.
// No LLVM module, no JITLink link. The code belongs to the body's
// ResourceTracker (this is an ORC ResourceManager, as TierUpLayer is):
// removing the tracker (a redefinition, retired baseline code) frees its
// space for reuse. A body the generator does not support is left to the
// LLVM baseline compile.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_NATIVEBASELINE_H
#define KALEIDO_JIT_NATIVEBASELINE_H

#include "JIT/BodySource.h"
#include "JIT/CodeArena.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ExecutionEngine/Orc/Core.h"

#include <vector>

namespace kaleido {

class TierUpLayer;

class NativeBaseline : private llvm::orc::ResourceManager {
public:
  /// The layer whose call counters counted code uses (built on first use).
  using CountersFn = llvm::unique_function<llvm::Expected<TierUpLayer &>()>;
  /// The permanent stub of a declared name.
  using StubFn =
      llvm::unique_function<llvm::Expected<uint64_t>(llvm::StringRef Name)>;

  /// Code comes from Source. Registers with ES, which must outlive this.
  NativeBaseline(llvm::orc::ExecutionSession &ES, BodySource &Source,
                 CountersFn Counters, StubFn Stubs);
  ~NativeBaseline() override;

  /// Emits function Name's current body as Sym for R, counted if Counted.
  /// Returns true if R is done with (emitted, or failed and reported),
  /// false if the body is not supported and R is left untouched, for the
  /// LLVM baseline.
  bool emit(llvm::orc::MaterializationResponsibility &R,
            const llvm::orc::SymbolStringPtr &Sym, llvm::StringRef Name,
            bool Counted);

  /// The arena, for statistics and tests.
  const CodeArena &getArena() const { return Arena; }

private:
  struct Block {
    void *Addr;
    size_t Size;
  };
  llvm::Error install(llvm::orc::MaterializationResponsibility &R,
                      const llvm::orc::SymbolStringPtr &Sym,
                      llvm::ArrayRef<uint8_t> Code);
  llvm::Error handleRemoveResources(llvm::orc::JITDylib &JD,
                                    llvm::orc::ResourceKey K) override;
  void handleTransferResources(llvm::orc::JITDylib &JD,
                               llvm::orc::ResourceKey DstK,
                               llvm::orc::ResourceKey SrcK) override;

  llvm::orc::ExecutionSession &ES;
  BodySource &Source;
  CountersFn Counters;
  StubFn Stubs;
  CodeArena Arena;
  /// By the ResourceKey of the body that owns them.
  llvm::DenseMap<llvm::orc::ResourceKey, std::vector<Block>> Blocks;
};

} // namespace kaleido

#endif // KALEIDO_JIT_NATIVEBASELINE_H
