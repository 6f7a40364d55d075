//===- Emit.cpp - Dumps of the compilation stages -------------------------===//
//
// Part of kaleido. --emit=tokens and --emit=llvm/asm. The LLVM dump is one
// module for the whole input, with plain symbol names, direct calls, a `main`
// that runs the top-level expressions in order, and definitions of the
// runtime functions the program declares but does not define, so that a
// static tool (lli, llc) can run or compile it as it is.
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "Session/CodeText.h"

#include "CodeGen/IRGen.h"
#include "CodeGen/Optimizer.h"
#include "JIT/HostTarget.h"
#include "Lex/Lexer.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Target/TargetMachine.h"

using namespace kaleido;
using namespace llvm;

Error Session::Impl::emitTokens(StringRef Source, raw_ostream &OS) {
  Lexer Lex(Source);
  for (;;) {
    Token T = Lex.next();
    OS << T.Loc.Line << ':' << T.Loc.Column << ' ' << getKindName(T.Kind);
    if (T.is(TokenKind::Number))
      OS << ' ' << T.Text << " = " << format("%g", T.Value);
    else if (!T.is(TokenKind::Eof))
      OS << " '" << T.Text << "'";
    OS << '\n';
    if (T.is(TokenKind::Eof))
      return Error::success();
  }
}

/// The argument of a runtime function. `extern putchard()` may declare it
/// with no parameter at all; it then prints 0.
static Value *runtimeArgument(Function *F) {
  if (F->arg_empty())
    return ConstantFP::get(Type::getDoubleTy(F->getContext()), 0.0);
  return F->getArg(0);
}

/// Defines putchard/printd in M with C's putchar/printf, if M declares them
/// without a body.
static void defineRuntime(Module &M) {
  LLVMContext &Ctx = M.getContext();
  Type *DoubleTy = Type::getDoubleTy(Ctx);
  Type *I32 = Type::getInt32Ty(Ctx);
  if (Function *F = M.getFunction("putchard"); F && F->empty()) {
    IRBuilder<> B(BasicBlock::Create(Ctx, "entry", F));
    FunctionCallee Putchar =
        M.getOrInsertFunction("putchar", FunctionType::get(I32, {I32}, false));
    Value *Byte = B.CreateFPToSI(runtimeArgument(F), Type::getInt64Ty(Ctx));
    B.CreateCall(Putchar, {B.CreateAnd(B.CreateTrunc(Byte, I32), 0xff)});
    B.CreateRet(ConstantFP::get(DoubleTy, 0.0));
  }
  if (Function *F = M.getFunction("printd"); F && F->empty()) {
    IRBuilder<> B(BasicBlock::Create(Ctx, "entry", F));
    FunctionCallee Printf = M.getOrInsertFunction(
        "printf", FunctionType::get(I32, {PointerType::getUnqual(Ctx)}, true));
    B.CreateCall(Printf, {B.CreateGlobalString("%f\n", "printd.fmt"),
                          runtimeArgument(F)});
    B.CreateRet(ConstantFP::get(DoubleTy, 0.0));
  }
}

/// Adds `main`, which runs Expressions in order, and the runtime's bodies,
/// then checks M.
static Error finishModule(Module &M, ArrayRef<Function *> Expressions) {
  defineRuntime(M);
  LLVMContext &Ctx = M.getContext();
  Type *I32 = Type::getInt32Ty(Ctx);
  Function *Main = Function::Create(FunctionType::get(I32, false),
                                    Function::ExternalLinkage, "main", M);
  IRBuilder<> B(BasicBlock::Create(Ctx, "entry", Main));
  for (Function *E : Expressions)
    B.CreateCall(E);
  B.CreateRet(ConstantInt::get(I32, 0));
  std::string Broken;
  raw_string_ostream BrokenOS(Broken);
  if (verifyModule(M, &BrokenOS))
    return make_error<SessionError>(
        ErrorKind::Internal, "internal error: invalid module: " + Broken);
  return Error::success();
}

Error Session::Impl::emitModule(StringRef Source, StringRef BufferName,
                                bool Asm, raw_ostream &OS) {
  auto TM = createEmitTarget(Opts.OptLevel);
  if (!TM)
    return make_error<SessionError>(ErrorKind::Internal,
                                    "cannot target this host: " +
                                        toString(TM.takeError()));
  LLVMContext Ctx;
  auto M = std::make_unique<Module>(BufferName, Ctx);
  M->setDataLayout((*TM)->createDataLayout());
  M->setTargetTriple((*TM)->getTargetTriple());
  std::vector<Function *> Expressions;

  Error Err = forEachItem(
      Source, BufferName,
      [&](TopLevelItem &Item, DiagnosticEngine &Diags) -> Error {
        if (Item.K == TopLevelItem::Kind::Expression) {
          std::string Name = formatv("__expr${0}", Expressions.size() + 1);
          Expressions.push_back(emitFunction(*Item.Function, Name, *M));
          return Error::success();
        }
        record(Item, Diags.getBufferName());
        if (Item.K == TopLevelItem::Kind::Extern)
          return Error::success();
        const PrototypeAST &Proto = Item.Function->Proto;
        if (Function *Old = M->getFunction(Proto.Name); Old && !Old->empty()) {
          Diags.error(Proto.Loc,
                      "'" + Proto.Name +
                          "' is defined twice; a single LLVM module cannot "
                          "express a redefinition (run the program instead)");
          return compileError("cannot emit");
        }
        emitFunction(*Item.Function, Proto.Name, *M);
        return Error::success();
      });
  if (Err)
    return Err;
  if (Error Err = finishModule(*M, Expressions))
    return Err;
  Optimizer(Opts.OptLevel, TM->get()).run(*M);
  return printModule(*M, **TM, Asm, OS);
}
