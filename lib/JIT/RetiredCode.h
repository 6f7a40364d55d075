//===- RetiredCode.h - Replaced code, freed when safe -----------*- C++ -*-===//
//
// Part of kaleido. Code that has been replaced (by a redefinition, or baseline
// code by its optimised tier) may still have frames on the stack: a tier-up
// happens inside the baseline code it replaces. This holds such code (its
// ResourceTracker, or for code the JIT owns itself its OwnedCode) until its
// owner says no JIT'd frame can be live, then frees it and counts what it
// freed.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_RETIREDCODE_H
#define KALEIDO_JIT_RETIREDCODE_H

#include "llvm/ExecutionEngine/Orc/Core.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace kaleido {

/// Machine code the JIT owns itself rather than through an ORC
/// ResourceTracker (native baseline code): destroying it frees it.
class OwnedCode {
public:
  virtual ~OwnedCode();
  /// The bytes of machine code it holds.
  virtual size_t getCodeSize() const = 0;
  /// Called instead of destroying it when the code is kept for a debugger
  /// (RetiredCode::keepForDebugger): the code will not run again, and it
  /// may stop describing itself to the debugger. By default nothing.
  virtual void forgetDebugInfo() {}
};

class RetiredCode {
public:
  /// Keeps RT's code until the next release(). A null RT is ignored.
  void retire(llvm::orc::ResourceTrackerSP RT);
  /// Keeps Code until the next release(). A null Code is ignored.
  void retire(std::unique_ptr<OwnedCode> Code);

  /// Frees everything retired so far. Call only while no JIT'd code is
  /// running. Returns the errors of removals that failed (their code may
  /// stay allocated; they are not retried or counted).
  llvm::Error release();

  /// From now on release() keeps what was retired, until this is destroyed,
  /// instead of freeing it (and counts nothing as freed); owned code is told
  /// to forgetDebugInfo(). For a debugged session (-g): a debugger may have
  /// a breakpoint inserted in replaced code, which it would not re-insert
  /// into new code placed at the same address; and LLVM's registration of
  /// JITLink'd code cannot be undone, so its debug objects must stay valid.
  void keepForDebugger() { Keep = true; }

  /// How many retired bodies have been freed.
  uint64_t getBodiesFreed() const { return BodiesFreed; }

  /// How many are waiting for release(), and whether none is.
  size_t size() const { return Retired.size() + RetiredOwned.size(); }
  bool empty() const { return Retired.empty() && RetiredOwned.empty(); }

private:
  std::vector<llvm::orc::ResourceTrackerSP> Retired;
  std::vector<std::unique_ptr<OwnedCode>> RetiredOwned;
  uint64_t BodiesFreed = 0;
  bool Keep = false;
  /// What release() kept (keepForDebugger).
  std::vector<llvm::orc::ResourceTrackerSP> Kept;
  std::vector<std::unique_ptr<OwnedCode>> KeptOwned;
};

} // namespace kaleido

#endif // KALEIDO_JIT_RETIREDCODE_H
