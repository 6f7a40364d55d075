//===- BatchKernelTest.cpp - The loop PreparedCall::callBatch runs --------===//
//
// The kernel's shape (one load per column and row, one store per row, the
// body called in order), the module flag, and that the optimiser copies the
// body into the loop and vectorises it for the host without any fast-math
// flag.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/BatchKernel.h"
#include "CodeGen/IRGen.h"
#include "CodeGen/Optimizer.h"
#include "Support/ParseHelpers.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include "gtest/gtest.h"

using namespace kaleido;
using namespace llvm;

namespace {

struct Kernel {
  LLVMContext Ctx;
  std::unique_ptr<Module> M;
  std::shared_ptr<FunctionAST> AST;
  Function *Body = nullptr;
  Function *K = nullptr;

  explicit Kernel(StringRef Src) {
    OperatorTable Ops;
    test::Parsed P = test::parse(Src, Ops);
    EXPECT_TRUE(P.Errors.empty()) << (P.Errors.empty() ? "" : P.Errors[0]);
    AST = P.Items.at(0).Function;
    M = std::make_unique<Module>("kernel", Ctx);
    Body = emitFunction(*AST, "k.row", *M);
    K = emitBatchKernel(*M, "k", *Body);
  }

  bool verifies() const {
    std::string Why;
    raw_string_ostream OS(Why);
    bool Broken = verifyModule(*M, &OS);
    EXPECT_FALSE(Broken) << Why;
    return !Broken;
  }

  template <typename InstT> unsigned count() const {
    unsigned N = 0;
    for (const Instruction &I : instructions(*K))
      N += isa<InstT>(&I);
    return N;
  }

  /// Whether the kernel computes on vectors of doubles.
  bool isVectorised() const {
    for (const Instruction &I : instructions(*K))
      if (auto *VT = dyn_cast<VectorType>(I.getType()))
        if (VT->getElementType()->isDoubleTy() &&
            I.getOpcode() == Instruction::FMul)
          return true;
    return false;
  }
};

TEST(BatchKernelTest, LoadsEachColumnAndStoresEachRow) {
  Kernel K("def f(a b c) a * b + c;");
  ASSERT_TRUE(K.verifies());
  EXPECT_TRUE(isBatchKernelModule(*K.M));
  EXPECT_EQ(K.K->arg_size(), 4u);
  EXPECT_TRUE(K.K->getReturnType()->isVoidTy());
  // Three base pointers before the loop, three arguments per row.
  EXPECT_EQ(K.count<LoadInst>(), 6u);
  EXPECT_EQ(K.count<StoreInst>(), 1u);
  EXPECT_EQ(K.count<CallInst>(), 1u);
  EXPECT_TRUE(K.Body->hasInternalLinkage());
  EXPECT_TRUE(K.Body->hasFnAttribute(Attribute::AlwaysInline));
}

TEST(BatchKernelTest, ANullaryFunctionLoadsNoColumn) {
  Kernel K("def f() 42;");
  ASSERT_TRUE(K.verifies());
  EXPECT_EQ(K.count<LoadInst>(), 0u);
  EXPECT_EQ(K.count<StoreInst>(), 1u);
}

TEST(BatchKernelTest, AnOrdinaryModuleIsNoKernel) {
  LLVMContext Ctx;
  Module M("plain", Ctx);
  EXPECT_FALSE(isBatchKernelModule(M));
}

TEST(BatchKernelTest, TheOptimiserInlinesAndVectorisesTheBody) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  auto JTMB = cantFail(orc::JITTargetMachineBuilder::detectHost());
  std::unique_ptr<TargetMachine> TM = cantFail(JTMB.createTargetMachine());
  for (unsigned Level : {2u, 3u}) {
    Kernel K("def f(a b) (2.2 * a + 1.1) * 3.3 + b * b;");
    K.M->setDataLayout(TM->createDataLayout());
    K.M->setTargetTriple(TM->getTargetTriple());
    Optimizer(Level, TM.get()).run(*K.M);
    ASSERT_TRUE(K.verifies());
    EXPECT_EQ(K.count<CallInst>(), 0u) << "the body is inlined at -O" << Level;
    EXPECT_TRUE(K.isVectorised()) << "vectorised at -O" << Level;
    for (const Instruction &I : instructions(*K.K))
      if (isa<FPMathOperator>(&I))
        EXPECT_FALSE(I.getFastMathFlags().any()) << "no fast-math flag";
  }
}

TEST(BatchKernelTest, LevelZeroLeavesTheLoopAlone) {
  Kernel K("def f(a) a * a;");
  Optimizer(0, nullptr).run(*K.M);
  ASSERT_TRUE(K.verifies());
  EXPECT_EQ(K.count<CallInst>(), 1u);
}

} // namespace
