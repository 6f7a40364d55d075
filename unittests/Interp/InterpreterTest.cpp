//===- InterpreterTest.cpp - Unit tests for the tree-walking evaluator ----===//
//
// Programs are parsed, checked and recorded as a session would, then their
// last top-level expression is evaluated. Failures must come back as an
// rt::RuntimeError with the diagnostic's text.
//
//===----------------------------------------------------------------------===//

#include "Interp/Interpreter.h"
#include "Parse/Parser.h"
#include "Runtime/Runtime.h"
#include "Sema/Sema.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cmath>
#include <limits>

using namespace kaleido;

namespace {

double fiveArgs(double A, double B, double C, double D, double E) {
  return A + B + C + D + E;
}

/// A program read as a session reads it: every item checked and recorded.
class Program {
public:
  /// Reads Src; the last top-level expression is the one evaluate() runs.
  explicit Program(llvm::StringRef Src) : Src(Src.str()) {
    DiagnosticHandler H = [&](const Diagnostic &D) {
      Errors += D.Message + "\n";
    };
    DiagnosticEngine Diags("t", this->Src, H);
    Parser P(this->Src, Ops, Diags);
    for (;;) {
      TopLevelItem Item;
      if (P.parseItem(Item) != Parser::Result::Item)
        break;
      if (!Sema(Functions, Diags).check(Item))
        break;
      if (Item.K == TopLevelItem::Kind::Expression)
        Expr = Item.Function;
      else
        recordDeclaration(Functions, Ops, Item, "t");
    }
  }

  /// Evaluates the last expression with Resolve (by default the runtime's
  /// resolver: the runtime and the C math library).
  llvm::Expected<double> evaluate(Interpreter::HostResolver Resolve = {}) {
    EXPECT_EQ(Errors, "");
    EXPECT_TRUE(Expr);
    if (!Resolve)
      Resolve = [](llvm::StringRef Name, unsigned Arity) {
        return rt::resolveHostSymbol(Name, Arity, /*AllowAll=*/false);
      };
    return Interpreter(Functions, std::move(Resolve)).evaluate(*Expr);
  }

  /// evaluate() under the runtime's guard, as the session runs it: the
  /// safepoints see the stack limit and Interrupt.
  llvm::Expected<double> evaluateGuarded(bool Interrupt = false) {
    std::atomic<bool> Requested(Interrupt);
    rt::PollWord Poll(0);
    rt::Environment Env;
    Env.Poll = &Poll;
    Env.InterruptRequested = &Requested;
    llvm::Expected<double> V = 0.0;
    llvm::Expected<double> Guarded = rt::callGuarded(
        [&] {
          V = evaluate();
          return 0.0;
        },
        Env);
    EXPECT_TRUE(bool(Guarded)) << "the interpreter must fail by return value";
    if (!Guarded)
      llvm::consumeError(Guarded.takeError());
    return V;
  }

private:
  std::string Src;
  OperatorTable Ops;
  FunctionTable Functions;
  std::shared_ptr<FunctionAST> Expr;
  std::string Errors;
};

double valueOf(llvm::StringRef Src) {
  llvm::Expected<double> V = Program(Src).evaluate();
  if (!V) {
    ADD_FAILURE() << Src.str() << ": " << llvm::toString(V.takeError());
    return std::nan("");
  }
  return *V;
}

/// The fault and message of the RuntimeError V failed with.
std::pair<rt::Fault, std::string> failureOf(llvm::Expected<double> V) {
  if (V) {
    ADD_FAILURE() << "evaluated to " << *V << " instead of failing";
    return {rt::Fault::None, ""};
  }
  std::pair<rt::Fault, std::string> Out{rt::Fault::None, "not a RuntimeError"};
  llvm::handleAllErrors(
      V.takeError(),
      [&](const rt::RuntimeError &E) { Out = {E.getFault(), E.message()}; },
      [&](const llvm::ErrorInfoBase &E) { Out.second += ": " + E.message(); });
  return Out;
}

TEST(InterpreterTest, Values) {
  EXPECT_EQ(valueOf("1 + 2 * 3"), 7.0);
  EXPECT_EQ(valueOf("10 - 4 - 3"), 3.0);
  EXPECT_EQ(valueOf("def f(x) x * x; f(1.5) + 1"), 3.25);
  EXPECT_EQ(valueOf("def fib(x) if x < 3 then 1 else fib(x-1) + fib(x-2) "
                    "; fib(20)"),
            6765.0);
  EXPECT_EQ(valueOf("def binary| 5 (a b) if a then 1 else b; 0 | 7"), 7.0);
  EXPECT_EQ(valueOf("def unary-(x) 0 - x; -(3) * 2"), -6.0);
  EXPECT_EQ(valueOf("def f(a) var b = a + 1, c = b * 2 in c - a; f(4)"), 6.0);
  EXPECT_EQ(valueOf("def f(x) var y = 0 in (y = x + 1) * y; f(2)"), 9.0);
  EXPECT_EQ(valueOf("extern sqrt(x); sqrt(16)"), 4.0);
}

TEST(InterpreterTest, LessThanIsUnorderedAndConditionsOrdered) {
  // 0/0 through the C library: a NaN the program can name.
  const char *NaN = "extern log(x); def nan() log(0 - 1); ";
  EXPECT_EQ(valueOf("1 < 2"), 1.0);
  EXPECT_EQ(valueOf("2 < 1"), 0.0);
  EXPECT_EQ(valueOf("2 < 2"), 0.0);
  EXPECT_EQ(valueOf(std::string(NaN) + "nan() < 1"), 1.0);
  EXPECT_EQ(valueOf(std::string(NaN) + "1 < nan()"), 1.0);
  // `if` takes the branch only for an ordered non-zero condition.
  EXPECT_EQ(valueOf(std::string(NaN) + "if nan() then 1 else 2"), 2.0);
  EXPECT_EQ(valueOf("if 0 then 1 else 2"), 2.0);
  EXPECT_EQ(valueOf("if 0 - 0.5 then 1 else 2"), 1.0);
}

TEST(InterpreterTest, ForTestsBeforeTheFirstIteration) {
  // A false end condition runs the body zero times; the loop is 0.
  EXPECT_EQ(valueOf("def f() var n = 0 in (for i = 0, 0 in n = n + 1) + n; "
                    "f()"),
            0.0);
  EXPECT_EQ(valueOf("def f() var n = 0 in (for i = 0, i < 5 in n = n + 1) + n; "
                    "f()"),
            5.0);
  EXPECT_EQ(valueOf("def f() var s = 0 in (for i = 1, i < 10, 3 in "
                    "s = s + i) + s; f()"),
            12.0); // 1 + 4 + 7
}

TEST(InterpreterTest, SelfTailCallRunsInConstantStack) {
  // 300,000 levels of C++ recursion would pass the guard's stack limit.
  Program P("def count(n acc) if n < 1 then acc else count(n - 1, acc + 1); "
            "count(300000, 0)");
  llvm::Expected<double> V = P.evaluateGuarded();
  ASSERT_TRUE(!!V) << llvm::toString(V.takeError());
  EXPECT_EQ(*V, 300000.0);
}

TEST(InterpreterTest, DeepRecursionIsAStackOverflowError) {
  Program P("def down(n) if n < 1 then 0 else 1 + down(n - 1); "
            "down(100000000)");
  auto [Fault, Message] = failureOf(P.evaluateGuarded());
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_EQ(Message, "stack overflow in 'down'");
}

TEST(InterpreterTest, InterruptIsItsOwnFault) {
  Program P("def spin() for i = 0, 1 in 0; spin()");
  auto [Fault, Message] = failureOf(P.evaluateGuarded(/*Interrupt=*/true));
  EXPECT_EQ(Fault, rt::Fault::Interrupted);
  EXPECT_EQ(Message, "interrupted");
}

TEST(InterpreterTest, UnknownExternIsARuntimeError) {
  auto [Fault, Message] =
      failureOf(Program("extern nowhere(x); 1 + nowhere(2)").evaluate());
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_EQ(Message, "call to 'nowhere', which is declared by 'extern' but "
                     "defined nowhere: not by 'def', not by the runtime or "
                     "the C math library");
}

TEST(InterpreterTest, HostArityErrors) {
  // The resolver's error becomes the runtime error.
  auto [Fault, Message] =
      failureOf(Program("extern pow(x); pow(2)").evaluate());
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_EQ(Message, "call to 'pow', which is declared by 'extern' with 1 "
                     "parameter, but the C math library's 'pow' takes 2");

  // A host function of more parameters than the interpreter can pass.
  auto Five = [](llvm::StringRef Name, unsigned) -> llvm::Expected<void *> {
    return Name == "five" ? reinterpret_cast<void *>(&fiveArgs) : nullptr;
  };
  std::tie(Fault, Message) = failureOf(
      Program("extern five(a b c d e); five(1, 2, 3, 4, 5)").evaluate(Five));
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_EQ(Message, "the interpreter cannot call host function 'five' with "
                     "5 arguments");
}

TEST(InterpreterTest, AFailureStopsTheEvaluation) {
  // The call after the failing one never runs.
  static int Marks;
  Marks = 0;
  auto Resolve = [](llvm::StringRef Name, unsigned) -> llvm::Expected<void *> {
    if (Name != "mark")
      return nullptr;
    return reinterpret_cast<void *>(+[](double X) {
      ++Marks;
      return X;
    });
  };
  auto [Fault, Message] =
      failureOf(Program("extern nowhere(x); extern mark(x); "
                        "mark(1) + nowhere(1) + mark(2)")
                    .evaluate(Resolve));
  EXPECT_EQ(Fault, rt::Fault::Error);
  EXPECT_EQ(Marks, 1);
}

} // namespace
