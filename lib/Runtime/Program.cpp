//===- Program.cpp - main's half of a native executable -------------------===//
//
// Part of kaleido. Only in the runtime archive (libkaleido-rt.a), not in the
// kaleidoRuntime stage: it defines the poll word and the run loop a compiled
// program's main calls (see Program.h). What the kaleido command's driver
// does around a session, done here around the program's table: a large
// stack, the signal handlers, one guarded call per expression, a runtime
// error as the same located diagnostic, the same exit codes.
//
//===----------------------------------------------------------------------===//

#include "Runtime/Program.h"
#include "Runtime/Runtime.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <string>

#include <pthread.h>

using namespace kaleido;
using namespace kaleido::rt;

// The word the program's safepoints load (Runtime.h); a C symbol the
// generated code names.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" PollWord kaleido_rt_poll_word{0};

namespace {

/// The process's one program: the signal handlers reach it through
/// TheProgram, as the driver's reach its session.
struct ProgramState {
  const ProgramItem *Items = nullptr;
  uint64_t Count = 0;
  uint32_t Flags = 0;
  std::atomic<bool> InterruptRequested{false};
  std::atomic<int> Termination{0};
  /// The errno of the first failed write to standard output, or 0.
  int OutputErrno = 0;
};

std::atomic<ProgramState *> TheProgram{nullptr};

extern "C" void onInterrupt(int) {
  if (ProgramState *P = TheProgram.load())
    requestInterrupt(kaleido_rt_poll_word, P->InterruptRequested);
}

extern "C" void onTermination(int Sig) {
  if (ProgramState *P = TheProgram.load()) {
    P->Termination.store(Sig);
    requestInterrupt(kaleido_rt_poll_word, P->InterruptRequested);
  }
}

/// The kaleido command's handlers: Ctrl-C interrupts; the first SIGTERM,
/// SIGHUP or SIGQUIT interrupts and ends the process, a second one at once.
void installSignalHandlers() {
  struct sigaction SA = {};
  sigemptyset(&SA.sa_mask);
  SA.sa_handler = onInterrupt;
  SA.sa_flags = SA_RESTART;
  sigaction(SIGINT, &SA, nullptr);
  for (int Sig : {SIGTERM, SIGHUP, SIGQUIT}) {
    SA.sa_handler = onTermination;
    SA.sa_flags = SA_RESTART | SA_RESETHAND;
    sigaction(Sig, &SA, nullptr);
  }
}

/// Writes Bytes to standard output; the first failure interrupts the
/// program, as the driver's checked output does.
void writeOutput(ProgramState &P, const char *Bytes, size_t Size) {
  if (P.OutputErrno)
    return;
  if (std::fwrite(Bytes, 1, Size, stdout) == Size && std::fflush(stdout) == 0)
    return;
  P.OutputErrno = errno ? errno : EIO;
  requestInterrupt(kaleido_rt_poll_word, P.InterruptRequested);
}

/// Runs item I; returns 0, or the exit code its failure ends the program
/// with (after printing the diagnostic).
int runItem(ProgramState &P, const ProgramItem &I,
            const std::function<void(llvm::StringRef)> &Sink) {
  if (I.Define)
    I.Define();
  ExecutionContext Ctx;
  Ctx.Sink = &Sink;
  Ctx.Poll = &kaleido_rt_poll_word;
  Ctx.InterruptRequested = &P.InterruptRequested;
  double Result = 0;
  if (runGuarded(I.Run, Ctx, Result)) {
    if (P.Flags & ProgramPrintResults) {
      std::string Line = formatValue(Result) + "\n";
      writeOutput(P, Line.data(), Line.size());
    }
    return P.OutputErrno ? 74 : 0;
  }
  if (P.OutputErrno)
    return 74; // The interrupt was the output's; the driver says nothing.
  std::fflush(stdout);
  std::string Diag = I.Before + Ctx.ErrorMessage + I.After;
  std::fputs(Diag.c_str(), stderr);
  return Ctx.Failure == Fault::Interrupted ? 130 : 70;
}

/// The name the driver's note gives a termination signal.
const char *signalName(int Sig) {
  return Sig == SIGTERM ? "SIGTERM" : Sig == SIGHUP ? "SIGHUP" : "SIGQUIT";
}

/// Runs every item, then ends as the driver's finish() does.
int runItems(ProgramState &P) {
  std::function<void(llvm::StringRef)> Sink = [&P](llvm::StringRef Bytes) {
    writeOutput(P, Bytes.data(), Bytes.size());
  };
  int Code = 0;
  for (uint64_t N = 0; N != P.Count && Code == 0; ++N)
    Code = runItem(P, P.Items[N], Sink);
  if (!P.OutputErrno && std::fflush(stdout) != 0)
    P.OutputErrno = errno ? errno : EIO;
  if (P.OutputErrno) {
    std::fprintf(stderr, "kaleido: error: cannot write output: %s\n",
                 std::strerror(P.OutputErrno));
    Code = 74;
  }
  if (int Sig = P.Termination.load()) {
    std::fprintf(stderr, "kaleido: note: stopped by %s\n", signalName(Sig));
    Code = 128 + Sig;
  }
  return Code;
}

/// Runs runItems(P) on a thread with the largest stack it can get, up to
/// 512 MiB, as the kaleido command runs its sessions: deep recursion then
/// reaches as deep before it is a stack overflow.
int runOnLargeStack(ProgramState &P) {
  struct Call {
    ProgramState *P;
    int Code;
  } C{&P, 0};
  auto Start = [](void *Arg) -> void * {
    auto *C = static_cast<Call *>(Arg);
    C->Code = runItems(*C->P);
    return nullptr;
  };
  for (size_t Size = size_t(512) << 20; Size >= size_t(8) << 20; Size /= 4) {
    pthread_attr_t Attr;
    if (pthread_attr_init(&Attr) != 0)
      break;
    pthread_t T;
    bool Made = pthread_attr_setstacksize(&Attr, Size) == 0 &&
                pthread_create(&T, &Attr, Start, &C) == 0;
    pthread_attr_destroy(&Attr);
    if (Made) {
      pthread_join(T, nullptr);
      return C.Code;
    }
  }
  return runItems(P);
}

} // namespace

extern "C" int kaleido_rt_run_program(const ProgramItem *Items, uint64_t Count,
                                      uint32_t Flags) {
  static ProgramState P;
  P.Items = Items;
  P.Count = Count;
  P.Flags = Flags;
  TheProgram.store(&P);
  installSignalHandlers();
  return runOnLargeStack(P);
}
