//===- Stream.cpp - Input read in pieces as it arrives --------------------===//
//
// Part of kaleido. A host that reads a pipe cannot wait for its end: it runs
// each top-level item once it has been read, and keeps only what is not
// complete yet. completeItems() says how far that is. An item is complete
// when the token after it has been read whole (a byte follows it), since the
// parser decides where an item ends by that one token: `1 + 2` followed by
// `+ 3` is one item, followed by `printd(3)` two. A syntax error is complete
// in the same way, at the token it was found at. Diagnostics show the line
// their location is on, so an item runs only once that line is complete too,
// or 128 bytes after it are there (all a diagnostic shows of a long line).
// A name past the length limit is an error however it goes on.
// The parse is a scratch one, against a copy of the operator table, as
// needsMoreInput's; run() then reads the complete items for real, with the
// same table, so it finds the same items.
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "Basic/SourceText.h"
#include "Parse/Parser.h"

using namespace kaleido;
using namespace llvm;

namespace {
/// Bytes after a token that make its line's diagnostics final without the
/// line's end: more than a diagnostic shows after its caret (120, and the
/// rest of a UTF-8 sequence).
constexpr size_t TrailingContext = 128;

/// The end of the last whole line break in Text[From, end), or From if there
/// is none: a CR at the very end may be the first half of a CR LF.
size_t afterLastLineBreak(StringRef Text, size_t From) {
  size_t End = Text.size();
  if (End > From && Text[End - 1] == '\r')
    --End;
  size_t Last = Text.substr(0, End).find_last_of("\r\n");
  if (Last == StringRef::npos || Last < From)
    return From;
  return Last + 1;
}
} // namespace

SourceLocation SourcePiece::locationOf(size_t Offset) const {
  return locationIn(Text, Start, Offset);
}

size_t Session::Impl::completeItems(const SourcePiece &Piece,
                                    bool AtEnd) const {
  StringRef Text = Piece.Text;
  size_t Begin = std::min(Piece.Begin, Text.size());
  if (AtEnd)
    return Text.size();
  OperatorTable Scratch = Ops;
  DiagnosticHandler Quiet;
  DiagnosticEngine Diags("", Text, Quiet, Piece.Start);
  Parser Parse(Text.drop_front(Begin), Scratch, Diags, Piece.locationOf(Begin));
  auto OffsetOf = [&](const Token &T) {
    return static_cast<size_t>(T.Text.data() - Text.data());
  };
  // Whether T has been read whole, and enough after it for a diagnostic's
  // line: then no more text can change what the parser made of the tokens
  // up to T, nor what a diagnostic about them shows.
  auto Settled = [&](const Token &T) {
    size_t From = OffsetOf(T);
    // A name too long is one whatever follows, and longer than a
    // diagnostic shows (a name that never ends is an error, not a wait).
    if (T.is(TokenKind::Invalid) && T.Problem == LexProblem::IdentifierTooLong)
      return true;
    if (From + T.Text.size() >= Text.size())
      return false;
    return Text.size() - From >= TrailingContext ||
           Text.find_first_of("\r\n", From) != StringRef::npos;
  };
  size_t Complete = Begin;
  for (;;) {
    TopLevelItem Item;
    Parser::Result R = Parse.parseItem(Item);
    const Token &T = Parse.current();
    switch (R) {
    case Parser::Result::Error:
      return Settled(T) ? Text.size() : Complete;
    case Parser::Result::End:
      // Only white space and comments are left: up to a line break they
      // are complete too (a comment ends at one).
      return afterLastLineBreak(Text, Complete);
    case Parser::Result::Item:
      if (!Settled(T))
        return Complete;
      Complete = OffsetOf(T);
      Scratch.declare(Item.getPrototype());
      break;
    }
  }
}
