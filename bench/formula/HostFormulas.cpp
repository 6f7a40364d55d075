//===- HostFormulas.cpp - The formula benchmark's C++ anchors -------------===//
//
// Part of kaleido's benchmark suite: the formulas of FormulaBench.cpp written
// in C++, as a host would write them, built with clang++-22 -O2 for the
// host's default target (no -march: the build does not know the machine it
// will run on) and -ffp-contract=off, so that their results have the bits
// kaleido's do. One function per formula, never inlined into its caller,
// and one loop over arrays per formula.
//
//===----------------------------------------------------------------------===//

#include "HostFormulas.h"

#include <cmath>

#define KALEIDO_NOINLINE __attribute__((noinline))

// Built twice: into the benchmark, and (as hostformulas_shared) into a
// shared library, as a function a host calls in a library loaded far from
// its own code, where kaleido's code is.
#ifndef KALEIDO_HOST_FORMULAS_NS
#define KALEIDO_HOST_FORMULAS_NS hostformulas
#endif

namespace KALEIDO_HOST_FORMULAS_NS {

KALEIDO_NOINLINE double linear(double A, double) {
  return (2.2 * A + 1.1) * 3.3;
}

KALEIDO_NOINLINE double poly(double A, double B) {
  return 1.1 * A * A + 2.2 * B * B * B;
}

KALEIDO_NOINLINE double trig(double A, double B) {
  return (A * A / std::sin(2 * 3.14159 / B)) - A / 2;
}

KALEIDO_NOINLINE void linearLoop(const double *A, const double *, double *Y,
                                 size_t N) {
  for (size_t I = 0; I < N; ++I)
    Y[I] = (2.2 * A[I] + 1.1) * 3.3;
}

KALEIDO_NOINLINE void polyLoop(const double *A, const double *B, double *Y,
                               size_t N) {
  for (size_t I = 0; I < N; ++I)
    Y[I] = 1.1 * A[I] * A[I] + 2.2 * B[I] * B[I] * B[I];
}

KALEIDO_NOINLINE void trigLoop(const double *A, const double *B, double *Y,
                               size_t N) {
  for (size_t I = 0; I < N; ++I)
    Y[I] = (A[I] * A[I] / std::sin(2 * 3.14159 / B[I])) - A[I] / 2;
}

} // namespace KALEIDO_HOST_FORMULAS_NS
