//===- InlinePolicyTest.cpp - Which callees optimised code copies in ------===//

#include "CodeGen/InlinePolicy.h"

#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

using namespace kaleido;

namespace {

std::optional<InlineCandidate>
candidate(llvm::StringRef Src, llvm::StringRef Name, const uint32_t *Word) {
  test::Program P;
  test::load(P, Src);
  EXPECT_TRUE(P.Errors.empty());
  const FunctionAST *F = P.body(Name);
  EXPECT_NE(F, nullptr);
  auto C = makeInlineCandidate(*F, Word);
  if (C)
    C->Body = nullptr; // P and its trees end here.
  return C;
}

TEST(InlinePolicyTest, ASmallBoundedBodyIsACandidateAtItsCurrentVersion) {
  uint32_t Word = 3;
  auto C = candidate("def sq(x) x * x;", "sq", &Word);
  ASSERT_TRUE(C.has_value());
  EXPECT_EQ(C->VersionWord, &Word);
  EXPECT_EQ(C->Version, 3u);
  EXPECT_EQ(C->Size, 3u);
}

TEST(InlinePolicyTest, ALoopIsNeverCopied) {
  uint32_t Word = 1;
  EXPECT_FALSE(candidate("def f(n) for i = 0, i < n in 0;", "f", &Word));
}

TEST(InlinePolicyTest, ARecursiveFunctionIsNeverCopied) {
  uint32_t Word = 1;
  EXPECT_FALSE(
      candidate("def f(x) if x < 1 then 0 else f(x - 1);", "f", &Word));
}

TEST(InlinePolicyTest, ABodyOverTheSizeLimitIsNotCopied) {
  std::string Big = "def big(x) x";
  // Each "+ x" adds two nodes.
  for (unsigned I = 0; I < MaxInlineNodes / 2; ++I)
    Big += " + x";
  uint32_t Word = 1;
  EXPECT_FALSE(candidate(Big + ";", "big", &Word));
}

TEST(InlinePolicyTest, WithoutAVersionWordNothingIsCopied) {
  EXPECT_FALSE(candidate("def sq(x) x * x;", "sq", nullptr));
}

} // namespace
