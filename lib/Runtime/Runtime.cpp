//===- Runtime.cpp - What JIT'd code calls, and how it fails --------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Runtime/Runtime.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <pthread.h>

using namespace kaleido;
using namespace kaleido::rt;

static thread_local ExecutionContext *Active = nullptr;

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
  static thread_local uintptr_t Limit = [] {
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

// The guard keeps no C++ object with a destructor alive between sigsetjmp and
// a possible siglongjmp, and JIT'd frames have nothing to unwind, so jumping
// over them is safe.
/// Runs Fn with Ctx active; true if it returned (with its value in Result).
static bool enterGuarded(llvm::function_ref<double()> Fn, ExecutionContext &Ctx,
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
  if (sigsetjmp(Ctx.Env, /*savesigs=*/1) == 0) {
    Result = Fn();
    Returned = true;
  }
  Active = Ctx.Prev;
  // An outer guarded call gets its word back; the outermost leaves it idle,
  // so a request made while it ran ends with it.
  if (Ctx.Poll)
    Ctx.Poll->store(Ctx.Prev ? Ctx.SavedPoll : 0);
  Ctx.flush();
  return Returned;
}

void rt::requestInterrupt(PollWord &Poll, std::atomic<bool> &Flag) {
  // The flag first: a guarded call that arms the word after this load sees
  // it (enterGuarded).
  Flag.store(true);
  uintptr_t Word = Poll.load();
  while (Word != 0 && !Poll.compare_exchange_weak(Word, UINTPTR_MAX)) {
  }
}

llvm::Expected<double> rt::callGuarded(llvm::function_ref<double()> Fn,
                                       const Environment &Env) {
  ExecutionContext Ctx;
  Ctx.Sink = Env.Sink;
  Ctx.Poll = Env.Poll;
  Ctx.InterruptRequested = Env.InterruptRequested;
  double Result = 0;
  if (enterGuarded(Fn, Ctx, Result))
    return Result;
  return llvm::make_error<RuntimeError>(Ctx.Failure,
                                        std::move(Ctx.ErrorMessage));
}

void rt::raise(Fault Kind, std::string Message) {
  ExecutionContext *Ctx = Active;
  if (!Ctx) {
    std::fprintf(stderr, "kaleido: error: %s\n", Message.c_str());
    std::abort();
  }
  Ctx->Failure = Kind;
  Ctx->ErrorMessage = std::move(Message);
  // siglongjmp skips destructors, and the move may have left the old message's
  // buffer in Message: free it now.
  std::string().swap(Message);
  siglongjmp(Ctx->Env, 1);
}

char rt::RuntimeError::ID = 0;

/// The fault the active call is at, if any.
static Fault checkSafepoint() {
  ExecutionContext *Ctx = Active;
  if (!Ctx)
    return Fault::None;
  if (Ctx->InterruptRequested && Ctx->InterruptRequested->load())
    return Fault::Interrupted;
  auto SP = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (SP < Ctx->StackLimit)
    return Fault::Error;
  return Fault::None;
}

/// What a fault at a safepoint in Function says.
static std::string describeFault(Fault F, llvm::StringRef Function) {
  if (F == Fault::Interrupted)
    return "interrupted";
  return "stack overflow in '" + Function.str() + "'";
}

llvm::Error rt::pollSafepoint(llvm::StringRef Function) {
  Fault F = checkSafepoint();
  if (F == Fault::None)
    return llvm::Error::success();
  return llvm::make_error<RuntimeError>(F, describeFault(F, Function));
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
  if (ExecutionContext *Ctx = Active)
    Ctx->write(S);
  else
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

double rt::putchard(double X) { return kaleido_rt_putchard(X); }
double rt::printd(double X) { return kaleido_rt_printd(X); }

// A C symbol JIT'd code calls; no Kaleidoscope identifier contains '_'.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" double kaleido_rt_lazy_call_failed() {
  ExecutionContext *Ctx = Active;
  std::string Msg = Ctx && !Ctx->ErrorMessage.empty()
                        ? Ctx->ErrorMessage
                        : std::string("a lazily compiled function failed to "
                                      "compile");
  raise(Fault::Error, std::move(Msg));
}

std::vector<std::pair<llvm::StringRef, void *>> rt::getRuntimeSymbols() {
  return {{"putchard", reinterpret_cast<void *>(&kaleido_rt_putchard)},
          {"printd", reinterpret_cast<void *>(&kaleido_rt_printd)},
          {SafepointFunction, reinterpret_cast<void *>(&kaleido_rt_check)}};
}

void *rt::getLazyCallFailureHandler() {
  return reinterpret_cast<void *>(&kaleido_rt_lazy_call_failed);
}

namespace {
/// A function of doubles in the C math library that `extern` may reach.
struct MathFunction {
  const char *Name;
  unsigned Arity;
};
constexpr MathFunction MathFunctions[] = {
    {"sin", 1},      {"cos", 1},    {"tan", 1},      {"asin", 1},
    {"acos", 1},     {"atan", 1},   {"atan2", 2},    {"sinh", 1},
    {"cosh", 1},     {"tanh", 1},   {"asinh", 1},    {"acosh", 1},
    {"atanh", 1},    {"exp", 1},    {"exp2", 1},     {"expm1", 1},
    {"log", 1},      {"log2", 1},   {"log10", 1},    {"log1p", 1},
    {"pow", 2},      {"sqrt", 1},   {"cbrt", 1},     {"hypot", 2},
    {"fabs", 1},     {"floor", 1},  {"ceil", 1},     {"round", 1},
    {"trunc", 1},    {"rint", 1},   {"fmod", 2},     {"fmin", 2},
    {"fmax", 2},     {"fdim", 2},   {"copysign", 2}, {"erf", 1},
    {"erfc", 1},     {"tgamma", 1}, {"lgamma", 1},   {"nearbyint", 1},
    {"remainder", 2}};

const MathFunction *findMathFunction(llvm::StringRef Name) {
  for (const MathFunction &F : MathFunctions)
    if (Name == F.Name)
      return &F;
  return nullptr;
}
} // namespace

bool rt::isMathFunction(llvm::StringRef Name) {
  return findMathFunction(Name) != nullptr;
}

std::optional<unsigned> rt::hostArity(llvm::StringRef Name) {
  if (Name == "putchard" || Name == "printd")
    return 1;
  if (const MathFunction *F = findMathFunction(Name))
    return F->Arity;
  return std::nullopt;
}

static std::string parameters(unsigned N) {
  return std::to_string(N) + (N == 1 ? " parameter" : " parameters");
}

llvm::Expected<void *> rt::resolveHostSymbol(llvm::StringRef Name,
                                             std::optional<unsigned> Arity,
                                             bool AllowAll) {
  if (Arity) {
    std::optional<unsigned> Want = hostArity(Name);
    if (Want && *Want != *Arity)
      return llvm::createStringError(
          "call to '" + Name.str() + "', which is declared by 'extern' with " +
          parameters(*Arity) + ", but the " +
          (isMathFunction(Name) ? "C math library's" : "runtime's") + " '" +
          Name.str() + "' takes " + std::to_string(*Want));
  }
  for (const auto &[RtName, Addr] : getRuntimeSymbols())
    if (RtName == Name)
      return Addr;
  std::string Z = Name.str();
  if (AllowAll || isMathFunction(Name))
    return ::dlsym(RTLD_DEFAULT, Z.c_str());
  // An extern's name the process has but the allow-list leaves out (ldexp,
  // frexp, abort): "defined nowhere" would be wrong, so say what closes it
  // and what opens it. (Generated code's own symbols, asked for without an
  // arity, keep the plain not-found.)
  if (Arity && ::dlsym(RTLD_DEFAULT, Z.c_str()))
    return llvm::createStringError(
        "call to '" + Z + "', which is declared by 'extern': '" + Z +
        "' is a host function that is not on the allowed list (the runtime's "
        "putchard and printd, and the C math library's functions of "
        "doubles); --allow-host-symbols lets 'extern' reach every symbol of "
        "the process (unsafe)");
  return nullptr;
}
