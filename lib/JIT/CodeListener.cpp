//===- CodeListener.cpp - Who is told when a body becomes runnable --------===//
//
// Part of kaleido. See CodeListener.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/CodeListener.h"

#include "llvm/ExecutionEngine/JITLink/JITLink.h"
#include "llvm/Support/FormatVariadic.h"

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

CodeListener::~CodeListener() = default;

std::string BodyLabel::str() const {
  std::string S = Name;
  if (Version > 1)
    S += formatv("#{0}", Version).str();
  switch (Kind) {
  case CodeKind::Native:
    return S + " [native]";
  case CodeKind::Baseline:
    return S + " [baseline]";
  case CodeKind::Optimized:
    return S + formatv(" [O{0}]", OptLevel).str();
  case CodeKind::Stub:
    return S + " [stub]";
  }
  return S;
}

/// After fixup (final addresses, final bytes), tells the listeners about
/// each expected symbol the graph defines.
class CodeListeners::Plugin : public ObjectLinkingLayer::Plugin {
public:
  explicit Plugin(CodeListeners &Owner) : Owner(Owner) {}

  void modifyPassConfig(MaterializationResponsibility &, jitlink::LinkGraph &,
                        jitlink::PassConfiguration &Config) override {
    Config.PostFixupPasses.push_back([this](jitlink::LinkGraph &G) -> Error {
      for (jitlink::Symbol *Sym : G.defined_symbols()) {
        if (!Sym->hasName() || !Sym->isCallable())
          continue;
        BodyLabel Label;
        if (!Owner.take(*Sym->getName(), Label))
          continue;
        jitlink::Block &B = Sym->getBlock();
        uint64_t Size =
            Sym->getSize() ? Sym->getSize() : B.getSize() - Sym->getOffset();
        ArrayRef<char> Content = B.getContent();
        ArrayRef<uint8_t> Bytes;
        if (!B.isZeroFill() && Sym->getOffset() + Size <= Content.size())
          Bytes = ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(
                                        Content.data() + Sym->getOffset()),
                                    Size);
        Owner.notifyLoaded(Label, {Sym->getAddress().getValue(), Size, Bytes});
      }
      return Error::success();
    });
  }

  Error notifyFailed(MaterializationResponsibility &) override {
    return Error::success();
  }
  Error notifyRemovingResources(JITDylib &, ResourceKey) override {
    return Error::success();
  }
  void notifyTransferringResources(JITDylib &, ResourceKey,
                                   ResourceKey) override {}

private:
  CodeListeners &Owner;
};

CodeListeners::CodeListeners() = default;
CodeListeners::~CodeListeners() = default;

void CodeListeners::add(std::unique_ptr<CodeListener> L) {
  std::lock_guard<std::mutex> Lock(Mutex);
  Listeners.push_back(std::move(L));
}

bool CodeListeners::empty() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Listeners.empty();
}

void CodeListeners::notifyLoaded(const BodyLabel &Label,
                                 const LoadedCode &Code) {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (Finished)
    return;
  for (auto &L : Listeners)
    L->notifyLoaded(Label, Code);
}

void CodeListeners::expect(StringRef Symbol, BodyLabel Label) {
  std::lock_guard<std::mutex> Lock(Mutex);
  Expected[Symbol] = std::move(Label);
}

bool CodeListeners::take(StringRef Symbol, BodyLabel &Label) {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Expected.find(Symbol);
  if (It == Expected.end())
    return false;
  Label = std::move(It->second);
  Expected.erase(It);
  return true;
}

std::unique_ptr<ObjectLinkingLayer::Plugin> CodeListeners::makePlugin() {
  return std::make_unique<Plugin>(*this);
}

Error CodeListeners::finish() {
  std::lock_guard<std::mutex> Lock(Mutex);
  Error Err = Error::success();
  if (Finished)
    return Err;
  Finished = true;
  for (auto &L : Listeners)
    Err = joinErrors(std::move(Err), L->finish());
  return Err;
}
