//===- CAPI.cpp - The C API over Session ----------------------------------===//
//
// Part of kaleido. See include/kaleido/kaleido.h. Each C call is one Session
// call: its diagnostics are collected into the handle, its Error becomes a
// status and a summary, and nothing C++ crosses the boundary (no exception
// is thrown by the library, so none can).
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"
#include "kaleido/kaleido.h"

#include "llvm/Support/Error.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

using namespace kaleido;

struct kaleido_session {
  ~kaleido_session() { *Alive = false; }
  std::unique_ptr<Session> S;
  /// Whether this handle lives, for the prepared calls that outlive it.
  std::shared_ptr<bool> Alive = std::make_shared<bool>(true);
  /// The last call's diagnostics, formatted, and its error's summary.
  std::string Diagnostics;
  std::string Error;
  /// kaleido_set_output's writer, or null for standard output.
  void (*Write)(void *, const char *, size_t) = nullptr;
  void *WriteContext = nullptr;

  /// Starts a call: forgets the last one's diagnostics.
  kaleido_session *begin() {
    Diagnostics.clear();
    Error.clear();
    return this;
  }

  /// The status of Err, whose summary is kept.
  kaleido_status finish(llvm::Error Err) {
    if (!Err)
      return KALEIDO_OK;
    kaleido_status Status = KALEIDO_INTERNAL_ERROR;
    llvm::handleAllErrors(
        std::move(Err),
        [&](const SessionError &E) {
          Status = statusOf(E.getKind());
          Error = E.getMessage();
        },
        [&](const llvm::ErrorInfoBase &E) { Error = E.message(); });
    return Status;
  }

  static kaleido_status statusOf(ErrorKind K) {
    switch (K) {
    case ErrorKind::Compile:
      return KALEIDO_COMPILE_ERROR;
    case ErrorKind::Runtime:
      return KALEIDO_RUNTIME_ERROR;
    case ErrorKind::Interrupted:
      return KALEIDO_INTERRUPTED;
    case ErrorKind::Internal:
      return KALEIDO_INTERNAL_ERROR;
    case ErrorKind::Usage:
      return KALEIDO_USAGE_ERROR;
    case ErrorKind::IO:
      return KALEIDO_IO_ERROR;
    }
    return KALEIDO_INTERNAL_ERROR;
  }
};

struct kaleido_function {
  PreparedCall Call;
  kaleido_session *Owner;
  std::shared_ptr<bool> OwnerAlive;

  /// Runs Body with the owner's bookkeeping: its diagnostics and summary.
  /// Once the owner has ended, Call fails with a usage error by itself,
  /// and there is nowhere to keep its summary.
  template <typename Fn> kaleido_status run(Fn &&Body) const {
    kaleido_session *H = *OwnerAlive ? Owner->begin() : nullptr;
    llvm::Error Err = Body();
    if (!Err)
      return KALEIDO_OK;
    if (H)
      return H->finish(std::move(Err));
    kaleido_status Status = KALEIDO_INTERNAL_ERROR;
    llvm::handleAllErrors(
        std::move(Err),
        [&](const SessionError &E) {
          Status = kaleido_session::statusOf(E.getKind());
        },
        [](const llvm::ErrorInfoBase &) {});
    return Status;
  }
};

static char *copyString(const std::string &S) {
  auto *P = static_cast<char *>(std::malloc(S.size() + 1));
  if (P)
    std::memcpy(P, S.c_str(), S.size() + 1);
  return P;
}

kaleido_options kaleido_default_options(void) {
  SessionOptions D;
  kaleido_options O;
  O.opt_level = D.OptLevel;
  O.mode = KALEIDO_LAZY;
  O.allow_host_symbols = D.AllowHostSymbols;
  O.dialect = KALEIDO_TUTORIAL;
  return O;
}

kaleido_session *kaleido_session_new(const kaleido_options *Options,
                                     char **ErrorOut) {
  kaleido_options O = Options ? *Options : kaleido_default_options();
  auto Fail = [&](const std::string &Message) -> kaleido_session * {
    if (ErrorOut)
      *ErrorOut = copyString(Message);
    return nullptr;
  };
  if (O.mode != KALEIDO_LAZY && O.mode != KALEIDO_EAGER &&
      O.mode != KALEIDO_INTERP)
    return Fail("unknown mode " + std::to_string(int(O.mode)));
  if (O.dialect != KALEIDO_TUTORIAL && O.dialect != KALEIDO_FORMULA)
    return Fail("unknown dialect " + std::to_string(int(O.dialect)));
  auto *H = new kaleido_session;
  SessionOptions SO;
  SO.OptLevel = O.opt_level;
  SO.Mode = O.mode == KALEIDO_EAGER    ? JITMode::Eager
            : O.mode == KALEIDO_INTERP ? JITMode::Interp
                                       : JITMode::Lazy;
  SO.AllowHostSymbols = O.allow_host_symbols != 0;
  SO.Language =
      O.dialect == KALEIDO_FORMULA ? Dialect::Formula : Dialect::Tutorial;
  SO.OnDiagnostic = [H](const Diagnostic &D) { H->Diagnostics += D.format(); };
  SO.OnOutput = [H](llvm::StringRef Bytes) {
    if (H->Write) {
      H->Write(H->WriteContext, Bytes.data(), Bytes.size());
      return;
    }
    std::fwrite(Bytes.data(), 1, Bytes.size(), stdout);
    std::fflush(stdout);
  };
  auto S = Session::create(std::move(SO));
  if (!S) {
    delete H;
    return Fail(llvm::toString(S.takeError()));
  }
  H->S = std::move(*S);
  return H;
}

void kaleido_session_free(kaleido_session *H) { delete H; }

kaleido_status kaleido_run(kaleido_session *H, const char *Source,
                           const char *BufferName) {
  if (!H || !Source)
    return KALEIDO_USAGE_ERROR;
  return H->begin()->finish(
      H->S->run(Source, BufferName ? BufferName : "<source>"));
}

kaleido_status kaleido_call(kaleido_session *H, const char *Name,
                            const double *Args, size_t NArgs, double *Result) {
  if (!H || !Name || (NArgs && !Args))
    return KALEIDO_USAGE_ERROR;
  llvm::Expected<double> V =
      H->begin()->S->call(Name, llvm::ArrayRef<double>(Args, NArgs));
  if (!V)
    return H->finish(V.takeError());
  if (Result)
    *Result = *V;
  return KALEIDO_OK;
}

void *kaleido_lookup(kaleido_session *H, const char *Name, size_t Arity) {
  if (!H || !Name)
    return nullptr;
  // The typed lookup, but for an arity known only at run time.
  llvm::Expected<void *> Addr = H->begin()->S->lookupUntyped(Name, Arity);
  if (!Addr) {
    H->finish(Addr.takeError());
    return nullptr;
  }
  return *Addr;
}

kaleido_function *kaleido_prepare(kaleido_session *H, const char *Name,
                                  size_t Arity) {
  if (!H || !Name)
    return nullptr;
  if (Arity > UINT_MAX) {
    H->begin()->Error = "arity " + std::to_string(Arity) + " is too large";
    return nullptr;
  }
  llvm::Expected<PreparedCall> P =
      H->begin()->S->prepare(Name, unsigned(Arity));
  if (!P) {
    H->finish(P.takeError());
    return nullptr;
  }
  return new kaleido_function{std::move(*P), H, H->Alive};
}

void kaleido_function_free(kaleido_function *F) { delete F; }

kaleido_status kaleido_function_call(const kaleido_function *F,
                                     const double *Args, size_t NArgs,
                                     double *Result) {
  if (!F || (NArgs && !Args))
    return KALEIDO_USAGE_ERROR;
  return F->run([&]() -> llvm::Error {
    llvm::Expected<double> V =
        F->Call.call(llvm::ArrayRef<double>(Args, NArgs));
    if (!V)
      return V.takeError();
    if (Result)
      *Result = *V;
    return llvm::Error::success();
  });
}

kaleido_status kaleido_function_call_batch(const kaleido_function *F,
                                           const double *const *Columns,
                                           size_t NColumns, double *Out,
                                           size_t Count) {
  if (!F || (NColumns && !Columns) || (Count && !Out))
    return KALEIDO_USAGE_ERROR;
  for (size_t J = 0; J != NColumns; ++J)
    if (Count && !Columns[J])
      return KALEIDO_USAGE_ERROR;
  return F->run([&] {
    return F->Call.callBatch(llvm::ArrayRef<const double *>(Columns, NColumns),
                             Out, Count);
  });
}

kaleido_status kaleido_define_host_function(kaleido_session *H,
                                            const char *Name, size_t Arity,
                                            kaleido_host_fn Fn, void *Context) {
  if (!H || !Name)
    return KALEIDO_USAGE_ERROR;
  return H->begin()->finish(H->S->defineHostFunction(
      Name, unsigned(Arity), reinterpret_cast<void *>(Fn), Context,
      Context != nullptr));
}

void kaleido_fail_host_call(const char *Message) {
  failHostCall(Message ? Message : "a host function failed");
}

void kaleido_set_output(kaleido_session *H,
                        void (*Write)(void *, const char *, size_t),
                        void *Context) {
  if (!H)
    return;
  H->Write = Write;
  H->WriteContext = Context;
}

const char *kaleido_last_diagnostics(const kaleido_session *H) {
  return H ? H->Diagnostics.c_str() : "";
}

const char *kaleido_last_error(const kaleido_session *H) {
  return H ? H->Error.c_str() : "";
}

void kaleido_interrupt(kaleido_session *H) {
  if (H)
    H->S->interrupt();
}

const char *kaleido_version(void) { return KALEIDO_VERSION; }
