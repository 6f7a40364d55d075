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
  std::unique_ptr<Site> S(new Site{this, std::move(Body), Threshold});
  std::lock_guard<std::mutex> Lock(Mutex);
  Live[S->Body] = S.get();
  return S;
}

CallCounters::Site::~Site() {
  std::lock_guard<std::mutex> Lock(Owner->Mutex);
  auto It = Owner->Live.find(Body);
  if (It != Owner->Live.end() && It->second == this)
    Owner->Live.erase(It);
}

std::optional<uint64_t>
CallCounters::getCalls(const SymbolStringPtr &Body) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Live.find(Body);
  if (It == Live.end())
    return std::nullopt;
  // Relaxed: the count is a report, and the code's own decrement is a
  // plain one.
  int32_t Left = __atomic_load_n(&It->second->Countdown, __ATOMIC_RELAXED);
  return uint64_t(int64_t(Threshold) - Left);
}

ExecutorAddr CallCounters::getEntryAddress() {
  return ExecutorAddr::fromPtr(&CallCounters::entry);
}

void CallCounters::entry(void *S) {
  auto &TheSite = *static_cast<Site *>(S);
  TheSite.Owner->OnHot(TheSite.Body);
}
