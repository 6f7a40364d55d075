//===- Lexer.cpp - Turns source text into tokens --------------------------===//
//
// Part of kaleido.
//
// Tokens, as in the tutorial's chapters 2-7:
//   identifier ::= [a-zA-Z][a-zA-Z0-9]*      (keywords are identifiers)
//   number     ::= [0-9]+ ('.' [0-9]*)? | '.' [0-9]+
//   comment    ::= '#' to the end of the line
//   char       ::= any other printable ASCII character
// Bytes outside printable ASCII (other than white space) are an error, so a
// stray UTF-8 sequence is reported once at its first byte.
//
//===----------------------------------------------------------------------===//

#include "Lex/Lexer.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <cstdlib>

using namespace kaleido;

llvm::StringRef kaleido::getKindName(TokenKind K) {
  switch (K) {
  case TokenKind::Eof:
    return "end of input";
  case TokenKind::Invalid:
    return "invalid token";
  case TokenKind::Identifier:
    return "identifier";
  case TokenKind::Number:
    return "number";
  case TokenKind::Char:
    return "character";
  case TokenKind::KwDef:
    return "def";
  case TokenKind::KwExtern:
    return "extern";
  case TokenKind::KwIf:
    return "if";
  case TokenKind::KwThen:
    return "then";
  case TokenKind::KwElse:
    return "else";
  case TokenKind::KwFor:
    return "for";
  case TokenKind::KwIn:
    return "in";
  case TokenKind::KwBinary:
    return "binary";
  case TokenKind::KwUnary:
    return "unary";
  case TokenKind::KwVar:
    return "var";
  }
  return "token";
}

std::string kaleido::describe(const Token &Tok) {
  switch (Tok.Kind) {
  case TokenKind::Eof:
  case TokenKind::Invalid:
    return getKindName(Tok.Kind).str();
  case TokenKind::Number:
    return ("number '" + Tok.Text + "'").str();
  case TokenKind::Identifier:
    return ("identifier '" + Tok.Text + "'").str();
  default:
    return ("'" + Tok.Text + "'").str();
  }
}

void Lexer::advance() {
  if (Pos >= Source.size())
    return;
  if (Source[Pos] == '\n') {
    ++Line;
    Column = 1;
  } else {
    ++Column;
  }
  ++Pos;
}

void Lexer::skipSpaceAndComments() {
  for (;;) {
    char C = peek();
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == '\f' ||
        C == '\v') {
      advance();
    } else if (C == '#') {
      while (Pos < Source.size() && peek() != '\n')
        advance();
    } else {
      return;
    }
  }
}

Token Lexer::make(TokenKind K, size_t Begin, SourceLocation Loc) {
  Token T;
  T.Kind = K;
  T.Loc = Loc;
  T.Text = Source.slice(Begin, Pos);
  return T;
}

Token Lexer::invalid(SourceLocation Loc, size_t Begin, std::string Message) {
  Token T = make(TokenKind::Invalid, Begin, Loc);
  T.Message = std::move(Message);
  return T;
}

static bool isDigit(char C) { return C >= '0' && C <= '9'; }
static bool isAlpha(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z');
}

Token Lexer::next() {
  skipSpaceAndComments();
  SourceLocation Loc{Line, Column};
  size_t Begin = Pos;
  if (Pos >= Source.size())
    return make(TokenKind::Eof, Begin, Loc);

  char C = peek();
  if (isAlpha(C)) {
    while (isAlpha(peek()) || isDigit(peek()))
      advance();
    Token T = make(TokenKind::Identifier, Begin, Loc);
    if (T.Text.size() > LexerLimits::MaxIdentifierLength)
      return invalid(Loc, Begin, "identifier is longer than " +
                              std::to_string(LexerLimits::MaxIdentifierLength) +
                              " characters");
    T.Kind = llvm::StringSwitch<TokenKind>(T.Text)
                 .Case("def", TokenKind::KwDef)
                 .Case("extern", TokenKind::KwExtern)
                 .Case("if", TokenKind::KwIf)
                 .Case("then", TokenKind::KwThen)
                 .Case("else", TokenKind::KwElse)
                 .Case("for", TokenKind::KwFor)
                 .Case("in", TokenKind::KwIn)
                 .Case("binary", TokenKind::KwBinary)
                 .Case("unary", TokenKind::KwUnary)
                 .Case("var", TokenKind::KwVar)
                 .Default(TokenKind::Identifier);
    return T;
  }

  if (isDigit(C) || (C == '.' && isDigit(peek(1)))) {
    while (isDigit(peek()))
      advance();
    if (peek() == '.') {
      advance();
      while (isDigit(peek()))
        advance();
    }
    // "1.2.3" or "12abc" is one malformed number, not two tokens.
    if (peek() == '.' || isAlpha(peek())) {
      while (peek() == '.' || isAlpha(peek()) || isDigit(peek()))
        advance();
      return invalid(Loc, Begin, ("malformed number '" +
                           Source.slice(Begin, Pos).take_front(40) + "'")
                              .str());
    }
    Token T = make(TokenKind::Number, Begin, Loc);
    if (T.Text.size() > LexerLimits::MaxNumberLength)
      return invalid(Loc, Begin, "number is longer than " +
                              std::to_string(LexerLimits::MaxNumberLength) +
                              " characters");
    // strtod needs a terminated string; the literal is short and bounded.
    std::string Digits = T.Text.str();
    T.Value = std::strtod(Digits.c_str(), nullptr);
    return T;
  }

  unsigned char U = static_cast<unsigned char>(C);
  advance();
  if (U < 0x20 || U >= 0x7f) {
    std::string Msg;
    llvm::raw_string_ostream(Msg)
        << "unexpected byte 0x" << llvm::format_hex_no_prefix(U, 2)
        << " in source (only ASCII is allowed)";
    // Skip the rest of a UTF-8 sequence so it is reported once.
    while (Pos < Source.size() &&
           (static_cast<unsigned char>(peek()) & 0xC0) == 0x80)
      advance();
    return invalid(Loc, Begin, std::move(Msg));
  }
  return make(TokenKind::Char, Begin, Loc);
}
