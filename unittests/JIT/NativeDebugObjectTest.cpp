//===- NativeDebugObjectTest.cpp - DWARF for native baseline code ---------===//
//
// The object buildNativeDebugObject writes is read back with LLVM's own
// ELF and DWARF readers, as a debugger would: the function's symbol and
// subprogram at the code's address, its line table, its parameters and
// variables at their frame offsets, and the unwind rows of its frame.
//
//===----------------------------------------------------------------------===//

#include "JIT/NativeDebugObject.h"
#include "Support/ParseHelpers.h"

#include "llvm/DebugInfo/DWARF/DWARFCompileUnit.h"
#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/DebugInfo/DWARF/DWARFDebugFrame.h"
#include "llvm/DebugInfo/DWARF/DWARFDebugLine.h"
#include "llvm/DebugInfo/DWARF/DWARFDie.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

using namespace kaleido;
using namespace llvm;

namespace {

constexpr uint64_t Address = 0x7f0000001000;

/// The native code and debug object of Name in Src.
struct Described {
  test::Program P;
  std::vector<uint8_t> Code;
  NativeDebugMap Map;
  std::vector<char> Object;
  std::unique_ptr<object::ObjectFile> Obj;
  std::unique_ptr<DWARFContext> DWARF;

  Described(StringRef Src, StringRef Name) {
    test::load(P, Src);
    EXPECT_TRUE(P.Errors.empty()) << P.Errors.front();
    NativeEmitOptions Opts;
    Opts.Debug = &Map;
    auto Callee = [](StringRef) -> Expected<uint64_t> { return 0x1234; };
    Opts.CalleeAddress = Callee;
    Code = cantFail(emitNative(*P.body(Name), Opts));
    NativeDebugSubject What{Name,    "prog.ks",
                            "/src",  P.body(Name)->Proto.Loc.Line,
                            Address, Code.size()};
    Object = buildNativeDebugObject(What, Map);
    auto O = object::ObjectFile::createObjectFile(
        MemoryBufferRef(StringRef(Object.data(), Object.size()), "obj"));
    if (!O) {
      ADD_FAILURE() << toString(O.takeError());
      return;
    }
    Obj = std::move(*O);
    DWARF = DWARFContext::create(*Obj);
  }

  DWARFUnit *unit() const {
    auto Units = DWARF->compile_units();
    return Units.empty() ? nullptr : Units.begin()->get();
  }

  DWARFDie subprogram() const {
    DWARFUnit *CU = unit();
    if (!CU)
      return {};
    for (DWARFDie D : CU->getUnitDIE(/*ExtractUnitDIEOnly=*/false).children())
      if (D.getTag() == dwarf::DW_TAG_subprogram)
        return D;
    return {};
  }
};

const char *Src = "extern g(x);\n"
                  "def f(a b)\n  var t = a * 2 in\n    t + g(b);";

TEST(NativeDebugObjectTest, IsARelocatableX86ObjectWithTheFunctionsSymbol) {
  Described D(Src, "f");
  ASSERT_TRUE(D.Obj);
  EXPECT_TRUE(D.Obj->isELF());
  EXPECT_EQ(D.Obj->getArch(), Triple::x86_64);
  bool Found = false;
  for (const object::SymbolRef &S : D.Obj->symbols()) {
    if (cantFail(S.getName()) != "f")
      continue;
    Found = true;
    EXPECT_EQ(cantFail(S.getType()), object::SymbolRef::ST_Function);
    object::section_iterator Sec = cantFail(S.getSection());
    EXPECT_EQ(cantFail(Sec->getName()), ".text");
    EXPECT_EQ(Sec->getAddress(), Address);
    EXPECT_EQ(Sec->getSize(), D.Code.size());
  }
  EXPECT_TRUE(Found);
}

TEST(NativeDebugObjectTest, SubprogramCoversTheInstructions) {
  Described D(Src, "f");
  ASSERT_TRUE(D.DWARF);
  DWARFDie SP = D.subprogram();
  ASSERT_TRUE(SP.isValid());
  EXPECT_STREQ(SP.getShortName(), "f");
  EXPECT_EQ(SP.getDeclLine(), 2u);
  uint64_t Low, High, Index;
  ASSERT_TRUE(SP.getLowAndHighPC(Low, High, Index));
  EXPECT_EQ(Low, Address);
  EXPECT_EQ(High, Address + D.Map.CodeSize);
}

TEST(NativeDebugObjectTest, ParametersAndVarsAreAtTheirSlots) {
  Described D(Src, "f");
  ASSERT_TRUE(D.DWARF);
  std::map<std::string, int64_t> Offsets;
  std::function<void(DWARFDie)> Walk = [&](DWARFDie Die) {
    for (DWARFDie C : Die.children()) {
      if (C.getTag() == dwarf::DW_TAG_formal_parameter ||
          C.getTag() == dwarf::DW_TAG_variable) {
        auto Loc = C.find(dwarf::DW_AT_location);
        ASSERT_TRUE(Loc);
        ArrayRef<uint8_t> Expr = *Loc->getAsBlock();
        ASSERT_GE(Expr.size(), 2u);
        EXPECT_EQ(Expr[0], dwarf::DW_OP_fbreg);
        // A one-byte SLEB128 offset (-8 .. -24).
        Offsets[C.getShortName()] = int8_t(Expr[1] | 0x80);
      }
      if (C.getTag() == dwarf::DW_TAG_lexical_block)
        Walk(C);
    }
  };
  Walk(D.subprogram());
  std::map<std::string, int64_t> Expected{{"a", -8}, {"b", -16}, {"t", -24}};
  EXPECT_EQ(Offsets, Expected);
}

TEST(NativeDebugObjectTest, LineTableMapsTheCodeToItsLines) {
  Described D(Src, "f");
  ASSERT_TRUE(D.DWARF);
  ASSERT_TRUE(D.unit());
  const DWARFDebugLine::LineTable *LT = D.DWARF->getLineTableForUnit(D.unit());
  ASSERT_TRUE(LT);
  std::string File;
  ASSERT_TRUE(LT->getFileNameByIndex(
      1, "", DILineInfoSpecifier::FileLineInfoKind::RawValue, File));
  EXPECT_EQ(File, "prog.ks");
  bool PrologueEnd = false;
  for (const DWARFDebugLine::Row &R : LT->Rows) {
    if (R.EndSequence)
      continue;
    EXPECT_GE(R.Address.Address, Address);
    EXPECT_LT(R.Address.Address, Address + D.Map.CodeSize);
    if (R.PrologueEnd) {
      EXPECT_EQ(R.Address.Address, Address + D.Map.PrologueEnd);
      PrologueEnd = true;
    }
  }
  EXPECT_TRUE(PrologueEnd);
  for (const NativeDebugMap::Row &R : D.Map.Lines) {
    DILineInfo Info;
    ASSERT_TRUE(LT->getFileLineInfoForAddress(
        {Address + R.Offset, object::SectionedAddress::UndefSection}, false, "",
        DILineInfoSpecifier::FileLineInfoKind::RawValue, Info));
    EXPECT_EQ(Info.Line, R.Loc.Line);
    EXPECT_EQ(Info.Column, R.Loc.Column);
  }
}

TEST(NativeDebugObjectTest, FrameDescriptionCoversTheCode) {
  Described D(Src, "f");
  ASSERT_TRUE(D.DWARF);
  auto Frames = D.DWARF->getDebugFrame();
  ASSERT_TRUE(bool(Frames)) << toString(Frames.takeError());
  unsigned FDEs = 0;
  for (const dwarf::FrameEntry &E : (*Frames)->entries())
    if (auto *FDE = dyn_cast<dwarf::FDE>(&E)) {
      ++FDEs;
      EXPECT_EQ(FDE->getInitialLocation(), Address);
      EXPECT_EQ(FDE->getAddressRange(), D.Map.CodeSize);
    }
  EXPECT_EQ(FDEs, 1u);
}

} // namespace
