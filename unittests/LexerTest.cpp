//===- LexerTest.cpp - Unit tests for the lexer ---------------------------===//

#include "Lex/Lexer.h"

#include "gtest/gtest.h"

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
  EXPECT_EQ(T[0].Message, "malformed number '1.2.3'");
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

} // namespace
