//===- StubTable.h - Stubs, trampolines and version words -------*- C++ -*-===//
//
// Part of kaleido. The one owner of what the JIT knows per declared name: its
// permanent stub, the one trampoline the stub starts at after each
// definition, the version word that counts definitions, and the state of the
// current body. A trampoline asks the table's resolver (the JIT) for the body
// of its function, points the stub at it and jumps there: the resolution is
// done here rather than by a LazyCallThroughManager, so that a body the JIT
// makes itself (native baseline code) costs no ORC lookup and no
// materialization. Where stubs and trampolines live is Indirections.h's
// business. A body symbol ("fib$2") is an interned SymbolStringPtr, made
// once, when something first refers to it, and mapped back to its function
// and version through a map keyed by that SymbolStringPtr: no symbol is ever
// parsed.
//
// Nothing here grows with redefinitions (issue 9's soak): a function has one
// trampoline, made with its stub and bound to the function, not to a version,
// so every definition points the stub back at it; and a new version forgets
// the old one's body symbols, which leave the ORC session's string pool once
// nothing else holds them (dropped in batches, KaleidoJIT::sweepSymbols).
//
// The per-function state itself is found by the function's name, in a
// StringMap, as ORC's own IndirectStubsManager finds stubs: keying it by
// interned name (a SymbolStringPool insertion, a second map and an
// allocation per definition, though most defined functions are never
// called) cost 3.4% more instructions reading 10,000 definitions, and a
// name is interned anyway once something refers to it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_STUBTABLE_H
#define KALEIDO_JIT_STUBTABLE_H

#include "JIT/Indirections.h"
#include "JIT/RetiredCode.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace kaleido {

/// The symbol of version Version (1 or more) of Function's body: "f$2", or
/// "f$2.opt" for the optimised recompile of baseline code. The only place
/// body symbols are spelt; '$' cannot occur in a Kaleidoscope name, so a body
/// symbol never collides with a function's.
std::string bodySymbolName(llvm::StringRef Function, uint32_t Version,
                           bool Recompile = false);

/// The state of one declared name. Lives as long as the StubTable, at a
/// fixed address (generated code holds the address of Version). The fields
/// the table's lock guards are marked; the others are the program thread's.
struct FunctionState {
  /// The Kaleidoscope name: the table's key, which outlives the state.
  llvm::StringRef Name;
  /// The parameters of the `extern` that declared the name, if one did.
  std::optional<unsigned> Arity;
  /// 0 while the name is only an extern; counts definitions (and undone
  /// ones) after that.
  /// Inlined copies of the body test it (StubTable::getVersionWord).
  /// Written under the lock, by the program's thread only (so it may read
  /// it without the lock).
  uint32_t Version = 0;
  /// Whether the current version has a body (else calls reach the host's
  /// symbol of the name).
  bool HasBody = false;
  /// Whether compiling the current body failed (its calls fail).
  bool CompileFailed = false;
  /// Whether the current body has been handed to <bodies>.
  bool BodyDefined = false;
  /// Whether the current body runs baseline code that has not tiered up.
  bool Baseline = false;
  /// The code of the current body, once it has been handed to <bodies>.
  llvm::orc::ResourceTrackerSP BodyRT;
  /// Or, for code the JIT made and owns itself (native baseline code), that
  /// code; null otherwise.
  std::unique_ptr<OwnedCode> Owned;
  llvm::orc::ExecutorAddr OwnedAddr;
  /// The stub, made when the name is first referenced; its address never
  /// changes. Under the lock.
  bool HasStub = false;
  Indirections::Stub Stub;
  /// Where the stub points while the current version has no code: the
  /// function's one trampoline, made with the stub.
  llvm::orc::ExecutorAddr Trampoline;
  /// The current version's body symbols, made on first reference. Under the
  /// lock.
  llvm::orc::SymbolStringPtr BodySym, RecompileSym;
};

/// What a body symbol stands for.
struct BodyRef {
  FunctionState *F = nullptr;
  uint32_t Version = 0;
  /// The optimised recompile of baseline code ("f$2.opt").
  bool Recompile = false;
};

class CodeListeners;

class StubTable {
public:
  /// What a trampoline of F lands at: F's current body, or for a name that
  /// is only an extern the host symbol. Called on the thread that called the
  /// stub, with no lock held.
  using ResolveFn =
      llvm::unique_function<llvm::Expected<llvm::orc::ExecutorAddr>(
          FunctionState &F)>;

  /// A table whose trampolines land where Resolve says; an error there is
  /// reported to ES and the call lands at FailureHandler. Its stubs and
  /// trampolines go to Arena where they can (Indirections.h). Fails if the
  /// target has no stubs or trampolines. ES and Arena must outlive the
  /// table.
  static llvm::Expected<std::unique_ptr<StubTable>>
  create(llvm::orc::ExecutionSession &ES, const llvm::Triple &TT,
         llvm::orc::ExecutorAddr FailureHandler, ResolveFn Resolve,
         CodeArena *Arena = nullptr);

  /// Tells L about every stub made from now on, as "NAME [stub]" (stubs
  /// whose size is known: those in the code arena). L must outlive the
  /// table; null (the default) tells no one.
  void setListeners(CodeListeners *L) { Listeners = L; }

  /// Where the stubs and trampolines are.
  Indirections::Kind getIndirectionKind() const { return Ind->getKind(); }

  /// Declares Name with Arity parameters (an `extern`); no version change.
  FunctionState &declare(llvm::StringRef Name, unsigned Arity);

  /// Bumps Name's version (declaring it if new) and, if it has a stub,
  /// points the stub back at its trampoline, which finds the new version's
  /// body. The old version's body symbols are forgotten (findBody no longer
  /// knows them); the old body's BodyRT is left for the caller to free.
  llvm::Expected<FunctionState &> define(llvm::StringRef Name);

  /// The same, but the new version has no body: calls reach the host
  /// symbol of the name again, as for an `extern` never defined (an undone
  /// definition).
  llvm::Expected<FunctionState &> undefine(llvm::StringRef Name);

  /// The state of Name, or null if it was never declared or defined.
  FunctionState *find(const llvm::orc::SymbolStringPtr &Name);
  FunctionState *find(llvm::StringRef Name);

  /// The parameters of the `extern` that declared Name, if one did.
  std::optional<unsigned> getArity(llvm::StringRef Name);

  /// The symbol of F's current body (Recompile: its optimised recompile),
  /// made and recorded on the first call for this version. F must have a
  /// version (be defined).
  llvm::orc::SymbolStringPtr getBodySymbol(FunctionState &F,
                                           bool Recompile = false);

  /// The same if it has been made, else null; makes nothing.
  llvm::orc::SymbolStringPtr findBodySymbol(const FunctionState &F,
                                            bool Recompile = false) const;

  /// What Sym names, if it is a body symbol of a current version. Symbols
  /// of replaced versions are forgotten: a late use of one (a counter of
  /// freed code, a background compile's error) finds nothing.
  std::optional<BodyRef> findBody(const llvm::orc::SymbolStringPtr &Sym) const;

  /// Points F's stub at Body if F has a stub (else the stub, once made,
  /// starts at a trampoline that finds the body).
  llvm::Error redirect(FunctionState &F, llvm::orc::ExecutorAddr Body);

  /// Points F's stub at Body only if Version is still F's version, and says
  /// whether it did: what a trampoline does once it has resolved its body,
  /// so that the trampoline of a replaced body, resolving late, cannot
  /// clobber the stub; and what a background compile does, so that its
  /// code cannot replace a body defined while it compiled.
  llvm::Expected<bool> redirectIfCurrent(FunctionState &F, uint32_t Version,
                                         llvm::orc::ExecutorAddr Body);

  /// The permanent address of Name's stub, made now if need be. Fails if
  /// Name was never declared or defined.
  llvm::Expected<llvm::orc::ExecutorAddr> getStub(llvm::StringRef Name);
  /// The word Name's stub jumps through (made now if need be), for a caller
  /// that loads it and calls its target itself; null where ORC's stubs
  /// manager keeps it. Its value changes (atomically) on every redirect.
  /// Fails as getStub does.
  llvm::Expected<const uint64_t *> getStubTarget(llvm::StringRef Name);

  /// A generator that defines a declared name as its stub (made then if need
  /// be) the first time code looks the name up, and a version word's symbol
  /// as the word. Add it to one JITDylib only.
  std::unique_ptr<llvm::orc::DefinitionGenerator> createStubGenerator();

  /// Name's version word, or null if Name is not declared.
  const uint32_t *getVersionWord(llvm::StringRef Name) const;
  /// The version word Symbol names, if it is versionWordSymbol(Name) of a
  /// declared Name (CodeGen/IRGen.h): how generated code reaches it.
  std::optional<llvm::orc::ExecutorAddr>
  findVersionWord(llvm::StringRef Symbol) const;

  /// How many body symbols were forgotten (by new versions) since the last
  /// call: their pool entries die once their code is freed, and whoever
  /// clears the session's pool may count them (KaleidoJIT::sweepSymbols).
  size_t takeForgotten();

  /// What the table holds, for tests that check nothing grows with
  /// redefinitions.
  struct Counts {
    size_t Functions = 0, Trampolines = 0, BodySymbols = 0;
    /// Body symbols forgotten and not yet taken (takeForgotten).
    size_t Forgotten = 0;
  };
  Counts getCounts() const;

private:
  llvm::Expected<FunctionState &> newVersion(llvm::StringRef Name,
                                             bool HasBody);
  class StubGenerator;

  StubTable(llvm::orc::ExecutionSession &ES,
            llvm::orc::ExecutorAddr FailureHandler, ResolveFn Resolve);
  // These need the lock held.
  FunctionState &getOrCreate(llvm::StringRef Name);
  FunctionState *findLocked(llvm::StringRef Name);
  std::optional<llvm::orc::ExecutorAddr>
  findVersionWordLocked(llvm::StringRef Symbol) const;
  llvm::Error redirectLocked(FunctionState &F, llvm::orc::ExecutorAddr Body);
  /// Forgets F's current body symbols.
  void forgetBodySymbols(FunctionState &F);
  llvm::Error makeStub(FunctionState &F);
  /// A trampoline's call: resolve, redirect the stub, and say where to land.
  llvm::orc::ExecutorAddr reenter(llvm::orc::ExecutorAddr Trampoline);

  llvm::orc::ExecutionSession &ES;
  llvm::orc::ExecutorAddr FailureHandler;
  ResolveFn Resolve;
  std::unique_ptr<Indirections> Ind;
  CodeListeners *Listeners = nullptr;
  /// Guards Functions, BodySymbols, Forgotten and the marked FunctionState
  /// fields. Taken before TrampolinesMutex when both are.
  mutable std::mutex Mutex;
  /// Trampolines may be entered from any thread running JIT'd code. Each is
  /// its function's, for good (FunctionState::Trampoline).
  mutable std::mutex TrampolinesMutex;
  llvm::DenseMap<llvm::orc::ExecutorAddr, FunctionState *> Trampolines;
  /// StringMap: a FunctionState never moves (see FunctionState).
  llvm::StringMap<FunctionState> Functions;
  llvm::DenseMap<llvm::orc::SymbolStringPtr, BodyRef> BodySymbols;
  size_t Forgotten = 0;
};

} // namespace kaleido

#endif // KALEIDO_JIT_STUBTABLE_H
