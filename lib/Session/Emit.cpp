//===- Emit.cpp - Dumps of the compilation stages -------------------------===//
//
// Part of kaleido. --emit=tokens and --emit=llvm/asm/obj. The last three are
// the program module (Session/ProgramModule.h): the whole input as one
// module whose main runs the top-level expressions in order through the
// runtime archive, libkaleido-rt.a, as the JIT runs them. `kaleido build` links
// it into an executable (lli cannot: its JIT linker lacks the archive's TLS
// relocations).
//
//===----------------------------------------------------------------------===//

#include "Session/SessionImpl.h"

#include "Session/CodeText.h"
#include "Session/ProgramModule.h"

#include "CodeGen/IRGen.h"
#include "CodeGen/Optimizer.h"
#include "Lex/Lexer.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Format.h"
#include "llvm/Target/TargetMachine.h"

using namespace kaleido;
using namespace llvm;

Error Session::Impl::emitTokens(StringRef Source, raw_ostream &OS) {
  Lexer Lex(Source, Opts.Language);
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

/// The diagnostic a runtime error at Loc becomes, cut where its message
/// goes: what the JIT's session would report there (Session::runExpression).
static std::pair<std::string, std::string>
diagnosticAround(const DiagnosticEngine &Diags, SourceLocation Loc) {
  // No message contains a NUL byte.
  static constexpr StringRef Marker("\0message\0", 9);
  Diagnostic D;
  D.Level = Diagnostic::Severity::Error;
  D.BufferName = Diags.getBufferName().str();
  D.Loc = Loc;
  D.Message = Marker.str();
  if (Loc.isValid()) {
    D.SourceLine = Diags.getLine(Loc.Line).str();
    D.SourceLineColumn = Diags.getLineColumn(Loc.Line);
  }
  std::string Text = D.format();
  size_t At = Text.find(Marker);
  return {Text.substr(0, At), Text.substr(At + Marker.size())};
}

Error Session::Impl::emitProgram(ArrayRef<ProgramInput> Inputs, EmitKind Kind,
                                 const ProgramOptions &PO, raw_ostream &OS) {
  auto TM = createEmitTarget(Opts.OptLevel);
  if (!TM)
    return make_error<SessionError>(ErrorKind::Internal,
                                    "cannot target this host: " +
                                        toString(TM.takeError()));
  LLVMContext Ctx;
  auto M = std::make_unique<Module>(
      Inputs.empty() ? StringRef("<program>") : Inputs[0].BufferName, Ctx);
  M->setDataLayout((*TM)->createDataLayout());
  M->setTargetTriple((*TM)->getTargetTriple());
  ProgramBuilder Program(*M, Opts.AllowHostSymbols);
  for (const ProgramInput &In : Inputs) {
    Error Err =
        forEachItem(SourcePiece{In.Source}, In.BufferName,
                    [&](TopLevelItem &Item, DiagnosticEngine &Diags) -> Error {
                      switch (Item.K) {
                      case TopLevelItem::Kind::Expression: {
                        auto [Before, After] =
                            diagnosticAround(Diags, Item.Function->Proto.Loc);
                        Program.addExpression(*Item.Function, std::move(Before),
                                              std::move(After));
                        break;
                      }
                      case TopLevelItem::Kind::Extern:
                        record(Item, Diags.getBufferName());
                        Program.addExtern(Item.Proto);
                        break;
                      case TopLevelItem::Kind::Definition:
                        record(Item, Diags.getBufferName());
                        Program.addDefinition(*Item.Function);
                        break;
                      }
                      return Error::success();
                    });
    if (Err)
      return Err;
  }
  if (Error Err = Program.finish(PO.PrintResults))
    return make_error<SessionError>(
        ErrorKind::Internal, "internal error: " + toString(std::move(Err)));
  Optimizer(Opts.OptLevel, TM->get()).run(*M);
  if (Kind != EmitKind::Object)
    return printModule(*M, **TM, Kind == EmitKind::Asm, OS);
  return printObject(*M, **TM, OS);
}
