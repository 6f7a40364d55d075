//===- NativeDebugObject.h - DWARF for native baseline code -----*- C++ -*-===//
//
// Part of kaleido. Native baseline code never goes through LLVM, so nothing
// makes debug info for it but this: from the emitter's NativeDebugMap
// (Baseline/NativeEmitter.h: which code is which source line, which stack
// slot holds which parameter or variable, where the frame is set up) it
// writes a small ELF relocatable object in memory that a debugger reads
// through the GDB JIT interface (GDBRegistration.h):
//
//   .text          SHT_NOBITS at the code's real address (the debugger reads
//                  the bytes from the process)
//   .symtab        one function symbol, the function's name
//   .debug_abbrev, .debug_info   DWARF 4: a compile unit, the subprogram
//                  (frame base rbp), its parameters and variables at their
//                  slots (DW_OP_fbreg), a lexical block per `var` and `for`
//   .debug_line    a row per expression, as IRGen gives LLVM's code
//   .debug_frame   the CFA through the prologue, the body and the epilogue
//
// Addresses in the DWARF are absolute, and no section needs relocating.
// Built only under -g, once per native body, in a few microseconds.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_NATIVEDEBUGOBJECT_H
#define KALEIDO_JIT_NATIVEDEBUGOBJECT_H

#include "Baseline/NativeEmitter.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <vector>

namespace kaleido {

/// What the object describes.
struct NativeDebugSubject {
  /// The function's name, as the source spells it.
  llvm::StringRef Name;
  /// The buffer the definition came from, and the directory it is relative
  /// to (may be empty).
  llvm::StringRef File, Directory;
  /// The definition's line.
  unsigned Line = 0;
  /// Where the code is, and its bytes (instructions and the data after
  /// them, Map.CodeSize of them instructions).
  uint64_t Address = 0;
  uint64_t Size = 0;
};

/// The ELF object for the native code of What, described by Map. Map's
/// offsets must lie within What.Size.
std::vector<char> buildNativeDebugObject(const NativeDebugSubject &What,
                                         const NativeDebugMap &Map);

} // namespace kaleido

#endif // KALEIDO_JIT_NATIVEDEBUGOBJECT_H
