//===- CacheKey.cpp - What a cached object depends on ---------------------===//
//
// Part of kaleido. See CacheKey.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CacheKey.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace kaleido;
using namespace llvm;

/// Bumped when what the key covers changes in a way the versions do not
/// show (a build of changed sources keeps its version number).
static constexpr unsigned KeySchema = 1;
static constexpr StringLiteral KeyMetadata = "kaleido.cache.key";

namespace {
/// Feeds what is printed into a hash, without keeping it.
class HashStream : public raw_ostream {
public:
  explicit HashStream(BLAKE3 &Hash) : Hash(Hash) {}
  ~HashStream() override { flush(); }

private:
  void write_impl(const char *Ptr, size_t Size) override {
    Hash.update(StringRef(Ptr, Size));
    Pos += Size;
  }
  uint64_t current_pos() const override { return Pos; }

  BLAKE3 &Hash;
  uint64_t Pos = 0;
};
} // namespace

std::string kaleido::describeCodeGen(const TargetMachine &TM) {
  return formatv("kaleido {0} key {1}; LLVM {2}; {3}; cpu {4}; features {5}; "
                 "code model {6}; reloc {7}",
                 KALEIDO_VERSION, KeySchema, LLVM_VERSION_STRING,
                 TM.getTargetTriple().str(), TM.getTargetCPU(),
                 TM.getTargetFeatureString(), unsigned(TM.getCodeModel()),
                 unsigned(TM.getRelocationModel()))
      .str();
}

CompileCache::Key kaleido::cacheKey(const Module &M, StringRef CodeGen, Tier T,
                                    unsigned OptLevel) {
  BLAKE3 Hash;
  Hash.update(CodeGen);
  Hash.update(formatv("; tier {0}; -O{1}\n",
                      T == Tier::Baseline ? "baseline" : "optimised",
                      T == Tier::Baseline ? 0 : OptLevel)
                  .str());
  {
    HashStream OS(Hash);
    M.print(OS, /*AAW=*/nullptr);
  }
  return Hash.final<32>();
}

void kaleido::setCacheKey(Module &M, const CompileCache::Key &K) {
  NamedMDNode *N = M.getOrInsertNamedMetadata(KeyMetadata);
  N->clearOperands();
  N->addOperand(
      MDNode::get(M.getContext(),
                  MDString::get(M.getContext(), toHex(ArrayRef<uint8_t>(K),
                                                      /*LowerCase=*/true))));
}

std::optional<CompileCache::Key> kaleido::getCacheKey(const Module &M) {
  const NamedMDNode *N = M.getNamedMetadata(KeyMetadata);
  if (!N || N->getNumOperands() != 1 || N->getOperand(0)->getNumOperands() != 1)
    return std::nullopt;
  auto *S = dyn_cast<MDString>(N->getOperand(0)->getOperand(0));
  if (!S)
    return std::nullopt;
  std::string Bytes;
  if (!tryGetFromHex(S->getString(), Bytes) ||
      Bytes.size() != CompileCache::Key().size())
    return std::nullopt;
  CompileCache::Key K;
  std::copy(Bytes.begin(), Bytes.end(), K.begin());
  return K;
}
