//===- Runtime.cpp - What JIT'd code calls, and how it fails --------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Runtime/Runtime.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

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

// The guard keeps no C++ object with a destructor alive between sigsetjmp and
// a possible siglongjmp, and JIT'd frames have nothing to unwind, so jumping
// over them is safe.
bool rt::callGuarded(double (*Fn)(), ExecutionContext &Ctx, double &Result) {
  Ctx.Prev = Active;
  Active = &Ctx;
  if (sigsetjmp(Ctx.Env, /*savesigs=*/1) == 0) {
    Result = Fn();
    Active = Ctx.Prev;
    Ctx.flush();
    return true;
  }
  Active = Ctx.Prev;
  Ctx.flush();
  return false;
}

void rt::raise(std::string Message) {
  ExecutionContext *Ctx = Active;
  if (!Ctx) {
    std::fprintf(stderr, "kaleido: error: %s\n", Message.c_str());
    std::abort();
  }
  Ctx->ErrorMessage = std::move(Message);
  siglongjmp(Ctx->Env, 1);
}

static void emit(llvm::StringRef S) {
  if (ExecutionContext *Ctx = Active)
    Ctx->write(S);
  else
    std::fwrite(S.data(), 1, S.size(), stdout);
}

/// putchard(c): writes the byte c (taken modulo 256; NaN and values out of
/// the range of a 64-bit integer write a 0 byte). Returns 0.
extern "C" double kaleido_rt_putchard(double X) {
  char C = 0;
  if (X > -9.2e18 && X < 9.2e18)
    C = static_cast<char>(static_cast<unsigned char>(
        static_cast<uint64_t>(static_cast<int64_t>(X))));
  emit(llvm::StringRef(&C, 1));
  return 0;
}

/// printd(x): writes x as printf's "%f" and a newline. Returns 0.
extern "C" double kaleido_rt_printd(double X) {
  char Buf[400];
  int N = std::snprintf(Buf, sizeof Buf, "%f\n", X);
  if (N > 0)
    emit(llvm::StringRef(Buf, std::min<size_t>(N, sizeof Buf - 1)));
  return 0;
}

extern "C" double kaleido_rt_lazy_call_failed() {
  ExecutionContext *Ctx = Active;
  std::string Msg = Ctx && !Ctx->ErrorMessage.empty()
                        ? Ctx->ErrorMessage
                        : std::string("a lazily compiled function failed to "
                                      "compile");
  raise(std::move(Msg));
}

std::vector<std::pair<llvm::StringRef, void *>> rt::getRuntimeSymbols() {
  return {{"putchard", reinterpret_cast<void *>(&kaleido_rt_putchard)},
          {"printd", reinterpret_cast<void *>(&kaleido_rt_printd)}};
}

void *rt::getLazyCallFailureHandler() {
  return reinterpret_cast<void *>(&kaleido_rt_lazy_call_failed);
}

bool rt::isMathFunction(llvm::StringRef Name) {
  static const char *const Names[] = {
      "sin",   "cos",   "tan",      "asin",  "acos",      "atan",
      "atan2", "sinh",  "cosh",     "tanh",  "asinh",     "acosh",
      "atanh", "exp",   "exp2",     "expm1", "log",       "log2",
      "log10", "log1p", "pow",      "sqrt",  "cbrt",      "hypot",
      "fabs",  "floor", "ceil",     "round", "trunc",     "rint",
      "fmod",  "fmin",  "fmax",     "fdim",  "copysign",  "erf",
      "erfc",  "tgamma", "lgamma",  "nearbyint", "remainder"};
  for (const char *N : Names)
    if (Name == N)
      return true;
  return false;
}
