//===- X86Encoder.h - The x86-64 instructions the emitter uses --*- C++ -*-===//
//
// Part of kaleido. A minimal x86-64 encoder for the native baseline code
// generator (NativeEmitter.cpp): exactly the instruction forms it emits, each
// a few lines appending fixed bytes, and labels for its jumps, calls and one
// rip-relative lea.
//
// Rationale
// ---------
// The emitter used xbyak, a general assembler. Measured with callgrind it
// spent about 24,000 instructions on a small function, most of them in xbyak:
// constructing a CodeGenerator (its buffer and a LabelManager of hash maps),
// defining and fixing up labels through those maps, and encoding operands
// through its generic paths (some 250 instructions for one
// `movsd xmm0, [rbp-8]`). Every form here is fixed, so encoding is a
// handful of stores, nothing is allocated per instruction, and a label is an
// index into a small vector. On 1,000 functions like
// `def fI(x) if x < 3 then x*7 + I else (x - 2) * 0.5;` and 100 callers,
// each compiled on its first call, emitNative went from 23,600 instructions
// a function to 4,300, and the whole program from 28,100 a function to 9,000
// (callgrind, the same program without the calls subtracted).
//
// The bytes are those xbyak produced for the emitter (the unit test checks
// every form against xbyak): the shortest displacement (none, disp8,
// disp32), the shortest `mov r64, imm` of equal effect, and the jump widths
// xbyak picks with setDefaultJmpNEAR(true): a jump to a label not yet bound
// is always rel32 (its distance is unknown), a jump back to a bound label is
// rel8 when the distance fits. Calls and the lea are always rel32. Keeping
// the short backward jumps costs one comparison and keeps the code the same
// as before, byte for byte, which is how the port was checked.
//
// What it trades away: generality. Only these forms exist, so an instruction
// new to the emitter needs a form here and a line in the test. There is no
// error path: every form is valid for every operand its types admit, and the
// code grows in a vector, so there is no "code too big" either.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_BASELINE_X86ENCODER_H
#define KALEIDO_BASELINE_X86ENCODER_H

#include "llvm/ADT/SmallVector.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <vector>

namespace kaleido::x86 {

/// The general-purpose registers, numbered as the encoding numbers them.
/// Used as 64-bit registers, as their low 32 bits (cvtsi2sd, movzx) or their
/// low 8 bits (setb, movzx) as the instruction says.
// clang-format off: eight to a line, as the encoding splits them (REX.B).
enum class Gpr : uint8_t {
  RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
  R8, R9, R10, R11, R12, R13, R14, R15
};
// clang-format on

/// The SSE registers xmm0-xmm15.
// clang-format off
enum class Xmm : uint8_t {
  XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7,
  XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14, XMM15
};
// clang-format on

/// The condition codes of the conditional jumps the emitter uses (the low
/// nibble of the jcc opcode).
enum class Cond : uint8_t { B = 0x2, AE = 0x3, E = 0x4, NE = 0x5, P = 0xA };

/// A memory operand [Base + Disp].
struct Mem {
  Gpr Base;
  int32_t Disp = 0;
};

/// A position in the code, bound once; made by X86Encoder::newLabel and
/// valid only for that encoder.
struct Label {
  uint32_t Id;
};

/// Appends x86-64 instructions to a growing buffer. Jumps, calls and leas
/// to labels not yet bound are fixed up by finish(), which every label used
/// must be bound by.
///
/// Each form asks once for room for the longest instruction (room()), writes
/// its bytes through a plain pointer and moves the end past them (commit()):
/// a vector's push_back per byte cost more than the encoding itself.
class X86Encoder {
public:
  /// Allocates room for \p Capacity bytes; more is allocated as needed.
  explicit X86Encoder(size_t Capacity = 512) : Code(Capacity) {}

  /// The number of bytes so far, which is the offset of the next one.
  size_t size() const { return Size; }

  Label newLabel() {
    Positions.push_back(Unbound);
    return Label{uint32_t(Positions.size() - 1)};
  }
  /// Binds \p L to the current offset. A label is bound at most once.
  void bind(Label L) {
    assert(Positions[L.Id] == Unbound && "label bound twice");
    Positions[L.Id] = uint32_t(Size);
  }

  /// Resolves the pending fixups and hands the code over; the encoder is
  /// then empty.
  std::vector<uint8_t> finish();

  /// Overwrites the 4 bytes at \p Offset, which must have been written,
  /// with \p Value (little endian).
  void patch32(size_t Offset, uint32_t Value) {
    assert(Offset + 4 <= Size && "patching past the end");
    put32(&Code[Offset], Value);
  }

  // Data.
  void db(uint8_t Byte) {
    uint8_t *P = room();
    *P++ = Byte;
    commit(P);
  }
  void dd(uint32_t Word) { commit(put32(room(), Word)); }

  // Stack frame.
  /// push r64: [REX.B] 50+r.
  void push(Gpr R) {
    uint8_t *P = rex(room(), false, 0, unsigned(R));
    *P++ = uint8_t(0x50 | (unsigned(R) & 7));
    commit(P);
  }
  /// leave: C9.
  void leave() { db(0xC9); }
  /// ret: C3.
  void ret() { db(0xC3); }

  // Moves.
  /// mov r64, r64: REX.W 89 /r (the source in the reg field, as xbyak).
  void mov(Gpr Dst, Gpr Src) {
    uint8_t *P = rex(room(), true, unsigned(Src), unsigned(Dst));
    *P++ = 0x89;
    commit(modRR(P, unsigned(Src), unsigned(Dst)));
  }
  /// mov r64, imm64 in its shortest form of equal effect: B8+r imm32 (the
  /// 32-bit move zero-extends) when Imm fits in 32 unsigned bits, REX.W C7 /0
  /// imm32 (sign-extended) when it fits in 32 signed bits, else
  /// REX.W B8+r imm64.
  void mov(Gpr Dst, uint64_t Imm) {
    unsigned R = unsigned(Dst);
    uint8_t *P = room();
    if (Imm <= UINT32_MAX) {
      P = rex(P, false, 0, R);
      *P++ = uint8_t(0xB8 | (R & 7));
      commit(put32(P, uint32_t(Imm)));
    } else if (int64_t(Imm) == int32_t(Imm)) {
      P = rex(P, true, 0, R);
      *P++ = 0xC7;
      commit(put32(modRR(P, 0, R), uint32_t(Imm)));
    } else {
      P = rex(P, true, 0, R);
      *P++ = uint8_t(0xB8 | (R & 7));
      commit(put32(put32(P, uint32_t(Imm)), uint32_t(Imm >> 32)));
    }
  }
  /// movq xmm, r64: 66 REX.W 0F 6E /r.
  void movq(Xmm Dst, Gpr Src) {
    uint8_t *P = room();
    *P++ = 0x66;
    P = rex(P, true, unsigned(Dst), unsigned(Src));
    *P++ = 0x0F;
    *P++ = 0x6E;
    commit(modRR(P, unsigned(Dst), unsigned(Src)));
  }
  /// movsd xmm, m64: F2 [REX] 0F 10 /r.
  void movsd(Xmm Dst, Mem Src) { sseMem(0xF2, 0x10, unsigned(Dst), Src); }
  /// movsd m64, xmm: F2 [REX] 0F 11 /r.
  void movsd(Mem Dst, Xmm Src) { sseMem(0xF2, 0x11, unsigned(Src), Dst); }
  /// movapd xmm, xmm: 66 [REX] 0F 28 /r.
  void movapd(Xmm Dst, Xmm Src) { sse(0x66, 0x28, Dst, Src); }
  /// movzx r32, r8: [REX] 0F B6 /r (a REX for spl-dil, which are ah-bh
  /// without one).
  void movzx(Gpr Dst, Gpr Src8) {
    uint8_t *P =
        rex(room(), false, unsigned(Dst), unsigned(Src8), unsigned(Src8) >= 4);
    *P++ = 0x0F;
    *P++ = 0xB6;
    commit(modRR(P, unsigned(Dst), unsigned(Src8)));
  }
  /// lea r64, [rip + L]: REX.W 8D /r with mod 00 rm 101, then rel32.
  void lea(Gpr Dst, Label L) {
    uint8_t *P = rex(room(), true, unsigned(Dst), 0);
    *P++ = 0x8D;
    *P++ = uint8_t(((unsigned(Dst) & 7) << 3) | 5);
    commit(rel32(P, L));
  }

  // Arithmetic and comparisons.
  /// xorpd xmm, xmm: 66 [REX] 0F 57 /r.
  void xorpd(Xmm Dst, Xmm Src) { sse(0x66, 0x57, Dst, Src); }
  /// addsd xmm, xmm: F2 [REX] 0F 58 /r.
  void addsd(Xmm Dst, Xmm Src) { sse(0xF2, 0x58, Dst, Src); }
  /// mulsd xmm, xmm: F2 [REX] 0F 59 /r.
  void mulsd(Xmm Dst, Xmm Src) { sse(0xF2, 0x59, Dst, Src); }
  /// subsd xmm, xmm: F2 [REX] 0F 5C /r.
  void subsd(Xmm Dst, Xmm Src) { sse(0xF2, 0x5C, Dst, Src); }
  /// divsd xmm, xmm: F2 [REX] 0F 5E /r.
  void divsd(Xmm Dst, Xmm Src) { sse(0xF2, 0x5E, Dst, Src); }
  /// ucomisd xmm, xmm: 66 [REX] 0F 2E /r.
  void ucomisd(Xmm L, Xmm R) { sse(0x66, 0x2E, L, R); }
  /// cvtsi2sd xmm, r32: F2 [REX] 0F 2A /r.
  void cvtsi2sd(Xmm Dst, Gpr Src32) {
    uint8_t *P = room();
    *P++ = 0xF2;
    P = rex(P, false, unsigned(Dst), unsigned(Src32));
    *P++ = 0x0F;
    *P++ = 0x2A;
    commit(modRR(P, unsigned(Dst), unsigned(Src32)));
  }
  /// setb r8: [REX] 0F 92 /0 (a REX for spl-dil, as in movzx).
  void setb(Gpr Dst8) {
    uint8_t *P = rex(room(), false, 0, unsigned(Dst8), unsigned(Dst8) >= 4);
    *P++ = 0x0F;
    *P++ = 0x92;
    commit(modRR(P, 0, unsigned(Dst8)));
  }
  /// cmp r64, m64: REX.W 3B /r.
  void cmp(Gpr L, Mem R) {
    uint8_t *P = rex(room(), true, unsigned(L), unsigned(R.Base));
    *P++ = 0x3B;
    commit(modRM(P, unsigned(L), R));
  }
  /// sub dword m32, imm8 (sign-extended): [REX] 83 /5 ib.
  void subDword(Mem Dst, int8_t Imm) {
    uint8_t *P = rex(room(), false, 0, unsigned(Dst.Base));
    *P++ = 0x83;
    P = modRM(P, 5, Dst);
    *P++ = uint8_t(Imm);
    commit(P);
  }
  /// sub r64, imm32: REX.W 81 /5 id, always the 4-byte immediate so that
  /// it can be patched; returns the immediate's offset.
  size_t subImm32(Gpr Dst, int32_t Imm) {
    uint8_t *P = rex(room(), true, 0, unsigned(Dst));
    *P++ = 0x81;
    P = modRR(P, 5, unsigned(Dst));
    commit(put32(P, uint32_t(Imm)));
    return Size - 4;
  }

  // Control flow.
  /// jcc rel: 70+cc rel8 back to a bound label in reach, else 0F 80+cc rel32.
  void j(Cond C, Label L) {
    jump(0x70 | uint8_t(C), 0x0F, 0x80 | uint8_t(C), L);
  }
  /// jmp rel: EB rel8 back to a bound label in reach, else E9 rel32.
  void jmp(Label L) { jump(0xEB, 0, 0xE9, L); }
  /// call rel32: E8 rel32.
  void call(Label L) {
    uint8_t *P = room();
    *P++ = 0xE8;
    commit(rel32(P, L));
  }
  /// call r64: [REX.B] FF /2.
  void call(Gpr Target) {
    uint8_t *P = rex(room(), false, 0, unsigned(Target));
    *P++ = 0xFF;
    commit(modRR(P, 2, unsigned(Target)));
  }

private:
  static constexpr uint32_t Unbound = ~uint32_t(0);
  /// No form here is longer (movsd with REX and disp32 is 9 bytes).
  static constexpr size_t MaxInstructionBytes = 16;

  /// A rel32 at Offset to be made to point at Target, relative to the end of
  /// those 4 bytes (every rel32 here ends its instruction).
  struct Fixup {
    uint32_t Offset;
    Label Target;
  };

  /// Where the next instruction goes, with room for the longest.
  uint8_t *room() {
    if (Code.size() - Size < MaxInstructionBytes)
      Code.resize(Code.size() * 2 + MaxInstructionBytes);
    return Code.data() + Size;
  }
  /// Ends the instruction written from room() up to \p End.
  void commit(uint8_t *End) { Size = size_t(End - Code.data()); }

  static uint8_t *put32(uint8_t *P, uint32_t Value) {
    std::memcpy(P, &Value, 4);
    return P + 4;
  }
  /// The REX prefix, when W, an extended register or \p Force asks for
  /// one. \p Reg goes to the ModRM reg field (REX.R), \p Base to rm (REX.B).
  static uint8_t *rex(uint8_t *P, bool W, unsigned Reg, unsigned Base,
                      bool Force = false) {
    uint8_t Bits = uint8_t((W << 3) | ((Reg >> 3) << 2) | (Base >> 3));
    if (Bits || Force)
      *P++ = 0x40 | Bits;
    return P;
  }
  /// ModRM for two registers (mod 11).
  static uint8_t *modRR(uint8_t *P, unsigned Reg, unsigned Rm) {
    *P++ = uint8_t(0xC0 | ((Reg & 7) << 3) | (Rm & 7));
    return P;
  }
  /// ModRM (and SIB, and displacement) for [Base + Disp] with \p Reg in the
  /// reg field: no displacement when it is 0, except for rbp and r13, whose
  /// mod-00 encoding means rip-relative; disp8 when it fits, else disp32.
  /// rsp and r12 as a base need a SIB byte (no index).
  static uint8_t *modRM(uint8_t *P, unsigned Reg, Mem M) {
    unsigned Base = unsigned(M.Base) & 7;
    uint8_t RegBits = uint8_t((Reg & 7) << 3);
    bool Disp8 = M.Disp >= -128 && M.Disp <= 127;
    uint8_t Mod = M.Disp == 0 && Base != 5 ? 0x00 : Disp8 ? 0x40 : 0x80;
    *P++ = uint8_t(Mod | RegBits | Base);
    if (Base == 4)
      *P++ = 0x24; // SIB: scale 1, no index, base rsp/r12.
    if (Mod == 0x40)
      *P++ = uint8_t(int8_t(M.Disp));
    else if (Mod == 0x80)
      P = put32(P, uint32_t(M.Disp));
    return P;
  }
  /// An SSE instruction between two xmm registers: Prefix [REX] 0F Op /r.
  void sse(uint8_t Prefix, uint8_t Op, Xmm Dst, Xmm Src) {
    uint8_t *P = room();
    *P++ = Prefix;
    P = rex(P, false, unsigned(Dst), unsigned(Src));
    *P++ = 0x0F;
    *P++ = Op;
    commit(modRR(P, unsigned(Dst), unsigned(Src)));
  }
  /// An SSE instruction between xmm \p Reg and memory: Prefix [REX] 0F Op /r.
  void sseMem(uint8_t Prefix, uint8_t Op, unsigned Reg, Mem M) {
    uint8_t *P = room();
    *P++ = Prefix;
    P = rex(P, false, Reg, unsigned(M.Base));
    *P++ = 0x0F;
    *P++ = Op;
    commit(modRM(P, Reg, M));
  }
  /// Writes at \p P a rel32 to \p L ending at P + 4: now if L is bound,
  /// else a fixup for finish(). Returns P + 4.
  uint8_t *rel32(uint8_t *P, Label L) {
    uint32_t At = uint32_t(P - Code.data());
    uint32_t Target = Positions[L.Id];
    if (Target == Unbound)
      Fixups.push_back({At, L});
    return put32(P, Target == Unbound ? 0 : Target - (At + 4));
  }
  /// A jump: ShortOp rel8 back to a bound label in reach, else
  /// [NearPrefix] NearOp rel32 (no prefix if NearPrefix is 0).
  void jump(uint8_t ShortOp, uint8_t NearPrefix, uint8_t NearOp, Label L);

  /// The code up to Size; the bytes past it are room not yet written.
  std::vector<uint8_t> Code;
  size_t Size = 0;
  /// Each label's offset, or Unbound.
  llvm::SmallVector<uint32_t, 16> Positions;
  llvm::SmallVector<Fixup, 16> Fixups;
};

} // namespace kaleido::x86

#endif // KALEIDO_BASELINE_X86ENCODER_H
