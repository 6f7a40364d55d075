//===- StreamTest.cpp - Input read in pieces ------------------------------===//
//
// Session::completeItems says how far a piece holds items that no later
// text can change, and run() of a SourcePiece reads them located as in the
// whole buffer: fed piece by piece, a buffer prints and reports what it does
// whole.
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace kaleido;

namespace {

struct Host {
  std::string Out;
  std::vector<std::string> Diags;
  std::unique_ptr<Session> S;

  Host() {
    SessionOptions O;
    O.Mode = JITMode::Interp;
    O.OnOutput = [this](llvm::StringRef B) { Out += B.str(); };
    O.OnDiagnostic = [this](const Diagnostic &D) {
      Diags.push_back(D.format());
    };
    S = llvm::cantFail(Session::create(std::move(O)));
  }

  size_t complete(llvm::StringRef Text, bool AtEnd = false) {
    return S->completeItems(SourcePiece{Text}, AtEnd);
  }

  /// Feeds Text as a reader does, Step bytes at a time: runs what is
  /// complete and keeps the rest, from the start of its line. Returns
  /// whether every run succeeded.
  bool feed(llvm::StringRef Text, size_t Step) {
    std::string Pending;
    size_t Begin = 0;
    SourceLocation Start = {1, 1};
    bool Continued = false;
    for (size_t At = 0;;) {
      Pending += Text.substr(At, Step).str();
      At += Step;
      bool AtEnd = At >= Text.size();
      SourcePiece P{Pending, Begin, llvm::StringRef::npos, Start};
      size_t Cut = S->completeItems(P, AtEnd);
      if (Cut > Begin) {
        P.End = Cut;
        P.Continued = Continued;
        Continued = true;
        if (llvm::Error Err = S->run(P, "t")) {
          llvm::consumeError(std::move(Err));
          return false;
        }
      }
      if (AtEnd)
        return true;
      size_t Break = llvm::StringRef(Pending).find_last_of("\r\n", Cut);
      size_t Keep = Break == llvm::StringRef::npos ? 0 : Break + 1;
      Start = P.locationOf(Keep);
      Pending.erase(0, Keep);
      Begin = Cut - Keep;
    }
  }
};

TEST(StreamTest, AnItemIsCompleteOnceTheTokenAfterItIsReadWithItsLine) {
  Host H;
  // The token after `1 + 2` decides whether the item goes on.
  EXPECT_EQ(H.complete("1 + 2"), 0u);
  EXPECT_EQ(H.complete("1 + 2\n"), 0u);
  EXPECT_EQ(H.complete("1 + 2\n+"), 0u);
  EXPECT_EQ(H.complete("1 + 2;\n"), 7u);
  EXPECT_EQ(H.complete("1 + 2\nprintd(3)\n"), 6u);
  // A name that may go on is not read whole.
  EXPECT_EQ(H.complete("1 + 2 pri"), 0u);
  // Its line is needed for diagnostics about it.
  EXPECT_EQ(H.complete("1 + 2; 3 "), 0u);
  EXPECT_EQ(H.complete("1 + 2; 3 " + std::string(200, ' ')), 5u);
  EXPECT_EQ(H.complete("1 + 2", /*AtEnd=*/true), 5u);
}

TEST(StreamTest, WhiteSpaceAndCommentsAreCompleteToTheirLastLineBreak) {
  Host H;
  EXPECT_EQ(H.complete("\n\n  # a comment\n  "), 16u);
  EXPECT_EQ(H.complete("# a comment that may go on"), 0u);
  // A CR at the end may be the first half of a CR LF.
  EXPECT_EQ(H.complete("\n\r"), 1u);
  EXPECT_EQ(H.complete("\r\n"), 2u);
}

TEST(StreamTest, ASyntaxErrorIsCompleteWhereNoTextCanChangeIt) {
  Host H;
  std::string Zeros(200, '\0');
  EXPECT_EQ(H.complete(Zeros), Zeros.size());
  EXPECT_EQ(H.complete("(1;\n"), 4u);
  // An error at the end is only more input to wait for.
  EXPECT_EQ(H.complete("def f(x"), 0u);
}

TEST(StreamTest, ACompleteItemUsesTheOperatorsDefinedBeforeIt) {
  Host H;
  // `|` is binary from the next item on, so `1 | 2` is one item.
  llvm::StringRef Source = "def binary| 5 (a b) a + b;\n1 | 2;\n";
  EXPECT_EQ(H.complete(Source), Source.size());
}

TEST(StreamTest, PiecesPrintAndReportWhatTheWholeBufferDoes) {
  std::string Source = "extern printd(x);\n";
  for (int I = 0; I < 300; ++I)
    Source += "printd(1); printd(2);\n";
  Source += "printd(3); printd(y); printd(4);\n";
  Host Whole;
  EXPECT_FALSE(Whole.feed(Source, Source.size()));
  ASSERT_EQ(Whole.Diags.size(), 1u);
  EXPECT_NE(Whole.Diags[0].find("t:302:19: error: unknown variable 'y'"),
            std::string::npos)
      << Whole.Diags[0];
  for (size_t Step : {1, 7, 64, 1000}) {
    Host Pieces;
    EXPECT_FALSE(Pieces.feed(Source, Step));
    EXPECT_EQ(Pieces.Out, Whole.Out) << "in pieces of " << Step;
    EXPECT_EQ(Pieces.Diags, Whole.Diags) << "in pieces of " << Step;
  }
}

TEST(StreamTest, APieceThatStartsInsideALongLineShowsItsEnd) {
  // One line of 400 items: the reader keeps only the end of it, and the
  // diagnostic shows the same window as of the whole line.
  std::string Source = "extern printd(x);";
  for (int I = 0; I < 400; ++I)
    Source += "printd(1);";
  Source += "printd(y);printd(2);\n";
  Host Whole;
  EXPECT_FALSE(Whole.feed(Source, Source.size()));
  ASSERT_EQ(Whole.Diags.size(), 1u);
  Host Pieces;
  SourcePiece Tail{llvm::StringRef(Source).drop_front(3000),
                   17,
                   llvm::StringRef::npos,
                   {1, 3001}};
  EXPECT_EQ(Tail.locationOf(17).Line, 1u);
  EXPECT_EQ(Tail.locationOf(17).Column, 3018u);
  std::string Prefix = Source.substr(0, 3017);
  ASSERT_FALSE(llvm::errorToBool(Pieces.S->run(Prefix, "t")));
  EXPECT_TRUE(llvm::errorToBool(Pieces.S->run(Tail, "t")));
  EXPECT_EQ(Pieces.Diags, Whole.Diags);
  EXPECT_EQ(Pieces.Out, Whole.Out);
}

TEST(StreamTest, AContinuedPieceKeepsAnInterruptThatCameBetween) {
  Host H;
  ASSERT_FALSE(llvm::errorToBool(H.S->run(SourcePiece{"def f(x) x;\n"}, "t")));
  H.S->interrupt();
  SourcePiece Next{"f(1);\n"};
  Next.Continued = true;
  EXPECT_TRUE(llvm::errorToBool(H.S->run(Next, "t")));
  ASSERT_EQ(H.Diags.size(), 1u);
  EXPECT_NE(H.Diags[0].find("interrupted"), std::string::npos);
  // A fresh input forgets it.
  H.S->interrupt();
  EXPECT_FALSE(llvm::errorToBool(H.S->run(SourcePiece{"f(1);\n"}, "t")));
}

} // namespace
