//===- SessionImpl.h - The state a Session owns ------------------*- C++ -*-===//
//
// Part of kaleido. Private to the Session library.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_SESSION_SESSIONIMPL_H
#define KALEIDO_SESSION_SESSIONIMPL_H

#include "kaleido/Session.h"

#include "AST/AST.h"
#include "CodeGen/IRGen.h"
#include "Basic/DiagnosticEngine.h"
#include "JIT/KaleidoJIT.h"
#include "Parse/OperatorTable.h"
#include "Runtime/Runtime.h"
#include "Sema/Sema.h"

namespace llvm {
class Module;
}

namespace kaleido {

class Session::Impl : public BodySource {
public:
  explicit Impl(SessionOptions Opts) : Opts(std::move(Opts)) {}

  // BodySource: the JIT compiles the current definitions of this session's
  // function table.
  llvm::Expected<std::unique_ptr<llvm::Module>>
  generateIR(llvm::LLVMContext &Ctx, llvm::StringRef Name,
             llvm::StringRef Symbol, Tier T) override;
  bool isBounded(llvm::StringRef Name) override;

  /// What to do with each accepted item.
  enum class Action { Run, Emit };

  /// Reads Source item by item; for each accepted item calls OnItem. Stops at
  /// the first error.
  llvm::Error
  forEachItem(llvm::StringRef Source, llvm::StringRef BufferName,
              llvm::function_ref<llvm::Error(TopLevelItem &,
                                             DiagnosticEngine &)>
                  OnItem);

  /// Records a checked extern or def in the tables (not in the JIT).
  void record(const TopLevelItem &Item, llvm::StringRef BufferName);

  llvm::Error runItem(TopLevelItem &Item, DiagnosticEngine &Diags);
  llvm::Error runExpression(const FunctionAST &F, DiagnosticEngine &Diags);
  llvm::Error interpretExpression(const FunctionAST &F,
                                  DiagnosticEngine &Diags);

  llvm::Error emitTokens(llvm::StringRef Source, llvm::raw_ostream &OS);
  llvm::Error emitModule(llvm::StringRef Source, llvm::StringRef BufferName,
                         bool Asm, llvm::raw_ostream &OS);

  static llvm::Error compileError(const llvm::Twine &Msg) {
    return llvm::make_error<SessionError>(ErrorKind::Compile, Msg.str());
  }

  SessionOptions Opts;
  OperatorTable Ops;
  FunctionTable Functions;
  std::unique_ptr<KaleidoJIT> JIT;
  SessionStats Stats;
  unsigned NextExpression = 0;
  /// An error the JIT reported while no JIT'd code was running.
  std::string PendingJITError;
  /// Polled by generated code; see Runtime/Runtime.h. Never moves: generated
  /// code holds its address.
  rt::PollWord Poll{0};
  std::atomic<bool> InterruptRequested{false};

  /// How IR is generated for tier T: safepoints, and inlining in optimised
  /// code.
  IRGenOptions irGenOptions(Tier T) const;

  /// Name's current definition, if the inliner may copy it: small, no loop,
  /// no call to itself.
  std::optional<InlineCandidate> findInlinable(llvm::StringRef Name) const;

  /// Runs Fn under the runtime guard; maps a fault to a located diagnostic
  /// at Loc and a SessionError.
  llvm::Error runGuarded(llvm::function_ref<double()> Fn, SourceLocation Loc,
                         DiagnosticEngine &Diags, double &Result);
};

} // namespace kaleido

#endif // KALEIDO_SESSION_SESSIONIMPL_H
