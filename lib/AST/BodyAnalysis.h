//===- BodyAnalysis.h - What a function body does, read off its AST -*- C++
//-*-===//
//
// Part of kaleido. Facts about a body that the tiers and the inliner decide
// by, computed from the checked AST before any code exists: how big it is,
// and whether one call of it can run for unbounded time by itself.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_AST_BODYANALYSIS_H
#define KALEIDO_AST_BODYANALYSIS_H

#include "AST/AST.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace kaleido {

/// The size and shape of one function body.
struct BodyMeasure {
  /// Expression nodes (`x * x` has 3), counted up to the cap given to
  /// measureBody: a body over it reports Cap + 1.
  unsigned Nodes = 0;
  /// Whether one call can run for unbounded time by itself: the body has a
  /// `for`, or it calls itself (directly or through its own operator; a self
  /// tail call is a loop too). Such a function skips the baseline tier, whose
  /// code only becomes optimised for later calls, and is never inlined.
  /// Other functions spend unbounded time only in their callees, each of
  /// which tiers up on its own.
  bool MayLoop = false;
};

/// Measures F's body, stopping once it has more than Cap nodes or may loop.
BodyMeasure measureBody(const FunctionAST &F, unsigned Cap = ~0u - 1);

/// How large a body the optimised tier takes. LLVM's optimiser and its
/// aggressive code generator grow faster than linearly on one huge function
/// (900 nested `for`s took 21.7 s at -O2 and over 100 s at -O3; a 10,000-term
/// sum 0.6 s), so a body past either limit stays in the baseline tier (-O0
/// code, or native code) and is never recompiled optimised. Every item's
/// size is bounded again by ParserLimits::MaxItemNodes, which keeps -O0
/// itself near 0.1 s.
struct OptimiserLimits {
  /// Expression nodes, as BodyMeasure counts them.
  static constexpr unsigned MaxNodes = 4000;
  /// `for` loops nested inside each other.
  static constexpr unsigned MaxLoopDepth = 32;
};

/// Whether F's body is within OptimiserLimits (a walk of at most
/// OptimiserLimits::MaxNodes + 1 nodes).
bool fitsOptimiser(const FunctionAST &F);

/// Whether E calls a function (user operators included). A body that calls
/// nothing cannot recurse, so it needs no stack check on entry: both code
/// generators (IR and native) decide their entry safepoint by this.
bool containsCall(const Expr &E);

/// Calls Fn with the name of every function E calls, in the order the calls
/// appear, once per call site: callees by name, user operators by their
/// function's name ("binary|"), which Fn must copy if it keeps it.
void forEachCallee(const Expr &E, llvm::function_ref<void(llvm::StringRef)> Fn);

/// Whether one call of F may run for unbounded time by itself (see
/// BodyMeasure::MayLoop).
inline bool mayLoop(const FunctionAST &F) { return measureBody(F).MayLoop; }

} // namespace kaleido

#endif // KALEIDO_AST_BODYANALYSIS_H
