//===- REPL.h - The kaleido command's interactive loop -----------*- C++
//-*-===//
//
// Part of kaleido. What `kaleido` does on a terminal: read a line with
// LLVM's LineEditor (history kept in a file, Tab completion), run each
// complete input in the session as its own buffer (<repl:N>, so that every
// diagnostic names one input), and answer the commands of one table
// (:help lists them). Everything it knows about functions it asks the
// session through the public API.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_TOOLS_REPL_H
#define KALEIDO_TOOLS_REPL_H

#include "Driver.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/LineEditor/LineEditor.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kaleido {
namespace driver {

/// What the REPL needs from the command that starts it.
struct REPLHooks {
  /// A fresh session as the command line asked for (:reset).
  std::function<llvm::Expected<std::unique_ptr<Session>>()> NewSession;
  /// Feeds Source to S as --emit asks (runs it, by default; the session's
  /// clock, SessionOptions::Timeout, gives each input the whole limit).
  std::function<llvm::Error(Session &S, llvm::StringRef Source,
                            llvm::StringRef Name)>
      Process;
  /// Whether a line is printed for each compile; :trace sets it.
  bool *Trace = nullptr;
  /// --timeout, for the note that it stopped an input.
  double Timeout = 0;
};

/// The history file: $KALEIDO_HISTORY if set (empty: none), else
/// ~/.kaleido_history if HOME is set, else none (an empty string).
std::string historyPath();

class REPL {
public:
  REPL(std::unique_ptr<Session> &S, Output &Out, REPLHooks Hooks);

  /// Reads and runs inputs until end of input or :quit; returns the exit
  /// code.
  int run();

  /// What Tab offers for the word before Pos in Line: commands at the start
  /// of a line, else keywords and the session's functions.
  std::vector<llvm::LineEditor::Completion> complete(llvm::StringRef Line,
                                                     size_t Pos) const;

private:
  /// A command's answer: std::nullopt to read on, else the exit code.
  using Result = std::optional<int>;
  struct Command {
    llvm::StringLiteral Name, Args, Help;
    Result (REPL::*Run)(llvm::StringRef Args);
  };
  static const Command Commands[];

  /// Runs one complete input (code or a command) as buffer <repl:N>.
  Result runInput(llvm::StringRef Input);
  Result runCommand(llvm::StringRef Line);
  /// Feeds Source to the session on a fresh clock and reports a timeout;
  /// false if it failed (as reported).
  bool feed(llvm::StringRef Source, llvm::StringRef Name);
  /// Reports a misused command, located at the input's first column.
  void commandError(const llvm::Twine &Message) const;

  Result help(llvm::StringRef Args);
  Result quit(llvm::StringRef Args);
  Result load(llvm::StringRef Args);
  Result time(llvm::StringRef Args);
  /// :ir and :asm.
  Result printCode(llvm::StringRef Name, EmitKind Kind);
  Result ir(llvm::StringRef Args);
  Result assembly(llvm::StringRef Args);
  Result undo(llvm::StringRef Args);
  Result reset(llvm::StringRef Args);
  Result funcs(llvm::StringRef Args);
  Result stats(llvm::StringRef Args);
  Result trace(llvm::StringRef Args);

  std::unique_ptr<Session> &S;
  Output &Out;
  REPLHooks Hooks;
  /// Inputs read so far: the N of <repl:N>.
  unsigned Inputs = 0;
  std::string BufferName;
};

} // namespace driver
} // namespace kaleido

#endif // KALEIDO_TOOLS_REPL_H
