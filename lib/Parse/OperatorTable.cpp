//===- OperatorTable.cpp - Binary operator precedences --------------------===//
//
// Part of kaleido. The built-in operators' precedences and the rule that they
// cannot be redefined both come from AST/BuiltinOperators.h, for the table's
// dialect.
//
//===----------------------------------------------------------------------===//

#include "Parse/OperatorTable.h"

#include "AST/BuiltinOperators.h"

using namespace kaleido;

OperatorTable::OperatorTable(Dialect D) : D(D) {
  for (const BuiltinOperatorInfo &I : BuiltinOperators)
    if (isInDialect(I, D))
      setPrecedence(I.Spelling, I.Precedence);
}

bool OperatorTable::canBeOperator(char C) {
  if (C <= ' ' || C >= 0x7f)
    return false;
  if ((C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
      (C >= '0' && C <= '9'))
    return false;
  switch (C) {
  case '(':
  case ')':
  case ',':
  case ';':
  case '#':
  case '.':
    return false;
  default:
    return true;
  }
}
