//===- FuzzSupport.h - Shared pieces of the libFuzzer targets ----*- C++ -*-===//
//
// Part of kaleido. The fuzz targets drive the front end through the library's
// internal headers, the way lib/Session does, so that a crash found by fuzzing
// points at the stage that has the bug rather than at the session around it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_FUZZ_FUZZSUPPORT_H
#define KALEIDO_FUZZ_FUZZSUPPORT_H

#include "AST/AST.h"
#include "Parse/OperatorTable.h"
#include "Sema/Sema.h"

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>

namespace kaleido::fuzz {

inline llvm::StringRef asSource(const uint8_t *Data, size_t Size) {
  return llvm::StringRef(reinterpret_cast<const char *>(Data), Size);
}

/// Records a checked `def` or `extern` exactly as Session::Impl::record does
/// (lib/Session/Session.cpp): the first declaration fixes the arity and
/// location, a definition replaces the body and, for a binary operator, sets
/// the precedence later items are parsed with. Keep the two in step.
inline void record(FunctionTable &Functions, OperatorTable &Ops,
                   const TopLevelItem &Item, llvm::StringRef BufferName) {
  const PrototypeAST &Proto = Item.K == TopLevelItem::Kind::Extern
                                  ? Item.Proto
                                  : Item.Function->Proto;
  auto [It, Inserted] = Functions.try_emplace(Proto.Name);
  FunctionDecl &D = It->second;
  if (Inserted) {
    D.Arity = Proto.Params.size();
    D.K = Proto.K;
    D.Loc = Proto.Loc;
    D.BufferName = BufferName.str();
  }
  if (Item.K == TopLevelItem::Kind::Definition) {
    D.Body = Item.Function;
    ++D.Version;
    if (Proto.K == PrototypeAST::Kind::Binary)
      Ops.setPrecedence(Proto.getOperator(), Proto.Precedence);
  }
}

} // namespace kaleido::fuzz

#endif // KALEIDO_FUZZ_FUZZSUPPORT_H
