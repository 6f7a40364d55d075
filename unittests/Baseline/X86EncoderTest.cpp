//===- X86EncoderTest.cpp - Unit tests for the x86-64 encoder -------------===//
//
// Every form X86Encoder encodes, checked byte for byte against xbyak as the
// oracle (the assembler the native emitter used before it): every register,
// the REX-needing ones (r8-r15, xmm8-xmm15, spl-dil) included, every memory
// base (rsp and r12 need a SIB byte, rbp and r13 a displacement), each
// displacement size, and jumps, calls and leas to labels bound before and
// after them. xbyak is a dependency of this test only.
//
//===----------------------------------------------------------------------===//

#include "Baseline/X86Encoder.h"

#include "gtest/gtest.h"

// The tests are built without exceptions, as kaleido is: xbyak then records
// its first error in a thread-local word, which oracle() checks.
#define XBYAK_NO_EXCEPTION
#include <xbyak/xbyak.h>

#include <functional>

using namespace kaleido::x86;

namespace {

using Bytes = std::vector<uint8_t>;

/// The bytes xbyak assembles, with the emitter's former settings.
Bytes oracle(const std::function<void(Xbyak::CodeGenerator &)> &Gen) {
  Xbyak::ClearError();
  Xbyak::CodeGenerator X(1 << 16);
  X.setDefaultJmpNEAR(true);
  Gen(X);
  X.ready();
  EXPECT_EQ(Xbyak::GetError(), 0)
      << Xbyak::ConvertErrorToString(Xbyak::GetError());
  return Bytes(X.getCode(), X.getCode() + X.getSize());
}

Bytes ours(const std::function<void(X86Encoder &)> &Gen) {
  X86Encoder E(8); // Small, so that growing is exercised too.
  Gen(E);
  return E.finish();
}

Gpr gpr(int I) { return Gpr(I); }
Xmm xmm(int I) { return Xmm(I); }
Xbyak::Reg64 xr64(int I) { return Xbyak::Reg64(I); }
Xbyak::Reg32 xr32(int I) { return Xbyak::Reg32(I); }
// Without a REX prefix 4-7 are ah-bh: xbyak needs to be told spl-dil.
Xbyak::Reg8 xr8(int I) { return Xbyak::Reg8(I, I >= 4); }
Xbyak::Xmm xx(int I) { return Xbyak::Xmm(I); }

const int32_t Disps[] = {0,   1,    -8,   127,    -128,
                         128, -129, 4096, -65536, 0x12345678};

TEST(X86EncoderTest, NoOperands) {
  EXPECT_EQ(ours([](X86Encoder &E) {
              E.leave();
              E.ret();
              E.db(0xAB);
              E.dd(0x12345678);
            }),
            oracle([](Xbyak::CodeGenerator &X) {
              X.leave();
              X.ret();
              X.db(0xAB);
              X.dd(0x12345678);
            }));
}

TEST(X86EncoderTest, OneGpr) {
  for (int R = 0; R < 16; ++R) {
    SCOPED_TRACE(R);
    EXPECT_EQ(ours([&](X86Encoder &E) { E.push(gpr(R)); }),
              oracle([&](Xbyak::CodeGenerator &X) { X.push(xr64(R)); }));
    EXPECT_EQ(ours([&](X86Encoder &E) { E.call(gpr(R)); }),
              oracle([&](Xbyak::CodeGenerator &X) { X.call(xr64(R)); }));
    EXPECT_EQ(ours([&](X86Encoder &E) { E.setb(gpr(R)); }),
              oracle([&](Xbyak::CodeGenerator &X) { X.setb(xr8(R)); }));
  }
}

TEST(X86EncoderTest, TwoRegisters) {
  for (int D = 0; D < 16; ++D)
    for (int S = 0; S < 16; ++S) {
      SCOPED_TRACE(testing::Message() << D << ", " << S);
      EXPECT_EQ(ours([&](X86Encoder &E) {
                  E.mov(gpr(D), gpr(S));
                  E.movq(xmm(D), gpr(S));
                  E.movapd(xmm(D), xmm(S));
                  E.xorpd(xmm(D), xmm(S));
                  E.addsd(xmm(D), xmm(S));
                  E.subsd(xmm(D), xmm(S));
                  E.mulsd(xmm(D), xmm(S));
                  E.divsd(xmm(D), xmm(S));
                  E.ucomisd(xmm(D), xmm(S));
                  E.cvtsi2sd(xmm(D), gpr(S));
                  E.movzx(gpr(D), gpr(S));
                }),
                oracle([&](Xbyak::CodeGenerator &X) {
                  X.mov(xr64(D), xr64(S));
                  X.movq(xx(D), xr64(S));
                  X.movapd(xx(D), xx(S));
                  X.xorpd(xx(D), xx(S));
                  X.addsd(xx(D), xx(S));
                  X.subsd(xx(D), xx(S));
                  X.mulsd(xx(D), xx(S));
                  X.divsd(xx(D), xx(S));
                  X.ucomisd(xx(D), xx(S));
                  X.cvtsi2sd(xx(D), xr32(S));
                  X.movzx(xr32(D), xr8(S));
                }));
    }
}

TEST(X86EncoderTest, MoveImmediate) {
  // Each of the three encodings and their edges.
  const uint64_t Imms[] = {0,
                           1,
                           0x7FFFFFFF,
                           0x80000000,
                           0xFFFFFFFF,
                           0x100000000,
                           ~uint64_t(0),
                           0xFFFFFFFF80000000,
                           0xFFFFFFFF7FFFFFFF,
                           0x3FF0000000000000,
                           0x00007F1234567890};
  for (int R = 0; R < 16; ++R)
    for (uint64_t Imm : Imms) {
      SCOPED_TRACE(testing::Message() << R << ", " << Imm);
      EXPECT_EQ(ours([&](X86Encoder &E) { E.mov(gpr(R), Imm); }),
                oracle([&](Xbyak::CodeGenerator &X) { X.mov(xr64(R), Imm); }));
    }
}

TEST(X86EncoderTest, Memory) {
  using Xbyak::util::dword;
  using Xbyak::util::qword;
  for (int B = 0; B < 16; ++B)
    for (int32_t Disp : Disps)
      for (int R = 0; R < 16; R += 5) { // 0, 5, 10, 15: both halves.
        SCOPED_TRACE(testing::Message() << B << ", " << Disp << ", " << R);
        Mem M{gpr(B), Disp};
        EXPECT_EQ(ours([&](X86Encoder &E) {
                    E.movsd(xmm(R), M);
                    E.movsd(M, xmm(R));
                    E.cmp(gpr(R), M);
                    E.subDword(M, int8_t(R - 8));
                  }),
                  oracle([&](Xbyak::CodeGenerator &X) {
                    X.movsd(xx(R), qword[xr64(B) + Disp]);
                    X.movsd(qword[xr64(B) + Disp], xx(R));
                    X.cmp(xr64(R), qword[xr64(B) + Disp]);
                    X.sub(dword[xr64(B) + Disp], R - 8);
                  }));
      }
}

TEST(X86EncoderTest, SubtractImmediate32) {
  // xbyak has a shorter form for rax (2D id), which the emitter never uses.
  for (int R = 1; R < 16; ++R) {
    SCOPED_TRACE(R);
    size_t At = 0;
    Bytes Code = ours([&](X86Encoder &E) {
      E.db(0x90);
      At = E.subImm32(gpr(R), 0);
      E.patch32(At, 0x12345);
    });
    EXPECT_EQ(At, 4u);
    EXPECT_EQ(Code, oracle([&](Xbyak::CodeGenerator &X) {
                X.nop();
                X.sub(xr64(R), 0x12345);
              }));
  }
}

/// The jumps of the emitter, by condition, with xbyak's equivalents.
struct Jump {
  std::function<void(X86Encoder &, Label)> Ours;
  std::function<void(Xbyak::CodeGenerator &, const Xbyak::Label &)> Oracle;
};

std::vector<Jump> jumps() {
  using X = Xbyak::CodeGenerator;
  using XL = const Xbyak::Label &;
  return {
      {[](X86Encoder &E, Label L) { E.jmp(L); }, [](X &A, XL L) { A.jmp(L); }},
      {[](X86Encoder &E, Label L) { E.j(Cond::B, L); },
       [](X &A, XL L) { A.jb(L); }},
      {[](X86Encoder &E, Label L) { E.j(Cond::AE, L); },
       [](X &A, XL L) { A.jae(L); }},
      {[](X86Encoder &E, Label L) { E.j(Cond::E, L); },
       [](X &A, XL L) { A.je(L); }},
      {[](X86Encoder &E, Label L) { E.j(Cond::NE, L); },
       [](X &A, XL L) { A.jne(L); }},
      {[](X86Encoder &E, Label L) { E.j(Cond::P, L); },
       [](X &A, XL L) { A.jp(L); }},
      {[](X86Encoder &E, Label L) { E.call(L); },
       [](X &A, XL L) { A.call(L); }},
      {[](X86Encoder &E, Label L) { E.lea(Gpr::RDI, L); },
       [](X &A, XL L) { A.lea(A.rdi, A.ptr[A.rip + L]); }},
      {[](X86Encoder &E, Label L) { E.lea(Gpr::R13, L); },
       [](X &A, XL L) { A.lea(A.r13, A.ptr[A.rip + L]); }},
  };
}

// A backward jump over Gap bytes: 126 is the last gap a rel8 reaches.
TEST(X86EncoderTest, BackwardLabels) {
  for (const Jump &J : jumps())
    for (int Gap : {0, 1, 125, 126, 127, 128, 300}) {
      SCOPED_TRACE(Gap);
      EXPECT_EQ(ours([&](X86Encoder &E) {
                  E.db(0x90);
                  Label L = E.newLabel();
                  E.bind(L);
                  for (int I = 0; I < Gap; ++I)
                    E.db(0x90);
                  J.Ours(E, L);
                }),
                oracle([&](Xbyak::CodeGenerator &X) {
                  X.nop();
                  Xbyak::Label L;
                  X.L(L);
                  for (int I = 0; I < Gap; ++I)
                    X.nop();
                  J.Oracle(X, L);
                }));
    }
}

// Forward jumps are rel32 whatever the distance; several to one label.
TEST(X86EncoderTest, ForwardLabels) {
  for (const Jump &J : jumps())
    for (int Gap : {0, 1, 127, 300}) {
      SCOPED_TRACE(Gap);
      EXPECT_EQ(ours([&](X86Encoder &E) {
                  Label L = E.newLabel(), M = E.newLabel();
                  J.Ours(E, L);
                  J.Ours(E, M);
                  for (int I = 0; I < Gap; ++I)
                    E.db(0x90);
                  J.Ours(E, L);
                  E.bind(L);
                  E.ret();
                  E.bind(M);
                  J.Ours(E, L); // Now backward.
                }),
                oracle([&](Xbyak::CodeGenerator &X) {
                  Xbyak::Label L, M;
                  J.Oracle(X, L);
                  J.Oracle(X, M);
                  for (int I = 0; I < Gap; ++I)
                    X.nop();
                  J.Oracle(X, L);
                  X.L(L);
                  X.ret();
                  X.L(M);
                  J.Oracle(X, L);
                }));
    }
}

TEST(X86EncoderTest, FinishEmptiesTheEncoder) {
  X86Encoder E;
  E.ret();
  EXPECT_EQ(E.finish(), Bytes{0xC3});
  EXPECT_EQ(E.size(), 0u);
  EXPECT_EQ(E.finish(), Bytes{});
}

} // namespace
