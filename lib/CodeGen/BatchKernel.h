//===- BatchKernel.h - A loop that evaluates a function over rows -*- C++
//-*-===//
//
// Part of kaleido. PreparedCall::callBatch evaluates one function over
// arrays of arguments. Calling the function once per row from C++ would pay
// a call per row and see nothing across rows; instead the JIT compiles a
// *kernel*: a loop over the rows with the function's body copied in, which
// the optimiser may vectorise for the host CPU. IEEE arithmetic stays exact
// (nothing here sets a fast-math flag, so each lane computes what the scalar
// body would, bit for bit: vectorising independent rows reorders nothing
// within a row).
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_CODEGEN_BATCHKERNEL_H
#define KALEIDO_CODEGEN_BATCHKERNEL_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace kaleido {

/// What a kernel is, as the host calls it: for each row I in [Begin, End),
/// Out[I] = Body(Columns[0][I], ..., Columns[N-1][I]), rows in order.
using BatchKernelFn = void (*)(const double *const *Columns, double *Out,
                               uint64_t Begin, uint64_t End);

/// Emits into M the kernel named KernelName for Body, a function of M that
/// takes N doubles and returns a double (emitFunction's). Body becomes
/// internal and always-inline (the kernel is its only caller), and M is
/// marked as a kernel module, so that the optimiser copies the body into
/// the loop and vectorises (Optimizer::run).
llvm::Function *emitBatchKernel(llvm::Module &M, llvm::StringRef KernelName,
                                llvm::Function &Body);

/// Whether M holds a kernel (emitBatchKernel): the module flag the
/// optimiser reads.
bool isBatchKernelModule(const llvm::Module &M);

} // namespace kaleido

#endif // KALEIDO_CODEGEN_BATCHKERNEL_H
