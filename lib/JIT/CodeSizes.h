//===- CodeSizes.h - How much machine code each body has ---------*- C++
//-*-===//
//
// Part of kaleido. The JIT reports the code size of every function's current
// body (Session::functions). Native baseline code knows its own size; code
// LLVM compiled is sized here, when JITLink has laid it out: a plugin of the
// ObjectLinkingLayer adds up the blocks of the graph's executable sections
// and files the sum under the symbols the link defines (one body per
// module), until the code is freed.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_CODESIZES_H
#define KALEIDO_JIT_CODESIZES_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kaleido {

class CodeSizes {
public:
  /// A plugin for one ObjectLinkingLayer. Several layers, of several ORC
  /// sessions (the compile threads' too), may file into one CodeSizes: a
  /// resource key is its tracker's address, so keys of live trackers never
  /// collide.
  std::unique_ptr<llvm::orc::ObjectLinkingLayer::Plugin> makePlugin();

  /// Bytes of executable code linked under Symbol and not freed; 0 if none.
  uint64_t get(llvm::StringRef Symbol) const;

private:
  class Plugin;
  void record(llvm::orc::ResourceKey K, std::vector<std::string> Symbols,
              uint64_t Bytes);
  void forget(llvm::orc::ResourceKey K);
  void transfer(llvm::orc::ResourceKey Dst, llvm::orc::ResourceKey Src);

  mutable std::mutex Mutex;
  llvm::StringMap<uint64_t> Bytes;
  /// The symbols each key's code was filed under.
  llvm::DenseMap<llvm::orc::ResourceKey, std::vector<std::string>> ByKey;
};

} // namespace kaleido

#endif // KALEIDO_JIT_CODESIZES_H
