//===- CodeText.h - IR and machine code as text ------------------*- C++
//-*-===//
//
// Part of kaleido. Private to the Session library: what --emit=llvm/asm and
// Session::printFunction (the REPL's :ir and :asm) print with. A module is
// printed as IR or compiled to assembly by a TargetMachine of the host with
// the JIT's settings; native baseline code, which has no IR, is
// disassembled from its bytes.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_CODETEXT_H
#define KALEIDO_SESSION_CODETEXT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace kaleido {

/// The host's TargetMachine at OptLevel: the JIT's optimised tier's
/// settings (0: the baseline tier's code generation), without a JIT.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createEmitTarget(unsigned OptLevel);

/// Prints M as IR, or as assembly for TM if Asm.
llvm::Error printModule(llvm::Module &M, llvm::TargetMachine &TM, bool Asm,
                        llvm::raw_ostream &OS);

/// Writes M compiled by TM as a relocatable object file to OS.
llvm::Error printObject(llvm::Module &M, llvm::TargetMachine &TM,
                        llvm::raw_ostream &OS);

/// Prints the host's machine code in Code, which runs at Address, one
/// instruction a line with its address (AT&T syntax, as --emit=asm).
llvm::Error disassemble(llvm::ArrayRef<uint8_t> Code, uint64_t Address,
                        llvm::raw_ostream &OS);

} // namespace kaleido

#endif // KALEIDO_SESSION_CODETEXT_H
