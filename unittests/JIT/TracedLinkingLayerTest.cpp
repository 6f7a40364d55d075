//===- TracedLinkingLayerTest.cpp - Linking, in a time trace --------------===//

#include "JIT/TracedLinkingLayer.h"

#include "JIT/ObjectCompiler.h"
#include "JITTestSupport.h"

#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include "gtest/gtest.h"

#include <thread>

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

class TracedLinkingLayerTest : public ORCTest {
protected:
  TracedLinkingLayerTest() : JD(ES->createBareJITDylib("<main>")) {
    auto JTMB = cantFail(JITTargetMachineBuilder::detectHost());
    TM = cantFail(JTMB.createTargetMachine());
    Link = std::make_unique<TracedLinkingLayer>(*ES);
    Compile = std::make_unique<IRCompileLayer>(
        *ES, *Link, cantFail(ObjectCompiler::create(*TM)));
  }

  /// Compiles and links `double Symbol() { return 7; }`, and runs it.
  double addAndRun(StringRef Symbol) {
    ThreadSafeContext TSCtx(std::make_unique<LLVMContext>());
    auto M = TSCtx.withContextDo([&](LLVMContext *C) {
      auto M = returning(*C, Symbol, 7);
      M->setDataLayout(TM->createDataLayout());
      M->setTargetTriple(TM->getTargetTriple());
      return M;
    });
    cantFail(Compile->add(JD, ThreadSafeModule(std::move(M), TSCtx)));
    auto F = cantFail(ES->lookup({&JD}, Symbol)).getAddress();
    return F.toPtr<double (*)()>()();
  }

  JITDylib &JD;
  std::unique_ptr<TargetMachine> TM;
  std::unique_ptr<TracedLinkingLayer> Link;
  std::unique_ptr<IRCompileLayer> Compile;
};

TEST_F(TracedLinkingLayerTest, ALinkIsALinkingSpanInsideItsCaller) {
  std::string Trace;
  // On a thread of its own, so that its profiler is this test's only.
  std::thread([&] {
    timeTraceProfilerInitialize(0, "test");
    {
      TimeTraceScope Outer("compile", "f [O2]");
      EXPECT_EQ(addAndRun("f$1"), 7);
    }
    SmallString<0> Buf;
    raw_svector_ostream SOS(Buf);
    timeTraceProfilerWrite(SOS);
    Trace = Buf.str().str();
    timeTraceProfilerCleanup();
  }).join();
  EXPECT_NE(Trace.find("\"name\":\"linking\""), std::string::npos) << Trace;
  EXPECT_NE(Trace.find("f$1-object"), std::string::npos) << Trace;
}

TEST_F(TracedLinkingLayerTest, WithoutAProfilerItOnlyLinks) {
  EXPECT_EQ(addAndRun("g$1"), 7);
}

} // namespace
