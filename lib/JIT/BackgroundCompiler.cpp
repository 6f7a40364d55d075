//===- BackgroundCompiler.cpp - Tier-ups on compile threads ---------------===//
//
// Part of kaleido. See BackgroundCompiler.h.
//
//===----------------------------------------------------------------------===//

#include "JIT/BackgroundCompiler.h"

#include "JIT/CodeListener.h"
#include "JIT/CodeSizes.h"
#include "JIT/TimeTrace.h"
#include "JIT/TracedLinkingLayer.h"

#include "CodeGen/Optimizer.h"
#include "JIT/BodyUnit.h"
#include "JIT/HostGenerator.h"
#include "JIT/HostTarget.h"
#include "JIT/KaleidoJIT.h"
#include "JIT/ObjectCompiler.h"
#include "JIT/StubTable.h"
#include "JIT/VerifyTransform.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Target/TargetMachine.h"

#include <algorithm>
#include <atomic>
#include <chrono>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

struct BackgroundCompiler::Session {
  std::unique_ptr<ExecutionSession> ES;
  std::unique_ptr<TracedLinkingLayer> Link;
  JITDylib *JD = nullptr;
  /// Jobs since the string pool's dead entries were last dropped: every job
  /// interns its body's symbol, which dies with the code (a redefinition or
  /// the session's end), and the pool keeps a dead entry until cleared.
  std::atomic<unsigned> Interned{0};
};

/// Jobs between two sweeps of the compile threads' string pool: a sweep
/// walks the pool (the names the code links against, and the dead), so
/// each job pays a small constant for it.
static constexpr unsigned JobsPerPoolSweep = 1024;

/// A compile thread's optimised tier: the same pipeline as the JIT's own
/// optimised tier, all this thread's.
struct BackgroundCompiler::Tier {
  Tier(ExecutionSession &ES, ObjectLinkingLayer &ObjLayer,
       std::unique_ptr<TargetMachine> TheTM,
       std::unique_ptr<ObjectCompiler> Compiler, unsigned OptLevel)
      : TM(std::move(TheTM)), CompileLayer(ES, ObjLayer, std::move(Compiler)),
        OptLayer(ES, CompileLayer), Opt(OptLevel, TM.get()),
        Ctx(ES, ThreadSafeContext(std::make_unique<LLVMContext>()),
            TM->createDataLayout(), TM->getTargetTriple()) {
    OptLayer.setTransform(verifyThen([this](Module &M) { Opt.run(M); }));
    Ctx.OptLevel = OptLevel;
    Ctx.Tiers.set(kaleido::Tier::Optimized, /*Counted=*/false,
                  [this]() -> Expected<IRLayer &> { return OptLayer; });
    // Only this thread compiles in this tier: what its last compile was.
    Ctx.OnCompiled = [this](const CompileInfo &C) { LastCached = C.Cached; };
  }

  std::unique_ptr<TargetMachine> TM;
  IRCompileLayer CompileLayer;
  IRTransformLayer OptLayer;
  Optimizer Opt;
  /// Its units carry their own IR generator; the JIT reports them on the
  /// program's thread, so OnCompiled only notes LastCached.
  BodyContext Ctx;
  bool LastCached = false;
};

BackgroundCompiler::BackgroundCompiler(Options O)
    : Opts(std::move(O)), Queue(std::max(Opts.Threads, 1u)),
      Tiers(Queue.getNumThreads()) {
  if (Opts.TimeTrace)
    Queue.setThreadHooks(
        {[] { TimeTrace::enterThread(); }, [] { TimeTrace::leaveThread(); }});
}

BackgroundCompiler::~BackgroundCompiler() {
  stop();
  // The tiers hold layers of the session: they go first.
  Tiers.clear();
  if (S)
    if (Error Err = S->ES->endSession())
      consumeError(std::move(Err)); // No one is left to tell.
}

void BackgroundCompiler::post(FunctionState &F, BodyUnit::Info I,
                              std::string Symbol, IRGenerator Gen) {
  BackgroundResult R;
  R.F = &F;
  R.Version = I.Version;
  {
    std::lock_guard<std::mutex> Lock(FinishedMutex);
    ++C.Posted;
  }
  Queue.post([this, R = std::move(R), I = std::move(I),
              Symbol = std::move(Symbol),
              Gen = std::move(Gen)](unsigned Worker, double Queued) mutable {
    R.QueueSeconds = Queued;
    compile(Worker, std::move(R), std::move(I), std::move(Symbol),
            std::move(Gen));
  });
}

void BackgroundCompiler::take(std::vector<BackgroundResult> &Results,
                              std::vector<std::string> &Taken) {
  std::lock_guard<std::mutex> Lock(FinishedMutex);
  for (BackgroundResult &R : Finished)
    Results.push_back(std::move(R));
  for (std::string &Msg : Reports)
    Taken.push_back(std::move(Msg));
  Finished.clear();
  Reports.clear();
  HasFinished = false;
}

BackgroundCompiler::Counts BackgroundCompiler::getCounts() const {
  std::lock_guard<std::mutex> Lock(FinishedMutex);
  Counts Now = C;
  Now.Dropped = Queue.getDropped();
  return Now;
}

void BackgroundCompiler::report(Error Err) {
  std::string Msg =
      Opts.Describe ? Opts.Describe(std::move(Err)) : toString(std::move(Err));
  std::lock_guard<std::mutex> Lock(FinishedMutex);
  Reports.push_back(std::move(Msg));
  HasFinished = true;
}

Expected<BackgroundCompiler::Session &> BackgroundCompiler::session() {
  std::lock_guard<std::mutex> Lock(SessionMutex);
  if (S)
    return *S;
  auto ES = createInProcessSession(Opts.Arena);
  if (!ES)
    return ES.takeError();
  auto New = std::make_unique<Session>();
  New->ES = std::move(*ES);
  New->ES->setErrorReporter([this](Error Err) { report(std::move(Err)); });
  New->Link = std::make_unique<TracedLinkingLayer>(*New->ES);
  if (Opts.Sizes)
    New->Link->addPlugin(Opts.Sizes->makePlugin());
  if (Opts.Listeners)
    New->Link->addPlugin(Opts.Listeners->makePlugin());
  New->JD = &New->ES->createBareJITDylib("<compiled>");
  New->JD->addGenerator(std::make_unique<HostGenerator>(
      [this](StringRef Name, std::optional<unsigned>) -> Expected<void *> {
        if (std::optional<ExecutorAddr> W = Opts.Table->findVersionWord(Name))
          return W->toPtr<void *>();
        if (Opts.Table->find(Name)) {
          auto Stub = Opts.Table->getStub(Name);
          if (!Stub)
            return Stub.takeError();
          return Stub->toPtr<void *>();
        }
        if (!Opts.ResolveHost)
          return nullptr;
        return Opts.ResolveHost(Name, std::nullopt);
      },
      [](const SymbolStringPtr &) { return std::nullopt; }));
  if (Opts.PollWord)
    if (Error Err = New->JD->define(
            absoluteSymbols({{New->ES->intern(KaleidoJIT::getPollWordSymbol()),
                              {ExecutorAddr::fromPtr(Opts.PollWord),
                               JITSymbolFlags::Exported}}})))
      return std::move(Err);
  S = std::move(New);
  return *S;
}

Expected<BackgroundCompiler::Tier &> BackgroundCompiler::tier(unsigned Worker) {
  std::unique_ptr<Tier> &T = Tiers[Worker];
  if (T)
    return *T;
  Expected<Session &> Sess = session();
  if (!Sess)
    return Sess.takeError();
  auto JTMB = hostMachineBuilder(Opts.OptLevel);
  if (!JTMB)
    return JTMB.takeError();
  auto TM = JTMB->createTargetMachine();
  if (!TM)
    return TM.takeError();
  auto Compiler = ObjectCompiler::create(**TM, Opts.Cache);
  if (!Compiler)
    return Compiler.takeError();
  T = std::make_unique<Tier>(*Sess->ES, *Sess->Link, std::move(*TM),
                             std::move(*Compiler), Opts.OptLevel);
  T->Ctx.Listeners = Opts.Listeners;
  T->Ctx.useCache(Opts.Cache, *Sess->Link, *T->TM);
  return *T;
}

void BackgroundCompiler::compile(unsigned Worker, BackgroundResult R,
                                 BodyUnit::Info I, std::string Symbol,
                                 IRGenerator Gen) {
  auto Start = std::chrono::steady_clock::now();
  // R.F lives as long as the table; of its fields only the ones the table
  // guards are read here, through the table.
  Error Err = [&]() -> Error {
    Expected<Tier &> T = tier(Worker);
    if (!T)
      return T.takeError();
    JITDylib &JD = *S->JD;
    R.RT = JD.createResourceTracker();
    I.T = kaleido::Tier::Optimized;
    I.TierUp = true;
    if (S->Interned.fetch_add(1) + 1 >= JobsPerPoolSweep) {
      S->Interned = 0;
      S->ES->getSymbolStringPool()->clearDeadEntries();
    }
    SymbolStringPtr Sym = S->ES->intern(Symbol);
    if (Error Err = JD.define(std::make_unique<BodyUnit>(
                                  T->Ctx, Sym, std::move(Gen), std::move(I)),
                              R.RT))
      return Err;
    T->LastCached = false;
    auto Body = S->ES->lookup({&JD}, Sym);
    if (!Body)
      return Body.takeError();
    R.Cached = T->LastCached;
    Expected<bool> Redirected =
        Opts.Table->redirectIfCurrent(*R.F, R.Version, Body->getAddress());
    if (!Redirected)
      return Redirected.takeError();
    R.Installed = *Redirected;
    return Error::success();
  }();
  std::chrono::duration<double> Took = std::chrono::steady_clock::now() - Start;
  R.Seconds = Took.count();
  if (Err) {
    // A compile that failed in a layer was reported there; what the lookup
    // then says only repeats it. Anything else is reported here.
    R.Failed = true;
    handleAllErrors(
        std::move(Err), [](const FailedToMaterialize &) {},
        [this](ErrorInfoBase &EIB) {
          report(
              make_error<StringError>(EIB.message(), inconvertibleErrorCode()));
        });
  }
  std::lock_guard<std::mutex> Lock(FinishedMutex);
  C.QueueSeconds += R.QueueSeconds;
  C.MaxQueueSeconds = std::max(C.MaxQueueSeconds, R.QueueSeconds);
  C.Installed += R.Installed;
  C.Failed += R.Failed;
  Finished.push_back(std::move(R));
  HasFinished = true;
}
