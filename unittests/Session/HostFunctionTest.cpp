//===- HostFunctionTest.cpp - Functions the host gives the program --------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace kaleido;

namespace {

double twice(double X) { return 2 * X; }
double thrice(double X) { return 3 * X; }
double addThree(double A, double B, double C) { return A + 10 * B + 100 * C; }

/// Counts its calls in the context it is given.
double counted(void *Ctx, double X) {
  ++*static_cast<int *>(Ctx);
  return X + 0.5;
}

/// Fails the call when given a negative number.
double checkedSqrt(double X) {
  if (X < 0)
    failHostCall("checkedSqrt of a negative number");
  return X < 0 ? 0 : X * X;
}

struct HostSession {
  std::string Out;
  std::vector<std::string> Diags;
  std::unique_ptr<Session> S;

  explicit HostSession(JITMode Mode = JITMode::Lazy,
                       BaselineKind Baseline = DefaultBaseline,
                       unsigned TierUpCalls = 1000) {
    SessionOptions O;
    O.Mode = Mode;
    O.Baseline = Baseline;
    O.TierUpCalls = TierUpCalls;
    O.CompileThreads = 0;
    O.OnOutput = [this](llvm::StringRef B) { Out += B.str(); };
    O.OnDiagnostic = [this](const Diagnostic &D) {
      Diags.push_back(D.format());
    };
    S = llvm::cantFail(Session::create(std::move(O)));
  }

  double call(llvm::StringRef Name, std::vector<double> Args) {
    llvm::Expected<double> V = S->call(Name, Args);
    if (!V) {
      ADD_FAILURE() << llvm::toString(V.takeError());
      return -1;
    }
    return *V;
  }
  void run(llvm::StringRef Src) {
    llvm::Error E = S->run(Src, "host.ks");
    ASSERT_FALSE(E) << llvm::toString(std::move(E));
  }
};

ErrorKind kindOf(llvm::Error E) {
  ErrorKind K = ErrorKind::Internal;
  llvm::handleAllErrors(std::move(E),
                        [&](const SessionError &SE) { K = SE.getKind(); });
  return K;
}

/// Every mode and tier calls the host function the same.
TEST(HostFunctionTest, EveryModeCallsIt) {
  struct Config {
    JITMode Mode;
    BaselineKind Baseline;
    unsigned TierUp;
  } Configs[] = {{JITMode::Lazy, BaselineKind::Native, 1000},
                 {JITMode::Lazy, BaselineKind::LLVM, 1000},
                 {JITMode::Lazy, BaselineKind::Native, 2},
                 {JITMode::Eager, DefaultBaseline, 1000},
                 {JITMode::Interp, DefaultBaseline, 1000}};
  for (const Config &C : Configs) {
    HostSession H(C.Mode, C.Baseline, C.TierUp);
    ASSERT_FALSE(H.S->defineHostFunction("twice", &twice));
    ASSERT_FALSE(H.S->defineHostFunction("mix", &addThree));
    H.run("extern twice(x); extern mix(a b c);"
          "def f(x) twice(x) + mix(1, 2, 3);");
    for (int I = 0; I < 5; ++I)
      EXPECT_EQ(H.call("f", {double(I)}), 2 * I + 321.0)
          << "mode " << int(C.Mode) << " tier-up " << C.TierUp;
  }
}

TEST(HostFunctionTest, ContextIsPassedFirst) {
  HostSession H;
  int Calls = 0;
  ASSERT_FALSE(H.S->defineHostFunction("counted", &counted, &Calls));
  H.run("extern counted(x); def g(x) counted(x) + counted(x);");
  EXPECT_EQ(H.call("g", {1}), 3.0);
  EXPECT_EQ(Calls, 2);
}

TEST(HostFunctionTest, RedefiningRebindsCompiledCode) {
  HostSession H;
  ASSERT_FALSE(H.S->defineHostFunction("scale", &twice));
  H.run("extern scale(x); def g(x) scale(x);");
  EXPECT_EQ(H.call("g", {5}), 10.0); // g is compiled now.
  ASSERT_FALSE(H.S->defineHostFunction("scale", &thrice));
  EXPECT_EQ(H.call("g", {5}), 15.0);
}

TEST(HostFunctionTest, DefinedAfterTheExternIsReached) {
  HostSession H;
  H.run("extern later(x);");
  ASSERT_FALSE(H.S->defineHostFunction("later", &twice));
  H.run("def g(x) later(x);");
  EXPECT_EQ(H.call("g", {4}), 8.0);
}

TEST(HostFunctionTest, ArityIsCheckedAtRegistration) {
  HostSession H;
  H.run("extern f(a b);");
  EXPECT_EQ(kindOf(H.S->defineHostFunction("f", &twice)), ErrorKind::Usage);
  ASSERT_FALSE(H.S->defineHostFunction("g", &twice));
  // Redefined with another arity before the program declares it: allowed.
  EXPECT_FALSE(H.S->defineHostFunction("g", &addThree));
}

TEST(HostFunctionTest, ArityIsCheckedAtExtern) {
  HostSession H;
  ASSERT_FALSE(H.S->defineHostFunction("twice", &twice));
  llvm::Error E = H.S->run("extern twice(a b);", "host.ks");
  EXPECT_EQ(kindOf(std::move(E)), ErrorKind::Compile);
  ASSERT_EQ(H.Diags.size(), 1u);
  EXPECT_NE(H.Diags[0].find("host.ks:1:8: error: 'twice' is a host function "
                            "of 1 parameter; this extern declares 2"),
            std::string::npos)
      << H.Diags[0];
}

TEST(HostFunctionTest, NamesAreChecked) {
  HostSession H;
  EXPECT_EQ(kindOf(H.S->defineHostFunction("sin", &twice)), ErrorKind::Usage);
  EXPECT_EQ(kindOf(H.S->defineHostFunction("printd", &twice)),
            ErrorKind::Usage);
  EXPECT_EQ(kindOf(H.S->defineHostFunction("not_ok", &twice)),
            ErrorKind::Usage);
  EXPECT_EQ(kindOf(H.S->defineHostFunction("", &twice)), ErrorKind::Usage);
  EXPECT_EQ(kindOf(H.S->defineHostFunction("x", 1, nullptr, nullptr, false)),
            ErrorKind::Usage);
}

/// failHostCall ends the call with a runtime error, prints nothing after it,
/// and leaves the session usable; in every mode.
TEST(HostFunctionTest, FailingEndsTheCallNotTheProcess) {
  for (JITMode Mode : {JITMode::Lazy, JITMode::Eager, JITMode::Interp}) {
    HostSession H(Mode);
    ASSERT_FALSE(H.S->defineHostFunction("checkedSqrt", &checkedSqrt));
    H.run("extern checkedSqrt(x); extern printd(x);"
          "def g(x) printd(checkedSqrt(x)) + 1;");
    llvm::Error E = H.S->run("g(0 - 4)", "main.ks");
    EXPECT_EQ(kindOf(std::move(E)), ErrorKind::Runtime);
    EXPECT_EQ(H.Out, "") << "mode " << int(Mode);
    ASSERT_FALSE(H.Diags.empty());
    EXPECT_NE(H.Diags.back().find("checkedSqrt of a negative number"),
              std::string::npos)
        << H.Diags.back();
    // The guarded call() fails the same way, and the session goes on.
    llvm::Expected<double> V = H.S->call("g", {-1});
    EXPECT_FALSE(V);
    if (!V)
      EXPECT_EQ(kindOf(V.takeError()), ErrorKind::Runtime);
    EXPECT_EQ(H.call("g", {3}), 1.0);
    EXPECT_EQ(H.Out, "9.000000\n");
  }
}

TEST(HostFunctionTest, SessionsHaveTheirOwn) {
  HostSession A, B;
  ASSERT_FALSE(A.S->defineHostFunction("scale", &twice));
  ASSERT_FALSE(B.S->defineHostFunction("scale", &thrice));
  A.run("extern scale(x); def g(x) scale(x);");
  B.run("extern scale(x); def g(x) scale(x);");
  EXPECT_EQ(A.call("g", {1}), 2.0);
  EXPECT_EQ(B.call("g", {1}), 3.0);
}

} // namespace
