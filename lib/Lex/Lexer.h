//===- Lexer.h - Turns source text into tokens -------------------*- C++ -*-===//
//
// Part of kaleido. The lexer is a cursor over a buffer it does not own; token
// texts point into that buffer. It never fails: bad input becomes an Invalid
// token saying what is wrong, and the parser reports it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_LEX_LEXER_H
#define KALEIDO_LEX_LEXER_H

#include "Lex/Token.h"

namespace kaleido {

/// Limits that keep hostile input from turning into unbounded work.
struct LexerLimits {
  static constexpr size_t MaxIdentifierLength = 255;
  static constexpr size_t MaxNumberLength = 400;
};

class Lexer {
public:
  explicit Lexer(llvm::StringRef Source) : Source(Source) {}

  /// Returns the next token; Eof forever at the end of the buffer.
  Token next();

private:
  void skipSpaceAndComments();
  Token make(TokenKind K, size_t Begin, SourceLocation Loc) const;
  Token invalid(LexProblem Problem, size_t Begin, SourceLocation Loc) const;

  llvm::StringRef Source;
  size_t Pos = 0;
  unsigned Line = 1;
  /// Where the current line begins. A column counts bytes from there, so it
  /// is computed when a token starts instead of kept up to date per byte.
  size_t LineStart = 0;
};

/// The value of a number literal (digits with at most one '.'), bit for bit
/// what strtod returns for it, without copying it to the heap.
double parseNumberLiteral(llvm::StringRef Text);

} // namespace kaleido

#endif // KALEIDO_LEX_LEXER_H
