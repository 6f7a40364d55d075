//===- DiagnosticEngineTest.cpp - Located diagnostics ---------------------===//

#include "Basic/DiagnosticEngine.h"

#include "gtest/gtest.h"

#include <vector>

using namespace kaleido;

namespace {

std::vector<Diagnostic> reportAt(llvm::StringRef Source, SourceLocation Loc,
                                 llvm::StringRef Message) {
  std::vector<Diagnostic> Got;
  DiagnosticHandler H = [&](const Diagnostic &D) { Got.push_back(D); };
  DiagnosticEngine Diags("prog.ks", Source, H);
  Diags.error(Loc, Message);
  EXPECT_EQ(Diags.getNumErrors(), 1u);
  return Got;
}

TEST(DiagnosticEngineTest, AnErrorCarriesItsBufferLineAndSourceLine) {
  auto Got = reportAt("def f(x)\n  x + (1;\n", {2, 7}, "expected ')'");
  ASSERT_EQ(Got.size(), 1u);
  EXPECT_EQ(Got[0].BufferName, "prog.ks");
  EXPECT_EQ(Got[0].SourceLine, "  x + (1;");
  EXPECT_EQ(Got[0].format(), "prog.ks:2:7: error: expected ')'\n"
                             "  x + (1;\n"
                             "      ^\n");
}

TEST(DiagnosticEngineTest, WithoutALocationOnlyTheMessageIsPrinted) {
  auto Got = reportAt("1;", {}, "internal error: no target");
  ASSERT_EQ(Got.size(), 1u);
  EXPECT_EQ(Got[0].format(), "prog.ks: error: internal error: no target\n");
}

TEST(DiagnosticEngineTest, TheCaretKeepsTabsToLineUp) {
  auto Got = reportAt("\tx + y", {1, 6}, "unknown variable 'y'");
  ASSERT_EQ(Got.size(), 1u);
  EXPECT_EQ(Got[0].format(), "prog.ks:1:6: error: unknown variable 'y'\n"
                             "\tx + y\n"
                             "\t    ^\n");
}

/// A diagnostic at Column of Line, formatted.
std::string formatAt(const std::string &Line, unsigned Column) {
  Diagnostic D;
  D.BufferName = "p";
  D.Loc = {1, Column};
  D.Message = "m";
  D.SourceLine = Line;
  return D.format();
}

TEST(DiagnosticEngineTest, ALongLineIsShownAsAWindowAroundTheCaret) {
  std::string Line = std::string(500, ' ') + "nope" + std::string(500, 'x');
  EXPECT_EQ(formatAt(Line, 501), "p:1:501: error: m\n"
                                 "..." +
                                     std::string(60, ' ') + "nope" +
                                     std::string(56, 'x') +
                                     "...\n"
                                     "   " +
                                     std::string(60, ' ') + "^\n");
}

TEST(DiagnosticEngineTest, AWindowAtEitherEndIsCutOnlyAtTheOther) {
  std::string Line = "ab" + std::string(200, 'x') + "yz";
  EXPECT_EQ(formatAt(Line, 2), "p:1:2: error: m\n" + Line.substr(0, 120) +
                                   "...\n"
                                   " ^\n");
  // Just past the end, where an error at the end of the input points.
  EXPECT_EQ(formatAt(Line, 205), "p:1:205: error: m\n..." +
                                     Line.substr(Line.size() - 120) + "\n" +
                                     std::string(123, ' ') + "^\n");
}

TEST(DiagnosticEngineTest, AWindowDoesNotCutAUTF8Sequence) {
  // The window would start at byte 61, inside the two bytes of "\xc3\xa9"
  // (a comment may hold UTF-8): it starts after the whole character instead,
  // and the caret still stands under column 121.
  std::string Line = std::string(59, 'a') + "\xc3\xa9" + std::string(200, 'b');
  EXPECT_EQ(formatAt(Line, 121), "p:1:121: error: m\n..." +
                                     std::string(119, 'b') + "...\n" +
                                     std::string(3 + 59, ' ') + "^\n");
}

TEST(DiagnosticEngineTest, AShortLineIsShownWhole) {
  std::string Line(120, 'x');
  EXPECT_EQ(formatAt(Line, 120), "p:1:120: error: m\n" + Line + "\n" +
                                     std::string(119, ' ') + "^\n");
}

TEST(DiagnosticEngineTest, CarriageReturnsAreNotPartOfTheLine) {
  auto Got = reportAt("a\r\nb c\r\n", {2, 3}, "bad");
  ASSERT_EQ(Got.size(), 1u);
  EXPECT_EQ(Got[0].SourceLine, "b c");
}

TEST(DiagnosticEngineTest, ALoneCarriageReturnEndsALine) {
  auto Got = reportAt("a\rb\r\nc d\re", {3, 3}, "bad");
  ASSERT_EQ(Got.size(), 1u);
  EXPECT_EQ(Got[0].SourceLine, "c d");
}

TEST(DiagnosticEngineTest, AByteOrderMarkIsNotPartOfTheFirstLine) {
  auto Got = reportAt("\xEF\xBB\xBFx + y", {1, 5}, "bad");
  ASSERT_EQ(Got.size(), 1u);
  EXPECT_EQ(Got[0].SourceLine, "x + y");
  EXPECT_EQ(Got[0].format(), "prog.ks:1:5: error: bad\nx + y\n    ^\n");
}

TEST(DiagnosticEngineTest, WithoutAHandlerErrorsAreStillCounted) {
  DiagnosticHandler None;
  DiagnosticEngine Diags("t", "x", None);
  Diags.error({1, 1}, "one");
  Diags.note({1, 1}, "not an error");
  Diags.error({1, 1}, "two");
  EXPECT_EQ(Diags.getNumErrors(), 2u);
}

} // namespace
