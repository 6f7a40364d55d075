//===- DiagnosticEngine.cpp - Reports located diagnostics -----------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Basic/DiagnosticEngine.h"

#include "llvm/Support/raw_ostream.h"

using namespace kaleido;

char SessionError::ID = 0;

void SessionError::log(llvm::raw_ostream &OS) const { OS << Message; }

std::error_code SessionError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

std::string Diagnostic::format() const {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << BufferName;
  if (Loc.isValid())
    OS << ':' << Loc.Line << ':' << Loc.Column;
  switch (Level) {
  case Severity::Error:
    OS << ": error: ";
    break;
  case Severity::Warning:
    OS << ": warning: ";
    break;
  case Severity::Note:
    OS << ": note: ";
    break;
  }
  OS << Message << '\n';
  if (Loc.isValid() && !SourceLine.empty()) {
    OS << SourceLine << '\n';
    // Keep tabs so the caret lines up under tab-indented source.
    for (unsigned I = 1; I < Loc.Column && I <= SourceLine.size(); ++I)
      OS << (SourceLine[I - 1] == '\t' ? '\t' : ' ');
    OS << "^\n";
  }
  return Out;
}

llvm::StringRef DiagnosticEngine::getLine(unsigned Line) const {
  llvm::StringRef Rest = Source;
  for (unsigned I = 1; I < Line && !Rest.empty(); ++I)
    Rest = Rest.split('\n').second;
  return Rest.split('\n').first.rtrim('\r');
}

void DiagnosticEngine::report(Diagnostic::Severity Level, SourceLocation Loc,
                              const llvm::Twine &Message) {
  if (Level == Diagnostic::Severity::Error)
    ++NumErrors;
  if (!Handler)
    return;
  Diagnostic D;
  D.Level = Level;
  D.BufferName = BufferName.str();
  D.Loc = Loc;
  D.Message = Message.str();
  if (Loc.isValid())
    D.SourceLine = getLine(Loc.Line).str();
  Handler(D);
}
