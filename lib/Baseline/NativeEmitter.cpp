//===- NativeEmitter.cpp - The checked AST straight to x86-64 -------------===//
//
// Part of kaleido. See NativeEmitter.h for the design. The assembler is
// xbyak (Debian's libxbyak-dev): header-only, so it adds no library to link
// and no start-up cost, it assembles straight into a buffer we own, and its
// labels resolve as they are defined. asmjit would do as well but is a
// shared library with a relocation step we do not need.
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

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"

// kaleido is built without exceptions: xbyak then records its first error in
// a thread-local word, which emitNative clears and reads.
#define XBYAK_NO_EXCEPTION
#include <xbyak/xbyak.h>

#include <algorithm>
#include <cstring>
#include <memory>

using namespace kaleido;
using namespace llvm;
using namespace Xbyak::util;

namespace {

/// Emits one function into a buffer of Capacity bytes. visit(E, Tail) leaves
/// E's value in xmm0; Tail says whether E is in tail position, where a self
/// call becomes a jump to Top.
class FunctionEmitter : public ExprVisitor<FunctionEmitter, void, bool> {
public:
  FunctionEmitter(const FunctionAST &F, const NativeEmitOptions &Opts,
                  uint8_t *Buffer, size_t Capacity)
      : F(F), Opts(Opts), A(Capacity, Buffer) {
    A.setDefaultJmpNEAR(true);
  }

  /// The code, or why there is none.
  Expected<std::vector<uint8_t>> emit();

private:
  void emitPrologue();
  void emitCounter();
  void emitSafepoint();

  static int offsetOf(unsigned Slot) { return -8 * int(Slot + 1); }
  Xbyak::Address slot(unsigned Slot) { return qword[rbp + offsetOf(Slot)]; }
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
  void fail(const Twine &Why) {
    if (Failure.empty())
      Failure = Why.str();
  }
  /// Loads the 64-bit constant Bits into xmm0.
  void loadConstant(uint64_t Bits) {
    A.mov(rax, Bits);
    A.movq(xmm0, rax);
  }
  /// Leaves L in xmm0 and R in xmm1.
  void emitOperands(const Expr &L, const Expr &R);
  /// Jumps to False unless E holds (ordered and not 0.0; a built-in `<` is
  /// its own `fcmp ult`).
  void emitCondition(const Expr &E, const Xbyak::Label &False);
  void emitCall(StringRef Callee, ArrayRef<const Expr *> Args, bool Tail);

  friend class ExprVisitor<FunctionEmitter, void, bool>;
  void visitNumber(const NumberExpr &N, bool);
  void visitVariable(const VariableExpr &V, bool) {
    A.movsd(xmm0, slot(lookup(V.getName())));
  }
  void visitAssign(const AssignExpr &E, bool) {
    visit(E.getValue(), false);
    A.movsd(slot(lookup(E.getName())), xmm0);
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
  Xbyak::CodeGenerator A;
  /// The function's first byte (self calls) and the body's (self tail calls:
  /// past the counter, at the entry safepoint, as IRGen's `top` block).
  Xbyak::Label Entry, Top, Name;
  bool NameUsed = false;
  size_t FrameSizeAt = 0;
  unsigned NextSlot = 0, MaxSlots = 0;
  std::vector<std::pair<StringRef, unsigned>> Scope;
  std::string Failure;
};

} // namespace

Expected<std::vector<uint8_t>> FunctionEmitter::emit() {
  size_t NumParams = F.Proto.Params.size();
  if (NumParams > MaxNativeArguments)
    return createStringError(
        formatv("native baseline: {0} parameters (at most {1})", NumParams,
                MaxNativeArguments));
  emitPrologue();
  visit(*F.Body, /*Tail=*/true);
  A.leave();
  A.ret();
  if (NameUsed) {
    A.L(Name);
    for (char C : F.Proto.Name)
      A.db(uint8_t(C));
    A.db(0);
  }
  if (!Failure.empty())
    return createStringError("native baseline: " + Failure);
  if (int Err = Xbyak::GetError())
    return createStringError(formatv("native baseline: assembler error: {0}",
                                     Xbyak::ConvertErrorToString(Err)));
  // The frame's size, now known, rounded so that rsp stays 16-byte aligned.
  A.rewrite(FrameSizeAt, (MaxSlots * 8 + 15) & ~15u, 4);
  const uint8_t *Code = A.getCode();
  return std::vector<uint8_t>(Code, Code + A.getSize());
}

void FunctionEmitter::emitPrologue() {
  A.L(Entry);
  A.push(rbp);
  A.mov(rbp, rsp);
  // sub rsp, imm32: the size is patched in once every slot is known.
  A.db(0x48);
  A.db(0x81);
  A.db(0xEC);
  FrameSizeAt = A.getSize();
  A.dd(0);
  static const Xbyak::Xmm *const ArgRegs[] = {&xmm0, &xmm1, &xmm2, &xmm3,
                                              &xmm4, &xmm5, &xmm6, &xmm7};
  for (unsigned I = 0; I < F.Proto.Params.size(); ++I) {
    unsigned S = allocSlot();
    A.movsd(slot(S), *ArgRegs[I]);
    Scope.push_back({F.Proto.Params[I], S});
  }
  if (Opts.Countdown)
    emitCounter();
  A.L(Top);
  // A function that calls nothing cannot recurse: its own loops poll.
  if (containsCall(*F.Body))
    emitSafepoint();
}

/// if (--*Countdown == 0) TierUpEntry(CounterSite);
void FunctionEmitter::emitCounter() {
  Xbyak::Label Counted;
  A.mov(rax, reinterpret_cast<uint64_t>(Opts.Countdown));
  A.sub(dword[rax], 1);
  A.jne(Counted);
  A.mov(rdi, reinterpret_cast<uint64_t>(Opts.CounterSite));
  A.mov(rax, reinterpret_cast<uint64_t>(Opts.TierUpEntry));
  A.call(rax);
  A.L(Counted);
}

/// if (rsp < *PollWord) SafepointFunction("name");
void FunctionEmitter::emitSafepoint() {
  if (!Opts.PollWord)
    return;
  Xbyak::Label Cont;
  A.mov(rax, reinterpret_cast<uint64_t>(Opts.PollWord));
  A.cmp(rsp, qword[rax]);
  A.jae(Cont);
  A.lea(rdi, ptr[rip + Name]);
  NameUsed = true;
  A.mov(rax, reinterpret_cast<uint64_t>(Opts.SafepointFunction));
  A.call(rax);
  A.L(Cont);
}

void FunctionEmitter::visitNumber(const NumberExpr &N, bool) {
  uint64_t Bits;
  double V = N.getValue();
  std::memcpy(&Bits, &V, sizeof(Bits));
  if (Bits == 0) {
    A.xorpd(xmm0, xmm0);
    return;
  }
  loadConstant(Bits);
}

void FunctionEmitter::emitOperands(const Expr &L, const Expr &R) {
  visit(L, false);
  unsigned Tmp = allocSlot();
  A.movsd(slot(Tmp), xmm0);
  visit(R, false);
  A.movapd(xmm1, xmm0);
  A.movsd(xmm0, slot(Tmp));
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
    A.addsd(xmm0, xmm1);
    return;
  case BuiltinOp::Subtract:
    A.subsd(xmm0, xmm1);
    return;
  case BuiltinOp::Multiply:
    A.mulsd(xmm0, xmm1);
    return;
  case BuiltinOp::Less:
    // `fcmp ult`: ucomisd sets CF when L < R or either is NaN. 1.0 or +0.0.
    A.ucomisd(xmm0, xmm1);
    A.setb(al);
    A.movzx(eax, al);
    A.cvtsi2sd(xmm0, eax);
    return;
  case BuiltinOp::NotBuiltin:
  case BuiltinOp::Assign:
    break;
  }
  llvm_unreachable("'=' is an AssignExpr");
}

void FunctionEmitter::emitCondition(const Expr &E, const Xbyak::Label &False) {
  if (auto *Cmp = dyn_cast<BinaryExpr>(&E);
      Cmp && Cmp->getBuiltin() == BuiltinOp::Less) {
    emitOperands(Cmp->getLHS(), Cmp->getRHS());
    A.ucomisd(xmm0, xmm1);
    A.jae(False); // CF clear: ordered and L >= R.
    return;
  }
  // `fcmp one` with 0.0: false when unordered (PF) or equal (ZF).
  visit(E, false);
  A.xorpd(xmm1, xmm1);
  A.ucomisd(xmm0, xmm1);
  A.jp(False);
  A.je(False);
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
    A.movsd(slot(allocSlot()), xmm0);
  }
  bool Self = !F.IsTopLevel && Callee == F.Proto.Name;
  if (Self && Tail) {
    for (unsigned I = 0; I < Args.size(); ++I) {
      A.movsd(xmm0, slot(First + I));
      A.movsd(slot(lookup(F.Proto.Params[I])), xmm0);
    }
    NextSlot = First;
    A.jmp(Top); // Top polls: the body makes a call (this one).
    return;
  }
  static const Xbyak::Xmm *const ArgRegs[] = {&xmm0, &xmm1, &xmm2, &xmm3,
                                              &xmm4, &xmm5, &xmm6, &xmm7};
  for (unsigned I = 0; I < Args.size(); ++I)
    A.movsd(*ArgRegs[I], slot(First + I));
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
  A.mov(rax, *Target);
  A.call(rax);
}

void FunctionEmitter::visitIf(const IfExpr &E, bool Tail) {
  Xbyak::Label Else, End;
  emitCondition(E.getCond(), Else);
  visit(E.getThen(), Tail);
  A.jmp(End);
  A.L(Else);
  visit(E.getElse(), Tail);
  A.L(End);
}

void FunctionEmitter::visitFor(const ForExpr &E, bool) {
  visit(E.getStart(), false);
  unsigned Var = allocSlot();
  A.movsd(slot(Var), xmm0);
  Scope.push_back({E.getVarName(), Var});

  // The end test comes before every iteration, the first included.
  Xbyak::Label Cond, After;
  A.L(Cond);
  emitCondition(E.getEnd(), After);
  visit(E.getBody(), false);
  if (E.getStep())
    visit(*E.getStep(), false);
  else
    loadConstant(0x3FF0000000000000); // 1.0
  // Var + Step, the variable on the left as in IRGen.
  A.movapd(xmm1, xmm0);
  A.movsd(xmm0, slot(Var));
  A.addsd(xmm0, xmm1);
  A.movsd(slot(Var), xmm0);
  emitSafepoint(); // On the back edge.
  A.jmp(Cond);
  A.L(After);
  Scope.pop_back();
  NextSlot = Var;
  A.xorpd(xmm0, xmm0);
}

void FunctionEmitter::visitVar(const VarExpr &E, bool Tail) {
  size_t Depth = Scope.size();
  unsigned First = NextSlot;
  for (const VarExpr::Binding &B : E.getBindings()) {
    // The initialiser sees the names bound before this one, not this one.
    if (B.Init)
      visit(*B.Init, false);
    else
      A.xorpd(xmm0, xmm0);
    unsigned S = allocSlot();
    A.movsd(slot(S), xmm0);
    Scope.push_back({B.Name, S});
  }
  visit(E.getBody(), Tail);
  Scope.resize(Depth);
  NextSlot = First;
}

Expected<std::vector<uint8_t>>
kaleido::emitNative(const FunctionAST &F, const NativeEmitOptions &Opts) {
  // Most bodies fit the first buffer; a bigger one is tried only when the
  // assembler ran out of room (it then stops writing and reports it).
  for (size_t Capacity = 4096; Capacity <= (size_t(64) << 20); Capacity *= 16) {
    // Not zeroed: the assembler writes every byte it hands back.
    std::unique_ptr<uint8_t[]> Buffer(new uint8_t[Capacity]);
    Xbyak::ClearError();
    auto Code = FunctionEmitter(F, Opts, Buffer.get(), Capacity).emit();
    if (Code || Xbyak::GetError() != Xbyak::ERR_CODE_IS_TOO_BIG)
      return Code;
    consumeError(Code.takeError());
  }
  return createStringError("native baseline: the function is too large");
}
