//===- InterpExecutor.cpp - Runs expressions with the interpreter ---------===//
//
// Part of kaleido. The executor behind --jit=interp: the interpreter reads
// the function table at every call, so declaring and defining cost nothing
// here, and no JIT, LLVM context or TargetMachine is ever built.
//
//===----------------------------------------------------------------------===//

#include "Session/Executor.h"

#include "Interp/Interpreter.h"

using namespace kaleido;
using namespace llvm;

namespace {
class InterpExecutor final : public Executor {
public:
  InterpExecutor(const FunctionTable &Functions, ExecutorOptions Opts)
      : Functions(Functions), Opts(std::move(Opts)) {}

  Error declare(StringRef, unsigned) override { return Error::success(); }
  Error define(StringRef) override { return Error::success(); }
  Error undefine(StringRef) override { return Error::success(); }

  Expected<double> run(const FunctionAST &F, StringRef) override {
    Interpreter Interp(Functions, [this](StringRef Name, unsigned Arity) {
      return Opts.ResolveHost(Name, Arity);
    });
    // The interpreter reports faults by return value; the guard provides the
    // output, the poll word and the stack limit, and never jumps over it.
    Expected<double> Result = 0.0;
    Expected<double> Guarded = rt::callGuarded(
        [&] {
          Result = Interp.evaluate(F);
          return 0.0;
        },
        Opts.Env);
    if (!Guarded) {
      // Only the interpreter's own faults can end the call (it polls and
      // reports them itself): this one outranks whatever Result holds.
      consumeError(Result.takeError());
      return Guarded.takeError();
    }
    return Result;
  }

  Expected<uint64_t> lookupAddress(StringRef) override {
    return make_error<SessionError>(
        ErrorKind::Compile,
        "lookup() needs machine code; this session interprets (use call())");
  }

  void describe(StringRef, FunctionInfo &Info) override {
    Info.Status =
        Info.Defined ? FunctionStatus::Interpreted : FunctionStatus::Extern;
  }

  Error printCode(StringRef, bool, raw_ostream &) override {
    return make_error<SessionError>(
        ErrorKind::Usage,
        "this session interprets: it compiles nothing to print");
  }

  void addStats(SessionStats &) const override {}

private:
  const FunctionTable &Functions;
  ExecutorOptions Opts;
};
} // namespace

std::unique_ptr<Executor>
kaleido::createInterpExecutor(const FunctionTable &Functions,
                              ExecutorOptions Opts) {
  useDefaultResolver(Opts);
  return std::make_unique<InterpExecutor>(Functions, std::move(Opts));
}
