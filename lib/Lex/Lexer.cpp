//===- Lexer.cpp - Turns source text into tokens --------------------------===//
//
// Part of kaleido.
//
// Tokens, as in the tutorial's chapters 2-7:
//   identifier ::= [a-zA-Z][a-zA-Z0-9]*      (keywords are identifiers)
//   number     ::= ([0-9]+ ('.' [0-9]*)? | '.' [0-9]+) exponent?
//   exponent   ::= [eE] [+-]? [0-9]+         (formula dialect only)
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

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cfloat>
#include <cmath>
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
  case LexProblem::MalformedExponent:
    OS << "malformed number '" << Text.take_front(40)
       << "': expected a digit in the exponent after 'e'";
    break;
  case LexProblem::NumberOutOfRange:
    OS << "number '" << Text.take_front(40)
       << "' is too large for a double (the largest is about 1.8e308)";
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
  static constexpr double PowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,
                                           1e5,  1e6,  1e7,  1e8,  1e9,
                                           1e10, 1e11, 1e12, 1e13, 1e14};
  if (Text.size() <= 15) {
    uint64_t M = 0;
    unsigned FractionDigits = 0;
    bool SeenPoint = false;
    bool Exponent = false;
    for (char C : Text) {
      if (C == '.') {
        SeenPoint = true;
        continue;
      }
      if (C > '9') {
        // An exponent ("1e-3"): strtod's job.
        Exponent = true;
        break;
      }
      M = M * 10 + static_cast<unsigned>(C - '0');
      FractionDigits += SeenPoint;
    }
    if (!Exponent)
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

namespace {
/// What a byte can be, one table lookup per byte in the scanning loops.
enum CharClass : uint8_t {
  Space = 1,  ///< ' ', '\t', '\f', '\v' (not the line breaks '\n', '\r')
  Digit = 2,  ///< [0-9]
  Letter = 4, ///< [a-zA-Z]
};

constexpr std::array<uint8_t, 256> makeCharClasses() {
  std::array<uint8_t, 256> Classes{};
  for (unsigned char C : {' ', '\t', '\f', '\v'})
    Classes[C] = Space;
  for (unsigned C = '0'; C <= '9'; ++C)
    Classes[C] = Digit;
  for (unsigned C = 'a'; C <= 'z'; ++C)
    Classes[C] = Classes[C - 'a' + 'A'] = Letter;
  return Classes;
}

constexpr std::array<uint8_t, 256> CharClasses = makeCharClasses();

bool hasClass(char C, uint8_t Classes) {
  return CharClasses[static_cast<unsigned char>(C)] & Classes;
}
} // namespace

/// The keyword Text spells, or Identifier. (StringSwitch compares lengths
/// before bytes, so an identifier costs a few integer compares.)
static TokenKind classifyIdentifier(llvm::StringRef Text) {
  return llvm::StringSwitch<TokenKind>(Text)
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
}

const char *Lexer::skipSpaceAndComments(const char *P) {
  while (P != End) {
    if (hasClass(*P, Space)) {
      ++P;
    } else if (size_t N = lineBreakLength(P, End)) {
      P += N;
      ++Line;
      LineStart = P;
      ColumnBias = 0;
    } else if (*P == '#') {
      // To the end of the line (LF, or CR of CR LF or a lone CR); the line
      // break itself is white space.
      const void *NL = std::memchr(P, '\n', End - P);
      const char *LineEnd = NL ? static_cast<const char *>(NL) : End;
      const void *CR = std::memchr(P, '\r', LineEnd - P);
      P = CR ? static_cast<const char *>(CR) : LineEnd;
    } else {
      break;
    }
  }
  return P;
}

void Lexer::finish(Token &T, TokenKind K, const char *Begin, const char *P,
                   SourceLocation Loc) {
  Cur = P;
  T.Kind = K;
  T.Problem = LexProblem::None;
  T.Loc = Loc;
  T.Text = llvm::StringRef(Begin, P - Begin);
  T.Value = 0;
}

void Lexer::finishMalformedNumber(Token &T, LexProblem Problem,
                                  const char *Begin, const char *P,
                                  SourceLocation Loc) {
  while (P != End && (*P == '.' || hasClass(*P, Letter | Digit)))
    ++P;
  finish(T, TokenKind::Invalid, Begin, P, Loc);
  T.Problem = Problem;
}

/// exponent ::= [eE] [+-]? [0-9]+
const char *Lexer::lexExponent(const char *&P) const {
  ++P;
  if (P != End && (*P == '+' || *P == '-'))
    ++P;
  if (P == End || !hasClass(*P, Digit))
    return nullptr;
  const char *Q = P;
  while (Q != End && hasClass(*Q, Digit))
    ++Q;
  return Q;
}

/// number ::= ([0-9]+ ('.' [0-9]*)? | '.' [0-9]+) exponent?
/// (the exponent in the formula dialect only)
void Lexer::lexNumber(Token &T, const char *Begin, SourceLocation Loc) {
  const char *P = Begin;
  auto IsDigitAt = [&](const char *Q) {
    return Q != End && hasClass(*Q, Digit);
  };
  while (IsDigitAt(P))
    ++P;
  if (P != End && *P == '.') {
    ++P;
    while (IsDigitAt(P))
      ++P;
  }
  if (Exponents && P != End && (*P == 'e' || *P == 'E')) {
    const char *AfterExponent = lexExponent(P);
    if (!AfterExponent)
      return finishMalformedNumber(T, LexProblem::MalformedExponent, Begin, P,
                                   Loc);
    P = AfterExponent;
  }
  // "1.2.3" or "12abc" is one malformed number, not two tokens.
  if (P != End && (*P == '.' || hasClass(*P, Letter)))
    return finishMalformedNumber(T, LexProblem::MalformedNumber, Begin, P, Loc);
  if (static_cast<size_t>(P - Begin) > LexerLimits::MaxNumberLength) {
    finish(T, TokenKind::Invalid, Begin, P, Loc);
    T.Problem = LexProblem::NumberTooLong;
    return;
  }
  finish(T, TokenKind::Number, Begin, P, Loc);
  T.Value = parseNumberLiteral(T.Text);
  // Only an exponent can overflow in practice, but the rule is the
  // literal's value: a formula's literal is never an infinity.
  if (Exponents && std::isinf(T.Value)) {
    T.Kind = TokenKind::Invalid;
    T.Problem = LexProblem::NumberOutOfRange;
  }
}

void Lexer::lex(Token &T) {
  const char *P = skipSpaceAndComments(Cur);
  // Columns count bytes; like the line, the column wraps only past 2^32.
  SourceLocation Loc{Line,
                     static_cast<unsigned>(P - LineStart + 1) + ColumnBias};
  const char *Begin = P;
  if (P == End)
    return finish(T, TokenKind::Eof, Begin, P, Loc);
  if (hasClass(*P, Letter)) {
    do
      ++P;
    while (P != End && hasClass(*P, Letter | Digit));
    if (static_cast<size_t>(P - Begin) > LexerLimits::MaxIdentifierLength) {
      finish(T, TokenKind::Invalid, Begin, P, Loc);
      T.Problem = LexProblem::IdentifierTooLong;
      return;
    }
    finish(T, TokenKind::Identifier, Begin, P, Loc);
    T.Kind = classifyIdentifier(T.Text);
    return;
  }
  if (hasClass(*P, Digit) ||
      (*P == '.' && P + 1 != End && hasClass(P[1], Digit)))
    return lexNumber(T, Begin, Loc);

  unsigned char U = static_cast<unsigned char>(*P++);
  if (U < 0x20 || U >= 0x7f) {
    // Skip the rest of a UTF-8 sequence so it is reported once.
    while (P != End && (static_cast<unsigned char>(*P) & 0xC0) == 0x80)
      ++P;
    finish(T, TokenKind::Invalid, Begin, P, Loc);
    T.Problem = LexProblem::UnexpectedByte;
    return;
  }
  finish(T, TokenKind::Char, Begin, P, Loc);
}
