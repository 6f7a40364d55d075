//===- Indirections.h - Where stubs and trampolines live --------*- C++ -*-===//
//
// Part of kaleido. The two pieces of code the lazy JIT puts between a caller
// and a body: a function's stub, a jump through a pointer at an address that
// never changes, and a trampoline, where a stub jumps before its body exists:
// it saves the registers, calls back into the JIT with its own address, and
// jumps where the JIT answers. The instructions are ORC's (the OrcABISupport
// writers of each host ABI). This class's one job is where they live:
//
//   Arena  (x86-64 where the CodeArena maps chunks twice: Linux) in the
//          CodeArena native code goes to: the resolver the trampolines share,
//          blocks of 64 trampolines, and blocks of 64 stubs with their
//          pointers next to them, written through the chunk's writable alias
//          (one atomic store to redirect a stub). A session's first call maps
//          one chunk, where ORC's own pool and stubs manager would map three
//          more blocks (an mmap and an mprotect each, about 8 µs apiece on
//          the machines we measure, plus their page faults).
//   ORC    (everywhere else) ORC's LocalTrampolinePool and
//          LocalIndirectStubsManager, their memory their own.
//
// What the arena trades away: a stub's pointer is data in a chunk that is
// executable at its other address, so a stray write through the alias could
// redirect a call, as it could change code (CodeArena.h); and after fork()
// parent and child share the pointers.
//
// Every member may be called from any thread. A trampoline is never freed
// (a call that read the stub before a redefinition may still enter it), as
// in ORC's pool; the StubTable makes one per function, not per version, so
// their number is the number of stubs.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_INDIRECTIONS_H
#define KALEIDO_JIT_INDIRECTIONS_H

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ExecutionEngine/Orc/Shared/ExecutorAddress.h"
#include "llvm/Support/Error.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdint>
#include <memory>

namespace kaleido {

class CodeArena;

class Indirections {
public:
  enum class Kind { Arena, ORC };

  /// Where a trampoline lands: called with the trampoline's address, on the
  /// thread that entered it.
  using ReenterFn = llvm::unique_function<llvm::orc::ExecutorAddr(
      llvm::orc::ExecutorAddr Trampoline)>;

  /// A stub: its address, and what setStub needs to find its pointer.
  struct Stub {
    llvm::orc::ExecutorAddr Addr;
    /// Where the stub's target is stored (readable, written atomically), or
    /// 0 where ORC's stubs manager keeps it.
    uintptr_t Pointer = 0;
    /// Bytes of code at Addr; 0 where ORC's stubs manager made it (unknown).
    uint32_t Size = 0;
  };

  /// Stubs and trampolines for host TT, in Arena if it is given and can hold
  /// them (see above), else ORC's. Arena must outlive the result. Fails if
  /// ORC has no stubs or trampolines for TT.
  static llvm::Expected<std::unique_ptr<Indirections>>
  create(const llvm::Triple &TT, CodeArena *Arena, ReenterFn Reenter);

  virtual ~Indirections();
  Kind getKind() const { return K; }

  /// A new trampoline.
  virtual llvm::Expected<llvm::orc::ExecutorAddr> makeTrampoline() = 0;
  /// A new stub named Name (unique), jumping to Target.
  virtual llvm::Expected<Stub> makeStub(llvm::StringRef Name,
                                        llvm::orc::ExecutorAddr Target) = 0;
  /// Points the stub S, made for Name, at Target.
  virtual llvm::Error setStub(llvm::StringRef Name, const Stub &S,
                              llvm::orc::ExecutorAddr Target) = 0;

protected:
  explicit Indirections(Kind K) : K(K) {}

private:
  Kind K;
};

} // namespace kaleido

#endif // KALEIDO_JIT_INDIRECTIONS_H
