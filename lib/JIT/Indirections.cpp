//===- Indirections.cpp - Where stubs and trampolines live ----------------===//
//
// Part of kaleido. See Indirections.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/Indirections.h"

#include "JIT/CodeArena.h"

#include "llvm/ExecutionEngine/Orc/IndirectionUtils.h"
#include "llvm/ExecutionEngine/Orc/OrcABISupport.h"
#include "llvm/Support/MathExtras.h"

#include <mutex>
#include <utility>
#include <vector>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

Indirections::~Indirections() = default;

namespace {

//===----------------------------------------------------------------------===//
// In the code arena
//===----------------------------------------------------------------------===//

template <typename ABI> class ArenaIndirections final : public Indirections {
public:
  /// Trampolines or stubs per block.
  static constexpr unsigned PerBlock = 64;

  /// Writes the resolver, so that a host that refuses a dual mapping is
  /// known at once (and ORC's indirections are used instead). Takes Reenter
  /// only if it succeeds.
  static Expected<std::unique_ptr<Indirections>> create(CodeArena &Arena,
                                                        ReenterFn &Reenter) {
    std::unique_ptr<ArenaIndirections> I(
        new ArenaIndirections(Arena, std::move(Reenter)));
    auto R =
        I->place(ABI::ResolverCodeSize, [&](uint8_t *Write, uintptr_t Exec) {
          ABI::writeResolverCode(
              reinterpret_cast<char *>(Write), ExecutorAddr(Exec),
              ExecutorAddr::fromPtr(&reenter), ExecutorAddr::fromPtr(I.get()));
        });
    if (!R) {
      Reenter = std::move(I->Reenter);
      return R.takeError();
    }
    I->Resolver = ExecutorAddr::fromPtr(R->Exec);
    return std::unique_ptr<Indirections>(std::move(I));
  }

  ~ArenaIndirections() override {
    for (auto [Addr, Size] : Blocks)
      Arena.release(Addr, Size);
  }

  Expected<ExecutorAddr> makeTrampoline() override {
    std::lock_guard<std::mutex> Lock(Mutex);
    if (!TrampolinesLeft)
      if (Error Err = growTrampolines())
        return std::move(Err);
    --TrampolinesLeft;
    ExecutorAddr T = NextTrampoline;
    NextTrampoline += ABI::TrampolineSize;
    return T;
  }

  Expected<Stub> makeStub(StringRef, ExecutorAddr Target) override {
    std::lock_guard<std::mutex> Lock(Mutex);
    if (!StubsLeft)
      if (Error Err = growStubs())
        return std::move(Err);
    --StubsLeft;
    Stub S{NextStub, NextPointer, ABI::StubSize};
    NextStub += ABI::StubSize;
    NextPointer += ABI::PointerSize;
    store(S, Target);
    return S;
  }

  Error setStub(StringRef, const Stub &S, ExecutorAddr Target) override {
    store(S, Target);
    return Error::success();
  }

private:
  ArenaIndirections(CodeArena &Arena, ReenterFn Reenter)
      : Indirections(Kind::Arena), Arena(Arena), Reenter(std::move(Reenter)) {}

  /// One aligned store: a thread running the stub reads the old target or
  /// the new one, never half of each.
  static void store(const Stub &S, ExecutorAddr Target) {
    __atomic_store_n(reinterpret_cast<uint64_t *>(S.Pointer), Target.getValue(),
                     __ATOMIC_RELEASE);
  }

  /// What the resolver calls, with its context and the trampoline's address.
  static uint64_t reenter(void *Self, void *Trampoline) {
    return static_cast<ArenaIndirections *>(Self)
        ->Reenter(ExecutorAddr::fromPtr(Trampoline))
        .getValue();
  }

  Expected<CodeArena::Aliased>
  place(size_t Size, function_ref<void(uint8_t *Write, uintptr_t Exec)> Fill) {
    auto P = Arena.placeAliased(Size, Fill);
    if (P)
      Blocks.push_back({P->Exec, Size});
    return P;
  }

  Error growTrampolines() {
    // The trampolines, then the resolver's address, which they call through.
    size_t Code = alignTo(PerBlock * ABI::TrampolineSize, ABI::PointerSize);
    auto B =
        place(Code + ABI::PointerSize, [&](uint8_t *Write, uintptr_t Exec) {
          ABI::writeTrampolines(reinterpret_cast<char *>(Write),
                                ExecutorAddr(Exec), Resolver, PerBlock);
        });
    if (!B)
      return B.takeError();
    NextTrampoline = ExecutorAddr::fromPtr(B->Exec);
    TrampolinesLeft = PerBlock;
    return Error::success();
  }

  Error growStubs() {
    // The stubs, then their pointers.
    size_t Code = PerBlock * ABI::StubSize;
    auto B = place(Code + PerBlock * ABI::PointerSize, [&](uint8_t *Write,
                                                           uintptr_t Exec) {
      ABI::writeIndirectStubsBlock(reinterpret_cast<char *>(Write),
                                   ExecutorAddr(Exec),
                                   ExecutorAddr(Exec + Code), PerBlock);
    });
    if (!B)
      return B.takeError();
    NextStub = ExecutorAddr::fromPtr(B->Exec);
    NextPointer = reinterpret_cast<uintptr_t>(B->Write) + Code;
    StubsLeft = PerBlock;
    return Error::success();
  }

  CodeArena &Arena;
  ReenterFn Reenter;
  ExecutorAddr Resolver;
  /// Guards everything below.
  std::mutex Mutex;
  ExecutorAddr NextTrampoline, NextStub;
  /// The writable address of the next stub's pointer.
  uintptr_t NextPointer = 0;
  unsigned TrampolinesLeft = 0, StubsLeft = 0;
  /// What this object placed in the arena, given back when it goes.
  std::vector<std::pair<void *, size_t>> Blocks;
};

//===----------------------------------------------------------------------===//
// ORC's
//===----------------------------------------------------------------------===//

template <typename ABI>
Expected<std::unique_ptr<TrampolinePool>>
makePool(TrampolinePool::ResolveLandingFunction Reenter) {
  auto Pool = LocalTrampolinePool<ABI>::Create(std::move(Reenter));
  if (!Pool)
    return Pool.takeError();
  return std::unique_ptr<TrampolinePool>(std::move(*Pool));
}

/// The trampolines of the host's ABI; the hosts ORC has trampolines for.
Expected<std::unique_ptr<TrampolinePool>>
makeHostPool(const Triple &TT, TrampolinePool::ResolveLandingFunction R) {
  switch (TT.getArch()) {
  case Triple::aarch64:
  case Triple::aarch64_32:
    return makePool<OrcAArch64>(std::move(R));
  case Triple::x86:
    return makePool<OrcI386>(std::move(R));
  case Triple::loongarch64:
    return makePool<OrcLoongArch64>(std::move(R));
  case Triple::mips:
    return makePool<OrcMips32Be>(std::move(R));
  case Triple::mipsel:
    return makePool<OrcMips32Le>(std::move(R));
  case Triple::mips64:
  case Triple::mips64el:
    return makePool<OrcMips64>(std::move(R));
  case Triple::riscv64:
    return makePool<OrcRiscv64>(std::move(R));
  case Triple::x86_64:
    if (TT.getOS() == Triple::OSType::Win32)
      return makePool<OrcX86_64_Win32>(std::move(R));
    return makePool<OrcX86_64_SysV>(std::move(R));
  default:
    return make_error<StringError>("no trampolines for " + TT.str(),
                                   inconvertibleErrorCode());
  }
}

class OrcIndirections final : public Indirections {
public:
  static Expected<std::unique_ptr<Indirections>> create(const Triple &TT,
                                                        ReenterFn Reenter) {
    std::unique_ptr<OrcIndirections> I(new OrcIndirections(std::move(Reenter)));
    auto Pool = makeHostPool(
        TT,
        [Self = I.get()](ExecutorAddr Trampoline,
                         TrampolinePool::NotifyLandingResolvedFunction Land) {
          Land(Self->Reenter(Trampoline));
        });
    if (!Pool)
      return Pool.takeError();
    I->Pool = std::move(*Pool);
    auto ISMBuilder = createLocalIndirectStubsManagerBuilder(TT);
    if (!ISMBuilder)
      return make_error<StringError>("no indirect stubs for " + TT.str(),
                                     inconvertibleErrorCode());
    I->ISM = ISMBuilder();
    return std::unique_ptr<Indirections>(std::move(I));
  }

  Expected<ExecutorAddr> makeTrampoline() override {
    return Pool->getTrampoline();
  }

  Expected<Stub> makeStub(StringRef Name, ExecutorAddr Target) override {
    if (Error Err = ISM->createStub(Name, Target, JITSymbolFlags::Exported))
      return std::move(Err);
    return Stub{ISM->findStub(Name, false).getAddress(), 0};
  }

  Error setStub(StringRef Name, const Stub &, ExecutorAddr Target) override {
    return ISM->updatePointer(Name, Target);
  }

private:
  explicit OrcIndirections(ReenterFn Reenter)
      : Indirections(Kind::ORC), Reenter(std::move(Reenter)) {}

  ReenterFn Reenter;
  std::unique_ptr<TrampolinePool> Pool;
  std::unique_ptr<IndirectStubsManager> ISM;
};

} // namespace

Expected<std::unique_ptr<Indirections>>
Indirections::create(const Triple &TT, CodeArena *Arena, ReenterFn Reenter) {
  bool ArenaHost =
      TT.getArch() == Triple::x86_64 && TT.getOS() != Triple::OSType::Win32;
  if (Arena && ArenaHost && Arena->getMapping() == CodeArena::Mapping::Dual) {
    auto I = ArenaIndirections<OrcX86_64_SysV>::create(*Arena, Reenter);
    if (I)
      return I;
    // The host refused the dual mapping: ORC's, which need none.
    consumeError(I.takeError());
  }
  return OrcIndirections::create(TT, std::move(Reenter));
}
