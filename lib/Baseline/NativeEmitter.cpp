//===- NativeEmitter.cpp - The checked AST straight to x86-64 -------------===//
//
// Part of kaleido. See NativeEmitter.h for the design. The instructions are
// encoded by X86Encoder, kaleido's own encoder of exactly the forms used
// here. The emitter was first written on xbyak, a general assembler; with it
// a small function cost about 24,000 instructions to emit, most of them in
// xbyak's set-up, its hash-mapped labels and its generic operand encoding,
// which the fixed forms skip: it now costs about 4,300 (X86Encoder.h has the
// measurement). The bytes are the same as xbyak's.
//
// The frame: rbp as frame pointer, slot i at [rbp - 8(i+1)]: the parameters
// first, then `for` and `var` variables and temporaries, allocated as a
// stack while the tree is walked. The frame size is patched into the
// prologue at the end, rounded to 16 so that rsp is 16-byte aligned at every
// call (push rbp re-aligns what the caller's call misaligned).
//
//===----------------------------------------------------------------------===//

#include "Baseline/NativeEmitter.h"

#include "AST/BodyAnalysis.h"
#include "AST/ExprVisitor.h"
#include "Baseline/X86Encoder.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstring>

using namespace kaleido;
using namespace kaleido::x86;
using namespace llvm;

namespace {

constexpr Xmm ArgRegs[] = {Xmm::XMM0, Xmm::XMM1, Xmm::XMM2, Xmm::XMM3,
                           Xmm::XMM4, Xmm::XMM5, Xmm::XMM6, Xmm::XMM7};

/// Emits one function. visit(E, Tail) leaves E's value in xmm0; Tail says
/// whether E is in tail position, where a self call becomes a jump to Top.
class FunctionEmitter : public ExprVisitor<FunctionEmitter, void, bool> {
public:
  FunctionEmitter(const FunctionAST &F, const NativeEmitOptions &Opts)
      : F(F), Opts(Opts) {}

  /// The code, or why there is none.
  Expected<std::vector<uint8_t>> emit();

  /// ExprVisitor's visit, which under -g also records where E's code
  /// starts and where its parent's resumes (NativeDebugMap::Lines).
  void visit(const Expr &E, bool Tail) {
    if (!Opts.Debug)
      return ExprVisitor::visit(E, Tail);
    SourceLocation Outer = CurrentLoc;
    markLine(E.getLoc());
    ExprVisitor::visit(E, Tail);
    if (&E != F.Body) // The epilogue stays the body's.
      markLine(Outer);
  }

private:
  void emitPrologue();
  void emitCounter();
  void emitSafepoint();

  static int offsetOf(unsigned Slot) { return -8 * int(Slot + 1); }
  static Mem slot(unsigned Slot) { return Mem{Gpr::RBP, offsetOf(Slot)}; }
  unsigned allocSlot() {
    MaxSlots = std::max(MaxSlots, NextSlot + 1);
    return NextSlot++;
  }
  unsigned lookup(StringRef Name) const {
    for (auto It = Scope.rbegin(); It != Scope.rend(); ++It)
      if (It->first == Name)
        return It->second;
    llvm_unreachable("Sema lets no unknown variable through");
  }
  /// Under -g: the code from here on is Loc's (if valid).
  void markLine(SourceLocation Loc) {
    if (!Loc.isValid())
      return;
    CurrentLoc = Loc;
    auto &Lines = Opts.Debug->Lines;
    uint32_t At = uint32_t(A.size());
    if (!Lines.empty() && Lines.back().Offset == At)
      Lines.back().Loc = Loc;
    else
      Lines.push_back({At, Loc});
  }
  /// Under -g: opens a scope (a `var` or `for`) at the current offset.
  void openScope() {
    if (!Opts.Debug)
      return;
    auto &Scopes = Opts.Debug->Scopes;
    Scopes.push_back({uint32_t(A.size()), 0, OpenScope, {}});
    OpenScope = int(Scopes.size() - 1);
  }
  void closeScope() {
    if (!Opts.Debug)
      return;
    auto &S = Opts.Debug->Scopes[OpenScope];
    S.End = uint32_t(A.size());
    OpenScope = S.Parent;
  }
  /// Under -g: Name lives in Slot, in the innermost open scope.
  void describe(StringRef Name, unsigned ArgNo, SourceLocation Loc,
                unsigned Slot) {
    if (Opts.Debug)
      Opts.Debug->Scopes[OpenScope].Variables.push_back(
          {Name.str(), ArgNo, Loc, offsetOf(Slot)});
  }
  void fail(const Twine &Why) {
    if (Failure.empty())
      Failure = Why.str();
  }
  /// Loads the 64-bit constant Bits into xmm0.
  void loadConstant(uint64_t Bits) {
    A.mov(Gpr::RAX, Bits);
    A.movq(Xmm::XMM0, Gpr::RAX);
  }
  /// Leaves L in xmm0 and R in xmm1.
  void emitOperands(const Expr &L, const Expr &R);
  /// Jumps to False unless E holds (ordered and not 0.0; a built-in `<` is
  /// its own `fcmp ult`).
  void emitCondition(const Expr &E, Label False);
  void emitCall(StringRef Callee, ArrayRef<const Expr *> Args, bool Tail);

  friend class ExprVisitor<FunctionEmitter, void, bool>;
  void visitNumber(const NumberExpr &N, bool);
  void visitVariable(const VariableExpr &V, bool) {
    A.movsd(Xmm::XMM0, slot(lookup(V.getName())));
  }
  void visitAssign(const AssignExpr &E, bool) {
    visit(E.getValue(), false);
    A.movsd(slot(lookup(E.getName())), Xmm::XMM0);
  }
  void visitUnary(const UnaryExpr &U, bool Tail) {
    const Expr *Args[] = {&U.getOperand()};
    emitCall(operatorFunctionName(false, U.getOp()), Args, Tail);
  }
  void visitCall(const CallExpr &C, bool Tail) {
    emitCall(C.getCallee(), C.getArgs(), Tail);
  }
  void visitBinary(const BinaryExpr &E, bool Tail);
  void visitIf(const IfExpr &E, bool Tail);
  void visitFor(const ForExpr &E, bool);
  void visitVar(const VarExpr &E, bool Tail);

  const FunctionAST &F;
  const NativeEmitOptions &Opts;
  X86Encoder A;
  /// The function's first byte (self calls) and the body's (self tail calls:
  /// past the counter, at the entry safepoint, as IRGen's `top` block), and
  /// the function's name after the code (for the safepoint).
  Label Entry = A.newLabel(), Top = A.newLabel(), Name = A.newLabel();
  bool NameUsed = false;
  size_t FrameSizeAt = 0;
  unsigned NextSlot = 0, MaxSlots = 0;
  std::vector<std::pair<StringRef, unsigned>> Scope;
  std::string Failure;
  /// Under -g: the location of the node being emitted, and the innermost
  /// open NativeDebugMap scope.
  SourceLocation CurrentLoc;
  int OpenScope = -1;
};

} // namespace

Expected<std::vector<uint8_t>> FunctionEmitter::emit() {
  size_t NumParams = F.Proto.Params.size();
  if (NumParams > MaxNativeArguments)
    return createStringError(
        formatv("native baseline: {0} parameters (at most {1})", NumParams,
                MaxNativeArguments));
  if (Opts.Debug) {
    *Opts.Debug = {};
    openScope();
    markLine(F.Proto.Loc);
  }
  emitPrologue();
  visit(*F.Body, /*Tail=*/true);
  if (Opts.Debug)
    Opts.Debug->Leave = uint32_t(A.size());
  A.leave();
  A.ret();
  if (Opts.Debug) {
    closeScope();
    Opts.Debug->CodeSize = uint32_t(A.size());
  }
  if (NameUsed) {
    A.bind(Name);
    for (char C : F.Proto.Name)
      A.db(uint8_t(C));
    A.db(0);
  }
  if (!Failure.empty())
    return createStringError("native baseline: " + Failure);
  // The frame's size, now known, rounded so that rsp stays 16-byte aligned.
  A.patch32(FrameSizeAt, (MaxSlots * 8 + 15) & ~15u);
  return A.finish();
}

void FunctionEmitter::emitPrologue() {
  A.bind(Entry);
  A.push(Gpr::RBP);
  if (Opts.Debug)
    Opts.Debug->AfterPush = uint32_t(A.size());
  A.mov(Gpr::RBP, Gpr::RSP);
  if (Opts.Debug)
    Opts.Debug->AfterFrame = uint32_t(A.size());
  // The size is patched in once every slot is known.
  FrameSizeAt = A.subImm32(Gpr::RSP, 0);
  for (unsigned I = 0; I < F.Proto.Params.size(); ++I) {
    unsigned S = allocSlot();
    A.movsd(slot(S), ArgRegs[I]);
    Scope.push_back({F.Proto.Params[I], S});
    describe(F.Proto.Params[I], I + 1,
             I < F.Proto.ParamLocs.size() ? F.Proto.ParamLocs[I] : F.Proto.Loc,
             S);
  }
  if (Opts.Debug)
    Opts.Debug->PrologueEnd = uint32_t(A.size());
  if (Opts.Countdown)
    emitCounter();
  A.bind(Top);
  // A function that calls nothing cannot recurse: its own loops poll.
  if (containsCall(*F.Body))
    emitSafepoint();
}

/// if (--*Countdown == 0) TierUpEntry(CounterSite);
void FunctionEmitter::emitCounter() {
  Label Counted = A.newLabel();
  A.mov(Gpr::RAX, reinterpret_cast<uint64_t>(Opts.Countdown));
  A.subDword(Mem{Gpr::RAX}, 1);
  A.j(Cond::NE, Counted);
  A.mov(Gpr::RDI, reinterpret_cast<uint64_t>(Opts.CounterSite));
  A.mov(Gpr::RAX, reinterpret_cast<uint64_t>(Opts.TierUpEntry));
  A.call(Gpr::RAX);
  A.bind(Counted);
}

/// if (rsp < *PollWord) SafepointFunction("name");
void FunctionEmitter::emitSafepoint() {
  if (!Opts.PollWord)
    return;
  Label Cont = A.newLabel();
  A.mov(Gpr::RAX, reinterpret_cast<uint64_t>(Opts.PollWord));
  A.cmp(Gpr::RSP, Mem{Gpr::RAX});
  A.j(Cond::AE, Cont);
  A.lea(Gpr::RDI, Name);
  NameUsed = true;
  A.mov(Gpr::RAX, reinterpret_cast<uint64_t>(Opts.SafepointFunction));
  A.call(Gpr::RAX);
  A.bind(Cont);
}

void FunctionEmitter::visitNumber(const NumberExpr &N, bool) {
  uint64_t Bits;
  double V = N.getValue();
  std::memcpy(&Bits, &V, sizeof(Bits));
  if (Bits == 0) {
    A.xorpd(Xmm::XMM0, Xmm::XMM0);
    return;
  }
  loadConstant(Bits);
}

void FunctionEmitter::emitOperands(const Expr &L, const Expr &R) {
  visit(L, false);
  unsigned Tmp = allocSlot();
  A.movsd(slot(Tmp), Xmm::XMM0);
  visit(R, false);
  A.movapd(Xmm::XMM1, Xmm::XMM0);
  A.movsd(Xmm::XMM0, slot(Tmp));
  NextSlot = Tmp;
}

/// Each case computes what evaluateBuiltin (AST/BuiltinOperators.h) does,
/// with the left operand as the destination, as IRGen's IR is selected.
void FunctionEmitter::visitBinary(const BinaryExpr &E, bool Tail) {
  if (!E.isBuiltin()) {
    const Expr *Args[] = {&E.getLHS(), &E.getRHS()};
    emitCall(operatorFunctionName(true, E.getOp()), Args, Tail);
    return;
  }
  emitOperands(E.getLHS(), E.getRHS());
  switch (E.getBuiltin()) {
  case BuiltinOp::Add:
    A.addsd(Xmm::XMM0, Xmm::XMM1);
    return;
  case BuiltinOp::Subtract:
    A.subsd(Xmm::XMM0, Xmm::XMM1);
    return;
  case BuiltinOp::Multiply:
    A.mulsd(Xmm::XMM0, Xmm::XMM1);
    return;
  case BuiltinOp::Divide:
    A.divsd(Xmm::XMM0, Xmm::XMM1);
    return;
  case BuiltinOp::Less:
    // `fcmp ult`: ucomisd sets CF when L < R or either is NaN. 1.0 or +0.0.
    A.ucomisd(Xmm::XMM0, Xmm::XMM1);
    A.setb(Gpr::RAX);                // al
    A.movzx(Gpr::RAX, Gpr::RAX);     // eax, al
    A.cvtsi2sd(Xmm::XMM0, Gpr::RAX); // xmm0, eax
    return;
  case BuiltinOp::NotBuiltin:
  case BuiltinOp::Assign:
    break;
  }
  llvm_unreachable("'=' is an AssignExpr");
}

void FunctionEmitter::emitCondition(const Expr &E, Label False) {
  if (auto *Cmp = dyn_cast<BinaryExpr>(&E);
      Cmp && Cmp->getBuiltin() == BuiltinOp::Less) {
    emitOperands(Cmp->getLHS(), Cmp->getRHS());
    A.ucomisd(Xmm::XMM0, Xmm::XMM1);
    A.j(Cond::AE, False); // CF clear: ordered and L >= R.
    return;
  }
  // `fcmp one` with 0.0: false when unordered (PF) or equal (ZF).
  visit(E, false);
  A.xorpd(Xmm::XMM1, Xmm::XMM1);
  A.ucomisd(Xmm::XMM0, Xmm::XMM1);
  A.j(Cond::P, False);
  A.j(Cond::E, False);
}

void FunctionEmitter::emitCall(StringRef Callee, ArrayRef<const Expr *> Args,
                               bool Tail) {
  if (Args.size() > MaxNativeArguments) {
    fail(formatv("a call with {0} arguments (at most {1})", Args.size(),
                 MaxNativeArguments));
    return;
  }
  // Every argument is evaluated before any is passed or rebound.
  unsigned First = NextSlot;
  for (const Expr *Arg : Args) {
    visit(*Arg, false);
    A.movsd(slot(allocSlot()), Xmm::XMM0);
  }
  bool Self = !F.IsTopLevel && Callee == F.Proto.Name;
  if (Self && Tail) {
    for (unsigned I = 0; I < Args.size(); ++I) {
      A.movsd(Xmm::XMM0, slot(First + I));
      A.movsd(slot(lookup(F.Proto.Params[I])), Xmm::XMM0);
    }
    NextSlot = First;
    A.jmp(Top); // Top polls: the body makes a call (this one).
    return;
  }
  for (unsigned I = 0; I < Args.size(); ++I)
    A.movsd(ArgRegs[I], slot(First + I));
  NextSlot = First;
  if (Self) {
    A.call(Entry);
    return;
  }
  Expected<uint64_t> Target = Opts.CalleeAddress
                                  ? Opts.CalleeAddress(Callee)
                                  : createStringError("no callee addresses");
  if (!Target) {
    fail("no address for '" + Callee + "': " + toString(Target.takeError()));
    return;
  }
  A.mov(Gpr::RAX, *Target);
  A.call(Gpr::RAX);
}

void FunctionEmitter::visitIf(const IfExpr &E, bool Tail) {
  Label Else = A.newLabel(), End = A.newLabel();
  emitCondition(E.getCond(), Else);
  visit(E.getThen(), Tail);
  A.jmp(End);
  A.bind(Else);
  visit(E.getElse(), Tail);
  A.bind(End);
}

void FunctionEmitter::visitFor(const ForExpr &E, bool) {
  visit(E.getStart(), false);
  unsigned Var = allocSlot();
  A.movsd(slot(Var), Xmm::XMM0);
  Scope.push_back({E.getVarName(), Var});
  openScope();
  describe(E.getVarName(), 0, E.getLoc(), Var);

  // The end test comes before every iteration, the first included.
  Label Test = A.newLabel(), After = A.newLabel();
  A.bind(Test);
  emitCondition(E.getEnd(), After);
  visit(E.getBody(), false);
  if (E.getStep())
    visit(*E.getStep(), false);
  else
    loadConstant(0x3FF0000000000000); // 1.0
  // Var + Step, the variable on the left as in IRGen.
  A.movapd(Xmm::XMM1, Xmm::XMM0);
  A.movsd(Xmm::XMM0, slot(Var));
  A.addsd(Xmm::XMM0, Xmm::XMM1);
  A.movsd(slot(Var), Xmm::XMM0);
  emitSafepoint(); // On the back edge.
  A.jmp(Test);
  A.bind(After);
  closeScope();
  Scope.pop_back();
  NextSlot = Var;
  A.xorpd(Xmm::XMM0, Xmm::XMM0);
}

void FunctionEmitter::visitVar(const VarExpr &E, bool Tail) {
  size_t Depth = Scope.size();
  unsigned First = NextSlot;
  openScope();
  for (const VarExpr::Binding &B : E.getBindings()) {
    // The initialiser sees the names bound before this one, not this one.
    if (B.Init)
      visit(*B.Init, false);
    else
      A.xorpd(Xmm::XMM0, Xmm::XMM0);
    unsigned S = allocSlot();
    A.movsd(slot(S), Xmm::XMM0);
    Scope.push_back({B.Name, S});
    describe(B.Name, 0, B.Loc, S);
  }
  visit(E.getBody(), Tail);
  closeScope();
  Scope.resize(Depth);
  NextSlot = First;
}

Expected<std::vector<uint8_t>>
kaleido::emitNative(const FunctionAST &F, const NativeEmitOptions &Opts) {
  return FunctionEmitter(F, Opts).emit();
}
