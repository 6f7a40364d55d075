//===- kaleido/Diagnostic.h - Located diagnostics and error kinds -*- C++
//-*-===//
//
// Part of kaleido. Public API.
//
// Diagnostics travel one way (to a handler the host supplies) and a short
// llvm::Error travels back to the caller. The error carries a Kind so a host
// can map it to an exit code without parsing text.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_DIAGNOSTIC_H
#define KALEIDO_DIAGNOSTIC_H

#include "kaleido/Export.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>

namespace kaleido {

/// A position in a source buffer. Lines and columns count from 1; a Line of 0
/// means "no location" (for example an error raised by the JIT itself).
struct SourceLocation {
  unsigned Line = 0;
  unsigned Column = 0;

  bool isValid() const { return Line != 0; }
};

/// One message about the program, with where it points.
struct KALEIDO_API Diagnostic {
  enum class Severity { Error, Warning, Note };

  Severity Level = Severity::Error;
  /// The buffer name given to Session::run ("<stdin>", a path, ...).
  std::string BufferName;
  SourceLocation Loc;
  std::string Message;
  /// The text of the line Loc points into, without its newline; empty when
  /// there is no location.
  std::string SourceLine;
  /// The column of SourceLine's first byte: 1, unless the session holds only
  /// the end of a long line (input read in pieces, Session::run of a
  /// SourcePiece), and then the line has more before it.
  unsigned SourceLineColumn = 1;

  /// Renders "file:line:col: error: message", then the source line and a caret
  /// under the column, each line ending in '\n'. Of a line longer than 120
  /// bytes only 120 around the column are shown, with "..." where it is cut
  /// (also before a SourceLine that starts past column 1).
  /// Without a location only "file: error: message" is printed.
  std::string format() const;
};

/// Receives every diagnostic a session produces, in order. Called on the thread
/// that called into the session.
using DiagnosticHandler = std::function<void(const Diagnostic &)>;

/// What kind of failure an Error from the session reports.
enum class ErrorKind {
  Compile,     ///< The program is ill-formed (exit code 65 in the tool).
  Runtime,     ///< The program failed while running (exit code 70).
  Interrupted, ///< Stopped by an interrupt or a time limit (exit code 130).
  Internal,    ///< The JIT or LLVM failed; a bug in kaleido (exit code 70).
  Usage,       ///< The host passed an invalid option (exit code 64).
  IO           ///< A file the session was asked to write could not be
               ///< (a profile: SessionOptions::PerfMap...; exit code 74).
};

/// The llvm::Error returned by Session entry points. Its message is a short
/// summary; the located details went to the DiagnosticHandler already.
class KALEIDO_API SessionError : public llvm::ErrorInfo<SessionError> {
public:
  static char ID;

  SessionError(ErrorKind Kind, std::string Message)
      : Kind(Kind), Message(std::move(Message)) {}

  ErrorKind getKind() const { return Kind; }
  const std::string &getMessage() const { return Message; }

  void log(llvm::raw_ostream &OS) const override;
  std::error_code convertToErrorCode() const override;

private:
  ErrorKind Kind;
  std::string Message;
};

} // namespace kaleido

#endif // KALEIDO_DIAGNOSTIC_H
