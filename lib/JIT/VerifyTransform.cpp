//===- VerifyTransform.cpp - Verify IR on its way to the compiler ---------===//
//
// Part of kaleido. See VerifyTransform.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/VerifyTransform.h"

#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

static Error verify(Module &M) {
  std::string Msg;
  raw_string_ostream OS(Msg);
  if (!verifyModule(M, &OS))
    return Error::success();
  return make_error<StringError>("internal error: invalid IR generated: " + Msg,
                                 inconvertibleErrorCode());
}

IRTransformLayer::TransformFunction
kaleido::verifyThen(std::function<void(Module &)> Then) {
  return [Then = std::move(Then)](
             ThreadSafeModule TSM,
             MaterializationResponsibility &) -> Expected<ThreadSafeModule> {
    if (Error Err = TSM.withModuleDo([&](Module &M) -> Error {
          if (Error Err = verify(M))
            return Err;
          Then(M);
          return Error::success();
        }))
      return std::move(Err);
    return std::move(TSM);
  };
}
