//===- TierUpLayer.cpp - Call counters in baseline code -------------------===//
//
// Part of kaleido. See TierUpLayer.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/TierUpLayer.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

/// Inserts, at the end of F's entry block (before its terminator), the call
/// counter: `if (--*Counter == 0) Entry(Site);`. After the parameters'
/// stores, and with the terminator's debug location: under -g the counter's
/// first instruction is where the prologue ends, where a debugger stops for
/// `break f`, and the parameters are in their slots by then.
static void insertCounter(Function &F, int32_t *Counter, void *Site,
                          StringRef Entry) {
  LLVMContext &Ctx = F.getContext();
  Module &M = *F.getParent();
  BasicBlock &EntryBB = F.getEntryBlock();
  DebugLoc Loc = EntryBB.getTerminator()->getDebugLoc();
  BasicBlock *Body = EntryBB.splitBasicBlock(
      EntryBB.getTerminator()->getIterator(), "counted");
  BasicBlock *Hot = BasicBlock::Create(Ctx, "hot", &F, Body);
  EntryBB.getTerminator()->eraseFromParent();

  IRBuilder<> B(&EntryBB);
  B.SetCurrentDebugLocation(Loc);
  Type *IntPtrTy = M.getDataLayout().getIntPtrType(Ctx);
  auto Address = [&](const void *P) {
    return ConstantExpr::getIntToPtr(
        ConstantInt::get(IntPtrTy, reinterpret_cast<uintptr_t>(P)),
        PointerType::getUnqual(Ctx));
  };
  Value *SiteAddr = Address(Site);
  Value *CounterAddr = Address(Counter);
  Value *Left = B.CreateSub(B.CreateLoad(B.getInt32Ty(), CounterAddr, "calls"),
                            B.getInt32(1), "left");
  B.CreateStore(Left, CounterAddr);
  B.CreateCondBr(B.CreateICmpEQ(Left, B.getInt32(0), "hot"), Hot, Body,
                 MDBuilder(Ctx).createUnlikelyBranchWeights());

  B.SetInsertPoint(Hot);
  FunctionCallee TierUp = M.getOrInsertFunction(
      Entry,
      FunctionType::get(B.getVoidTy(), {PointerType::getUnqual(Ctx)}, false));
  B.CreateCall(TierUp, {SiteAddr});
  B.CreateBr(Body);
}

TierUpLayer::TierUpLayer(ExecutionSession &ES, IRLayer &BaseLayer,
                         CallCounters &Counters)
    : IRLayer(ES, BaseLayer.getManglingOptions()), ES(ES), BaseLayer(BaseLayer),
      Counters(Counters) {
  ES.registerResourceManager(*this);
}

TierUpLayer::~TierUpLayer() {
  getExecutionSession().deregisterResourceManager(*this);
}

void TierUpLayer::emit(std::unique_ptr<MaterializationResponsibility> R,
                       ThreadSafeModule TSM) {
  std::vector<std::unique_ptr<Site>> New;
  TSM.withModuleDo([&](Module &M) {
    for (const auto &[Sym, Flags] : R->getSymbols()) {
      Function *F = M.getFunction(*Sym);
      if (!F || F->isDeclaration())
        continue;
      New.push_back(Counters.makeSite(Sym));
      insertCounter(*F, &New.back()->Countdown, New.back().get(),
                    CallCounters::getEntryName());
    }
  });
  // The sites belong to the code's ResourceTracker: they go when it goes.
  if (Error Err = R->withResourceKeyDo([&](ResourceKey K) {
        auto &Owned = Sites[K];
        for (auto &S : New)
          Owned.push_back(std::move(S));
      })) {
    getExecutionSession().reportError(std::move(Err));
    R->failMaterialization();
    return;
  }
  BaseLayer.emit(std::move(R), std::move(TSM));
}

size_t TierUpLayer::getNumSites() const {
  return ES.runSessionLocked([&] {
    size_t N = 0;
    for (const auto &[K, V] : Sites)
      N += V.size();
    return N;
  });
}

Error TierUpLayer::handleRemoveResources(JITDylib &, ResourceKey K) {
  // The code is being freed and no JIT'd frame can be live: nothing can
  // count through these sites any more.
  std::vector<std::unique_ptr<Site>> Dead;
  getExecutionSession().runSessionLocked([&] {
    auto It = Sites.find(K);
    if (It == Sites.end())
      return;
    Dead = std::move(It->second);
    Sites.erase(It);
  });
  return Error::success();
}

void TierUpLayer::handleTransferResources(JITDylib &, ResourceKey DstK,
                                          ResourceKey SrcK) {
  auto It = Sites.find(SrcK);
  if (It == Sites.end())
    return;
  std::vector<std::unique_ptr<Site>> Moved = std::move(It->second);
  Sites.erase(It);
  auto &Dst = Sites[DstK];
  for (auto &S : Moved)
    Dst.push_back(std::move(S));
}
