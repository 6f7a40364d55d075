//===- DebugInfoTest.cpp - DWARF metadata for emitted functions -----------===//
//
// IR generation under -g (IRGenOptions::Debug, CodeGen/DebugInfo.h): a
// subprogram named as the source names it, a location on every instruction
// of the body, a variable per parameter, `var` and `for` name declared on its
// slot; and without -g, no debug metadata at all.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/DebugInfo.h"
#include "CodeGen/IRGen.h"
#include "Support/ParseHelpers.h"

#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DebugProgramInstruction.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"

#include "gtest/gtest.h"

#include <set>

using namespace kaleido;
using namespace llvm;

namespace {

struct Emitted {
  LLVMContext Ctx;
  std::unique_ptr<Module> M;
  Function *Fn = nullptr;
  std::shared_ptr<FunctionAST> AST;

  Emitted(StringRef Src, std::optional<DebugSource> Debug) {
    test::Parsed P = test::parse(Src);
    EXPECT_TRUE(P.Errors.empty()) << (P.Errors.empty() ? "" : P.Errors[0]);
    AST = P.Items.at(0).Function;
    M = std::make_unique<Module>("test", Ctx);
    IRGenOptions Opts;
    Opts.Debug = std::move(Debug);
    Fn = emitFunction(*AST, "f$2", *M, Opts);
  }

  /// The variables declared on slots, by name, with their argument numbers.
  std::map<std::string, unsigned> declared() const {
    std::map<std::string, unsigned> Vars;
    for (Instruction &I : instructions(*Fn))
      for (DbgVariableRecord &R : filterDbgVars(I.getDbgRecordRange()))
        if (R.isDbgDeclare())
          Vars[R.getVariable()->getName().str()] = R.getVariable()->getArg();
    return Vars;
  }
};

const DebugSource Source{"prog.ks", "/src", /*Optimized=*/false};

TEST(DebugInfoTest, SubprogramIsTheSourceNameAtTheDefinitionLine) {
  Emitted E("\n\ndef f(x) x + 1", Source);
  DISubprogram *SP = E.Fn->getSubprogram();
  ASSERT_NE(SP, nullptr);
  EXPECT_EQ(SP->getName(), "f");
  // No linkage name: gdb would call the function by it.
  EXPECT_EQ(SP->getLinkageName(), "");
  EXPECT_EQ(SP->getLine(), 3u);
  EXPECT_EQ(SP->getFilename(), "prog.ks");
  EXPECT_EQ(SP->getDirectory(), "/src");
  EXPECT_TRUE(SP->isDefinition());
  EXPECT_FALSE(verifyModule(*E.M, &errs()));
}

TEST(DebugInfoTest, EveryExpressionHasItsLine) {
  Emitted E("def f(x)\n  if x < 3 then\n    1\n  else\n    f(x - 1) * 2",
            Source);
  std::set<unsigned> Lines;
  for (Instruction &I : instructions(*E.Fn))
    if (const DebugLoc &L = I.getDebugLoc())
      Lines.insert(L.getLine());
  // The definition (entry, safepoint), the condition and the else arm (the
  // then arm's constant is no instruction).
  EXPECT_EQ(Lines, (std::set<unsigned>{1, 2, 5}));
  // Every call and the return have a location (the verifier insists on
  // the calls of functions with debug info).
  for (Instruction &I : instructions(*E.Fn))
    if (isa<CallInst>(I) || isa<ReturnInst>(I))
      EXPECT_TRUE(I.getDebugLoc()) << I.getOpcodeName();
}

TEST(DebugInfoTest, ParametersVarsAndLoopVariablesAreDeclared) {
  Emitted E("def f(a b) var t = a in (for i = 0, i < b in t = t + i) + t",
            Source);
  std::map<std::string, unsigned> Expected{
      {"a", 1}, {"b", 2}, {"t", 0}, {"i", 0}};
  EXPECT_EQ(E.declared(), Expected);
  EXPECT_FALSE(verifyModule(*E.M, &errs()));
}

TEST(DebugInfoTest, ParameterStoresComeBeforeTheFirstLocation) {
  // The first instruction with a location ends the prologue, where gdb
  // stops for `break f`: the parameters must be stored by then.
  Emitted E("def f(x) x * x", Source);
  for (Instruction &I : instructions(*E.Fn)) {
    if (I.getDebugLoc())
      break;
    if (auto *S = dyn_cast<StoreInst>(&I))
      EXPECT_TRUE(isa<Argument>(S->getValueOperand()));
  }
  unsigned Stores = 0;
  for (Instruction &I : E.Fn->getEntryBlock())
    Stores += isa<StoreInst>(I) && !I.getDebugLoc();
  EXPECT_EQ(Stores, 1u);
}

TEST(DebugInfoTest, TwoFunctionsShareTheModulesUnit) {
  test::Parsed P = test::parse("def f(x) x; def g(y) y");
  LLVMContext Ctx;
  Module M("test", Ctx);
  IRGenOptions Opts;
  Opts.Debug = Source;
  emitFunction(*P.Items[0].Function, "f$1", M, Opts);
  emitFunction(*P.Items[1].Function, "g$1", M, Opts);
  EXPECT_EQ(
      std::distance(M.debug_compile_units_begin(), M.debug_compile_units_end()),
      1);
  EXPECT_FALSE(verifyModule(M, &errs()));
}

TEST(DebugInfoTest, WithoutDebugThereIsNoMetadata) {
  Emitted E("def f(a) var t = a in t * 2", std::nullopt);
  EXPECT_EQ(E.Fn->getSubprogram(), nullptr);
  EXPECT_TRUE(E.M->debug_compile_units().empty());
  EXPECT_EQ(E.M->getModuleFlagsMetadata(), nullptr);
  for (Instruction &I : instructions(*E.Fn)) {
    EXPECT_FALSE(I.getDebugLoc());
    EXPECT_FALSE(I.hasDbgRecords());
  }
}

} // namespace
