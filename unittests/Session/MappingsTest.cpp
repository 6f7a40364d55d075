//===- MappingsTest.cpp - Compiled functions cost no memory mapping -------===//
//
// The kernel limits a process's mappings (vm.max_map_count, 65,530 by
// default), so code placement that costs a mapping per function puts a
// ceiling on how many functions a session can compile. Each test compiles
// N functions in one mode and counts the lines of /proc/self/maps before and
// after: code goes into shared chunks (CodeArena, ArenaMemoryManager), so the
// count grows by a few chunks, not by one or two per function as it did with
// JITLink's own pages.
//
//===----------------------------------------------------------------------===//

#include "kaleido/Session.h"

#include "gtest/gtest.h"

#include <fstream>
#include <string>

namespace {

/// The number of mappings of this process.
long countMappings() {
  std::ifstream Maps("/proc/self/maps");
  std::string Line;
  long N = 0;
  while (std::getline(Maps, Line))
    ++N;
  return N;
}

/// Definitions f<From>..f<To-1>, each called once.
std::string program(unsigned From, unsigned To) {
  std::string Src;
  for (unsigned I = From; I != To; ++I)
    Src += "def f" + std::to_string(I) + "(x) x + " + std::to_string(I) +
           "; f" + std::to_string(I) + "(1);\n";
  return Src;
}

/// How many mappings compiling N more functions adds, once a few have been
/// compiled (the first ones map the arena's chunk and LLVM's reservation).
long mappingsAddedBy(kaleido::SessionOptions O, unsigned N) {
  auto S = llvm::cantFail(kaleido::Session::create(std::move(O)));
  llvm::Error E = S->run(program(0, 8), "warm.ks");
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  long Before = countMappings();
  E = S->run(program(8, 8 + N), "many.ks");
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  return countMappings() - Before;
}

// 100 functions of LLVM's code took about 200 mappings before: a function
// compiled by LLVM needed one for its code and one for its constants.
constexpr unsigned N = 100;
constexpr long AtMost = 8;

TEST(MappingsTest, LLVMBaselineCodeSharesMappings) {
  kaleido::SessionOptions O;
  O.Baseline = kaleido::BaselineKind::LLVM;
  EXPECT_LE(mappingsAddedBy(std::move(O), N), AtMost);
}

TEST(MappingsTest, OptimisedCodeOnFirstCallSharesMappings) {
  kaleido::SessionOptions O;
  O.TierUpCalls = 0;
  O.OptLevel = 1;
  EXPECT_LE(mappingsAddedBy(std::move(O), N), AtMost);
}

TEST(MappingsTest, EagerCodeSharesMappings) {
  kaleido::SessionOptions O;
  O.Mode = kaleido::JITMode::Eager;
  O.OptLevel = 0;
  EXPECT_LE(mappingsAddedBy(std::move(O), N), AtMost);
}

TEST(MappingsTest, NativeBaselineCodeSharesMappings) {
  kaleido::SessionOptions O;
  O.Baseline = kaleido::DefaultBaseline;
  EXPECT_LE(mappingsAddedBy(std::move(O), N), AtMost);
}

} // namespace
