//===- LexerTest.cpp - Unit tests for the lexer ---------------------------===//

#include "Lex/Lexer.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

using namespace kaleido;

namespace {

std::vector<Token> lexAll(llvm::StringRef Src, Dialect D = Dialect::Tutorial) {
  Lexer L(Src, D);
  std::vector<Token> Out;
  for (;;) {
    Out.push_back(L.next());
    if (Out.back().is(TokenKind::Eof))
      return Out;
  }
}

TEST(LexerTest, KeywordsIdentifiersAndNumbers) {
  auto T = lexAll("def foo(x) x*1.5 + .5 + 2.");
  ASSERT_EQ(T.size(), 13u);
  EXPECT_TRUE(T[0].is(TokenKind::KwDef));
  EXPECT_TRUE(T[1].is(TokenKind::Identifier));
  EXPECT_EQ(T[1].Text, "foo");
  EXPECT_TRUE(T[2].isChar('('));
  EXPECT_TRUE(T[7].is(TokenKind::Number));
  EXPECT_EQ(T[7].Value, 1.5);
  EXPECT_EQ(T[9].Value, 0.5);
  EXPECT_EQ(T[11].Value, 2.0);
  EXPECT_TRUE(T[12].is(TokenKind::Eof));
}

TEST(LexerTest, LocationsCountLinesAndColumns) {
  auto T = lexAll("# comment\n  foo\n\tbar");
  EXPECT_EQ(T[0].Loc.Line, 2u);
  EXPECT_EQ(T[0].Loc.Column, 3u);
  EXPECT_EQ(T[1].Loc.Line, 3u);
  EXPECT_EQ(T[1].Loc.Column, 2u);
}

TEST(LexerTest, MalformedNumberIsOneInvalidToken) {
  auto T = lexAll("1.2.3 x");
  EXPECT_TRUE(T[0].is(TokenKind::Invalid));
  EXPECT_EQ(T[0].getMessage(), "malformed number '1.2.3'");
  EXPECT_EQ(T[0].Text, "1.2.3");
  EXPECT_TRUE(T[1].is(TokenKind::Identifier));
}

TEST(LexerTest, TutorialNumbersHaveNoExponent) {
  auto T = lexAll("1e3 2.5E+10");
  EXPECT_TRUE(T[0].is(TokenKind::Invalid));
  EXPECT_EQ(T[0].getMessage(), "malformed number '1e3'");
  // The '+' ends the malformed run; "10" is a number of its own.
  EXPECT_EQ(T[1].getMessage(), "malformed number '2.5E'");
  EXPECT_TRUE(T[2].isChar('+'));
  EXPECT_EQ(T[3].Value, 10.0);
}

TEST(LexerTest, FormulaNumbersHaveExponents) {
  auto T = lexAll("1e-3 2.5E+10 1e308 .5e1 2.e3 7E0 1e-400 4.9e-324 "
                  "0e999 1e0001",
                  Dialect::Formula);
  ASSERT_EQ(T.size(), 11u);
  const double Want[] = {1e-3, 2.5E+10, 1e308,    .5e1, 2.e3,
                         7E0,  0.0,     4.9e-324, 0.0,  10.0};
  for (unsigned I = 0; I < 10; ++I) {
    EXPECT_TRUE(T[I].is(TokenKind::Number)) << I << ": " << T[I].Text.str();
    EXPECT_EQ(T[I].Value, Want[I]) << T[I].Text.str();
  }
  EXPECT_EQ(T[0].Text, "1e-3");
  EXPECT_EQ(T[1].Text, "2.5E+10");
  // Underflow rounds, to a subnormal or to zero, as strtod does.
  EXPECT_GT(T[7].Value, 0.0);
  EXPECT_TRUE(T[10].is(TokenKind::Eof));
}

TEST(LexerTest, FormulaExponentNeedsADigit) {
  auto T = lexAll("1e 1e+ 1E- 1ex 1e+x2 1e+ 3", Dialect::Formula);
  const char *Texts[] = {"1e", "1e+", "1E-", "1ex", "1e+x2", "1e+"};
  for (unsigned I = 0; I < 6; ++I) {
    EXPECT_TRUE(T[I].is(TokenKind::Invalid)) << I;
    EXPECT_EQ(T[I].Problem, LexProblem::MalformedExponent) << I;
    EXPECT_EQ(T[I].Text, Texts[I]);
  }
  EXPECT_EQ(T[1].getMessage(),
            "malformed number '1e+': expected a digit in the exponent after "
            "'e'");
  EXPECT_EQ(T[6].Value, 3.0);
  // After a complete exponent, letters and points make the number malformed.
  auto U = lexAll("1e3x 1e3.5 1e3e4", Dialect::Formula);
  for (unsigned I = 0; I < 3; ++I)
    EXPECT_EQ(U[I].Problem, LexProblem::MalformedNumber) << I;
  EXPECT_EQ(U[0].getMessage(), "malformed number '1e3x'");
  EXPECT_EQ(U[1].Text, "1e3.5");
  EXPECT_EQ(U[2].Text, "1e3e4");
}

TEST(LexerTest, FormulaLiteralTooLargeIsAnError) {
  std::string Src =
      "1e999 1.8e308 1.7976931348623157e308 " + std::string(309, '9');
  auto T = lexAll(Src, Dialect::Formula);
  EXPECT_TRUE(T[0].is(TokenKind::Invalid));
  EXPECT_EQ(T[0].Problem, LexProblem::NumberOutOfRange);
  EXPECT_EQ(T[0].getMessage(), "number '1e999' is too large for a double "
                               "(the largest is about 1.8e308)");
  EXPECT_EQ(T[1].Problem, LexProblem::NumberOutOfRange);
  // The largest double itself is fine.
  EXPECT_TRUE(T[2].is(TokenKind::Number));
  EXPECT_EQ(T[2].Value, 1.7976931348623157e308);
  // So is every literal's range, exponent or not.
  EXPECT_EQ(T[3].Problem, LexProblem::NumberOutOfRange);
  // The tutorial dialect is unchanged: a long literal is an infinity there.
  std::string Long(309, '9');
  auto U = lexAll(Long);
  EXPECT_TRUE(U[0].is(TokenKind::Number));
  EXPECT_TRUE(std::isinf(U[0].Value));
}

TEST(LexerTest, FormulaExponentsAreExactlyStrtods) {
  std::mt19937_64 Rng(7);
  for (int I = 0; I < 100000; ++I) {
    std::string L = std::to_string(Rng() % 100000);
    if (Rng() % 2)
      L.insert(Rng() % (L.size() + 1), ".");
    if (L.front() == '.' && L.size() == 1)
      L = "0";
    L += "eE"[Rng() % 2];
    if (unsigned Sign = Rng() % 3)
      L += "+-"[Sign - 1];
    L += std::to_string(Rng() % 330);
    char *EndP = nullptr;
    double Want = std::strtod(L.c_str(), &EndP);
    auto T = lexAll(L, Dialect::Formula);
    if (std::isinf(Want)) {
      EXPECT_EQ(T[0].Problem, LexProblem::NumberOutOfRange) << L;
      continue;
    }
    ASSERT_TRUE(T[0].is(TokenKind::Number)) << L;
    EXPECT_EQ(std::memcmp(&T[0].Value, &Want, sizeof Want), 0)
        << L << ": " << T[0].Value << " != " << Want;
  }
}

TEST(LexerTest, NonAsciiIsReportedOncePerCharacter) {
  auto T = lexAll("\xc3\xa9 x");
  EXPECT_TRUE(T[0].is(TokenKind::Invalid));
  EXPECT_TRUE(T[1].is(TokenKind::Identifier));
}

TEST(LexerTest, OverlongIdentifierIsInvalid) {
  std::string Long(LexerLimits::MaxIdentifierLength + 1, 'a');
  auto T = lexAll(Long);
  EXPECT_TRUE(T[0].is(TokenKind::Invalid));
}

TEST(LexerTest, InvalidTokensSayWhatIsWrong) {
  auto T = lexAll("12abc \x01 \xc3\xa9");
  EXPECT_EQ(T[0].getMessage(), "malformed number '12abc'");
  EXPECT_EQ(T[1].getMessage(),
            "unexpected byte 0x01 in source (only ASCII is allowed)");
  EXPECT_EQ(T[2].getMessage(),
            "unexpected byte 0xc3 in source (only ASCII is allowed)");
  EXPECT_EQ(T[2].Text, "\xc3\xa9");
  std::string Long(LexerLimits::MaxIdentifierLength + 1, 'a');
  EXPECT_EQ(lexAll(Long)[0].getMessage(),
            "identifier is longer than 255 characters");
  std::string LongNumber(LexerLimits::MaxNumberLength + 1, '1');
  EXPECT_EQ(lexAll(LongNumber)[0].getMessage(),
            "number is longer than 400 characters");
  std::string LongMalformed(100, '1');
  LongMalformed += "x";
  EXPECT_EQ(lexAll(LongMalformed)[0].getMessage(),
            "malformed number '" + std::string(40, '1') + "'");
}

TEST(LexerTest, ColumnsCountBytesAfterTabsCommentsAndCR) {
  // CR LF is one line break, and the lone CR after it another.
  auto T = lexAll("a\tb # c\r\n\r  d\xc3\xa9"
                  "e # end");
  EXPECT_EQ(T[0].Loc.Column, 1u);
  EXPECT_EQ(T[1].Loc.Column, 3u);
  EXPECT_EQ(T[2].Loc.Line, 3u);
  EXPECT_EQ(T[2].Loc.Column, 3u);
  EXPECT_TRUE(T[3].is(TokenKind::Invalid));
  EXPECT_EQ(T[3].Loc.Column, 4u);
  EXPECT_EQ(T[4].Loc.Column, 6u);
  EXPECT_TRUE(T[5].is(TokenKind::Eof));
  EXPECT_EQ(T[5].Loc.Line, 3u);
  EXPECT_EQ(T[5].Loc.Column, 13u);
}

TEST(LexerTest, ALoneCRIsALineBreakAndEndsAComment) {
  auto T = lexAll("a # c\rb\r\rc");
  ASSERT_EQ(T.size(), 4u);
  EXPECT_EQ(T[1].Text, "b");
  EXPECT_EQ(T[1].Loc.Line, 2u);
  EXPECT_EQ(T[1].Loc.Column, 1u);
  EXPECT_EQ(T[2].Loc.Line, 4u);
  EXPECT_EQ(T[2].Loc.Column, 1u);
}

TEST(LexerTest, AByteOrderMarkAtTheStartIsSkipped) {
  auto T = lexAll("\xEF\xBB\xBF"
                  "def f");
  ASSERT_EQ(T.size(), 3u);
  EXPECT_TRUE(T[0].is(TokenKind::KwDef));
  EXPECT_EQ(T[0].Loc.Column, 1u);
  EXPECT_EQ(T[1].Loc.Column, 5u);
  // Anywhere else it is not white space.
  EXPECT_TRUE(lexAll("x \xEF\xBB\xBF")[1].is(TokenKind::Invalid));
}

TEST(LexerTest, KeywordsAreWholeWords) {
  auto T = lexAll("if in def for var then else unary extern binary "
                  "iff i define Var");
  TokenKind Want[] = {TokenKind::KwIf,     TokenKind::KwIn,
                      TokenKind::KwDef,    TokenKind::KwFor,
                      TokenKind::KwVar,    TokenKind::KwThen,
                      TokenKind::KwElse,   TokenKind::KwUnary,
                      TokenKind::KwExtern, TokenKind::KwBinary};
  for (size_t I = 0; I < std::size(Want); ++I)
    EXPECT_EQ(T[I].Kind, Want[I]) << T[I].Text.str();
  for (size_t I = std::size(Want); I < std::size(Want) + 4; ++I)
    EXPECT_TRUE(T[I].is(TokenKind::Identifier)) << T[I].Text.str();
}

/// The value of a literal must be bit for bit strtod's, on both the fast
/// path (up to 15 characters) and the slow one.
void expectSameAsStrtod(const std::string &Literal) {
  auto T = lexAll(Literal);
  ASSERT_TRUE(T[0].is(TokenKind::Number)) << Literal;
  ASSERT_EQ(T[0].Text.size(), Literal.size());
  double Want = std::strtod(Literal.c_str(), nullptr);
  EXPECT_EQ(std::memcmp(&T[0].Value, &Want, sizeof Want), 0)
      << Literal << ": " << T[0].Value << " != " << Want;
}

TEST(LexerTest, NumbersAreExactlyStrtods) {
  for (const char *L : {"0",
                        "1",
                        "2.",
                        ".5",
                        "0.1",
                        "0.2",
                        "0.3",
                        "1.5",
                        "10000",
                        "123456789012345",
                        "1234567890123456",
                        "9007199254740993",
                        "0.30000000000000004",
                        "3.14159265358979323846264338327950288",
                        "00000000000001.5",
                        "0.000000000000001",
                        "99999999999999.9",
                        "4.9406564584124654",
                        "2.2250738585072011",
                        "1797693134862315708"})
    expectSameAsStrtod(L);
  expectSameAsStrtod(std::string(LexerLimits::MaxNumberLength, '9'));
  expectSameAsStrtod("0." + std::string(398, '3'));

  std::mt19937_64 Rng(42);
  for (int I = 0; I < 200000; ++I) {
    unsigned Len = 1 + Rng() % 24;
    std::string L;
    for (unsigned J = 0; J < Len; ++J)
      L += static_cast<char>('0' + Rng() % 10);
    if (Rng() % 4)
      L.insert(Rng() % (L.size() + 1), ".");
    if (L == ".")
      L = "0";
    expectSameAsStrtod(L);
  }
}

} // namespace
