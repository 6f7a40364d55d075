//===- StreamInput.h - Input run as it arrives --------------------*- C++
//-*-===//
//
// Part of kaleido. How the command runs a file or standard input: read in
// pieces, each top-level item run as soon as it has been read (see
// Session::completeItems), only the unfinished rest kept. So a pipe's items
// run as they arrive, and endless input (`yes 'printd(1);'`, /dev/zero)
// runs in bounded memory: an invalid byte is an error at once, and an item
// that never ends one past StreamLimits::MaxPendingBytes. A regular file is
// read the same way, so it does what the same text piped in does.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_TOOLS_STREAMINPUT_H
#define KALEIDO_TOOLS_STREAMINPUT_H

#include "Driver.h"

#include "kaleido/Session.h"

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <string>

namespace kaleido {
namespace driver {

struct StreamLimits {
  /// Bytes asked of the input per read.
  static constexpr size_t ChunkBytes = size_t(64) << 10;
  /// The most kept of one unfinished item, with the comments and white
  /// space before it: past this, "more than 1048576 bytes without the end
  /// of an item" (exit 65), at where the item begins.
  static constexpr size_t MaxPendingBytes = size_t(1) << 20;
  /// What is kept of the line an unfinished item starts on, for its
  /// diagnostics: all of it when it is this short, else the last
  /// CutLineBytes before the item (a diagnostic shows at most 120).
  static constexpr size_t WholeLineBytes = 4096;
  static constexpr size_t CutLineBytes = 128;
  /// How long one wait for input lasts before the signal flags are looked
  /// at again (a signal that comes just before the wait does not end it).
  static constexpr int WaitSliceMs = 100;
};

/// Reads Path ("-": standard input) in pieces and runs each complete item in
/// S as it arrives, as buffer Name. Returns the exit code: 0, a failed
/// run()'s, 65 for an item past StreamLimits::MaxPendingBytes, 74 (with a
/// message) if the input cannot be opened or read, 130 or 128 + the signal
/// if a signal came while it waited for input.
int runStream(Session &S, Output &Out, llvm::StringRef Path,
              llvm::StringRef Name);

} // namespace driver
} // namespace kaleido

#endif // KALEIDO_TOOLS_STREAMINPUT_H
