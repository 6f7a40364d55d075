//===- DiagnosticEngine.cpp - Reports located diagnostics -----------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Basic/DiagnosticEngine.h"
#include "Basic/SourceText.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace kaleido;

char SessionError::ID = 0;

void SessionError::log(llvm::raw_ostream &OS) const { OS << Message; }

std::error_code SessionError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

namespace {
/// At most this many bytes of a source line are shown; a longer line (a
/// generated program can put a megabyte on one) is cut to a window around the
/// caret, with "..." where it was cut.
constexpr size_t MaxShownColumns = 120;

bool isUTF8Continuation(char C) {
  return (static_cast<unsigned char>(C) & 0xC0) == 0x80;
}

/// Prints Line, or the window of it around Column, and a caret under Column.
void printSourceLine(llvm::raw_ostream &OS, llvm::StringRef Line,
                     unsigned Column) {
  // The caret's byte; Line.size() is just past the end (an error at the end).
  size_t Caret = Column ? std::min<size_t>(Column - 1, Line.size()) : 0;
  size_t Begin = 0;
  size_t End = Line.size();
  if (Line.size() > MaxShownColumns) {
    Begin = Caret > MaxShownColumns / 2 ? Caret - MaxShownColumns / 2 : 0;
    End = std::min(Line.size(), Begin + MaxShownColumns);
    Begin = End - MaxShownColumns;
    // Cut between characters, not inside a UTF-8 sequence (in a comment).
    while (Begin < Caret && isUTF8Continuation(Line[Begin]))
      ++Begin;
    while (End < Line.size() && isUTF8Continuation(Line[End]))
      ++End;
  }
  llvm::StringRef Cut = "...";
  OS << (Begin ? Cut : "") << Line.slice(Begin, End)
     << (End < Line.size() ? Cut : "") << '\n';
  if (Begin)
    OS.indent(Cut.size());
  // Keep tabs so the caret lines up under tab-indented source.
  for (size_t I = Begin; I < Caret; ++I)
    OS << (Line[I] == '\t' ? '\t' : ' ');
  OS << "^\n";
}
} // namespace

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
  if (Loc.isValid() && !SourceLine.empty())
    printSourceLine(OS, SourceLine, Loc.Column);
  return Out;
}

llvm::StringRef DiagnosticEngine::getLine(unsigned Line) const {
  llvm::StringRef Rest = dropByteOrderMark(Source);
  // Lines end at LF, CR LF or a lone CR, as the lexer counts them.
  auto LineEnd = [&Rest] {
    return std::min(Rest.find_first_of("\r\n"), Rest.size());
  };
  for (unsigned I = 1; I < Line && !Rest.empty(); ++I) {
    size_t E = LineEnd();
    Rest = Rest.drop_front(E + lineBreakLength(Rest.data() + E, Rest.end()));
  }
  return Rest.take_front(LineEnd());
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
