//===- GDBRegistration.cpp - Tells gdb where JIT'd code's debug info is ---===//
//
// Part of kaleido. See GDBRegistration.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/GDBRegistration.h"

#include "llvm/ExecutionEngine/Orc/Debugging/ELFDebugObjectPlugin.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

// LLVM's OrcTargetProcess defines both (JITLoaderGDB.cpp): the process's one
// descriptor, and the function the debugger puts its breakpoint in. Naming
// them here links that file in, so the native tier's objects go on the same
// list as the ones ORC's plugin registers.
extern "C" {
// NOLINTNEXTLINE(readability-identifier-naming): the GDB JIT interface's.
extern jit_descriptor __jit_debug_descriptor;
// NOLINTNEXTLINE(readability-identifier-naming): the GDB JIT interface's.
void __jit_debug_register_code();
}

Expected<std::unique_ptr<ObjectLinkingLayer::Plugin>>
kaleido::createGDBPlugin(ExecutionSession &ES) {
  Error Err = Error::success();
  // Only objects with debug sections, registered as each is linked: the
  // session emits DWARF for every body under -g, and a body must be
  // debuggable before it first runs.
  auto P = std::make_unique<ELFDebugObjectPlugin>(
      ES, /*RequireDebugSections=*/true, /*AutoRegisterCode=*/true, Err);
  if (Err)
    return std::move(Err);
  return std::move(P);
}

GDBRegistration::GDBRegistration(std::vector<char> Obj)
    : Object(std::move(Obj)), Entry(std::make_unique<jit_code_entry>()) {
  Entry->symfile_addr = Object.data();
  Entry->symfile_size = Object.size();
  Entry->prev_entry = nullptr;
  Entry->next_entry = __jit_debug_descriptor.first_entry;
  if (Entry->next_entry)
    Entry->next_entry->prev_entry = Entry.get();
  __jit_debug_descriptor.first_entry = Entry.get();
  __jit_debug_descriptor.relevant_entry = Entry.get();
  __jit_debug_descriptor.action_flag = JIT_REGISTER_FN;
  __jit_debug_register_code();
}

GDBRegistration::~GDBRegistration() {
  if (Entry->prev_entry)
    Entry->prev_entry->next_entry = Entry->next_entry;
  else
    __jit_debug_descriptor.first_entry = Entry->next_entry;
  if (Entry->next_entry)
    Entry->next_entry->prev_entry = Entry->prev_entry;
  __jit_debug_descriptor.relevant_entry = Entry.get();
  __jit_debug_descriptor.action_flag = JIT_UNREGISTER_FN;
  __jit_debug_register_code();
  __jit_debug_descriptor.relevant_entry = nullptr;
  __jit_debug_descriptor.action_flag = JIT_NOACTION;
}
