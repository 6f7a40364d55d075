//===- StreamInput.cpp - Input run as it arrives --------------------------===//
//
// Part of kaleido. See StreamInput.h.
//
//===----------------------------------------------------------------------===//

#include "StreamInput.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

using namespace llvm;

namespace kaleido {
namespace driver {

namespace {

/// One input being read: the text not yet run (and some before it, for
/// diagnostics), where that text is in the whole input, and the descriptor.
class StreamReader {
public:
  StreamReader(Session &S, Output &Out, StringRef Path, StringRef Name)
      : S(S), Out(Out), Path(Path), Name(Name) {}
  ~StreamReader() {
    if (FD > 0)
      ::close(FD);
  }
  StreamReader(const StreamReader &) = delete;
  StreamReader &operator=(const StreamReader &) = delete;

  int run();

private:
  /// Appends the next piece of input to Pending (none at the end: AtEnd).
  /// Returns 0, or the exit code to stop with.
  int readMore();
  /// Drops what is before Cut but the start of its line (for diagnostics).
  void keepFrom(size_t Cut);
  /// Reports an unfinished item that is too long; returns its exit code.
  int tooLong();
  int cannotRead(int Errno) const;

  Session &S;
  Output &Out;
  StringRef Path, Name;
  int FD = -1;
  bool AtEnd = false;
  /// What is kept of the input: Pending[Begin, end) is not run yet.
  std::string Pending;
  size_t Begin = 0;
  /// Where Pending's first byte is in the whole input.
  SourceLocation Start = {1, 1};
};

int StreamReader::cannotRead(int Errno) const {
  errs() << "kaleido: error: cannot read '" << Path
         << "': " << std::error_code(Errno, std::generic_category()).message()
         << '\n';
  return ExitIO;
}

int StreamReader::readMore() {
  // What the items so far printed is out before the wait for more (a
  // pipe's reader sees each item's output as it runs).
  if (!Out.flush(nullptr))
    return ExitIO;
  size_t Old = Pending.size();
  Pending.resize(Old + StreamLimits::ChunkBytes);
  ssize_t N = -1;
  int Errno = 0;
  {
    // A signal ends the wait for input (a pipe whose writer is slow): it
    // interrupts poll(), and one that came just before poll() is seen
    // within WaitSlice.
    InterruptibleReads Reads;
    while (!GotInterrupt && !GotTermination) {
      struct pollfd P = {FD, POLLIN, 0};
      int Ready = ::poll(&P, 1, StreamLimits::WaitSliceMs);
      if (Ready == 0 || (Ready < 0 && errno == EINTR))
        continue; // Nothing yet, or a signal: look at the flags again.
      // Ready, or poll() failed: then read() says why.
      N = ::read(FD, Pending.data() + Old, StreamLimits::ChunkBytes);
      Errno = errno;
      if (N >= 0 || (Errno != EINTR && Errno != EAGAIN))
        break;
    }
  }
  Pending.resize(Old + (N > 0 ? size_t(N) : 0));
  if (GotTermination)
    return 128 + GotTermination;
  if (GotInterrupt)
    return ExitInterrupted; // Came while no program code was running.
  if (N < 0)
    return cannotRead(Errno);
  AtEnd = N == 0;
  return ExitOK;
}

void StreamReader::keepFrom(size_t Cut) {
  // Cut is at a token or after a whole line break, never inside a CR LF.
  size_t Break = StringRef(Pending).find_last_of("\r\n", Cut);
  size_t LineStart = Break == StringRef::npos ? 0 : Break + 1;
  size_t Keep = Cut - LineStart <= StreamLimits::WholeLineBytes
                    ? LineStart
                    : Cut - StreamLimits::CutLineBytes;
  Start = SourcePiece{Pending, 0, StringRef::npos, Start}.locationOf(Keep);
  Pending.erase(0, Keep);
  Begin = Cut - Keep;
}

/// Where the unfinished item at Begin of Text begins: past the white space,
/// `;`s and comments before it.
static size_t firstToken(StringRef Text, size_t Begin) {
  for (size_t I = Begin; I < Text.size();) {
    if (Text[I] == '#')
      I = std::min(Text.find_first_of("\r\n", I), Text.size());
    else if (StringRef(" \t\v\f\r\n;").contains(Text[I]))
      ++I;
    else
      return I;
  }
  return Begin;
}

int StreamReader::tooLong() {
  SourcePiece Piece{Pending, Begin, StringRef::npos, Start};
  StringRef Text = Pending;
  Begin = firstToken(Text, Begin);
  size_t Break = Text.find_last_of("\r\n", Begin);
  size_t LineStart = Break == StringRef::npos ? 0 : Break + 1;
  Diagnostic D;
  D.BufferName = Name.str();
  D.Loc = Piece.locationOf(Begin);
  D.Message = formatv("more than {0} bytes without the end of an item (the "
                      "most kaleido keeps of one definition or expression, "
                      "with the comments before it); split it into smaller "
                      "functions",
                      StreamLimits::MaxPendingBytes);
  D.SourceLine = Text.slice(LineStart, Text.find_first_of("\r\n", Begin)).str();
  D.SourceLineColumn = Piece.locationOf(LineStart).Column;
  if (!Out.failed()) {
    outs().flush();
    errs() << D.format();
  }
  return ExitCompile;
}

int StreamReader::run() {
  FD = Path == "-" ? 0 : ::open(Path.str().c_str(), O_RDONLY | O_CLOEXEC);
  if (FD < 0)
    return cannotRead(errno);
  bool Continued = false;
  for (;;) {
    if (int Code = readMore())
      return Code;
    SourcePiece Piece{Pending, Begin, StringRef::npos, Start};
    size_t Cut = S.completeItems(Piece, AtEnd);
    if (Cut > Begin) {
      Piece.End = Cut;
      Piece.Continued = Continued;
      Continued = true;
      if (Error Err = S.run(Piece, Name))
        return exitCodeFor(std::move(Err));
    }
    if (AtEnd)
      return ExitOK;
    keepFrom(Cut);
    if (Pending.size() - Begin > StreamLimits::MaxPendingBytes)
      return tooLong();
  }
}

} // namespace

int runStream(Session &S, Output &Out, StringRef Path, StringRef Name) {
  return StreamReader(S, Out, Path, Name).run();
}

} // namespace driver
} // namespace kaleido
