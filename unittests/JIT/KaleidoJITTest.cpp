//===- KaleidoJITTest.cpp - The composed JIT ------------------------------===//

#include "JIT/KaleidoJIT.h"

#include "JITTestSupport.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include "gtest/gtest.h"

using namespace kaleido;
using namespace llvm;

namespace {

double lazyCallFailed() { return -1; }

/// Every body is `double f() { return 1; }`; optimised IR can be made to
/// fail.
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
  bool FailOptimized = false;
};

struct JITHost {
  explicit JITHost(unsigned TierUpCalls, bool Native = false) {
    JITOptions O;
    O.Bodies = &Bodies;
    O.TierUpCalls = TierUpCalls;
    O.NativeBaseline = Native;
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
  EXPECT_EQ(H.JIT->getTierUps(), 1u);
  EXPECT_EQ(H.JIT->getBodiesFreed(), 0u);
  H.JIT->releaseRetiredCode();
  EXPECT_EQ(H.JIT->getBodiesFreed(), 1u);
  EXPECT_EQ(H.call("f"), 1);
}

TEST(KaleidoJITTest, FailedTierUpKeepsBaselineCodeAndIsCounted) {
  JITHost H(2);
  H.Bodies.FailOptimized = true;
  cantFail(H.JIT->define("f", /*Eager=*/false));
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.call("f"), 1);
  EXPECT_EQ(H.JIT->getTierUps(), 0u);
  EXPECT_EQ(H.JIT->getTierUpFailures(), 1u);
  EXPECT_EQ(H.Errors, std::vector<std::string>{"no optimised IR today"});
  EXPECT_EQ(H.call("f"), 1);
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
