//===- MicroBench.cpp - Google Benchmark micro-benchmarks for kaleido -----===//
//
// Part of kaleido's benchmark suite (bench/run runs this and keeps the JSON).
//
//   FirstCall/N        a small function's first call: stub hit -> IR ->
//                      machine code (the baseline tier) -> linked ->
//                      returned, with N other functions defined (N = 10,
//                      10000, 100000).
//   FirstCallNoTiers/N the same with --tier-up=0: IR -> -O2 -> machine code.
//                      Each iteration calls a different, never-called
//                      function; the per-call samples give median_us and
//                      p10/p90 (wall), and cpu_median_us (the thread's CPU
//                      time, which a busy machine does not inflate).
//   FirstCallNative/N  FirstCall with SessionOptions::Baseline = Native:
//                      kaleido's own x86-64 emitter makes the baseline code.
//                      native_compiles counts the probes it compiled (Probes
//                      + 2 unless some fell back to LLVM).
//   NewSessionFirstCall/native|llvm  each iteration creates a fresh Session
//                      (not timed as the benchmark's time; its median is
//                      create_median_us), defines one small formula, looks it
//                      up and calls it once: median_us, p10/p90 and
//                      cpu_median_us are of define + first call.
//   Call/*             steady-state cost of a call, from C++: through the
//                      stub Session::lookup returns, straight to the body the
//                      stub jumps to, and to the same function compiled by
//                      clang, through a pointer; guarded, through a
//                      PreparedCall and through Session::call; and per row
//                      of a PreparedCall::callBatch of 4096 rows (its
//                      items_per_second).
//   JITCall/*          the same from JIT'd code: a non-tail recursion of
//                      depth 1000 calling itself (a direct call) or a twin
//                      (through a stub).
//   Lex, Parse         throughput over a generated 2.6 MB program.
//   IRGen/*/small|mixed  per function: IR generation only; then with the -O2
//                      pipeline; then with code generation to an object file
//                      (kaleido's ObjectCompiler, as the JIT does). "small"
//                      are FirstCall's functions, so FirstCall minus these is
//                      linking and ORC's bookkeeping; "mixed" are the Parse
//                      benchmark's (if, for, var, calls).
//
// Internal headers (Lex/, Parse/, CodeGen/) are used read-only.
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "CodeGen/IRGen.h"
#include "CodeGen/Optimizer.h"
#include "JIT/ObjectCompiler.h"
#include "Lex/Lexer.h"
#include "Parse/Parser.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

using namespace llvm;

namespace {

using Clock = std::chrono::steady_clock;
using UnaryFn = double(double);

[[noreturn]] void die(const Twine &Msg) {
  errs() << "kaleido-microbench: " << Msg << '\n';
  std::exit(1);
}

template <typename T> T check(Expected<T> V, const char *What) {
  if (!V)
    die(Twine(What) + ": " + toString(V.takeError()));
  return std::move(*V);
}

void check(Error E, const char *What) {
  if (E)
    die(Twine(What) + ": " + toString(std::move(E)));
}

std::unique_ptr<kaleido::Session>
makeSession(unsigned OptLevel = 2, unsigned TierUpCalls = 1000,
            kaleido::BaselineKind Baseline = kaleido::BaselineKind::LLVM) {
  kaleido::SessionOptions Opts;
  Opts.OptLevel = OptLevel;
  Opts.TierUpCalls = TierUpCalls;
  Opts.Baseline = Baseline;
  Opts.OnDiagnostic = [](const kaleido::Diagnostic &D) {
    errs() << D.format();
  };
  Opts.OnOutput = [](StringRef) {};
  return check(kaleido::Session::create(std::move(Opts)), "Session::create");
}

/// N one-line definitions nobody calls.
std::string fillers(unsigned N) {
  std::string S;
  S.reserve(N * 24);
  for (unsigned I = 0; I < N; ++I)
    S += "def g" + std::to_string(I) + "(x) x + " + std::to_string(I) + ";\n";
  return S;
}

/// The small functions FirstCall compiles.
std::string probeDefinition(unsigned I) {
  std::string J = std::to_string(I);
  return "def p" + J + "(x) if x < " + J + " then x * x + " + J + " else x - " +
         J + ";\n";
}

double threadCPUSeconds() {
  timespec T;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &T);
  return T.tv_sec + T.tv_nsec * 1e-9;
}

double percentile(std::vector<double> V, double P) {
  std::sort(V.begin(), V.end());
  size_t I =
      std::min(V.size() - 1, static_cast<size_t>(P * (V.size() - 1) + 0.5));
  return V[I];
}

//===----------------------------------------------------------------------===//
// First-call latency
//===----------------------------------------------------------------------===//

constexpr unsigned Probes = 300;

void firstCall(benchmark::State &State, unsigned TierUpCalls,
               kaleido::BaselineKind Baseline = kaleido::BaselineKind::LLVM) {
  unsigned N = State.range(0);
  auto S = makeSession(2, TierUpCalls, Baseline);
  std::string Src = fillers(N);
  // Probes + 2 small functions; 2 are called before timing starts, so one-off
  // costs (the first compile of a session builds the pass pipeline) are not
  // charged to the first sample.
  for (unsigned I = 0; I < Probes + 2; ++I)
    Src += probeDefinition(I);
  check(S->run(Src, "<probes>"), "defining the probes");
  std::vector<UnaryFn *> Fns;
  for (unsigned I = 0; I < Probes + 2; ++I)
    Fns.push_back(check(S->lookup<UnaryFn>("p" + std::to_string(I)), "lookup"));

  auto T0 = Clock::now();
  benchmark::DoNotOptimize(Fns[0](1.0));
  double FirstInSession =
      std::chrono::duration<double>(Clock::now() - T0).count();
  benchmark::DoNotOptimize(Fns[1](1.0));

  std::vector<double> Samples, CPUSamples;
  unsigned Next = 2;
  for (auto _ : State) {
    if (Next == Fns.size())
      die("FirstCall ran out of probes; it must run with Iterations(Probes)");
    UnaryFn *Fn = Fns[Next++];
    double CPU0 = threadCPUSeconds();
    auto Start = Clock::now();
    double R = Fn(1.0);
    auto End = Clock::now();
    double CPU1 = threadCPUSeconds();
    benchmark::DoNotOptimize(R);
    double Sec = std::chrono::duration<double>(End - Start).count();
    State.SetIterationTime(Sec);
    Samples.push_back(Sec);
    CPUSamples.push_back(CPU1 - CPU0);
  }
  // Wall time is what a user waits; on a shared machine it also holds the
  // time the thread was not scheduled, which the thread's CPU time does not.
  State.counters["median_us"] = percentile(Samples, 0.5) * 1e6;
  State.counters["p10_us"] = percentile(Samples, 0.1) * 1e6;
  State.counters["p90_us"] = percentile(Samples, 0.9) * 1e6;
  State.counters["cpu_median_us"] = percentile(CPUSamples, 0.5) * 1e6;
  State.counters["cpu_p10_us"] = percentile(CPUSamples, 0.1) * 1e6;
  State.counters["cpu_p90_us"] = percentile(CPUSamples, 0.9) * 1e6;
  State.counters["first_in_session_us"] = FirstInSession * 1e6;
  State.counters["functions"] = N;
  State.counters["native_compiles"] = S->getStats().NativeCompiles;
}

/// At default settings: the probe is bounded, so its first call compiles
/// baseline code.
void BM_FirstCall(benchmark::State &State) { firstCall(State, 1000); }
/// With the baseline tier off: the first call compiles at -O2.
void BM_FirstCallO2(benchmark::State &State) { firstCall(State, 0); }
/// The baseline code from kaleido's own x86-64 emitter.
void BM_FirstCallNative(benchmark::State &State) {
  firstCall(State, 1000, kaleido::BaselineKind::Native);
}

/// What every first-call benchmark runs: one probe per iteration, timed by
/// firstCall itself.
void probeRuns(benchmark::internal::Benchmark *B) {
  B->Iterations(Probes)->UseManualTime()->Unit(benchmark::kMicrosecond);
}

BENCHMARK(BM_FirstCall)
    ->Name("FirstCall")
    ->Arg(10)
    ->Arg(10000)
    ->Arg(100000)
    ->Apply(probeRuns);
BENCHMARK(BM_FirstCallO2)
    ->Name("FirstCallNoTiers")
    ->Arg(10000)
    ->Apply(probeRuns);
BENCHMARK(BM_FirstCallNative)
    ->Name("FirstCallNative")
    ->Arg(10)
    ->Arg(10000)
    ->Arg(100000)
    ->Apply(probeRuns);

//===----------------------------------------------------------------------===//
// A new session's first call
//===----------------------------------------------------------------------===//

constexpr unsigned Sessions = 200;

/// What a host that makes a session per request waits for: a fresh Session,
/// one formula defined, its first call. Destroying the session is outside
/// the samples.
void newSessionFirstCall(benchmark::State &State,
                         kaleido::BaselineKind Baseline) {
  // The process's one-off costs (LLVM's target registry, the first
  // allocations) are not charged to the first sample.
  {
    auto S = makeSession(2, 1000, Baseline);
    check(S->run("def warm(x) x * 2 + 1;", "<warm>"), "defining warm");
    benchmark::DoNotOptimize(check(S->lookup<UnaryFn>("warm"), "lookup")(1.0));
  }
  std::vector<double> Samples, CPUSamples, Create;
  uint64_t NativeCompiles = 0;
  for (auto _ : State) {
    auto Start = Clock::now();
    auto S = makeSession(2, 1000, Baseline);
    auto Created = Clock::now();
    double CPU0 = threadCPUSeconds();
    check(S->run("def formula(x) if x < 3 then x * 7 + 1 else (x - 2) * 0.5;",
                 "<formula>"),
          "defining the formula");
    UnaryFn *Fn = check(S->lookup<UnaryFn>("formula"), "lookup formula");
    double R = Fn(1.0);
    auto End = Clock::now();
    double CPU1 = threadCPUSeconds();
    if (R != 8.0)
      die("the formula returned a wrong value");
    double Sec = std::chrono::duration<double>(End - Created).count();
    State.SetIterationTime(Sec);
    Samples.push_back(Sec);
    CPUSamples.push_back(CPU1 - CPU0);
    Create.push_back(std::chrono::duration<double>(Created - Start).count());
    NativeCompiles += S->getStats().NativeCompiles;
  } // Destroying the session is outside the sample.
  State.counters["median_us"] = percentile(Samples, 0.5) * 1e6;
  State.counters["p10_us"] = percentile(Samples, 0.1) * 1e6;
  State.counters["p90_us"] = percentile(Samples, 0.9) * 1e6;
  State.counters["cpu_median_us"] = percentile(CPUSamples, 0.5) * 1e6;
  State.counters["create_median_us"] = percentile(Create, 0.5) * 1e6;
  State.counters["create_p10_us"] = percentile(Create, 0.1) * 1e6;
  State.counters["create_p90_us"] = percentile(Create, 0.9) * 1e6;
  State.counters["native_compiles"] = NativeCompiles;
}

void BM_NewSessionNative(benchmark::State &State) {
  newSessionFirstCall(State, kaleido::BaselineKind::Native);
}
void BM_NewSessionLLVM(benchmark::State &State) {
  newSessionFirstCall(State, kaleido::BaselineKind::LLVM);
}
BENCHMARK(BM_NewSessionNative)
    ->Name("NewSessionFirstCall/native")
    ->Iterations(Sessions)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NewSessionLLVM)
    ->Name("NewSessionFirstCall/llvm")
    ->Iterations(Sessions)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

//===----------------------------------------------------------------------===//
// Steady-state call cost
//===----------------------------------------------------------------------===//

/// The address an x86-64 ORC stub (`jmpq *slot(%rip)`) currently jumps to,
/// or null if Stub is not such a stub.
void *stubTarget(void *Stub) {
#if defined(__x86_64__)
  const auto *P = static_cast<const uint8_t *>(Stub);
  if (P[0] != 0xFF || P[1] != 0x25)
    return nullptr;
  int32_t Disp;
  std::memcpy(&Disp, P + 2, sizeof Disp);
  void *Target;
  std::memcpy(&Target, P + 6 + Disp, sizeof Target);
  return Target;
#else
  return nullptr;
#endif
}

__attribute__((noinline)) double incC(double X) { return X + 1; }

struct CallFixture {
  std::unique_ptr<kaleido::Session> S;
  UnaryFn *Stub = nullptr;
  UnaryFn *Body = nullptr;
  CallFixture() {
    // The optimised body from the first call: calling the baseline body
    // directly would measure code that the stub has left behind.
    S = makeSession(2, /*TierUpCalls=*/0);
    check(S->run("def inc(x) x + 1;", "<call>"), "defining inc");
    Stub = check(S->lookup<UnaryFn>("inc"), "lookup inc");
    Stub(0); // compiled now; the stub points at the body from here on
    Body =
        reinterpret_cast<UnaryFn *>(stubTarget(reinterpret_cast<void *>(Stub)));
  }
};

CallFixture &callFixture() {
  static CallFixture F;
  return F;
}

void runCalls(benchmark::State &State, UnaryFn *Fn) {
  // Through a volatile so that the compiler cannot see which function it is.
  UnaryFn *volatile Opaque = Fn;
  double X = 0;
  for (auto _ : State) {
    UnaryFn *F = Opaque;
    X = F(X);
    benchmark::DoNotOptimize(X);
  }
}

void BM_CallStub(benchmark::State &State) {
  runCalls(State, callFixture().Stub);
}
void BM_CallBody(benchmark::State &State) {
  if (!callFixture().Body) {
    State.SkipWithError("cannot decode the stub on this target");
    return;
  }
  runCalls(State, callFixture().Body);
}
void BM_CallC(benchmark::State &State) { runCalls(State, &incC); }

void BM_CallPrepared(benchmark::State &State) {
  kaleido::PreparedCall P =
      check(callFixture().S->prepare("inc", 1), "prepare inc");
  double X = 0;
  for (auto _ : State) {
    llvm::Expected<double> V = P.call({X});
    if (!V)
      die("PreparedCall::call failed: " + llvm::toString(V.takeError()));
    X = *V;
    benchmark::DoNotOptimize(X);
  }
}

void BM_CallSession(benchmark::State &State) {
  kaleido::Session &S = *callFixture().S;
  double X = 0;
  for (auto _ : State) {
    llvm::Expected<double> V = S.call("inc", {X});
    if (!V)
      die("Session::call failed: " + llvm::toString(V.takeError()));
    X = *V;
    benchmark::DoNotOptimize(X);
  }
}

/// A batch of Rows rows per iteration; the counter is per row.
void BM_CallBatch(benchmark::State &State) {
  kaleido::PreparedCall P =
      check(callFixture().S->prepare("inc", 1), "prepare inc");
  const size_t Rows = 4096;
  std::vector<double> In(Rows, 1.0), Out(Rows);
  const double *Cols[] = {In.data()};
  for (auto _ : State) {
    if (llvm::Error E = P.callBatch(Cols, Out.data(), Rows))
      die("PreparedCall::callBatch failed: " + llvm::toString(std::move(E)));
    benchmark::DoNotOptimize(Out.data());
  }
  State.SetItemsProcessed(int64_t(State.iterations()) * Rows);
}
BENCHMARK(BM_CallStub)->Name("Call/host-via-stub");
BENCHMARK(BM_CallBody)->Name("Call/host-direct-to-body");
BENCHMARK(BM_CallC)->Name("Call/host-to-clang-O2");
BENCHMARK(BM_CallPrepared)->Name("Call/host-prepared-call");
BENCHMARK(BM_CallSession)->Name("Call/host-session-call");
BENCHMARK(BM_CallBatch)->Name("Call/host-batch-per-row");

constexpr double Depth = 1000;

void runJITCalls(benchmark::State &State, const char *Entry) {
  static std::unique_ptr<kaleido::Session> S = [] {
    auto S = makeSession(2, /*TierUpCalls=*/0); // Steady state from the start.
    check(S->run("def self(n) if n < 1 then 0 else 1 + self(n - 1);\n"
                 "extern pong(n);\n"
                 "def ping(n) if n < 1 then 0 else 1 + pong(n - 1);\n"
                 "def pong(n) if n < 1 then 0 else 1 + ping(n - 1);\n",
                 "<jitcalls>"),
          "defining the recursions");
    return S;
  }();
  UnaryFn *Fn = check(S->lookup<UnaryFn>(Entry), "lookup");
  if (Fn(Depth) != Depth)
    die("wrong recursion result");
  for (auto _ : State)
    benchmark::DoNotOptimize(Fn(Depth));
  State.counters["per_call"] = benchmark::Counter(
      Depth + 1, benchmark::Counter::kIsIterationInvariantRate |
                     benchmark::Counter::kInvert);
}
void BM_JITSelf(benchmark::State &State) { runJITCalls(State, "self"); }
void BM_JITStub(benchmark::State &State) { runJITCalls(State, "ping"); }
BENCHMARK(BM_JITSelf)->Name("JITCall/direct-self-call");
BENCHMARK(BM_JITStub)->Name("JITCall/through-stub");

//===----------------------------------------------------------------------===//
// Front end and IR generation
//===----------------------------------------------------------------------===//

/// A program of N varied definitions: calls, if, for, var, comments.
const std::string &frontEndSource() {
  static const std::string Src = [] {
    std::string S;
    constexpr unsigned N = 20000;
    for (unsigned I = 0; I < N; ++I) {
      std::string Id = std::to_string(I);
      std::string J = std::to_string(I ? I / 2 : 0);
      std::string K = std::to_string(I ? I - 1 : 0);
      S += "# function " + Id + "\n";
      if (I == 0) {
        S += "def f0(a b) a * b + 0.5;\n";
        continue;
      }
      S += "def f" + Id +
           "(a b)\n"
           "  var s = 0, t = a * 0.5 in\n"
           "    if a < b then\n"
           "      (for i = 0, i < b in s = s + t * i - f" +
           J +
           "(i, s))\n"
           "    else\n"
           "      f" +
           K + "(b, a) + " + Id + ".25;\n";
    }
    return S;
  }();
  return Src;
}

void BM_Lex(benchmark::State &State) {
  const std::string &Src = frontEndSource();
  size_t Tokens = 0;
  for (auto _ : State) {
    kaleido::Lexer L(Src);
    Tokens = 0;
    while (!L.next().is(kaleido::TokenKind::Eof))
      ++Tokens;
    benchmark::DoNotOptimize(Tokens);
  }
  State.SetBytesProcessed(int64_t(State.iterations()) * Src.size());
  State.counters["tokens"] = Tokens;
}
BENCHMARK(BM_Lex)->Name("Lex")->Unit(benchmark::kMillisecond);

std::vector<kaleido::TopLevelItem> parseAll(const std::string &Src) {
  kaleido::DiagnosticHandler Handler = [](const kaleido::Diagnostic &D) {
    errs() << D.format();
  };
  kaleido::DiagnosticEngine Diags("<bench>", Src, Handler);
  kaleido::OperatorTable Ops;
  kaleido::Parser P(Src, Ops, Diags);
  std::vector<kaleido::TopLevelItem> Items;
  for (;;) {
    kaleido::TopLevelItem Item;
    switch (P.parseItem(Item)) {
    case kaleido::Parser::Result::End:
      return Items;
    case kaleido::Parser::Result::Error:
      die("the front-end benchmark's source does not parse");
    case kaleido::Parser::Result::Item:
      Items.push_back(std::move(Item));
    }
  }
}

void BM_Parse(benchmark::State &State) {
  const std::string &Src = frontEndSource();
  size_t Items = 0;
  for (auto _ : State) {
    auto Parsed = parseAll(Src);
    Items = Parsed.size();
    benchmark::DoNotOptimize(Parsed.data());
  }
  State.SetBytesProcessed(int64_t(State.iterations()) * Src.size());
  State.counters["items"] = Items;
}
BENCHMARK(BM_Parse)->Name("Parse")->Unit(benchmark::kMillisecond);

const std::string &smallSource() {
  static const std::string Src = [] {
    std::string S;
    for (unsigned I = 0; I < 1000; ++I)
      S += probeDefinition(I);
    return S;
  }();
  return Src;
}

struct IRGenFixture {
  std::vector<kaleido::TopLevelItem> Small, Mixed;
  std::unique_ptr<TargetMachine> TM;
  IRGenFixture() {
    Small = parseAll(smallSource());
    Mixed = parseAll(frontEndSource());
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    auto JTMB = check(orc::JITTargetMachineBuilder::detectHost(), "host");
    JTMB.setCodeGenOptLevel(CodeGenOptLevel::Default);
    TM = check(JTMB.createTargetMachine(), "target machine");
  }
};

IRGenFixture &irgenFixture() {
  static IRGenFixture F;
  return F;
}

enum class Stage { IRGen, Optimize, Codegen };

void runIRGen(benchmark::State &State, Stage Upto) {
  IRGenFixture &F = irgenFixture();
  const auto &Items = State.range(0) == 0 ? F.Small : F.Mixed;
  LLVMContext Ctx;
  std::unique_ptr<kaleido::Optimizer> Opt;
  if (Upto != Stage::IRGen)
    Opt = std::make_unique<kaleido::Optimizer>(2, F.TM.get());
  std::unique_ptr<kaleido::ObjectCompiler> Codegen;
  if (Upto == Stage::Codegen)
    Codegen = check(kaleido::ObjectCompiler::create(*F.TM), "ObjectCompiler");
  const DataLayout DL = F.TM->createDataLayout();
  size_t I = 0;
  for (auto _ : State) {
    const kaleido::FunctionAST &Fn = *Items[I].Function;
    I = (I + 1) % Items.size();
    Module M(Fn.Proto.Name, Ctx);
    M.setDataLayout(DL);
    M.setTargetTriple(F.TM->getTargetTriple());
    benchmark::DoNotOptimize(
        kaleido::emitFunction(Fn, Fn.Proto.Name + "$1", M));
    if (Opt)
      Opt->run(M);
    if (Codegen)
      benchmark::DoNotOptimize(
          check((*Codegen)(M), "codegen")->getBufferStart());
  }
  State.SetItemsProcessed(State.iterations());
}
void BM_IRGen(benchmark::State &State) { runIRGen(State, Stage::IRGen); }
void BM_IRGenOpt(benchmark::State &State) { runIRGen(State, Stage::Optimize); }
void BM_IRGenOptCodegen(benchmark::State &State) {
  runIRGen(State, Stage::Codegen);
}
BENCHMARK(BM_IRGen)
    ->Name("IRGen/irgen")
    ->ArgName("mixed")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_IRGenOpt)
    ->Name("IRGen/irgen+O2")
    ->ArgName("mixed")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_IRGenOptCodegen)
    ->Name("IRGen/irgen+O2+codegen")
    ->ArgName("mixed")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
