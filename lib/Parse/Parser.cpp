//===- Parser.cpp - Recursive-descent parser for Kaleidoscope -------------===//
//
// Part of kaleido. Each parse function starts with the grammar rule it
// parses. Binary expressions use operator-precedence parsing over the
// session's OperatorTable. The first error in an item is reported and the
// item is abandoned; the caller decides whether to synchronize and go on.
//
//===----------------------------------------------------------------------===//

#include "Parse/Parser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace kaleido;

namespace {
/// Counts recursion into nested expressions for the duration of a scope.
class NestingGuard {
public:
  explicit NestingGuard(unsigned &N) : N(N) { ++N; }
  ~NestingGuard() { --N; }

private:
  unsigned &N;
};

std::string locText(SourceLocation L) {
  return llvm::formatv("{0}:{1}", L.Line, L.Column).str();
}
} // namespace

Parser::Parser(llvm::StringRef Source, const OperatorTable &Ops,
               DiagnosticEngine &Diags, SourceLocation Start)
    : Lex(Source, Ops.getDialect(), Start), Ops(Ops), Diags(Diags) {
  consume();
}

std::nullptr_t Parser::error(SourceLocation Loc, const llvm::Twine &Message) {
  if (!Failed) {
    Failed = true;
    ErrorAtEnd = Tok.is(TokenKind::Eof);
    Diags.error(Loc, Message);
  }
  return nullptr;
}

std::nullptr_t Parser::expected(const llvm::Twine &What) {
  if (Tok.is(TokenKind::Invalid))
    return error(Tok.Loc, Tok.getMessage());
  return error(Tok.Loc, "expected " + What + ", found " + describe(Tok));
}

bool Parser::expectClose(char C, char Open, SourceLocation OpenLoc) {
  if (Tok.isChar(C)) {
    consume();
    return true;
  }
  expected(
      llvm::formatv("'{0}' to close '{1}' at {2}", C, Open, locText(OpenLoc)));
  return false;
}

const Expr *Parser::checkDepth(const Expr *E) {
  if (E && E->getDepth() > ParserLimits::MaxDepth)
    return error(E->getLoc(),
                 llvm::formatv("expression is nested more than {0} levels "
                               "deep; split it into smaller functions",
                               ParserLimits::MaxDepth));
  return E;
}

const Expr *Parser::tooManyNodes(SourceLocation Loc) {
  return error(Loc, llvm::formatv("this item has more than {0} expression "
                                  "nodes (the limit of one definition or "
                                  "expression); split it into smaller "
                                  "functions",
                                  ParserLimits::MaxItemNodes));
}

void Parser::synchronize() {
  while (!Tok.is(TokenKind::Eof)) {
    if (Tok.isChar(';')) {
      consume();
      break;
    }
    if (Tok.is(TokenKind::KwDef) || Tok.is(TokenKind::KwExtern))
      break;
    consume();
  }
  Failed = false;
}

/// toplevel ::= definition | external | expression | ';'
/// Items that ignoreAssignmentOperator drops are skipped.
Parser::Result Parser::parseItem(TopLevelItem &Out) {
  Result R;
  do
    R = parseNextItem(Out);
  while (R == Result::Item && ignoreAssignmentOperator(Out));
  return R;
}

/// The LLVM tutorial's chapter 6 defines `binary =` as equality, before
/// chapter 7 makes '=' assignment. kaleido's '=' is always assignment, so
/// such an item is read in full (a syntax error in it is still an error),
/// warned about, and dropped: the chapter 6 programs run unchanged, and
/// nothing they do use the operator for can change what '=' means.
bool Parser::ignoreAssignmentOperator(const TopLevelItem &Item) {
  const PrototypeAST &Proto = Item.getPrototype();
  if (Proto.K != PrototypeAST::Kind::Binary ||
      Ops.builtinFor(Proto.getOperator()) != BuiltinOp::Assign)
    return false;
  Diags.warning(Proto.Loc,
                llvm::formatv("'=' is the assignment operator and cannot be "
                              "redefined; this {0} is ignored",
                              Item.K == TopLevelItem::Kind::Extern
                                  ? "declaration"
                                  : "definition"));
  return true;
}

/// definition ::= 'def' prototype expression
/// external   ::= 'extern' prototype
Parser::Result Parser::parseNextItem(TopLevelItem &Out) {
  Failed = false;
  ErrorAtEnd = false;
  Scratch.reset();
  ItemNodes = 0;
  while (Tok.isChar(';'))
    consume();
  if (Tok.is(TokenKind::Eof))
    return Result::End;

  if (Tok.is(TokenKind::KwExtern)) {
    consume();
    Out.K = TopLevelItem::Kind::Extern;
    Out.Function = nullptr;
    Out.Proto = PrototypeAST();
    return parsePrototype(Out.Proto) && checkItemEnd() ? Result::Item
                                                       : Result::Error;
  }

  auto F = std::make_shared<FunctionAST>();
  if (Tok.is(TokenKind::KwDef)) {
    consume();
    if (!parsePrototype(F->Proto))
      return Result::Error;
    const Expr *Body = parseExpression();
    if (!Body || !checkItemEnd())
      return Result::Error;
    keepBody(*F, *Body);
    Out.K = TopLevelItem::Kind::Definition;
    Out.Function = std::move(F);
    return Result::Item;
  }

  SourceLocation Loc = Tok.Loc;
  const Expr *Body = parseExpression();
  if (!Body || !checkItemEnd())
    return Result::Error;
  keepBody(*F, *Body);
  F->IsTopLevel = true;
  // Not formatv: parsing its format string took a tenth of reading a
  // program of a million small expressions, and input read in pieces is
  // parsed twice (Session::completeItems, then run()).
  F->Proto.Name =
      ("<expr@" + llvm::Twine(Loc.Line) + ":" + llvm::Twine(Loc.Column) + ">")
          .str();
  F->Proto.Loc = Loc;
  Out.K = TopLevelItem::Kind::Expression;
  Out.Function = std::move(F);
  return Result::Item;
}

/// Copies a complete tree out of the scratch arena (and its names out of the
/// source) into F's own arena, in one block of exactly its size: the scratch
/// holds nothing else but, after an assignment, the variable node the
/// assignment replaced.
void Parser::keepBody(FunctionAST &F, const Expr &Body) {
  F.Arena.reserve(Scratch.getBytesUsed());
  F.Body = copyTree(Body, F.Arena);
}

/// A lexical error right after an item belongs to it: report it before the
/// item is checked or run.
bool Parser::checkItemEnd() {
  if (!Tok.is(TokenKind::Invalid))
    return true;
  error(Tok.Loc, Tok.getMessage());
  return false;
}

/// prototype ::= identifier '(' identifier* ')'
///             | operatorprototype
bool Parser::parsePrototype(PrototypeAST &Proto) {
  Proto.Loc = Tok.Loc;
  if (Tok.is(TokenKind::Identifier)) {
    Proto.K = PrototypeAST::Kind::Function;
    Proto.Name = Tok.Text.str();
    consume();
    return parseParams(Proto);
  }
  if (!Tok.is(TokenKind::KwBinary) && !Tok.is(TokenKind::KwUnary)) {
    expected("a function name, 'binary' or 'unary'");
    return false;
  }
  return parseOperatorPrototype(Proto);
}

/// operatorprototype ::= 'binary' CHAR precedence? '(' identifier identifier
/// ')'
///                     | 'unary' CHAR '(' identifier ')'
bool Parser::parseOperatorPrototype(PrototypeAST &Proto) {
  bool IsBinary = Tok.is(TokenKind::KwBinary);
  llvm::StringRef Keyword = IsBinary ? "binary" : "unary";
  consume();
  if (!Tok.is(TokenKind::Char) ||
      !OperatorTable::canBeOperator(Tok.getChar())) {
    expected(llvm::formatv("an operator character after '{0}'", Keyword));
    return false;
  }
  char Op = Tok.getChar();
  Proto.Loc = Tok.Loc;
  // '=' is assignment, so not even a unary operator may be spelled so. (A
  // binary '=' is read, then dropped by ignoreAssignmentOperator.)
  if (!IsBinary && Ops.builtinFor(Op) == BuiltinOp::Assign) {
    error(Tok.Loc, "'=' is reserved for assignment and cannot be a unary "
                   "operator");
    return false;
  }
  if (IsBinary && Ops.isBuiltinBinary(Op) &&
      Ops.builtinFor(Op) != BuiltinOp::Assign) {
    // An operator only the formula dialect builds in says so: the same
    // program is valid in the tutorial dialect.
    bool FormulaOnly =
        builtinOperatorInfo(Ops.builtinFor(Op)).Since == Dialect::Formula;
    error(Tok.Loc,
          llvm::formatv("cannot redefine built-in operator '{0}'{1}", Op,
                        FormulaOnly ? " of the formula dialect" : ""));
    return false;
  }
  consume();
  Proto.K = IsBinary ? PrototypeAST::Kind::Binary : PrototypeAST::Kind::Unary;
  Proto.Name = operatorFunctionName(IsBinary, Op);
  if (IsBinary && !parsePrecedence(Proto))
    return false;

  if (!parseParams(Proto))
    return false;
  size_t Want = IsBinary ? 2 : 1;
  if (Proto.Params.size() != Want) {
    error(Proto.Loc,
          llvm::formatv("{0} operator '{1}' takes exactly {2} parameter{3}, "
                        "but {4} {5} given",
                        Keyword, Op, Want, Want == 1 ? "" : "s",
                        Proto.Params.size(),
                        Proto.Params.size() == 1 ? "was" : "were"));
    return false;
  }
  return true;
}

/// precedence ::= number
/// Optional: a binary operator without one gets DefaultUserPrecedence.
bool Parser::parsePrecedence(PrototypeAST &Proto) {
  Proto.Precedence = OperatorTable::DefaultUserPrecedence;
  if (!Tok.is(TokenKind::Number))
    return true;
  double P = Tok.Value;
  if (P != std::floor(P) || P < OperatorTable::MinPrecedence ||
      P > OperatorTable::MaxPrecedence) {
    error(Tok.Loc, llvm::formatv("precedence must be a whole number from {0} "
                                 "to {1}, found '{2}'",
                                 OperatorTable::MinPrecedence,
                                 OperatorTable::MaxPrecedence, Tok.Text));
    return false;
  }
  Proto.Precedence = static_cast<unsigned>(P);
  consume();
  return true;
}

/// params ::= '(' identifier* ')'
bool Parser::parseParams(PrototypeAST &Proto) {
  if (!Tok.isChar('(')) {
    expected("'(' to begin the parameter list of '" + Proto.Name + "'");
    return false;
  }
  SourceLocation Open = Tok.Loc;
  consume();
  while (Tok.is(TokenKind::Identifier)) {
    for (const std::string &P : Proto.Params)
      if (P == Tok.Text) {
        error(Tok.Loc,
              "duplicate parameter '" + Tok.Text + "' in '" + Proto.Name + "'");
        return false;
      }
    if (Proto.Params.size() >= ParserLimits::MaxListLength) {
      error(Tok.Loc, llvm::formatv("more than {0} parameters",
                                   ParserLimits::MaxListLength));
      return false;
    }
    Proto.Params.push_back(Tok.Text.str());
    Proto.ParamLocs.push_back(Tok.Loc);
    consume();
  }
  if (Tok.isChar(',')) {
    error(Tok.Loc, "parameters are separated by spaces, not commas");
    return false;
  }
  if (!Tok.isChar(')')) {
    expected(llvm::formatv("a parameter name or ')' to close '(' at {0}",
                           locText(Open)));
    return false;
  }
  consume();
  return true;
}

/// expression ::= unary binoprhs
const Expr *Parser::parseExpression() {
  NestingGuard G(Nesting);
  if (Nesting > ParserLimits::MaxDepth)
    return error(Tok.Loc, llvm::formatv("expression is nested more than {0} "
                                        "levels deep",
                                        ParserLimits::MaxDepth));
  const Expr *LHS = parseUnary();
  if (!LHS)
    return nullptr;
  return parseBinOpRHS(1, LHS);
}

/// binoprhs ::= (binop unary)*
/// Operators of precedence below MinPrec end the loop. '=' associates to the
/// right, every other operator to the left.
const Expr *Parser::parseBinOpRHS(unsigned MinPrec, const Expr *LHS) {
  for (;;) {
    char Op = Tok.getChar();
    unsigned Prec = Tok.is(TokenKind::Char) ? Ops.getPrecedence(Op) : 0;
    if (Prec == 0 && Tok.is(TokenKind::Char) &&
        OperatorTable::canBeOperator(Op))
      return unknownBinaryOperator();
    if (Prec == 0 || Prec < MinPrec)
      return LHS;
    // Resolved once, here: later stages ask the node, not the character.
    BuiltinOp Builtin = Ops.builtinFor(Op);
    bool IsAssign = Builtin == BuiltinOp::Assign;
    SourceLocation OpLoc = Tok.Loc;
    consume();

    const Expr *RHS = parseUnary();
    if (!RHS)
      return nullptr;
    char NextOp = Tok.getChar();
    unsigned NextPrec = Tok.is(TokenKind::Char) ? Ops.getPrecedence(NextOp) : 0;
    if (NextPrec > Prec ||
        (IsAssign && Ops.builtinFor(NextOp) == BuiltinOp::Assign)) {
      NestingGuard G(Nesting);
      if (Nesting > ParserLimits::MaxDepth)
        return error(OpLoc, llvm::formatv("expression is nested more than "
                                          "{0} levels deep",
                                          ParserLimits::MaxDepth));
      RHS = parseBinOpRHS(IsAssign ? Prec : Prec + 1, RHS);
      if (!RHS)
        return nullptr;
    }

    if (IsAssign) {
      auto *Var = llvm::dyn_cast<VariableExpr>(LHS);
      if (!Var)
        return error(OpLoc, "the left side of '=' must be a variable name");
      LHS = make<AssignExpr>(OpLoc, Var->getName(), Var->getLoc(), RHS);
    } else {
      LHS = make<BinaryExpr>(OpLoc, Op, Builtin, LHS, RHS);
    }
    LHS = checkDepth(LHS);
    if (!LHS)
      return nullptr;
  }
}

/// An operator character after a complete operand that is no binary operator.
/// Reading it as a unary operator starting the next item would split `def
/// g(x) x ! 1` silently into `def g(x) x` and a `!1` that runs at once, and
/// would call a binary operator used before its definition "unknown unary":
/// so it is an error at the character, whatever unary operators exist.
std::nullptr_t Parser::unknownBinaryOperator() {
  char Op = Tok.getChar();
  SourceLocation Loc = Tok.Loc;
  error(Loc, llvm::formatv("unknown binary operator '{0}'; define it with "
                           "'def binary{0} PREC (a b) ...' first",
                           Op));
  Diags.note(Loc, llvm::formatv("a unary '{0}' that starts a new item needs "
                                "a ';' before it",
                                Op));
  return nullptr;
}

/// unary ::= primary | CHAR unary
/// Any character other than '(' ',' ')' ';' before an operand is a unary
/// operator; whether it is defined is checked by Sema.
const Expr *Parser::parseUnary() {
  if (!Tok.is(TokenKind::Char) || !OperatorTable::canBeOperator(Tok.getChar()))
    return parsePrimary();
  NestingGuard G(Nesting);
  if (Nesting > ParserLimits::MaxDepth)
    return error(Tok.Loc, llvm::formatv("expression is nested more than {0} "
                                        "levels deep",
                                        ParserLimits::MaxDepth));
  char Op = Tok.getChar();
  SourceLocation Loc = Tok.Loc;
  consume();
  const Expr *Operand = parseUnary();
  if (!Operand)
    return nullptr;
  return checkDepth(make<UnaryExpr>(Loc, Op, Operand));
}

/// primary ::= identifierexpr | numberexpr | parenexpr
///           | ifexpr | forexpr | varexpr
const Expr *Parser::parsePrimary() {
  switch (Tok.Kind) {
  case TokenKind::Identifier:
    return parseIdentifier();
  case TokenKind::Number:
    return parseNumber();
  case TokenKind::KwIf:
    return parseIf();
  case TokenKind::KwFor:
    return parseFor();
  case TokenKind::KwVar:
    return parseVar();
  default:
    if (Tok.isChar('('))
      return parseParen();
    return expected("an expression");
  }
}

/// numberexpr ::= number
const Expr *Parser::parseNumber() {
  const Expr *E = make<NumberExpr>(Tok.Loc, Tok.Value);
  consume();
  return E;
}

/// parenexpr ::= '(' expression ')'
const Expr *Parser::parseParen() {
  SourceLocation Open = Tok.Loc;
  consume();
  const Expr *E = parseExpression();
  if (!E || !expectClose(')', '(', Open))
    return nullptr;
  return E;
}

/// identifierexpr ::= identifier
///                  | identifier '(' (expression (',' expression)*)? ')'
const Expr *Parser::parseIdentifier() {
  llvm::StringRef Name = Scratch.borrow(Tok.Text);
  SourceLocation Loc = Tok.Loc;
  consume();
  if (!Tok.isChar('('))
    return make<VariableExpr>(Loc, Name);

  SourceLocation Open = Tok.Loc;
  consume();
  llvm::SmallVector<const Expr *, 4> Args;
  if (!Tok.isChar(')')) {
    for (;;) {
      if (Args.size() >= ParserLimits::MaxListLength)
        return error(Tok.Loc, llvm::formatv("more than {0} arguments",
                                            ParserLimits::MaxListLength));
      const Expr *Arg = parseExpression();
      if (!Arg)
        return nullptr;
      Args.push_back(Arg);
      if (Tok.isChar(')'))
        break;
      if (!Tok.isChar(','))
        return expected(
            llvm::formatv("',' or ')' to close '(' at {0}", locText(Open)));
      consume();
    }
  }
  consume();
  return checkDepth(
      make<CallExpr>(Loc, Name, Scratch.copy(llvm::ArrayRef(Args))));
}

/// ifexpr ::= 'if' expression 'then' expression 'else' expression
const Expr *Parser::parseIf() {
  SourceLocation Loc = Tok.Loc;
  consume();
  const Expr *Cond = parseExpression();
  if (!Cond)
    return nullptr;
  if (!Tok.is(TokenKind::KwThen))
    return expected(llvm::formatv("'then' after the condition of 'if' at {0}",
                                  locText(Loc)));
  consume();
  const Expr *Then = parseExpression();
  if (!Then)
    return nullptr;
  if (!Tok.is(TokenKind::KwElse))
    return expected(
        llvm::formatv("'else' to complete 'if' at {0}", locText(Loc)));
  consume();
  const Expr *Else = parseExpression();
  if (!Else)
    return nullptr;
  return checkDepth(make<IfExpr>(Loc, Cond, Then, Else));
}

/// forexpr ::= 'for' identifier '=' expression ',' expression
///             (',' expression)? 'in' expression
const Expr *Parser::parseFor() {
  SourceLocation Loc = Tok.Loc;
  consume();
  if (!Tok.is(TokenKind::Identifier))
    return expected("a loop variable name after 'for'");
  llvm::StringRef Var = Scratch.borrow(Tok.Text);
  consume();
  if (!Tok.isChar('='))
    return expected("'=' after the loop variable '" + Var + "'");
  consume();
  const Expr *Start = parseExpression();
  if (!Start)
    return nullptr;
  if (!Tok.isChar(','))
    return expected(llvm::formatv("',' after the start value of 'for' at {0}",
                                  locText(Loc)));
  consume();
  const Expr *End = parseExpression();
  if (!End)
    return nullptr;
  const Expr *Step = nullptr;
  if (Tok.isChar(',')) {
    consume();
    Step = parseExpression();
    if (!Step)
      return nullptr;
  }
  if (!Tok.is(TokenKind::KwIn))
    return expected(
        llvm::formatv("'in' after the header of 'for' at {0}", locText(Loc)));
  consume();
  const Expr *Body = parseExpression();
  if (!Body)
    return nullptr;
  return checkDepth(make<ForExpr>(Loc, Var, Start, End, Step, Body));
}

/// varexpr ::= 'var' identifier ('=' expression)?
///             (',' identifier ('=' expression)?)* 'in' expression
const Expr *Parser::parseVar() {
  SourceLocation Loc = Tok.Loc;
  consume();
  llvm::SmallVector<VarExpr::Binding, 4> Bindings;
  for (;;) {
    if (!Tok.is(TokenKind::Identifier))
      return expected("a variable name after 'var'");
    if (Bindings.size() >= ParserLimits::MaxListLength)
      return error(Tok.Loc, llvm::formatv("more than {0} variables in one "
                                          "'var'",
                                          ParserLimits::MaxListLength));
    VarExpr::Binding B;
    B.Name = Scratch.borrow(Tok.Text);
    B.Loc = Tok.Loc;
    consume();
    if (Tok.isChar('=')) {
      consume();
      B.Init = parseExpression();
      if (!B.Init)
        return nullptr;
    }
    Bindings.push_back(B);
    if (!Tok.isChar(','))
      break;
    consume();
  }
  if (!Tok.is(TokenKind::KwIn))
    return expected(llvm::formatv("'in' after the variables of 'var' at {0}",
                                  locText(Loc)));
  consume();
  const Expr *Body = parseExpression();
  if (!Body)
    return nullptr;
  return checkDepth(
      make<VarExpr>(Loc, Scratch.copy(llvm::ArrayRef(Bindings)), Body));
}
