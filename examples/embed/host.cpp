//===- host.cpp - A C++ program that embeds kaleido -----------------------===//
//
// Part of kaleido's examples: the smallest host worth reading. It defines
// Kaleidoscope functions, calls them through the guarded call() and through
// the raw pointer lookup() gives, runs an expression whose output it
// captures, and shows a compile error with its location.
//
// Build it against an installed kaleido (see CMakeLists.txt here, or
// `pkg-config --cflags --libs kaleido`).
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "llvm/Support/Error.h"

#include <cstdio>
#include <string>

int main() {
  kaleido::SessionOptions Options;
  // Diagnostics come here, located; the Error a call returns is a summary.
  Options.OnDiagnostic = [](const kaleido::Diagnostic &D) {
    std::fputs(D.format().c_str(), stderr);
  };
  // What the program prints with putchard/printd.
  std::string Printed;
  Options.OnOutput = [&Printed](llvm::StringRef Bytes) {
    Printed += Bytes.str();
  };
  auto S = kaleido::Session::create(std::move(Options));
  if (!S) {
    std::fprintf(stderr, "host: %s\n", llvm::toString(S.takeError()).c_str());
    return 1;
  }
  kaleido::Session &K = **S;

  if (llvm::Error E = K.run("def fib(x) if x < 3 then 1 else fib(x-1) + "
                            "fib(x-2);\n"
                            "def norm2(a b) a*a + b*b;\n",
                            "library.ks")) {
    std::fprintf(stderr, "host: %s\n", llvm::toString(std::move(E)).c_str());
    return 1;
  }

  // The guarded call: a runtime error would come back as an Error.
  llvm::Expected<double> Fib = K.call("fib", {20});
  if (!Fib) {
    std::fprintf(stderr, "host: %s\n", llvm::toString(Fib.takeError()).c_str());
    return 1;
  }
  std::printf("fib(20) = %g\n", *Fib);

  // The raw pointer: as fast as a C function, and unguarded (see lookup()).
  auto Norm2 = K.lookup<double(double, double)>("norm2");
  if (!Norm2) {
    std::fprintf(stderr, "host: %s\n",
                 llvm::toString(Norm2.takeError()).c_str());
    return 1;
  }
  std::printf("norm2(3, 4) = %g\n", (*Norm2)(3, 4));

  // A top-level expression runs at once; what it prints reaches OnOutput.
  if (llvm::Error E = K.run("extern printd(x); printd(fib(10))", "main.ks")) {
    std::fprintf(stderr, "host: %s\n", llvm::toString(std::move(E)).c_str());
    return 1;
  }
  std::printf("the program printed: %s", Printed.c_str());

  // A compile error: the diagnostic went to stderr, located in "bad.ks".
  llvm::Error Bad = K.run("def broken(x) x +;", "bad.ks");
  std::printf("bad.ks: %s\n", Bad ? "rejected" : "accepted");
  llvm::consumeError(std::move(Bad));
  return 0;
}
