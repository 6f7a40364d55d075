//===- REPL.cpp - The kaleido command's interactive loop ------------------===//
//
// Part of kaleido. See REPL.h.
//
//===----------------------------------------------------------------------===//

#include "REPL.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace llvm;

namespace kaleido {
namespace driver {

const REPL::Command REPL::Commands[] = {
    {"help", "", "list these commands", &REPL::help},
    {"load", "FILE", "run FILE in this session", &REPL::load},
    {"undo", "", "take back the last input that changed a definition",
     &REPL::undo},
    {"reset", "", "start a fresh session: forget every definition",
     &REPL::reset},
    {"time", "EXPR",
     "run EXPR; its value, wall time and the compiles it caused", &REPL::time},
    {"ir", "NAME", "the IR of NAME's code, at the tier it runs", &REPL::ir},
    {"asm", "NAME", "the machine code of NAME, at the tier it runs",
     &REPL::assembly},
    {"funcs", "[name|calls|time|bytes]",
     "every function: state, tier, calls, compile time, code size",
     &REPL::funcs},
    {"stats", "", "the session's counters (as --stats-json writes them)",
     &REPL::stats},
    {"trace", "on|off", "print a line for each compile (--trace-compile)",
     &REPL::trace},
    {"quit", "", "leave (as Ctrl-D on an empty line does)", &REPL::quit},
};

/// The words of the language, for Tab.
static constexpr StringLiteral Keywords[] = {"def",    "extern", "if", "then",
                                             "else",   "for",    "in", "var",
                                             "binary", "unary"};

std::string historyPath() {
  if (const char *Path = std::getenv("KALEIDO_HISTORY"))
    return Path;
  const char *Home = std::getenv("HOME");
  if (!Home || !*Home)
    return "";
  SmallString<128> Path(Home);
  sys::path::append(Path, ".kaleido_history");
  return std::string(Path);
}

/// What LineEditor is given for "no history": it falls back to a file in
/// the user's home directory for an empty path, and saves to whatever path
/// it has, so it gets one that cannot be opened for reading or writing (a
/// file inside a file).
static std::string editorHistoryPath() {
  std::string Path = historyPath();
  return Path.empty() ? "/dev/null/kaleido-no-history" : Path;
}

REPL::REPL(std::unique_ptr<Session> &S, Output &Out, REPLHooks Hooks)
    : S(S), Out(Out), Hooks(std::move(Hooks)) {}

/// The next line of standard input without its newline, for input that is
/// not a terminal: read as it arrives, so that each input runs before the
/// next is there. std::nullopt at the end, or if a signal came meanwhile.
static std::optional<std::string> readPlainLine() {
  char *Buf = nullptr;
  size_t Cap = 0;
  ssize_t Len = ::getline(&Buf, &Cap, stdin);
  std::optional<std::string> Line;
  if (Len >= 0) {
    Line.emplace(Buf, size_t(Len));
    if (!Line->empty() && Line->back() == '\n')
      Line->pop_back();
  }
  std::free(Buf);
  clearerr(stdin); // After a signal, the next read tries again.
  return Line;
}

int REPL::run() {
  // Line editing, history and Tab only on a terminal; otherwise lines are
  // read as they come and nothing is printed but what the inputs print.
  std::optional<LineEditor> LE;
  if (sys::Process::StandardInIsUserInput()) {
    LE.emplace("kaleido", editorHistoryPath());
    LE->setListCompleter(
        [this](StringRef Line, size_t Pos) { return complete(Line, Pos); });
  }
  std::string Pending;
  for (;;) {
    std::optional<std::string> Line;
    GotInterrupt = 0;
    {
      // A signal at the prompt ends the wait for the line.
      InterruptibleReads Reads;
      if (LE) {
        LE->setPrompt(Pending.empty() ? "kaleido> " : "     ...> ");
        Line = LE->readLine();
      } else {
        Line = readPlainLine();
      }
    }
    if (GotTermination)
      return 128 + GotTermination;
    if (GotInterrupt) {
      // Ctrl-C drops the line and any unfinished item.
      Pending.clear();
      if (LE)
        outs() << '\n';
      if (!Out.flush(nullptr))
        return ExitIO;
      continue;
    }
    if (!Line)
      return Out.flush(nullptr) ? ExitOK : ExitIO; // LineEditor ends the line.
    Pending += *Line;
    Pending += '\n';
    bool IsCommand = StringRef(Pending).ltrim().starts_with(":");
    if (!IsCommand && S->needsMoreInput(Pending))
      continue;
    std::string Input = std::move(Pending);
    Pending.clear();
    Result R = runInput(Input);
    if (LE)
      LE->saveHistory(); // Now, so that a lost terminal loses none of it.
    if (R)
      return *R;
    if (!Out.flush(S.get()))
      return ExitIO;
    if (GotTermination)
      return 128 + GotTermination;
  }
}

REPL::Result REPL::runInput(StringRef Input) {
  BufferName = formatv("<repl:{0}>", ++Inputs).str();
  if (Input.ltrim().starts_with(":"))
    return runCommand(Input.trim());
  feed(Input, BufferName);
  return std::nullopt;
}

bool REPL::feed(StringRef Source, StringRef Name) {
  GotInterrupt = 0;
  Error Err = Hooks.Process(*S, Source, Name);
  bool OK = !Err;
  consumeError(std::move(Err)); // Reported; the session keeps going.
  if (S->timedOut())
    errs() << formatv("kaleido: note: stopped by --timeout={0}\n",
                      formatValue(Hooks.Timeout));
  return OK;
}

void REPL::commandError(const Twine &Message) const {
  outs().flush();
  errs() << BufferName << ":1:1: error: " << Message << '\n';
}

REPL::Result REPL::runCommand(StringRef Line) {
  auto [Word, Args] = Line.drop_front().split(' ');
  Args = Args.trim();
  for (const Command &C : Commands)
    if (C.Name == Word)
      return (this->*C.Run)(Args);
  commandError("unknown command ':" + Word + "'; :help lists the commands");
  return std::nullopt;
}

REPL::Result REPL::help(StringRef) {
  outs() << "Commands (a line that starts with ':'):\n";
  for (const Command &C : Commands) {
    std::string Usage =
        (Twine(":") + C.Name + (C.Args.empty() ? "" : " ") + C.Args).str();
    outs() << formatv("  {0,-16} {1}\n", Usage, C.Help);
  }
  outs() << "Anything else is Kaleidoscope: a definition, an extern or an "
            "expression to run.\nTab completes; Ctrl-C stops a running "
            "program or drops the line; Ctrl-D leaves.\n";
  return std::nullopt;
}

REPL::Result REPL::quit(StringRef) { return ExitOK; }

REPL::Result REPL::load(StringRef Args) {
  if (Args.empty()) {
    commandError(":load needs a file name");
    return std::nullopt;
  }
  auto Buf = MemoryBuffer::getFile(Args, /*IsText=*/true);
  if (!Buf) {
    commandError("cannot read '" + Args + "': " + Buf.getError().message());
    return std::nullopt;
  }
  feed((*Buf)->getBuffer(), Args);
  return std::nullopt;
}

REPL::Result REPL::time(StringRef Args) {
  if (Args.empty()) {
    commandError(":time needs an expression");
    return std::nullopt;
  }
  SessionStats Before = S->getStats();
  auto Start = std::chrono::steady_clock::now();
  if (!feed(Args, BufferName))
    return std::nullopt; // What went wrong was said; a time would mislead.
  std::chrono::duration<double, std::milli> Took =
      std::chrono::steady_clock::now() - Start;
  SessionStats After = S->getStats();
  uint64_t Compiled = After.FunctionsCompiled - Before.FunctionsCompiled;
  uint64_t Native = After.NativeCompiles - Before.NativeCompiles;
  uint64_t TierUps = After.TierUps - Before.TierUps;
  outs() << formatv("time: {0:f3} ms wall; compiled {1} function{2}",
                    Took.count(), Compiled, Compiled == 1 ? "" : "s");
  if (Native)
    outs() << formatv(" ({0} native baseline)", Native);
  outs() << formatv(", {0} tier-up{1}, {2:f3} ms compiling\n", TierUps,
                    TierUps == 1 ? "" : "s",
                    (After.CompileSeconds - Before.CompileSeconds) * 1000);
  return std::nullopt;
}

REPL::Result REPL::printCode(StringRef Name, EmitKind Kind) {
  if (Name.empty()) {
    commandError(Twine(Kind == EmitKind::LLVM ? ":ir" : ":asm") +
                 " needs a function's name");
    return std::nullopt;
  }
  std::string Text;
  raw_string_ostream OS(Text);
  if (Error Err = S->printFunction(Name, Kind, OS)) {
    commandError(toString(std::move(Err)));
    return std::nullopt;
  }
  outs() << Text;
  return std::nullopt;
}

REPL::Result REPL::ir(StringRef Args) {
  return printCode(Args, EmitKind::LLVM);
}

REPL::Result REPL::assembly(StringRef Args) {
  return printCode(Args, EmitKind::Asm);
}

REPL::Result REPL::undo(StringRef) {
  Expected<UndoneInput> U = S->undo();
  if (!U) {
    commandError(toString(U.takeError()));
    return std::nullopt;
  }
  outs() << "undid " << U->BufferName;
  if (!U->Restored.empty())
    outs() << "; restored " << join(U->Restored, ", ");
  if (!U->Removed.empty())
    outs() << "; removed " << join(U->Removed, ", ");
  outs() << '\n';
  return std::nullopt;
}

REPL::Result REPL::reset(StringRef) {
  auto Fresh = Hooks.NewSession();
  if (!Fresh) {
    commandError("cannot start a new session: " + toString(Fresh.takeError()));
    return std::nullopt;
  }
  InterruptTarget.store(Fresh->get());
  S->stopCompileThreads();
  // The profiles (--perf-map, ...) are the first session's: written now.
  if (Error Err = S->finishProfiling())
    commandError(toString(std::move(Err)));
  S = std::move(*Fresh);
  S->startCompileThreads();
  outs() << "a fresh session: no definitions\n";
  return std::nullopt;
}

/// A number for a :funcs column, or "-" when there is none.
static std::string cell(double V, bool Known, int Decimals = 0) {
  if (!Known)
    return "-";
  char Buf[32];
  std::snprintf(Buf, sizeof Buf, "%.*f", Decimals, V);
  return Buf;
}

REPL::Result REPL::funcs(StringRef Args) {
  std::vector<FunctionInfo> Fs = S->functions();
  // The column to sort by, largest first; ties (and "name") by name.
  std::function<double(const FunctionInfo &)> Key;
  if (Args == "calls")
    Key = [](const FunctionInfo &F) { return double(F.Calls.value_or(0)); };
  else if (Args == "time")
    Key = [](const FunctionInfo &F) {
      return F.BaselineSeconds + F.OptimizedSeconds;
    };
  else if (Args == "bytes")
    Key = [](const FunctionInfo &F) { return double(F.CodeBytes); };
  else if (!Args.empty() && Args != "name") {
    commandError("':funcs " + Args + "': sort by name, calls, time or bytes");
    return std::nullopt;
  }
  if (Key)
    llvm::sort(Fs, [&](const FunctionInfo &A, const FunctionInfo &B) {
      double KA = Key(A), KB = Key(B);
      return KA != KB ? KA > KB : A.Name < B.Name;
    });
  if (Fs.empty()) {
    outs() << "no functions yet\n";
    return std::nullopt;
  }
  outs() << formatv("{0,-16} {1,4}  {2,-16} {3,7} {4,8} {5,11} {6,12} {7,6}\n",
                    "name", "args", "state", "version", "calls", "baseline ms",
                    "optimised ms", "bytes");
  for (const FunctionInfo &F : Fs) {
    FunctionSummary Sum = summarize(F);
    outs() << formatv(
        "{0,-16} {1,4}  {2,-16} {3,7} {4,8} {5,11} {6,12} {7,6}\n", F.Name,
        F.Arity, Sum.Tier.empty() ? Sum.State : Sum.Tier,
        cell(F.Version, F.Version != 0),
        cell(F.Calls.value_or(0), F.Calls.has_value()),
        cell(F.BaselineSeconds * 1000, F.BaselineSeconds > 0, 3),
        cell(F.OptimizedSeconds * 1000, F.OptimizedSeconds > 0, 3),
        cell(F.CodeBytes, F.CodeBytes != 0));
  }
  return std::nullopt;
}

REPL::Result REPL::stats(StringRef) {
  for (const auto &[Key, Value] : statsFields(S->getStats()))
    outs() << formatv("  {0,-28} {1}\n", Key, Value);
  return std::nullopt;
}

REPL::Result REPL::trace(StringRef Args) {
  if (Args == "on" || Args == "off")
    *Hooks.Trace = Args == "on";
  else if (!Args.empty()) {
    commandError("':trace " + Args + "': say on or off");
    return std::nullopt;
  }
  outs() << "trace is " << (*Hooks.Trace ? "on" : "off") << '\n';
  return std::nullopt;
}

/// The word that ends at the end of Before, for Tab: a name, or an operator
/// function's ("binary|", "unary!").
static StringRef wordBefore(StringRef Before) {
  auto IsOperatorChar = [](char C) {
    return isPunct(C) && !StringRef("(),;:_").contains(C);
  };
  auto IsNameChar = [](char C) { return isAlnum(C) || C == '_'; };
  size_t End = Before.size();
  while (End > 0 && IsOperatorChar(Before[End - 1]))
    --End;
  size_t Start = End;
  while (Start > 0 && IsNameChar(Before[Start - 1]))
    --Start;
  while (Start < End && isDigit(Before[Start]))
    ++Start;
  StringRef Name = Before.slice(Start, End);
  if (End == Before.size())
    return Name;
  // Operator characters end the word only after "binary" or "unary".
  if (Name == "binary" || Name == "unary")
    return Before.drop_front(Start);
  return "";
}

std::vector<LineEditor::Completion> REPL::complete(StringRef Line,
                                                   size_t Pos) const {
  StringRef Before = Line.take_front(Pos);
  std::vector<LineEditor::Completion> Out;
  // What is typed for a candidate ends in Suffix when it is the only one:
  // a space after a keyword or a command that takes arguments.
  auto Offer = [&](StringRef Prefix, StringRef Candidate,
                   StringRef Suffix = "") {
    if (Candidate.starts_with(Prefix))
      Out.emplace_back((Candidate.drop_front(Prefix.size()) + Suffix).str(),
                       Candidate.str());
  };
  // A command: the line so far is ':' and a word.
  StringRef Trimmed = Before.ltrim();
  if (Trimmed.starts_with(":") && !Trimmed.contains(' ')) {
    for (const Command &C : Commands)
      Offer(Trimmed, (Twine(":") + C.Name).str(), C.Args.empty() ? "" : " ");
    return Out;
  }
  StringRef Prefix = wordBefore(Before);
  if (Prefix.empty())
    return Out;
  for (StringRef K : Keywords)
    Offer(Prefix, K, " ");
  for (const FunctionInfo &F : S->functions())
    if (!is_contained(Keywords, StringRef(F.Name)))
      Offer(Prefix, F.Name);
  return Out;
}

} // namespace driver
} // namespace kaleido
