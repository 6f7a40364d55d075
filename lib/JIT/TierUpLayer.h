//===- TierUpLayer.h - Call counters in baseline code -----------*- C++ -*-===//
//
// Part of kaleido. An IR layer, in the shape of IRTransformLayer: it inserts
// into each function it emits a call counter in the entry block,
//   if (--Countdown == 0) kaleido_jit_tier_up(Site);
// and hands the module on to the layer below. It owns the sites (one per
// counted body: its countdown and its body symbol), which the code holds by
// address, and frees them with the code: it is an ORC ResourceManager, so
// removing a body's ResourceTracker removes its site too. When a counter runs
// out the layer calls the callback it was handed; what tiering up means is
// decided there, not here.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_TIERUPLAYER_H
#define KALEIDO_JIT_TIERUPLAYER_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/Layer.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace kaleido {

class TierUpLayer : public llvm::orc::IRLayer,
                    private llvm::orc::ResourceManager {
public:
  /// Told the body symbol of the function whose counter ran out. Called
  /// from JIT'd code, on the thread running it, once per body; the counted
  /// code is live on the stack, so it must not be freed from here.
  using HotFunction =
      llvm::unique_function<void(const llvm::orc::SymbolStringPtr &Body)>;

  /// Counts calls of every function emitted through this layer; OnHot is
  /// called at exactly the Threshold-th call (Threshold must be at least 1;
  /// values past INT32_MAX count INT32_MAX calls). Counted code calls
  /// getEntryName(), which must resolve to getEntryAddress() (the owner
  /// defines it where the code links). Registers with ES, which must
  /// outlive the layer.
  TierUpLayer(llvm::orc::ExecutionSession &ES, llvm::orc::IRLayer &BaseLayer,
              unsigned Threshold, HotFunction OnHot);
  ~TierUpLayer() override;

  /// Inserts the counter into each function R is responsible for, then
  /// emits TSM through the base layer.
  void emit(std::unique_ptr<llvm::orc::MaterializationResponsibility> R,
            llvm::orc::ThreadSafeModule TSM) override;

  /// The counter of one body whose code another generator emits (native
  /// baseline code): that code must do what the IR counter does,
  /// `if (--*Countdown == 0) getEntryAddress()(Site);`.
  struct Counter {
    int32_t *Countdown;
    void *Site;
  };
  /// A counter for Body, owned by R's ResourceTracker like the sites of the
  /// code emitted through this layer. Fails if R's tracker is gone.
  llvm::Expected<Counter>
  addCounter(llvm::orc::MaterializationResponsibility &R,
             const llvm::orc::SymbolStringPtr &Body);

  /// What counted code calls, and where it must resolve. Kaleidoscope names
  /// cannot contain '_', so no program can declare it.
  static llvm::StringRef getEntryName() { return "kaleido_jit_tier_up"; }
  static llvm::orc::ExecutorAddr getEntryAddress();

  /// How many counted bodies still have code (for tests and statistics).
  size_t getNumSites() const;

private:
  /// What counted code decrements and hands to the entry point.
  struct Site {
    TierUpLayer *Owner;
    llvm::orc::SymbolStringPtr Body;
    /// The call that brings it to 0 calls OnHot; it then goes on below 0,
    /// harmlessly.
    int32_t Countdown;
  };

  static void entry(void *S);
  llvm::Error handleRemoveResources(llvm::orc::JITDylib &JD,
                                    llvm::orc::ResourceKey K) override;
  void handleTransferResources(llvm::orc::JITDylib &JD,
                               llvm::orc::ResourceKey DstK,
                               llvm::orc::ResourceKey SrcK) override;

  /// IRLayer's accessor is not const; getNumSites needs the session lock.
  llvm::orc::ExecutionSession &ES;
  llvm::orc::IRLayer &BaseLayer;
  int32_t Threshold;
  HotFunction OnHot;
  /// By the ResourceKey of the code that holds them.
  llvm::DenseMap<llvm::orc::ResourceKey, std::vector<std::unique_ptr<Site>>>
      Sites;
};

} // namespace kaleido

#endif // KALEIDO_JIT_TIERUPLAYER_H
