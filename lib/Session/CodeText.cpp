//===- CodeText.cpp - IR and machine code as text -------------------------===//
//
// Part of kaleido. See CodeText.h.
//
//===----------------------------------------------------------------------===//

#include "Session/CodeText.h"

#include "JIT/HostTarget.h"
#include "Session/SessionImpl.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstPrinter.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace kaleido;
using namespace llvm;

Expected<std::unique_ptr<TargetMachine>>
kaleido::createEmitTarget(unsigned OptLevel) {
  auto JTMB = hostMachineBuilder(OptLevel);
  if (!JTMB)
    return JTMB.takeError();
  return JTMB->createTargetMachine();
}

Error kaleido::printModule(Module &M, TargetMachine &TM, bool Asm,
                           raw_ostream &OS) {
  if (!Asm) {
    M.print(OS, nullptr);
    return Error::success();
  }
  SmallString<0> Text;
  raw_svector_ostream TextOS(Text);
  legacy::PassManager PM;
  if (TM.addPassesToEmitFile(PM, TextOS, nullptr,
                             CodeGenFileType::AssemblyFile))
    return make_error<SessionError>(ErrorKind::Internal,
                                    "the target cannot emit assembly");
  PM.run(M);
  OS << Text;
  return Error::success();
}

Error kaleido::printObject(Module &M, TargetMachine &TM, raw_ostream &OS) {
  SmallString<0> Bytes;
  raw_svector_ostream BytesOS(Bytes);
  legacy::PassManager PM;
  if (TM.addPassesToEmitFile(PM, BytesOS, nullptr, CodeGenFileType::ObjectFile))
    return make_error<SessionError>(ErrorKind::Internal,
                                    "the target cannot emit object files");
  PM.run(M);
  OS << Bytes;
  return Error::success();
}

Error kaleido::disassemble(ArrayRef<uint8_t> Code, uint64_t Address,
                           raw_ostream &OS) {
  InitializeNativeTarget();
  InitializeNativeTargetDisassembler();
  Triple TT(sys::getProcessTriple());
  std::string Err;
  const Target *T = TargetRegistry::lookupTarget(TT, Err);
  if (!T)
    return createStringError("no disassembler for " + TT.str() + ": " + Err);
  std::unique_ptr<MCRegisterInfo> MRI(T->createMCRegInfo(TT));
  MCTargetOptions MCOpts;
  std::unique_ptr<MCAsmInfo> MAI(T->createMCAsmInfo(*MRI, TT, MCOpts));
  std::unique_ptr<MCSubtargetInfo> STI(
      T->createMCSubtargetInfo(TT, sys::getHostCPUName(), ""));
  std::unique_ptr<MCInstrInfo> MII(T->createMCInstrInfo());
  if (!MRI || !MAI || !STI || !MII)
    return createStringError("no disassembler for " + TT.str());
  MCContext Ctx(TT, MAI.get(), MRI.get(), STI.get());
  std::unique_ptr<MCDisassembler> DisAsm(T->createMCDisassembler(*STI, Ctx));
  std::unique_ptr<MCInstPrinter> Printer(
      T->createMCInstPrinter(TT, MAI->getAssemblerDialect(), *MAI, *MII, *MRI));
  if (!DisAsm || !Printer)
    return createStringError("no disassembler for " + TT.str());
  Printer->setPrintBranchImmAsAddress(true);
  for (uint64_t Off = 0; Off < Code.size();) {
    MCInst Inst;
    uint64_t Size = 0;
    OS << format("  %8llx:", (unsigned long long)(Address + Off));
    if (DisAsm->getInstruction(Inst, Size, Code.slice(Off), Address + Off,
                               nulls()) != MCDisassembler::Success ||
        !Size) {
      OS << format("\t.byte\t0x%02x\n", Code[Off]);
      ++Off;
      continue;
    }
    Printer->printInst(&Inst, Address + Off, "", *STI, OS);
    OS << '\n';
    Off += Size;
  }
  return Error::success();
}
