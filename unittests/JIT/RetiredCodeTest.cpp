//===- RetiredCodeTest.cpp - Replaced code, freed when safe ---------------===//

#include "JIT/RetiredCode.h"

#include "JITTestSupport.h"

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

class RetiredCodeTest : public ORCTest {
protected:
  RetiredCodeTest() : JD(ES->createBareJITDylib("<bodies>")) {}

  /// A "body" named Name under its own tracker.
  ResourceTrackerSP addBody(StringRef Name) {
    ResourceTrackerSP RT = JD.createResourceTracker();
    cantFail(JD.define(absoluteSymbols({{ES->intern(Name),
                                         {ExecutorAddr::fromPtr(&returnsOne),
                                          CallableFlags}}}),
                       RT));
    return RT;
  }

  bool isDefined(StringRef Name) {
    auto Sym = ES->lookup({&JD}, Name);
    if (Sym)
      return true;
    consumeError(Sym.takeError());
    return false;
  }

  JITDylib &JD;
  RetiredCode Retired;
};

TEST_F(RetiredCodeTest, KeepsCodeUntilReleased) {
  Retired.retire(addBody("f$1"));
  EXPECT_TRUE(isDefined("f$1"));
  EXPECT_EQ(Retired.getBodiesFreed(), 0u);
}

TEST_F(RetiredCodeTest, ReleaseFreesAndCountsEachBody) {
  Retired.retire(addBody("f$1"));
  Retired.retire(addBody("g$1"));
  cantFail(Retired.release());
  EXPECT_FALSE(isDefined("f$1"));
  EXPECT_FALSE(isDefined("g$1"));
  EXPECT_EQ(Retired.getBodiesFreed(), 2u);
  EXPECT_TRUE(Retired.empty());
}

TEST_F(RetiredCodeTest, SecondReleaseFreesNothingMore) {
  Retired.retire(addBody("f$1"));
  cantFail(Retired.release());
  cantFail(Retired.release());
  EXPECT_EQ(Retired.getBodiesFreed(), 1u);
}

TEST_F(RetiredCodeTest, NullTrackerIsIgnored) {
  Retired.retire(nullptr);
  EXPECT_TRUE(Retired.empty());
}

} // namespace
