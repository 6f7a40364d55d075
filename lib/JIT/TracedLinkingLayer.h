//===- TracedLinkingLayer.h - Linking, in a time trace ----------*- C++ -*-===//
//
// Part of kaleido. An ObjectLinkingLayer whose links show in a time trace
// (TimeTrace.h) as "linking" spans. In process, a link runs to its end
// inside emit() (lookups and memory are answered at once), so a scope
// around emit() covers it. Costs a thread-local load when not tracing.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_JIT_TRACEDLINKINGLAYER_H
#define KALEIDO_JIT_TRACEDLINKINGLAYER_H

#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TimeProfiler.h"

namespace kaleido {

class TracedLinkingLayer : public llvm::orc::ObjectLinkingLayer {
public:
  using ObjectLinkingLayer::emit;
  using ObjectLinkingLayer::ObjectLinkingLayer;

  /// Links O in a "linking" span, detail the object's name.
  void emit(std::unique_ptr<llvm::orc::MaterializationResponsibility> R,
            std::unique_ptr<llvm::MemoryBuffer> O) override {
    llvm::TimeTraceScope Scope("linking", O->getBufferIdentifier());
    ObjectLinkingLayer::emit(std::move(R), std::move(O));
  }
};

} // namespace kaleido

#endif // KALEIDO_JIT_TRACEDLINKINGLAYER_H
