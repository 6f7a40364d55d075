//===- Build.cpp - kaleido build: a program as a native executable --------===//
//
// Part of kaleido. See Build.h.
//
//===----------------------------------------------------------------------===//

#include "Build.h"
#include "Driver.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kaleido {
namespace driver {

Expected<std::string> findRuntimeArchive(StringRef MainExecutable) {
  SmallString<256> Path(sys::path::parent_path(MainExecutable));
  sys::path::append(Path, "..", "lib", "kaleido", "libkaleido-rt.a");
  sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  if (!sys::fs::exists(Path))
    return createStringError("the runtime archive is missing: no '" +
                             Path.str() +
                             "' (it is installed with kaleido, at "
                             "<prefix>/lib/kaleido/libkaleido-rt.a)");
  return Path.str().str();
}

Expected<std::string> findCompilerDriver(StringRef CC) {
  if (!CC.empty()) {
    if (CC.contains('/')) {
      if (sys::fs::can_execute(CC))
        return CC.str();
    } else if (ErrorOr<std::string> P = sys::findProgramByName(CC)) {
      return *P;
    }
    return createStringError("cannot find the C compiler driver '" + CC +
                             "' (--cc)");
  }
  if (ErrorOr<std::string> P = sys::findProgramByName("clang-22"))
    return *P;
  if (ErrorOr<std::string> P =
          sys::findProgramByName("clang-22", {"/usr/lib/llvm-22/bin"}))
    return *P;
  return createStringError("cannot find clang-22, which links executables "
                           "(looked on PATH and in /usr/lib/llvm-22/bin; "
                           "install clang-22 and lld-22, or name one with "
                           "--cc)");
}

/// Whether Output can be written: not a folder, in a folder we may write.
static Error checkWritable(StringRef Output) {
  if (sys::fs::is_directory(Output))
    return createStringError("cannot write '" + Output + "': it is a folder");
  StringRef Dir = sys::path::parent_path(Output);
  if (Dir.empty())
    Dir = ".";
  if (std::error_code EC = sys::fs::access(Dir, sys::fs::AccessMode::Write))
    return createStringError("cannot write '" + Output + "': " + EC.message());
  return Error::success();
}

/// Compiles Inputs to a new temporary object file, named in Path.
static int compileObject(Session &S, ArrayRef<ProgramInput> Inputs,
                         const ProgramOptions &PO,
                         SmallVectorImpl<char> &Path) {
  int FD;
  if (std::error_code EC =
          sys::fs::createTemporaryFile("kaleido-build", "o", FD, Path)) {
    errs() << "kaleido: error: cannot make a temporary file: " << EC.message()
           << '\n';
    return ExitIO;
  }
  raw_fd_ostream OS(FD, /*shouldClose=*/true);
  if (Error Err = S.emitProgram(Inputs, EmitKind::Object, OS, PO))
    return exitCodeFor(std::move(Err));
  OS.close();
  if (OS.has_error()) {
    errs() << "kaleido: error: cannot write '" << Path
           << "': " << OS.error().message() << '\n';
    OS.clear_error();
    return ExitIO;
  }
  return ExitOK;
}

int buildExecutable(Session &S, ArrayRef<ProgramInput> Inputs,
                    const ProgramOptions &PO, StringRef Output,
                    const BuildTools &Tools) {
  auto Fail = [](Error Err) {
    errs() << "kaleido: error: " << toString(std::move(Err)) << '\n';
    return ExitIO;
  };
  if (Error Err = checkWritable(Output))
    return Fail(std::move(Err));
  Expected<std::string> Archive = findRuntimeArchive(Tools.MainExecutable);
  if (!Archive)
    return Fail(Archive.takeError());
  Expected<std::string> CC = findCompilerDriver(Tools.CC);
  if (!CC)
    return Fail(CC.takeError());
  SmallString<128> Object;
  int Code = compileObject(S, Inputs, PO, Object);
  FileRemover RemoveObject(Object);
  if (Code != ExitOK)
    return Code;
  // The runtime is C++ (libstdc++) and starts a thread (libpthread); the
  // program calls the C math library.
  SmallVector<StringRef, 12> Args = {*CC,        "-fuse-ld=lld", "-o",
                                     Output,     Object,         *Archive,
                                     "-lstdc++", "-lm",          "-lpthread"};
  std::string Why;
  int RC = sys::ExecuteAndWait(*CC, Args, std::nullopt, {}, 0, 0, &Why);
  if (RC == 0)
    return ExitOK;
  errs() << "kaleido: error: cannot link '" << Output << "': '" << *CC << "' "
         << (RC < 0 ? "could not run: " + Why
                    : "failed with exit code " + std::to_string(RC))
         << '\n';
  return ExitIO;
}

} // namespace driver
} // namespace kaleido
