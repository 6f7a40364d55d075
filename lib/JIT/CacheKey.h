//===- CacheKey.h - What a cached object depends on -------------*- C++ -*-===//
//
// Part of kaleido. The key a compiled body is kept under in a CompileCache
// (CompileCache.h): a BLAKE3 hash of everything its object depends on.
//
//   - the body's IR as IR generation made it, before any pass, printed: the
//     function's syntax tree as lowered, its callees' names and signatures
//     (the declarations), the syntax trees and versions of the callees it
//     inlined (their copies, and the version each guard tests), the
//     safepoints and the names of the symbols the code links against;
//   - the tier and the -O level: which passes run;
//   - kaleido's and LLVM's versions, the target triple, CPU and features,
//     code model, relocation model (describeCodeGen): what the passes and
//     the code generator do with the IR.
//
// Hashing the IR, not the syntax tree, makes the key follow whatever IR
// generation depends on without a list to keep in step with it. It holds
// only if the IR holds no address of the process: the JIT's generated code
// refers to the poll word, version words, stubs and runtime by symbol,
// which JITLink resolves at link time (KaleidoJIT::getPollWordSymbol,
// versionWordSymbol). LLVM's counted baseline code is the exception: its
// call counter is an address the TierUpLayer adds after IR generation, so
// it is never cached (BodyUnit).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_CACHEKEY_H
#define KALEIDO_JIT_CACHEKEY_H

#include "JIT/BodySource.h"
#include "JIT/CompileCache.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace kaleido {

/// What a cached object's code depends on besides its IR, tier and level:
/// kaleido's and LLVM's versions and TM's triple, CPU, features and code
/// and relocation models. Computed once per TargetMachine.
std::string describeCodeGen(const llvm::TargetMachine &TM);

/// The key of the object of M (IR as generated, with its triple and data
/// layout set), compiled in tier T at OptLevel by a code generator that
/// describeCodeGen described as CodeGen.
CompileCache::Key cacheKey(const llvm::Module &M, llvm::StringRef CodeGen,
                           Tier T, unsigned OptLevel);

/// Marks M to be stored under K once compiled (ObjectCompiler does), as
/// named metadata that no pass or code generator reads.
void setCacheKey(llvm::Module &M, const CompileCache::Key &K);
/// The key setCacheKey gave M, if any.
std::optional<CompileCache::Key> getCacheKey(const llvm::Module &M);

} // namespace kaleido

#endif // KALEIDO_JIT_CACHEKEY_H
