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
  Retired.retire(ResourceTrackerSP());
  Retired.retire(std::unique_ptr<OwnedCode>());
  EXPECT_TRUE(Retired.empty());
}

/// Owned code that says when it is freed.
struct Flagged : OwnedCode {
  explicit Flagged(bool &Freed) : Freed(Freed) {}
  ~Flagged() override { Freed = true; }
  size_t getCodeSize() const override { return 0; }
  bool &Freed;
};

TEST_F(RetiredCodeTest, OwnedCodeIsFreedAtReleaseOnly) {
  bool Freed = false;
  Retired.retire(std::make_unique<Flagged>(Freed));
  EXPECT_EQ(Retired.size(), 1u);
  EXPECT_FALSE(Freed);
  cantFail(Retired.release());
  EXPECT_TRUE(Freed);
  EXPECT_TRUE(Retired.empty());
  EXPECT_EQ(Retired.getBodiesFreed(), 1u);
}

/// Owned code that says when it is freed and when it forgets its debug info.
struct Debugged : Flagged {
  Debugged(bool &Freed, bool &Forgot) : Flagged(Freed), Forgot(Forgot) {}
  void forgetDebugInfo() override { Forgot = true; }
  bool &Forgot;
};

TEST_F(RetiredCodeTest, KeptForDebuggerUntilDestroyed) {
  bool Freed = false, Forgot = false;
  {
    RetiredCode Kept;
    Kept.keepForDebugger();
    Kept.retire(addBody("f$1"));
    Kept.retire(std::make_unique<Debugged>(Freed, Forgot));
    cantFail(Kept.release());
    // Not freed, not counted, but no longer described to the debugger.
    EXPECT_TRUE(isDefined("f$1"));
    EXPECT_FALSE(Freed);
    EXPECT_TRUE(Forgot);
    EXPECT_EQ(Kept.getBodiesFreed(), 0u);
    EXPECT_TRUE(Kept.empty());
  }
  EXPECT_TRUE(Freed);
}

} // namespace
