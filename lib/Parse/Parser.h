//===- Parser.h - Recursive-descent parser for Kaleidoscope ------*- C++
//-*-===//
//
// Part of kaleido. The parser reads one top-level item at a time so that an
// operator defined by one item can be used by the next. It reports syntax
// errors through a DiagnosticEngine and knows nothing of names or arity:
// those are checked by Sema.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_PARSE_PARSER_H
#define KALEIDO_PARSE_PARSER_H

#include "AST/AST.h"
#include "Basic/DiagnosticEngine.h"
#include "Lex/Lexer.h"
#include "Parse/OperatorTable.h"

namespace kaleido {

struct ParserLimits {
  /// How deep expressions may nest (parentheses, if/for/var bodies, unary
  /// operators, operands of binary operators). Keeps every recursive pass
  /// over the AST within a small, fixed amount of stack.
  static constexpr unsigned MaxDepth = 1000;
  /// Arguments in one call, parameters in one prototype, names in one `var`.
  static constexpr unsigned MaxListLength = 1000;
  /// Expression nodes in one item (a definition's body, or a top-level
  /// expression). Bounds what one compile costs: LLVM's -O0 code generation
  /// of a 10,000-node body takes about 0.1 s, but grows faster than linearly
  /// (a 100,000-term sum took 28 s), and a body past OptimiserLimits is never
  /// optimised (AST/BodyAnalysis.h).
  static constexpr unsigned MaxItemNodes = 10000;
};

class Parser {
public:
  enum class Result {
    Item,  ///< An item was parsed into Out.
    End,   ///< End of input; no more items.
    Error, ///< A syntax error was reported.
  };

  /// Source must outlive the parser; the items it returns do not refer to it.
  /// Start is where Source begins in the whole buffer (see Lexer).
  Parser(llvm::StringRef Source, const OperatorTable &Ops,
         DiagnosticEngine &Diags, SourceLocation Start = {1, 1});

  /// toplevel ::= definition | external | expression | ';'
  Result parseItem(TopLevelItem &Out);

  /// True if the last error was found at the end of the input, i.e. the input
  /// stopped in the middle of an item.
  bool errorWasAtEnd() const { return ErrorAtEnd; }

  /// The token the parser stands at: after an item, the one after it (not
  /// part of it); after an error, the one it was found at or before.
  const Token &current() const { return Tok; }

  /// After an error: skips to just past the next ';' (or to the next `def` or
  /// `extern`) so parsing can resume without a cascade of errors.
  void synchronize();

private:
  Result parseNextItem(TopLevelItem &Out);
  bool ignoreAssignmentOperator(const TopLevelItem &Item);
  // Each returns null after reporting an error.
  const Expr *parseExpression();
  const Expr *parseBinOpRHS(unsigned MinPrec, const Expr *LHS);
  const Expr *parseUnary();
  std::nullptr_t unknownBinaryOperator();
  const Expr *parsePrimary();
  const Expr *parseNumber();
  const Expr *parseParen();
  const Expr *parseIdentifier();
  const Expr *parseIf();
  const Expr *parseFor();
  const Expr *parseVar();
  bool parsePrototype(PrototypeAST &Proto);
  bool parseOperatorPrototype(PrototypeAST &Proto);
  bool parsePrecedence(PrototypeAST &Proto);
  bool parseParams(PrototypeAST &Proto);
  bool checkItemEnd();

  void consume() { Lex.lex(Tok); }
  /// Reports "expected What, found <token>" (and the lexer's message for an
  /// invalid token) at the current token. Always returns null.
  std::nullptr_t expected(const llvm::Twine &What);
  std::nullptr_t error(SourceLocation Loc, const llvm::Twine &Message);
  /// Expects character C closing Open (at OpenLoc).
  bool expectClose(char C, char Open, SourceLocation OpenLoc);
  /// Fails with a located error if E is too deep.
  const Expr *checkDepth(const Expr *E);
  /// Allocates a node of the item being parsed, at Loc; fails with a
  /// located error if the item has ParserLimits::MaxItemNodes already.
  template <typename T, typename... ArgTs>
  const Expr *make(SourceLocation Loc, ArgTs &&...Args) {
    if (++ItemNodes > ParserLimits::MaxItemNodes)
      return tooManyNodes(Loc);
    return Scratch.create<T>(Loc, std::forward<ArgTs>(Args)...);
  }
  const Expr *tooManyNodes(SourceLocation Loc);
  void keepBody(FunctionAST &F, const Expr &Body);

  Lexer Lex;
  Token Tok;
  const OperatorTable &Ops;
  DiagnosticEngine &Diags;
  /// Where the item being parsed is built: its nodes and lists, its names
  /// borrowed from the source. Reused from item to item, so that after the
  /// first few items parsing allocates nothing; keepBody copies a complete
  /// tree out, names included.
  ASTArena Scratch;
  /// Nodes made for the item being parsed (see make).
  unsigned ItemNodes = 0;
  unsigned Nesting = 0;
  bool ErrorAtEnd = false;
  bool Failed = false;
};

} // namespace kaleido

#endif // KALEIDO_PARSE_PARSER_H
