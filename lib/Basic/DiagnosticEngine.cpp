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
/// Line's first byte is at column FirstColumn: the bytes before it are not
/// known, and the window never reaches them.
void printSourceLine(llvm::raw_ostream &OS, llvm::StringRef Line,
                     unsigned Column, unsigned FirstColumn) {
  // Offsets count from the start of the whole line, of which Line is the end.
  size_t Skipped = FirstColumn ? FirstColumn - 1 : 0;
  size_t Size = Skipped + Line.size();
  // The caret's byte; Size is just past the end (an error at the end).
  size_t Caret = Column ? std::min<size_t>(Column - 1, Size) : 0;
  Caret = std::max(Caret, Skipped);
  size_t Begin = Skipped;
  size_t End = Size;
  if (Size > MaxShownColumns) {
    Begin = Caret > MaxShownColumns / 2 ? Caret - MaxShownColumns / 2 : 0;
    End = std::min(Size, Begin + MaxShownColumns);
    Begin = std::max(End - MaxShownColumns, Skipped);
    // Cut between characters, not inside a UTF-8 sequence (in a comment).
    while (Begin < Caret && isUTF8Continuation(Line[Begin - Skipped]))
      ++Begin;
    while (End < Size && isUTF8Continuation(Line[End - Skipped]))
      ++End;
  }
  llvm::StringRef Cut = "...";
  OS << (Begin ? Cut : "") << Line.slice(Begin - Skipped, End - Skipped)
     << (End < Size ? Cut : "") << '\n';
  if (Begin)
    OS.indent(Cut.size());
  // Keep tabs so the caret lines up under tab-indented source.
  for (size_t I = Begin; I < Caret; ++I)
    OS << (Line[I - Skipped] == '\t' ? '\t' : ' ');
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
    printSourceLine(OS, SourceLine, Loc.Column, SourceLineColumn);
  return Out;
}

llvm::StringRef DiagnosticEngine::getLine(unsigned Line) const {
  if (Line < Start.Line)
    return "";
  // A byte-order mark only at the start of the whole buffer.
  llvm::StringRef Rest =
      Start.Line == 1 && Start.Column == 1 ? dropByteOrderMark(Source) : Source;
  // Lines end at LF, CR LF or a lone CR, as the lexer counts them.
  auto LineEnd = [&Rest] {
    return std::min(Rest.find_first_of("\r\n"), Rest.size());
  };
  for (unsigned I = Start.Line; I < Line && !Rest.empty(); ++I) {
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
  if (Loc.isValid()) {
    D.SourceLine = getLine(Loc.Line).str();
    D.SourceLineColumn = getLineColumn(Loc.Line);
  }
  Handler(D);
}
