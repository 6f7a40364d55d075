//===- X86Encoder.cpp - The x86-64 instructions the emitter uses ----------===//
//
// Part of kaleido. See X86Encoder.h for what is encoded and why.
//
//===----------------------------------------------------------------------===//

#include "Baseline/X86Encoder.h"

using namespace kaleido::x86;

void X86Encoder::jump(uint8_t ShortOp, uint8_t NearPrefix, uint8_t NearOp,
                      Label L) {
  uint8_t *P = room();
  uint32_t Target = Positions[L.Id];
  if (Target != Unbound) {
    // Backward: the 2-byte form's displacement counts from its end.
    int64_t Short = int64_t(Target) - int64_t(Size + 2);
    if (Short >= -128) {
      *P++ = ShortOp;
      *P++ = uint8_t(int8_t(Short));
      commit(P);
      return;
    }
  }
  if (NearPrefix)
    *P++ = NearPrefix;
  *P++ = NearOp;
  commit(rel32(P, L));
}

std::vector<uint8_t> X86Encoder::finish() {
  for (const Fixup &F : Fixups) {
    assert(Positions[F.Target.Id] != Unbound && "a label used, never bound");
    patch32(F.Offset, Positions[F.Target.Id] - (F.Offset + 4));
  }
  Code.resize(Size);
  std::vector<uint8_t> Out = std::move(Code);
  Code.clear();
  Size = 0;
  Fixups.clear();
  Positions.clear();
  return Out;
}
