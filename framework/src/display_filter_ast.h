#pragma once
// Private to the display filter: tokens, the compiled tree and the literal
// converters shared by the parser and the evaluator.
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "strato/event.h"
#include "strato/field.h"

namespace strato::dfilter {

// ---------------------------------------------------------------- tokens
enum class Tok : uint8_t {
  End,
  Word,      // field names, numbers, addresses, bare strings, keywords
  String,    // "..." with escapes already decoded
  Char,      // 'a': a number
  LParen, RParen, LBrace, RBrace, Comma,
  Slice,     // [ ... ]: raw text between the brackets
  Layer,     // #N or #N-M after a field: the text after '#'
  Eq, Ne, AllEq, AnyNe, Lt, Le, Gt, Ge, Matches,  // == != === !== < <= > >= ~
  BitAnd,    // &
  And, Or, Not, Xor,  // && || ! ^^ (words are mapped in the parser)
};

struct Token {
  Tok kind = Tok::End;
  std::string text;  // the source text (for String: the decoded value)
  uint32_t col = 1;  // 1-based column of the first character
  uint32_t len = 0;  // length in the source
};

// Throws usage_error for unterminated strings and stray characters.
std::vector<Token> lex(std::string_view text);

[[noreturn]] void fail(uint32_t col, const std::string& msg);

// ---------------------------------------------------------------- values
// What one field occurrence (or a literal) looks like to a comparison.
enum class Kind : uint8_t { None, UInt, SInt, Real, Bytes };

struct Scalar {
  Kind kind = Kind::None;
  uint64_t u = 0;  // UInt (also booleans, IPv4, abs time, frame numbers)
  int64_t i = 0;   // SInt (also relative time in ns)
  double d = 0;
  std::string_view b;  // Bytes
};

// A literal converted for one field type. Masks express CIDR networks.
struct Literal {
  Kind kind = Kind::None;
  uint64_t u = 0;
  int64_t i = 0;
  double d = 0;
  std::string b;
  uint64_t mask = ~0ull;      // IPv4 netmask (UInt literals)
  int prefix_bits = -1;       // IPv6 prefix length (Bytes literals), -1 = all
};

struct SetMember {
  Literal lo, hi;
  bool range = false;
};

// ---------------------------------------------------------------- tree
enum class Func : uint8_t { None, Len, Count, Lower, Upper };

struct Slice {
  int64_t start = 0;  // negative: from the end
  int64_t len = -1;   // -1: to the end
};

// A field reference as an operand: field, optional slice, optional function.
struct FieldRef {
  FieldId id = kNoField;
  FieldType type = FieldType::Protocol;
  Func func = Func::None;
  bool sliced = false;
  Slice slice;
  // field#N / field#N-M: only occurrences inside the Nth..Mth instance of
  // the field's protocol (tunnels); 0 = any layer.
  uint32_t layer_lo = 0, layer_hi = 0;
  FieldId layer_proto = kNoField;
  uint8_t side = 0;  // 0 left, 1 right: which scratch buffer lower()/upper() use
  std::string name;  // for error messages
};

enum class Op : uint8_t {
  Exists, Eq, Ne, AllEq, AnyNe, Lt, Le, Gt, Ge, Contains, Matches, In, BitAnd,
};

struct Node {
  enum Type : uint8_t { And, Or, Xor, Not, Test } type = Test;
  int a = -1, b = -1;  // children (And/Or/Xor: a,b; Not: a)
  Op op = Op::Exists;
  FieldRef lhs;
  bool rhs_field = false;  // comparing two fields
  FieldRef rhs;
  Literal lit;             // rhs literal (comparison, contains, bitwise and)
  std::vector<SetMember> set;
  std::regex re;
};

struct Program {
  std::vector<Node> nodes;
  int root = -1;
  std::vector<FieldId> fields;
};

// ---------------------------------------------------------------- literal conversion (display_filter_literals.cpp)
// Converts the literal `text` (a bare word when !quoted) for comparison
// against `fi`; errors name `col`.
Literal convert_literal(const FieldInfo& fi, const std::string& text, bool quoted, uint32_t col);
// Numeric conversion used by Func results (len/count): unsigned number.
Literal convert_number(const std::string& text, uint32_t col);
// Bytes for contains: string text for String fields, byte strings for others.
Literal convert_contains(const FieldInfo& fi, const std::string& text, bool quoted, uint32_t col);
const char* type_name(const FieldInfo& fi, std::string& buf);

// ---------------------------------------------------------------- evaluation (display_filter_eval.cpp)
bool eval(const Program& p, const Event& ev);

}  // namespace strato::dfilter
