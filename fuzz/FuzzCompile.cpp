//===- FuzzCompile.cpp - libFuzzer target: source to verified IR ----------===//
//
// Part of kaleido. The whole pipeline up to LLVM IR, without running anything:
// each item is parsed, checked by Sema and recorded as the session does, then
// every function body and top-level expression is lowered by emitFunction and
// the result must pass llvm::verifyModule. Sema's contract (lib/Sema/Sema.h)
// is that code generation may assume a checked AST, so invalid IR from a
// checked item is a bug; the target aborts on it with the module printed.
//
// IR is emitted in the two shapes the library produces:
//   * one module per body, named as the JIT names them ("f$2", "__expr$1"),
//     calls to other functions going to declarations, with safepoints
//     (lib/Session, lib/JIT);
//   * one module for the whole input with plain names and no safepoints, as
//     --emit=llvm does (lib/Session/Emit.cpp), up to the first redefinition,
//     which that mode rejects.
// Like the session, the target stops at the first item that fails.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "Basic/DiagnosticEngine.h"
#include "CodeGen/IRGen.h"
#include "JIT/StubTable.h"
#include "Parse/Parser.h"
#include "Runtime/Runtime.h"
#include "Sema/Sema.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include "llvm/ADT/StringMap.h"

#include <cstdlib>
#include <string>

using namespace kaleido;

static void verifyOrDie(llvm::Module &M, llvm::StringRef What) {
  std::string Msg;
  llvm::raw_string_ostream OS(Msg);
  if (!llvm::verifyModule(M, &OS))
    return;
  llvm::errs() << "fuzz-compile: invalid IR for " << What << ":\n"
               << Msg << "\n";
  M.print(llvm::errs(), nullptr);
  std::abort();
}

/// Stands for a session's poll word: generated code is never run here.
static const uintptr_t PollWord = 0;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Source = fuzz::asSource(Data, Size);
  DiagnosticHandler Quiet;
  DiagnosticEngine Diags("<fuzz>", Source, Quiet);
  OperatorTable Ops;
  FunctionTable Functions;
  Parser P(Source, Ops, Diags);

  IRGenOptions JITOpts;
  JITOpts.PollWord = &PollWord;
  JITOpts.SafepointFunction = rt::SafepointFunction;

  llvm::LLVMContext Ctx;
  llvm::Module Whole("<fuzz>", Ctx);
  bool WholeOK = true;
  unsigned NextExpression = 0;
  // Each function's definitions so far: the version the JIT would give the
  // body (its version word counts the same way).
  llvm::StringMap<uint32_t> Versions;

  for (;;) {
    TopLevelItem Item;
    Parser::Result R = P.parseItem(Item);
    if (R != Parser::Result::Item)
      break;
    Sema S(Functions, Diags);
    if (!S.check(Item))
      break;
    if (Item.K == TopLevelItem::Kind::Extern) {
      recordDeclaration(Functions, Ops, Item, Diags.getBufferName());
      continue;
    }

    const FunctionAST &F = *Item.Function;
    std::string Symbol;
    if (Item.K == TopLevelItem::Kind::Definition) {
      recordDeclaration(Functions, Ops, Item, Diags.getBufferName());
      Symbol = bodySymbolName(F.Proto.Name, ++Versions[F.Proto.Name]);
    } else {
      Symbol = "__expr$" + std::to_string(++NextExpression);
    }

    // The JIT's view: one small module per body.
    {
      llvm::Module M(Symbol, Ctx);
      emitFunction(F, Symbol, M, JITOpts);
      verifyOrDie(M, Symbol);
    }

    // The --emit=llvm view: everything in one module, plain names.
    if (WholeOK) {
      llvm::StringRef Name =
          Item.K == TopLevelItem::Kind::Definition ? F.Proto.Name : Symbol;
      if (llvm::Function *Old = Whole.getFunction(Name); Old && !Old->empty())
        WholeOK = false; // A redefinition; --emit=llvm rejects it too.
      else
        emitFunction(F, Name, Whole);
    }
  }
  verifyOrDie(Whole, "the whole input");
  return 0;
}
