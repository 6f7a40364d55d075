//===- Driver.cpp - What the kaleido command and its REPL share -----------===//
//
// Part of kaleido. See Driver.h.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

#include <pthread.h>

using namespace llvm;

namespace kaleido {
namespace driver {

std::atomic<Session *> InterruptTarget{nullptr};
std::atomic<int> GotInterrupt{0};
std::atomic<int> GotTermination{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "the signal handlers need lock-free atomics");

/// The thread blocked in a read that InterruptibleReads lets signals end.
/// The kernel gives a process's signal to any thread that takes it (the
/// main thread waiting for the driver's, a compile thread), and only the
/// reader's own read returns with EINTR, so the handler passes it on.
static std::atomic<bool> Reading{false};
static std::atomic<pthread_t> Reader;

static void wakeReader() {
  if (!Reading.load())
    return;
  pthread_t R = Reader.load();
  if (!pthread_equal(pthread_self(), R))
    pthread_kill(R, SIGINT); // Its handler only sets flags again.
}

extern "C" {
static void onInterrupt(int) {
  GotInterrupt = 1;
  if (Session *S = InterruptTarget.load())
    S->interrupt(); // Async-signal-safe by contract.
  wakeReader();
}

static void onTermination(int Sig) {
  GotTermination = Sig;
  if (Session *S = InterruptTarget.load())
    S->interrupt();
  wakeReader();
}
}

/// Installs the handlers, restarting interrupted reads or not.
static void setHandlers(bool Restart) {
  struct sigaction SA = {};
  sigemptyset(&SA.sa_mask);
  int Flags = Restart ? SA_RESTART : 0;
  SA.sa_handler = onInterrupt;
  SA.sa_flags = Flags;
  sigaction(SIGINT, &SA, nullptr);
  for (int Sig : {SIGTERM, SIGHUP, SIGQUIT}) {
    // One that has come already was reset to its default; leave it so.
    if (GotTermination == Sig)
      continue;
    SA.sa_handler = onTermination;
    SA.sa_flags = Flags | SA_RESETHAND;
    sigaction(Sig, &SA, nullptr);
  }
}

void installSignalHandlers() { setHandlers(/*Restart=*/true); }

InterruptibleReads::InterruptibleReads() {
  Reader.store(pthread_self());
  Reading.store(true);
  setHandlers(/*Restart=*/false);
}

InterruptibleReads::~InterruptibleReads() {
  Reading.store(false);
  setHandlers(/*Restart=*/true);
}

bool Output::check(Session *S) {
  if (!outs().has_error() || Failed)
    return Failed;
  Reason = outs().error().message();
  Failed = true;
  if (S)
    S->interrupt();
  return true;
}

bool Output::flush(Session *S) {
  if (!Failed)
    outs().flush();
  return !check(S);
}

std::string formatValue(double V) { return kaleido::formatValue(V); }

std::vector<std::pair<std::string, json::Value>>
statsFields(const SessionStats &St) {
  return {{"functions_defined", int64_t(St.FunctionsDefined)},
          {"functions_compiled", int64_t(St.FunctionsCompiled)},
          {"native_compiles", int64_t(St.NativeCompiles)},
          {"native_code_bytes", int64_t(St.NativeCodeBytes)},
          {"tier_ups", int64_t(St.TierUps)},
          {"tier_up_failures", int64_t(St.TierUpFailures)},
          {"background_tier_ups", int64_t(St.BackgroundTierUps)},
          {"background_dropped", int64_t(St.BackgroundDropped)},
          {"compile_queue_seconds", St.CompileQueueSeconds},
          {"compile_queue_max_seconds", St.CompileQueueMaxSeconds},
          {"tier_up_max_pause_seconds", St.TierUpMaxPauseSeconds},
          {"tier_up_max_pause_cpu_seconds", St.TierUpMaxPauseCPUSeconds},
          {"expressions_run", int64_t(St.ExpressionsRun)},
          {"bodies_freed", int64_t(St.BodiesFreed)},
          {"compile_seconds", St.CompileSeconds},
          {"cache_hits", int64_t(St.CacheHits)},
          {"cache_misses", int64_t(St.CacheMisses)}};
}

FunctionSummary summarize(const FunctionInfo &F) {
  switch (F.Status) {
  case FunctionStatus::Extern:
    return {"extern", ""};
  case FunctionStatus::NotCompiled:
    return {"stub", ""};
  case FunctionStatus::Baseline:
    return {"compiled", F.Native ? "native baseline" : "baseline"};
  case FunctionStatus::Optimized:
    return {"compiled", "optimised"};
  case FunctionStatus::Interpreted:
    return {"interpreted", ""};
  case FunctionStatus::Failed:
    return {"failed", ""};
  }
  return {"", ""};
}

void writeStatsJSON(const Session &S, raw_ostream &OS, bool Functions) {
  json::OStream J(OS, 2);
  J.object([&] {
    for (auto &[Key, Value] : statsFields(S.getStats()))
      J.attribute(Key, std::move(Value));
    if (!Functions)
      return;
    J.attributeArray("functions", [&] {
      S.forEachFunction([&](const FunctionInfo &F) {
        FunctionSummary Sum = summarize(F);
        J.object([&] {
          J.attribute("name", F.Name);
          J.attribute("arity", int64_t(F.Arity));
          J.attribute("state", Sum.State);
          J.attribute("tier", Sum.Tier.empty() ? json::Value(nullptr)
                                               : json::Value(Sum.Tier));
          J.attribute("version", int64_t(F.Version));
          J.attribute("calls", F.Calls ? json::Value(int64_t(*F.Calls))
                                       : json::Value(nullptr));
          J.attributeObject("compile_ms", [&] {
            J.attribute("baseline", F.BaselineSeconds * 1000);
            J.attribute("optimised", F.OptimizedSeconds * 1000);
          });
          J.attribute("code_bytes", int64_t(F.CodeBytes));
        });
      });
    });
  });
  OS << '\n';
}

int exitCodeFor(Error Err) {
  int Code = ExitRuntime;
  handleAllErrors(
      std::move(Err),
      [&](const SessionError &E) {
        switch (E.getKind()) {
        case ErrorKind::Compile:
          Code = ExitCompile;
          break;
        case ErrorKind::Runtime:
        case ErrorKind::Internal:
          Code = ExitRuntime;
          break;
        case ErrorKind::Interrupted:
          Code = ExitInterrupted;
          break;
        case ErrorKind::Usage:
          Code = ExitUsage;
          break;
        case ErrorKind::IO:
          Code = ExitIO;
          break;
        }
      },
      [&](const ErrorInfoBase &E) {
        errs() << "kaleido: error: " << E.message() << '\n';
      });
  return Code;
}

} // namespace driver
} // namespace kaleido
