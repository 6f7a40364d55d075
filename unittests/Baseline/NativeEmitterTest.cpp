//===- NativeEmitterTest.cpp - Unit tests for the native baseline emitter -===//
//
// Each construct is compiled from source by emitNative, placed in a
// CodeArena and run; results must be what IRGen's code and the interpreter
// give, bit for bit, NaN operands included.
//
//===----------------------------------------------------------------------===//

#include "Baseline/NativeEmitter.h"
#include "JIT/CodeArena.h"
#include "Runtime/Runtime.h"
#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

using namespace kaleido;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();

double triple(double X) { return 3 * X; }
double sum8(double A, double B, double C, double D, double E, double F,
            double G, double H) {
  return A + 2 * B + 3 * C + 4 * D + 5 * E + 6 * F + 7 * G + 8 * H;
}

uint64_t bitsOf(double V) {
  uint64_t B;
  std::memcpy(&B, &V, sizeof(B));
  return B;
}

/// A checked program whose functions are compiled by the native emitter.
class NativeProgram {
public:
  explicit NativeProgram(llvm::StringRef Src) {
    test::load(P, Src);
    EXPECT_TRUE(P.Errors.empty()) << P.Errors.front();
    Hosts["triple"] = reinterpret_cast<uint64_t>(&triple);
    Hosts["sum8"] = reinterpret_cast<uint64_t>(&sum8);
  }

  /// Emits Name with Opts (plus the host functions as callees).
  llvm::Expected<std::vector<uint8_t>> emit(llvm::StringRef Name,
                                            NativeEmitOptions Opts = {}) {
    const FunctionAST *F = P.body(Name);
    EXPECT_TRUE(F) << Name.str();
    auto Callee = [this](llvm::StringRef N) -> llvm::Expected<uint64_t> {
      auto It = Hosts.find(N.str());
      if (It == Hosts.end())
        return llvm::createStringError("no callee '" + N + "'");
      return It->second;
    };
    Opts.CalleeAddress = Callee;
    return emitNative(*F, Opts);
  }

  /// The code of Name, placed and ready to call (null if it failed).
  template <typename FnTy>
  FnTy *compile(llvm::StringRef Name, NativeEmitOptions Opts = {}) {
    auto Code = emit(Name, Opts);
    if (!Code) {
      ADD_FAILURE() << llvm::toString(Code.takeError());
      return nullptr;
    }
    auto Addr = Arena.place(*Code);
    if (!Addr) {
      ADD_FAILURE() << llvm::toString(Addr.takeError());
      return nullptr;
    }
    Hosts[Name.str()] = reinterpret_cast<uint64_t>(*Addr);
    return reinterpret_cast<FnTy *>(*Addr);
  }

  test::Program P;
  std::map<std::string, uint64_t> Hosts;
  CodeArena Arena;
};

using Fn0 = double();
using Fn1 = double(double);
using Fn2 = double(double, double);

TEST(NativeEmitterTest, Numbers) {
  NativeProgram N("def a() 42.5; def z() 0; def m() 0 - 0;");
  ASSERT_EQ(N.compile<Fn0>("a")(), 42.5);
  EXPECT_EQ(bitsOf(N.compile<Fn0>("z")()), bitsOf(0.0));
  EXPECT_EQ(bitsOf(N.compile<Fn0>("m")()), bitsOf(0.0 - 0.0));
}

TEST(NativeEmitterTest, Arithmetic) {
  NativeProgram N("def f(a b c) a + b * c - a * 0.1;");
  auto *F = N.compile<double(double, double, double)>("f");
  ASSERT_TRUE(F);
  volatile double A = 1.7, B = 2.3, C = -0.9;
  EXPECT_EQ(bitsOf(F(A, B, C)), bitsOf(A + B * C - A * 0.1));
}

TEST(NativeEmitterTest, LessIsUnordered) {
  NativeProgram N("def lt(a b) a < b;");
  auto *Lt = N.compile<Fn2>("lt");
  ASSERT_TRUE(Lt);
  EXPECT_EQ(Lt(1, 2), 1.0);
  EXPECT_EQ(bitsOf(Lt(2, 1)), bitsOf(0.0));
  EXPECT_EQ(Lt(1, 1), 0.0);
  EXPECT_EQ(Lt(NaN, 1), 1.0);
  EXPECT_EQ(Lt(1, NaN), 1.0);
}

TEST(NativeEmitterTest, IfWithNaNConditionIsFalse) {
  NativeProgram N("def f(c) if c then 1 else 2;"
                  "def g(a b) if a < b then 1 else 2;");
  auto *F = N.compile<Fn1>("f");
  auto *G = N.compile<Fn2>("g");
  ASSERT_TRUE(F && G);
  EXPECT_EQ(F(3), 1);
  EXPECT_EQ(F(0), 2);
  EXPECT_EQ(F(-0.0), 2);
  EXPECT_EQ(F(NaN), 2);
  EXPECT_EQ(G(1, 2), 1);
  EXPECT_EQ(G(2, 1), 2);
  EXPECT_EQ(G(NaN, 1), 1); // `<` itself is unordered.
}

TEST(NativeEmitterTest, ForTestsBeforeEveryIteration) {
  NativeProgram N("def count(n) var s = 0 in (for i = 0, i < n in s = s + 1) "
                  "+ s;"
                  "def never() var s = 7 in (for i = 1, 0 in s = 5) + s;"
                  "def step() var s = 0 in (for i = 0, i < 10, 2.5 in "
                  "s = s + i) + s;");
  auto *Count = N.compile<Fn1>("count");
  ASSERT_TRUE(Count);
  EXPECT_EQ(Count(0), 0);
  EXPECT_EQ(Count(5), 5);
  EXPECT_EQ(N.compile<Fn0>("never")(), 7);
  EXPECT_EQ(N.compile<Fn0>("step")(), 0 + 2.5 + 5 + 7.5);
}

TEST(NativeEmitterTest, VarAndAssignment) {
  NativeProgram N("def f(x) var a = x, b = a * 2 in (a = b + 1) * b;"
                  "def g(a) var a = a + 1 in a;"
                  "def h(x) var y in (x = 3) + y + x;");
  EXPECT_EQ(N.compile<Fn1>("f")(2), 5 * 4);
  EXPECT_EQ(N.compile<Fn1>("g")(2), 3);
  EXPECT_EQ(N.compile<Fn1>("h")(9), 6);
}

TEST(NativeEmitterTest, CallsGoToTheCalleeAddress) {
  NativeProgram N("extern triple(x); extern sum8(a b c d e f g h);"
                  "def f(x) triple(x) + 1;"
                  "def g(x) sum8(x, 1, 2, 3, 4, 5, 6, x * 2);"
                  "def h(x) f(x) * 2;");
  EXPECT_EQ(N.compile<Fn1>("f")(2), 7);
  EXPECT_EQ(N.compile<Fn1>("g")(1), sum8(1, 1, 2, 3, 4, 5, 6, 2));
  EXPECT_EQ(N.compile<Fn1>("h")(2), 14);
}

TEST(NativeEmitterTest, UserOperatorsAreCalls) {
  NativeProgram N("def binary| 5 (a b) if a then 1 else b;"
                  "def unary-(v) 0 - v;"
                  "def f(x) -x | 7;");
  ASSERT_TRUE(N.compile<Fn2>("binary|"));
  ASSERT_TRUE(N.compile<Fn1>("unary-"));
  auto *F = N.compile<Fn1>("f");
  ASSERT_TRUE(F);
  EXPECT_EQ(F(2), 1);
  EXPECT_EQ(F(0), 7);
}

TEST(NativeEmitterTest, SelfCallIsDirect) {
  NativeProgram N("def fib(n) if n < 2 then n else fib(n - 1) + fib(n - 2);");
  // No callee addresses: the self call needs none.
  auto *Fib = N.compile<Fn1>("fib");
  ASSERT_TRUE(Fib);
  EXPECT_EQ(Fib(20), 6765);
}

/// Runs Fn under the runtime's guard, which arms Word (the one the code
/// polls), as the session does.
llvm::Expected<double> runGuarded(llvm::function_ref<double()> Fn,
                                  rt::PollWord &Word, bool Interrupt = false) {
  std::atomic<bool> Requested(Interrupt);
  rt::Environment Env;
  Env.Poll = &Word;
  Env.InterruptRequested = &Requested;
  return rt::callGuarded(Fn, Env);
}

NativeEmitOptions withSafepoints(rt::PollWord *Word) {
  NativeEmitOptions O;
  O.PollWord = Word;
  auto Check = rt::resolveHostSymbol(rt::SafepointFunction, std::nullopt,
                                     /*AllowAll=*/false);
  EXPECT_TRUE(Check && *Check);
  O.SafepointFunction = Check ? *Check : nullptr;
  return O;
}

TEST(NativeEmitterTest, SelfTailCallRunsInConstantStack) {
  NativeProgram N("def loop(n acc) if n < 1 then acc else "
                  "loop(n - 1, acc + 1);");
  // Without the jump, ten million frames would overflow the stack (and the
  // safepoint would say so).
  rt::PollWord Word(0);
  auto *Loop = N.compile<Fn2>("loop", withSafepoints(&Word));
  ASSERT_TRUE(Loop);
  llvm::Expected<double> R = runGuarded([&] { return Loop(1e7, 0); }, Word);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(*R, 1e7);
}

TEST(NativeEmitterTest, SafepointStopsStackOverflow) {
  NativeProgram N("def deep(n) 1 + deep(n + 1);");
  rt::PollWord Word(0);
  auto *Deep = N.compile<Fn1>("deep", withSafepoints(&Word));
  ASSERT_TRUE(Deep);
  llvm::Expected<double> R = runGuarded([&] { return Deep(0); }, Word);
  ASSERT_FALSE(bool(R));
  EXPECT_EQ(llvm::toString(R.takeError()), "stack overflow in 'deep'");
}

TEST(NativeEmitterTest, SafepointSeesInterrupt) {
  NativeProgram N("def spin() for i = 0, 1 in 0;");
  rt::PollWord Word(0);
  auto *Spin = N.compile<Fn0>("spin", withSafepoints(&Word));
  ASSERT_TRUE(Spin);
  llvm::Expected<double> R =
      runGuarded([&] { return Spin(); }, Word, /*Interrupt=*/true);
  ASSERT_FALSE(bool(R));
  EXPECT_EQ(llvm::toString(R.takeError()), "interrupted");
}

struct Hot {
  int Calls = 0;
};
void onHot(void *Site) { ++static_cast<Hot *>(Site)->Calls; }

TEST(NativeEmitterTest, CounterCallsTheEntryAtZero) {
  NativeProgram N("def f(x) x + 1;");
  int32_t Countdown = 3;
  Hot H;
  NativeEmitOptions O;
  O.Countdown = &Countdown;
  O.CounterSite = &H;
  O.TierUpEntry = reinterpret_cast<const void *>(&onHot);
  auto *F = N.compile<Fn1>("f", O);
  ASSERT_TRUE(F);
  EXPECT_EQ(F(1), 2);
  EXPECT_EQ(F(2), 3);
  EXPECT_EQ(H.Calls, 0);
  EXPECT_EQ(F(3), 4); // The third call brings it to 0.
  EXPECT_EQ(H.Calls, 1);
  EXPECT_EQ(F(4), 5);
  EXPECT_EQ(H.Calls, 1);
}

TEST(NativeEmitterTest, ManyParametersAreNotSupported) {
  NativeProgram N("def nine(a b c d e f g h i) a + i;"
                  "def call9(x) nine(x, x, x, x, x, x, x, x, x);");
  auto Nine = N.emit("nine");
  ASSERT_FALSE(bool(Nine));
  EXPECT_NE(llvm::toString(Nine.takeError()).find("9 parameters"),
            std::string::npos);
  auto Call9 = N.emit("call9");
  ASSERT_FALSE(bool(Call9));
  EXPECT_NE(llvm::toString(Call9.takeError()).find("9 arguments"),
            std::string::npos);
}

TEST(NativeEmitterTest, CalleeWithoutAddressFails) {
  NativeProgram N("extern nowhere(x); def f(x) nowhere(x);");
  auto Code = N.emit("f");
  ASSERT_FALSE(bool(Code));
  EXPECT_NE(llvm::toString(Code.takeError()).find("nowhere"),
            std::string::npos);
}

TEST(NativeEmitterTest, LargeBodiesGrowTheBuffer) {
  // Well past the first 4 KiB buffer.
  std::string Body = "x";
  for (int I = 0; I < 300; ++I)
    Body = "(" + Body + " + 1)";
  NativeProgram N("def big(x) " + Body + ";");
  auto *Big = N.compile<Fn1>("big");
  ASSERT_TRUE(Big);
  EXPECT_EQ(Big(0), 300);
}

TEST(NativeEmitterTest, DebugMapRecordsLinesSlotsAndFrame) {
  NativeProgram N("def f(a b)\n  var t = a * 2 in\n    t + b;\n"
                  "def g(x) x;");
  NativeDebugMap Map;
  NativeEmitOptions Opts;
  Opts.Debug = &Map;
  auto Code = N.emit("f", Opts);
  ASSERT_TRUE(bool(Code)) << llvm::toString(Code.takeError());
  // The same code as without the map.
  auto Plain = N.emit("f");
  ASSERT_TRUE(bool(Plain));
  EXPECT_EQ(*Code, *Plain);

  ASSERT_FALSE(Map.Lines.empty());
  EXPECT_EQ(Map.Lines.front().Offset, 0u);
  EXPECT_EQ(Map.Lines.front().Loc.Line, 1u);
  std::set<unsigned> Lines;
  for (size_t I = 0; I < Map.Lines.size(); ++I) {
    Lines.insert(Map.Lines[I].Loc.Line);
    if (I)
      EXPECT_LT(Map.Lines[I - 1].Offset, Map.Lines[I].Offset);
    EXPECT_LT(Map.Lines[I].Offset, Map.CodeSize);
  }
  EXPECT_EQ(Lines, (std::set<unsigned>{1, 2, 3}));
  // The epilogue is the body's line (the `var`), not the definition's.
  EXPECT_EQ(Map.Lines.back().Loc.Line, 2u);

  // push rbp (1 byte), mov rbp, rsp (3), then the parameters' stores.
  EXPECT_EQ(Map.AfterPush, 1u);
  EXPECT_EQ(Map.AfterFrame, 4u);
  EXPECT_GT(Map.PrologueEnd, Map.AfterFrame);
  EXPECT_EQ((*Code)[Map.Leave], 0xC9);     // leave
  EXPECT_EQ((*Code)[Map.Leave + 1], 0xC3); // ret
  EXPECT_EQ(Map.CodeSize, Map.Leave + 2);

  ASSERT_EQ(Map.Scopes.size(), 2u);
  const NativeDebugMap::Scope &Fn = Map.Scopes[0], &Var = Map.Scopes[1];
  EXPECT_EQ(Fn.Parent, -1);
  ASSERT_EQ(Fn.Variables.size(), 2u);
  EXPECT_EQ(Fn.Variables[0].Name, "a");
  EXPECT_EQ(Fn.Variables[0].ArgNo, 1u);
  EXPECT_EQ(Fn.Variables[0].FrameOffset, -8);
  EXPECT_EQ(Fn.Variables[1].Name, "b");
  EXPECT_EQ(Fn.Variables[1].FrameOffset, -16);
  EXPECT_EQ(Var.Parent, 0);
  ASSERT_EQ(Var.Variables.size(), 1u);
  EXPECT_EQ(Var.Variables[0].Name, "t");
  EXPECT_EQ(Var.Variables[0].ArgNo, 0u);
  EXPECT_EQ(Var.Variables[0].Loc.Line, 2u);
  EXPECT_LT(Fn.Begin, Var.Begin);
  EXPECT_LT(Var.Begin, Var.End);
  EXPECT_LE(Var.End, Fn.End);
}

} // namespace
