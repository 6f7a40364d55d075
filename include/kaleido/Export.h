//===- kaleido/Export.h - What the shared library exports -----*- C++ -*-===//
//
// Part of kaleido. Public API.
//
// The library is built with hidden visibility: of libkaleido.so only what is
// marked KALEIDO_API can be linked against, so the stages behind the API
// can change without breaking a host, and their symbols cannot clash with
// the host's. The static libraries are unaffected.
//
//===----------------------------------------------------------------------===//

#ifndef KALEIDO_EXPORT_H
#define KALEIDO_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define KALEIDO_API __attribute__((visibility("default")))
#else
#define KALEIDO_API
#endif

#endif // KALEIDO_EXPORT_H
