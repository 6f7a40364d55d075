//===- DiagnosticEngine.h - Reports located diagnostics ----------*- C++
//-*-===//
//
// Part of kaleido. Every stage reports problems through a DiagnosticEngine
// bound to one source buffer; the engine fills in the buffer name and the
// source line and hands the Diagnostic to the host's handler. Nothing here
// prints.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_BASIC_DIAGNOSTICENGINE_H
#define KALEIDO_BASIC_DIAGNOSTICENGINE_H

#include "kaleido/Diagnostic.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

namespace kaleido {

class DiagnosticEngine {
public:
  /// Source must outlive the engine. Start is where Source's first byte is
  /// in the whole buffer, when Source is a piece of it (input read in
  /// pieces); lines before Start.Line have no text here.
  DiagnosticEngine(llvm::StringRef BufferName, llvm::StringRef Source,
                   const DiagnosticHandler &Handler,
                   SourceLocation Start = {1, 1})
      : BufferName(BufferName), Source(Source), Start(Start), Handler(Handler) {
  }

  void error(SourceLocation Loc, const llvm::Twine &Message) {
    report(Diagnostic::Severity::Error, Loc, Message);
  }
  /// A warning does not count as an error: the program still runs.
  void warning(SourceLocation Loc, const llvm::Twine &Message) {
    report(Diagnostic::Severity::Warning, Loc, Message);
  }
  void note(SourceLocation Loc, const llvm::Twine &Message) {
    report(Diagnostic::Severity::Note, Loc, Message);
  }

  unsigned getNumErrors() const { return NumErrors; }
  llvm::StringRef getBufferName() const { return BufferName; }

  /// The text of line Line (1-based) of the source, without its newline.
  llvm::StringRef getLine(unsigned Line) const;
  /// The column getLine(Line)'s first byte is at: Start.Column on the first
  /// line of a piece, else 1.
  unsigned getLineColumn(unsigned Line) const {
    return Line == Start.Line ? Start.Column : 1;
  }

private:
  void report(Diagnostic::Severity Level, SourceLocation Loc,
              const llvm::Twine &Message);

  llvm::StringRef BufferName;
  llvm::StringRef Source;
  SourceLocation Start;
  const DiagnosticHandler &Handler;
  unsigned NumErrors = 0;
};

} // namespace kaleido

#endif // KALEIDO_BASIC_DIAGNOSTICENGINE_H
