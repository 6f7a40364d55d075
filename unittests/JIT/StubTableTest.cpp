//===- StubTableTest.cpp - Stubs, trampolines and version words -----------===//

#include "JITTestSupport.h"

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

/// Every StubTable test runs with the stubs in a code arena and with ORC's.
class StubTableKindTest : public StubTableTest,
                          public ::testing::WithParamInterface<bool> {
protected:
  StubTableKindTest() : StubTableTest(/*InArena=*/GetParam()) {}
};

TEST(BodySymbolNameTest, SpellsNameDollarVersion) {
  EXPECT_EQ(bodySymbolName("fib", 2), "fib$2");
  EXPECT_EQ(bodySymbolName("fib", 2, /*Recompile=*/true), "fib$2.opt");
}

TEST_P(StubTableKindTest, StubKeepsItsAddressAndReachesTheNewBody) {
  FunctionState &F = cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsOne);
  ExecutorAddr First = cantFail(Table->getStub("f"));
  EXPECT_EQ(callStub("f"), 1);

  cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsTwo);
  EXPECT_EQ(cantFail(Table->getStub("f")), First);
  EXPECT_EQ(callStub("f"), 2);
}

/// In an arena the word a stub jumps through is readable, and holds the new
/// body after a redirect; ORC's stubs manager keeps its own.
TEST_P(StubTableKindTest, StubTargetWordHoldsTheCurrentBody) {
  FunctionState &F = cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsOne);
  const uint64_t *Word = cantFail(Table->getStubTarget("f"));
  if (!GetParam()) {
    EXPECT_EQ(Word, nullptr);
    return;
  }
  ASSERT_NE(Word, nullptr);
  EXPECT_EQ(callStub("f"), 1); // Resolves the body and redirects the stub.
  EXPECT_EQ(reinterpret_cast<double (*)()>(*Word)(), 1);

  cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsTwo);
  EXPECT_EQ(callStub("f"), 2);
  EXPECT_EQ(cantFail(Table->getStubTarget("f")), Word);
  EXPECT_EQ(reinterpret_cast<double (*)()>(*Word)(), 2);
  EXPECT_FALSE(bool(Table->getStubTarget("nobody")));
  consumeError(Table->getStubTarget("nobody").takeError());
}

TEST_P(StubTableKindTest, VersionWordCountsDefinitionsOnly) {
  EXPECT_EQ(Table->getVersionWord("g"), nullptr);
  Table->declare("g", 1);
  const uint32_t *Word = Table->getVersionWord("g");
  ASSERT_NE(Word, nullptr);
  EXPECT_EQ(*Word, 0u);
  cantFail(Table->define("g"));
  EXPECT_EQ(*Word, 1u);
  Table->declare("g", 1);
  EXPECT_EQ(*Word, 1u);
  cantFail(Table->define("g"));
  EXPECT_EQ(*Word, 2u);
  EXPECT_EQ(Table->getVersionWord("g"), Word);
}

TEST_P(StubTableKindTest, BodySymbolIsMadeOnceAndMapsBack) {
  FunctionState &F = cantFail(Table->define("f"));
  cantFail(Table->define("f"));
  SymbolStringPtr Sym = Table->getBodySymbol(F);
  EXPECT_EQ(*Sym, "f$2");
  EXPECT_EQ(Table->getBodySymbol(F), Sym);
  std::optional<BodyRef> B = Table->findBody(Sym);
  ASSERT_TRUE(B);
  EXPECT_EQ(B->F, &F);
  EXPECT_EQ(B->Version, 2u);
  EXPECT_FALSE(B->Recompile);
}

TEST_P(StubTableKindTest, RecompileSymbolIsKnownAsARecompile) {
  FunctionState &F = cantFail(Table->define("f"));
  SymbolStringPtr Sym = Table->getBodySymbol(F, /*Recompile=*/true);
  EXPECT_EQ(*Sym, "f$1.opt");
  std::optional<BodyRef> B = Table->findBody(Sym);
  ASSERT_TRUE(B);
  EXPECT_TRUE(B->Recompile);
}

TEST_P(StubTableKindTest, ANewVersionForgetsTheOldOnesSymbols) {
  FunctionState &F = cantFail(Table->define("f"));
  SymbolStringPtr Old = Table->getBodySymbol(F);
  SymbolStringPtr OldRecompile = Table->getBodySymbol(F, /*Recompile=*/true);
  cantFail(Table->define("f"));
  EXPECT_FALSE(Table->findBody(Old));
  EXPECT_FALSE(Table->findBody(OldRecompile));
  EXPECT_FALSE(Table->findBodySymbol(F));
  EXPECT_EQ(Table->takeForgotten(), 2u);
  EXPECT_EQ(Table->takeForgotten(), 0u);
  EXPECT_EQ(*Table->getBodySymbol(F), "f$2");
}

TEST_P(StubTableKindTest, RedefinitionsAddNoTrampolinesOrSymbols) {
  // Issue 9's soak: a function redefined and called forever keeps one
  // trampoline, one stub and the current version's symbols.
  FunctionState &F = cantFail(Table->define("f"));
  cantFail(Table->getStub("f"));
  StubTable::Counts First;
  size_t FirstArena = 0;
  for (int I = 0; I < 1000; ++I) {
    cantFail(Table->define("f"));
    defineAs(Bodies, Table->getBodySymbol(F), I % 2 ? returnsOne : returnsTwo);
    EXPECT_EQ(callStub("f"), I % 2 ? 1 : 2);
    cantFail(Bodies.remove({Table->getBodySymbol(F)}));
    if (I == 0) {
      First = Table->getCounts();
      FirstArena = Arena.getBytesInUse();
    }
  }
  StubTable::Counts Last = Table->getCounts();
  EXPECT_EQ(Last.Functions, 1u);
  EXPECT_EQ(Last.Trampolines, 1u);
  EXPECT_EQ(Last.BodySymbols, First.BodySymbols);
  EXPECT_EQ(Arena.getBytesInUse(), FirstArena);
  // Every version's first call asked the resolver, once.
  EXPECT_EQ(Resolved, 1000u);
}

TEST_P(StubTableKindTest, FunctionNameIsNotABodySymbol) {
  cantFail(Table->define("f"));
  EXPECT_FALSE(Table->findBody(ES->intern("f")));
}

TEST_P(StubTableKindTest, StaleTrampolineCannotClobberTheStub) {
  FunctionState &F = cantFail(Table->define("f"));
  cantFail(Table->getStub("f"));
  cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsTwo);
  // What version 1's trampoline (or background compile) does when it
  // resolves late.
  EXPECT_FALSE(cantFail(
      Table->redirectIfCurrent(F, 1, ExecutorAddr::fromPtr(&returnsOne))));
  EXPECT_EQ(callStub("f"), 2);
}

TEST_P(StubTableKindTest, CurrentTrampolineRedirectsTheStub) {
  FunctionState &F = cantFail(Table->define("f"));
  cantFail(Table->getStub("f"));
  EXPECT_TRUE(cantFail(
      Table->redirectIfCurrent(F, 1, ExecutorAddr::fromPtr(&returnsThree))));
  EXPECT_EQ(callStub("f"), 3);
}

TEST_P(StubTableKindTest, StubsMayBeMadeOnAnotherThreadWhileNamesAreDefined) {
  // What a background compile does while the program reads definitions:
  // it links against names, making their stubs, and redirects one.
  for (int I = 0; I < 50; ++I)
    cantFail(Table->define("f" + std::to_string(I)));
  FunctionState &F0 = *Table->find("f0");
  std::thread Linker([&] {
    for (int I = 0; I < 50; ++I) {
      auto Sym = ES->lookup({&Stubs}, ES->intern("f" + std::to_string(I)));
      EXPECT_TRUE(bool(Sym)) << toString(Sym.takeError());
    }
    EXPECT_TRUE(cantFail(
        Table->redirectIfCurrent(F0, 1, ExecutorAddr::fromPtr(&returnsThree))));
  });
  for (int I = 0; I < 500; ++I)
    cantFail(Table->define("g" + std::to_string(I)));
  Linker.join();
  EXPECT_EQ(callStub("f0"), 3);
  EXPECT_EQ(*Table->getVersionWord("g499"), 1u);
}

TEST_P(StubTableKindTest, ExternReachesTheHostSymbol) {
  Table->declare("h", 0);
  defineAs(Host, ES->intern("h"), returnsThree);
  EXPECT_EQ(callStub("h"), 3);
}

TEST_P(StubTableKindTest, TrampolineAsksTheResolverOnTheFirstCallOnly) {
  FunctionState &F = cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsTwo);
  EXPECT_EQ(callStub("f"), 2);
  EXPECT_EQ(callStub("f"), 2);
  EXPECT_EQ(Resolved, 1u);
  // A definition points the stub back at its trampoline.
  cantFail(Table->define("f"));
  defineAs(Bodies, Table->getBodySymbol(F), returnsThree);
  EXPECT_EQ(callStub("f"), 3);
  EXPECT_EQ(Resolved, 2u);
}

TEST_P(StubTableKindTest, FailedResolveIsReportedAndLandsAtTheFailureHandler) {
  cantFail(Table->define("f"));
  std::vector<std::string> Reported;
  ES->setErrorReporter(
      [&](Error Err) { Reported.push_back(toString(std::move(Err))); });
  ResolveError = createStringError("no body today");
  EXPECT_EQ(callStub("f"), lazyCallFailed());
  EXPECT_EQ(Reported, std::vector<std::string>{"no body today"});
  // The stub still starts at the trampoline: the next call asks again.
  FunctionState &F = *Table->find("f");
  defineAs(Bodies, Table->getBodySymbol(F), returnsOne);
  EXPECT_EQ(callStub("f"), 1);
  EXPECT_EQ(Resolved, 2u);
}

TEST_P(StubTableKindTest, CodeLinkingAgainstANameFindsTheStubMadeEarlier) {
  cantFail(Table->define("f"));
  ExecutorAddr Stub = cantFail(Table->getStub("f"));
  auto Def = ES->lookup({&Stubs}, ES->intern("f"));
  ASSERT_TRUE(bool(Def)) << toString(Def.takeError());
  EXPECT_EQ(Def->getAddress(), Stub);
}

TEST_P(StubTableKindTest, UndeclaredNameHasNoStub) {
  auto Addr = Table->getStub("nobody");
  ASSERT_FALSE(bool(Addr));
  EXPECT_EQ(toString(Addr.takeError()), "no function named 'nobody'");
}

TEST_P(StubTableKindTest, StubsAreWhereTheTableWasAskedToPutThem) {
  cantFail(Table->define("f"));
  cantFail(Table->getStub("f"));
#if defined(__x86_64__) && defined(__linux__)
  EXPECT_EQ(Table->getIndirectionKind(),
            GetParam() ? Indirections::Kind::Arena : Indirections::Kind::ORC);
#endif
  if (Table->getIndirectionKind() == Indirections::Kind::ORC)
    EXPECT_EQ(Arena.getBytesInUse(), 0u);
  else
    EXPECT_GT(Arena.getBytesInUse(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Indirections, StubTableKindTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &I) {
                           return I.param ? "InArena" : "ORC";
                         });

} // namespace
