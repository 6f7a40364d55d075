//===- PreparedCall.cpp - Guarded calls a host prepares once --------------===//
//
// Part of kaleido. Session::call runs `f(args)` as a top-level expression:
// it looks the name up, checks the arguments and evaluates a tree, about
// a quarter of a microsecond. A PreparedCall does the looking up once and
// keeps the function's stub; each call is then the runtime's guard
// (Runtime.h's runGuarded: arm the poll word, a setjmp that saves no signal
// mask) and an indirect call through a per-arity invoker. callBatch runs a
// kernel the executor compiled (CodeGen/BatchKernel.h) under one guard for
// all rows.
//
// A function that cannot fail needs no guard. That is one whose body has no
// loop and calls nothing but the C math library's functions of doubles: it
// cannot recurse (so it cannot overflow the stack), it ends by itself (an
// interrupt has nothing to stop), it prints nothing, and libm cannot raise a
// runtime error. Once its code is compiled (bind does that, so no lazy
// compile can fail inside the call), its handle calls the stub directly, at
// the raw pointer's cost plus a few compares. The decision is made again
// after every change to the session's tables: a definition of `sin` makes
// the call through `sin`'s stub reach a body that may recurse.
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "AST/BodyAnalysis.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <array>
#include <utility>

using namespace kaleido;
using namespace llvm;

namespace {

/// Calls a function of N doubles at Entry with Args[0..N).
using Invoker = double (*)(void *Entry, const double *Args);

template <size_t... I>
double invokeWith(void *Entry, const double *Args, std::index_sequence<I...>) {
  using Fn = double (*)(decltype((void)I, double())...);
  return reinterpret_cast<Fn>(Entry)(Args[I]...);
}

template <size_t N> double invoke(void *Entry, const double *Args) {
  return invokeWith(Entry, Args, std::make_index_sequence<N>());
}

template <size_t... N>
constexpr std::array<Invoker, sizeof...(N)>
makeInvokers(std::index_sequence<N...>) {
  return {&invoke<N>...};
}

/// Invokers[N] calls a function of N doubles.
constexpr auto Invokers =
    makeInvokers(std::make_index_sequence<PreparedCall::MaxFastArity + 1>());

Error usageError(const Twine &Msg) {
  return make_error<SessionError>(ErrorKind::Usage, Msg.str());
}

} // namespace

struct PreparedCall::State {
  std::shared_ptr<Session::Impl::Handles> Anchor;
  std::string Name;
  unsigned Arity = 0;
  /// The function's stub, or null: calls take Session::call's path.
  void *Stub = nullptr;
  /// Fast.Target is the word the stub jumps through, or &Stub where the
  /// executor has none. Fast.Generation is the generation of the session's
  /// tables the stub was looked up in; Fast.Arity is Arity only while
  /// Unguarded.
  PreparedCall::FastPath Fast = {nullptr, nullptr, nullptr, 0, NoFastArity};
  /// Whether the function may be called without the guard (see the file
  /// comment), while Fast.Generation is current.
  bool Unguarded = false;

  /// The session this was prepared in, or why there is none.
  Expected<Session::Impl &> owner() const {
    if (!Anchor->Owner)
      return usageError("the session '" + Name + "' was prepared in has ended");
    return *Anchor->Owner;
  }
};

//===----------------------------------------------------------------------===//
// The session's side
//===----------------------------------------------------------------------===//

Error Session::Impl::bind(PreparedCall::State &S) {
  if (Error Err = checkSignature(S.Name, S.Arity, "not"))
    return Err;
  S.Stub = nullptr;
  S.Fast = {nullptr, nullptr, &Anchor->Generation, Anchor->Generation,
            PreparedCall::NoFastArity};
  S.Unguarded = false;
  if (Opts.Mode == JITMode::Interp || S.Arity > PreparedCall::MaxFastArity)
    return Error::success();
  Expected<uint64_t> Addr = lookupAddress(S.Name, S.Arity);
  if (!Addr)
    return Addr.takeError();
  S.Stub = reinterpret_cast<void *>(static_cast<uintptr_t>(*Addr));
  Expected<const uint64_t *> Target = Exec->entryTarget(S.Name);
  if (!Target)
    return Target.takeError();
  // The stub's address is the stub's pointer-sized value, &Stub its word.
  static_assert(sizeof(void *) == sizeof(uint64_t));
  S.Fast.Target = *Target ? *Target : reinterpret_cast<uint64_t *>(&S.Stub);
  S.Fast.Invoke = Invokers[S.Arity];
  if (cannotFail(S.Name)) {
    // Its code now, so that no compile runs (and fails) unguarded.
    if (Error Err = Exec->compile(S.Name)) {
      consumeError(std::move(Err)); // The guarded path will report it.
      return Error::success();
    }
    S.Unguarded = true;
    S.Fast.Arity = S.Arity;
  }
  return Error::success();
}

bool Session::Impl::cannotFail(StringRef Name) const {
  auto It = Functions.find(Name);
  if (It == Functions.end() || !It->second.Body || mayLoop(*It->second.Body))
    return false;
  bool OnlyMath = true;
  forEachCallee(*It->second.Body->Body, [&](StringRef Callee) {
    auto CIt = Functions.find(Callee);
    // An extern with no definition that reaches the C math library: not a
    // host function, not the runtime's output, not a user function.
    // With the library function's arity: `extern pow(x)` is a runtime
    // error at the call.
    OnlyMath &= CIt != Functions.end() && !CIt->second.Body &&
                rt::isMathFunction(Callee) && !Hosts.find(Callee) &&
                rt::hostArity(Callee) == CIt->second.Arity;
  });
  return OnlyMath;
}

Expected<std::shared_ptr<PreparedCall::State>>
Session::Impl::prepare(StringRef Name, unsigned Arity) {
  auto S = std::make_shared<PreparedCall::State>();
  S->Anchor = Anchor;
  S->Name = Name.str();
  S->Arity = Arity;
  if (Error Err = bind(*S))
    return std::move(Err);
  return S;
}

Expected<double> Session::Impl::callPrepared(PreparedCall::State &S,
                                             ArrayRef<double> Args) {
  if (Args.size() != S.Arity)
    return usageError(formatv("'{0}' takes {1} arguments, not {2}", S.Name,
                              S.Arity, Args.size()));
  if (S.Fast.Generation != Anchor->Generation)
    if (Error Err = bind(S))
      return std::move(Err);
  if (!S.Stub)
    return call(S.Name, Args);
  if (S.Unguarded)
    return S.Fast.Invoke(S.Stub, Args.data());
  // As run() and call() do: a request made while nothing ran is forgotten.
  // The guard's arming of the poll word orders this store before its check.
  InterruptRequested.store(false, std::memory_order_relaxed);
  rt::ExecutionContext Ctx;
  Ctx.Sink = &Opts.OnOutput;
  Ctx.Poll = &Poll;
  Ctx.InterruptRequested = &InterruptRequested;
  double Result = 0;
  Invoker Invoke = S.Fast.Invoke;
  void *Entry = S.Stub;
  const double *A = Args.data();
  if (rt::runGuarded([=] { return Invoke(Entry, A); }, Ctx, Result))
    return Result;
  DiagnosticEngine Diags("<call>", "", Opts.OnDiagnostic);
  bool Ran = false;
  return reportFailure(
      make_error<rt::RuntimeError>(Ctx.Failure, std::move(Ctx.ErrorMessage)),
      SourceLocation(), Diags, Ran);
}

Error Session::Impl::callBatch(PreparedCall::State &S,
                               ArrayRef<const double *> Columns, double *Out,
                               size_t Count) {
  if (Columns.size() != S.Arity)
    return usageError(formatv("'{0}' takes {1} arguments, not {2} columns",
                              S.Name, S.Arity, Columns.size()));
  if (S.Fast.Generation != Anchor->Generation)
    if (Error Err = bind(S))
      return Err;
  if (Count == 0)
    return Error::success();
  DiagnosticEngine Diags("<call>", "", Opts.OnDiagnostic);
  bool Ran = false;
  Expected<BatchKernelFn> Kernel =
      S.Stub ? Exec->batchKernel(S.Name) : BatchKernelFn(nullptr);
  if (!Kernel)
    return reportFailure(Kernel.takeError(), SourceLocation(), Diags, Ran);
  if (!*Kernel) {
    // No kernel (an interpreter, an extern): one guarded call per row.
    SmallVector<double, 8> Row(S.Arity);
    for (size_t I = 0; I != Count; ++I) {
      for (unsigned J = 0; J != S.Arity; ++J)
        Row[J] = Columns[J][I];
      Expected<double> R = callPrepared(S, Row);
      if (!R)
        return R.takeError();
      Out[I] = *R;
    }
    return Error::success();
  }
  InterruptRequested.store(false, std::memory_order_relaxed);
  rt::ExecutionContext Ctx;
  Ctx.Sink = &Opts.OnOutput;
  Ctx.Poll = &Poll;
  Ctx.InterruptRequested = &InterruptRequested;
  BatchKernelFn K = *Kernel;
  const double *const *Cols = Columns.data();
  StringRef Name = S.Name;
  double Ignored = 0;
  // No C++ object with a destructor lives in this lambda: a failure jumps
  // out of it (runGuarded).
  if (rt::runGuarded(
          [=] {
            for (size_t Begin = 0; Begin < Count;
                 Begin += PreparedCall::BatchChunk) {
              if (rt::Fault F = rt::checkSafepoint(); F != rt::Fault::None)
                rt::raise(F, rt::describeFault(F, Name));
              K(Cols, Out, Begin,
                std::min(Count, Begin + PreparedCall::BatchChunk));
            }
            return 0.0;
          },
          Ctx, Ignored))
    return Error::success();
  return reportFailure(
      make_error<rt::RuntimeError>(Ctx.Failure, std::move(Ctx.ErrorMessage)),
      SourceLocation(), Diags, Ran);
}

//===----------------------------------------------------------------------===//
// The handle
//===----------------------------------------------------------------------===//

PreparedCall::PreparedCall() = default;
PreparedCall::~PreparedCall() = default;
PreparedCall::PreparedCall(const PreparedCall &) = default;
PreparedCall &PreparedCall::operator=(const PreparedCall &) = default;
PreparedCall::PreparedCall(std::shared_ptr<State> St)
    : S(std::move(St)), Fast(&S->Fast) {}

Expected<double> PreparedCall::callGuarded(ArrayRef<double> Args) const {
  if (!S)
    return usageError("this PreparedCall names no function");
  Expected<Session::Impl &> I = S->owner();
  if (!I)
    return I.takeError();
  return I->callPrepared(*S, Args);
}

Error PreparedCall::callBatch(ArrayRef<const double *> Columns, double *Out,
                              size_t Count) const {
  if (!S)
    return usageError("this PreparedCall names no function");
  Expected<Session::Impl &> I = S->owner();
  if (!I)
    return I.takeError();
  TimedCall Timed(I->clock());
  return I->callBatch(*S, Columns, Out, Count);
}

StringRef PreparedCall::name() const { return S ? StringRef(S->Name) : ""; }

unsigned PreparedCall::arity() const { return S ? S->Arity : 0; }
