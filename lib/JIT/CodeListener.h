//===- CodeListener.h - Who is told where code is ---------------*- C++ -*-===//
//
// Part of kaleido. Profilers and debuggers need to know where JIT'd code is
// and what to call it. Every body, of every tier, is told here once, before
// it first runs: kaleido's native baseline code by the JIT itself (it is
// placed in a CodeArena, without JITLink), LLVM's code (baseline, optimised,
// top-level expressions, tier-ups on compile threads) by a plugin of each
// ObjectLinkingLayer once the link has fixed the code up.
//
// Why not llvm::JITEventListener or ORC's PerfSupportPlugin: both see only
// what JITLink links, so native code would need a second path anyway, and
// both name code by its linker symbol ("fib$2.opt"), where a profile should
// say which function, which definition and which tier ("fib#2 [O2]"). So
// the JIT says what each body is called (BodyLabel) when it hands the body
// to a link (CodeListeners::expect), and the plugin tells the listeners with
// the symbol's exact address and size.
//
// Naming scheme (BodyLabel::str): NAME[#VERSION] [TIER], where #VERSION is
// left out for a function's first definition and for top-level
// expressions, and TIER is "native" (kaleido's own baseline generator),
// "baseline" (LLVM at -O0, counted) or "O0".."O3" (the optimised tier, also
// tier-ups). Stubs are "NAME [stub]".
//
// A JIT without CodeListeners adds no plugin and builds no label: profiling
// off costs one null test per compile.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_CODELISTENER_H
#define KALEIDO_JIT_CODELISTENER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kaleido {

/// Which code generator made a body (the TIER of its name).
enum class CodeKind {
  Native,    ///< kaleido's native baseline generator.
  Baseline,  ///< LLVM's baseline tier (-O0).
  Optimized, ///< LLVM at the session's level.
  Stub,      ///< A function's permanent entry point (an indirect jump).
};

/// What profiles call one body, and where its source is.
struct BodyLabel {
  /// The Kaleidoscope name, or an expression's display name ("<expr@3:1>").
  std::string Name;
  /// Definitions of Name so far; 0 for an expression (and a stub): no "#".
  uint32_t Version = 0;
  CodeKind Kind = CodeKind::Optimized;
  /// The level of Optimized code.
  unsigned OptLevel = 2;
  /// The buffer and line of the definition; File empty if unknown.
  std::string File;
  unsigned Line = 0;

  /// "fib [O2]", "fib#2 [baseline]", "fib [native]", "<expr@3:1> [O0]".
  std::string str() const;
};

/// Where a body's machine code is.
struct LoadedCode {
  uint64_t Address = 0;
  uint64_t Size = 0;
  /// The code as it will run (Size bytes).
  llvm::ArrayRef<uint8_t> Bytes;
};

/// One consumer of code records (a perf map, a jitdump file).
class CodeListener {
public:
  virtual ~CodeListener();
  /// Told once per body, before the body first runs, on the thread that made
  /// it; CodeListeners serialises the calls. Must not fail: an error is kept
  /// for finish().
  virtual void notifyLoaded(const BodyLabel &Label, const LoadedCode &Code) = 0;
  /// No more records come: flush and close; the first error since the
  /// listener was made, phrased with its file's name.
  virtual llvm::Error finish() = 0;
};

/// The listeners of one JIT (its compile threads' too), and the link plugin
/// that tells them about LLVM's code. Thread-safe. Must outlive every
/// ObjectLinkingLayer given a plugin.
class CodeListeners {
public:
  CodeListeners();
  ~CodeListeners();
  CodeListeners(const CodeListeners &) = delete;
  CodeListeners &operator=(const CodeListeners &) = delete;

  void add(std::unique_ptr<CodeListener> L);
  bool empty() const;

  /// Tells every listener about one body.
  void notifyLoaded(const BodyLabel &Label, const LoadedCode &Code);

  /// Says what the code a later link defines under linker symbol Symbol is
  /// called. The plugin tells the listeners and forgets it; a label never
  /// linked (a failed compile) is dropped by the next expect() of Symbol.
  void expect(llvm::StringRef Symbol, BodyLabel Label);

  /// A plugin for one ObjectLinkingLayer (of any ORC session).
  std::unique_ptr<llvm::orc::ObjectLinkingLayer::Plugin> makePlugin();

  /// finish() of every listener, errors joined. Later records are dropped.
  llvm::Error finish();

private:
  class Plugin;
  /// The expected label of Symbol, taken out; false if none.
  bool take(llvm::StringRef Symbol, BodyLabel &Label);

  mutable std::mutex Mutex;
  std::vector<std::unique_ptr<CodeListener>> Listeners;
  llvm::StringMap<BodyLabel> Expected;
  bool Finished = false;
};

} // namespace kaleido

#endif // KALEIDO_JIT_CODELISTENER_H
