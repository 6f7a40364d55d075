//===- HostFormulas.h - The formula benchmark's C++ anchors ------*- C++
//-*-===//
//
// Part of kaleido's benchmark suite (HostFormulas.cpp). Every formula takes
// (a, b); those of one variable ignore b.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_BENCH_HOSTFORMULAS_H
#define KALEIDO_BENCH_HOSTFORMULAS_H

#include <cstddef>

namespace hostformulas {

double linear(double A, double B);
double poly(double A, double B);
double trig(double A, double B);

void linearLoop(const double *A, const double *B, double *Y, size_t N);
void polyLoop(const double *A, const double *B, double *Y, size_t N);
void trigLoop(const double *A, const double *B, double *Y, size_t N);

} // namespace hostformulas

/// The same functions, built into a shared library (bench/CMakeLists.txt).
namespace hostformulas_shared {
double linear(double A, double B);
double poly(double A, double B);
double trig(double A, double B);
} // namespace hostformulas_shared

#endif // KALEIDO_BENCH_HOSTFORMULAS_H
