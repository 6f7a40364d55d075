//===- IRGenTest.cpp - Unit tests for lowering the AST to LLVM IR ---------===//
//
// Each test parses a definition, emits it into a fresh module and asserts on
// the instructions: the semantics IRGen.cpp fixes (unordered `<`, ordered
// conditions, self tail calls as branches, `nobuiltin` calls, safepoints only
// with a poll word), and that the module verifies.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/IRGen.h"
#include "Support/ParseHelpers.h"

#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"

#include "gtest/gtest.h"

#include <atomic>

using namespace kaleido;
using namespace llvm;

namespace {

/// One definition emitted into its own module.
struct Emitted {
  LLVMContext Ctx;
  std::unique_ptr<Module> M;
  Function *Fn = nullptr;
  std::shared_ptr<FunctionAST> AST;

  /// Parses Src (one `def`; '|' is a binary operator) and emits it as
  /// "body$1".
  explicit Emitted(llvm::StringRef Src, const IRGenOptions &Opts = {}) {
    OperatorTable Ops;
    Ops.setPrecedence('|', 5);
    test::Parsed P = test::parse(Src, Ops);
    EXPECT_TRUE(P.Errors.empty()) << (P.Errors.empty() ? "" : P.Errors[0]);
    EXPECT_EQ(P.Items.size(), 1u);
    AST = P.Items.at(0).Function;
    M = std::make_unique<Module>("test", Ctx);
    Fn = emitFunction(*AST, "body$1", *M, Opts);
  }

  bool verifies() const {
    std::string Why;
    raw_string_ostream OS(Why);
    bool Broken = verifyModule(*M, &OS);
    EXPECT_FALSE(Broken) << Why;
    return !Broken;
  }

  /// The calls in the function, by callee name.
  std::vector<const CallInst *> callsTo(StringRef Name) const {
    std::vector<const CallInst *> Calls;
    for (const Instruction &I : instructions(*Fn))
      if (auto *C = dyn_cast<CallInst>(&I))
        if (C->getCalledFunction() && C->getCalledFunction()->getName() == Name)
          Calls.push_back(C);
    return Calls;
  }

  /// The floating-point comparisons in the function, by predicate.
  unsigned countFCmp(CmpInst::Predicate P) const {
    unsigned N = 0;
    for (const Instruction &I : instructions(*Fn))
      if (auto *C = dyn_cast<FCmpInst>(&I); C && C->getPredicate() == P)
        ++N;
    return N;
  }
};

TEST(IRGenTest, SelfTailCallIsABranchNotACall) {
  Emitted E("def count(n acc) if n < 1 then acc else count(n - 1, acc + 1)");
  EXPECT_TRUE(E.verifies());
  EXPECT_TRUE(E.callsTo("body$1").empty());
  EXPECT_TRUE(E.callsTo("count").empty());
  // The else arm branches back to the body's top block.
  BasicBlock *Top = nullptr;
  for (BasicBlock &BB : *E.Fn)
    if (BB.getName() == "top")
      Top = &BB;
  ASSERT_TRUE(Top);
  EXPECT_TRUE(Top->hasNPredecessorsOrMore(2));
}

TEST(IRGenTest, SelfCallNotInTailPositionCallsTheBody) {
  Emitted E("def fib(x) if x < 3 then 1 else fib(x - 1) + fib(x - 2)");
  EXPECT_TRUE(E.verifies());
  EXPECT_EQ(E.callsTo("body$1").size(), 2u);
  EXPECT_TRUE(E.callsTo("fib").empty());
}

TEST(IRGenTest, LessThanIsUnordered) {
  Emitted E("def lt(a b) a < b");
  EXPECT_TRUE(E.verifies());
  EXPECT_EQ(E.countFCmp(CmpInst::FCMP_ULT), 1u);
  EXPECT_EQ(E.countFCmp(CmpInst::FCMP_OLT), 0u);
  // Its value is 1.0 or 0.0, by a select.
  auto *Ret = dyn_cast<ReturnInst>(E.Fn->back().getTerminator());
  ASSERT_TRUE(Ret);
  EXPECT_TRUE(isa<SelectInst>(Ret->getReturnValue()));
}

TEST(IRGenTest, ConditionsAreOrderedNotEqualToZero) {
  Emitted E("def pick(c) if c then 1 else 2");
  EXPECT_TRUE(E.verifies());
  EXPECT_EQ(E.countFCmp(CmpInst::FCMP_ONE), 1u);
  EXPECT_EQ(E.countFCmp(CmpInst::FCMP_UNE), 0u);
  // A built-in `<` as a condition is the comparison itself.
  Emitted L("def pick(a b) if a < b then 1 else 2");
  EXPECT_EQ(L.countFCmp(CmpInst::FCMP_ULT), 1u);
  EXPECT_EQ(L.countFCmp(CmpInst::FCMP_ONE), 0u);
}

TEST(IRGenTest, ArithmeticLowersToItsInstructions) {
  Emitted E("def f(a b) a + b - a * b");
  EXPECT_TRUE(E.verifies());
  unsigned Add = 0, Sub = 0, Mul = 0;
  for (const Instruction &I : instructions(*E.Fn)) {
    Add += I.getOpcode() == Instruction::FAdd;
    Sub += I.getOpcode() == Instruction::FSub;
    Mul += I.getOpcode() == Instruction::FMul;
  }
  EXPECT_EQ(Add, 1u);
  EXPECT_EQ(Sub, 1u);
  EXPECT_EQ(Mul, 1u);
  // Built-in operators call nothing: the module holds only the body.
  EXPECT_EQ(std::distance(E.M->begin(), E.M->end()), 1);
}

TEST(IRGenTest, UserOperatorIsANoBuiltinCall) {
  Emitted E("def f(a b) a | b");
  EXPECT_TRUE(E.verifies());
  auto Calls = E.callsTo("binary|");
  ASSERT_EQ(Calls.size(), 1u);
  EXPECT_TRUE(Calls[0]->isNoBuiltin());
  EXPECT_EQ(Calls[0]->arg_size(), 2u);
  // A call of a function named like a C library one is not a builtin either.
  Emitted S("def f(x) sqrt(x)");
  ASSERT_EQ(S.callsTo("sqrt").size(), 1u);
  EXPECT_TRUE(S.callsTo("sqrt")[0]->isNoBuiltin());
}

TEST(IRGenTest, SafepointsOnlyWithAPollWord) {
  const char *Src = "def f(n) (for i = 0, i < n in g(i)) + h(n)";
  Emitted Without(Src);
  EXPECT_TRUE(Without.verifies());
  EXPECT_TRUE(Without.callsTo("poll").empty());

  std::atomic<uintptr_t> Word(0);
  IRGenOptions Opts;
  Opts.PollWord = &Word;
  Opts.SafepointFunction = "poll";
  Emitted With(Src, Opts);
  EXPECT_TRUE(With.verifies());
  // One at the entry (the body calls), one on the loop's back edge.
  EXPECT_EQ(With.callsTo("poll").size(), 2u);

  // A leaf without loops needs none.
  Emitted Leaf("def sq(x) x * x", Opts);
  EXPECT_TRUE(Leaf.callsTo("poll").empty());
}

} // namespace
