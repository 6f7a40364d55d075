//===- BuiltinOperators.h - The built-in binary operators --------*- C++
//-*-===//
//
// Part of kaleido. The one definition of the built-in binary operators: their
// spelling, their precedence and what they mean. The parser resolves an
// operator's character to a BuiltinOp once, when it builds the node, and
// every later stage (Sema, IR generation, the interpreter, the direct
// evaluator) asks the node instead of comparing characters. The operator
// table seeds its precedences from this table, and evaluateBuiltin is the one
// C++ definition of what `+ - * / <` compute; IR generation lowers the same
// enum (lib/CodeGen/IRGen.cpp) and must agree with it bit for bit. A row
// names the dialect that has it (kaleido/Dialect.h): `/` is built in only in
// the formula dialect, and an ordinary operator character in the tutorial's.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_AST_BUILTINOPERATORS_H
#define KALEIDO_AST_BUILTINOPERATORS_H

#include "kaleido/Dialect.h"

#include "llvm/Support/ErrorHandling.h"

#include <array>
#include <cstdint>

namespace kaleido {

/// A built-in binary operator, or NotBuiltin for a character that names a
/// user-defined one (which calls the function "binary<c>").
enum class BuiltinOp : uint8_t {
  NotBuiltin,
  /// `name = value`: parsed into an AssignExpr, never a BinaryExpr.
  Assign,
  /// Unordered less-than: 1.0 if L < R or either is NaN, else 0.0.
  Less,
  Add,
  Subtract,
  Multiply,
  /// IEEE division (formula dialect): x/0 is an infinity or NaN.
  Divide,
};

/// One row of the table.
struct BuiltinOperatorInfo {
  char Spelling;
  /// On OperatorTable's scale, 1 (loosest) to 100 (tightest).
  unsigned char Precedence;
  BuiltinOp Op;
  /// The dialect that introduced it: Tutorial for an operator of every
  /// dialect, Formula for one built in only there.
  Dialect Since;
};

/// Every built-in binary operator. Assignment binds loosest; the rest have
/// the tutorial's precedences, and `/` binds as `*` does. None of them can
/// be redefined in a dialect that has them.
inline constexpr BuiltinOperatorInfo BuiltinOperators[] = {
    {'=', 2, BuiltinOp::Assign, Dialect::Tutorial},
    {'<', 10, BuiltinOp::Less, Dialect::Tutorial},
    {'+', 20, BuiltinOp::Add, Dialect::Tutorial},
    {'-', 20, BuiltinOp::Subtract, Dialect::Tutorial},
    {'*', 40, BuiltinOp::Multiply, Dialect::Tutorial},
    {'/', 40, BuiltinOp::Divide, Dialect::Formula},
};

/// Whether row I's operator is built in in dialect D. (The formula dialect
/// has every operator of the tutorial's.)
constexpr bool isInDialect(const BuiltinOperatorInfo &I, Dialect D) {
  return I.Since == Dialect::Tutorial || I.Since == D;
}

namespace detail {
/// The table inverted, by character, for dialect D (all 256, so that the
/// parser's lookup is one load with no range check).
constexpr std::array<BuiltinOp, 256> invertBuiltins(Dialect D) {
  std::array<BuiltinOp, 256> A{};
  for (const BuiltinOperatorInfo &I : BuiltinOperators)
    if (isInDialect(I, D))
      A[static_cast<unsigned char>(I.Spelling)] = I.Op;
  return A;
}
inline constexpr std::array<BuiltinOp, 256> TutorialBySpelling =
    invertBuiltins(Dialect::Tutorial);
inline constexpr std::array<BuiltinOp, 256> FormulaBySpelling =
    invertBuiltins(Dialect::Formula);
} // namespace detail

/// The built-in operator spelled C in dialect D, or NotBuiltin (which makes
/// C, if it can be an operator at all, one a program may define).
constexpr BuiltinOp builtinOperatorFor(char C, Dialect D) {
  const std::array<BuiltinOp, 256> &A = D == Dialect::Formula
                                            ? detail::FormulaBySpelling
                                            : detail::TutorialBySpelling;
  return A[static_cast<unsigned char>(C)];
}

/// The table's row for Op, which must not be NotBuiltin.
constexpr const BuiltinOperatorInfo &builtinOperatorInfo(BuiltinOp Op) {
  for (const BuiltinOperatorInfo &I : BuiltinOperators)
    if (I.Op == Op)
      return I;
  llvm_unreachable("NotBuiltin has no row");
}

/// Evaluates the built-in arithmetic or comparison operator Op (anything but
/// NotBuiltin and Assign) on L and R, exactly as generated code does: this is
/// the C++ evaluators' one definition of the operators, and in particular of
/// the NaN rule of `<`, which IR generation lowers to `fcmp ult`.
///
/// Defined inline here, and to be used only by code compiled with
/// -ffp-contract=off (lib/Interp and Session/DirectEvaluator.cpp, see
/// lib/CMakeLists.txt): it is compiled into its callers, so the rule that
/// keeps a caller's multiply and add from being fused into one rounding
/// covers it too. (Each case is a single IEEE operation, so the function
/// alone has nothing to fuse; a copy emitted by another file therefore
/// computes the same.)
inline double evaluateBuiltin(BuiltinOp Op, double L, double R) {
  switch (Op) {
  case BuiltinOp::Add:
    return L + R;
  case BuiltinOp::Subtract:
    return L - R;
  case BuiltinOp::Multiply:
    return L * R;
  case BuiltinOp::Divide:
    return L / R;
  case BuiltinOp::Less:
    // Unordered less-than, as `fcmp ult`: true if either operand is NaN.
    return !(L >= R) ? 1.0 : 0.0;
  case BuiltinOp::NotBuiltin:
  case BuiltinOp::Assign:
    break;
  }
  llvm_unreachable("not an arithmetic or comparison operator");
}

} // namespace kaleido

#endif // KALEIDO_AST_BUILTINOPERATORS_H
