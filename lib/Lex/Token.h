//===- Token.h - Kaleidoscope tokens -----------------------------*- C++ -*-===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_LEX_TOKEN_H
#define KALEIDO_LEX_TOKEN_H

#include "kaleido/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace kaleido {

enum class TokenKind {
  Eof,
  Invalid, ///< A lexical error; Token::Message says what.
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

struct Token {
  TokenKind Kind = TokenKind::Eof;
  SourceLocation Loc;
  /// The spelling, pointing into the source buffer.
  llvm::StringRef Text;
  /// For Invalid: what is wrong.
  std::string Message;
  /// For Number.
  double Value = 0;

  bool is(TokenKind K) const { return Kind == K; }
  bool isChar(char C) const {
    return Kind == TokenKind::Char && Text.size() == 1 && Text[0] == C;
  }
  /// For Char tokens, the character; otherwise 0.
  char getChar() const { return Kind == TokenKind::Char ? Text[0] : 0; }
};

/// A name for diagnostics: "'foo'", "number", "end of input", ...
std::string describe(const Token &Tok);
/// The keyword or category name of a kind ("def", "identifier", ...).
llvm::StringRef getKindName(TokenKind K);

} // namespace kaleido

#endif // KALEIDO_LEX_TOKEN_H
