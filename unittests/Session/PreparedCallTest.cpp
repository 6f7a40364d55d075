//===- PreparedCallTest.cpp - Guarded calls a host prepares once ----------===//
//
// Session::prepare's handle: the same bits as Session::call in every mode,
// every failure a SessionError (never the process), redefinitions and undo
// followed, a handle that outlives its session, and callBatch's kernel.
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace kaleido;

namespace {

struct Host {
  std::string Out;
  std::vector<std::string> Diags;
  std::unique_ptr<Session> S;

  explicit Host(JITMode Mode = JITMode::Lazy,
                BaselineKind Baseline = DefaultBaseline,
                unsigned TierUpCalls = 1000, unsigned UndoLimit = 0,
                Dialect Language = Dialect::Tutorial) {
    SessionOptions O;
    O.Mode = Mode;
    O.Baseline = Baseline;
    O.TierUpCalls = TierUpCalls;
    O.UndoLimit = UndoLimit;
    O.Language = Language;
    O.CompileThreads = 0;
    O.OnOutput = [this](llvm::StringRef B) { Out += B.str(); };
    O.OnDiagnostic = [this](const Diagnostic &D) {
      Diags.push_back(D.format());
    };
    S = llvm::cantFail(Session::create(std::move(O)));
  }

  void run(llvm::StringRef Src) {
    llvm::Error E = S->run(Src, "host.ks");
    ASSERT_FALSE(E) << llvm::toString(std::move(E));
  }

  PreparedCall prepare(llvm::StringRef Name, unsigned Arity) {
    llvm::Expected<PreparedCall> P = S->prepare(Name, Arity);
    if (!P) {
      ADD_FAILURE() << llvm::toString(P.takeError());
      return PreparedCall();
    }
    return *P;
  }
};

ErrorKind kindOf(llvm::Error E) {
  ErrorKind K = ErrorKind::Internal;
  llvm::handleAllErrors(std::move(E),
                        [&](const SessionError &SE) { K = SE.getKind(); });
  return K;
}

template <typename T> ErrorKind kindOf(llvm::Expected<T> V) {
  EXPECT_FALSE(bool(V)) << "expected a failure";
  return V ? ErrorKind::Internal : kindOf(V.takeError());
}

double value(llvm::Expected<double> V) {
  if (!V) {
    ADD_FAILURE() << llvm::toString(V.takeError());
    return std::nan("");
  }
  return *V;
}

uint64_t bits(double D) {
  uint64_t B;
  std::memcpy(&B, &D, sizeof B);
  return B;
}

struct Config {
  const char *Name;
  JITMode Mode;
  BaselineKind Baseline;
  unsigned TierUp;
};
const Config Configs[] = {
    {"native", JITMode::Lazy, BaselineKind::Native, 1000},
    {"llvm", JITMode::Lazy, BaselineKind::LLVM, 1000},
    {"tier-up=2", JITMode::Lazy, DefaultBaseline, 2},
    {"no baseline", JITMode::Lazy, BaselineKind::None, 1000},
    {"eager", JITMode::Eager, DefaultBaseline, 1000},
    {"interp", JITMode::Interp, DefaultBaseline, 1000},
};

const char *Program = R"(
def f(a b) if a < b then a * b + 0.1 else (a - b) * 0.3;
def unary-(x) 0 - x;
def g(x) f(x, -x) + f(-x, x);
)";

/// Every mode gives call()'s bits.
TEST(PreparedCallTest, CallsMatchSessionCallInEveryMode) {
  for (const Config &C : Configs) {
    SCOPED_TRACE(C.Name);
    Host H(C.Mode, C.Baseline, C.TierUp);
    H.run(Program);
    PreparedCall F = H.prepare("f", 2), G = H.prepare("g", 1);
    EXPECT_EQ(F.name(), "f");
    EXPECT_EQ(F.arity(), 2u);
    for (double X : {-2.5, 0.0, 1.0, 3.75, 1e300}) {
      for (int Round = 0; Round < 3; ++Round) { // tier-up=2 tiers up here
        EXPECT_EQ(bits(value(F.call({X, 1.5}))),
                  bits(value(H.S->call("f", {X, 1.5}))));
        EXPECT_EQ(bits(value(G.call({X}))), bits(value(H.S->call("g", {X}))));
      }
    }
  }
}

/// operator() is call() with the arguments as C++ numbers, on the inline
/// path and off it.
TEST(PreparedCallTest, TypedCallsMatchCallInEveryMode) {
  for (const Config &C : Configs) {
    SCOPED_TRACE(C.Name);
    Host H(C.Mode, C.Baseline, C.TierUp);
    H.run(Program);
    H.run("def none() 2.5; def four(a b c d) a - b * c + d;");
    PreparedCall F = H.prepare("f", 2), G = H.prepare("g", 1);
    PreparedCall None = H.prepare("none", 0), Four = H.prepare("four", 4);
    for (double X : {-2.5, 0.0, 1.0, 3.75}) {
      for (int Round = 0; Round < 3; ++Round) {
        EXPECT_EQ(bits(value(F(X, 1.5))), bits(value(F.call({X, 1.5}))));
        EXPECT_EQ(bits(value(G(X))), bits(value(G.call({X}))));
        EXPECT_EQ(bits(value(Four(X, 2, 3, 1))),
                  bits(value(Four.call({X, 2, 3, 1}))));
      }
    }
    EXPECT_EQ(value(None()), 2.5);
    EXPECT_EQ(value(F(1, 2.0f)), value(F.call({1, 2}))) << "ints, floats";
    EXPECT_EQ(kindOf(F(1.0)), ErrorKind::Usage);
    EXPECT_EQ(kindOf(G(1.0, 2.0)), ErrorKind::Usage);
  }
}

/// A handle's inline path follows its function to the optimised code a
/// background compile installs, and keeps its bits.
TEST(PreparedCallTest, TheInlinePathFollowsATierUp) {
  SessionOptions O;
  O.TierUpCalls = 10;
  O.CompileThreads = 1;
  auto S = llvm::cantFail(Session::create(std::move(O)));
  llvm::cantFail(S->run("def h(x) x * 0.1 + 0.7 * x * x;", "host.ks"));
  PreparedCall H = llvm::cantFail(S->prepare("h", 1));
  double First = value(H(3.0));
  for (int I = 0; I < 100; ++I)
    EXPECT_EQ(bits(value(H(3.0))), bits(First));
  S->waitForCompiles();
  for (int I = 0; I < 100; ++I)
    EXPECT_EQ(bits(value(H(3.0))), bits(First));
  std::vector<FunctionInfo> Fs = S->functions();
  auto It = std::find_if(Fs.begin(), Fs.end(),
                         [](const FunctionInfo &F) { return F.Name == "h"; });
  ASSERT_NE(It, Fs.end());
  EXPECT_EQ(It->Status, FunctionStatus::Optimized);
}

/// A typed call of a function that can fail is guarded.
TEST(PreparedCallTest, ATypedCallOfAFailingFunctionIsASessionError) {
  Host H;
  H.run("extern missing(x); def bad(x) missing(x);");
  PreparedCall Bad = H.prepare("bad", 1);
  EXPECT_EQ(kindOf(Bad(1.0)), ErrorKind::Runtime);
}

TEST(PreparedCallTest, OutputGoesToTheSession) {
  Host H;
  H.run("extern printd(x); def p(x) printd(x) + 1;");
  PreparedCall P = H.prepare("p", 1);
  EXPECT_EQ(value(P.call({41})), 1) << "printd returns 0";
  EXPECT_EQ(H.Out, "41.000000\n");
}

TEST(PreparedCallTest, FollowsARedefinition) {
  for (const Config &C : Configs) {
    SCOPED_TRACE(C.Name);
    Host H(C.Mode, C.Baseline, C.TierUp);
    H.run("def h(x) x + 1;");
    PreparedCall P = H.prepare("h", 1);
    EXPECT_EQ(value(P.call({1})), 2);
    H.run("def h(x) x * 10;");
    EXPECT_EQ(value(P.call({1})), 10);
  }
}

TEST(PreparedCallTest, ARuntimeErrorIsASessionError) {
  Host H;
  H.run("extern missing(x); def m(x) missing(x) + 1;");
  PreparedCall P = H.prepare("m", 1);
  EXPECT_EQ(kindOf(P.call({1})), ErrorKind::Runtime);
  ASSERT_FALSE(H.Diags.empty());
  EXPECT_NE(H.Diags.back().find("defined nowhere"), std::string::npos)
      << H.Diags.back();
  // The session goes on, and so does the handle.
  H.run("def missing(x) x * 2;");
  EXPECT_EQ(value(P.call({4})), 9);
}

TEST(PreparedCallTest, AStackOverflowIsASessionError) {
  Host H;
  H.run("def down(x) 1 + down(x + 1);");
  PreparedCall P = H.prepare("down", 1);
  EXPECT_EQ(kindOf(P.call({0})), ErrorKind::Runtime);
  ASSERT_FALSE(H.Diags.empty());
  EXPECT_NE(H.Diags.back().find("stack overflow in 'down'"), std::string::npos)
      << H.Diags.back();
}

double failing(double X) {
  if (X < 0)
    failHostCall("negative input");
  return X;
}

TEST(PreparedCallTest, AFailedHostFunctionIsASessionError) {
  Host H;
  ASSERT_FALSE(H.S->defineHostFunction("checked", &failing));
  H.run("extern checked(x); extern printd(x);"
        "def c(x) checked(x) + printd(x);");
  PreparedCall P = H.prepare("c", 1);
  EXPECT_EQ(kindOf(P.call({-1})), ErrorKind::Runtime);
  ASSERT_FALSE(H.Diags.empty());
  EXPECT_NE(H.Diags.back().find("negative input"), std::string::npos);
  EXPECT_EQ(H.Out, "") << "nothing printed after the failure";
  EXPECT_EQ(value(P.call({2})), 2) << "2 + printd(2)";
  EXPECT_EQ(H.Out, "2.000000\n");
}

/// A host function that interrupts its session: a call that loops forever
/// must still end.
double interruptSession(void *S, double X) {
  static_cast<Session *>(S)->interrupt();
  return X;
}

TEST(PreparedCallTest, AnInterruptEndsTheCall) {
  Host H;
  ASSERT_FALSE(H.S->defineHostFunction("stop", &interruptSession, H.S.get()));
  H.run("extern stop(x);"
        "def spin(x) for i = 0, 1 in stop(i);");
  PreparedCall P = H.prepare("spin", 1);
  EXPECT_EQ(kindOf(P.call({0})), ErrorKind::Interrupted);
  // The next call starts afresh.
  H.run("def quick(x) x;");
  EXPECT_EQ(value(H.prepare("quick", 1).call({3})), 3);
}

/// A function of arithmetic and libm calls runs unguarded (it cannot fail);
/// once a definition makes its callee a function that can, the handle
/// guards the call again.
TEST(PreparedCallTest, ACallThatCanFailAgainIsGuardedAgain) {
  for (const Config &C : Configs) {
    SCOPED_TRACE(C.Name);
    Host H(C.Mode, C.Baseline, C.TierUp);
    H.run("extern sin(x); def k(x) sin(x) * 2 + x * x;");
    PreparedCall P = H.prepare("k", 1);
    for (int I = 0; I < 5; ++I)
      EXPECT_EQ(bits(value(P.call({0.5}))), bits(std::sin(0.5) * 2 + 0.25));
    H.run("def sin(x) sin(x + 1) + 1;"); // recurses for ever
    EXPECT_EQ(kindOf(P.call({0.5})), ErrorKind::Runtime);
    ASSERT_FALSE(H.Diags.empty());
    EXPECT_NE(H.Diags.back().find("stack overflow"), std::string::npos)
        << H.Diags.back();
  }
}

/// An extern of a libm name with the wrong arity fails at the call: the
/// handle keeps the guard, so that is an error, not an abort.
TEST(PreparedCallTest, ALibmCallOfTheWrongArityStaysGuarded) {
  Host H;
  H.run("extern pow(x); def w(x) pow(x) + 1;");
  PreparedCall P = H.prepare("w", 1);
  EXPECT_EQ(kindOf(P.call({2})), ErrorKind::Runtime);
  ASSERT_FALSE(H.Diags.empty());
  EXPECT_NE(H.Diags.back().find("pow"), std::string::npos) << H.Diags.back();
}

TEST(PreparedCallTest, AWrongNumberOfArgumentsIsAUsageError) {
  Host H;
  H.run("def two(a b) a + b;");
  PreparedCall P = H.prepare("two", 2);
  EXPECT_EQ(kindOf(P.call({1})), ErrorKind::Usage);
  std::vector<double> Col(4, 1.0), Out(4);
  const double *Cols[] = {Col.data()};
  EXPECT_EQ(kindOf(P.callBatch(Cols, Out.data(), Out.size())),
            ErrorKind::Usage);
  EXPECT_EQ(kindOf(H.S->prepare("two", 3)), ErrorKind::Compile);
  EXPECT_EQ(kindOf(H.S->prepare("nothing", 1)), ErrorKind::Compile);
}

TEST(PreparedCallTest, AHandleOutlivesItsSession) {
  PreparedCall P;
  {
    Host H;
    H.run("def one(x) 1;");
    P = H.prepare("one", 1);
    EXPECT_EQ(value(P.call({0})), 1);
  }
  EXPECT_EQ(kindOf(P.call({0})), ErrorKind::Usage);
  EXPECT_EQ(kindOf(P(0)), ErrorKind::Usage) << "the inline path too";
  double In = 0, Out = 0;
  const double *Cols[] = {&In};
  EXPECT_EQ(kindOf(P.callBatch(Cols, &Out, 1)), ErrorKind::Usage);
  EXPECT_EQ(P.name(), "one");
}

TEST(PreparedCallTest, AnEmptyHandleFails) {
  PreparedCall P;
  EXPECT_EQ(kindOf(P.call({})), ErrorKind::Usage);
  EXPECT_EQ(kindOf(P()), ErrorKind::Usage);
  EXPECT_EQ(P.name(), "");
  EXPECT_EQ(P.arity(), 0u);
}

TEST(PreparedCallTest, AnUndoneNameIsLookedUpAgain) {
  Host H(JITMode::Lazy, DefaultBaseline, 1000, /*UndoLimit=*/4);
  H.run("def gone(x) x;");
  PreparedCall P = H.prepare("gone", 1);
  EXPECT_EQ(value(P.call({5})), 5);
  ASSERT_TRUE(bool(H.S->undo()));
  EXPECT_EQ(kindOf(P.call({5})), ErrorKind::Compile) << "no function named";
  // Declared again, with another arity: the handle does not call it wrongly.
  H.run("def gone(a b) a - b;");
  EXPECT_EQ(kindOf(P.call({5})), ErrorKind::Compile);
  H.run("def other(x) x;");
  ASSERT_TRUE(bool(H.S->undo()));
  ASSERT_TRUE(bool(H.S->undo()));
  H.run("def gone(x) x * 3;");
  EXPECT_EQ(value(P.call({5})), 15);
}

TEST(PreparedCallTest, ManyParametersTakeTheSlowPath) {
  std::string Params, Sum;
  for (int I = 0; I < 20; ++I) {
    Params += " p" + std::to_string(I);
    Sum += (I ? " + p" : "p") + std::to_string(I);
  }
  Host H;
  H.run("def wide(" + Params + ") " + Sum + ";");
  PreparedCall P = H.prepare("wide", 20);
  std::vector<double> Args(20);
  for (int I = 0; I < 20; ++I)
    Args[I] = I;
  EXPECT_EQ(value(P.call(Args)), 190);
  std::vector<std::vector<double>> Cols(20, std::vector<double>(3, 1.0));
  std::vector<const double *> Ptrs;
  for (auto &C : Cols)
    Ptrs.push_back(C.data());
  std::vector<double> Out(3);
  ASSERT_FALSE(P.callBatch(Ptrs, Out.data(), Out.size()));
  EXPECT_EQ(Out, std::vector<double>(3, 20.0));
}

//===----------------------------------------------------------------------===//
// Batches
//===----------------------------------------------------------------------===//

/// Columns of Rows values that exercise every branch.
std::vector<std::vector<double>> columns(unsigned N, size_t Rows) {
  std::vector<std::vector<double>> Cols(N);
  for (unsigned J = 0; J != N; ++J)
    for (size_t I = 0; I != Rows; ++I)
      Cols[J].push_back(std::sin(double(I * (J + 3) + 1)) * 7.5);
  return Cols;
}

std::vector<const double *>
pointers(const std::vector<std::vector<double>> &C) {
  std::vector<const double *> P;
  for (const auto &Col : C)
    P.push_back(Col.data());
  return P;
}

/// callBatch gives, row by row, call()'s bits: in every mode, for formulas
/// of several shapes, over more rows than one chunk.
TEST(PreparedCallTest, ABatchHasTheBitsOfOneCallPerRow) {
  const char *Formulas[] = {
      "def k(a) (2.2 * a + 1.1) * 3.3;",
      "def k(a b) 1.1 * a * a + 2.2 * b * b * b;",
      "extern sin(x); def k(a b) (a * a / sin(2 * 3.14159 / b)) - a / 2;",
      "def k(a b) if a < b then a else b * 1e-3;",
      "def k(a b c) var t = a * b in t * t - c;",
  };
  const size_t Rows = PreparedCall::BatchChunk * 2 + 37;
  for (const Config &C : Configs) {
    for (const char *F : Formulas) {
      SCOPED_TRACE(std::string(C.Name) + ": " + F);
      Host H(C.Mode, C.Baseline, C.TierUp, 0, Dialect::Formula);
      H.run(F);
      llvm::StringRef Src(F);
      size_t Open = Src.find("def k(") + 6;
      unsigned Arity =
          1 + Src.substr(Open, Src.find(')', Open) - Open).count(' ');
      PreparedCall P = H.prepare("k", Arity);
      auto Cols = columns(Arity, Rows);
      std::vector<double> Out(Rows);
      ASSERT_FALSE(P.callBatch(pointers(Cols), Out.data(), Rows));
      std::vector<double> Row(Arity);
      for (size_t I = 0; I < Rows; I += 97) {
        for (unsigned J = 0; J != Arity; ++J)
          Row[J] = Cols[J][I];
        ASSERT_EQ(bits(Out[I]), bits(value(P.call(Row)))) << "row " << I;
      }
    }
  }
}

/// Debug info (-g) is for the function's own code: its batch kernel is
/// built without it, and gives the same bits.
TEST(PreparedCallTest, ABatchWorksInADebuggedSession) {
  SessionOptions O;
  O.DebugInfo = true;
  O.CompileThreads = 0;
  auto S = llvm::cantFail(Session::create(std::move(O)));
  ASSERT_FALSE(llvm::errorToBool(
      S->run("def d(a b) if a < b then a * b else a - b;", "debug.ks")));
  PreparedCall P = llvm::cantFail(S->prepare("d", 2));
  auto Cols = columns(2, 100);
  std::vector<double> Out(100);
  ASSERT_FALSE(P.callBatch(pointers(Cols), Out.data(), 100));
  for (size_t I = 0; I < 100; ++I)
    EXPECT_EQ(bits(Out[I]), bits(value(P.call({Cols[0][I], Cols[1][I]}))));
}

TEST(PreparedCallTest, ABatchMayWriteOverAColumn) {
  Host H;
  H.run("def half(x) x * 0.5;");
  std::vector<double> V = {2, 4, 6, 8, 10};
  const double *Cols[] = {V.data()};
  ASSERT_FALSE(H.prepare("half", 1).callBatch(Cols, V.data(), V.size()));
  EXPECT_EQ(V, (std::vector<double>{1, 2, 3, 4, 5}));
}

TEST(PreparedCallTest, AnEmptyBatchDoesNothing) {
  Host H;
  H.run("def one(x) 1;");
  const double *Cols[] = {nullptr};
  EXPECT_FALSE(H.prepare("one", 1).callBatch(Cols, nullptr, 0));
}

TEST(PreparedCallTest, ABatchFollowsARedefinition) {
  Host H;
  H.run("def r(x) x + 1;");
  PreparedCall P = H.prepare("r", 1);
  std::vector<double> In = {1, 2, 3}, Out(3);
  const double *Cols[] = {In.data()};
  ASSERT_FALSE(P.callBatch(Cols, Out.data(), 3));
  EXPECT_EQ(Out, (std::vector<double>{2, 3, 4}));
  H.run("def r(x) x * 100;");
  ASSERT_FALSE(P.callBatch(Cols, Out.data(), 3));
  EXPECT_EQ(Out, (std::vector<double>{100, 200, 300}));
}

TEST(PreparedCallTest, ABatchPrintsRowByRow) {
  Host H;
  H.run("extern printd(x); def show(x) printd(x);");
  std::vector<double> In = {1, 2, 3}, Out(3);
  const double *Cols[] = {In.data()};
  ASSERT_FALSE(H.prepare("show", 1).callBatch(Cols, Out.data(), 3));
  EXPECT_EQ(H.Out, "1.000000\n2.000000\n3.000000\n");
}

TEST(PreparedCallTest, ARuntimeErrorEndsTheBatchAtItsRow) {
  Host H;
  ASSERT_FALSE(H.S->defineHostFunction("checked", &failing));
  H.run("extern checked(x); def b(x) checked(x) * 2;");
  std::vector<double> In = {1, 2, -1, 4}, Out(4, 0);
  const double *Cols[] = {In.data()};
  EXPECT_EQ(kindOf(H.prepare("b", 1).callBatch(Cols, Out.data(), 4)),
            ErrorKind::Runtime);
  EXPECT_EQ(Out[0], 2);
  EXPECT_EQ(Out[1], 4);
  EXPECT_EQ(Out[3], 0) << "no row after the failing one ran";
}

TEST(PreparedCallTest, AnInterruptEndsABatch) {
  Host H;
  ASSERT_FALSE(H.S->defineHostFunction("stop", &interruptSession, H.S.get()));
  H.run("extern stop(x); def b(x) stop(x);");
  std::vector<double> In(PreparedCall::BatchChunk * 3, 1.0), Out(In.size());
  const double *Cols[] = {In.data()};
  EXPECT_EQ(kindOf(H.prepare("b", 1).callBatch(Cols, Out.data(), In.size())),
            ErrorKind::Interrupted);
}

} // namespace
