//===- LexerTest.cpp - Unit tests for the lexer ---------------------------===//

#include "Lex/Lexer.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <cstring>
#include <random>

using namespace kaleido;

namespace {

std::vector<Token> lexAll(llvm::StringRef Src) {
  Lexer L(Src);
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
