//===- HostGeneratorTest.cpp - What `extern` may reach --------------------===//

#include "JIT/HostGenerator.h"

#include "JITTestSupport.h"

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;
using namespace llvm::orc;

namespace {

class HostGeneratorTest : public ORCTest {
protected:
  HostGeneratorTest() : Host(ES->createBareJITDylib("<host>")) {}

  /// A resolver that knows "one", taking 1 parameter, and records what it
  /// was asked.
  void addGenerator(std::optional<unsigned> ExternArity) {
    Host.addGenerator(std::make_unique<HostGenerator>(
        [this](StringRef Name,
               std::optional<unsigned> Arity) -> Expected<void *> {
          Asked.push_back(Arity);
          if (Name != "one")
            return nullptr;
          if (Arity && *Arity != 1)
            return make_error<StringError>("'one' takes 1 argument",
                                           inconvertibleErrorCode());
          return reinterpret_cast<void *>(&returnsOne);
        },
        [ExternArity](const SymbolStringPtr &) { return ExternArity; }));
  }

  JITDylib &Host;
  std::vector<std::optional<unsigned>> Asked;
};

TEST_F(HostGeneratorTest, ResolvesARuntimeNameWithoutArity) {
  addGenerator(std::nullopt);
  auto Sym = ES->lookup({&Host}, "one");
  ASSERT_TRUE(bool(Sym)) << toString(Sym.takeError());
  EXPECT_EQ(Sym->getAddress().toPtr<double (*)()>(), &returnsOne);
  EXPECT_EQ(Asked, std::vector<std::optional<unsigned>>{std::nullopt});
}

TEST_F(HostGeneratorTest, ReportsAnExternOfTheWrongArity) {
  addGenerator(2u);
  auto Sym = ES->lookup({&Host}, "one");
  ASSERT_FALSE(bool(Sym));
  EXPECT_EQ(toString(Sym.takeError()), "'one' takes 1 argument");
}

TEST_F(HostGeneratorTest, LeavesAnUnknownNameUndefined) {
  addGenerator(std::nullopt);
  auto Sym = ES->lookup({&Host}, "two");
  ASSERT_FALSE(bool(Sym));
  EXPECT_TRUE(Sym.errorIsA<SymbolsNotFound>());
  consumeError(Sym.takeError());
}

} // namespace
