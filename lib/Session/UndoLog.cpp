//===- UndoLog.cpp - What each input changed, to put it back --------------===//
//
// Part of kaleido. See UndoLog.h.
//
//===----------------------------------------------------------------------===//

#include "Session/UndoLog.h"

#include "llvm/ADT/STLExtras.h"

using namespace kaleido;
using namespace llvm;

void UndoLog::begin(StringRef BufferName, bool Continued) {
  if (!Limit)
    return;
  Open = true;
  if (Continued && LastKept) {
    Current = std::move(Records.back());
    Records.pop_back();
    return;
  }
  Current = Record();
  Current.BufferName = BufferName.str();
}

void UndoLog::noteBefore(const TopLevelItem &Item,
                         const FunctionTable &Functions,
                         const OperatorTable &Ops) {
  if (!Open || Item.K == TopLevelItem::Kind::Expression)
    return;
  const PrototypeAST &Proto =
      Item.K == TopLevelItem::Kind::Extern ? Item.Proto : Item.Function->Proto;
  if (any_of(Current.Entries,
             [&](const Entry &E) { return E.Name == Proto.Name; }))
    return;
  Entry E;
  E.Name = Proto.Name;
  auto It = Functions.find(Proto.Name);
  if (It != Functions.end())
    E.Before = It->second;
  // A binary operator's `def` and its `extern` both set its precedence.
  if (Proto.K == PrototypeAST::Kind::Binary) {
    E.Op = Proto.getOperator();
    E.OpBefore = Ops.getPrecedence(E.Op);
  }
  Current.Entries.push_back(std::move(E));
}

void UndoLog::end() {
  if (!Open)
    return;
  Open = false;
  LastKept = !Current.Entries.empty();
  if (!LastKept)
    return;
  Records.push_back(std::move(Current));
  if (Records.size() > Limit)
    Records.pop_front();
}

std::optional<UndoLog::Record> UndoLog::pop() {
  if (Records.empty())
    return std::nullopt;
  Record R = std::move(Records.back());
  Records.pop_back();
  LastKept = false;
  return R;
}
