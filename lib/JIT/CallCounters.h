//===- CallCounters.h - Call counters of baseline code ----------*- C++ -*-===//
//
// Part of kaleido. Baseline code counts its calls so that a hot function can
// be recompiled in the optimised tier. Every counted body has a Site: its
// countdown, which the code decrements on entry, and its body symbol, which
// the code hands to the entry point when the countdown reaches 0:
//   if (--Site->Countdown == 0) kaleido_jit_tier_up(Site);
// This class makes the sites and is the entry point; whoever emits the code
// owns its site and frees it with the code (TierUpLayer for LLVM's baseline
// code, a NativeBaseline body for native code). What tiering up means is the
// callback's business, not this class's.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_CALLCOUNTERS_H
#define KALEIDO_JIT_CALLCOUNTERS_H

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ExecutionEngine/Orc/Core.h"

#include "llvm/ADT/DenseMap.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace kaleido {

class CallCounters {
public:
  /// Told the body symbol of the function whose counter ran out. Called
  /// from JIT'd code, on the thread running it, once per site; the counted
  /// code is live on the stack, so it must not be freed from here.
  using HotFunction =
      llvm::unique_function<void(const llvm::orc::SymbolStringPtr &Body)>;

  /// OnHot is called at exactly the Threshold-th call of a counted body
  /// (Threshold is at least 1; values past INT32_MAX count INT32_MAX calls).
  CallCounters(unsigned Threshold, HotFunction OnHot);

  /// What counted code decrements and hands to the entry point. Its address
  /// is in the code: it must live as long as the code.
  struct Site {
    CallCounters *Owner;
    llvm::orc::SymbolStringPtr Body;
    /// The call that brings it to 0 calls OnHot; it then goes on below 0,
    /// harmlessly.
    int32_t Countdown;
    /// Leaves the owner's index (see getCalls).
    ~Site();
  };

  /// A new site for Body, counting from the threshold.
  std::unique_ptr<Site> makeSite(llvm::orc::SymbolStringPtr Body);

  /// How many times the code counted for Body has been called, if a site
  /// for Body lives (the newest, if there are several); a count read while
  /// the code runs may be a call behind.
  std::optional<uint64_t>
  getCalls(const llvm::orc::SymbolStringPtr &Body) const;

  /// What counted code calls with its site, and where it must resolve.
  /// Kaleidoscope names cannot contain '_', so no program can declare it.
  static llvm::StringRef getEntryName() { return "kaleido_jit_tier_up"; }
  static llvm::orc::ExecutorAddr getEntryAddress();

private:
  static void entry(void *S);

  int32_t Threshold;
  HotFunction OnHot;
  /// The live sites by body. Sites are made and freed on whichever thread
  /// emits or frees code, so under a lock.
  mutable std::mutex Mutex;
  llvm::DenseMap<llvm::orc::SymbolStringPtr, const Site *> Live;
};

} // namespace kaleido

#endif // KALEIDO_JIT_CALLCOUNTERS_H
