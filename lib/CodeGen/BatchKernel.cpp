//===- BatchKernel.cpp - A loop that evaluates a function over rows -------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/BatchKernel.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/ModRef.h"

using namespace kaleido;
using namespace llvm;

/// The module flag that marks a kernel module.
static constexpr const char *KernelFlag = "kaleido.batch-kernel";

Function *kaleido::emitBatchKernel(Module &M, StringRef KernelName,
                                   Function &Body) {
  LLVMContext &Ctx = M.getContext();
  Type *Double = Type::getDoubleTy(Ctx);
  Type *Ptr = PointerType::getUnqual(Ctx);
  Type *I64 = Type::getInt64Ty(Ctx);
  auto *FT = FunctionType::get(Type::getVoidTy(Ctx), {Ptr, Ptr, I64, I64},
                               /*isVarArg=*/false);
  Function *K = Function::Create(FT, Function::ExternalLinkage, KernelName, M);
  Argument *Columns = K->getArg(0), *Out = K->getArg(1);
  Argument *Begin = K->getArg(2), *End = K->getArg(3);
  Columns->setName("columns");
  Out->setName("out");
  Begin->setName("begin");
  End->setName("end");
  // The kernel only reads the table of columns: the loop's stores, which
  // may alias a column, cannot change which column a load reads.
  Columns->addAttr(Attribute::ReadOnly);
  Columns->addAttr(Attribute::getWithCaptureInfo(Ctx, CaptureInfo::none()));

  auto *Entry = BasicBlock::Create(Ctx, "entry", K);
  auto *Loop = BasicBlock::Create(Ctx, "row", K);
  auto *Exit = BasicBlock::Create(Ctx, "done", K);
  IRBuilder<> B(Entry);
  // Each column's base pointer is read once, before the loop, so nothing
  // the loop stores can make the optimiser reload it per row.
  SmallVector<Value *, 8> Bases;
  for (unsigned J = 0, N = Body.arg_size(); J != N; ++J)
    Bases.push_back(B.CreateLoad(
        Ptr, B.CreateConstInBoundsGEP1_64(Ptr, Columns, J), "column"));
  B.CreateCondBr(B.CreateICmpUGE(Begin, End), Exit, Loop);

  B.SetInsertPoint(Loop);
  PHINode *Row = B.CreatePHI(I64, 2, "i");
  Row->addIncoming(Begin, Entry);
  SmallVector<Value *, 8> Args;
  for (Value *Base : Bases)
    Args.push_back(
        B.CreateLoad(Double, B.CreateInBoundsGEP(Double, Base, Row), "arg"));
  CallInst *Value = B.CreateCall(&Body, Args, "value");
  Value->setCallingConv(Body.getCallingConv());
  B.CreateStore(Value, B.CreateInBoundsGEP(Double, Out, Row));
  auto *Next = B.CreateAdd(Row, ConstantInt::get(I64, 1), "next",
                           /*HasNUW=*/true);
  Row->addIncoming(Next, Loop);
  B.CreateCondBr(B.CreateICmpEQ(Next, End), Exit, Loop);

  B.SetInsertPoint(Exit);
  B.CreateRetVoid();

  Body.setLinkage(GlobalValue::InternalLinkage);
  Body.removeFnAttr(Attribute::NoInline);
  Body.addFnAttr(Attribute::AlwaysInline);
  M.addModuleFlag(Module::Warning, KernelFlag, 1);
  return K;
}

bool kaleido::isBatchKernelModule(const Module &M) {
  return M.getModuleFlag(KernelFlag) != nullptr;
}
