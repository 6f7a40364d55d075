//===- KaleidoJITThreads.cpp - The JIT's side of its compile threads ------===//
//
// Part of kaleido. Posting a tier-up to the compile threads, and installing
// on the program's thread what they finished (see KaleidoJIT.h, "Threads").
//
//===----------------------------------------------------------------------===//

#include "JIT/KaleidoJIT.h"
#include "JIT/KaleidoJITLayers.h"

#include "JIT/BackgroundCompiler.h"
#include "JIT/BodyUnit.h"
#include "JIT/RetiredCode.h"
#include "JIT/StubTable.h"

#include <string>
#include <vector>

using namespace kaleido;
using namespace llvm;
using namespace llvm::orc;

void KaleidoJIT::initCompileThreads() {
  if (!Opts.CompileThreads)
    return;
  BackgroundCompiler::Options BO;
  BO.Threads = Opts.CompileThreads;
  BO.OptLevel = Opts.OptLevel;
  BO.Table = L->Table.get();
  BO.Sizes = &L->Sizes;
  BO.Arena = &L->Arena;
  BO.Listeners = Opts.Listeners;
  BO.TimeTrace = Opts.TimeTrace;
  BO.ResolveHost = Opts.ResolveHostSymbol;
  BO.PollWord = Opts.PollWord;
  BO.Cache = Opts.Cache;
  BO.Describe = [this](Error Err) { return describeFailure(std::move(Err)); };
  L->Background = std::make_unique<BackgroundCompiler>(std::move(BO));
}

bool KaleidoJIT::postTierUp(FunctionState &F) {
  Expected<IRGenerator> Gen = Opts.Bodies->captureIR(F.Name);
  if (!Gen) {
    // Not supported by this source: compile here, as without threads.
    consumeError(Gen.takeError());
    return false;
  }
  BodyUnit::Info I;
  I.Name = F.Name.str();
  I.IsFunction = true;
  describeBody(F, I);
  L->Background->post(F, std::move(I),
                      (*L->Table->getBodySymbol(F, /*Recompile=*/true)).str(),
                      std::move(*Gen));
  return true;
}

void KaleidoJIT::installFinished() {
  if (!L->Background || !L->Background->hasFinished())
    return;
  std::vector<BackgroundResult> Done;
  std::vector<std::string> Errors;
  L->Background->take(Done, Errors);
  if (Opts.OnError)
    for (std::string &Msg : Errors)
      Opts.OnError(std::move(Msg));
  for (BackgroundResult &R : Done) {
    FunctionState &F = *R.F;
    // A compile that did not fail is told, installed or not: its time was
    // spent.
    if (!R.Failed && Opts.OnCompiled)
      Opts.OnCompiled({F.Name, /*IsFunction=*/true, Opts.OptLevel,
                       /*TierUp=*/true, R.Seconds, /*Native=*/false,
                       /*Background=*/true, R.QueueSeconds, R.Cached});
    if (!R.Installed || F.Version != R.Version) {
      // Failed, or F was redefined while it compiled (or since): nothing
      // reaches this code, or nothing will once the frames above us return.
      if (R.RT)
        L->Retired.retire(std::move(R.RT));
      continue;
    }
    // The stub reaches the new code; the baseline code may still be running
    // below us, so it is freed at the next top level.
    retireBody(F);
    F.BodyRT = std::move(R.RT);
  }
}

void KaleidoJIT::waitForCompiles() {
  if (L->Background)
    L->Background->waitUntilIdle();
  installFinished();
}

void KaleidoJIT::startCompileThreads() {
  if (L->Background)
    L->Background->start();
}

void KaleidoJIT::stopCompileThreads() {
  if (!L->Background)
    return;
  // Stopped, not destroyed: installed code lives in its session.
  L->Background->stop();
  installFinished();
}
