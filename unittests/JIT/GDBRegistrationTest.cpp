//===- GDBRegistrationTest.cpp - The GDB JIT interface's list -------------===//
//
// A GDBRegistration puts its object on the process's one descriptor
// (LLVM's __jit_debug_descriptor) and takes it off again, in any order,
// telling the debugger each time.
//
//===----------------------------------------------------------------------===//

#include "JIT/GDBRegistration.h"

#include "llvm/ExecutionEngine/Orc/TargetProcess/JITLoaderGDB.h"

#include "gtest/gtest.h"

#include <vector>

extern "C" {
// NOLINTNEXTLINE(readability-identifier-naming): the GDB JIT interface's.
extern jit_descriptor __jit_debug_descriptor;
}

using namespace kaleido;

namespace {

/// The objects on the list, first to last.
std::vector<const char *> listed() {
  std::vector<const char *> Objects;
  for (jit_code_entry *E = __jit_debug_descriptor.first_entry; E;
       E = E->next_entry)
    Objects.push_back(E->symfile_addr);
  return Objects;
}

TEST(GDBRegistrationTest, RegistersAndUnregisters) {
  std::vector<const char *> Before = listed();
  {
    GDBRegistration R(std::vector<char>{'a', 'b', 'c'});
    std::vector<const char *> Now = listed();
    ASSERT_EQ(Now.size(), Before.size() + 1);
    EXPECT_EQ(Now.front(), R.getObject().data());
    EXPECT_EQ(__jit_debug_descriptor.relevant_entry->symfile_size, 3u);
    EXPECT_EQ(__jit_debug_descriptor.action_flag, uint32_t(JIT_REGISTER_FN));
  }
  EXPECT_EQ(listed(), Before);
  EXPECT_EQ(__jit_debug_descriptor.action_flag, uint32_t(JIT_NOACTION));
}

TEST(GDBRegistrationTest, UnregistersInAnyOrder) {
  std::vector<const char *> Before = listed();
  auto A = std::make_unique<GDBRegistration>(std::vector<char>(8, 'a'));
  auto B = std::make_unique<GDBRegistration>(std::vector<char>(8, 'b'));
  auto C = std::make_unique<GDBRegistration>(std::vector<char>(8, 'c'));
  B.reset(); // the middle of the list
  std::vector<const char *> Now = listed();
  ASSERT_EQ(Now.size(), Before.size() + 2);
  EXPECT_EQ(Now[0], C->getObject().data());
  EXPECT_EQ(Now[1], A->getObject().data());
  C.reset(); // the head
  A.reset(); // the last
  EXPECT_EQ(listed(), Before);
}

} // namespace
