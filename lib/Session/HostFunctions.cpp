//===- HostFunctions.cpp - The host's functions, as a session sees them ---===//
//
// Part of kaleido. Session::defineHostFunction and what an extern reaches:
// the checks a host function's name and arity get against the program, and
// the resolver the executors are given (the host's functions first, then the
// runtime's, the C math library's and, if allowed, the process's).
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace kaleido;
using namespace llvm;

static bool isIdentifier(StringRef Name) {
  if (Name.empty() || !isAlpha(Name.front()))
    return false;
  return all_of(Name, [](char C) { return isAlnum(C); });
}

static std::string parameters(unsigned N) {
  return formatv("{0} parameter{1}", N, N == 1 ? "" : "s").str();
}

Error Session::Impl::defineHostFunction(StringRef Name, unsigned Arity, void *F,
                                        void *Context, bool PassContext) {
  auto Usage = [](const Twine &Msg) {
    return make_error<SessionError>(ErrorKind::Usage, Msg.str());
  };
  if (!isIdentifier(Name))
    return Usage("host function name '" + Name +
                 "' is not a Kaleidoscope identifier");
  if (!F)
    return Usage("host function '" + Name + "' is null");
  if (rt::hostArity(Name))
    return Usage("'" + Name + "' is a " +
                 (rt::isMathFunction(Name) ? "C math library" : "runtime") +
                 " function; a host function needs a name of its own");
  auto It = Functions.find(Name);
  if (It != Functions.end() && It->second.Arity != Arity)
    return Usage("host function '" + Name + "' takes " + parameters(Arity) +
                 ", but the program declares '" + Name + "' with " +
                 parameters(It->second.Arity));
  if (Error Err = Hosts.define(Name, Arity, F, Context, PassContext))
    return Usage("cannot define host function '" + Name +
                 "': " + toString(std::move(Err)));
  return Error::success();
}

Expected<void *> Session::Impl::resolveHost(StringRef Name,
                                            std::optional<unsigned> Arity) {
  if (const rt::HostFunctionTable::Entry *E = Hosts.find(Name)) {
    if (Arity && *Arity != E->Arity)
      return createStringError(
          formatv("call to '{0}', which is declared by 'extern' with {1}, but "
                  "the host's '{0}' takes {2}",
                  Name, parameters(*Arity), E->Arity)
              .str());
    return E->Address;
  }
  return rt::resolveHostSymbol(Name, Arity, Opts.AllowHostSymbols);
}

Error Session::defineHostFunction(StringRef Name, unsigned Arity, void *F,
                                  void *Context, bool PassContext) {
  return P->defineHostFunction(Name, Arity, F, Context, PassContext);
}

void kaleido::failHostCall(StringRef Message) {
  rt::failHostCall(Message.str());
}
