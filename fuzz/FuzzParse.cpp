//===- FuzzParse.cpp - libFuzzer target: lexer, parser and Sema -----------===//
//
// Part of kaleido. Feeds arbitrary bytes to the front end:
//   1. the lexer alone, to the end of the input (what --emit=tokens does);
//   2. the parser, item by item, with Sema checking and recording each item
//      as the session does; unlike the session it does not stop at the first
//      error but resynchronizes and goes on, so the recovery path is fuzzed
//      too and one input reaches many items;
//   3. the AST printer (--emit=ast) on every accepted item.
// Nothing is compiled. Crashes, sanitizer reports and hangs are the findings;
// every diagnostic is formatted (the caret line included) and dropped.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "Basic/DiagnosticEngine.h"
#include "Lex/Lexer.h"
#include "Parse/Parser.h"
#include "Sema/Sema.h"

#include "llvm/Support/raw_ostream.h"

using namespace kaleido;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Source = fuzz::asSource(Data, Size);

  // Every call to next() consumes at least one byte until Eof, so more tokens
  // than bytes means the lexer is stuck.
  Lexer Lex(Source);
  for (size_t N = 0;; ++N) {
    if (N > Size + 1)
      __builtin_trap();
    Token T = Lex.next();
    (void)describe(T);
    if (T.is(TokenKind::Eof))
      break;
  }

  size_t Formatted = 0;
  DiagnosticHandler Handler = [&Formatted](const Diagnostic &D) {
    Formatted += D.format().size();
  };
  DiagnosticEngine Diags("<fuzz>", Source, Handler);
  OperatorTable Ops;
  FunctionTable Functions;
  Parser P(Source, Ops, Diags);
  llvm::raw_null_ostream Null;
  for (size_t Items = 0;; ++Items) {
    // Each item or recovery consumes at least one token.
    if (Items > Size + 1)
      __builtin_trap();
    TopLevelItem Item;
    Parser::Result R = P.parseItem(Item);
    if (R == Parser::Result::End)
      break;
    if (R == Parser::Result::Error) {
      (void)P.errorWasAtEnd();
      P.synchronize();
      continue;
    }
    Sema S(Functions, Diags);
    if (!S.check(Item))
      continue;
    printAST(Item, Null);
    if (Item.K != TopLevelItem::Kind::Expression)
      recordDeclaration(Functions, Ops, Item, Diags.getBufferName());
  }
  return 0;
}
