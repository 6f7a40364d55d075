//===- OperatorTable.h - Binary operator precedences -------------*- C++
//-*-===//
//
// Part of kaleido. The precedence of every binary operator the parser knows.
// A session owns one; a `def binary...` or `extern binary...` adds to it once
// it has been accepted, so the operator is usable from the next item on. It
// starts with the built-in operators of AST/BuiltinOperators.h that its
// dialect has, and is where the parser learns the dialect: the operators and
// the number syntax it reads then come from one fact.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_PARSE_OPERATORTABLE_H
#define KALEIDO_PARSE_OPERATORTABLE_H

#include "AST/AST.h"

#include <array>

namespace kaleido {

class OperatorTable {
public:
  static constexpr unsigned MinPrecedence = 1;
  static constexpr unsigned MaxPrecedence = 100;
  static constexpr unsigned DefaultUserPrecedence = 30;

  explicit OperatorTable(Dialect D = Dialect::Tutorial);

  /// The dialect whose built-in operators the table holds.
  Dialect getDialect() const { return D; }

  /// The built-in operator C spells in this table's dialect, or NotBuiltin.
  BuiltinOp builtinFor(char C) const { return builtinOperatorFor(C, D); }

  /// The precedence of binary operator C, or 0 if C is not one.
  unsigned getPrecedence(char C) const {
    unsigned char U = static_cast<unsigned char>(C);
    return U < Prec.size() ? Prec[U] : 0;
  }
  void setPrecedence(char C, unsigned P) {
    Prec[static_cast<unsigned char>(C)] = P;
  }

  /// If Proto (of a `def` or an `extern`) is a binary operator, parses it
  /// with Proto's precedence from now on: the latest declaration's precedence
  /// holds. Any other prototype changes nothing.
  void declare(const PrototypeAST &Proto) {
    if (Proto.K == PrototypeAST::Kind::Binary)
      setPrecedence(Proto.getOperator(), Proto.Precedence);
  }

  /// Whether C spells a built-in binary operator of this dialect
  /// (AST/BuiltinOperators.h: '=', '<', '+', '-' and '*', and '/' in the
  /// formula dialect), which cannot be redefined.
  bool isBuiltinBinary(char C) const {
    return builtinFor(C) != BuiltinOp::NotBuiltin;
  }
  /// Characters that can never name an operator: ( ) , ; # and
  /// anything that starts an identifier or a number.
  static bool canBeOperator(char C);

private:
  std::array<unsigned char, 128> Prec{};
  Dialect D;
};

} // namespace kaleido

#endif // KALEIDO_PARSE_OPERATORTABLE_H
