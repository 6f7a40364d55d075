//===- TierUpLayer.h - Call counters in baseline code -----------*- C++ -*-===//
//
// Part of kaleido. An IR layer, in the shape of IRTransformLayer: it inserts
// into each function it emits a call counter in the entry block,
//   if (--Site->Countdown == 0) kaleido_jit_tier_up(Site);
// and hands the module on to the layer below. Its sites come from a
// CallCounters (CallCounters.h), which is also what a counter running out
// calls; this layer owns the sites of the code it emitted, which the code
// holds by address, and frees them with the code: it is an ORC
// ResourceManager, so removing a body's ResourceTracker removes its site too.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_TIERUPLAYER_H
#define KALEIDO_JIT_TIERUPLAYER_H

#include "JIT/CallCounters.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/Layer.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace kaleido {

class TierUpLayer : public llvm::orc::IRLayer,
                    private llvm::orc::ResourceManager {
public:
  /// Counts calls of every function emitted through this layer with a site
  /// from Counters. Counted code calls CallCounters::getEntryName(), which
  /// must resolve to CallCounters::getEntryAddress() (the owner defines it
  /// where the code links). Registers with ES; ES and Counters must outlive
  /// the layer.
  TierUpLayer(llvm::orc::ExecutionSession &ES, llvm::orc::IRLayer &BaseLayer,
              CallCounters &Counters);
  ~TierUpLayer() override;

  /// Inserts the counter into each function R is responsible for, then
  /// emits TSM through the base layer.
  void emit(std::unique_ptr<llvm::orc::MaterializationResponsibility> R,
            llvm::orc::ThreadSafeModule TSM) override;

  /// How many counted bodies still have code (for tests and statistics).
  size_t getNumSites() const;

private:
  using Site = CallCounters::Site;

  llvm::Error handleRemoveResources(llvm::orc::JITDylib &JD,
                                    llvm::orc::ResourceKey K) override;
  void handleTransferResources(llvm::orc::JITDylib &JD,
                               llvm::orc::ResourceKey DstK,
                               llvm::orc::ResourceKey SrcK) override;

  /// IRLayer's accessor is not const; getNumSites needs the session lock.
  llvm::orc::ExecutionSession &ES;
  llvm::orc::IRLayer &BaseLayer;
  CallCounters &Counters;
  /// By the ResourceKey of the code that holds them.
  llvm::DenseMap<llvm::orc::ResourceKey, std::vector<std::unique_ptr<Site>>>
      Sites;
};

} // namespace kaleido

#endif // KALEIDO_JIT_TIERUPLAYER_H
