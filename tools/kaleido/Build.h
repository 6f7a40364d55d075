//===- Build.h - kaleido build: a program as a native executable -*- C++
//-*-===//
//
// Part of kaleido. The driver's `build` subcommand: the library compiles the
// program to an object file (Session::emitProgram), and this links it with
// the runtime archive through the C compiler driver clang-22 and lld, both
// found when the command runs. Not library API: finding tools and running
// them is the driver's business.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_TOOLS_BUILD_H
#define KALEIDO_TOOLS_BUILD_H

#include "kaleido/Session.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace kaleido {
namespace driver {

/// Where `kaleido build` finds what it links with.
struct BuildTools {
  /// The C compiler driver; if empty, clang-22 on PATH, then in
  /// /usr/lib/llvm-22/bin. A name without '/' is looked up on PATH.
  std::string CC;
  /// The kaleido executable's own path (sys::fs::getMainExecutable): the
  /// runtime archive is at ../lib/kaleido/libkaleido-rt.a from its folder,
  /// in the build tree and in an install alike.
  std::string MainExecutable;
};

/// The runtime archive next to MainExecutable, or an error saying where it
/// was looked for.
llvm::Expected<std::string> findRuntimeArchive(llvm::StringRef MainExecutable);

/// The C compiler driver to link with (see BuildTools::CC), or an error
/// naming what was looked for.
llvm::Expected<std::string> findCompilerDriver(llvm::StringRef CC);

/// Compiles Inputs with S into an executable at Output and returns the exit
/// code: 0; 65 for a compile error (the diagnostics went to S's handler); 74
/// if Output cannot be written, the archive or the compiler driver is
/// missing, or linking fails (the messages are on stderr).
int buildExecutable(Session &S, llvm::ArrayRef<ProgramInput> Inputs,
                    const ProgramOptions &PO, llvm::StringRef Output,
                    const BuildTools &Tools);

} // namespace driver
} // namespace kaleido

#endif // KALEIDO_TOOLS_BUILD_H
