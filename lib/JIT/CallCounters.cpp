//===- CallCounters.cpp - Call counters of baseline code ------------------===//
//
// Part of kaleido. See CallCounters.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CallCounters.h"

#include <algorithm>
#include <limits>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

CallCounters::CallCounters(unsigned Threshold, HotFunction OnHot)
    : Threshold(static_cast<int32_t>(std::clamp<unsigned>(
          Threshold, 1, std::numeric_limits<int32_t>::max()))),
      OnHot(std::move(OnHot)) {}

std::unique_ptr<CallCounters::Site>
CallCounters::makeSite(SymbolStringPtr Body) {
  return std::unique_ptr<Site>(new Site{this, std::move(Body), Threshold});
}

ExecutorAddr CallCounters::getEntryAddress() {
  return ExecutorAddr::fromPtr(&CallCounters::entry);
}

void CallCounters::entry(void *S) {
  auto &TheSite = *static_cast<Site *>(S);
  TheSite.Owner->OnHot(TheSite.Body);
}
