//===- HostGenerator.cpp - What `extern` may reach ------------------------===//
//
// Part of kaleido. See HostGenerator.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/HostGenerator.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

Error HostGenerator::tryToGenerate(LookupState &, LookupKind, JITDylib &JD,
                                   JITDylibLookupFlags,
                                   const SymbolLookupSet &Symbols) {
  if (!Resolve)
    return Error::success();
  SymbolMap New;
  for (const auto &[Sym, Flags] : Symbols) {
    // An extern's trampoline asks for its name; generated code asks for the
    // runtime's own functions, which no extern can name.
    Expected<void *> Addr = Resolve(*Sym, ArityOf(Sym));
    if (!Addr)
      return Addr.takeError();
    if (*Addr)
      New[Sym] = {ExecutorAddr::fromPtr(*Addr),
                  JITSymbolFlags::Exported | JITSymbolFlags::Callable};
  }
  if (New.empty())
    return Error::success();
  return JD.define(absoluteSymbols(std::move(New)));
}
