//===- RuntimeTest.cpp - The guard, safepoints and host symbols -----------===//

#include "Runtime/Runtime.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace kaleido;

namespace {

/// The fault a failed guarded call reports, and its message.
std::pair<rt::Fault, std::string> faultOf(llvm::Error Err) {
  std::pair<rt::Fault, std::string> R{rt::Fault::None, ""};
  llvm::handleAllErrors(std::move(Err), [&](const rt::RuntimeError &E) {
    R = {E.getFault(), E.message()};
  });
  return R;
}

/// Polls a safepoint as generated code does: 1 if it says "interrupted",
/// 2 for another fault, 0 if the call may go on.
double pollAtSafepoint() {
  if (llvm::Error E = rt::pollSafepoint("f"))
    return faultOf(std::move(E)).first == rt::Fault::Interrupted ? 1.0 : 2.0;
  return 0.0;
}

TEST(RuntimeTest, GuardedCallReturnsTheValue) {
  llvm::Expected<double> R = rt::callGuarded([] { return 4.5; }, {});
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(*R, 4.5);
  EXPECT_EQ(rt::activeContext(), nullptr);
}

TEST(RuntimeTest, RaiseEndsTheGuardedCallWithItsMessage) {
  llvm::Expected<double> R = rt::callGuarded(
      []() -> double { rt::raise(rt::Fault::Error, "boom in 'f'"); }, {});
  ASSERT_FALSE(bool(R));
  auto [Fault, Msg] = faultOf(R.takeError());
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_EQ(Msg, "boom in 'f'");
  EXPECT_EQ(rt::activeContext(), nullptr);
}

TEST(RuntimeTest, OutputGoesToTheSinkWhenTheCallEnds) {
  std::string Out;
  std::function<void(llvm::StringRef)> Sink = [&](llvm::StringRef S) {
    Out += S.str();
  };
  rt::Environment Env;
  Env.Sink = &Sink;
  llvm::Expected<double> R = rt::callGuarded(
      [] {
        rt::putchard('h');
        rt::printd(2);
        return 0.0;
      },
      Env);
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(Out, "h2.000000\n");
}

TEST(RuntimeTest, OutputWrittenBeforeAFaultIsKept) {
  std::string Out;
  std::function<void(llvm::StringRef)> Sink = [&](llvm::StringRef S) {
    Out += S.str();
  };
  rt::Environment Env;
  Env.Sink = &Sink;
  llvm::Expected<double> R = rt::callGuarded(
      []() -> double {
        rt::putchard('x');
        rt::raise(rt::Fault::Error, "late");
      },
      Env);
  EXPECT_EQ(faultOf(R.takeError()).first, rt::Fault::Error);
  EXPECT_EQ(Out, "x");
}

TEST(RuntimeTest, AnInterruptRequestedBeforehandStopsAtTheFirstSafepoint) {
  rt::PollWord Poll{0};
  std::atomic<bool> Interrupt{true};
  rt::Environment Env;
  Env.Poll = &Poll;
  Env.InterruptRequested = &Interrupt;
  bool Polled = false;
  llvm::Expected<double> R = rt::callGuarded(
      [&] {
        Polled = true;
        return pollAtSafepoint();
      },
      Env);
  ASSERT_TRUE(bool(R));
  EXPECT_TRUE(Polled);
  EXPECT_EQ(*R, 1.0);
  // The word is armed to its maximum while the interrupt is pending, and
  // restored when the call ends.
  EXPECT_EQ(Poll.load(), 0u);
}

TEST(RuntimeTest, AnInterruptWhileIdleLeavesTheWordIdle) {
  // Code called through a raw pointer meanwhile would otherwise fail every
  // safepoint's comparison and call the runtime each time.
  rt::PollWord Poll{0};
  std::atomic<bool> Interrupt{false};
  rt::requestInterrupt(Poll, Interrupt);
  EXPECT_TRUE(Interrupt.load());
  EXPECT_EQ(Poll.load(), 0u);
  // The next guarded call still honours it, and leaves the word idle.
  rt::Environment Env;
  Env.Poll = &Poll;
  Env.InterruptRequested = &Interrupt;
  llvm::Expected<double> R =
      rt::callGuarded([&] { return pollAtSafepoint(); }, Env);
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(*R, 1.0);
  EXPECT_EQ(Poll.load(), 0u);
}

TEST(RuntimeTest, AnInterruptDuringAGuardedCallRaisesTheWordUntilItEnds) {
  rt::PollWord Poll{0};
  std::atomic<bool> Interrupt{false};
  rt::Environment Env;
  Env.Poll = &Poll;
  Env.InterruptRequested = &Interrupt;
  uintptr_t Armed = 0, Raised = 0;
  llvm::Expected<double> R = rt::callGuarded(
      [&] {
        Armed = Poll.load();
        rt::requestInterrupt(Poll, Interrupt);
        Raised = Poll.load();
        return pollAtSafepoint();
      },
      Env);
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(*R, 1.0);
  EXPECT_NE(Armed, 0u);
  EXPECT_NE(Armed, UINTPTR_MAX);
  EXPECT_EQ(Raised, UINTPTR_MAX);
  EXPECT_EQ(Poll.load(), 0u);
}

TEST(RuntimeTest, PollingOutsideAGuardedCallFindsNothing) {
  EXPECT_FALSE(bool(rt::pollSafepoint("f")));
}

TEST(RuntimeTest, HostSymbolsResolveByNameAndArity) {
  llvm::Expected<void *> Sin = rt::resolveHostSymbol("sin", 1u, false);
  ASSERT_TRUE(bool(Sin));
  ASSERT_NE(*Sin, nullptr);
  EXPECT_EQ(reinterpret_cast<double (*)(double)>(*Sin)(0.5), std::sin(0.5));
  llvm::Expected<void *> Putchard =
      rt::resolveHostSymbol("putchard", 1u, false);
  ASSERT_TRUE(bool(Putchard));
  EXPECT_NE(*Putchard, nullptr);
}

TEST(RuntimeTest, AHostFunctionOfAnotherArityIsAnError) {
  llvm::Expected<void *> Pow = rt::resolveHostSymbol("pow", 1u, false);
  ASSERT_FALSE(bool(Pow));
  EXPECT_EQ(llvm::toString(Pow.takeError()),
            "call to 'pow', which is declared by 'extern' with 1 parameter, "
            "but the C math library's 'pow' takes 2");
}

TEST(RuntimeTest, TheProcessIsReachableOnlyWhenAllowed) {
  // Denied with an error that says how to open it: the name is not undefined.
  llvm::Expected<void *> Denied = rt::resolveHostSymbol("ldexp", 2u, false);
  ASSERT_FALSE(bool(Denied));
  EXPECT_EQ(llvm::toString(Denied.takeError()),
            "call to 'ldexp', which is declared by 'extern': 'ldexp' is a "
            "host function that is not on the allowed list (the runtime's "
            "putchard and printd, and the C math library's functions of "
            "doubles); --allow-host-symbols lets 'extern' reach every symbol "
            "of the process (unsafe)");
  llvm::Expected<void *> Allowed = rt::resolveHostSymbol("abort", 0u, true);
  ASSERT_TRUE(bool(Allowed));
  EXPECT_NE(*Allowed, nullptr);
}

TEST(RuntimeTest, ANameNothingDefinesIsNotFound) {
  llvm::Expected<void *> Nowhere =
      rt::resolveHostSymbol("kaleidoNowhere", 1u, false);
  ASSERT_TRUE(bool(Nowhere));
  EXPECT_EQ(*Nowhere, nullptr);
  // Without an arity (generated code's own symbols) a process symbol off the
  // list is simply not found.
  llvm::Expected<void *> Abort =
      rt::resolveHostSymbol("abort", std::nullopt, false);
  ASSERT_TRUE(bool(Abort));
  EXPECT_EQ(*Abort, nullptr);
}

} // namespace
