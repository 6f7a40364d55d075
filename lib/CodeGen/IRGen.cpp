//===- IRGen.cpp - Lowers the checked AST to LLVM IR ----------------------===//
//
// Part of kaleido. Every variable (parameters, `for` and `var` names) lives in
// an alloca in the entry block, as the tutorial's chapter 7 does; SROA turns
// them into SSA values at -O1 and above. Semantics fixed here:
//   * `if c` and the `for` end test take the branch when c is ordered and not
//     equal to 0.0 (so NaN counts as false);
//   * `a < b` is an unordered less-than (NaN operands give 1.0), as in the
//     tutorial; every built-in operator is lowered from the BuiltinOp the
//     parser stored in the node (AST/BuiltinOperators.h);
//   * a `for` loop tests its end condition before every iteration.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/IRGen.h"

#include "AST/BodyAnalysis.h"

#include "AST/ExprVisitor.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"

using namespace kaleido;
using namespace llvm;

namespace {

/// Emits one function. emitExpr(E, Tail) is the visitor's visit: Tail says
/// whether E is in tail position, where a self call becomes a branch.
class FunctionEmitter : public ExprVisitor<FunctionEmitter, Value *, bool> {
public:
  FunctionEmitter(const FunctionAST &F, Function *Fn, const IRGenOptions &Opts)
      : F(F), Fn(Fn), Opts(Opts), Ctx(Fn->getContext()), B(Ctx),
        DoubleTy(Type::getDoubleTy(Ctx)) {}

  void emit() {
    BasicBlock *Entry = BasicBlock::Create(Ctx, "entry", Fn);
    B.SetInsertPoint(Entry);
    // The parameters' stores have no location, as a C compiler's: the
    // first instruction with one ends the prologue, where a debugger's
    // `break f` stops, and the parameters must be in their slots by then.
    if (Opts.Debug)
      Debug = std::make_unique<FunctionDebugInfo>(*Fn, F, *Opts.Debug);
    unsigned I = 0;
    for (Argument &A : Fn->args()) {
      const std::string &Name = F.Proto.Params[I++];
      A.setName(Name);
      AllocaInst *Slot = createSlot(Name);
      StoreInst *Store = B.CreateStore(&A, Slot);
      if (Debug)
        Debug->declare(Slot, Name, I, paramLoc(I - 1), Store);
      Params.push_back(Slot);
      Scope.push_back({Name, Slot});
    }
    // The entry block gets its terminator once the body is there: emitting
    // the body may add to it (requireCurrent).
    BasicBlock *Body = emitBody("top");
    B.SetInsertPoint(Entry);
    if (Debug) // The entry's branch (and the call counter before it).
      B.SetCurrentDebugLocation(Debug->at(F.Proto.Loc));
    if (CurrentFlags.empty()) {
      B.CreateBr(Body);
      return;
    }
    // Callees were inlined. Their copies are right only while the callees
    // keep the definitions that were copied, which the entry block checks
    // (requireCurrent). The body is emitted a second time, calling through the
    // stubs, for when one has been redefined: so the inlined version has no
    // guards at all, and the optimiser sees it whole.
    Inlining = false;
    BasicBlock *Stale = emitBody("top.stale");
    B.SetInsertPoint(Entry);
    Value *AllCurrent = nullptr;
    for (auto &Flag : CurrentFlags)
      AllCurrent =
          AllCurrent ? B.CreateAnd(AllCurrent, Flag.second) : Flag.second;
    B.CreateCondBr(AllCurrent, Body, Stale,
                   MDBuilder(Ctx).createLikelyBranchWeights());
  }

private:
  /// Emits the function's body from a new block named Name, which self tail
  /// calls branch back to (after the parameters are stored). Returns it.
  BasicBlock *emitBody(const Twine &Name) {
    Top = BasicBlock::Create(Ctx, Name, Fn);
    B.SetInsertPoint(Top);
    if (Debug)
      B.SetCurrentDebugLocation(Debug->at(F.Proto.Loc));
    // A function that calls nothing cannot recurse: its own loops poll.
    if (containsCall(*F.Body))
      emitSafepoint();
    if (Value *V = emitExpr(*F.Body, /*Tail=*/true)) {
      if (Debug) // The return is the body's, not the definition line's.
        B.SetCurrentDebugLocation(Debug->at(F.Body->getLoc()));
      B.CreateRet(V);
    }
    return Top;
  }

  /// if (sp < *PollWord) SafepointFunction("name");
  void emitSafepoint() {
    if (!Opts.PollWord && Opts.PollWordSymbol.empty())
      return;
    Module &M = *Fn->getParent();
    Type *IntPtrTy = M.getDataLayout().getIntPtrType(Ctx);
    Triple TT(M.getTargetTriple());
    Value *SP;
    if (TT.getArch() == Triple::x86_64 || TT.getArch() == Triple::aarch64) {
      MDNode *Reg = MDNode::get(
          Ctx,
          MDString::get(Ctx, TT.getArch() == Triple::x86_64 ? "rsp" : "sp"));
      SP = B.CreateIntrinsic(Intrinsic::read_register, {IntPtrTy},
                             {MetadataAsValue::get(Ctx, Reg)}, nullptr, "sp");
    } else {
      SP = B.CreatePtrToInt(B.CreateIntrinsic(Intrinsic::frameaddress,
                                              {PointerType::getUnqual(Ctx)},
                                              {B.getInt32(0)}),
                            IntPtrTy, "sp");
    }
    Value *WordAddr =
        Opts.PollWord
            ? ConstantExpr::getIntToPtr(
                  ConstantInt::get(IntPtrTy,
                                   reinterpret_cast<uintptr_t>(Opts.PollWord)),
                  PointerType::getUnqual(Ctx))
            : M.getOrInsertGlobal(Opts.PollWordSymbol, IntPtrTy);
    LoadInst *Limit =
        B.CreateLoad(IntPtrTy, WordAddr, /*isVolatile=*/true, "limit");
    Value *Low = B.CreateICmpULT(SP, Limit, "stacklow");
    BasicBlock *Poll = BasicBlock::Create(Ctx, "safepoint", Fn);
    BasicBlock *Cont = BasicBlock::Create(Ctx, "cont", Fn);
    B.CreateCondBr(Low, Poll, Cont,
                   MDBuilder(Ctx).createUnlikelyBranchWeights());
    B.SetInsertPoint(Poll);
    if (!NameString)
      NameString = B.CreateGlobalString(F.Proto.Name, "fn.name");
    FunctionCallee Check = M.getOrInsertFunction(
        Opts.SafepointFunction,
        FunctionType::get(Type::getVoidTy(Ctx), {PointerType::getUnqual(Ctx)},
                          false));
    B.CreateCall(Check, {NameString});
    B.CreateBr(Cont);
    B.SetInsertPoint(Cont);
  }

  AllocaInst *createSlot(StringRef Name) {
    BasicBlock &Entry = Fn->getEntryBlock();
    IRBuilder<> EntryB(&Entry, Entry.begin());
    return EntryB.CreateAlloca(DoubleTy, nullptr, Name + ".addr");
  }

  AllocaInst *lookup(StringRef Name) const {
    for (auto It = Scope.rbegin(); It != Scope.rend(); ++It)
      if (It->first == Name)
        return It->second;
    llvm_unreachable("Sema lets no unknown variable through");
  }

  /// Emits E as a branch condition: true when its value is ordered and not
  /// 0.0. A built-in `a < b` is used as the comparison itself: its value is
  /// 1.0 exactly when `fcmp ult` holds, so testing it against 0.0 adds
  /// nothing but two instructions the -O0 instruction selector cannot do
  /// quickly.
  Value *emitCondition(const Expr &E, const Twine &Name) {
    if (auto *Cmp = dyn_cast<BinaryExpr>(&E);
        Cmp && Cmp->getBuiltin() == BuiltinOp::Less) {
      Value *L = emitExpr(Cmp->getLHS(), false);
      Value *R = emitExpr(Cmp->getRHS(), false);
      return B.CreateFCmpULT(L, R, Name);
    }
    return B.CreateFCmpONE(emitExpr(E, false), ConstantFP::get(DoubleTy, 0.0),
                           Name);
  }

  /// Emits E. Returns its value, or null if control does not continue past it
  /// (a self tail call jumped back to the top). Under -g, E's instructions
  /// get E's location (an inlined copy keeps its call's).
  Value *emitExpr(const Expr &E, bool Tail) {
    if (!Debug || !InlineStack.empty())
      return visit(E, Tail);
    DebugLoc Outer = B.getCurrentDebugLocation();
    B.SetCurrentDebugLocation(Debug->at(E.getLoc()));
    Value *V = visit(E, Tail);
    B.SetCurrentDebugLocation(Outer);
    return V;
  }

  SourceLocation paramLoc(size_t I) const {
    return I < F.Proto.ParamLocs.size() ? F.Proto.ParamLocs[I] : F.Proto.Loc;
  }

  /// Whether a name declared now is described to the debugger: under -g, in
  /// the function's own code (not an inlined copy).
  bool describesLocals() const { return Debug && InlineStack.empty(); }

  friend class ExprVisitor<FunctionEmitter, Value *, bool>;
  Value *visitNumber(const NumberExpr &N, bool) {
    return ConstantFP::get(DoubleTy, N.getValue());
  }
  Value *visitVariable(const VariableExpr &V, bool) {
    return B.CreateLoad(DoubleTy, lookup(V.getName()), V.getName());
  }
  Value *visitAssign(const AssignExpr &A, bool) {
    Value *Val = emitExpr(A.getValue(), false);
    B.CreateStore(Val, lookup(A.getName()));
    return Val;
  }
  Value *visitUnary(const UnaryExpr &U, bool Tail) {
    const Expr *Args[] = {&U.getOperand()};
    return emitCall(operatorFunctionName(false, U.getOp()), Args, Tail);
  }
  Value *visitCall(const CallExpr &C, bool Tail) {
    return emitCall(C.getCallee(), C.getArgs(), Tail);
  }

  /// A built-in operator is lowered from the node's BuiltinOp; each case
  /// computes what evaluateBuiltin (AST/BuiltinOperators.h) computes, which
  /// the interpreter and the direct evaluator use: the tiers and the
  /// interpreter agree bit for bit.
  Value *visitBinary(const BinaryExpr &E, bool Tail) {
    if (!E.isBuiltin()) {
      const Expr *Args[] = {&E.getLHS(), &E.getRHS()};
      return emitCall(operatorFunctionName(true, E.getOp()), Args, Tail);
    }
    Value *L = emitExpr(E.getLHS(), false);
    Value *R = emitExpr(E.getRHS(), false);
    switch (E.getBuiltin()) {
    case BuiltinOp::Add:
      return B.CreateFAdd(L, R, "add");
    case BuiltinOp::Subtract:
      return B.CreateFSub(L, R, "sub");
    case BuiltinOp::Multiply:
      return B.CreateFMul(L, R, "mul");
    case BuiltinOp::Divide:
      // Plain `fdiv` (no fast-math flags): x/0 is an infinity or NaN, and
      // the optimiser may not turn it into a multiply by a reciprocal unless
      // that is exact.
      return B.CreateFDiv(L, R, "div");
    case BuiltinOp::Less:
      // `fcmp ult` is evaluateBuiltin's `!(L >= R)`: true if either operand
      // is NaN. 1.0 or 0.0 (a select rather than uitofp: FastISel, the -O0
      // and baseline instruction selector, does not handle uitofp of an i1).
      return B.CreateSelect(B.CreateFCmpULT(L, R, "cmp"),
                            ConstantFP::get(DoubleTy, 1.0),
                            ConstantFP::get(DoubleTy, 0.0), "lt");
    case BuiltinOp::NotBuiltin:
    case BuiltinOp::Assign:
      break;
    }
    llvm_unreachable("'=' is an AssignExpr");
  }

  Value *emitCall(StringRef Callee, ArrayRef<const Expr *> Args, bool Tail) {
    SmallVector<Value *, 8> Vals;
    for (const Expr *A : Args)
      Vals.push_back(emitExpr(*A, false));

    bool Self = !F.IsTopLevel && Callee == F.Proto.Name;
    if (Self && Tail) {
      // A self tail call: rebind the parameters and start over. All arguments
      // are evaluated before any parameter is overwritten.
      for (size_t I = 0; I < Vals.size(); ++I)
        B.CreateStore(Vals[I], Params[I]);
      B.CreateBr(Top); // Top polls: the body makes a call (this one).
      return nullptr;
    }

    if (!Self)
      if (Value *V = tryInline(Callee, Vals))
        return V;
    return emitPlainCall(Self ? Fn : declare(Callee, Vals.size()), Vals);
  }

  Value *emitPlainCall(Function *Target, ArrayRef<Value *> Vals) {
    CallInst *Call = B.CreateCall(Target, Vals, "call");
    Call->addFnAttr(Attribute::NoBuiltin);
    return Call;
  }

  /// Inlines a call of Callee, if the options allow: emits Callee's body
  /// with its parameters bound to Vals, and registers the check that Callee
  /// still has that body (see emit()). Returns null if the call is not
  /// inlined.
  Value *tryInline(StringRef Callee, ArrayRef<Value *> Vals) {
    if (!Inlining || !Opts.FindInlinable ||
        InlineStack.size() >= IRGenOptions::MaxInlineDepth ||
        llvm::is_contained(InlineStack, Callee))
      return nullptr;
    std::optional<InlineCandidate> C = Opts.FindInlinable(Callee);
    if (!C || InlinedNodes + C->Size > IRGenOptions::InlineBudget)
      return nullptr;
    InlinedNodes += C->Size;
    requireCurrent(Callee, *C);

    size_t Depth = Scope.size();
    const PrototypeAST &P = C->Body->Proto;
    for (size_t I = 0; I < Vals.size(); ++I) {
      AllocaInst *Slot = createSlot(P.Params[I]);
      B.CreateStore(Vals[I], Slot);
      Scope.push_back({P.Params[I], Slot});
    }
    InlineStack.push_back(Callee);
    Value *Inlined = emitExpr(*C->Body->Body, /*Tail=*/false);
    InlineStack.pop_back();
    Scope.resize(Depth);
    return Inlined;
  }

  /// Adds to the entry block, once per callee, the test that Callee's version
  /// word still holds C's version: no definition can change while JIT'd code
  /// runs, so one test per call of this function serves every inlined copy
  /// in it.
  void requireCurrent(StringRef Callee, const InlineCandidate &C) {
    // Keyed by the name the callee's AST owns: Callee may be a temporary
    // (an operator's "binary|").
    Value *&Flag = CurrentFlags[C.Body->Proto.Name];
    if (Flag)
      return;
    // The entry block has no terminator yet (see emit()).
    IRBuilder<> EntryB(&Fn->getEntryBlock());
    // By symbol, not address: the code must not hold this process's
    // addresses (a compile cache reuses it in another).
    Value *Word = Fn->getParent()->getOrInsertGlobal(
        versionWordSymbol(C.Body->Proto.Name), EntryB.getInt32Ty());
    Flag = EntryB.CreateICmpEQ(
        EntryB.CreateLoad(EntryB.getInt32Ty(), Word, "version." + Callee),
        EntryB.getInt32(C.Version), "current." + Callee);
  }

  Function *declare(StringRef Name, size_t Arity) {
    Module &M = *Fn->getParent();
    if (Function *Existing = M.getFunction(Name))
      return Existing;
    SmallVector<Type *, 8> ParamTys(Arity, DoubleTy);
    auto *FT = FunctionType::get(DoubleTy, ParamTys, false);
    return Function::Create(FT, Function::ExternalLinkage, Name, M);
  }

  Value *visitIf(const IfExpr &E, bool Tail) {
    Value *Cond = emitCondition(E.getCond(), "ifcond");
    BasicBlock *ThenBB = BasicBlock::Create(Ctx, "then", Fn);
    BasicBlock *ElseBB = BasicBlock::Create(Ctx, "else", Fn);
    BasicBlock *MergeBB = BasicBlock::Create(Ctx, "ifcont");
    B.CreateCondBr(Cond, ThenBB, ElseBB);

    SmallVector<std::pair<Value *, BasicBlock *>, 2> Incoming;
    for (auto [Block, Arm] :
         {std::pair{ThenBB, &E.getThen()}, std::pair{ElseBB, &E.getElse()}}) {
      B.SetInsertPoint(Block);
      if (Value *V = emitExpr(*Arm, Tail)) {
        Incoming.push_back({V, B.GetInsertBlock()});
        B.CreateBr(MergeBB);
      }
    }
    if (Incoming.empty()) {
      // Both arms were self tail calls; nothing continues from here.
      delete MergeBB;
      return nullptr;
    }
    MergeBB->insertInto(Fn);
    B.SetInsertPoint(MergeBB);
    if (Incoming.size() == 1)
      return Incoming[0].first;
    PHINode *Phi = B.CreatePHI(DoubleTy, 2, "iftmp");
    for (auto [V, BB] : Incoming)
      Phi->addIncoming(V, BB);
    return Phi;
  }

  Value *visitFor(const ForExpr &E, bool) {
    Value *Start = emitExpr(E.getStart(), false);
    AllocaInst *Slot = createSlot(E.getVarName());
    StoreInst *Init = B.CreateStore(Start, Slot);
    bool Described = describesLocals();
    if (Described) {
      Debug->openScope(E.getLoc());
      Debug->declare(Slot, E.getVarName(), 0, E.getLoc(), Init);
    }
    Scope.push_back({E.getVarName(), Slot});

    BasicBlock *CondBB = BasicBlock::Create(Ctx, "loopcond", Fn);
    BasicBlock *BodyBB = BasicBlock::Create(Ctx, "loop", Fn);
    BasicBlock *AfterBB = BasicBlock::Create(Ctx, "afterloop", Fn);
    B.CreateBr(CondBB);

    B.SetInsertPoint(CondBB);
    Value *Continue = emitCondition(E.getEnd(), "loopcond");
    B.CreateCondBr(Continue, BodyBB, AfterBB);

    B.SetInsertPoint(BodyBB);
    emitExpr(E.getBody(), false);
    Value *Step = E.getStep() ? emitExpr(*E.getStep(), false)
                              : ConstantFP::get(DoubleTy, 1.0);
    Value *Cur = B.CreateLoad(DoubleTy, Slot, E.getVarName());
    B.CreateStore(B.CreateFAdd(Cur, Step, "nextvar"), Slot);
    // The loop polls on its back edge, not in its header: the header stays a
    // bare test, so loop rotation still turns it into a bottom-tested loop and
    // the register allocator keeps the loop's values in registers instead of
    // spilling them around the (cold) safepoint call at the top of every
    // iteration. This made a loop that calls a function 1.6x faster.
    emitSafepoint();
    B.CreateBr(CondBB);

    B.SetInsertPoint(AfterBB);
    Scope.pop_back();
    if (Described)
      Debug->closeScope();
    return ConstantFP::get(DoubleTy, 0.0);
  }

  Value *visitVar(const VarExpr &E, bool Tail) {
    size_t Depth = Scope.size();
    bool Described = describesLocals();
    if (Described)
      Debug->openScope(E.getLoc());
    for (const VarExpr::Binding &Bd : E.getBindings()) {
      Value *Init =
          Bd.Init ? emitExpr(*Bd.Init, false) : ConstantFP::get(DoubleTy, 0.0);
      AllocaInst *Slot = createSlot(Bd.Name);
      StoreInst *Store = B.CreateStore(Init, Slot);
      if (Described)
        Debug->declare(Slot, Bd.Name, 0, Bd.Loc, Store);
      Scope.push_back({Bd.Name, Slot});
    }
    Value *V = emitExpr(E.getBody(), Tail);
    Scope.resize(Depth);
    if (Described)
      Debug->closeScope();
    return V;
  }

  const FunctionAST &F;
  Function *Fn;
  const IRGenOptions &Opts;
  LLVMContext &Ctx;
  Value *NameString = nullptr;
  IRBuilder<> B;
  Type *DoubleTy;
  BasicBlock *Top = nullptr;
  SmallVector<AllocaInst *, 8> Params;
  std::vector<std::pair<StringRef, AllocaInst *>> Scope;
  /// Whether calls may be inlined (not in the stale version of the body).
  bool Inlining = true;
  /// The functions being inlined, outermost first.
  SmallVector<StringRef, IRGenOptions::MaxInlineDepth> InlineStack;
  unsigned InlinedNodes = 0;
  /// Per inlined callee, in the order they were met, the entry block's
  /// "still current" test.
  MapVector<StringRef, Value *> CurrentFlags;
  /// Under -g, the function's debug metadata, finalized when the emitter
  /// is destroyed.
  std::unique_ptr<FunctionDebugInfo> Debug;
};

} // namespace

static constexpr StringLiteral VersionWordSuffix = "$version";

std::string kaleido::versionWordSymbol(StringRef Function) {
  return (Function + VersionWordSuffix).str();
}

std::optional<StringRef> kaleido::versionWordOwner(StringRef Symbol) {
  if (!Symbol.consume_back(VersionWordSuffix) || Symbol.empty())
    return std::nullopt;
  return Symbol;
}

Function *kaleido::emitFunction(const FunctionAST &F, StringRef BodyName,
                                Module &M, const IRGenOptions &Opts) {
  Type *DoubleTy = Type::getDoubleTy(M.getContext());
  Function *Fn = M.getFunction(BodyName);
  if (!Fn) {
    SmallVector<Type *, 8> ParamTys(F.Proto.Params.size(), DoubleTy);
    Fn = Function::Create(FunctionType::get(DoubleTy, ParamTys, false),
                          Function::ExternalLinkage, BodyName, M);
  }
  assert(Fn->empty() && "function emitted twice into one module");
  Fn->addFnAttr(Attribute::NoUnwind);
  FunctionEmitter(F, Fn, Opts).emit();
  return Fn;
}
