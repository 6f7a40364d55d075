//===- InlinePolicy.h - Which callees optimised code copies in ---*- C++
//-*-===//
//
// Part of kaleido. A call through a stub costs more than the jump: every
// value live across it is spilled (the SysV ABI saves no floating-point
// register) and nothing is optimised across it. So optimised code copies
// small callees into the caller (IRGenOptions::FindInlinable). The policy is
// a function of the callee's AST alone: bounded (no loop, no self call, so
// a copy cannot make the caller run longer than the call would) and at most
// MaxInlineNodes expression nodes. How deep copies nest and how much one
// function may take in are IRGenOptions::MaxInlineDepth and InlineBudget.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_CODEGEN_INLINEPOLICY_H
#define KALEIDO_CODEGEN_INLINEPOLICY_H

#include "CodeGen/IRGen.h"

#include <optional>

namespace kaleido {

/// Bodies of at most this many expression nodes (`x * x` has 3) are inlined.
inline constexpr unsigned MaxInlineNodes = 40;

/// Callee as an inlining candidate, or nullopt if the policy refuses it.
/// VersionWord is the JIT's word for the callee (see InlineCandidate); null
/// refuses too (nothing could tell the copy is stale).
std::optional<InlineCandidate> makeInlineCandidate(const FunctionAST &Callee,
                                                   const uint32_t *VersionWord);

} // namespace kaleido

#endif // KALEIDO_CODEGEN_INLINEPOLICY_H
