//===- RetiredCode.cpp - Replaced code, freed when safe -------------------===//
//
// Part of kaleido. See RetiredCode.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/RetiredCode.h"

#include "llvm/ADT/STLExtras.h"

using namespace kaleido;
using namespace llvm;

void RetiredCode::retire(orc::ResourceTrackerSP RT) {
  if (RT)
    Retired.push_back(std::move(RT));
}

OwnedCode::~OwnedCode() = default;

void RetiredCode::retire(std::unique_ptr<OwnedCode> Code) {
  if (Code)
    RetiredOwned.push_back(std::move(Code));
}

Error RetiredCode::release() {
  if (Keep) {
    for (std::unique_ptr<OwnedCode> &Code : RetiredOwned) {
      Code->forgetDebugInfo();
      KeptOwned.push_back(std::move(Code));
    }
    RetiredOwned.clear();
    llvm::append_range(Kept, Retired);
    Retired.clear();
    return Error::success();
  }
  BodiesFreed += RetiredOwned.size();
  RetiredOwned.clear();
  Error Failed = Error::success();
  for (orc::ResourceTrackerSP &RT : Retired) {
    if (Error Err = RT->remove())
      Failed = joinErrors(std::move(Failed), std::move(Err));
    else
      ++BodiesFreed;
  }
  Retired.clear();
  return Failed;
}
