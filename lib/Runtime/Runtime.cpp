//===- Runtime.cpp - What JIT'd code calls, and how it fails --------------===//
//
// Part of kaleido. The half of the runtime the JIT and the interpreter use
// and native executables do not: errors as llvm::Error, and what an `extern`
// reaches. The half generated code calls is in Builtins.cpp.
//
//===----------------------------------------------------------------------===//

#include "Runtime/Runtime.h"

#include <cstdint>
#include <dlfcn.h>

using namespace kaleido;
using namespace kaleido::rt;

llvm::Expected<double> rt::callGuarded(llvm::function_ref<double()> Fn,
                                       const Environment &Env) {
  ExecutionContext Ctx;
  Ctx.Sink = Env.Sink;
  Ctx.Poll = Env.Poll;
  Ctx.InterruptRequested = Env.InterruptRequested;
  double Result = 0;
  if (runGuarded(Fn, Ctx, Result))
    return Result;
  return llvm::make_error<RuntimeError>(Ctx.Failure,
                                        std::move(Ctx.ErrorMessage));
}

char rt::RuntimeError::ID = 0;

llvm::Error rt::pollSafepoint(llvm::StringRef Function) {
  Fault F = checkSafepoint();
  if (F == Fault::None)
    return llvm::Error::success();
  return llvm::make_error<RuntimeError>(F, describeFault(F, Function));
}

// A C symbol JIT'd code calls; no Kaleidoscope identifier contains '_'.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" double kaleido_rt_lazy_call_failed() {
  ExecutionContext *Ctx = activeContext();
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
