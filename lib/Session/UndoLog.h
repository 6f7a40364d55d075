//===- UndoLog.h - What each input changed, to put it back -------*- C++
//-*-===//
//
// Part of kaleido. Private to the Session library.
//
// Session::undo takes back the last input (one run()) that changed a
// definition. The log keeps, for each such input, the state every name it
// touched had before it (its table entry, or that it did not exist) and the
// precedence of every binary operator it defined; undo puts them back in
// reverse order and tells the executor, which points the stubs at the old
// bodies (or back at the host). A redefined body is kept alive by its
// entry, so an undo costs no re-parsing. The log is bounded: the oldest
// input goes when a new one would exceed the limit, and a limit of 0 keeps
// nothing (a host that never undoes pays nothing).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_UNDOLOG_H
#define KALEIDO_SESSION_UNDOLOG_H

#include "AST/AST.h"
#include "Parse/OperatorTable.h"
#include "Sema/Sema.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace kaleido {

class UndoLog {
public:
  explicit UndoLog(size_t Limit) : Limit(Limit) {}

  /// What a name was before the input touched it.
  struct Entry {
    std::string Name;
    /// The table entry it had, or none if the input declared it.
    std::optional<FunctionDecl> Before;
    /// For a binary operator: the operator and its precedence before (0: it
    /// was none).
    char Op = 0;
    unsigned OpBefore = 0;
  };
  struct Record {
    std::string BufferName;
    /// In the order the input touched the names.
    std::vector<Entry> Entries;
  };

  /// Starts the record of an input (a run() of BufferName), or, if
  /// Continued (a piece of the last input's buffer), goes on with the last
  /// input's.
  void begin(llvm::StringRef BufferName, bool Continued = false);
  /// Notes the state Item's name has now, before Item is recorded in the
  /// tables, if this input has not touched the name yet.
  void noteBefore(const TopLevelItem &Item, const FunctionTable &Functions,
                  const OperatorTable &Ops);
  /// Ends the input's record: kept if it changed anything.
  void end();

  /// The last input's record, taken off the log; none if it is empty.
  std::optional<Record> pop();
  size_t size() const { return Records.size(); }

private:
  size_t Limit;
  bool Open = false;
  /// Whether the last record is the last input's (it changed something).
  bool LastKept = false;
  Record Current;
  std::deque<Record> Records;
};

} // namespace kaleido

#endif // KALEIDO_SESSION_UNDOLOG_H
