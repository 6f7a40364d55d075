//===- Program.h - The contract of a native executable -----------*- C++
//-*-===//
//
// Part of kaleido. What a compiled program (`kaleido build`, --emit=obj, and
// the module --emit=llvm prints) and the runtime archive it is linked with,
// libkaleido-rt.a, agree on. The program's `main` hands the runtime a table of
// its top-level expressions in source order; the runtime runs each as the JIT
// runs one (on a large stack, under the guard, with the same poll word
// protocol for stack overflow and interrupts) and ends the process the way
// the kaleido command does: the same output, diagnostics and exit codes.
//
// Only the names and the layout of ProgramItem are shared with the code
// generator (lib/Session/ProgramModule.cpp builds the table as constant
// data); a change here is a change there.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_RUNTIME_PROGRAM_H
#define KALEIDO_RUNTIME_PROGRAM_H

#include <cstdint>

namespace kaleido::rt {

/// One top-level expression of a compiled program. Four pointers, in this
/// order: the code generator emits the table as { ptr, ptr, ptr, ptr }.
struct ProgramItem {
  /// Installs the definitions read since the previous expression (stores
  /// their bodies in the slots of the functions that were redefined); null
  /// if there are none.
  void (*Define)();
  /// The expression.
  double (*Run)();
  /// The diagnostic a runtime error in Run becomes, cut where the message
  /// goes: "prog.ks:3:1: error: " before, the source line and caret after.
  const char *Before;
  const char *After;
};

/// ProgramFlags bits.
inline constexpr uint32_t ProgramPrintResults = 1; ///< As --print-results.

/// The runtime's symbols a compiled program refers to.
inline constexpr const char *RunProgramFunction = "kaleido_rt_run_program";
inline constexpr const char *PollWordGlobal = "kaleido_rt_poll_word";
inline constexpr const char *FailFunction = "kaleido_rt_fail";
inline constexpr const char *PutchardFunction = "kaleido_rt_putchard";
inline constexpr const char *PrintdFunction = "kaleido_rt_printd";

} // namespace kaleido::rt

// NOLINTBEGIN(readability-identifier-naming): C symbols of the contract.
extern "C" {
/// Runs Count items in order and returns the exit code: 0, 70 after a
/// runtime error, 130 after Ctrl-C, 128 + the signal after SIGTERM, SIGHUP or
/// SIGQUIT, 74 if standard output could not be written. Call it once, from
/// main.
int kaleido_rt_run_program(const kaleido::rt::ProgramItem *Items,
                           uint64_t Count, uint32_t Flags);

/// Ends the running expression with the runtime error Message (an `extern`
/// that reaches nothing, as the JIT words it). Defined in Builtins.cpp.
[[noreturn]] void kaleido_rt_fail(const char *Message);
}
// NOLINTEND(readability-identifier-naming)

#endif // KALEIDO_RUNTIME_PROGRAM_H
