//===- JITDump.cpp - jit-PID.dump, for perf inject --jit ------------------===//
//
// Part of kaleido. See JITDump.h. The layout, all little-endian host words:
//   header:  u32 magic 'JiTD', u32 version 1, u32 header size, u32 ELF
//            machine, u32 pad, u32 pid, u64 timestamp, u64 flags
//   record:  u32 id, u32 total size, u64 timestamp, then by id:
//     0 code load:  u32 pid, u32 tid, u64 vma, u64 code address, u64 code
//                   size, u64 code index, name (NUL-terminated), the code
//     2 debug info: u64 code address, u64 entries, then per entry u64
//                   address, u32 line, u32 discriminator, file (NUL-ended)
//     3 close:      nothing more
//
//===----------------------------------------------------------------------===//

#include "JIT/JITDump.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <cerrno>
#include <cstring>
#include <ctime>

#if defined(__linux__)
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

using namespace kaleido;
using namespace llvm;

namespace {
enum RecordId : uint32_t { CodeLoad = 0, DebugInfo = 2, Close = 3 };
constexpr uint32_t Magic = 0x4A695444; // "JiTD"
constexpr size_t RecordHeaderSize = 16;

uint64_t monotonicNanoseconds() {
  timespec T{};
  clock_gettime(CLOCK_MONOTONIC, &T);
  return uint64_t(T.tv_sec) * 1000000000u + uint64_t(T.tv_nsec);
}

Error dumpError(const std::string &Path, int Errno) {
  return createStringError(std::error_code(Errno, std::generic_category()),
                           "cannot write jitdump '%s': %s", Path.c_str(),
                           std::strerror(Errno));
}
} // namespace

#if defined(__linux__)

Expected<std::unique_ptr<JITDump>> JITDump::create(StringRef Dir) {
  SmallString<128> P(Dir.empty() ? StringRef(".") : Dir);
  sys::path::append(P, "jit-" + Twine(sys::Process::getProcessId()) + ".dump");
  std::string Path(P.str());
  int FD = ::open(Path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0666);
  if (FD < 0)
    return dumpError(Path, errno);
  // perf finds the file through this mapping's MMAP event: it must be
  // executable. Nothing ever runs it.
  size_t Page = sys::Process::getPageSizeEstimate();
  void *Mapped =
      ::mmap(nullptr, Page, PROT_READ | PROT_EXEC, MAP_PRIVATE, FD, 0);
  if (Mapped == MAP_FAILED) {
    int E = errno;
    ::close(FD);
    return dumpError(Path, E);
  }
  std::unique_ptr<JITDump> D(new JITDump(std::move(Path), FD, Mapped, Page));
  struct {
    uint32_t Magic, Version, TotalSize, ElfMach, Pad, Pid;
    uint64_t Timestamp, Flags;
  } Header{Magic,
           1,
           40,
           EM_X86_64,
           0,
           uint32_t(sys::Process::getProcessId()),
           monotonicNanoseconds(),
           0};
  static_assert(sizeof(Header) == 40, "the jitdump header is 40 bytes");
#if defined(__aarch64__)
  Header.ElfMach = EM_AARCH64;
#endif
  D->write(&Header, sizeof(Header));
  if (D->WriteError)
    return dumpError(D->Path, D->WriteError);
  return std::move(D);
}

void JITDump::write(const void *Bytes, size_t Size) {
  const char *P = static_cast<const char *>(Bytes);
  while (Size && !WriteError) {
    ssize_t N = ::write(FD, P, Size);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      WriteError = N < 0 ? errno : EIO;
      return;
    }
    P += N;
    Size -= size_t(N);
  }
}

void JITDump::writeRecordHeader(uint32_t Id, uint64_t TotalSize) {
  struct {
    uint32_t Id, TotalSize;
    uint64_t Timestamp;
  } H{Id, uint32_t(TotalSize), monotonicNanoseconds()};
  static_assert(sizeof(H) == RecordHeaderSize, "record headers are 16 bytes");
  write(&H, sizeof(H));
}

void JITDump::notifyLoaded(const BodyLabel &Label, const LoadedCode &Code) {
  if (FD < 0)
    return;
  if (!Label.File.empty()) {
    // One entry: the whole body maps to its definition's line.
    struct {
      uint64_t CodeAddr, Entries, Addr;
      uint32_t Line, Discrim;
    } D{Code.Address, 1, Code.Address, Label.Line, 0};
    writeRecordHeader(DebugInfo,
                      RecordHeaderSize + sizeof(D) + Label.File.size() + 1);
    write(&D, sizeof(D));
    write(Label.File.c_str(), Label.File.size() + 1);
  }
  std::string Name = Label.str();
  struct {
    uint32_t Pid, Tid;
    uint64_t Vma, CodeAddr, CodeSize, CodeIndex;
  } L{uint32_t(sys::Process::getProcessId()),
      uint32_t(::syscall(SYS_gettid)),
      Code.Address,
      Code.Address,
      Code.Bytes.size(),
      NextCodeIndex++};
  writeRecordHeader(CodeLoad, RecordHeaderSize + sizeof(L) + Name.size() + 1 +
                                  Code.Bytes.size());
  write(&L, sizeof(L));
  write(Name.c_str(), Name.size() + 1);
  write(Code.Bytes.data(), Code.Bytes.size());
}

Error JITDump::finish() {
  if (FD < 0)
    return Error::success();
  writeRecordHeader(Close, RecordHeaderSize);
  ::munmap(Mapped, MappedSize);
  if (::close(FD) != 0 && !WriteError)
    WriteError = errno;
  FD = -1;
  if (WriteError)
    return dumpError(Path, WriteError);
  return Error::success();
}

#else

Expected<std::unique_ptr<JITDump>> JITDump::create(StringRef) {
  return createStringError("jitdump files are for Linux perf: not supported "
                           "on this system");
}
void JITDump::write(const void *, size_t) {}
void JITDump::writeRecordHeader(uint32_t, uint64_t) {}
void JITDump::notifyLoaded(const BodyLabel &, const LoadedCode &) {}
Error JITDump::finish() { return Error::success(); }

#endif

JITDump::~JITDump() { consumeError(finish()); }
