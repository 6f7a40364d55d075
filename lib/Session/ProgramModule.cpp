//===- ProgramModule.cpp - A whole program as one LLVM module -------------===//
//
// Part of kaleido. See ProgramModule.h.
//
//===----------------------------------------------------------------------===//

#include "Session/ProgramModule.h"

#include "CodeGen/IRGen.h"
#include "Runtime/Program.h"
#include "Runtime/Runtime.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"

using namespace kaleido;
using namespace llvm;

/// How the program's bodies are generated: safepoints that poll the
/// runtime archive's word, no inlining by IR generation (LLVM's inliner
/// sees the whole program instead).
static IRGenOptions programIRGenOptions() {
  IRGenOptions O;
  O.PollWordSymbol = rt::PollWordGlobal;
  O.SafepointFunction = rt::SafepointFunction;
  return O;
}

static FunctionType *doublesType(LLVMContext &Ctx, unsigned Arity) {
  Type *D = Type::getDoubleTy(Ctx);
  return FunctionType::get(D, SmallVector<Type *, 8>(Arity, D), false);
}

ProgramBuilder::Name &ProgramBuilder::name(const PrototypeAST &Proto) {
  Name &N = Names[Proto.Name];
  N.Arity = Proto.Params.size();
  return N;
}

void ProgramBuilder::addExtern(const PrototypeAST &Proto) { name(Proto); }

void ProgramBuilder::addDefinition(const FunctionAST &F) {
  Name &N = name(F.Proto);
  std::string Symbol = formatv("{0}${1}", F.Proto.Name, N.Bodies.size() + 1);
  Function *Body = emitFunction(F, Symbol, M, programIRGenOptions());
  Body->setLinkage(GlobalValue::InternalLinkage);
  N.Bodies.push_back(Body);
  N.Rebound |= !Expressions.empty();
  Pending.emplace_back(F.Proto.Name, Body);
}

void ProgramBuilder::addExpression(const FunctionAST &F, std::string Before,
                                   std::string After) {
  std::string Symbol = formatv("__expr${0}", Expressions.size() + 1);
  Expression E;
  E.Run = emitFunction(F, Symbol, M, programIRGenOptions());
  E.Run->setLinkage(GlobalValue::InternalLinkage);
  E.Defines = std::move(Pending);
  Pending.clear();
  E.Before = std::move(Before);
  E.After = std::move(After);
  Expressions.push_back(std::move(E));
}

Constant *ProgramBuilder::stringConstant(StringRef S, const Twine &Name) {
  Constant *Init = ConstantDataArray::getString(M.getContext(), S);
  auto *G = new GlobalVariable(M, Init->getType(), /*isConstant=*/true,
                               GlobalValue::PrivateLinkage, Init, Name);
  G->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  G->setAlignment(Align(1));
  return G;
}

Function *ProgramBuilder::failingBody(StringRef N, unsigned Arity,
                                      const std::string &Message) {
  LLVMContext &Ctx = M.getContext();
  Function *F = Function::Create(
      doublesType(Ctx, Arity), GlobalValue::InternalLinkage, N + "$extern", M);
  IRBuilder<> B(BasicBlock::Create(Ctx, "entry", F));
  FunctionCallee Fail = M.getOrInsertFunction(
      rt::FailFunction,
      FunctionType::get(Type::getVoidTy(Ctx), {PointerType::getUnqual(Ctx)},
                        false));
  if (auto *Decl = dyn_cast<Function>(Fail.getCallee()))
    Decl->setDoesNotReturn();
  B.CreateCall(Fail, {stringConstant(Message, N + "$message")});
  B.CreateUnreachable();
  return F;
}

Function *ProgramBuilder::hostBinding(StringRef N, unsigned Arity) {
  // The JIT's own resolution, so that the answer and the words of a refusal
  // are the JIT's: it asks this process, whose runtime and C library are the
  // ones the executable is linked with.
  Expected<void *> Addr = rt::resolveHostSymbol(N, Arity, AllowHostSymbols);
  if (!Addr)
    return failingBody(N, Arity, toString(Addr.takeError()));
  if (!*Addr)
    return failingBody(
        N, Arity,
        formatv("call to '{0}', which is declared by 'extern' but defined "
                "nowhere: not by 'def', not by the runtime{1}",
                N,
                AllowHostSymbols ? ", not by the process"
                                 : " or the C math library"));
  StringRef Symbol = N == "putchard" ? StringRef(rt::PutchardFunction)
                     : N == "printd" ? StringRef(rt::PrintdFunction)
                                     : N;
  FunctionCallee C =
      M.getOrInsertFunction(Symbol, doublesType(M.getContext(), Arity));
  return cast<Function>(C.getCallee());
}

void ProgramBuilder::defineStub(StringRef N, Name &Info) {
  Function *Stub = Info.Stub;
  Function *Initial = Info.Bodies.empty() || Info.Rebound
                          ? hostBinding(N, Info.Arity)
                          : Info.Bodies.back();
  if (!Info.Rebound) {
    // Bound once and for all before anything runs: calls go straight there.
    Stub->replaceAllUsesWith(Initial);
    Stub->eraseFromParent();
    Info.Stub = nullptr;
    return;
  }
  Stub->setLinkage(GlobalValue::InternalLinkage);
  LLVMContext &Ctx = M.getContext();
  Info.Slot = new GlobalVariable(
      M, PointerType::getUnqual(Ctx),
      /*isConstant=*/false, GlobalValue::InternalLinkage, Initial, N + "$slot");
  IRBuilder<> B(BasicBlock::Create(Ctx, "entry", Stub));
  Value *Callee = B.CreateLoad(PointerType::getUnqual(Ctx), Info.Slot, "body");
  SmallVector<Value *, 8> Args;
  for (Argument &A : Stub->args())
    Args.push_back(&A);
  CallInst *Call = B.CreateCall(Stub->getFunctionType(), Callee, Args);
  Call->setTailCall();
  B.CreateRet(Call);
}

Function *ProgramBuilder::defineFunction(const Expression &E, size_t Index) {
  LLVMContext &Ctx = M.getContext();
  Function *F = nullptr;
  IRBuilder<> B(Ctx);
  for (const auto &[N, Body] : E.Defines) {
    GlobalVariable *Slot = Names[N].Slot;
    if (!Slot)
      continue; // Nothing calls it through a slot.
    if (!F) {
      F = Function::Create(FunctionType::get(Type::getVoidTy(Ctx), false),
                           GlobalValue::InternalLinkage,
                           formatv("__define${0}", Index + 1), M);
      B.SetInsertPoint(BasicBlock::Create(Ctx, "entry", F));
    }
    B.CreateStore(Body, Slot);
  }
  if (F)
    B.CreateRetVoid();
  return F;
}

void ProgramBuilder::defineMain(bool PrintResults) {
  LLVMContext &Ctx = M.getContext();
  PointerType *Ptr = PointerType::getUnqual(Ctx);
  StructType *ItemTy = StructType::get(Ctx, {Ptr, Ptr, Ptr, Ptr});
  std::vector<Constant *> Items;
  for (size_t I = 0; I != Expressions.size(); ++I) {
    const Expression &E = Expressions[I];
    Constant *Define = defineFunction(E, I);
    Items.push_back(ConstantStruct::get(
        ItemTy, {Define ? Define : ConstantPointerNull::get(Ptr), E.Run,
                 stringConstant(E.Before, formatv("__before${0}", I + 1)),
                 stringConstant(E.After, formatv("__after${0}", I + 1))}));
  }
  ArrayType *TableTy = ArrayType::get(ItemTy, Items.size());
  auto *Table = new GlobalVariable(
      M, TableTy, /*isConstant=*/true, GlobalValue::InternalLinkage,
      ConstantArray::get(TableTy, Items), "__program$items");
  Type *I32 = Type::getInt32Ty(Ctx);
  Type *I64 = Type::getInt64Ty(Ctx);
  FunctionCallee Run = M.getOrInsertFunction(
      rt::RunProgramFunction, FunctionType::get(I32, {Ptr, I64, I32}, false));
  Function *Main = Function::Create(FunctionType::get(I32, false),
                                    GlobalValue::ExternalLinkage, "main", M);
  IRBuilder<> B(BasicBlock::Create(Ctx, "entry", Main));
  uint32_t Flags = PrintResults ? rt::ProgramPrintResults : 0;
  B.CreateRet(B.CreateCall(Run, {Table, ConstantInt::get(I64, Items.size()),
                                 ConstantInt::get(I32, Flags)}));
}

Error ProgramBuilder::finish(bool PrintResults) {
  // IR generation declared every callee under its plain name: those
  // declarations become the stubs. Renamed first, so that a plain name is
  // free for the C function an `extern` reaches (and `main` for main).
  for (auto &[N, Info] : Names) {
    Function *Decl = M.getFunction(N);
    if (Decl && Decl->isDeclaration())
      Info.Stub = Decl;
  }
  for (auto &[N, Info] : Names)
    if (Info.Stub)
      Info.Stub->setName(N + "$stub");
  for (auto &[N, Info] : Names)
    if (Info.Stub)
      defineStub(N, Info);
  defineMain(PrintResults);
  std::string Broken;
  raw_string_ostream BrokenOS(Broken);
  if (verifyModule(M, &BrokenOS))
    return createStringError("invalid module: " + Broken);
  return Error::success();
}
