//===- NativeDebugObject.cpp - DWARF for native baseline code -------------===//
//
// Part of kaleido. See NativeDebugObject.h. The format is the one a debugger
// reads from a compiler's object file; LLVM's BinaryFormat gives the ELF
// structures and the DWARF constants, and each section is written by one
// function below.
//
//===----------------------------------------------------------------------===//

#include "JIT/NativeDebugObject.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace kaleido;
using namespace llvm;
using namespace llvm::dwarf;

namespace {

/// x86-64's DWARF register numbers.
enum : uint8_t { RegRBP = 6, RegRSP = 7, RegReturnAddress = 16 };

/// Appends little-endian DWARF to a buffer.
class Writer {
public:
  explicit Writer(SmallVectorImpl<char> &Out) : OS(Out), Out(Out) {}
  template <typename T> void fixed(T V) {
    support::endian::write<T>(OS, V, llvm::endianness::little);
  }
  void u8(uint8_t V) { fixed(V); }
  void uleb(uint64_t V) { encodeULEB128(V, OS); }
  void sleb(int64_t V) { encodeSLEB128(V, OS); }
  void str(StringRef S) { OS << S << '\0'; }
  size_t size() const { return Out.size(); }
  /// Overwrites the 4 bytes at At (a length written before it was known).
  void patch32(size_t At, uint32_t V) {
    for (int I = 0; I < 4; ++I)
      Out[At + I] = char(V >> (8 * I));
  }

private:
  raw_svector_ostream OS;
  SmallVectorImpl<char> &Out;
};

enum Abbrev : uint8_t {
  AbbrevUnit = 1,
  AbbrevDouble,
  AbbrevFunction,
  AbbrevParameter,
  AbbrevVariable,
  AbbrevBlock,
};

void writeAbbrevs(SmallVectorImpl<char> &Out) {
  Writer W(Out);
  auto Entry = [&W](Abbrev Code, Tag T, bool Children,
                    std::initializer_list<std::pair<Attribute, Form>> Attrs) {
    W.uleb(Code);
    W.uleb(T);
    W.u8(Children ? DW_CHILDREN_yes : DW_CHILDREN_no);
    for (auto [A, F] : Attrs) {
      W.uleb(A);
      W.uleb(F);
    }
    W.uleb(0);
    W.uleb(0);
  };
  Entry(AbbrevUnit, DW_TAG_compile_unit, true,
        {{DW_AT_producer, DW_FORM_string},
         {DW_AT_language, DW_FORM_data2},
         {DW_AT_name, DW_FORM_string},
         {DW_AT_comp_dir, DW_FORM_string},
         {DW_AT_low_pc, DW_FORM_addr},
         {DW_AT_high_pc, DW_FORM_data8},
         {DW_AT_stmt_list, DW_FORM_sec_offset}});
  Entry(AbbrevDouble, DW_TAG_base_type, false,
        {{DW_AT_name, DW_FORM_string},
         {DW_AT_encoding, DW_FORM_data1},
         {DW_AT_byte_size, DW_FORM_data1}});
  Entry(AbbrevFunction, DW_TAG_subprogram, true,
        {{DW_AT_name, DW_FORM_string},
         {DW_AT_external, DW_FORM_flag_present},
         {DW_AT_decl_file, DW_FORM_data1},
         {DW_AT_decl_line, DW_FORM_udata},
         {DW_AT_prototyped, DW_FORM_flag_present},
         {DW_AT_type, DW_FORM_ref4},
         {DW_AT_low_pc, DW_FORM_addr},
         {DW_AT_high_pc, DW_FORM_data8},
         {DW_AT_frame_base, DW_FORM_exprloc}});
  for (auto [Code, T] : {std::pair{AbbrevParameter, DW_TAG_formal_parameter},
                         std::pair{AbbrevVariable, DW_TAG_variable}})
    Entry(Code, T, false,
          {{DW_AT_name, DW_FORM_string},
           {DW_AT_decl_file, DW_FORM_data1},
           {DW_AT_decl_line, DW_FORM_udata},
           {DW_AT_type, DW_FORM_ref4},
           {DW_AT_location, DW_FORM_exprloc}});
  Entry(AbbrevBlock, DW_TAG_lexical_block, true,
        {{DW_AT_low_pc, DW_FORM_addr}, {DW_AT_high_pc, DW_FORM_data8}});
  W.uleb(0);
}

/// The variables of scope I, then its blocks, each with what it holds.
void writeScope(Writer &W, const NativeDebugSubject &What,
                const NativeDebugMap &Map, size_t I, uint32_t DoubleAt) {
  for (const NativeDebugMap::Variable &V : Map.Scopes[I].Variables) {
    W.u8(V.ArgNo ? AbbrevParameter : AbbrevVariable);
    W.str(V.Name);
    W.u8(1);
    W.uleb(V.Loc.isValid() ? V.Loc.Line : What.Line);
    W.fixed<uint32_t>(DoubleAt);
    SmallString<12> Expr;
    raw_svector_ostream EOS(Expr);
    EOS << char(DW_OP_fbreg);
    encodeSLEB128(V.FrameOffset, EOS);
    W.uleb(Expr.size());
    for (char C : Expr)
      W.u8(uint8_t(C));
  }
  for (size_t J = I + 1; J < Map.Scopes.size(); ++J) {
    const NativeDebugMap::Scope &S = Map.Scopes[J];
    if (S.Parent != int(I))
      continue;
    W.u8(AbbrevBlock);
    W.fixed<uint64_t>(What.Address + S.Begin);
    W.fixed<uint64_t>(S.End - S.Begin);
    writeScope(W, What, Map, J, DoubleAt);
    W.u8(0);
  }
}

void writeInfo(SmallVectorImpl<char> &Out, const NativeDebugSubject &What,
               const NativeDebugMap &Map) {
  Writer W(Out);
  W.fixed<uint32_t>(0); // unit_length, patched below
  W.fixed<uint16_t>(4); // DWARF 4
  W.fixed<uint32_t>(0); // debug_abbrev_offset
  W.u8(8);              // address_size
  W.u8(AbbrevUnit);
  W.str("kaleido " KALEIDO_VERSION " native baseline");
  // No DWARF code is Kaleidoscope's; as the LLVM tiers say, C's.
  W.fixed<uint16_t>(DW_LANG_C);
  W.str(What.File);
  W.str(What.Directory);
  W.fixed<uint64_t>(What.Address);
  W.fixed<uint64_t>(Map.CodeSize);
  W.fixed<uint32_t>(0); // the line program's offset in .debug_line
  uint32_t DoubleAt = uint32_t(W.size());
  W.u8(AbbrevDouble);
  W.str("double");
  W.u8(DW_ATE_float);
  W.u8(8);
  W.u8(AbbrevFunction);
  W.str(What.Name);
  W.u8(1); // the line program's file 1
  W.uleb(What.Line);
  W.fixed<uint32_t>(DoubleAt);
  W.fixed<uint64_t>(What.Address);
  W.fixed<uint64_t>(Map.CodeSize);
  W.uleb(1);
  W.u8(DW_OP_reg0 + RegRBP); // the frame base is rbp
  if (!Map.Scopes.empty())
    writeScope(W, What, Map, 0, DoubleAt);
  W.u8(0); // the function's children
  W.u8(0); // the unit's children
  W.patch32(0, uint32_t(W.size() - 4));
}

/// The line program's header (DWARF 4): one file, the unit's.
void writeLineHeader(Writer &W, const NativeDebugSubject &What) {
  // The standard opcodes' operand counts, DW_LNS_copy to DW_LNS_set_isa.
  static constexpr uint8_t OperandCounts[] = {0, 1, 1, 1, 1, 0,
                                              0, 0, 1, 0, 0, 1};
  W.fixed<uint16_t>(4);
  size_t HeaderLengthAt = W.size();
  W.fixed<uint32_t>(0);            // header_length
  W.u8(1);                         // minimum_instruction_length
  W.u8(1);                         // maximum_operations_per_instruction
  W.u8(1);                         // default_is_stmt
  W.u8(uint8_t(-5));               // line_base
  W.u8(14);                        // line_range
  W.u8(sizeof(OperandCounts) + 1); // opcode_base
  for (uint8_t N : OperandCounts)
    W.u8(N);
  W.u8(0); // include_directories: none but the unit's
  W.str(What.File);
  W.uleb(0); // directory: the unit's
  W.uleb(0); // modification time
  W.uleb(0); // length
  W.u8(0);   // end of file_names
  W.patch32(HeaderLengthAt, uint32_t(W.size() - HeaderLengthAt - 4));
}

/// Map's rows, with one more at the end of the prologue (of the line the
/// code there is), which the program flags prologue_end: gdb stops there
/// for `break f`.
std::vector<NativeDebugMap::Row> rowsOf(const NativeDebugMap &Map) {
  std::vector<NativeDebugMap::Row> Rows;
  for (const NativeDebugMap::Row &R : Map.Lines) {
    if (!Rows.empty() && Rows.back().Offset < Map.PrologueEnd &&
        R.Offset > Map.PrologueEnd)
      Rows.push_back({Map.PrologueEnd, Rows.back().Loc});
    Rows.push_back(R);
  }
  if (!Rows.empty() && Rows.back().Offset < Map.PrologueEnd)
    Rows.push_back({Map.PrologueEnd, Rows.back().Loc});
  return Rows;
}

void writeLines(SmallVectorImpl<char> &Out, const NativeDebugSubject &What,
                const NativeDebugMap &Map) {
  Writer W(Out);
  W.fixed<uint32_t>(0); // unit_length, patched below
  writeLineHeader(W, What);
  W.u8(0); // DW_LNE_set_address
  W.uleb(9);
  W.u8(DW_LNE_set_address);
  W.fixed<uint64_t>(What.Address);
  uint64_t Offset = 0;
  int64_t Line = 1;
  bool PrologueDone = false;
  for (const NativeDebugMap::Row &R : rowsOf(Map)) {
    if (R.Offset != Offset) {
      W.u8(DW_LNS_advance_pc);
      W.uleb(R.Offset - Offset);
      Offset = R.Offset;
    }
    if (int64_t(R.Loc.Line) != Line) {
      W.u8(DW_LNS_advance_line);
      W.sleb(int64_t(R.Loc.Line) - Line);
      Line = R.Loc.Line;
    }
    W.u8(DW_LNS_set_column);
    W.uleb(R.Loc.Column);
    if (!PrologueDone && R.Offset >= Map.PrologueEnd && R.Offset > 0) {
      W.u8(DW_LNS_set_prologue_end);
      PrologueDone = true;
    }
    W.u8(DW_LNS_copy);
  }
  if (Map.CodeSize > Offset) {
    W.u8(DW_LNS_advance_pc);
    W.uleb(Map.CodeSize - Offset);
  }
  W.u8(0);
  W.uleb(1);
  W.u8(DW_LNE_end_sequence);
  W.patch32(0, uint32_t(W.size() - 4));
}

void writeFrame(SmallVectorImpl<char> &Out, const NativeDebugSubject &What,
                const NativeDebugMap &Map) {
  Writer W(Out);
  auto Pad = [&W](size_t Start) {
    while ((W.size() - Start) % 8)
      W.u8(DW_CFA_nop);
    W.patch32(Start, uint32_t(W.size() - Start - 4));
  };
  // The CIE: at entry the CFA is rsp + 8 and the return address is at
  // CFA - 8.
  W.fixed<uint32_t>(0);
  W.fixed<uint32_t>(DW_CIE_ID);
  W.u8(1);   // version
  W.u8(0);   // no augmentation
  W.uleb(1); // code_alignment_factor
  W.sleb(-8);
  W.u8(RegReturnAddress);
  W.u8(DW_CFA_def_cfa);
  W.uleb(RegRSP);
  W.uleb(8);
  W.u8(DW_CFA_offset + RegReturnAddress);
  W.uleb(1);
  Pad(0);
  // The FDE: `push rbp` moves the CFA to rsp + 16 and saves rbp at CFA - 16;
  // `mov rbp, rsp` makes rbp + 16 the CFA; `leave` puts it back at rsp + 8.
  size_t FDE = W.size();
  W.fixed<uint32_t>(0);
  W.fixed<uint32_t>(0); // the CIE's offset
  W.fixed<uint64_t>(What.Address);
  W.fixed<uint64_t>(Map.CodeSize);
  uint32_t At = 0;
  auto Advance = [&](uint32_t To) {
    W.u8(DW_CFA_advance_loc4);
    W.fixed<uint32_t>(To - At);
    At = To;
  };
  Advance(Map.AfterPush);
  W.u8(DW_CFA_def_cfa_offset);
  W.uleb(16);
  W.u8(DW_CFA_offset + RegRBP);
  W.uleb(2);
  Advance(Map.AfterFrame);
  W.u8(DW_CFA_def_cfa_register);
  W.uleb(RegRBP);
  Advance(Map.Leave + 1); // `leave` is one byte
  W.u8(DW_CFA_def_cfa);
  W.uleb(RegRSP);
  W.uleb(8);
  W.u8(DW_CFA_same_value);
  W.uleb(RegRBP);
  Pad(FDE);
}

/// One section of the object: its name, type, flags and contents.
struct Section {
  StringRef Name;
  uint32_t Type = 0;
  uint64_t Flags = 0;
  SmallString<256> Data;
  uint64_t Address = 0, Size = 0;
  uint32_t Link = 0, Info = 0;
  uint64_t EntrySize = 0;
};

/// The object's sections, in order.
enum SectionIndex {
  Null,
  Text,
  DebugAbbrev,
  DebugInfo,
  DebugLine,
  DebugFrame,
  SymTab,
  StrTab,
  ShStrTab,
  NumSections
};

/// The function's symbol: section-relative, as in any relocatable object.
void writeSymbols(Section &Syms, Section &Names, const NativeDebugSubject &What,
                  const NativeDebugMap &Map) {
  Names.Data.push_back('\0');
  ELF::Elf64_Sym Table[2] = {};
  Table[1].st_name = uint32_t(Names.Data.size());
  Names.Data.append(What.Name);
  Names.Data.push_back('\0');
  Table[1].setBindingAndType(ELF::STB_GLOBAL, ELF::STT_FUNC);
  Table[1].st_shndx = Text;
  Table[1].st_value = 0;
  Table[1].st_size = Map.CodeSize;
  Syms.Data.append(reinterpret_cast<const char *>(Table),
                   reinterpret_cast<const char *>(Table) + sizeof(Table));
  Syms.Link = StrTab;
  Syms.Info = 1; // the first global symbol
  Syms.EntrySize = sizeof(ELF::Elf64_Sym);
}

/// The ELF header for an x86-64 relocatable object whose NumSections
/// section headers start at ShOff.
ELF::Elf64_Ehdr fileHeader(uint64_t ShOff) {
  ELF::Elf64_Ehdr E = {};
  std::memcpy(E.e_ident, ELF::ElfMagic, 4);
  E.e_ident[ELF::EI_CLASS] = ELF::ELFCLASS64;
  E.e_ident[ELF::EI_DATA] = ELF::ELFDATA2LSB;
  E.e_ident[ELF::EI_VERSION] = ELF::EV_CURRENT;
  E.e_ident[ELF::EI_OSABI] = ELF::ELFOSABI_NONE;
  E.e_type = ELF::ET_REL;
  E.e_machine = ELF::EM_X86_64;
  E.e_version = ELF::EV_CURRENT;
  E.e_shoff = ShOff;
  E.e_ehsize = sizeof(ELF::Elf64_Ehdr);
  E.e_shentsize = sizeof(ELF::Elf64_Shdr);
  E.e_shnum = NumSections;
  E.e_shstrndx = ShStrTab;
  return E;
}

/// The file: the header, each section's contents (8-byte aligned), the
/// section headers. Names the sections in S[ShStrTab] first.
std::vector<char> layOut(Section (&S)[NumSections]) {
  std::vector<uint32_t> NameAt(NumSections);
  for (int I = 0; I < NumSections; ++I) {
    NameAt[I] = uint32_t(S[ShStrTab].Data.size());
    S[ShStrTab].Data.append(S[I].Name);
    S[ShStrTab].Data.push_back('\0');
  }
  std::vector<char> Obj(sizeof(ELF::Elf64_Ehdr));
  std::vector<ELF::Elf64_Shdr> Headers(NumSections);
  auto Align8 = [&Obj] { Obj.resize((Obj.size() + 7) & ~size_t(7)); };
  for (int I = 1; I < NumSections; ++I) {
    Align8();
    ELF::Elf64_Shdr &H = Headers[I];
    H.sh_name = NameAt[I];
    H.sh_type = S[I].Type;
    H.sh_flags = S[I].Flags;
    H.sh_addr = S[I].Address;
    H.sh_offset = Obj.size();
    H.sh_size = S[I].Type == ELF::SHT_NOBITS ? S[I].Size : S[I].Data.size();
    H.sh_link = S[I].Link;
    H.sh_info = S[I].Info;
    H.sh_addralign = I == Text ? 16 : I == SymTab ? 8 : 1;
    H.sh_entsize = S[I].EntrySize;
    Obj.insert(Obj.end(), S[I].Data.begin(), S[I].Data.end());
  }
  Align8();
  ELF::Elf64_Ehdr E = fileHeader(Obj.size());
  std::memcpy(Obj.data(), &E, sizeof(E));
  const char *H = reinterpret_cast<const char *>(Headers.data());
  Obj.insert(Obj.end(), H, H + Headers.size() * sizeof(ELF::Elf64_Shdr));
  return Obj;
}

} // namespace

std::vector<char>
kaleido::buildNativeDebugObject(const NativeDebugSubject &What,
                                const NativeDebugMap &Map) {
  Section S[NumSections];
  auto Name = [&S](int I, StringRef N, uint32_t Type, uint64_t Flags = 0) {
    S[I].Name = N;
    S[I].Type = Type;
    S[I].Flags = Flags;
  };
  Name(Null, "", ELF::SHT_NULL);
  Name(Text, ".text", ELF::SHT_NOBITS, ELF::SHF_ALLOC | ELF::SHF_EXECINSTR);
  Name(DebugAbbrev, ".debug_abbrev", ELF::SHT_PROGBITS);
  Name(DebugInfo, ".debug_info", ELF::SHT_PROGBITS);
  Name(DebugLine, ".debug_line", ELF::SHT_PROGBITS);
  Name(DebugFrame, ".debug_frame", ELF::SHT_PROGBITS);
  Name(SymTab, ".symtab", ELF::SHT_SYMTAB);
  Name(StrTab, ".strtab", ELF::SHT_STRTAB);
  Name(ShStrTab, ".shstrtab", ELF::SHT_STRTAB);
  S[Text].Address = What.Address;
  S[Text].Size = What.Size;
  writeAbbrevs(S[DebugAbbrev].Data);
  writeInfo(S[DebugInfo].Data, What, Map);
  writeLines(S[DebugLine].Data, What, Map);
  writeFrame(S[DebugFrame].Data, What, Map);
  writeSymbols(S[SymTab], S[StrTab], What, Map);
  return layOut(S);
}
