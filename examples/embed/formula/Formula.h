//===- Formula.h - A formula engine on kaleido ---------------------*- C++
//-*-===//
//
// Part of kaleido's examples. A formula such as `(a*a/sin(2*3.14159/b))-a/2`
// over named variables is compiled once into machine code by kaleido's JIT
// and evaluated many times: one set of values at a time through a guarded
// PreparedCall, or a whole array of rows per call through callBatch, whose
// loop kaleido compiles and vectorises for this CPU. Every result has the
// bits IEEE arithmetic gives the formula as written: nothing is reassociated
// or fused, in either mode.
//
// The formulas are kaleido's formula dialect (kaleido/Dialect.h): numbers
// with exponents (1e-3), + - * /, < as 0 or 1, `if c then x else y`, and the
// C math library's functions of doubles (sin, pow, hypot, ...). A formula
// with an error is rejected with the column of the error.
//
//   FormulaEngine E = cantFail(FormulaEngine::create());
//   Formula F = cantFail(E.compile("a*x + b", {"a", "x", "b"}));
//   double Y = cantFail(F.evaluate({2, 3, 1}));            // 7
//   F.evaluateBulk({As, Xs, Bs}, Ys, N);                   // N rows at once
//
// Header-only, so that a host can copy it; it uses only kaleido's public API.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_EXAMPLES_FORMULA_H
#define KALEIDO_EXAMPLES_FORMULA_H

#include "kaleido/Session.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace formula {

/// One compiled formula. Valid as long as its engine; cheap to copy.
class Formula {
public:
  /// The value for one set of Values, in the order of the variables it was
  /// compiled over.
  llvm::Expected<double> evaluate(llvm::ArrayRef<double> Values) const {
    return Call.call(Values);
  }
  /// The values for Count rows: variable J of row I is Columns[J][I], the
  /// result goes to Out[I].
  llvm::Error evaluateBulk(llvm::ArrayRef<const double *> Columns, double *Out,
                           size_t Count) const {
    return Call.callBatch(Columns, Out, Count);
  }
  const std::vector<std::string> &variables() const { return Variables; }
  /// The Kaleidoscope function the formula became, for more of kaleido's
  /// API (its name for Session::lookup, printFunction).
  const kaleido::PreparedCall &function() const { return Call; }

private:
  friend class FormulaEngine;
  kaleido::PreparedCall Call;
  std::vector<std::string> Variables;
};

/// Compiles formulas; owns the kaleido session their code lives in.
class FormulaEngine {
public:
  /// Diagnostics (a formula's errors) go to OnDiagnostic, located in the
  /// formula's own text ("formula:1:7: error: ...").
  static llvm::Expected<FormulaEngine>
  create(kaleido::DiagnosticHandler OnDiagnostic = {}) {
    FormulaEngine E;
    E.Shared = std::make_shared<State>();
    E.Shared->OnDiagnostic = std::move(OnDiagnostic);
    kaleido::SessionOptions O;
    O.Language = kaleido::Dialect::Formula;
    // A formula is compiled once and run many times: straight to the
    // optimised tier.
    O.TierUpCalls = 0;
    O.OnDiagnostic = [S = E.Shared.get()](const kaleido::Diagnostic &D) {
      if (!S->OnDiagnostic)
        return;
      // The formula is the second line of the definition compile() writes,
      // and the ')' that closes it is not the user's.
      kaleido::Diagnostic Mine = D;
      Mine.BufferName = "formula";
      if (Mine.Loc.Line == 2) {
        Mine.Loc.Line = 1;
        Mine.SourceLine = S->Text;
        llvm::StringRef Msg(Mine.Message);
        if (Mine.Loc.Column > S->Text.size() && Msg.consume_back("found ')'"))
          Mine.Message = Msg.str() + "found the end of the formula";
      }
      S->OnDiagnostic(Mine);
    };
    auto Session = kaleido::Session::create(std::move(O));
    if (!Session)
      return Session.takeError();
    E.Shared->Session = std::move(*Session);
    // The math library, declared once for every formula.
    if (llvm::Error Err = E.Shared->Session->run(
            "extern sin(x); extern cos(x); extern tan(x); extern asin(x);"
            "extern acos(x); extern atan(x); extern atan2(y x);"
            "extern sinh(x); extern cosh(x); extern tanh(x); extern exp(x);"
            "extern log(x); extern log10(x); extern log2(x); extern sqrt(x);"
            "extern cbrt(x); extern pow(x y); extern hypot(x y);"
            "extern fabs(x); extern floor(x); extern ceil(x);"
            "extern fmin(x y); extern fmax(x y); extern fmod(x y);",
            "<math>"))
      return std::move(Err);
    return std::move(E);
  }

  /// Compiles Text over Variables (identifiers, each once). Errors: a bad
  /// variable list, or the formula's own (reported to OnDiagnostic).
  llvm::Expected<Formula> compile(llvm::StringRef Text,
                                  const std::vector<std::string> &Variables) {
    std::set<std::string> Seen;
    for (const std::string &V : Variables) {
      if (!isIdentifier(V))
        return usage("'" + V + "' is not a variable name");
      if (!Seen.insert(V).second)
        return usage("variable '" + V + "' is listed twice");
    }
    if (Text.contains(';') || Text.contains('\n'))
      return usage("a formula is one expression on one line, without ';'");
    std::string Name = "formula" + std::to_string(++Shared->Compiled);
    std::string Source = "def " + Name + "(";
    for (size_t I = 0; I < Variables.size(); ++I)
      Source += (I ? " " : "") + Variables[I];
    // In parentheses, so that the text must be one expression: `a b`
    // would otherwise define a and run b.
    Source += ") (\n" + Text.str() + ")";
    Shared->Text = Text.str();
    if (llvm::Error Err = Shared->Session->run(Source, "formula"))
      return std::move(Err);
    auto Call =
        Shared->Session->prepare(Name, static_cast<unsigned>(Variables.size()));
    if (!Call)
      return Call.takeError();
    Formula F;
    F.Call = std::move(*Call);
    F.Variables = Variables;
    return F;
  }

  /// The session, for a host that wants its statistics or more functions.
  kaleido::Session &session() { return *Shared->Session; }

private:
  struct State {
    std::unique_ptr<kaleido::Session> Session;
    kaleido::DiagnosticHandler OnDiagnostic;
    unsigned Compiled = 0;
    /// The formula being compiled, for its diagnostics.
    std::string Text;
  };

  static bool isIdentifier(llvm::StringRef S) {
    static const char *const Keywords[] = {"def",   "extern", "if", "then",
                                           "else",  "for",    "in", "binary",
                                           "unary", "var"};
    if (S.empty() || !std::isalpha(static_cast<unsigned char>(S[0])))
      return false;
    for (char C : S)
      if (!std::isalnum(static_cast<unsigned char>(C)))
        return false;
    for (const char *K : Keywords)
      if (S == K)
        return false;
    return true;
  }

  static llvm::Error usage(const std::string &Msg) {
    return llvm::make_error<kaleido::SessionError>(kaleido::ErrorKind::Usage,
                                                   Msg);
  }

  // Shared so that the engine can be moved while the session's diagnostic
  // handler points at the state.
  std::shared_ptr<State> Shared;
};

} // namespace formula

#endif // KALEIDO_EXAMPLES_FORMULA_H
