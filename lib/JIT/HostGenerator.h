//===- HostGenerator.h - What `extern` may reach ----------------*- C++ -*-===//
//
// Part of kaleido. A DefinitionGenerator for <host>: it defines a name
// looked up there as the address the host's resolver gives for it (the
// runtime, the C math library, the process if allowed), telling the resolver
// the arity of the `extern` that declared the name, if one did, so that a
// mismatch is an error naming the function.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_HOSTGENERATOR_H
#define KALEIDO_JIT_HOSTGENERATOR_H

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ExecutionEngine/Orc/Core.h"

#include <functional>
#include <optional>

namespace kaleido {

class HostGenerator : public llvm::orc::DefinitionGenerator {
public:
  /// The host's resolver (JITOptions::ResolveHostSymbol): an address, null
  /// for a name it does not know, or an error that fails the lookup.
  using Resolver = std::function<llvm::Expected<void *>(
      llvm::StringRef Name, std::optional<unsigned> Arity)>;
  /// The parameters of the `extern` that declared Name, or nullopt (a
  /// runtime function generated code calls, or a name only `def` declared).
  using ArityLookup = llvm::unique_function<std::optional<unsigned>(
      const llvm::orc::SymbolStringPtr &Name)>;

  /// A null Resolve resolves nothing.
  HostGenerator(Resolver Resolve, ArityLookup ArityOf)
      : Resolve(std::move(Resolve)), ArityOf(std::move(ArityOf)) {}

  /// Defines each of Symbols the resolver knows, as an absolute symbol in
  /// JD; fails with the resolver's first error.
  llvm::Error tryToGenerate(llvm::orc::LookupState &LS, llvm::orc::LookupKind K,
                            llvm::orc::JITDylib &JD,
                            llvm::orc::JITDylibLookupFlags JDLookupFlags,
                            const llvm::orc::SymbolLookupSet &Symbols) override;

private:
  Resolver Resolve;
  ArityLookup ArityOf;
};

} // namespace kaleido

#endif // KALEIDO_JIT_HOSTGENERATOR_H
