//===- formula.cpp - Evaluate a formula, once or over a table -------------===//
//
// Part of kaleido's examples: a command built on Formula.h.
//
//   formula 'a*a + b' a=3 b=1          prints 10
//   formula 'a*a + b' --csv data.csv   data.csv's header names the variables
//                                      (a,b); prints one value per row,
//                                      evaluated in bulk
//
// With --csv and no file (or "-"), the table is read from standard input.
// Values print as the shortest decimal that reads back exactly ("0.1",
// "nan"). Exit codes as kaleido's: 64 usage, 65 a formula with an error, 70
// an error while evaluating, 74 a file that cannot be read or written.
//
//===----------------------------------------------------------------------===//

#include "Formula.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

enum Exit { OK = 0, Usage = 64, Compile = 65, Runtime = 70, IO = 74 };

int usage(const std::string &Why) {
  std::fprintf(stderr,
               "formula: error: %s\n"
               "usage: formula EXPR [NAME=VALUE...]\n"
               "       formula EXPR --csv [FILE]\n",
               Why.c_str());
  return Usage;
}

/// The exit code for an error from the engine; prints its summary unless
/// the diagnostics said it all.
int fail(llvm::Error E) {
  int Code = Runtime;
  llvm::handleAllErrors(
      std::move(E),
      [&](const kaleido::SessionError &SE) {
        switch (SE.getKind()) {
        case kaleido::ErrorKind::Compile:
          Code = Compile;
          return; // located diagnostics were printed
        case kaleido::ErrorKind::Usage:
          Code = usage(SE.getMessage());
          return;
        case kaleido::ErrorKind::Runtime:
        case kaleido::ErrorKind::Interrupted:
          Code = Runtime;
          return; // so were these
        default:
          std::fprintf(stderr, "formula: error: %s\n", SE.getMessage().c_str());
          Code = Runtime;
        }
      },
      [&](const llvm::ErrorInfoBase &EI) {
        std::fprintf(stderr, "formula: error: %s\n", EI.message().c_str());
      });
  return Code;
}

bool parseNumber(llvm::StringRef S, double &V) {
  S = S.trim();
  if (S.empty())
    return false;
  std::string Z = S.str();
  char *End = nullptr;
  errno = 0;
  V = std::strtod(Z.c_str(), &End);
  return End == Z.c_str() + Z.size();
}

int writeValues(llvm::ArrayRef<double> Values) {
  std::string Out;
  for (double V : Values) {
    Out += kaleido::formatValue(V);
    Out += '\n';
  }
  if (std::fwrite(Out.data(), 1, Out.size(), stdout) != Out.size() ||
      std::fflush(stdout) != 0) {
    std::fprintf(stderr, "formula: error: cannot write output: %s\n",
                 std::strerror(errno));
    return IO;
  }
  return OK;
}

int runOnce(formula::FormulaEngine &E, llvm::StringRef Text,
            llvm::ArrayRef<char *> Bindings) {
  std::vector<std::string> Names;
  std::vector<double> Values;
  for (llvm::StringRef B : Bindings) {
    auto [Name, Value] = B.split('=');
    double V;
    if (Name == B || !parseNumber(Value, V))
      return usage("'" + B.str() + "' is not NAME=NUMBER");
    Names.push_back(Name.str());
    Values.push_back(V);
  }
  auto F = E.compile(Text, Names);
  if (!F)
    return fail(F.takeError());
  auto V = F->evaluate(Values);
  if (!V)
    return fail(V.takeError());
  return writeValues({*V});
}

int runTable(formula::FormulaEngine &E, llvm::StringRef Text,
             llvm::StringRef Path) {
  auto Buf = Path == "-" ? llvm::MemoryBuffer::getSTDIN()
                         : llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    std::fprintf(stderr, "formula: error: cannot read '%s': %s\n",
                 Path.str().c_str(), Buf.getError().message().c_str());
    return IO;
  }
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n', -1, /*KeepEmpty=*/false);
  if (Lines.empty())
    return usage("'" + Path.str() + "' has no header line");
  std::vector<std::string> Names;
  llvm::SmallVector<llvm::StringRef, 8> Cells;
  Lines[0].rtrim('\r').split(Cells, ',');
  for (llvm::StringRef C : Cells)
    Names.push_back(C.trim().str());
  auto F = E.compile(Text, Names);
  if (!F)
    return fail(F.takeError());
  size_t Rows = Lines.size() - 1;
  std::vector<std::vector<double>> Columns(Names.size(),
                                           std::vector<double>(Rows));
  for (size_t I = 0; I < Rows; ++I) {
    Cells.clear();
    Lines[I + 1].rtrim('\r').split(Cells, ',');
    if (Cells.size() != Names.size()) {
      std::fprintf(stderr, "%s:%zu: error: %zu values for %zu variables\n",
                   Path.str().c_str(), I + 2, Cells.size(), Names.size());
      return Usage;
    }
    for (size_t J = 0; J < Names.size(); ++J)
      if (!parseNumber(Cells[J], Columns[J][I])) {
        std::fprintf(stderr, "%s:%zu: error: '%s' is not a number\n",
                     Path.str().c_str(), I + 2, Cells[J].str().c_str());
        return Usage;
      }
  }
  std::vector<const double *> Pointers;
  for (const auto &C : Columns)
    Pointers.push_back(C.data());
  std::vector<double> Out(Rows);
  if (llvm::Error Err = F->evaluateBulk(Pointers, Out.data(), Rows))
    return fail(std::move(Err));
  return writeValues(Out);
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc < 2)
    return usage("no formula");
  auto Engine =
      formula::FormulaEngine::create([](const kaleido::Diagnostic &D) {
        std::fputs(D.format().c_str(), stderr);
      });
  if (!Engine)
    return fail(Engine.takeError());
  llvm::ArrayRef<char *> Rest(Argv + 2, Argc - 2);
  if (!Rest.empty() && llvm::StringRef(Rest[0]) == "--csv") {
    if (Rest.size() > 2)
      return usage("--csv takes one file");
    return runTable(*Engine, Argv[1], Rest.size() == 2 ? Rest[1] : "-");
  }
  return runOnce(*Engine, Argv[1], Rest);
}
