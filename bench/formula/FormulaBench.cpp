//===- FormulaBench.cpp - Formulas: kaleido against muparser and C++ ------===//
//
// Part of kaleido's benchmark suite (bench/run's "formula" part runs this
// and reads the JSON it prints). Three formulas of different shape, each
// evaluated over the same Rows rows by every runner:
//
//   kaleido-prepared  the formula engine (examples/embed/formula/Formula.h):
//                     one guarded PreparedCall::call per row
//   kaleido-typed     the engine's PreparedCall called with C++ numbers,
//                     Fn(a, b), per row (its arity known where it is called)
//   kaleido-bulk      the same engine, one callBatch over all rows
//   kaleido-raw       the unguarded pointer Session::lookup gives, per row
//   kaleido-call      Session::call by name, per row (the slow path)
//   muparser          muparser's Eval() per row (Debian libmuparser-dev)
//   muparser-bulk     muparser's bulk mode, Eval(results, n)
//   cpp-function      the formula in C++ (HostFormulas.cpp, clang++-22 -O2),
//                     a function that is not inlined, per row
//   cpp-shared        the same function in a shared library, per row: as
//                     far from the caller as kaleido's code is (a call to
//                     a distant address costs more on some CPUs)
//   cpp-loop          the same as a loop over the arrays
//
// Time is process CPU time (muparser's bulk mode may use OpenMP threads),
// per evaluation: each round times every runner once, in an order rotated
// by the round, over enough passes to take about 3 ms; the median over
// rounds is reported. Every runner's results are compared bit for bit with
// cpp-loop's: kaleido's must match (exit 1 otherwise); muparser's
// mismatches are reported. Compile time (process CPU time too): the
// engine's set-up (a session and LLVM's target, once per host), then per
// formula the definition and first call, and the first bulk call (which
// compiles the batch kernel); muparser's SetExpr and first Eval.
//
//   kaleido-formula-bench [--rounds=R] [--rows=N]
//
//===----------------------------------------------------------------------===//

#include "../../examples/embed/formula/Formula.h"
#include "HostFormulas.h"

#include <muParser.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Case {
  const char *Name;
  const char *Text;
  std::vector<std::string> Variables;
  double (*Host)(double, double);
  double (*HostShared)(double, double);
  void (*HostLoop)(const double *, const double *, double *, size_t);
};

const Case Cases[] = {
    {"linear",
     "(2.2*a+1.1)*3.3",
     {"a"},
     hostformulas::linear,
     hostformulas_shared::linear,
     hostformulas::linearLoop},
    {"poly",
     "1.1*a*a+2.2*b*b*b",
     {"a", "b"},
     hostformulas::poly,
     hostformulas_shared::poly,
     hostformulas::polyLoop},
    {"trig",
     "(a*a/sin(2*3.14159/b))-a/2",
     {"a", "b"},
     hostformulas::trig,
     hostformulas_shared::trig,
     hostformulas::trigLoop},
};

double cpuSeconds() {
  timespec T;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &T);
  return T.tv_sec + T.tv_nsec * 1e-9;
}

[[noreturn]] void die(const std::string &Why) {
  std::fprintf(stderr, "kaleido-formula-bench: %s\n", Why.c_str());
  std::exit(1);
}

template <typename T> T check(llvm::Expected<T> V, const char *What) {
  if (!V)
    die(std::string(What) + ": " + llvm::toString(V.takeError()));
  return std::move(*V);
}

void check(llvm::Error E, const char *What) {
  if (E)
    die(std::string(What) + ": " + llvm::toString(std::move(E)));
}

double median(std::vector<double> V) {
  std::sort(V.begin(), V.end());
  size_t N = V.size();
  return N % 2 ? V[N / 2] : (V[N / 2 - 1] + V[N / 2]) / 2;
}

uint64_t bits(double D) {
  uint64_t B;
  std::memcpy(&B, &D, sizeof B);
  return B;
}

struct Runner {
  Runner(std::string Name, std::function<void(double *Y)> Run)
      : Name(std::move(Name)), Run(std::move(Run)) {}
  std::string Name;
  std::function<void(double *Y)> Run; // fills Y[0, Rows)
  unsigned Passes = 1;
  std::vector<double> Samples; // ns per evaluation, one per round
};

struct Result {
  std::map<std::string, double> NsPerEval;
  std::map<std::string, size_t> Mismatches;
  std::map<std::string, double> CompileMicros;
};

Result runCase(const Case &C, formula::FormulaEngine &Engine,
               const std::vector<double> &A, const std::vector<double> &B,
               unsigned Rounds) {
  const size_t Rows = A.size();
  const bool Binary = C.Variables.size() == 2;
  Result R;

  // Compile: the definition and its first call, then the first bulk call.
  double T0 = cpuSeconds();
  formula::Formula F = check(Engine.compile(C.Text, C.Variables), C.Name);
  std::vector<double> First = {A[0], B[0]};
  First.resize(C.Variables.size());
  check(F.evaluate(First), "first evaluation");
  R.CompileMicros["kaleido"] = (cpuSeconds() - T0) * 1e6;
  std::vector<double> Scratch(Rows);
  std::vector<const double *> Columns = {A.data(), B.data()};
  Columns.resize(C.Variables.size());
  T0 = cpuSeconds();
  check(F.evaluateBulk(Columns, Scratch.data(), 1), "first bulk evaluation");
  R.CompileMicros["kaleido-bulk"] = (cpuSeconds() - T0) * 1e6;

  // The unguarded pointer to the same compiled function.
  kaleido::Session &S = Engine.session();
  std::string Name = F.function().name().str();
  void *Raw = check(S.lookupUntyped(Name, C.Variables.size()), "lookup");

  double VA = 0, VB = 0;
  mu::Parser P, PB;
  T0 = cpuSeconds();
  P.DefineVar("a", &VA);
  P.DefineVar("b", &VB);
  P.SetExpr(C.Text);
  VA = A[0];
  VB = B[0];
  P.Eval();
  R.CompileMicros["muparser"] = (cpuSeconds() - T0) * 1e6;
  // Bulk mode: the variables are the arrays.
  PB.DefineVar("a", const_cast<double *>(A.data()));
  PB.DefineVar("b", const_cast<double *>(B.data()));
  PB.SetExpr(C.Text);

  std::vector<Runner> Runners;
  Runners.push_back({"kaleido-prepared", [&](double *Y) {
                       double Args[2];
                       for (size_t I = 0; I < Rows; ++I) {
                         Args[0] = A[I];
                         Args[1] = B[I];
                         llvm::Expected<double> V =
                             F.evaluate({Args, C.Variables.size()});
                         if (!V)
                           die(llvm::toString(V.takeError()));
                         Y[I] = *V;
                       }
                     }});
  Runners.push_back({"kaleido-typed", [&](double *Y) {
                       const kaleido::PreparedCall &Fn = F.function();
                       auto Each = [&](auto Call) {
                         for (size_t I = 0; I < Rows; ++I) {
                           llvm::Expected<double> V = Call(I);
                           if (!V)
                             die(llvm::toString(V.takeError()));
                           Y[I] = *V;
                         }
                       };
                       if (Binary)
                         Each([&](size_t I) { return Fn(A[I], B[I]); });
                       else
                         Each([&](size_t I) { return Fn(A[I]); });
                     }});
  Runners.push_back({"kaleido-bulk", [&](double *Y) {
                       check(F.evaluateBulk(Columns, Y, Rows), "bulk");
                     }});
  Runners.push_back({"kaleido-raw", [&](double *Y) {
                       if (Binary) {
                         auto *Fn =
                             reinterpret_cast<double (*)(double, double)>(Raw);
                         for (size_t I = 0; I < Rows; ++I)
                           Y[I] = Fn(A[I], B[I]);
                       } else {
                         auto *Fn = reinterpret_cast<double (*)(double)>(Raw);
                         for (size_t I = 0; I < Rows; ++I)
                           Y[I] = Fn(A[I]);
                       }
                     }});
  Runners.push_back({"kaleido-call", [&](double *Y) {
                       for (size_t I = 0; I < Rows; ++I) {
                         double Args[2] = {A[I], B[I]};
                         llvm::Expected<double> V =
                             S.call(Name, {Args, C.Variables.size()});
                         if (!V)
                           die(llvm::toString(V.takeError()));
                         Y[I] = *V;
                       }
                     }});
  Runners.push_back({"muparser", [&](double *Y) {
                       for (size_t I = 0; I < Rows; ++I) {
                         VA = A[I];
                         VB = B[I];
                         Y[I] = P.Eval();
                       }
                     }});
  Runners.push_back({"muparser-bulk",
                     [&](double *Y) { PB.Eval(Y, static_cast<int>(Rows)); }});
  Runners.push_back({"cpp-function", [&](double *Y) {
                       auto *volatile Host = C.Host;
                       for (size_t I = 0; I < Rows; ++I)
                         Y[I] = Host(A[I], B[I]);
                     }});
  Runners.push_back({"cpp-shared", [&](double *Y) {
                       auto *volatile Host = C.HostShared;
                       for (size_t I = 0; I < Rows; ++I)
                         Y[I] = Host(A[I], B[I]);
                     }});
  Runners.push_back({"cpp-loop", [&](double *Y) {
                       C.HostLoop(A.data(), B.data(), Y, Rows);
                     }});

  // Results, bit for bit against the host's loop; and the passes that make
  // one sample about 3 ms.
  std::vector<double> Want(Rows), Got(Rows);
  C.HostLoop(A.data(), B.data(), Want.data(), Rows);
  for (Runner &Rn : Runners) {
    std::fill(Got.begin(), Got.end(), 0.0);
    double T = cpuSeconds();
    Rn.Run(Got.data());
    T = std::max(cpuSeconds() - T, 1e-7);
    Rn.Passes = static_cast<unsigned>(std::clamp(3e-3 / T, 1.0, 1e5));
    size_t Bad = 0;
    for (size_t I = 0; I < Rows; ++I)
      Bad += bits(Got[I]) != bits(Want[I]);
    R.Mismatches[Rn.Name] = Bad;
    if (Bad && Rn.Name.rfind("kaleido", 0) == 0)
      die(std::string(C.Name) + ": " + Rn.Name + " differs from C++ in " +
          std::to_string(Bad) + " rows");
  }

  for (unsigned Round = 0; Round < Rounds; ++Round)
    for (size_t K = 0; K < Runners.size(); ++K) {
      Runner &Rn = Runners[(K + Round) % Runners.size()];
      double T = cpuSeconds();
      for (unsigned Pass = 0; Pass < Rn.Passes; ++Pass)
        Rn.Run(Got.data());
      T = cpuSeconds() - T;
      Rn.Samples.push_back(T * 1e9 / (double(Rn.Passes) * Rows));
    }
  for (Runner &Rn : Runners)
    R.NsPerEval[Rn.Name] = median(Rn.Samples);
  return R;
}

template <typename T>
void printMap(const char *Key, const std::map<std::string, T> &M,
              const char *Format) {
  std::printf("     \"%s\": {", Key);
  bool First = true;
  for (const auto &[K, V] : M) {
    std::printf(First ? "\"%s\": " : ", \"%s\": ", K.c_str());
    std::printf(Format, V);
    First = false;
  }
  std::printf("}");
}

} // namespace

int main(int Argc, char **Argv) {
  unsigned Rounds = 9;
  size_t Rows = 4096;
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    if (Arg.consume_front("--rounds=") && !Arg.getAsInteger(10, Rounds) &&
        Rounds > 0)
      continue;
    if (Arg.consume_front("--rows=") && !Arg.getAsInteger(10, Rows) && Rows > 0)
      continue;
    die("usage: kaleido-formula-bench [--rounds=R] [--rows=N]");
  }
  std::vector<double> A(Rows), B(Rows);
  for (size_t I = 0; I < Rows; ++I) {
    A[I] = 0.5 + double(I % 97) * 0.021;
    B[I] = 0.75 + double(I % 89) * 0.017;
  }

  double T0 = cpuSeconds();
  formula::FormulaEngine Engine =
      check(formula::FormulaEngine::create(), "engine");
  // A first formula builds the session's LLVM target: a host pays it once.
  formula::Formula Warm = check(Engine.compile("0", {}), "warm-up");
  check(Warm.evaluate({}), "warm-up");
  double SetupMicros = (cpuSeconds() - T0) * 1e6;

  std::printf("{\n  \"rows\": %zu,\n  \"rounds\": %u,\n"
              "  \"engine_setup_us\": %.1f,\n  \"formulas\": [\n",
              Rows, Rounds, SetupMicros);
  for (const Case &C : Cases) {
    Result R = runCase(C, Engine, A, B, Rounds);
    std::printf("    {\"name\": \"%s\", \"text\": \"%s\",\n", C.Name, C.Text);
    printMap("ns_per_eval", R.NsPerEval, "%.4f");
    std::printf(",\n");
    printMap("mismatches", R.Mismatches, "%zu");
    std::printf(",\n");
    printMap("compile_us", R.CompileMicros, "%.1f");
    std::printf("}%s\n", &C == &Cases[std::size(Cases) - 1] ? "" : ",");
    std::fflush(stdout);
  }
  std::printf("  ]\n}\n");
  return 0;
}
