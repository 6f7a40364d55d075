//===- CallCountersTest.cpp - Call counters of baseline code --------------===//

#include "JIT/CallCounters.h"

#include "llvm/ExecutionEngine/Orc/SelfExecutorProcessControl.h"

#include "gtest/gtest.h"

#include <limits>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

namespace {

/// What counted code does on entry, as NativeEmitter and TierUpLayer emit it.
void countCall(CallCounters::Site &S) {
  if (--S.Countdown == 0)
    CallCounters::getEntryAddress().toPtr<void (*)(void *)>()(&S);
}

class CallCountersTest : public ::testing::Test {
protected:
  CallCountersTest()
      : ES(cantFail(SelfExecutorProcessControl::Create())),
        Body(ES.intern("f$1")) {}
  ~CallCountersTest() override { cantFail(ES.endSession()); }

  ExecutionSession ES;
  SymbolStringPtr Body;
};

TEST_F(CallCountersTest, EntryNamesTheBodyAtExactlyTheThreshold) {
  std::vector<std::string> Hot;
  CallCounters Counters(
      3, [&](const SymbolStringPtr &B) { Hot.push_back((*B).str()); });
  auto Site = Counters.makeSite(Body);
  countCall(*Site);
  countCall(*Site);
  EXPECT_TRUE(Hot.empty());
  countCall(*Site);
  EXPECT_EQ(Hot, std::vector<std::string>{"f$1"});
  countCall(*Site);
  EXPECT_EQ(Hot.size(), 1u);
}

TEST_F(CallCountersTest, EverySiteCountsOnItsOwn) {
  unsigned Calls = 0;
  CallCounters Counters(2, [&](const SymbolStringPtr &) { ++Calls; });
  auto A = Counters.makeSite(Body);
  auto B = Counters.makeSite(Body);
  countCall(*A);
  countCall(*B);
  EXPECT_EQ(Calls, 0u);
  countCall(*A);
  EXPECT_EQ(Calls, 1u);
}

TEST_F(CallCountersTest, CountsCallsOfTheNewestLiveSite) {
  CallCounters Counters(5, [](const SymbolStringPtr &) {});
  EXPECT_EQ(Counters.getCalls(Body), std::nullopt);
  auto Old = Counters.makeSite(Body);
  countCall(*Old);
  EXPECT_EQ(Counters.getCalls(Body), 1u);
  auto New = Counters.makeSite(Body);
  countCall(*New);
  countCall(*New);
  EXPECT_EQ(Counters.getCalls(Body), 2u);
  // Freeing the older site leaves the newer one's count.
  Old.reset();
  EXPECT_EQ(Counters.getCalls(Body), 2u);
  // Past the threshold the count goes on.
  for (int I = 0; I < 5; ++I)
    countCall(*New);
  EXPECT_EQ(Counters.getCalls(Body), 7u);
  New.reset();
  EXPECT_EQ(Counters.getCalls(Body), std::nullopt);
}

TEST_F(CallCountersTest, ThresholdIsClampedToAtLeastOneAndInt32Max) {
  CallCounters Zero(0, [](const SymbolStringPtr &) {});
  EXPECT_EQ(Zero.makeSite(Body)->Countdown, 1);
  CallCounters Huge(std::numeric_limits<unsigned>::max(),
                    [](const SymbolStringPtr &) {});
  EXPECT_EQ(Huge.makeSite(Body)->Countdown,
            std::numeric_limits<int32_t>::max());
}

TEST(CallCountersEntryTest, HasAReservedName) {
  // '_' cannot occur in a Kaleidoscope name.
  EXPECT_NE(CallCounters::getEntryName().find('_'), StringRef::npos);
}

} // namespace
