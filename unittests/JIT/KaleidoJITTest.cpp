//===- KaleidoJITTest.cpp - The composed JIT ------------------------------===//

#include "JIT/KaleidoJIT.h"

#include "JITTestSupport.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include "gtest/gtest.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace kaleido;
using namespace llvm;

namespace {

double lazyCallFailed() { return -1; }

/// Every body is `double f() { return 1; }`; optimised IR can be made to
/// fail. With Capture, a captured body (a background tier-up) returns 3
/// instead, after waiting for Release if Hold is set.
struct Source : BodySource {
  Expected<std::unique_ptr<Module>>
  generateIR(LLVMContext &Ctx, StringRef, StringRef Symbol, Tier T) override {
    if (T == Tier::Optimized && FailOptimized)
      return make_error<StringError>("no optimised IR today",
                                     inconvertibleErrorCode());
    return test::returningOne(Ctx, Symbol);
  }
  bool isBounded(StringRef) override { return true; }
  /// Native code for "n" only: `return 2.0` (x86-64), so a test can tell
  /// it from LLVM's code. It ignores the call counter.
  Expected<std::vector<uint8_t>> generateNative(StringRef Name,
                                                NativeEmitOptions) override {
    if (Name != "n")
      return createStringError("not supported");
    // mov rax, 0x4000000000000000 (2.0); movq xmm0, rax; ret
    return std::vector<uint8_t>{0x48, 0xb8, 0,    0,    0,    0,    0,    0,
                                0,    0x40, 0x66, 0x48, 0x0f, 0x6e, 0xc0, 0xc3};
  }
  Expected<IRGenerator> captureIR(StringRef) override {
    if (!Capture)
      return createStringError("not supported");
    return IRGenerator([this](LLVMContext &Ctx, StringRef Symbol,
                              Tier) -> Expected<std::unique_ptr<Module>> {
      if (Hold) {
        std::unique_lock<std::mutex> Lock(Mutex);
        Started = true;
        Changed.notify_all();
        Changed.wait(Lock, [this] { return Released; });
      }
      if (FailOptimized)
        return createStringError("no optimised IR today");
      return test::returning(Ctx, Symbol, 3);
    });
  }
  /// Waits until a held compile has started.
  void waitForStart() {
    std::unique_lock<std::mutex> Lock(Mutex);
    Changed.wait(Lock, [this] { return Started; });
  }
  void release() {
    std::lock_guard<std::mutex> Lock(Mutex);
    Released = true;
    Changed.notify_all();
  }
  bool FailOptimized = false;
  bool Capture = false;
  bool Hold = false;
  std::mutex Mutex;
  std::condition_variable Changed;
  bool Started = false;
  bool Released = false;
};

struct JITHost {
  explicit JITHost(unsigned TierUpCalls, bool Native = false,
                   unsigned Threads = 0, bool Capture = false) {
    Bodies.Capture = Capture;
    JITOptions O;
    O.Bodies = &Bodies;
    O.TierUpCalls = TierUpCalls;
    O.NativeBaseline = Native;
    O.CompileThreads = Threads;
    O.LazyCallFailureHandler = reinterpret_cast<void *>(&lazyCallFailed);
    O.OnError = [this](std::string Msg) { Errors.push_back(Msg); };
    JIT = cantFail(KaleidoJIT::create(std::move(O)));
  }
  double call(StringRef Name) {
    return cantFail(JIT->lookupStub(Name)).toPtr<double (*)()>()();
  }
  Source Bodies;
  std::vector<std::string> Errors;
  std::unique_ptr<KaleidoJIT> JIT;
};

TEST(KaleidoJITTest, HotBaselineCodeTiersUpAndIsRetired) {
  JITHost H(2);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.JIT->getTierUpStats().TierUps, 1u);
  EXPECT_EQ(H.JIT->getBodiesFreed(), 0u);
  H.JIT->releaseRetiredCode();
  EXPECT_EQ(H.JIT->getBodiesFreed(), 1u);
  EXPECT_EQ(H.call("f"), 1);
}

TEST(KaleidoJITTest, BackgroundTierUpIsSwitchedInThroughTheStub) {
  JITHost H(2, /*Native=*/false, /*Threads=*/1, /*Capture=*/true);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  // The second call posts the compile and goes on in baseline code.
  EXPECT_EQ(H.call("f"), 1);
  H.JIT->waitForCompiles();
  EXPECT_EQ(H.call("f"), 3);
  TierUpStats S = H.JIT->getTierUpStats();
  EXPECT_EQ(S.TierUps, 1u);
  EXPECT_EQ(S.BackgroundPosted, 1u);
  EXPECT_EQ(S.BackgroundDropped, 0u);
  EXPECT_EQ(S.Failures, 0u);
  EXPECT_GE(S.QueueSeconds, 0);
  EXPECT_GE(S.MaxPauseSeconds, 0);
  H.JIT->releaseRetiredCode();
  EXPECT_EQ(H.JIT->getBodiesFreed(), 1u);
  EXPECT_TRUE(H.Errors.empty()) << H.Errors.front();
}

TEST(KaleidoJITTest, WithoutCaptureATierUpCompilesOnTheCallingThread) {
  JITHost H(2, /*Native=*/false, /*Threads=*/1, /*Capture=*/false);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.call("f"), 1);
  TierUpStats S = H.JIT->getTierUpStats();
  EXPECT_EQ(S.TierUps, 1u);
  EXPECT_EQ(S.BackgroundPosted, 0u);
}

TEST(KaleidoJITTest, ABodyRedefinedWhileItCompilesKeepsItsNewBody) {
  JITHost H(2, /*Native=*/false, /*Threads=*/1, /*Capture=*/true);
  H.Bodies.Hold = true;
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.call("f"), 1);
  H.Bodies.waitForStart();
  cantFail(H.JIT->define("f", /*Eager=*/false));
  H.Bodies.release();
  H.JIT->waitForCompiles();
  // The stale optimised code was never installed: the new body's baseline
  // code runs.
  EXPECT_EQ(H.call("f"), 1);
  TierUpStats S = H.JIT->getTierUpStats();
  EXPECT_EQ(S.BackgroundPosted, 1u);
  EXPECT_EQ(S.TierUps, 0u);
  EXPECT_EQ(S.Failures, 0u);
  H.JIT->releaseRetiredCode();
  EXPECT_TRUE(H.Errors.empty());
}

TEST(KaleidoJITTest, AFailedBackgroundTierUpIsReportedOnTheProgramsThread) {
  JITHost H(2, /*Native=*/false, /*Threads=*/1, /*Capture=*/true);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  H.Bodies.FailOptimized = true;
  EXPECT_EQ(H.call("f"), 1);
  H.JIT->waitForCompiles();
  EXPECT_EQ(H.call("f"), 1);
  TierUpStats S = H.JIT->getTierUpStats();
  EXPECT_EQ(S.TierUps, 0u);
  EXPECT_EQ(S.Failures, 1u);
  EXPECT_EQ(H.Errors, std::vector<std::string>{"no optimised IR today"});
}

TEST(KaleidoJITTest, EndingWithACompileInFlightWaitsForItAndDropsTheRest) {
  auto H = std::make_unique<JITHost>(1, /*Native=*/false, /*Threads=*/1,
                                     /*Capture=*/true);
  H->Bodies.Hold = true;
  cantFail(H->JIT->define("f", /*Eager=*/false));
  cantFail(H->JIT->define("g", /*Eager=*/false));
  EXPECT_EQ(H->call("f"), 1); // posts f's compile, which is held
  H->Bodies.waitForStart();
  EXPECT_EQ(H->call("g"), 1); // posts g's, which waits behind it
  std::thread Releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    H->Bodies.release();
  });
  H->JIT.reset();
  Releaser.join();
  EXPECT_TRUE(H->Errors.empty());
}

TEST(KaleidoJITTest, FailedTierUpKeepsBaselineCodeAndIsCounted) {
  JITHost H(2);
  H.Bodies.FailOptimized = true;
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.JIT->getTierUpStats().TierUps, 0u);
  EXPECT_EQ(H.JIT->getTierUpStats().Failures, 1u);
  EXPECT_EQ(H.Errors, std::vector<std::string>{"no optimised IR today"});
  EXPECT_EQ(H.call("f"), 1);
}

TEST(KaleidoJITTest, ReportFollowsAFunctionFromStubToCode) {
  JITHost H(0);
  EXPECT_EQ(H.JIT->report("f"), std::nullopt);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  std::optional<FunctionReport> R = H.JIT->report("f");
  ASSERT_TRUE(R);
  EXPECT_EQ(R->Version, 1u);
  EXPECT_TRUE(R->HasBody);
  EXPECT_FALSE(R->Compiled);
  EXPECT_EQ(H.call("f"), 1);
  R = H.JIT->report("f");
  EXPECT_TRUE(R->Compiled);
  EXPECT_FALSE(R->Baseline) << "TierUpCalls = 0: optimised at once";
  EXPECT_FALSE(R->Failed);
  EXPECT_GT(R->CodeBytes, 0u) << "sized by the linker plugin";
  EXPECT_FALSE(R->Calls) << "optimised code counts no calls";
}

TEST(KaleidoJITTest, CompileNowMakesCodeWithoutACall) {
  JITHost H(2, /*Native=*/true);
  cantFail(H.JIT->define("n", /*Eager=*/false));
  cantFail(H.JIT->compileNow("n"));
  std::optional<FunctionReport> R = H.JIT->report("n");
  ASSERT_TRUE(R);
  EXPECT_TRUE(R->Compiled);
  EXPECT_TRUE(R->Native);
  EXPECT_EQ(R->CodeBytes, 16u);
  EXPECT_TRUE(bool(R->NativeCode));
  EXPECT_EQ(R->Calls, 0u);
  EXPECT_EQ(H.call("n"), 2) << "the stub leads to the code made";
  // Nothing to do for a name without a body or one that has code.
  cantFail(H.JIT->compileNow("n"));
  cantFail(H.JIT->compileNow("nothing"));
}

TEST(KaleidoJITTest, AFailedCompileIsReported) {
  JITHost H(0);
  H.Bodies.FailOptimized = true;
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), -1) << "the lazy-call failure handler";
  EXPECT_TRUE(H.JIT->report("f")->Failed);
  H.Bodies.FailOptimized = false;
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_FALSE(H.JIT->report("f")->Failed) << "a new version starts over";
  EXPECT_EQ(H.call("f"), 1);
}

TEST(KaleidoJITTest, AnUndefinedFunctionIsAnExternAgain) {
  JITHost H(0);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  const uint32_t *Version = H.JIT->getVersionWord("f");
  cantFail(H.JIT->undefine("f"));
  EXPECT_EQ(*Version, 2u) << "inlined copies see the change";
  EXPECT_FALSE(H.JIT->report("f")->HasBody);
  // No host has an "f": the call fails as an unresolved extern's does.
  EXPECT_EQ(H.call("f"), -1);
  H.JIT->releaseRetiredCode();
  EXPECT_EQ(H.JIT->getBodiesFreed(), 1u);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  cantFail(H.JIT->undefine("never-seen"));
}

TEST(KaleidoJITTest, RedefinitionFreesTheOldBodyAtOnce) {
  JITHost H(0);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.JIT->getBodiesFreed(), 1u);
}

#if defined(__x86_64__)
TEST(KaleidoJITTest, NativeBodyNeedsNoLLVM) {
  JITHost H(1000, /*Native=*/true);
  cantFail(H.JIT->define("n", /*Eager=*/false));
  EXPECT_EQ(H.call("n"), 2);
  EXPECT_EQ(H.call("n"), 2);
  EXPECT_FALSE(H.JIT->hasBuiltLLVM());
  EXPECT_EQ(H.JIT->getNativeCodeBytes(), 16u);
  EXPECT_TRUE(H.Errors.empty());
}

TEST(KaleidoJITTest, NativeBodyIsFreedWhenRedefined) {
  JITHost H(1000, /*Native=*/true);
  cantFail(H.JIT->define("n", /*Eager=*/false));
  EXPECT_EQ(H.call("n"), 2);
  cantFail(H.JIT->define("n", /*Eager=*/false));
  EXPECT_EQ(H.JIT->getBodiesFreed(), 1u);
  EXPECT_EQ(H.JIT->getNativeCodeBytes(), 0u);
  EXPECT_EQ(H.call("n"), 2);
  EXPECT_EQ(H.JIT->getNativeCodeBytes(), 16u);
}

TEST(KaleidoJITTest, UnsupportedNativeBodyFallsBackToLLVM) {
  JITHost H(1000, /*Native=*/true);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_FALSE(H.JIT->hasBuiltLLVM());
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_TRUE(H.JIT->hasBuiltLLVM());
  EXPECT_EQ(H.JIT->getNativeCodeBytes(), 0u);
}
#endif

TEST(KaleidoJITTest, LLVMIsBuiltOnlyWhenABodyNeedsIt) {
  JITHost H(1000);
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_FALSE(H.JIT->hasBuiltLLVM());
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_TRUE(H.JIT->hasBuiltLLVM());
}

} // namespace
