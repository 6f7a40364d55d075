//===- FuzzSupport.h - Shared pieces of the libFuzzer targets ----*- C++
//-*-===//
//
// Part of kaleido. The fuzz targets drive the front end through the library's
// internal headers, the way lib/Session does (parseItem, Sema::check, then
// recordDeclaration for every accepted `def` and `extern`), so that a crash
// found by fuzzing points at the stage that has the bug rather than at the
// session around it.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_FUZZ_FUZZSUPPORT_H
#define KALEIDO_FUZZ_FUZZSUPPORT_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>

namespace kaleido::fuzz {

inline llvm::StringRef asSource(const uint8_t *Data, size_t Size) {
  return llvm::StringRef(reinterpret_cast<const char *>(Data), Size);
}

} // namespace kaleido::fuzz

#endif // KALEIDO_FUZZ_FUZZSUPPORT_H
