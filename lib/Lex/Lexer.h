//===- Lexer.h - Turns source text into tokens -------------------*- C++
//-*-===//
//
// Part of kaleido. The lexer is a cursor over a buffer it does not own; token
// texts point into that buffer. It never fails: bad input becomes an Invalid
// token saying what is wrong, and the parser reports it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_LEX_LEXER_H
#define KALEIDO_LEX_LEXER_H

#include "Basic/SourceText.h"
#include "Lex/Token.h"

#include "kaleido/Diagnostic.h"
#include "kaleido/Dialect.h"

namespace kaleido {

/// Limits that keep hostile input from turning into unbounded work.
struct LexerLimits {
  static constexpr size_t MaxIdentifierLength = 255;
  static constexpr size_t MaxNumberLength = 400;
};

class Lexer {
public:
  /// A byte-order mark at the start of Source is skipped; columns count from
  /// after it. D decides the number syntax: only the formula dialect has
  /// exponents (`1e-3`), and there a literal too large for a double is an
  /// error. Start is where Source begins in the whole buffer when Source is
  /// a piece of it (input read in pieces): tokens are located as in the
  /// whole buffer, and only a piece at 1:1 can start with a byte-order mark.
  explicit Lexer(llvm::StringRef Source, Dialect D = Dialect::Tutorial,
                 SourceLocation Start = {1, 1})
      : Cur(Start.Line == 1 && Start.Column == 1
                ? dropByteOrderMark(Source).begin()
                : Source.begin()),
        End(Source.end()), LineStart(Cur), Line(Start.Line),
        ColumnBias(Start.Column - 1), Exponents(D == Dialect::Formula) {}

  /// Returns the next token; Eof forever at the end of the buffer.
  Token next() {
    Token T;
    lex(T);
    return T;
  }

  /// Reads the next token into T (every field). The parser lexes into its
  /// current token in place: copying a returned token, whose fields were just
  /// stored one by one, with wider loads stalls on store forwarding.
  void lex(Token &T);

private:
  /// Skips white space and comments from P; returns where the next token
  /// starts. Counts the lines it passes (LF, CR LF and a lone CR each end
  /// one).
  const char *skipSpaceAndComments(const char *P);
  /// Reads the number that starts at Begin (at Loc) into T. lex() reads
  /// identifiers itself: they are most tokens, and apart from it they cost
  /// 1% of reading a large program.
  void lexNumber(Token &T, const char *Begin, SourceLocation Loc);
  /// Reads the exponent that starts at P, at an 'e' or 'E' after a number's
  /// digits (formula dialect). Returns where it ends, or null if no digit
  /// follows the 'e' and its sign; *P is then past the sign.
  const char *lexExponent(const char *&P) const;
  /// Makes T an Invalid token of Problem from Begin to the end of the run of
  /// letters, digits and points at P ("1.2.3", "12abc" and "1e+x" are each
  /// one malformed number, not several tokens).
  void finishMalformedNumber(Token &T, LexProblem Problem, const char *Begin,
                             const char *P, SourceLocation Loc);
  /// Fills T with the token of kind K that began at Begin and ends before P.
  void finish(Token &T, TokenKind K, const char *Begin, const char *P,
              SourceLocation Loc);

  // The scanning loops work on local copies of these pointers and store them
  // back once per token, so that the compiler keeps them in registers.
  const char *Cur;
  const char *End;
  /// Where the current line begins. A column counts bytes from there, so it
  /// is computed when a token starts instead of kept up to date per byte.
  const char *LineStart;
  unsigned Line = 1;
  /// Added to the columns of the first line: the columns before Source's
  /// first byte (Start); 0 from the first line break on.
  unsigned ColumnBias = 0;
  /// Formula dialect: exponents, and the range check.
  bool Exponents;
};

/// The value of a number literal (digits with at most one '.', and an
/// exponent in the formula dialect), bit for bit what strtod returns for it,
/// without copying it to the heap. A literal too large for a double is an
/// infinity here (the lexer reports it in the formula dialect).
double parseNumberLiteral(llvm::StringRef Text);

} // namespace kaleido

#endif // KALEIDO_LEX_LEXER_H
