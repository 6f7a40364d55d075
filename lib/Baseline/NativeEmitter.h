//===- NativeEmitter.h - The checked AST straight to x86-64 -----*- C++ -*-===//
//
// Part of kaleido. The native baseline code generator: one walk over a
// function's checked AST that appends x86-64 machine code, with no IR, no
// instruction selection and no register allocation. It computes what
// CodeGen/IRGen.cpp's IR computes, bit for bit (AST/BuiltinOperators.h), and
// has the same safepoints, self calls, self tail calls and call counter.
//
// Rationale
// ---------
// An LLVM -O0 compile of a small function costs a fifth of a millisecond,
// nearly all of it fixed cost (a module, FastISel, the AsmPrinter, a JITLink
// link). Baseline code only has to be correct and run for a few calls, so
// this is a template emitter: every parameter, variable and temporary lives
// in a stack slot below rbp, every value passes through xmm0, and each node
// appends the same few instructions wherever it is. What it trades away is
// the quality of the code (loads and stores around every operation, no
// constant folding, no register allocation); what it gains is a compile in
// microseconds. The code it returns is position independent (absolute
// addresses are loaded as 64-bit immediates, the function's name is read
// rip-relative), so it may be copied anywhere.
//
// A construct it does not handle (more than 8 parameters or arguments, which
// would need stack arguments) makes it fail with an error: the caller then
// compiles that body with LLVM instead. The result is always correct code or
// no code.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_BASELINE_NATIVEEMITTER_H
#define KALEIDO_BASELINE_NATIVEEMITTER_H

#include "AST/AST.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kaleido {

/// Where native code came from, for the debugger (-g): filled in by
/// emitNative when NativeEmitOptions::Debug points at one. Offsets are from
/// the code's first byte.
struct NativeDebugMap {
  /// A row of the line table: from Offset on, the code is Loc's (until the
  /// next row). In code order; the first row is at offset 0.
  struct Row {
    uint32_t Offset;
    SourceLocation Loc;
  };
  /// A parameter or variable in a stack slot: [rbp + FrameOffset].
  struct Variable {
    std::string Name;
    /// 1-based for parameters, 0 for `var` and `for` names.
    unsigned ArgNo;
    SourceLocation Loc;
    int32_t FrameOffset;
  };
  /// A `var` or `for` (code [Begin, End)), or the function itself (the
  /// first scope, Parent -1): the variables it declares.
  struct Scope {
    uint32_t Begin = 0, End = 0;
    int Parent = -1;
    std::vector<Variable> Variables;
  };
  std::vector<Row> Lines;
  /// Parents before children.
  std::vector<Scope> Scopes;
  /// The bytes of the function's instructions; the name its safepoint
  /// reports follows them (data, not code).
  uint32_t CodeSize = 0;
  /// The frame, for the unwinder: the offsets just past `push rbp` and
  /// `mov rbp, rsp`, and of the one `leave` (followed by `ret`).
  uint32_t AfterPush = 0, AfterFrame = 0, Leave = 0;
  /// Where the prologue ends (the parameters are in their slots): where a
  /// debugger stops for a breakpoint on the function.
  uint32_t PrologueEnd = 0;
};

/// What native code refers to outside itself. Every address must stay valid
/// as long as the code can run.
struct NativeEmitOptions {
  /// The poll word (see Runtime/Runtime.h) and the function called with the
  /// function's name when the stack pointer is below it. If PollWord is null
  /// there are no safepoints.
  const void *PollWord = nullptr;
  const void *SafepointFunction = nullptr;
  /// The call counter of baseline code (see JIT/TierUpLayer.h): if Countdown
  /// is set, every call decrements it, and the call that brings it to 0
  /// calls TierUpEntry(CounterSite).
  int32_t *Countdown = nullptr;
  const void *CounterSite = nullptr;
  const void *TierUpEntry = nullptr;
  /// The address a call of another function goes to (the callee's permanent
  /// stub). Called during emitNative only; an error fails the emit.
  llvm::function_ref<llvm::Expected<uint64_t>(llvm::StringRef Callee)>
      CalleeAddress;
  /// If not null, where the code's line table and variables go (-g).
  /// Without it the emitter records nothing.
  NativeDebugMap *Debug = nullptr;
};

/// Arguments passed in registers (xmm0-xmm7); a function or call with more
/// is not supported.
inline constexpr unsigned MaxNativeArguments = 8;

/// The machine code of F (which must have passed Sema), position
/// independent, entered at its first byte with the System V calling
/// convention: parameters in xmm0.., the result in xmm0. Fails if F uses a
/// construct the emitter does not support, or a callee has no address.
llvm::Expected<std::vector<uint8_t>> emitNative(const FunctionAST &F,
                                                const NativeEmitOptions &Opts);

} // namespace kaleido

#endif // KALEIDO_BASELINE_NATIVEEMITTER_H
