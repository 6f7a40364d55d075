//===- OperatorTable.cpp - Binary operator precedences --------------------===//
//
// Part of kaleido.
//
//===----------------------------------------------------------------------===//

#include "Parse/OperatorTable.h"

using namespace kaleido;

OperatorTable::OperatorTable() {
  // Assignment binds loosest; the rest are the tutorial's precedences.
  setPrecedence('=', 2);
  setPrecedence('<', 10);
  setPrecedence('+', 20);
  setPrecedence('-', 20);
  setPrecedence('*', 40);
}

bool OperatorTable::isBuiltinBinary(char C) {
  return C == '=' || C == '<' || C == '+' || C == '-' || C == '*';
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
