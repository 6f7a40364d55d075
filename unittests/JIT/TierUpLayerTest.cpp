//===- TierUpLayerTest.cpp - Call counters in baseline code ---------------===//

#include "JIT/TierUpLayer.h"

#include "JITTestSupport.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Target/TargetMachine.h"

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

/// Stands for the layer below: keeps the IR it is given, compiles nothing.
class CaptureLayer : public IRLayer {
public:
  CaptureLayer(ExecutionSession &ES, const IRSymbolMapper::ManglingOptions *&MO)
      : IRLayer(ES, MO) {}
  void emit(std::unique_ptr<MaterializationResponsibility> R,
            ThreadSafeModule TSM) override {
    TSM.withModuleDo([&](Module &M) {
      raw_string_ostream OS(IR);
      M.print(OS, nullptr);
    });
    R->failMaterialization();
  }
  std::string IR;
};

class TierUpLayerTest : public ORCTest {
protected:
  TierUpLayerTest() : JD(ES->createBareJITDylib("main")) {}

  ThreadSafeModule parse(StringRef Src) {
    auto Ctx = std::make_unique<LLVMContext>();
    SMDiagnostic Diag;
    std::unique_ptr<Module> M = parseAssemblyString(Src, Diag, *Ctx);
    EXPECT_TRUE(M) << Diag.getMessage().str();
    return ThreadSafeModule(std::move(M), std::move(Ctx));
  }

  ThreadSafeModule constantFunction() {
    return parse("define double @f() {\n"
                 "entry:\n"
                 "  ret double 1.0\n"
                 "}\n");
  }

  /// A compile stack for this process, below a TierUpLayer.
  void buildCompileStack() {
    auto JTMB = cantFail(JITTargetMachineBuilder::detectHost());
    TM = cantFail(JTMB.createTargetMachine());
    ObjLayer = std::make_unique<ObjectLinkingLayer>(*ES);
    CompileLayer = std::make_unique<IRCompileLayer>(
        *ES, *ObjLayer, std::make_unique<SimpleCompiler>(*TM));
    defineAt(JD, ES->intern(CallCounters::getEntryName()),
             CallCounters::getEntryAddress());
  }

  JITDylib &JD;
  const IRSymbolMapper::ManglingOptions *NoMangling = nullptr;
  std::unique_ptr<TargetMachine> TM;
  std::unique_ptr<ObjectLinkingLayer> ObjLayer;
  std::unique_ptr<IRCompileLayer> CompileLayer;
};

TEST_F(TierUpLayerTest, InsertsACounterBeforeTheBody) {
  CaptureLayer Below(*ES, NoMangling);
  CallCounters Counters(10, [](const SymbolStringPtr &) {});
  TierUpLayer Layer(*ES, Below, Counters);
  cantFail(Layer.add(JD, constantFunction()));
  consumeError(ES->lookup({&JD}, "f").takeError()); // Below fails it.
  EXPECT_NE(Below.IR.find("load i32"), std::string::npos) << Below.IR;
  EXPECT_NE(Below.IR.find("sub i32 %calls, 1"), std::string::npos);
  EXPECT_NE(Below.IR.find("call void @kaleido_jit_tier_up(ptr"),
            std::string::npos);
  // The original body follows the counter.
  size_t Counted = Below.IR.find("counted:");
  ASSERT_NE(Counted, std::string::npos);
  EXPECT_NE(Below.IR.find("ret double", Counted), std::string::npos);
}

TEST_F(TierUpLayerTest, CallsBackExactlyAtTheThreshold) {
  buildCompileStack();
  std::vector<std::string> Hot;
  CallCounters Counters(
      3, [&](const SymbolStringPtr &Body) { Hot.push_back((*Body).str()); });
  TierUpLayer Layer(*ES, *CompileLayer, Counters);
  cantFail(Layer.add(JD, constantFunction()));
  auto *F = cantFail(ES->lookup({&JD}, "f")).getAddress().toPtr<double (*)()>();
  F();
  F();
  EXPECT_TRUE(Hot.empty());
  F();
  EXPECT_EQ(Hot, std::vector<std::string>{"f"});
  F();
  F();
  EXPECT_EQ(Hot.size(), 1u);
}

TEST_F(TierUpLayerTest, SiteIsFreedWithItsCode) {
  buildCompileStack();
  CallCounters Counters(3, [](const SymbolStringPtr &) {});
  TierUpLayer Layer(*ES, *CompileLayer, Counters);
  ResourceTrackerSP RT = JD.createResourceTracker();
  cantFail(Layer.add(RT, constantFunction()));
  cantFail(ES->lookup({&JD}, "f"));
  EXPECT_EQ(Layer.getNumSites(), 1u);
  cantFail(RT->remove());
  EXPECT_EQ(Layer.getNumSites(), 0u);
}

} // namespace
