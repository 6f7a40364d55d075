//===- FunctionsTest.cpp - Session::functions, the per-function ledger ----===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include "llvm/Support/raw_ostream.h"

using namespace kaleido;

namespace {

std::unique_ptr<Session> makeSession(JITMode Mode = JITMode::Lazy,
                                     BaselineKind Baseline = DefaultBaseline,
                                     unsigned TierUpCalls = 3) {
  SessionOptions O;
  O.Mode = Mode;
  O.Baseline = Baseline;
  O.TierUpCalls = TierUpCalls;
  O.CompileThreads = 0; // Tier-ups in the call that made them, in order.
  return llvm::cantFail(Session::create(std::move(O)));
}

FunctionInfo find(const Session &S, llvm::StringRef Name) {
  for (const FunctionInfo &F : S.functions())
    if (F.Name == Name)
      return F;
  ADD_FAILURE() << "no function " << Name.str();
  return {};
}

void run(Session &S, llvm::StringRef Src) {
  llvm::Error E = S.run(Src, "test.ks");
  ASSERT_FALSE(E) << llvm::toString(std::move(E));
}

TEST(FunctionsTest, ListsEveryDeclarationByName) {
  auto S = makeSession();
  run(*S, "extern sin(x); def b(x y) x; def binary| 5 (p q) p; def a() 1;");
  std::vector<std::string> Names;
  for (const FunctionInfo &F : S->functions())
    Names.push_back(F.Name);
  EXPECT_EQ(Names, (std::vector<std::string>{"a", "b", "binary|", "sin"}));
  FunctionInfo Sin = find(*S, "sin");
  EXPECT_EQ(Sin.Status, FunctionStatus::Extern);
  EXPECT_FALSE(Sin.Defined);
  EXPECT_EQ(Sin.Version, 0u);
  EXPECT_EQ(find(*S, "b").Arity, 2u);
}

TEST(FunctionsTest, FollowsAFunctionFromStubToBaselineToOptimised) {
  auto S = makeSession();
  run(*S, "def f(x) x * 2;");
  FunctionInfo F = find(*S, "f");
  EXPECT_EQ(F.Status, FunctionStatus::NotCompiled);
  EXPECT_TRUE(F.Defined);
  EXPECT_EQ(F.Version, 1u);
  EXPECT_EQ(F.CodeBytes, 0u);
  EXPECT_FALSE(F.Calls.has_value());

  run(*S, "f(1); f(2);");
  F = find(*S, "f");
  EXPECT_EQ(F.Status, FunctionStatus::Baseline);
  EXPECT_EQ(F.Calls, 2u);
  EXPECT_GT(F.BaselineSeconds, 0);
  EXPECT_EQ(F.OptimizedSeconds, 0);
  EXPECT_GT(F.CodeBytes, 0u);

  // The third call makes it hot (TierUpCalls = 3).
  run(*S, "f(3);");
  F = find(*S, "f");
  EXPECT_EQ(F.Status, FunctionStatus::Optimized);
  EXPECT_FALSE(F.Calls.has_value()) << "optimised code counts no calls";
  EXPECT_GT(F.BaselineSeconds, 0);
  EXPECT_GT(F.OptimizedSeconds, 0);
  EXPECT_GT(F.CodeBytes, 0u) << "LLVM's code is sized too";
}

TEST(FunctionsTest, ARedefinitionStartsTheLedgerOver) {
  auto S = makeSession();
  run(*S, "def f(x) x; f(1); f(2); def f(x) x + 1;");
  FunctionInfo F = find(*S, "f");
  EXPECT_EQ(F.Version, 2u);
  EXPECT_EQ(F.Status, FunctionStatus::NotCompiled);
  EXPECT_EQ(F.BaselineSeconds, 0);
  EXPECT_EQ(F.CodeBytes, 0u);
  run(*S, "f(1);");
  EXPECT_EQ(find(*S, "f").Calls, 1u);
}

TEST(FunctionsTest, LLVMBaselineCountsCallsAndSizesCode) {
  auto S = makeSession(JITMode::Lazy, BaselineKind::LLVM);
  run(*S, "def g(x) x - 1; g(1); g(2);");
  FunctionInfo G = find(*S, "g");
  EXPECT_EQ(G.Status, FunctionStatus::Baseline);
  EXPECT_FALSE(G.Native);
  EXPECT_EQ(G.Calls, 2u);
  EXPECT_GT(G.CodeBytes, 0u);
}

TEST(FunctionsTest, ALoopStartsOptimised) {
  auto S = makeSession();
  run(*S, "def l(n) for i = 0, i < n in 0; l(3);");
  FunctionInfo L = find(*S, "l");
  EXPECT_EQ(L.Status, FunctionStatus::Optimized);
  EXPECT_EQ(L.BaselineSeconds, 0);
  EXPECT_GT(L.OptimizedSeconds, 0);
}

TEST(FunctionsTest, InterpretedFunctionsAreSaidToBe) {
  auto S = makeSession(JITMode::Interp);
  run(*S, "def f(x) x; extern cos(x); f(1);");
  EXPECT_EQ(find(*S, "f").Status, FunctionStatus::Interpreted);
  EXPECT_EQ(find(*S, "cos").Status, FunctionStatus::Extern);
}

TEST(FunctionsTest, ForEachFunctionVisitsTheSameFunctions) {
  auto S = makeSession();
  run(*S, "def a(x) x; def b(x) x; extern c(x);");
  size_t N = 0;
  S->forEachFunction([&](const FunctionInfo &) { ++N; });
  EXPECT_EQ(N, S->functions().size());
  EXPECT_EQ(N, 3u);
}

} // namespace

namespace {

std::string print(Session &S, llvm::StringRef Name, EmitKind Kind) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  llvm::Error E = S.printFunction(Name, Kind, OS);
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  return Text;
}

TEST(PrintFunctionTest, CompilesAFunctionNeverCalledWithoutRunningIt) {
  std::string Out;
  SessionOptions O;
  O.OnOutput = [&](llvm::StringRef B) { Out += B.str(); };
  auto S = llvm::cantFail(Session::create(std::move(O)));
  run(*S, "extern printd(x); def f(x) printd(x) + 1;");
  std::string Asm = print(*S, "f", EmitKind::Asm);
  EXPECT_NE(Asm.find("ret"), std::string::npos) << Asm;
  EXPECT_EQ(Out, "") << "f did not run";
  FunctionInfo F = find(*S, "f");
  EXPECT_NE(F.Status, FunctionStatus::NotCompiled);
  EXPECT_GT(F.CodeBytes, 0u);
  if (F.Calls)
    EXPECT_EQ(*F.Calls, 0u);
}

TEST(PrintFunctionTest, ShowsTheIRAndCodeOfTheTierItRuns) {
  auto S = makeSession(JITMode::Lazy, BaselineKind::LLVM, /*TierUpCalls=*/2);
  run(*S, "def f(x) x * 3;");
  std::string Baseline = print(*S, "f", EmitKind::LLVM);
  EXPECT_NE(Baseline.find("baseline (-O0) code"), std::string::npos)
      << Baseline;
  EXPECT_NE(Baseline.find("alloca"), std::string::npos)
      << "unoptimised IR keeps its stack slots";
  run(*S, "f(1); f(2); f(3);");
  std::string Optimised = print(*S, "f", EmitKind::LLVM);
  EXPECT_NE(Optimised.find("-O2 code"), std::string::npos) << Optimised;
  EXPECT_EQ(Optimised.find("alloca"), std::string::npos) << Optimised;
  EXPECT_NE(print(*S, "f", EmitKind::Asm).find("mul"), std::string::npos);
}

TEST(PrintFunctionTest, RefusesWhatHasNoCode) {
  auto S = makeSession();
  run(*S, "extern sin(x);");
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  for (auto [Name, Kind] :
       {std::pair<const char *, EmitKind>{"sin", EmitKind::LLVM},
        {"nope", EmitKind::Asm},
        {"sin", EmitKind::Tokens}}) {
    llvm::Error E = S->printFunction(Name, Kind, OS);
    ASSERT_TRUE(bool(E));
    llvm::handleAllErrors(std::move(E), [](const SessionError &SE) {
      EXPECT_EQ(SE.getKind(), ErrorKind::Usage);
    });
  }
  EXPECT_EQ(Text, "");
}

} // namespace
