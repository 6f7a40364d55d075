//===- BodySource.cpp - What the JIT asks about a body --------------------===//
//
// Part of kaleido. See BodySource.h: what a source supports by default.
//
//===----------------------------------------------------------------------===//

#include "JIT/BodySource.h"

using namespace kaleido;
using namespace llvm;

BodySource::~BodySource() = default;

Expected<std::vector<uint8_t>> BodySource::generateNative(StringRef,
                                                          NativeEmitOptions) {
  return make_error<StringError>("no native baseline code",
                                 inconvertibleErrorCode());
}

BodyOrigin BodySource::locate(StringRef) { return {}; }

bool BodySource::fitsOptimiser(StringRef) { return true; }

Expected<IRGenerator> BodySource::captureIR(StringRef) {
  return make_error<StringError>("bodies cannot be captured",
                                 inconvertibleErrorCode());
}
