//===- HostFunctions.cpp - Functions a host gives Kaleidoscope code -------===//
//
// Part of kaleido. See HostFunctions.h.
//
//===----------------------------------------------------------------------===//

#include "Runtime/HostFunctions.h"

#include "llvm/Support/Process.h"

#include <cstring>

using namespace kaleido;
using namespace kaleido::rt;
using llvm::sys::Memory;

/// Room for one thunk: movabs $ctx, %rdi (10 bytes), movabs $fn, %rax (10),
/// jmp *%rax (2), padded so each starts 32-byte aligned.
static constexpr size_t ThunkSize = 32;

HostFunctionTable::~HostFunctionTable() {
  for (llvm::sys::MemoryBlock &B : Pages)
    consumeError(llvm::errorCodeToError(Memory::releaseMappedMemory(B)));
}

bool HostFunctionTable::isSupported() {
#if defined(__x86_64__) && !defined(_WIN32)
  return true;
#else
  return false;
#endif
}

llvm::Expected<uint8_t *> HostFunctionTable::allocateThunk() {
  if (Pages.empty() ||
      UsedInLastPage + ThunkSize > Pages.back().allocatedSize()) {
    std::error_code EC;
    size_t Page = llvm::sys::Process::getPageSizeEstimate();
    llvm::sys::MemoryBlock B = Memory::allocateMappedMemory(
        Page, nullptr, Memory::MF_READ | Memory::MF_EXEC, EC);
    if (EC)
      return llvm::createStringError(
          EC, "cannot map memory for a host function's thunk");
    Pages.push_back(B);
    UsedInLastPage = 0;
  }
  uint8_t *At = static_cast<uint8_t *>(Pages.back().base()) + UsedInLastPage;
  UsedInLastPage += ThunkSize;
  return At;
}

llvm::Error HostFunctionTable::writeThunk(uint8_t *At, void *Fn, void *Context,
                                          bool PassContext) {
  uint8_t Code[ThunkSize];
  std::memset(Code, 0xCC, sizeof Code); // int3 after the jump.
  size_t N = 0;
  auto MovAbs = [&](uint8_t Reg, void *Imm) {
    Code[N++] = 0x48; // REX.W
    Code[N++] = 0xB8 + Reg;
    auto V = reinterpret_cast<uintptr_t>(Imm);
    std::memcpy(Code + N, &V, sizeof V);
    N += sizeof V;
  };
  if (PassContext)
    MovAbs(/*rdi=*/7, Context);
  MovAbs(/*rax=*/0, Fn);
  Code[N++] = 0xFF; // jmp *%rax
  Code[N++] = 0xE0;

  // The thunk's page is writable only while it is written (W^X).
  llvm::sys::MemoryBlock Page;
  for (llvm::sys::MemoryBlock &B : Pages) {
    auto *Base = static_cast<uint8_t *>(B.base());
    if (At >= Base && At < Base + B.allocatedSize())
      Page = B;
  }
  if (std::error_code EC =
          Memory::protectMappedMemory(Page, Memory::MF_READ | Memory::MF_WRITE))
    return llvm::createStringError(EC, "cannot write a host function's thunk");
  std::memcpy(At, Code, sizeof Code);
  if (std::error_code EC =
          Memory::protectMappedMemory(Page, Memory::MF_READ | Memory::MF_EXEC))
    return llvm::createStringError(EC, "cannot write a host function's thunk");
  Memory::InvalidateInstructionCache(At, sizeof Code);
  return llvm::Error::success();
}

llvm::Error HostFunctionTable::define(llvm::StringRef Name, unsigned Arity,
                                      void *Fn, void *Context,
                                      bool PassContext) {
  if (!isSupported())
    return llvm::createStringError(
        "host functions need an x86-64 System V host");
  Entry &E = Entries[Name];
  if (!E.Address) {
    auto At = allocateThunk();
    if (!At) {
      Entries.erase(Name);
      return At.takeError();
    }
    E.Address = *At;
  }
  E.Arity = Arity;
  return writeThunk(static_cast<uint8_t *>(E.Address), Fn, Context,
                    PassContext);
}

const HostFunctionTable::Entry *
HostFunctionTable::find(llvm::StringRef Name) const {
  auto It = Entries.find(Name);
  return It == Entries.end() ? nullptr : &It->second;
}
