//===- Lexer.h - Turns source text into tokens -------------------*- C++ -*-===//
//
// Part of kaleido. The lexer is a cursor over a buffer it does not own; token
// texts point into that buffer. It never fails: bad input becomes an Invalid
// token carrying a message, and the parser reports it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_LEX_LEXER_H
#define KALEIDO_LEX_LEXER_H

#include "Lex/Token.h"

#include <string>

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
  Token make(TokenKind K, size_t Begin, SourceLocation Loc);
  Token invalid(SourceLocation Loc, size_t Begin, std::string Message);
  void skipSpaceAndComments();
  char peek(size_t Ahead = 0) const {
    return Pos + Ahead < Source.size() ? Source[Pos + Ahead] : '\0';
  }
  void advance();

  llvm::StringRef Source;
  size_t Pos = 0;
  unsigned Line = 1;
  unsigned Column = 1;
};

} // namespace kaleido

#endif // KALEIDO_LEX_LEXER_H
