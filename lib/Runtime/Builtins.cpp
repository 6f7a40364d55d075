//===- Builtins.cpp - The runtime generated code calls --------------------===//
//
// Part of kaleido. The half of the runtime that generated code calls and
// that has no use for LLVM's libraries: output, the guard, the safepoint
// check and putchard/printd. Besides the kaleidoRuntime stage, this file is
// compiled into the runtime archive that `kaleido build` links native
// executables with (libkaleido-rt.a), so a compiled program formats and fails
// exactly as JIT'd code does. It may use LLVM's headers, not its libraries:
// nothing here may need a symbol from LLVMSupport.
//
//===----------------------------------------------------------------------===//

#include "Runtime/Program.h"
#include "Runtime/Runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pthread.h>

using namespace kaleido;
using namespace kaleido::rt;

// The JIT runs sessions on many threads, each with a context of its own. A
// native executable runs one program on one thread: the runtime archive is
// built with KALEIDO_RT_ONE_PROGRAM and uses no thread-local storage, which
// lli's JIT linker cannot relocate (bench/run runs the emitted IR under lli
// with this archive).
#ifdef KALEIDO_RT_ONE_PROGRAM
#define KALEIDO_RT_PER_THREAD
#else
#define KALEIDO_RT_PER_THREAD thread_local
#endif

static KALEIDO_RT_PER_THREAD ExecutionContext *Active = nullptr;

ExecutionContext *rt::activeContext() { return Active; }

void ExecutionContext::write(llvm::StringRef S) {
  Buffer.append(S.data(), S.size());
  if (Buffer.size() >= 1 << 16)
    flush();
}

void ExecutionContext::flush() {
  if (Buffer.empty())
    return;
  if (Sink && *Sink) {
    (*Sink)(Buffer);
  } else {
    std::fwrite(Buffer.data(), 1, Buffer.size(), stdout);
    std::fflush(stdout);
  }
  Buffer.clear();
}

/// The lowest address JIT'd code may push to on this thread: the stack's
/// bottom plus room for the compiler (which runs on the same stack when a
/// deep call reaches a function for the first time) and the runtime.
static uintptr_t stackLimitOfThisThread() {
  static KALEIDO_RT_PER_THREAD uintptr_t Limit = [] {
    pthread_attr_t Attr;
    void *Low = nullptr;
    size_t Size = 0;
    if (pthread_getattr_np(pthread_self(), &Attr) == 0) {
      pthread_attr_getstack(&Attr, &Low, &Size);
      pthread_attr_destroy(&Attr);
    }
    if (!Low)
      return uintptr_t(0);
    size_t Margin = std::min<size_t>(1 << 20, Size / 4);
    return reinterpret_cast<uintptr_t>(Low) + Margin;
  }();
  return Limit;
}

// How the guard keeps the point raise() jumps back to. The jump leaves from
// raise(), which only ordinary code calls (a safepoint, a failed lazy call),
// never a signal handler: the signal mask is the same at both ends, so the
// guard does not save it (saving it costs a sigprocmask system call, about
// 0.4 microseconds). The compiler's own __builtin_setjmp keeps only the
// frame, stack pointer and landing address, and makes runGuarded save every
// callee-saved register in its frame: about a nanosecond, where the C
// library's sigsetjmp takes ten. The sanitizers must see the jump to keep
// their shadow stacks right, and they intercept only the C library's.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||     \
    __has_feature(memory_sanitizer)
#define KALEIDO_RT_LIBC_JUMP 1
#endif
#endif
#if !defined(__GNUC__) && !defined(__clang__)
#define KALEIDO_RT_LIBC_JUMP 1
#endif

#ifdef KALEIDO_RT_LIBC_JUMP
#define KALEIDO_RT_SETJMP(Env) sigsetjmp(Env, /*savesigs=*/0)
#define KALEIDO_RT_LONGJMP(Env) siglongjmp(Env, 1)
#else
// __builtin_setjmp's buffer is five words: the start of the sigjmp_buf.
static_assert(sizeof(sigjmp_buf) >= 5 * sizeof(void *), "jump buffer");
#define KALEIDO_RT_SETJMP(Env) __builtin_setjmp(reinterpret_cast<void **>(Env))
#define KALEIDO_RT_LONGJMP(Env)                                                \
  __builtin_longjmp(reinterpret_cast<void **>(Env), 1)
#endif

// The guard keeps no C++ object with a destructor alive between the setjmp
// and a possible longjmp, and JIT'd frames have nothing to unwind, so
// jumping over them is safe.
bool rt::runGuarded(llvm::function_ref<double()> Fn, ExecutionContext &Ctx,
                    double &Result) {
  Ctx.Prev = Active;
  Ctx.StackLimit = stackLimitOfThisThread();
  if (Ctx.Poll) {
    // Arm the word, then honour an interrupt that came before or meanwhile
    // (the requester sets the flag before it raises the word).
    Ctx.SavedPoll = Ctx.Poll->exchange(Ctx.StackLimit);
    if (Ctx.InterruptRequested && Ctx.InterruptRequested->load())
      Ctx.Poll->store(UINTPTR_MAX);
  }
  Active = &Ctx;
  volatile bool Returned = false;
  if (KALEIDO_RT_SETJMP(Ctx.Env) == 0) {
    Result = Fn();
    Returned = true;
  }
  if (Returned && Ctx.HostFailed) {
    // A host function failed after the code's last safepoint.
    Returned = false;
    Ctx.Failure = Fault::Error;
    Ctx.ErrorMessage = Ctx.HostError;
  }
  Active = Ctx.Prev;
  // An outer guarded call gets its word back; the outermost leaves it idle,
  // so a request made while it ran ends with it.
  // A plain store: a request that raises the word after this sees the new
  // value (its compare-exchange fails) and leaves it.
  if (Ctx.Poll)
    Ctx.Poll->store(Ctx.Prev ? Ctx.SavedPoll : 0, std::memory_order_release);
  Ctx.flush();
  return Returned;
}

void rt::requestInterrupt(PollWord &Poll, std::atomic<bool> &Flag) {
  // The flag first: a guarded call that arms the word after this load sees
  // it (runGuarded).
  Flag.store(true);
  uintptr_t Word = Poll.load();
  while (Word != 0 && !Poll.compare_exchange_weak(Word, UINTPTR_MAX)) {
  }
}

void rt::raise(Fault Kind, std::string Message) {
  ExecutionContext *Ctx = Active;
  if (!Ctx) {
    std::fprintf(stderr, "kaleido: error: %s\n", Message.c_str());
    std::abort();
  }
  Ctx->Failure = Kind;
  Ctx->ErrorMessage = std::move(Message);
  // The jump skips destructors, and the move may have left the old message's
  // buffer in Message: free it now.
  std::string().swap(Message);
  KALEIDO_RT_LONGJMP(Ctx->Env);
}

void rt::failHostCall(std::string Message) {
  ExecutionContext *Ctx = Active;
  if (!Ctx) {
    std::fprintf(stderr, "kaleido: error: %s\n", Message.c_str());
    std::abort();
  }
  if (Ctx->HostFailed)
    return; // The first failure is the one reported.
  Ctx->HostFailed = true;
  Ctx->HostError = std::move(Message);
  if (Ctx->Poll)
    Ctx->Poll->store(UINTPTR_MAX);
}

Fault rt::checkSafepoint() {
  ExecutionContext *Ctx = Active;
  if (!Ctx)
    return Fault::None;
  if (Ctx->HostFailed)
    return Fault::Error;
  if (Ctx->InterruptRequested && Ctx->InterruptRequested->load())
    return Fault::Interrupted;
  auto SP = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (SP < Ctx->StackLimit)
    return Fault::Error;
  return Fault::None;
}

std::string rt::describeFault(Fault F, llvm::StringRef Function) {
  if (F == Fault::Interrupted)
    return "interrupted";
  if (ExecutionContext *Ctx = Active; Ctx && Ctx->HostFailed)
    return Ctx->HostError;
  return "stack overflow in '" + Function.str() + "'";
}

/// Called by generated code when a safepoint's comparison fails. Returns if
/// the comparison was stale (the word was raised for an interrupt that has
/// since been forgotten).
// A C symbol JIT'd code calls; no Kaleidoscope identifier contains '_'.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" void kaleido_rt_check(const char *Function) {
  Fault F = checkSafepoint();
  if (F != Fault::None)
    raise(F, describeFault(F, Function));
}

static void emit(llvm::StringRef S) {
  if (ExecutionContext *Ctx = Active) {
    if (!Ctx->HostFailed) // The call is ending; see failHostCall.
      Ctx->write(S);
  } else
    std::fwrite(S.data(), 1, S.size(), stdout);
}

/// putchard(c): writes the byte c (taken modulo 256; NaN and values out of
/// the range of a 64-bit integer write a 0 byte). Returns 0.
// A C symbol JIT'd code calls; no Kaleidoscope identifier contains '_'.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" double kaleido_rt_putchard(double X) {
  char C = 0;
  if (X > -9.2e18 && X < 9.2e18)
    C = static_cast<char>(static_cast<unsigned char>(
        static_cast<uint64_t>(static_cast<int64_t>(X))));
  emit(llvm::StringRef(&C, 1));
  return 0;
}

/// printd(x): writes x as printf's "%f" and a newline. Returns 0. Every NaN
/// prints as "nan": the sign and payload of a NaN are not specified (LLVM may
/// fold an operation to a NaN other than the one the hardware makes), and
/// every optimisation level must print the same.
// A C symbol JIT'd code calls; no Kaleidoscope identifier contains '_'.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" double kaleido_rt_printd(double X) {
  char Buf[400];
  int N = std::isnan(X) ? std::snprintf(Buf, sizeof Buf, "nan\n")
                        : std::snprintf(Buf, sizeof Buf, "%f\n", X);
  if (N > 0)
    emit(llvm::StringRef(Buf, std::min<size_t>(N, sizeof Buf - 1)));
  return 0;
}

extern "C" void kaleido_rt_fail(const char *Message) {
  raise(Fault::Error, Message);
}

double rt::putchard(double X) { return kaleido_rt_putchard(X); }
double rt::printd(double X) { return kaleido_rt_printd(X); }

std::string rt::formatValue(double V) {
  if (std::isnan(V))
    return "nan"; // Sign and payload are unspecified; see printd.
  if (std::isinf(V))
    return V < 0 ? "-inf" : "inf";
  char Buf[64];
  if (V == std::trunc(V) && std::fabs(V) < 1e15) {
    std::snprintf(Buf, sizeof Buf, "%.0f", V);
    return Buf;
  }
  for (int Precision = 1; Precision <= 17; ++Precision) {
    std::snprintf(Buf, sizeof Buf, "%.*g", Precision, V);
    if (std::strtod(Buf, nullptr) == V)
      break;
  }
  return Buf;
}
