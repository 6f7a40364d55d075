//===- InlinePolicy.cpp - Which callees optimised code copies in ----------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/InlinePolicy.h"

#include "AST/BodyAnalysis.h"

using namespace kaleido;

std::optional<InlineCandidate>
kaleido::makeInlineCandidate(const FunctionAST &Callee,
                             const uint32_t *VersionWord) {
  BodyMeasure M = measureBody(Callee, MaxInlineNodes);
  if (M.MayLoop || M.Nodes > MaxInlineNodes || !VersionWord)
    return std::nullopt;
  InlineCandidate C;
  C.Body = &Callee;
  C.VersionWord = VersionWord;
  C.Version = *VersionWord;
  C.Size = M.Nodes;
  return C;
}
