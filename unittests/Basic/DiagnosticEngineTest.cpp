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

TEST(DiagnosticEngineTest, CarriageReturnsAreNotPartOfTheLine) {
  auto Got = reportAt("a\r\nb c\r\n", {2, 3}, "bad");
  ASSERT_EQ(Got.size(), 1u);
  EXPECT_EQ(Got[0].SourceLine, "b c");
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
