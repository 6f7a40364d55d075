//===- DebugInfo.cpp - DWARF metadata for one emitted function ------------===//
//
// Part of kaleido. See DebugInfo.h.
//
//===----------------------------------------------------------------------===//

#include "CodeGen/DebugInfo.h"

#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

using namespace kaleido;
using namespace llvm;

/// The module's compile unit, if an earlier function made one.
static DICompileUnit *existingUnit(Module &M) {
  auto Units = M.debug_compile_units();
  return Units.empty() ? nullptr : *Units.begin();
}

FunctionDebugInfo::FunctionDebugInfo(Function &Fn, const FunctionAST &F,
                                     const DebugSource &Source)
    : DIB(*Fn.getParent(), /*AllowUnresolved=*/false,
          existingUnit(*Fn.getParent())),
      Line(F.Proto.Loc.Line) {
  Module &M = *Fn.getParent();
  File = DIB.createFile(Source.File, Source.Directory);
  DICompileUnit *CU = existingUnit(M);
  if (!CU) {
    // DWARF 4: what gdb and the native tier's debug objects agree on.
    M.addModuleFlag(Module::Warning, "Dwarf Version", 4);
    M.addModuleFlag(Module::Warning, "Debug Info Version",
                    DEBUG_METADATA_VERSION);
    // There is no DWARF language code for Kaleidoscope; C's rules (every
    // value a double, functions by name) are what the debugger should use.
    CU = DIB.createCompileUnit(DISourceLanguageName(dwarf::DW_LANG_C), File,
                               "kaleido " KALEIDO_VERSION, Source.Optimized, "",
                               0);
  }
  Double = DIB.createBasicType("double", 64, dwarf::DW_ATE_float);
  SmallVector<Metadata *, 9> Types(F.Proto.Params.size() + 1, Double);
  DISubroutineType *Ty =
      DIB.createSubroutineType(DIB.getOrCreateTypeArray(Types));
  DISubprogram::DISPFlags Flags = DISubprogram::SPFlagDefinition;
  if (Source.Optimized)
    Flags |= DISubprogram::SPFlagOptimized;
  // No linkage name: gdb would name C functions by it (fib$2), and
  // `break fib` must find every body of fib.
  SP = DIB.createFunction(CU, F.Proto.Name, /*LinkageName=*/"", File, Line, Ty,
                          Line, DINode::FlagPrototyped, Flags);
  Fn.setSubprogram(SP);
  Scopes.push_back(SP);
}

FunctionDebugInfo::~FunctionDebugInfo() {
  DIB.finalizeSubprogram(SP);
  DIB.finalize();
}

DILocation *FunctionDebugInfo::at(SourceLocation Loc) const {
  LLVMContext &Ctx = SP->getContext();
  if (!Loc.isValid())
    return DILocation::get(Ctx, Line, 0, SP);
  return DILocation::get(Ctx, Loc.Line, Loc.Column, Scopes.back());
}

void FunctionDebugInfo::declare(AllocaInst *Slot, StringRef Name,
                                unsigned ArgNo, SourceLocation Loc,
                                Instruction *Before) {
  unsigned VarLine = Loc.isValid() ? Loc.Line : Line;
  DILocalVariable *Var =
      ArgNo ? DIB.createParameterVariable(Scopes.back(), Name, ArgNo, File,
                                          VarLine, Double,
                                          /*AlwaysPreserve=*/true)
            : DIB.createAutoVariable(Scopes.back(), Name, File, VarLine, Double,
                                     /*AlwaysPreserve=*/true);
  DIB.insertDeclare(Slot, Var, DIB.createExpression(), at(Loc),
                    Before->getIterator());
}

void FunctionDebugInfo::openScope(SourceLocation Loc) {
  Scopes.push_back(DIB.createLexicalBlock(
      Scopes.back(), File, Loc.isValid() ? Loc.Line : Line, Loc.Column));
}

void FunctionDebugInfo::closeScope() {
  assert(Scopes.size() > 1 && "closing the function's own scope");
  Scopes.pop_back();
}
