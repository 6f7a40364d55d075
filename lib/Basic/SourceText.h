//===- SourceText.h - What a source buffer's lines are -----------*- C++
//-*-===//
//
// Part of kaleido. The one definition of where a buffer's text starts and
// where its lines break, shared by the lexer (which counts lines) and the
// diagnostic engine (which finds a line's text again): a UTF-8 byte-order
// mark at the start is not text, and a line ends at LF, CR LF or a lone CR.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_BASIC_SOURCETEXT_H
#define KALEIDO_BASIC_SOURCETEXT_H

#include "kaleido/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>

namespace kaleido {

/// Source without the UTF-8 byte-order mark it may start with (editors on
/// Windows write one; it is not part of the first line).
inline llvm::StringRef dropByteOrderMark(llvm::StringRef Source) {
  Source.consume_front("\xEF\xBB\xBF");
  return Source;
}

/// The length of the line break at P (before End): 2 for CR LF, 1 for LF or
/// a lone CR, 0 if P is not at a line break.
inline size_t lineBreakLength(const char *P, const char *End) {
  if (P == End)
    return 0;
  if (*P == '\n')
    return 1;
  if (*P != '\r')
    return 0;
  return P + 1 != End && P[1] == '\n' ? 2 : 1;
}

/// The line and column of byte Offset of Text, which starts at Start of its
/// buffer, counted as the lexer counts them: lines end at LF, CR LF or a
/// lone CR, and a byte-order mark at the start of the buffer (Start 1:1) is
/// not a column. Offset must not split a CR LF.
inline SourceLocation locationIn(llvm::StringRef Text, SourceLocation Start,
                                 size_t Offset) {
  const char *P = Text.begin();
  if (Start.Line == 1 && Start.Column == 1)
    P = dropByteOrderMark(Text).begin();
  const char *At = Text.begin() + std::min(Offset, Text.size());
  SourceLocation Loc = Start;
  const char *LineStart = P;
  while (P < At) {
    if (size_t N = lineBreakLength(P, Text.end())) {
      P += N;
      ++Loc.Line;
      Loc.Column = 1;
      LineStart = P;
    } else {
      ++P;
    }
  }
  if (At > LineStart)
    Loc.Column += static_cast<unsigned>(At - LineStart);
  return Loc;
}

} // namespace kaleido

#endif // KALEIDO_BASIC_SOURCETEXT_H
