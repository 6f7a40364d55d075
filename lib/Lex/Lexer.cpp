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
// The lexer reads every byte of a program once, so its loops are tight:
// identifiers, numbers and white space are scanned without per-byte
// bookkeeping (a column is the distance from the start of the line), keywords
// are told apart by length first, and a number's value is computed without
// copying its text to the heap.
//
//===----------------------------------------------------------------------===//

#include "Lex/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cfloat>
#include <cstdlib>
#include <cstring>

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

std::string Token::getMessage() const {
  std::string Msg;
  llvm::raw_string_ostream OS(Msg);
  switch (Problem) {
  case LexProblem::None:
    break;
  case LexProblem::MalformedNumber:
    OS << "malformed number '" << Text.take_front(40) << "'";
    break;
  case LexProblem::NumberTooLong:
    OS << "number is longer than " << LexerLimits::MaxNumberLength
       << " characters";
    break;
  case LexProblem::IdentifierTooLong:
    OS << "identifier is longer than " << LexerLimits::MaxIdentifierLength
       << " characters";
    break;
  case LexProblem::UnexpectedByte:
    OS << "unexpected byte 0x"
       << llvm::format_hex_no_prefix(static_cast<unsigned char>(Text[0]), 2)
       << " in source (only ASCII is allowed)";
    break;
  }
  return Msg;
}

double kaleido::parseNumberLiteral(llvm::StringRef Text) {
#if FLT_EVAL_METHOD == 0
  // Clinger's fast path. Up to 15 digits form an integer M below 2^53 and at
  // most 14 of them follow the point, so both M and 10^F are exact doubles and
  // M / 10^F is a single correctly rounded operation: the correctly rounded
  // value of the literal, which is what strtod returns. Nearly every literal
  // in a program takes this path.
  static constexpr double PowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,
                                           1e5, 1e6, 1e7,  1e8,  1e9,
                                           1e10, 1e11, 1e12, 1e13, 1e14};
  if (Text.size() <= 15) {
    uint64_t M = 0;
    unsigned FractionDigits = 0;
    bool SeenPoint = false;
    for (char C : Text) {
      if (C == '.') {
        SeenPoint = true;
        continue;
      }
      M = M * 10 + static_cast<unsigned>(C - '0');
      FractionDigits += SeenPoint;
    }
    return static_cast<double>(M) / PowersOfTen[FractionDigits];
  }
#endif
  // strtod needs a terminated string; the lexer bounds the literal's length,
  // so a buffer on the stack holds it.
  char Buf[LexerLimits::MaxNumberLength + 1];
  if (Text.size() > LexerLimits::MaxNumberLength)
    return std::strtod(Text.str().c_str(), nullptr);
  std::memcpy(Buf, Text.data(), Text.size());
  Buf[Text.size()] = '\0';
  return std::strtod(Buf, nullptr);
}

/// The keyword Text spells, or Identifier.
static TokenKind classifyIdentifier(llvm::StringRef Text) {
  switch (Text.size()) {
  case 2:
    if (Text == "if")
      return TokenKind::KwIf;
    if (Text == "in")
      return TokenKind::KwIn;
    break;
  case 3:
    if (Text == "def")
      return TokenKind::KwDef;
    if (Text == "for")
      return TokenKind::KwFor;
    if (Text == "var")
      return TokenKind::KwVar;
    break;
  case 4:
    if (Text == "then")
      return TokenKind::KwThen;
    if (Text == "else")
      return TokenKind::KwElse;
    break;
  case 5:
    if (Text == "unary")
      return TokenKind::KwUnary;
    break;
  case 6:
    if (Text == "extern")
      return TokenKind::KwExtern;
    if (Text == "binary")
      return TokenKind::KwBinary;
    break;
  }
  return TokenKind::Identifier;
}

void Lexer::skipSpaceAndComments() {
  const char *Buf = Source.data();
  size_t Size = Source.size();
  while (Pos < Size) {
    switch (Buf[Pos]) {
    case '\n':
      ++Pos;
      ++Line;
      LineStart = Pos;
      break;
    case ' ':
    case '\t':
    case '\r':
    case '\f':
    case '\v':
      ++Pos;
      break;
    case '#': {
      // To the end of the line; the newline itself is white space.
      const void *NL = std::memchr(Buf + Pos, '\n', Size - Pos);
      Pos = NL ? static_cast<const char *>(NL) - Buf : Size;
      break;
    }
    default:
      return;
    }
  }
}

Token Lexer::make(TokenKind K, size_t Begin, SourceLocation Loc) const {
  Token T;
  T.Kind = K;
  T.Loc = Loc;
  T.Text = Source.slice(Begin, Pos);
  return T;
}

Token Lexer::invalid(LexProblem Problem, size_t Begin,
                     SourceLocation Loc) const {
  Token T = make(TokenKind::Invalid, Begin, Loc);
  T.Problem = Problem;
  return T;
}

Token Lexer::next() {
  skipSpaceAndComments();
  const char *Buf = Source.data();
  size_t Size = Source.size();
  // Columns count bytes; like the line, the column wraps only past 2^32.
  SourceLocation Loc{Line, static_cast<unsigned>(Pos - LineStart + 1)};
  size_t Begin = Pos;
  if (Pos == Size)
    return make(TokenKind::Eof, Begin, Loc);
  auto At = [&](size_t I) { return I < Size ? Buf[I] : '\0'; };

  char C = Buf[Pos];
  if (llvm::isAlpha(C)) {
    do
      ++Pos;
    while (Pos < Size && llvm::isAlnum(Buf[Pos]));
    if (Pos - Begin > LexerLimits::MaxIdentifierLength)
      return invalid(LexProblem::IdentifierTooLong, Begin, Loc);
    return make(classifyIdentifier(Source.slice(Begin, Pos)), Begin, Loc);
  }

  if (llvm::isDigit(C) || (C == '.' && llvm::isDigit(At(Pos + 1)))) {
    while (llvm::isDigit(At(Pos)))
      ++Pos;
    if (At(Pos) == '.') {
      ++Pos;
      while (llvm::isDigit(At(Pos)))
        ++Pos;
    }
    // "1.2.3" or "12abc" is one malformed number, not two tokens.
    if (At(Pos) == '.' || llvm::isAlpha(At(Pos))) {
      while (At(Pos) == '.' || llvm::isAlnum(At(Pos)))
        ++Pos;
      return invalid(LexProblem::MalformedNumber, Begin, Loc);
    }
    if (Pos - Begin > LexerLimits::MaxNumberLength)
      return invalid(LexProblem::NumberTooLong, Begin, Loc);
    Token T = make(TokenKind::Number, Begin, Loc);
    T.Value = parseNumberLiteral(T.Text);
    return T;
  }

  unsigned char U = static_cast<unsigned char>(C);
  ++Pos;
  if (U < 0x20 || U >= 0x7f) {
    // Skip the rest of a UTF-8 sequence so it is reported once.
    while (Pos < Size && (static_cast<unsigned char>(Buf[Pos]) & 0xC0) == 0x80)
      ++Pos;
    return invalid(LexProblem::UnexpectedByte, Begin, Loc);
  }
  return make(TokenKind::Char, Begin, Loc);
}
