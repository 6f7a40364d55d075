//===- CodeSizes.cpp - How much machine code each body has ----------------===//
//
// Part of kaleido. See CodeSizes.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CodeSizes.h"

#include "llvm/ExecutionEngine/JITLink/JITLink.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

class CodeSizes::Plugin : public ObjectLinkingLayer::Plugin {
public:
  explicit Plugin(CodeSizes &Owner) : Owner(Owner) {}

  void modifyPassConfig(MaterializationResponsibility &MR, jitlink::LinkGraph &,
                        jitlink::PassConfiguration &Config) override {
    // After allocation the blocks have their final sizes (stubs and GOT
    // entries JITLink added included).
    Config.PostAllocationPasses.push_back(
        [this, &MR](jitlink::LinkGraph &G) -> Error {
          uint64_t N = 0;
          for (jitlink::Section &Sec : G.sections())
            if ((Sec.getMemProt() & MemProt::Exec) != MemProt::None)
              for (jitlink::Block *B : Sec.blocks())
                N += B->getSize();
          std::vector<std::string> Names;
          for (const auto &[Sym, Flags] : MR.getSymbols())
            Names.push_back((*Sym).str());
          return MR.withResourceKeyDo(
              [&](ResourceKey K) { Owner.record(K, std::move(Names), N); });
        });
  }

  Error notifyFailed(MaterializationResponsibility &) override {
    return Error::success();
  }
  Error notifyRemovingResources(JITDylib &, ResourceKey K) override {
    Owner.forget(K);
    return Error::success();
  }
  void notifyTransferringResources(JITDylib &, ResourceKey Dst,
                                   ResourceKey Src) override {
    Owner.transfer(Dst, Src);
  }

private:
  CodeSizes &Owner;
};

std::unique_ptr<ObjectLinkingLayer::Plugin> CodeSizes::makePlugin() {
  return std::make_unique<Plugin>(*this);
}

uint64_t CodeSizes::get(StringRef Symbol) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Bytes.find(Symbol);
  return It == Bytes.end() ? 0 : It->second;
}

void CodeSizes::record(ResourceKey K, std::vector<std::string> Symbols,
                       uint64_t N) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<std::string> &Held = ByKey[K];
  for (std::string &S : Symbols) {
    Bytes[S] = N;
    Held.push_back(std::move(S));
  }
}

void CodeSizes::forget(ResourceKey K) {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = ByKey.find(K);
  if (It == ByKey.end())
    return;
  for (const std::string &S : It->second)
    Bytes.erase(S);
  ByKey.erase(It);
}

void CodeSizes::transfer(ResourceKey Dst, ResourceKey Src) {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = ByKey.find(Src);
  if (It == ByKey.end())
    return;
  std::vector<std::string> Moved = std::move(It->second);
  ByKey.erase(It);
  std::vector<std::string> &Held = ByKey[Dst];
  Held.insert(Held.end(), std::make_move_iterator(Moved.begin()),
              std::make_move_iterator(Moved.end()));
}
