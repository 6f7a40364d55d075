//===- kaleido/Dialect.h - Which Kaleidoscope a session reads -----*- C++
//-*-===//
//
// Part of kaleido. Public API.
//
// The language comes in two dialects, chosen once per session
// (SessionOptions::Language). A dialect is one whole, named language rather
// than a set of feature flags: every dialect is a language that is documented
// and tested end to end (lit tests, and the differential runner runs each one
// through every tier), which a flag per feature would multiply into 2^n
// languages nobody tests. A future extension joins the formula dialect (or
// becomes a new one); the tutorial dialect stays the LLVM tutorial's.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_DIALECT_H
#define KALEIDO_DIALECT_H

#include <cstdint>

namespace kaleido {

/// The language a session reads. Each dialect's programs mean the same in
/// every tier (interpreter, baseline and optimised code, compiled programs),
/// bit for bit.
enum class Dialect : uint8_t {
  /// The default: Kaleidoscope exactly as the LLVM tutorial's chapters 2-7
  /// define it. Number literals are digits with at most one '.' ("1e3" is a
  /// malformed number), and `/` is an ordinary operator character that a
  /// program may define (`def binary/ 40 (a b) ...`).
  Tutorial,
  /// The tutorial's language plus what formulas need: number literals with
  /// a decimal exponent (`1e-3`, `2.5E+10`; a literal too large for a
  /// double, such as `1e999`, is an error rather than infinity), and a
  /// built-in `/` (IEEE division, precedence 40 like `*`, left associative;
  /// dividing by zero gives an infinity or NaN). Programs that define
  /// `binary/` are rejected; everything else means what it means in the
  /// tutorial dialect.
  Formula,
};

} // namespace kaleido

#endif // KALEIDO_DIALECT_H
