//===- HostFunctionsTest.cpp - Thunks for the host's functions ------------===//

#include "Runtime/HostFunctions.h"

#include "gtest/gtest.h"

using namespace kaleido::rt;

namespace {

double plusOne(double X) { return X + 1; }
double timesTen(double X) { return X * 10; }
double weighted(void *Ctx, double A, double B) {
  return *static_cast<double *>(Ctx) * A + B;
}
/// Nine doubles: the ninth is passed on the stack, which the thunk leaves
/// as it is.
double nine(double A, double B, double C, double D, double E, double F,
            double G, double H, double I) {
  return A + B + C + D + E + F + G + H + 1000 * I;
}
double nineWithContext(void *Ctx, double A, double B, double C, double D,
                       double E, double F, double G, double H, double I) {
  return *static_cast<double *>(Ctx) + nine(A, B, C, D, E, F, G, H, I);
}

using Fn1 = double (*)(double);
using Fn2 = double (*)(double, double);
using Fn9 = double (*)(double, double, double, double, double, double, double,
                       double, double);

TEST(HostFunctionsTest, ThunkCallsTheFunction) {
  if (!HostFunctionTable::isSupported())
    GTEST_SKIP() << "no thunks on this host";
  HostFunctionTable T;
  ASSERT_FALSE(
      T.define("f", 1, reinterpret_cast<void *>(&plusOne), nullptr, false));
  const HostFunctionTable::Entry *E = T.find("f");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->Arity, 1u);
  EXPECT_EQ(reinterpret_cast<Fn1>(E->Address)(41), 42.0);
  EXPECT_EQ(T.find("g"), nullptr);
}

TEST(HostFunctionsTest, ContextGoesFirst) {
  if (!HostFunctionTable::isSupported())
    GTEST_SKIP() << "no thunks on this host";
  HostFunctionTable T;
  double Weight = 3;
  ASSERT_FALSE(
      T.define("w", 2, reinterpret_cast<void *>(&weighted), &Weight, true));
  EXPECT_EQ(reinterpret_cast<Fn2>(T.find("w")->Address)(2, 1), 7.0);
}

TEST(HostFunctionsTest, StackArgumentsPassThrough) {
  if (!HostFunctionTable::isSupported())
    GTEST_SKIP() << "no thunks on this host";
  HostFunctionTable T;
  double Base = 0.5;
  ASSERT_FALSE(
      T.define("n", 9, reinterpret_cast<void *>(&nine), nullptr, false));
  ASSERT_FALSE(T.define("c", 9, reinterpret_cast<void *>(&nineWithContext),
                        &Base, true));
  EXPECT_EQ(
      reinterpret_cast<Fn9>(T.find("n")->Address)(1, 2, 3, 4, 5, 6, 7, 8, 9),
      9036.0);
  EXPECT_EQ(
      reinterpret_cast<Fn9>(T.find("c")->Address)(1, 2, 3, 4, 5, 6, 7, 8, 9),
      9036.5);
}

TEST(HostFunctionsTest, RedefiningKeepsTheAddress) {
  if (!HostFunctionTable::isSupported())
    GTEST_SKIP() << "no thunks on this host";
  HostFunctionTable T;
  ASSERT_FALSE(
      T.define("f", 1, reinterpret_cast<void *>(&plusOne), nullptr, false));
  void *Before = T.find("f")->Address;
  ASSERT_FALSE(
      T.define("f", 1, reinterpret_cast<void *>(&timesTen), nullptr, false));
  EXPECT_EQ(T.find("f")->Address, Before);
  EXPECT_EQ(reinterpret_cast<Fn1>(Before)(4), 40.0);
}

TEST(HostFunctionsTest, ManyThunksSpanPages) {
  if (!HostFunctionTable::isSupported())
    GTEST_SKIP() << "no thunks on this host";
  HostFunctionTable T;
  for (int I = 0; I < 1000; ++I)
    ASSERT_FALSE(
        T.define("f" + std::to_string(I), 1,
                 reinterpret_cast<void *>(I % 2 ? &plusOne : &timesTen),
                 nullptr, false));
  for (int I = 0; I < 1000; ++I)
    EXPECT_EQ(
        reinterpret_cast<Fn1>(T.find("f" + std::to_string(I))->Address)(3),
        I % 2 ? 4.0 : 30.0);
}

} // namespace
