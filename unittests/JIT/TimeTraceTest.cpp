//===- TimeTraceTest.cpp - A compile timeline in Chrome's trace format ----===//
//
// LLVM's profiler is one per thread: each test runs its trace on a thread
// of its own, so no other test's spans can be in it.
//
//===----------------------------------------------------------------------===//

#include "JIT/TimeTrace.h"

#include "Support/TempDir.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/TimeProfiler.h"

#include "gtest/gtest.h"

#include <thread>

using namespace kaleido;
using namespace kaleido::test;
using namespace llvm;

namespace {

/// The complete ("X") events of the trace at Path: name, detail and tid.
struct Span {
  std::string Name, Detail;
  int64_t Tid = 0;
};
std::vector<Span> spans(const std::string &Text) {
  std::vector<Span> Out;
  Expected<json::Value> V = json::parse(Text);
  EXPECT_TRUE(bool(V)) << toString(V.takeError());
  if (!V)
    return Out;
  const json::Array *Events = V->getAsObject()->getArray("traceEvents");
  EXPECT_TRUE(Events);
  for (const json::Value &E : *Events) {
    const json::Object &O = *E.getAsObject();
    if (O.getString("ph") != "X")
      continue;
    Span S;
    S.Name = O.getString("name")->str();
    if (const json::Object *Args = O.getObject("args"))
      if (auto D = Args->getString("detail"))
        S.Detail = D->str();
    S.Tid = *O.getInteger("tid");
    Out.push_back(S);
  }
  return Out;
}

const Span *find(const std::vector<Span> &Spans, StringRef Name) {
  for (const Span &S : Spans)
    if (S.Name == Name)
      return &S;
  return nullptr;
}

TEST(TimeTraceTest, WritesTheSpansOfItsThread) {
  TempDir D;
  std::thread([&] {
    EXPECT_FALSE(TimeTrace::isActiveOnThisThread());
    auto T = cantFail(TimeTrace::start(D.file("t.json")));
    EXPECT_TRUE(TimeTrace::isActiveOnThisThread());
    {
      TimeTraceScope S("compile", "fib [O2]");
    }
    EXPECT_FALSE(bool(T->finish()));
    EXPECT_FALSE(TimeTrace::isActiveOnThisThread());
  }).join();
  std::vector<Span> Spans = spans(D.read("t.json"));
  const Span *S = find(Spans, "compile");
  ASSERT_TRUE(S);
  EXPECT_EQ(S->Detail, "fib [O2]");
}

TEST(TimeTraceTest, AnotherThreadThatEnteredHasATrackOfItsOwn) {
  TempDir D;
  std::thread([&] {
    auto T = cantFail(TimeTrace::start(D.file("t.json")));
    {
      TimeTraceScope S("expression", "<expr@1:1>");
    }
    std::thread([] {
      TimeTrace::enterThread();
      {
        TimeTraceScope S("compile", "f [O2]");
      }
      TimeTrace::leaveThread();
    }).join();
    EXPECT_FALSE(bool(T->finish()));
  }).join();
  std::vector<Span> Spans = spans(D.read("t.json"));
  const Span *E = find(Spans, "expression");
  const Span *C = find(Spans, "compile");
  ASSERT_TRUE(E && C);
  EXPECT_NE(E->Tid, C->Tid);
}

TEST(TimeTraceTest, AFileThatCannotBeOpenedIsAnErrorAndStartsNothing) {
  TempDir D;
  std::thread([&] {
    auto T = TimeTrace::start(D.file("no/dir/t.json"));
    ASSERT_FALSE(bool(T));
    EXPECT_NE(toString(T.takeError())
                  .find("cannot write time trace '" + D.file("no/dir/t.json")),
              std::string::npos);
    EXPECT_FALSE(TimeTrace::isActiveOnThisThread());
  }).join();
}

TEST(TimeTraceTest, FinishingTwiceIsHarmless) {
  TempDir D;
  std::thread([&] {
    auto T = cantFail(TimeTrace::start(D.file("t.json")));
    EXPECT_FALSE(bool(T->finish()));
    EXPECT_FALSE(bool(T->finish()));
  }).join();
  EXPECT_NE(D.read("t.json").find("traceEvents"), std::string::npos);
}

} // namespace
