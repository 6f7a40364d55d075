//===- CAPITest.cpp - The C API, as a C host uses it ----------------------===//

#include "kaleido/kaleido.h"

#include "gtest/gtest.h"

#include <string>

namespace {

double twice(double X) { return 2 * X; }
double offset(void *Ctx, double X) { return X + *static_cast<double *>(Ctx); }
double refuse(double) {
  kaleido_fail_host_call("refused by the host");
  return 0;
}
void collect(void *Ctx, const char *Bytes, size_t Size) {
  static_cast<std::string *>(Ctx)->append(Bytes, Size);
}

struct CSession {
  kaleido_session *S = nullptr;
  std::string Out;
  explicit CSession(const kaleido_options *O = nullptr) {
    char *Err = nullptr;
    S = kaleido_session_new(O, &Err);
    EXPECT_NE(S, nullptr) << (Err ? Err : "");
    free(Err);
    kaleido_set_output(S, collect, &Out);
  }
  ~CSession() { kaleido_session_free(S); }
};

TEST(CAPITest, RunCallAndLookup) {
  CSession C;
  ASSERT_EQ(kaleido_run(C.S, "def hyp(a b) a*a + b*b;", "lib.ks"), KALEIDO_OK);
  double Args[] = {3, 4};
  double R = 0;
  ASSERT_EQ(kaleido_call(C.S, "hyp", Args, 2, &R), KALEIDO_OK);
  EXPECT_EQ(R, 25.0);
  auto *Hyp = reinterpret_cast<double (*)(double, double)>(
      kaleido_lookup(C.S, "hyp", 2));
  ASSERT_NE(Hyp, nullptr);
  EXPECT_EQ(Hyp(5, 12), 169.0);
  EXPECT_EQ(kaleido_lookup(C.S, "hyp", 3), nullptr);
  EXPECT_STRNE(kaleido_last_error(C.S), "");
}

TEST(CAPITest, ErrorsAreStatusesWithDiagnostics) {
  CSession C;
  EXPECT_EQ(kaleido_run(C.S, "def f(x) x +;", "bad.ks"), KALEIDO_COMPILE_ERROR);
  EXPECT_NE(std::string(kaleido_last_diagnostics(C.S))
                .find("bad.ks:1:13: error: expected an expression"),
            std::string::npos)
      << kaleido_last_diagnostics(C.S);
  // The next call starts clean.
  EXPECT_EQ(kaleido_run(C.S, "def g(x) x;", "ok.ks"), KALEIDO_OK);
  EXPECT_STREQ(kaleido_last_diagnostics(C.S), "");
  EXPECT_STREQ(kaleido_last_error(C.S), "");
  double R;
  EXPECT_EQ(kaleido_call(C.S, "nope", nullptr, 0, &R), KALEIDO_COMPILE_ERROR);
  EXPECT_EQ(kaleido_run(C.S, "def deep(x) 1 + deep(x + 1); deep(0)", "d.ks"),
            KALEIDO_RUNTIME_ERROR);
  EXPECT_EQ(kaleido_run(nullptr, "1", nullptr), KALEIDO_USAGE_ERROR);
}

TEST(CAPITest, HostFunctions) {
  CSession C;
  double Delta = 0.25;
  ASSERT_EQ(
      kaleido_define_host_function(
          C.S, "twice", 1, reinterpret_cast<kaleido_host_fn>(&twice), nullptr),
      KALEIDO_OK);
  ASSERT_EQ(
      kaleido_define_host_function(
          C.S, "offset", 1, reinterpret_cast<kaleido_host_fn>(&offset), &Delta),
      KALEIDO_OK);
  ASSERT_EQ(kaleido_define_host_function(
                C.S, "refuse", 1, reinterpret_cast<kaleido_host_fn>(&refuse),
                nullptr),
            KALEIDO_OK);
  ASSERT_EQ(kaleido_run(C.S,
                        "extern twice(x); extern offset(x); extern refuse(x);"
                        "extern printd(x); printd(offset(twice(2)))",
                        "h.ks"),
            KALEIDO_OK);
  EXPECT_EQ(C.Out, "4.250000\n");
  EXPECT_EQ(kaleido_run(C.S, "refuse(1)", "r.ks"), KALEIDO_RUNTIME_ERROR);
  EXPECT_NE(
      std::string(kaleido_last_diagnostics(C.S)).find("refused by the host"),
      std::string::npos);
  EXPECT_EQ(
      kaleido_define_host_function(
          C.S, "sin", 1, reinterpret_cast<kaleido_host_fn>(&twice), nullptr),
      KALEIDO_USAGE_ERROR);
}

TEST(CAPITest, FormulaDialect) {
  kaleido_options O = kaleido_default_options();
  EXPECT_EQ(O.dialect, KALEIDO_TUTORIAL);
  O.dialect = KALEIDO_FORMULA;
  CSession C(&O);
  ASSERT_EQ(kaleido_run(C.S, "def f(a b) a / b * 1e-1;", nullptr), KALEIDO_OK)
      << kaleido_last_diagnostics(C.S);
  double Args[] = {3, 2}, R = 0;
  ASSERT_EQ(kaleido_call(C.S, "f", Args, 2, &R), KALEIDO_OK);
  EXPECT_EQ(R, 3.0 / 2.0 * 1e-1);
  CSession T;
  EXPECT_EQ(kaleido_run(T.S, "1e-1", nullptr), KALEIDO_COMPILE_ERROR);
}

TEST(CAPITest, PreparedCallsAndBatches) {
  CSession C;
  ASSERT_EQ(kaleido_run(C.S, "def f(a b) a * b + 0.5;", "f.ks"), KALEIDO_OK);
  kaleido_function *F = kaleido_prepare(C.S, "f", 2);
  ASSERT_NE(F, nullptr) << kaleido_last_error(C.S);
  double Args[] = {3, 4}, V = 0;
  EXPECT_EQ(kaleido_function_call(F, Args, 2, &V), KALEIDO_OK);
  EXPECT_EQ(V, 12.5);

  double A[] = {1, 2, 3}, B[] = {10, 20, 30}, Out[3] = {};
  const double *Cols[] = {A, B};
  EXPECT_EQ(kaleido_function_call_batch(F, Cols, 2, Out, 3), KALEIDO_OK);
  EXPECT_EQ(Out[0], 10.5);
  EXPECT_EQ(Out[2], 90.5);

  // Wrong shapes are usage errors, with a summary in the session.
  EXPECT_EQ(kaleido_function_call(F, Args, 1, &V), KALEIDO_USAGE_ERROR);
  EXPECT_NE(std::string(kaleido_last_error(C.S)).find("takes 2"),
            std::string::npos)
      << kaleido_last_error(C.S);
  EXPECT_EQ(kaleido_function_call_batch(F, Cols, 1, Out, 3),
            KALEIDO_USAGE_ERROR);
  EXPECT_EQ(kaleido_function_call(nullptr, Args, 2, &V), KALEIDO_USAGE_ERROR);
  EXPECT_EQ(kaleido_prepare(C.S, "g", 1), nullptr);
  EXPECT_NE(std::string(kaleido_last_error(C.S)), "");

  // It follows a redefinition.
  ASSERT_EQ(kaleido_run(C.S, "def f(a b) a - b;", "f2.ks"), KALEIDO_OK);
  EXPECT_EQ(kaleido_function_call(F, Args, 2, &V), KALEIDO_OK);
  EXPECT_EQ(V, -1);
  kaleido_function_free(F);
  kaleido_function_free(nullptr);
}

TEST(CAPITest, APreparedCallFailsWithItsDiagnostic) {
  CSession C;
  kaleido_define_host_function(C.S, "refuse", 1, (kaleido_host_fn)refuse,
                               nullptr);
  ASSERT_EQ(
      kaleido_run(C.S, "extern refuse(x); def r(x) refuse(x) + 1;", "r.ks"),
      KALEIDO_OK);
  kaleido_function *R = kaleido_prepare(C.S, "r", 1);
  ASSERT_NE(R, nullptr);
  double X = 1, V = 7;
  EXPECT_EQ(kaleido_function_call(R, &X, 1, &V), KALEIDO_RUNTIME_ERROR);
  EXPECT_EQ(V, 7) << "no result on failure";
  EXPECT_NE(std::string(kaleido_last_diagnostics(C.S)).find("refused"),
            std::string::npos)
      << kaleido_last_diagnostics(C.S);
  const double *Cols[] = {&X};
  EXPECT_EQ(kaleido_function_call_batch(R, Cols, 1, &V, 1),
            KALEIDO_RUNTIME_ERROR);
  kaleido_function_free(R);
}

TEST(CAPITest, APreparedCallOutlivesItsSession) {
  kaleido_function *F = nullptr;
  {
    CSession C;
    ASSERT_EQ(kaleido_run(C.S, "def one() 1;", "one.ks"), KALEIDO_OK);
    F = kaleido_prepare(C.S, "one", 0);
    ASSERT_NE(F, nullptr);
    double V = 0;
    EXPECT_EQ(kaleido_function_call(F, nullptr, 0, &V), KALEIDO_OK);
    EXPECT_EQ(V, 1);
  }
  double V = 0;
  EXPECT_EQ(kaleido_function_call(F, nullptr, 0, &V), KALEIDO_USAGE_ERROR);
  EXPECT_EQ(kaleido_function_call_batch(F, nullptr, 0, &V, 1),
            KALEIDO_USAGE_ERROR);
  kaleido_function_free(F);
}

TEST(CAPITest, OptionsAndVersion) {
  kaleido_options O = kaleido_default_options();
  EXPECT_EQ(O.opt_level, 2u);
  O.mode = KALEIDO_INTERP;
  CSession C(&O);
  ASSERT_EQ(kaleido_run(C.S, "extern printd(x); printd(1 + 2)", nullptr),
            KALEIDO_OK);
  EXPECT_EQ(C.Out, "3.000000\n");
  O.opt_level = 9;
  char *Err = nullptr;
  EXPECT_EQ(kaleido_session_new(&O, &Err), nullptr);
  ASSERT_NE(Err, nullptr);
  EXPECT_NE(std::string(Err).find("optimisation level"), std::string::npos);
  free(Err);
  EXPECT_STREQ(kaleido_version(), KALEIDO_VERSION);
  kaleido_session_free(nullptr);
}

} // namespace
