//===- NativeBaselineTest.cpp - Native baseline code, owned by the JIT ----===//

#include "JIT/NativeBaseline.h"

#include "llvm/ExecutionEngine/Orc/SelfExecutorProcessControl.h"

#include "gtest/gtest.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

namespace {

/// Hands out a one-byte body (ret) for "f" and supports nothing else;
/// records the options it was given.
class FakeSource : public BodySource {
public:
  Expected<std::unique_ptr<Module>> generateIR(LLVMContext &, StringRef,
                                               StringRef, Tier) override {
    return createStringError("no IR here");
  }
  bool isBounded(StringRef) override { return true; }
  Expected<std::vector<uint8_t>> generateNative(StringRef Name,
                                                NativeEmitOptions O) override {
    Last = O;
    if (Name != "f")
      return createStringError("not supported");
    if (O.CalleeAddress)
      CalleeStub = cantFail(O.CalleeAddress("g"));
    return std::vector<uint8_t>{0xc3};
  }
  NativeEmitOptions Last;
  uint64_t CalleeStub = 0;
};

class NativeBaselineTest : public ::testing::Test {
protected:
  NativeBaselineTest()
      : ES(cantFail(SelfExecutorProcessControl::Create())),
        Counters(5, [](const SymbolStringPtr &) {}),
        Native(Source, Counters, Arena,
               [](StringRef Name) -> Expected<uint64_t> {
                 return Name == "g" ? 0x1234 : 0;
               }) {}
  ~NativeBaselineTest() override { cantFail(ES.endSession()); }

  ExecutionSession ES;
  FakeSource Source;
  CallCounters Counters;
  CodeArena Arena;
  NativeBaseline Native;
};

TEST_F(NativeBaselineTest, PlacesTheCodeAndFreesItWithTheBody) {
  auto Body = cantFail(Native.compile("f", nullptr));
  ASSERT_NE(Body, nullptr);
  EXPECT_EQ(Body->getAddress().toPtr<uint8_t *>()[0], 0xc3);
  EXPECT_EQ(Body->getSize(), 1u);
  EXPECT_EQ(Native.getCodeBytes(), 16u);
  EXPECT_EQ(Arena.getBytesInUse(), 16u);
  Body.reset();
  EXPECT_EQ(Native.getCodeBytes(), 0u);
  EXPECT_EQ(Arena.getBytesInUse(), 0u);
}

TEST_F(NativeBaselineTest, UnsupportedBodyGivesNoCode) {
  auto Body = Native.compile("h", nullptr);
  ASSERT_TRUE(bool(Body)) << toString(Body.takeError());
  EXPECT_EQ(*Body, nullptr);
  EXPECT_EQ(Arena.getBytesInUse(), 0u);
}

TEST_F(NativeBaselineTest, CountedCodeGetsASiteAndTheEntry) {
  auto Body = cantFail(Native.compile("f", ES.intern("f$1")));
  ASSERT_NE(Source.Last.Countdown, nullptr);
  EXPECT_EQ(*Source.Last.Countdown, 5);
  EXPECT_EQ(Source.Last.TierUpEntry,
            CallCounters::getEntryAddress().toPtr<const void *>());
  auto *Site = static_cast<const CallCounters::Site *>(Source.Last.CounterSite);
  EXPECT_EQ(*Site->Body, "f$1");
  EXPECT_EQ(&Site->Countdown, Source.Last.Countdown);
}

TEST_F(NativeBaselineTest, UncountedCodeHasNoCounter) {
  auto Body = cantFail(Native.compile("f", nullptr));
  EXPECT_EQ(Source.Last.Countdown, nullptr);
  EXPECT_EQ(Source.Last.CounterSite, nullptr);
}

TEST_F(NativeBaselineTest, CalleesAreAskedForTheirStubs) {
  auto Body = cantFail(Native.compile("f", nullptr));
  EXPECT_EQ(Source.CalleeStub, 0x1234u);
}

} // namespace
