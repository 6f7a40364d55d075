//===- Token.h - Kaleidoscope tokens -----------------------------*- C++
//-*-===//
//
// Part of kaleido. A token is a small value (40 bytes, trivially copyable):
// the parser copies one on every step, so it holds no string of its own. Its
// text points into the source buffer, and an invalid token records only what
// is wrong; the message is written when the parser reports it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_LEX_TOKEN_H
#define KALEIDO_LEX_TOKEN_H

#include "kaleido/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace kaleido {

enum class TokenKind : uint8_t {
  Eof,
  Invalid, ///< A lexical error; Token::Problem says what.
  Identifier,
  Number,
  Char, ///< Any other single character: '(', ')', ',', ';' and operators.
  // Keywords.
  KwDef,
  KwExtern,
  KwIf,
  KwThen,
  KwElse,
  KwFor,
  KwIn,
  KwBinary,
  KwUnary,
  KwVar,
};

/// What is wrong with an Invalid token.
enum class LexProblem : uint8_t {
  None,
  MalformedNumber,   ///< "1.2.3", "12abc"
  MalformedExponent, ///< "1e", "1e+", "1ex" (formula dialect)
  NumberOutOfRange,  ///< "1e999": larger than any double (formula dialect)
  NumberTooLong,     ///< longer than LexerLimits::MaxNumberLength
  IdentifierTooLong, ///< longer than LexerLimits::MaxIdentifierLength
  UnexpectedByte,    ///< a control character or a byte outside ASCII
};

struct Token {
  TokenKind Kind = TokenKind::Eof;
  /// For Invalid: what is wrong.
  LexProblem Problem = LexProblem::None;
  SourceLocation Loc;
  /// The spelling, pointing into the source buffer. For Invalid, the whole
  /// offending text (the malformed number, the byte and the rest of its UTF-8
  /// sequence, ...).
  llvm::StringRef Text;
  /// For Number.
  double Value = 0;

  bool is(TokenKind K) const { return Kind == K; }
  bool isChar(char C) const {
    return Kind == TokenKind::Char && Text.size() == 1 && Text[0] == C;
  }
  /// For Char tokens, the character; otherwise 0.
  char getChar() const { return Kind == TokenKind::Char ? Text[0] : 0; }

  /// For Invalid: what is wrong, as the parser reports it ("malformed number
  /// '1.2.3'"). Made from Problem and Text on demand.
  std::string getMessage() const;
};

/// A name for diagnostics: "'foo'", "number", "end of input", ...
std::string describe(const Token &Tok);
/// The keyword or category name of a kind ("def", "identifier", ...).
llvm::StringRef getKindName(TokenKind K);

} // namespace kaleido

#endif // KALEIDO_LEX_TOKEN_H
