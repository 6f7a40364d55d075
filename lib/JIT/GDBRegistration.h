//===- GDBRegistration.h - Tells gdb where JIT'd code's debug info is -*- C++
//-*-===//
//
// Part of kaleido. The GDB JIT interface: a debugger that sets a breakpoint
// in __jit_debug_register_code reads __jit_debug_descriptor's list of
// in-memory object files, each with the DWARF of some JIT'd code, whenever
// the process adds or removes one. There must be exactly one descriptor in
// the process; it is LLVM's (OrcTargetProcess' JITLoaderGDB.cpp), which ORC's
// ELFDebugObjectPlugin uses for code JITLink links. Two ways in, one for
// each path code takes:
//
//   LLVM's code    createGDBPlugin: ORC's ELFDebugObjectPlugin on the
//                  ObjectLinkingLayer (the object's DWARF, with the linked
//                  addresses, registered before the code first runs)
//   native code    GDBRegistration: an object kaleido builds itself
//                  (NativeDebugObject.h), registered while the body lives
//
// Both change the descriptor's list, which LLVM guards with a lock of its
// own that nothing outside JITLoaderGDB.cpp can take: so everything that
// registers must do it on one thread (a debugged session compiles tier-ups
// on the program's thread; see KaleidoJIT's JITOptions::DebugInfo).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_GDBREGISTRATION_H
#define KALEIDO_JIT_GDBREGISTRATION_H

#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/Orc/TargetProcess/JITLoaderGDB.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace kaleido {

/// ORC's plugin that registers each linked object that has DWARF with the
/// debugger, and drops it when the object's code is freed. Fails if the
/// session's executor cannot register (no GDB JIT interface linked in).
llvm::Expected<std::unique_ptr<llvm::orc::ObjectLinkingLayer::Plugin>>
createGDBPlugin(llvm::orc::ExecutionSession &ES);

/// One in-memory object file on the debugger's list, for as long as this
/// lives: the constructor adds it and tells the debugger, the destructor
/// takes it off and tells the debugger again. Not thread safe (see the file
/// comment): make and destroy registrations on the thread that compiles.
class GDBRegistration {
public:
  /// Registers Object, an ELF file with DWARF (which this keeps).
  explicit GDBRegistration(std::vector<char> Object);
  ~GDBRegistration();
  GDBRegistration(const GDBRegistration &) = delete;
  GDBRegistration &operator=(const GDBRegistration &) = delete;

  /// The registered object file.
  llvm::ArrayRef<char> getObject() const { return Object; }

private:
  std::vector<char> Object;
  std::unique_ptr<jit_code_entry> Entry;
};

} // namespace kaleido

#endif // KALEIDO_JIT_GDBREGISTRATION_H
