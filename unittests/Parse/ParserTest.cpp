//===- ParserTest.cpp - Unit tests for the parser -------------------------===//

#include "Parse/Parser.h"
#include "Support/ParseHelpers.h"

#include "gtest/gtest.h"

using namespace kaleido;
using namespace kaleido::test;

namespace {

TEST(ParserTest, PrecedenceClimbing) {
  auto P = parse("1 + 2 * 3 < 4");
  ASSERT_TRUE(P.Errors.empty());
  ASSERT_EQ(P.Items.size(), 1u);
  auto *B = llvm::dyn_cast<BinaryExpr>(P.Items[0].Function->Body);
  ASSERT_TRUE(B);
  EXPECT_EQ(B->getOp(), '<');
  auto *L = llvm::dyn_cast<BinaryExpr>(&B->getLHS());
  ASSERT_TRUE(L);
  EXPECT_EQ(L->getOp(), '+');
}

TEST(ParserTest, AssignmentIsRightAssociative) {
  auto P = parse("def f(a b) a = b = 3");
  ASSERT_TRUE(P.Errors.empty());
  auto *A = llvm::dyn_cast<AssignExpr>(P.Items[0].Function->Body);
  ASSERT_TRUE(A);
  EXPECT_EQ(A->getName(), "a");
  EXPECT_TRUE(llvm::isa<AssignExpr>(A->getValue()));
}

TEST(ParserTest, UserOperatorNeedsPrecedenceInTable) {
  OperatorTable Ops;
  Ops.setPrecedence('|', 5);
  auto P = parse("1 | 2", Ops);
  ASSERT_TRUE(P.Errors.empty());
  EXPECT_EQ(llvm::cast<BinaryExpr>(P.Items[0].Function->Body)->getOp(), '|');
}

TEST(ParserTest, FormulaDivisionBindsAsMultiplyFromTheLeft) {
  // 8/4/2 is (8/4)/2, and 1 + 6/3*2 is 1 + ((6/3)*2).
  auto P = parse("8/4/2; 1 + 6/3*2", OperatorTable(Dialect::Formula));
  ASSERT_TRUE(P.Errors.empty());
  ASSERT_EQ(P.Items.size(), 2u);
  auto *Outer = llvm::cast<BinaryExpr>(P.Items[0].Function->Body);
  EXPECT_EQ(Outer->getBuiltin(), BuiltinOp::Divide);
  auto *Inner = llvm::dyn_cast<BinaryExpr>(&Outer->getLHS());
  ASSERT_TRUE(Inner);
  EXPECT_EQ(Inner->getBuiltin(), BuiltinOp::Divide);
  EXPECT_TRUE(llvm::isa<NumberExpr>(Outer->getRHS()));

  auto *Add = llvm::cast<BinaryExpr>(P.Items[1].Function->Body);
  EXPECT_EQ(Add->getBuiltin(), BuiltinOp::Add);
  auto *Mul = llvm::cast<BinaryExpr>(&Add->getRHS());
  EXPECT_EQ(Mul->getBuiltin(), BuiltinOp::Multiply);
  EXPECT_EQ(llvm::cast<BinaryExpr>(&Mul->getLHS())->getBuiltin(),
            BuiltinOp::Divide);
}

TEST(ParserTest, TutorialSlashIsTheProgramsOperator) {
  auto P = parse("1 / 2");
  ASSERT_EQ(P.Errors.size(), 2u); // The error and its note.
  EXPECT_EQ(P.Errors[0], "1:3: unknown binary operator '/'; define it with "
                         "'def binary/ PREC (a b) ...' first");
  OperatorTable Ops;
  Ops.setPrecedence('/', 40);
  auto Q = parse("def binary/ 40 (a b) a; 1 / 2", Ops);
  ASSERT_TRUE(Q.Errors.empty());
  ASSERT_EQ(Q.Items.size(), 2u);
  auto *B = llvm::cast<BinaryExpr>(Q.Items[1].Function->Body);
  EXPECT_EQ(B->getOp(), '/');
  EXPECT_FALSE(B->isBuiltin());
}

TEST(ParserTest, FormulaRejectsDefiningSlash) {
  for (const char *Src : {"def binary/ 40 (a b) a", "extern binary/ (a b)"}) {
    auto P = parse(Src, OperatorTable(Dialect::Formula));
    ASSERT_EQ(P.Errors.size(), 1u) << Src;
    EXPECT_NE(P.Errors[0].find(": cannot redefine built-in operator '/' of "
                               "the formula dialect"),
              std::string::npos)
        << P.Errors[0];
  }
  // A unary '/' is still the program's, as a unary '-' is.
  auto U = parse("def unary/(v) 0 - v", OperatorTable(Dialect::Formula));
  EXPECT_TRUE(U.Errors.empty());
  // Other built-ins keep their message.
  auto Plus = parse("def binary+ (a b) a", OperatorTable(Dialect::Formula));
  ASSERT_EQ(Plus.Errors.size(), 1u);
  EXPECT_EQ(Plus.Errors[0], "1:11: cannot redefine built-in operator '+'");
}

TEST(ParserTest, FormulaLexesExponentsTutorialDoesNot) {
  auto P = parse("2.5e-1", OperatorTable(Dialect::Formula));
  ASSERT_TRUE(P.Errors.empty());
  EXPECT_EQ(llvm::cast<NumberExpr>(P.Items[0].Function->Body)->getValue(),
            0.25);
  auto T = parse("2.5e-1");
  ASSERT_EQ(T.Errors.size(), 1u);
  EXPECT_EQ(T.Errors[0], "1:1: malformed number '2.5e'");
}

TEST(ParserTest, UnclosedParenNamesTheOpener) {
  auto P = parse("(1 + 2");
  ASSERT_EQ(P.Errors.size(), 1u);
  EXPECT_EQ(P.Errors[0],
            "1:7: expected ')' to close '(' at 1:1, found end of input");
}

TEST(ParserTest, OperatorPrototypes) {
  auto P = parse("def binary| 5 (a b) a  def unary!(v) v");
  ASSERT_TRUE(P.Errors.empty());
  ASSERT_EQ(P.Items.size(), 2u);
  EXPECT_EQ(P.Items[0].Function->Proto.Name, "binary|");
  EXPECT_EQ(P.Items[0].Function->Proto.Precedence, 5u);
  EXPECT_EQ(P.Items[1].Function->Proto.Name, "unary!");
}

TEST(ParserTest, BadPrecedenceIsAnError) {
  auto P = parse("def binary| 101 (a b) a");
  ASSERT_EQ(P.Errors.size(), 1u);
  EXPECT_NE(P.Errors[0].find("precedence must be a whole number from 1 to "
                             "100"),
            std::string::npos);
}

TEST(ParserTest, DeepNestingIsALimitNotACrash) {
  std::string Src(100000, '(');
  auto P = parse(Src);
  ASSERT_EQ(P.Errors.size(), 1u);
  EXPECT_NE(P.Errors[0].find("nested more than"), std::string::npos);
}

TEST(ParserTest, LongSumIsALimitNotACrash) {
  std::string Src = "1";
  for (int I = 0; I < 100000; ++I)
    Src += "+1";
  auto P = parse(Src);
  ASSERT_EQ(P.Errors.size(), 1u);
  EXPECT_NE(P.Errors[0].find("nested more than"), std::string::npos);
}

TEST(ParserTest, BinaryAssignDefinitionIsReadWarnedAndDropped) {
  auto P = parse("def binary = 9 (a b) a  extern binary=(a b)  1");
  ASSERT_EQ(P.Items.size(), 1u);
  EXPECT_EQ(P.Items[0].K, TopLevelItem::Kind::Expression);
  ASSERT_EQ(P.Errors.size(), 2u);
  EXPECT_EQ(P.Errors[0], "1:12: '=' is the assignment operator and cannot be "
                         "redefined; this definition is ignored");
  EXPECT_EQ(P.Errors[1], "1:38: '=' is the assignment operator and cannot be "
                         "redefined; this declaration is ignored");
}

TEST(ParserTest, ADroppedBinaryAssignMustStillParse) {
  auto P = parse("def binary = 9 (a b) (a");
  EXPECT_TRUE(P.Items.empty());
  ASSERT_EQ(P.Errors.size(), 1u);
  EXPECT_EQ(P.Errors[0].rfind("1:24: expected ')' to close '('", 0), 0u);
}

TEST(ParserTest, UnaryAssignIsAnError) {
  auto P = parse("def unary=(v) v");
  ASSERT_EQ(P.Errors.size(), 1u);
  EXPECT_EQ(P.Errors[0], "1:10: '=' is reserved for assignment and cannot be "
                         "a unary operator");
}

TEST(ParserTest, AnUnknownBinaryOperatorIsAnErrorNotASplit) {
  auto P = parse("def g(x) x ! 1");
  EXPECT_TRUE(P.Items.empty());
  ASSERT_EQ(P.Errors.size(), 2u);
  EXPECT_EQ(P.Errors[0], "1:12: unknown binary operator '!'; define it with "
                         "'def binary! PREC (a b) ...' first");
  EXPECT_EQ(P.Errors[1],
            "1:12: a unary '!' that starts a new item needs a ';' before it");
}

TEST(ParserTest, AUnaryOperatorAfterASemicolonStartsAnItem) {
  auto P = parse("def g(x) x; !1");
  EXPECT_TRUE(P.Errors.empty());
  ASSERT_EQ(P.Items.size(), 2u);
  EXPECT_TRUE(llvm::isa<UnaryExpr>(P.Items[1].Function->Body));
}

TEST(ParserTest, ASTDumpShowsStructure) {
  auto P = parse("for i = 1, i < 3 in i");
  ASSERT_EQ(P.Items.size(), 1u);
  EXPECT_EQ(dump(P.Items[0]), "TopLevelExpr\n"
                              "  For i @1:1\n"
                              "    Number 1 @1:9\n"
                              "    Binary '<' @1:14\n"
                              "      Variable i @1:12\n"
                              "      Number 3 @1:16\n"
                              "    (step 1)\n"
                              "    Variable i @1:21\n");
}

} // namespace
