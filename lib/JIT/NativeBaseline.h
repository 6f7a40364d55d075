//===- NativeBaseline.h - Native code, owned by the JIT ---------*- C++ -*-===//
//
// Part of kaleido. The JIT's side of the native baseline code generator
// (Baseline/NativeEmitter.h): for a body that starts in the baseline tier it
// asks the BodySource for machine code, gives it a call counter
// (CallCounters.h) and places it in a CodeArena. The result is a Body, which
// owns its bytes and its counter and frees both when it is destroyed: the
// JIT keeps it in the function's state and retires it like any replaced
// code (RetiredCode.h). No LLVM module, no JITLink link, and no ORC
// materialization either: the stub's trampoline asks the JIT for the body
// (StubTable.h), the JIT asks this class, and the stub is pointed at the
// code. A body the generator does not support is left to the LLVM baseline.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_NATIVEBASELINE_H
#define KALEIDO_JIT_NATIVEBASELINE_H

#include "JIT/BodySource.h"
#include "JIT/CallCounters.h"
#include "JIT/CodeArena.h"
#include "JIT/GDBRegistration.h"
#include "JIT/RetiredCode.h"

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ExecutionEngine/Orc/Shared/ExecutorAddress.h"

#include <atomic>
#include <memory>

namespace kaleido {

class NativeBaseline {
public:
  /// The permanent stub of a declared name.
  using StubFn =
      llvm::unique_function<llvm::Expected<uint64_t>(llvm::StringRef Name)>;

  /// Code comes from Source, counters from Counters, and goes to Arena (both
  /// must outlive every Body). If DebugInfo (-g), every body is described to
  /// the debugger (NativeDebugObject.h) while it lives; bodies must then be
  /// made and freed on one thread (GDBRegistration.h).
  NativeBaseline(BodySource &Source, CallCounters &Counters, CodeArena &Arena,
                 StubFn Stubs, bool DebugInfo = false);

  /// One body's code in the arena, and its call counter if it is counted.
  /// Destroying it frees both: nothing may run the code any more.
  class Body : public OwnedCode {
  public:
    ~Body() override;
    llvm::orc::ExecutorAddr getAddress() const {
      return llvm::orc::ExecutorAddr::fromPtr(Addr);
    }
    size_t getSize() const { return Size; }
    size_t getCodeSize() const override { return Size; }
    /// Takes the body off the debugger's list (the code stays).
    void forgetDebugInfo() override { Debug.reset(); }

  private:
    friend class NativeBaseline;
    Body(NativeBaseline &Owner, void *Addr, size_t Size,
         std::unique_ptr<CallCounters::Site> Counter)
        : Owner(Owner), Addr(Addr), Size(Size), Counter(std::move(Counter)) {}

    NativeBaseline &Owner;
    void *Addr;
    size_t Size;
    std::unique_ptr<CallCounters::Site> Counter;
    /// Under -g, the body's entry on the debugger's list.
    std::unique_ptr<GDBRegistration> Debug;
  };

  /// Native code for function Name's current body; if CounterBody is not
  /// null the code counts its calls and names CounterBody when hot. Null if
  /// the generator does not support the body (the caller compiles it with
  /// LLVM); an error if the code could not be placed.
  llvm::Expected<std::unique_ptr<Body>>
  compile(llvm::StringRef Name, llvm::orc::SymbolStringPtr CounterBody);

  /// The arena bytes of the native code placed and not freed (the arena
  /// holds stubs too).
  size_t getCodeBytes() const { return CodeBytes; }

private:
  BodySource &Source;
  CallCounters &Counters;
  CodeArena &Arena;
  StubFn Stubs;
  bool DebugInfo;
  /// Bodies may be freed on any thread.
  std::atomic<size_t> CodeBytes{0};
};

} // namespace kaleido

#endif // KALEIDO_JIT_NATIVEBASELINE_H
