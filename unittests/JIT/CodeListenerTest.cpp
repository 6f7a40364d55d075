//===- CodeListenerTest.cpp - Who is told when a body becomes runnable ----===//

#include "JIT/CodeListener.h"

#include "JIT/ObjectCompiler.h"
#include "JITTestSupport.h"

#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Target/TargetMachine.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

/// Keeps what it is told.
struct Recorder : CodeListener {
  struct Entry {
    std::string Name;
    LoadedCode Code;
    std::vector<uint8_t> Bytes;
  };
  std::vector<Entry> *Log;
  Error *FinishError;
  Recorder(std::vector<Entry> &Log, Error *FinishError = nullptr)
      : Log(&Log), FinishError(FinishError) {}
  void notifyLoaded(const BodyLabel &L, const LoadedCode &C) override {
    Log->push_back(
        {L.str(), C, std::vector<uint8_t>(C.Bytes.begin(), C.Bytes.end())});
  }
  Error finish() override {
    if (FinishError)
      return std::move(*FinishError);
    return Error::success();
  }
};

BodyLabel label(StringRef Name, uint32_t Version, CodeKind Kind,
                unsigned Level = 2) {
  BodyLabel L;
  L.Name = Name.str();
  L.Version = Version;
  L.Kind = Kind;
  L.OptLevel = Level;
  return L;
}

TEST(CodeListenerTest, ProfileNamesSayFunctionVersionAndTier) {
  EXPECT_EQ(label("fib", 1, CodeKind::Optimized).str(), "fib [O2]");
  EXPECT_EQ(label("fib", 2, CodeKind::Baseline).str(), "fib#2 [baseline]");
  EXPECT_EQ(label("f", 3, CodeKind::Native).str(), "f#3 [native]");
  EXPECT_EQ(label("<expr@3:1>", 0, CodeKind::Optimized, 0).str(),
            "<expr@3:1> [O0]");
  EXPECT_EQ(label("f", 0, CodeKind::Stub).str(), "f [stub]");
}

TEST(CodeListenerTest, EveryListenerIsToldUntilFinished) {
  std::vector<Recorder::Entry> A, B;
  CodeListeners Ls;
  EXPECT_TRUE(Ls.empty());
  Ls.add(std::make_unique<Recorder>(A));
  Ls.add(std::make_unique<Recorder>(B));
  EXPECT_FALSE(Ls.empty());
  Ls.notifyLoaded(label("f", 1, CodeKind::Native), {0x10, 4, {}});
  EXPECT_FALSE(bool(Ls.finish()));
  Ls.notifyLoaded(label("g", 1, CodeKind::Native), {0x20, 4, {}});
  ASSERT_EQ(A.size(), 1u);
  ASSERT_EQ(B.size(), 1u);
  EXPECT_EQ(A[0].Name, "f [native]");
  EXPECT_EQ(B[0].Code.Address, 0x10u);
}

TEST(CodeListenerTest, FinishJoinsTheListenersErrors) {
  std::vector<Recorder::Entry> A;
  Error Err = createStringError("cannot write 'x'");
  CodeListeners Ls;
  Ls.add(std::make_unique<Recorder>(A, &Err));
  Error Got = Ls.finish();
  ASSERT_TRUE(bool(Got));
  EXPECT_EQ(toString(std::move(Got)), "cannot write 'x'");
  EXPECT_FALSE(bool(Ls.finish())); // Once only.
}

/// Links IR through an ObjectLinkingLayer with the listeners' plugin.
class CodeListenerLinkTest : public ORCTest {
protected:
  CodeListenerLinkTest() : JD(ES->createBareJITDylib("<main>")) {
    auto JTMB = cantFail(JITTargetMachineBuilder::detectHost());
    TM = cantFail(JTMB.createTargetMachine());
    Link = std::make_unique<ObjectLinkingLayer>(*ES);
    Link->addPlugin(Listeners.makePlugin());
    Compile = std::make_unique<IRCompileLayer>(
        *ES, *Link, cantFail(ObjectCompiler::create(*TM)));
    Listeners.add(std::make_unique<Recorder>(Log));
  }
  ExecutorAddr add(StringRef Symbol, double Value) {
    ThreadSafeContext TSCtx(std::make_unique<LLVMContext>());
    auto M = TSCtx.withContextDo([&](LLVMContext *C) {
      auto M = returning(*C, Symbol, Value);
      M->setDataLayout(TM->createDataLayout());
      M->setTargetTriple(TM->getTargetTriple());
      return M;
    });
    cantFail(Compile->add(JD, ThreadSafeModule(std::move(M), TSCtx)));
    return cantFail(ES->lookup({&JD}, Symbol)).getAddress();
  }

  JITDylib &JD;
  std::unique_ptr<TargetMachine> TM;
  CodeListeners Listeners;
  std::vector<Recorder::Entry> Log;
  std::unique_ptr<ObjectLinkingLayer> Link;
  std::unique_ptr<IRCompileLayer> Compile;
};

TEST_F(CodeListenerLinkTest, AnExpectedBodyIsToldWithItsAddressAndBytes) {
  Listeners.expect("f$1", label("f", 1, CodeKind::Optimized));
  ExecutorAddr F = add("f$1", 42);
  ASSERT_EQ(Log.size(), 1u);
  EXPECT_EQ(Log[0].Name, "f [O2]");
  EXPECT_EQ(Log[0].Code.Address, F.getValue());
  ASSERT_GT(Log[0].Code.Size, 0u);
  ASSERT_EQ(Log[0].Bytes.size(), Log[0].Code.Size);
  // The bytes told are the bytes that run.
  EXPECT_EQ(std::memcmp(Log[0].Bytes.data(), F.toPtr<const void *>(),
                        Log[0].Bytes.size()),
            0);
  EXPECT_EQ(F.toPtr<double (*)()>()(), 42);
}

TEST_F(CodeListenerLinkTest, ALinkNoOneExpectedIsNotTold) {
  add("other", 1);
  EXPECT_TRUE(Log.empty());
  // An expectation is used once.
  Listeners.expect("g$1", label("g", 1, CodeKind::Baseline));
  add("g$1", 2);
  add("g$2", 3);
  ASSERT_EQ(Log.size(), 1u);
  EXPECT_EQ(Log[0].Name, "g [baseline]");
}

} // namespace
