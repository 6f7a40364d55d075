//===- JITTestSupport.h - An in-process ORC session for tests ---*- C++ -*-===//
//
// Shared by the JIT's unit tests: an ExecutionSession over this process, a
// StubTable over two JITDylibs, and small functions to stand for bodies.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_UNITTESTS_JITTESTSUPPORT_H
#define KALEIDO_UNITTESTS_JITTESTSUPPORT_H

#include "JIT/CodeArena.h"
#include "JIT/StubTable.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/SelfExecutorProcessControl.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

#include "gtest/gtest.h"

namespace kaleido::test {

/// A module that defines Symbol as a function of no parameters returning
/// Value: what a test BodySource hands the JIT.
inline std::unique_ptr<llvm::Module>
returning(llvm::LLVMContext &Ctx, llvm::StringRef Symbol, double Value) {
  auto M = std::make_unique<llvm::Module>(Symbol, Ctx);
  llvm::Function *F = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getDoubleTy(Ctx), false),
      llvm::Function::ExternalLinkage, Symbol, *M);
  llvm::IRBuilder<> B(llvm::BasicBlock::Create(Ctx, "entry", F));
  B.CreateRet(llvm::ConstantFP::get(B.getDoubleTy(), Value));
  return M;
}

inline std::unique_ptr<llvm::Module> returningOne(llvm::LLVMContext &Ctx,
                                                  llvm::StringRef Symbol) {
  return returning(Ctx, Symbol, 1.0);
}

inline double returnsOne() { return 1; }
inline double returnsTwo() { return 2; }
inline double returnsThree() { return 3; }
/// Where a lazy call that failed lands (it is called in place of the body).
inline double lazyCallFailed() { return -1; }

inline const llvm::JITSymbolFlags CallableFlags =
    llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable;

/// An ExecutionSession over this process, ended (checked) at the end.
class ORCTest : public ::testing::Test {
protected:
  ORCTest() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    ES = std::make_unique<llvm::orc::ExecutionSession>(
        llvm::cantFail(llvm::orc::SelfExecutorProcessControl::Create()));
  }
  ~ORCTest() override {
    llvm::Error Err = ES->endSession();
    EXPECT_FALSE(bool(Err)) << llvm::toString(std::move(Err));
  }

  /// Defines Sym in JD as Addr.
  void defineAt(llvm::orc::JITDylib &JD, const llvm::orc::SymbolStringPtr &Sym,
                llvm::orc::ExecutorAddr Addr) {
    llvm::cantFail(
        JD.define(llvm::orc::absoluteSymbols({{Sym, {Addr, CallableFlags}}})));
  }
  /// Defines Sym in JD as the address of Fn.
  void defineAs(llvm::orc::JITDylib &JD, const llvm::orc::SymbolStringPtr &Sym,
                double (*Fn)()) {
    defineAt(JD, Sym, llvm::orc::ExecutorAddr::fromPtr(Fn));
  }

  std::unique_ptr<llvm::orc::ExecutionSession> ES;
};

/// A StubTable with <stubs>, <bodies> and <host>, as the JIT has them, and
/// a resolver that does what the JIT's does for bodies it does not make
/// itself: an extern's host symbol, or the body symbol in <bodies>. Every
/// call of the resolver is counted in Resolved; an error set in ResolveError
/// is returned (once) instead. Its stubs are in a code arena, as the JIT's
/// are, unless InArena is false (then ORC's).
class StubTableTest : public ORCTest {
protected:
  explicit StubTableTest(bool InArena = true)
      : Stubs(ES->createBareJITDylib("<stubs>")),
        Bodies(ES->createBareJITDylib("<bodies>")),
        Host(ES->createBareJITDylib("<host>")) {
    Table = llvm::cantFail(StubTable::create(
        *ES, llvm::Triple(llvm::sys::getProcessTriple()),
        llvm::orc::ExecutorAddr::fromPtr(&lazyCallFailed),
        [this](FunctionState &F) { return resolve(F); },
        InArena ? &Arena : nullptr));
    Stubs.addGenerator(Table->createStubGenerator());
  }

  llvm::Expected<llvm::orc::ExecutorAddr> resolve(FunctionState &F) {
    ++Resolved;
    if (ResolveError)
      return std::move(ResolveError);
    auto Sym = F.Version ? ES->lookup({&Bodies}, Table->getBodySymbol(F))
                         : ES->lookup({&Host}, ES->intern(F.Name));
    if (!Sym)
      return Sym.takeError();
    return Sym->getAddress();
  }

  /// Calls Name through its stub.
  double callStub(llvm::StringRef Name) {
    auto Addr = Table->getStub(Name);
    if (!Addr) {
      ADD_FAILURE() << llvm::toString(Addr.takeError());
      return 0;
    }
    return Addr->toPtr<double (*)()>()();
  }

  llvm::orc::JITDylib &Stubs, &Bodies, &Host;
  /// Before Table: it holds the stubs.
  CodeArena Arena;
  std::unique_ptr<StubTable> Table;
  unsigned Resolved = 0;
  llvm::Error ResolveError = llvm::Error::success();
};

} // namespace kaleido::test

#endif // KALEIDO_UNITTESTS_JITTESTSUPPORT_H
