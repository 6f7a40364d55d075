//===- BodyUnitTest.cpp - A body, compiled when looked up -----------------===//

#include "JIT/BodyUnit.h"

#include "JITTestSupport.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

/// A BodySource whose every body is `double Symbol() { return 1; }`, and
/// which records what it was asked.
struct FakeSource : BodySource {
  Expected<std::unique_ptr<Module>> generateIR(LLVMContext &Ctx, StringRef Name,
                                               StringRef Symbol,
                                               Tier T) override {
    Asked.push_back((Name + " " + Symbol + " " +
                     (T == Tier::Baseline ? "baseline" : "optimized"))
                        .str());
    return returningOne(Ctx, Symbol);
  }
  bool isBounded(StringRef) override { return true; }
  std::vector<std::string> Asked;
};

/// Stands for a tier's layer: counts what it is given, compiles nothing.
class CountingLayer : public IRLayer {
public:
  CountingLayer(ExecutionSession &ES,
                const IRSymbolMapper::ManglingOptions *&MO)
      : IRLayer(ES, MO) {}
  void emit(std::unique_ptr<MaterializationResponsibility> R,
            ThreadSafeModule) override {
    ++Emitted;
    R->failMaterialization();
  }
  unsigned Emitted = 0;
};

class BodyUnitTest : public ORCTest {
protected:
  BodyUnitTest()
      : JD(ES->createBareJITDylib("<bodies>")),
        Ctx(*ES, ThreadSafeContext(std::make_unique<LLVMContext>()),
            DataLayout(""), Triple()),
        Baseline(*ES, NoMangling), Optimized(*ES, NoMangling) {
    Ctx.Source = &Source;
    Ctx.Tiers.set(Tier::Baseline, false,
                  [this]() -> Expected<IRLayer &> { return Baseline; });
    Ctx.Tiers.set(Tier::Optimized, false,
                  [this]() -> Expected<IRLayer &> { return Optimized; });
  }

  void defineUnit(StringRef Sym, Tier T) {
    BodyUnit::Info I;
    I.Name = "f";
    I.IsFunction = true;
    I.T = T;
    cantFail(JD.define(
        std::make_unique<BodyUnit>(Ctx, ES->intern(Sym), nullptr, I)));
  }

  /// Looks Sym up; the stand-in layers fail every body.
  void lookup(StringRef Sym) {
    consumeError(ES->lookup({&JD}, Sym).takeError());
  }

  JITDylib &JD;
  const IRSymbolMapper::ManglingOptions *NoMangling = nullptr;
  FakeSource Source;
  BodyContext Ctx;
  CountingLayer Baseline, Optimized;
};

TEST_F(BodyUnitTest, NothingIsGeneratedBeforeLookup) {
  defineUnit("f$1", Tier::Optimized);
  EXPECT_TRUE(Source.Asked.empty());
}

TEST_F(BodyUnitTest, AsksForItsTierAndEmitsIntoThatLayer) {
  defineUnit("f$1", Tier::Baseline);
  lookup("f$1");
  EXPECT_EQ(Source.Asked, std::vector<std::string>{"f f$1 baseline"});
  EXPECT_EQ(Baseline.Emitted, 1u);
  EXPECT_EQ(Optimized.Emitted, 0u);
}

TEST_F(BodyUnitTest, TierWithoutALayerFailsTheBody) {
  defineUnit("f$1", Tier::Baseline);
  Ctx.Tiers.set(Tier::Baseline, false, nullptr);
  std::vector<std::string> Reported;
  ES->setErrorReporter(
      [&](Error Err) { Reported.push_back(toString(std::move(Err))); });
  lookup("f$1");
  EXPECT_EQ(Reported,
            std::vector<std::string>{"internal error: no layer for this tier"});
  EXPECT_TRUE(Source.Asked.empty());
}

} // namespace
