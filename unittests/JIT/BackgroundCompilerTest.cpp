//===- BackgroundCompilerTest.cpp - Tier-ups on compile threads -----------===//

#include "JIT/BackgroundCompiler.h"

#include "JITTestSupport.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include "gtest/gtest.h"

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

class BackgroundCompilerTest : public StubTableTest {
protected:
  BackgroundCompilerTest() {
    BackgroundCompiler::Options O;
    O.Table = Table.get();
    O.Describe = [](Error Err) { return toString(std::move(Err)); };
    BC = std::make_unique<BackgroundCompiler>(std::move(O));
  }
  ~BackgroundCompilerTest() override { BC.reset(); }

  /// A generator of `double S() { return Value; }`.
  static IRGenerator returningValue(double Value) {
    return [Value](LLVMContext &Ctx, StringRef Symbol,
                   Tier) -> Expected<std::unique_ptr<Module>> {
      return test::returning(Ctx, Symbol, Value);
    };
  }

  /// What the JIT posts about F at Version.
  static BodyUnit::Info info(const FunctionState &F, uint32_t Version) {
    BodyUnit::Info I;
    I.Name = F.Name.str();
    I.IsFunction = true;
    I.Version = Version;
    return I;
  }

  std::vector<BackgroundResult> finish() {
    BC->waitUntilIdle();
    EXPECT_TRUE(BC->hasFinished());
    std::vector<BackgroundResult> Results;
    std::vector<std::string> Reports;
    BC->take(Results, Reports);
    EXPECT_FALSE(BC->hasFinished());
    for (const std::string &R : Reports)
      ADD_FAILURE() << R;
    return Results;
  }

  std::unique_ptr<BackgroundCompiler> BC;
};

TEST_F(BackgroundCompilerTest, CompiledCodeIsInstalledThroughTheStub) {
  FunctionState &F = cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsOne);
  EXPECT_EQ(callStub("f"), 1);
  BC->post(F, info(F, F.Version), "f$1.opt", returningValue(3));
  std::vector<BackgroundResult> Done = finish();
  ASSERT_EQ(Done.size(), 1u);
  EXPECT_TRUE(Done[0].Installed);
  EXPECT_FALSE(Done[0].Failed);
  EXPECT_EQ(Done[0].F, &F);
  EXPECT_TRUE(bool(Done[0].RT));
  EXPECT_EQ(callStub("f"), 3);
  BackgroundCompiler::Counts C = BC->getCounts();
  EXPECT_EQ(C.Posted, 1u);
  EXPECT_EQ(C.Installed, 1u);
  EXPECT_EQ(C.Failed, 0u);
}

TEST_F(BackgroundCompilerTest, CodeForAReplacedVersionIsNotInstalled) {
  FunctionState &F = cantFail(Table->define("f"));
  cantFail(Table->getStub("f"));
  cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsTwo);
  BC->post(F, info(F, /*Version=*/1), "f$1.opt", returningValue(3));
  std::vector<BackgroundResult> Done = finish();
  ASSERT_EQ(Done.size(), 1u);
  EXPECT_FALSE(Done[0].Installed);
  EXPECT_FALSE(Done[0].Failed);
  EXPECT_EQ(callStub("f"), 2);
}

TEST_F(BackgroundCompilerTest,
       CompiledCodeCallsOtherFunctionsThroughTheirStubs) {
  FunctionState &G = cantFail(Table->define("g"));
  defineAs(Bodies, Table->getBodySymbol(G), returnsTwo);
  FunctionState &F = cantFail(Table->define("f"));
  cantFail(Table->getStub("f"));
  // f$1.opt is `return g() + 1`: g is linked as g's stub.
  BC->post(F, info(F, F.Version), "f$1.opt",
           [](LLVMContext &Ctx, StringRef Symbol,
              Tier) -> Expected<std::unique_ptr<Module>> {
             auto M = std::make_unique<Module>(Symbol, Ctx);
             Type *D = Type::getDoubleTy(Ctx);
             FunctionType *FT = FunctionType::get(D, false);
             Function *Callee =
                 Function::Create(FT, Function::ExternalLinkage, "g", *M);
             Function *Fn =
                 Function::Create(FT, Function::ExternalLinkage, Symbol, *M);
             IRBuilder<> B(BasicBlock::Create(Ctx, "entry", Fn));
             B.CreateRet(
                 B.CreateFAdd(B.CreateCall(Callee), ConstantFP::get(D, 1.0)));
             return std::move(M);
           });
  std::vector<BackgroundResult> Done = finish();
  ASSERT_EQ(Done.size(), 1u);
  EXPECT_TRUE(Done[0].Installed);
  EXPECT_EQ(callStub("f"), 3);
}

TEST_F(BackgroundCompilerTest, AFailedCompileIsReportedAndLeavesTheStubAlone) {
  FunctionState &F = cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsOne);
  EXPECT_EQ(callStub("f"), 1);
  BC->post(
      F, info(F, F.Version), "f$1.opt",
      [](LLVMContext &, StringRef, Tier) -> Expected<std::unique_ptr<Module>> {
        return createStringError("no IR today");
      });
  BC->waitUntilIdle();
  std::vector<BackgroundResult> Done;
  std::vector<std::string> Reports;
  BC->take(Done, Reports);
  ASSERT_EQ(Done.size(), 1u);
  EXPECT_TRUE(Done[0].Failed);
  EXPECT_FALSE(Done[0].Installed);
  EXPECT_EQ(Reports, std::vector<std::string>{"no IR today"});
  EXPECT_EQ(callStub("f"), 1);
  EXPECT_EQ(BC->getCounts().Failed, 1u);
}

TEST_F(BackgroundCompilerTest, AfterStopAPostIsDropped) {
  FunctionState &F = cantFail(Table->define("f"));
  BC->stop();
  EXPECT_TRUE(BC->isStopped());
  BC->post(F, info(F, F.Version), "f$1.opt", returningValue(3));
  EXPECT_FALSE(BC->hasFinished());
  BackgroundCompiler::Counts C = BC->getCounts();
  EXPECT_EQ(C.Posted, 1u);
  EXPECT_EQ(C.Dropped, 1u);
}

} // namespace
