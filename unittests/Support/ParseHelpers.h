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
#include "Sema/Sema.h"

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

/// A checked program as a session keeps it: its definitions and externs in
/// the tables, its top-level expressions in order. Errors as for parse().
struct Program {
  std::vector<std::string> Errors;
  OperatorTable Ops;
  FunctionTable Functions;
  std::vector<std::shared_ptr<FunctionAST>> Expressions;
  /// Every extern and def recorded, in order: (name, whether a def).
  std::vector<std::pair<std::string, bool>> Recorded;

  /// The current definition of Name (null if none).
  const FunctionAST *body(llvm::StringRef Name) const {
    auto It = Functions.find(Name);
    return It == Functions.end() ? nullptr : It->second.Body.get();
  }
};

/// Parses, checks and records every item of Src, stopping at the first
/// error.
inline void load(Program &P, llvm::StringRef Src) {
  DiagnosticHandler H = [&](const Diagnostic &D) {
    P.Errors.push_back(std::to_string(D.Loc.Line) + ":" +
                       std::to_string(D.Loc.Column) + ": " + D.Message);
  };
  DiagnosticEngine Diags("t", Src, H);
  Parser Parse(Src, P.Ops, Diags);
  for (;;) {
    TopLevelItem Item;
    if (Parse.parseItem(Item) != Parser::Result::Item)
      return;
    if (!Sema(P.Functions, Diags).check(Item))
      return;
    if (Item.K == TopLevelItem::Kind::Expression) {
      P.Expressions.push_back(Item.Function);
      continue;
    }
    bool IsDef = Item.K == TopLevelItem::Kind::Definition;
    recordDeclaration(P.Functions, P.Ops, Item, "t");
    P.Recorded.push_back(
        {IsDef ? Item.Function->Proto.Name : Item.Proto.Name, IsDef});
  }
}

} // namespace kaleido::test

#endif
