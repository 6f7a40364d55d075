//===- ParseHelpers.h - Parsing a string in unit tests ----------*- C++ -*-===//
//
// Shared by the parser and AST tests: parse every top-level item of a
// string, collecting diagnostics as "line:col: message", and print a tree.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_UNITTESTS_PARSEHELPERS_H
#define KALEIDO_UNITTESTS_PARSEHELPERS_H

#include "AST/AST.h"
#include "Parse/Parser.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace kaleido::test {

struct Parsed {
  std::vector<std::string> Errors;
  std::vector<TopLevelItem> Items;
};

inline Parsed parse(llvm::StringRef Src, OperatorTable Ops = OperatorTable()) {
  Parsed P;
  DiagnosticHandler H = [&](const Diagnostic &D) {
    P.Errors.push_back(std::to_string(D.Loc.Line) + ":" +
                       std::to_string(D.Loc.Column) + ": " + D.Message);
  };
  DiagnosticEngine Diags("t", Src, H);
  Parser Parse(Src, Ops, Diags);
  for (;;) {
    TopLevelItem Item;
    if (Parse.parseItem(Item) != Parser::Result::Item)
      return P;
    P.Items.push_back(std::move(Item));
  }
}

inline std::string dump(const TopLevelItem &I) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  printAST(I, OS);
  return S;
}

} // namespace kaleido::test

#endif
