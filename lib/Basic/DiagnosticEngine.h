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
  /// Source must outlive the engine.
  DiagnosticEngine(llvm::StringRef BufferName, llvm::StringRef Source,
                   const DiagnosticHandler &Handler)
      : BufferName(BufferName), Source(Source), Handler(Handler) {}

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

private:
  void report(Diagnostic::Severity Level, SourceLocation Loc,
              const llvm::Twine &Message);

  llvm::StringRef BufferName;
  llvm::StringRef Source;
  const DiagnosticHandler &Handler;
  unsigned NumErrors = 0;
};

} // namespace kaleido

#endif // KALEIDO_BASIC_DIAGNOSTICENGINE_H
