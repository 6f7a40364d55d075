//===- HostFunctions.h - Thunks for the host's functions --------*- C++ -*-===//
//
// Part of kaleido. The table of a session's host functions
// (Session::defineHostFunction). Each name gets a thunk of its own: a few
// bytes of machine code at a permanent address, which is what an `extern` of
// the name reaches. A thunk loads the host's context pointer (if the
// function takes one) and jumps to the function, so JIT'd code and the
// interpreter call a host function as they call any C function of doubles,
// and re-registering a name rewrites its thunk: code already compiled, and
// stubs already bound, reach the new function without being told.
//
// Why a thunk and not a stub of the JIT: the interpreter has no JIT, and a
// host function with a context needs a parameter Kaleidoscope code does not
// pass. On x86-64 System V a pointer argument goes in %rdi whatever the
// doubles do (they go in %xmm0-7, then the stack), so the thunk sets %rdi
// and jumps, leaving the doubles and the stack as the caller left them: any
// arity works and the call costs one extra jump. Other hosts have no thunks
// yet (define() fails there).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_RUNTIME_HOSTFUNCTIONS_H
#define KALEIDO_RUNTIME_HOSTFUNCTIONS_H

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Memory.h"

#include <vector>

namespace kaleido::rt {

class HostFunctionTable {
public:
  HostFunctionTable() = default;
  HostFunctionTable(const HostFunctionTable &) = delete;
  HostFunctionTable &operator=(const HostFunctionTable &) = delete;
  ~HostFunctionTable();

  /// Whether this host can have host functions (x86-64 System V).
  static bool isSupported();

  /// Makes Name reach Fn, a function of Arity doubles, preceded by Context
  /// if PassContext. Redefining Name rewrites its thunk (its address stays).
  /// The caller checks the name and the arity against the program; no code
  /// may be running in the thunk (the session's calls are not re-entrant).
  /// Fails if the host has no thunks or no executable memory is left.
  llvm::Error define(llvm::StringRef Name, unsigned Arity, void *Fn,
                     void *Context, bool PassContext);

  struct Entry {
    /// What Kaleidoscope code calls: the thunk.
    void *Address = nullptr;
    unsigned Arity = 0;
  };
  /// Name's entry, or null if the host never defined it.
  const Entry *find(llvm::StringRef Name) const;

private:
  /// Where the next thunk goes: the free space of the last page.
  llvm::Expected<uint8_t *> allocateThunk();
  /// Writes the thunk at At (a page of Pages, made writable meanwhile).
  llvm::Error writeThunk(uint8_t *At, void *Fn, void *Context,
                         bool PassContext);

  llvm::StringMap<Entry> Entries;
  std::vector<llvm::sys::MemoryBlock> Pages;
  size_t UsedInLastPage = 0;
};

} // namespace kaleido::rt

#endif // KALEIDO_RUNTIME_HOSTFUNCTIONS_H
