//===- BuiltinOperatorsTest.cpp - Unit tests for the operator table -------===//
//
// The table is the one definition of the built-in operators: their spellings,
// the precedences the README states, and what evaluateBuiltin computes,
// including the NaN rule of `<`.
//
//===----------------------------------------------------------------------===//

#include "AST/BuiltinOperators.h"
#include "Parse/OperatorTable.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <set>

using namespace kaleido;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();
const double Inf = std::numeric_limits<double>::infinity();

TEST(BuiltinOperatorsTest, SpellingAndEnumCorrespond) {
  for (Dialect D : {Dialect::Tutorial, Dialect::Formula}) {
    EXPECT_EQ(builtinOperatorFor('=', D), BuiltinOp::Assign);
    EXPECT_EQ(builtinOperatorFor('<', D), BuiltinOp::Less);
    EXPECT_EQ(builtinOperatorFor('+', D), BuiltinOp::Add);
    EXPECT_EQ(builtinOperatorFor('-', D), BuiltinOp::Subtract);
    EXPECT_EQ(builtinOperatorFor('*', D), BuiltinOp::Multiply);
    for (char C : {'|', '>', '&', ':', '!', 'a', '0', '\0', '\x7f'})
      EXPECT_EQ(builtinOperatorFor(C, D), BuiltinOp::NotBuiltin) << C;
    // Bytes past ASCII are not operators either (and are not read out of
    // bounds).
    EXPECT_EQ(builtinOperatorFor(static_cast<char>(0xE9), D),
              BuiltinOp::NotBuiltin);
  }
  // '/' is built in only in the formula dialect.
  EXPECT_EQ(builtinOperatorFor('/', Dialect::Tutorial), BuiltinOp::NotBuiltin);
  EXPECT_EQ(builtinOperatorFor('/', Dialect::Formula), BuiltinOp::Divide);

  // Every row round-trips in its dialect, and in the formula dialect (which
  // has them all); no spelling or operator appears twice.
  std::set<char> Spellings;
  std::set<BuiltinOp> Ops;
  for (const BuiltinOperatorInfo &I : BuiltinOperators) {
    EXPECT_EQ(builtinOperatorFor(I.Spelling, I.Since), I.Op);
    EXPECT_EQ(builtinOperatorFor(I.Spelling, Dialect::Formula), I.Op);
    EXPECT_EQ(builtinOperatorInfo(I.Op).Spelling, I.Spelling);
    EXPECT_TRUE(Spellings.insert(I.Spelling).second);
    EXPECT_TRUE(Ops.insert(I.Op).second);
  }
  EXPECT_EQ(Ops.size(), 6u);
}

TEST(BuiltinOperatorsTest, PrecedencesAsTheREADMEStates) {
  EXPECT_EQ(builtinOperatorInfo(BuiltinOp::Assign).Precedence, 2);
  EXPECT_EQ(builtinOperatorInfo(BuiltinOp::Less).Precedence, 10);
  EXPECT_EQ(builtinOperatorInfo(BuiltinOp::Add).Precedence, 20);
  EXPECT_EQ(builtinOperatorInfo(BuiltinOp::Subtract).Precedence, 20);
  EXPECT_EQ(builtinOperatorInfo(BuiltinOp::Multiply).Precedence, 40);
  EXPECT_EQ(builtinOperatorInfo(BuiltinOp::Divide).Precedence, 40);
  EXPECT_EQ(builtinOperatorInfo(BuiltinOp::Divide).Since, Dialect::Formula);
}

TEST(BuiltinOperatorsTest, OperatorTableIsSeededFromTheTable) {
  OperatorTable Ops;
  EXPECT_EQ(Ops.getDialect(), Dialect::Tutorial);
  OperatorTable Formula(Dialect::Formula);
  for (const BuiltinOperatorInfo &I : BuiltinOperators) {
    EXPECT_EQ(Formula.getPrecedence(I.Spelling), I.Precedence) << I.Spelling;
    EXPECT_TRUE(Formula.isBuiltinBinary(I.Spelling)) << I.Spelling;
    if (I.Since != Dialect::Tutorial)
      continue;
    EXPECT_EQ(Ops.getPrecedence(I.Spelling), I.Precedence) << I.Spelling;
    EXPECT_TRUE(Ops.isBuiltinBinary(I.Spelling)) << I.Spelling;
  }
  EXPECT_EQ(Ops.getPrecedence('|'), 0u);
  EXPECT_FALSE(Ops.isBuiltinBinary('|'));
  EXPECT_FALSE(Formula.isBuiltinBinary('|'));
  // The tutorial's '/' is the program's to define.
  EXPECT_EQ(Ops.getPrecedence('/'), 0u);
  EXPECT_FALSE(Ops.isBuiltinBinary('/'));
  EXPECT_EQ(Ops.builtinFor('/'), BuiltinOp::NotBuiltin);
  EXPECT_EQ(Formula.builtinFor('/'), BuiltinOp::Divide);
}

TEST(BuiltinOperatorsTest, Arithmetic) {
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Add, 1.5, 2.25), 3.75);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Subtract, 1.5, 2.25), -0.75);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Multiply, 1.5, 2.25), 3.375);
  // IEEE, not folded: 0.1 + 0.2 is not 0.3, -0 survives, Inf - Inf is NaN.
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Add, 0.1, 0.2), 0.1 + 0.2);
  EXPECT_NE(evaluateBuiltin(BuiltinOp::Add, 0.1, 0.2), 0.3);
  EXPECT_TRUE(std::signbit(evaluateBuiltin(BuiltinOp::Multiply, -1.0, 0.0)));
  EXPECT_TRUE(std::isnan(evaluateBuiltin(BuiltinOp::Subtract, Inf, Inf)));
  EXPECT_TRUE(std::isnan(evaluateBuiltin(BuiltinOp::Add, NaN, 1.0)));
}

TEST(BuiltinOperatorsTest, DivisionIsIEEE) {
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Divide, 7.0, 2.0), 3.5);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Divide, 1.0, 3.0), 1.0 / 3.0);
  // By zero: signed infinities, and NaN for 0/0; -0 survives.
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Divide, 1.0, 0.0), Inf);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Divide, 1.0, -0.0), -Inf);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Divide, -1.0, 0.0), -Inf);
  EXPECT_TRUE(std::isnan(evaluateBuiltin(BuiltinOp::Divide, 0.0, 0.0)));
  EXPECT_TRUE(std::isnan(evaluateBuiltin(BuiltinOp::Divide, Inf, Inf)));
  EXPECT_TRUE(std::signbit(evaluateBuiltin(BuiltinOp::Divide, -0.0, 5.0)));
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Divide, 1.0, Inf), 0.0);
}

TEST(BuiltinOperatorsTest, LessThanIsUnordered) {
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, 1.0, 2.0), 1.0);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, 2.0, 1.0), 0.0);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, 2.0, 2.0), 0.0);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, -0.0, 0.0), 0.0);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, -Inf, Inf), 1.0);
  // `fcmp ult`: a NaN operand on either side makes it true.
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, NaN, 1.0), 1.0);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, 1.0, NaN), 1.0);
  EXPECT_EQ(evaluateBuiltin(BuiltinOp::Less, NaN, NaN), 1.0);
}

} // namespace
