// Recursive-descent parser for Wireshark 4.0 display filters. Precedence,
// loosest first: or, xor, and, not. Literals are converted for the field on
// the other side as soon as a test is parsed, so evaluation only compares.
#include <algorithm>
#include <cctype>

#include "display_filter_ast.h"
#include "strato/display_filter.h"
#include "strato/error.h"

namespace strato {
namespace dfilter {
namespace {

// An operand as written: a field (possibly sliced or wrapped in a function)
// or a literal still in text form.
struct Operand {
  bool is_field = false;
  FieldRef ref;
  std::string text;  // literal text (decoded for strings)
  bool quoted = false;
  uint32_t col = 1, len = 0;
};

bool looks_like_name(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// The type a reference yields after slicing or a function.
FieldInfo effective_info(const FieldRef& r) {
  FieldInfo fi = FieldRegistry::instance().info(r.id);
  if (r.func == Func::Lower || r.func == Func::Upper) {
    fi.names = nullptr;
  } else if (r.func != Func::None) {
    fi.type = FieldType::UInt;
    fi.bits = 64;
    fi.names = nullptr;
  } else if (r.sliced) {
    fi.type = FieldType::Bytes;
    fi.names = nullptr;
  }
  return fi;
}

int type_class(FieldType t) {
  switch (t) {
    case FieldType::Boolean:
    case FieldType::UInt:
    case FieldType::Int:
    case FieldType::FrameNum:
      return 1;
    case FieldType::Double: return 2;
    case FieldType::IPv4: return 3;
    case FieldType::IPv6: return 4;
    case FieldType::Ether: return 5;
    case FieldType::String: return 6;
    case FieldType::Bytes:
    case FieldType::Protocol:
      return 7;
    case FieldType::AbsTime: return 8;
    case FieldType::RelTime: return 9;
    case FieldType::Label: return 10;
  }
  return 0;
}

bool bytes_like(FieldType t) {
  return t == FieldType::String || t == FieldType::Bytes || t == FieldType::Protocol || t == FieldType::Ether ||
         t == FieldType::IPv6;
}

bool integer_like(FieldType t) {
  return t == FieldType::Boolean || t == FieldType::UInt || t == FieldType::Int || t == FieldType::FrameNum;
}

bool parse_slice_int(const std::string& s, int64_t& v) {
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  v = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
    if (v > 0x7fffffff) return false;
  }
  if (s[0] == '-') v = -v;
  return true;
}

class Parser {
 public:
  Parser(std::string_view src, std::vector<Token> toks) : src_(src), t_(std::move(toks)) {}

  Program run() {
    if (peek().kind != Tok::End) {
      p_.root = parse_or();
      if (peek().kind != Tok::End) unexpected(peek());
    }
    std::sort(p_.fields.begin(), p_.fields.end());
    p_.fields.erase(std::unique(p_.fields.begin(), p_.fields.end()), p_.fields.end());
    return std::move(p_);
  }

 private:
  std::string_view src_;
  std::vector<Token> t_;
  size_t pos_ = 0;
  Program p_;

  const Token& peek(size_t ahead = 0) const { return t_[std::min(pos_ + ahead, t_.size() - 1)]; }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < t_.size() - 1) ++pos_;
    return t;
  }
  bool is_word(const char* w, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::Word && peek(ahead).text == w;
  }

  [[noreturn]] void unexpected(const Token& t) {
    if (t.kind == Tok::End) fail(t.col, "Unexpected end of filter expression.");
    std::string text(src_.substr(t.col - 1, t.len));
    fail(t.col, "\"" + text + "\" was unexpected in this context.");
  }

  int add(Node n) {
    p_.nodes.push_back(std::move(n));
    return static_cast<int>(p_.nodes.size() - 1);
  }
  int binary(Node::Type type, int a, int b) {
    Node n;
    n.type = type;
    n.a = a;
    n.b = b;
    return add(std::move(n));
  }

  bool at_or() const { return peek().kind == Tok::Or || is_word("or"); }
  bool at_xor() const { return peek().kind == Tok::Xor || is_word("xor"); }
  bool at_and() const { return peek().kind == Tok::And || is_word("and"); }
  bool at_not() const { return peek().kind == Tok::Not || is_word("not"); }

  int parse_or() {
    int a = parse_xor();
    while (at_or()) {
      next();
      a = binary(Node::Or, a, parse_xor());
    }
    return a;
  }
  int parse_xor() {
    int a = parse_and();
    while (at_xor()) {
      next();
      a = binary(Node::Xor, a, parse_and());
    }
    return a;
  }
  int parse_and() {
    int a = parse_unary();
    while (at_and()) {
      next();
      a = binary(Node::And, a, parse_unary());
    }
    return a;
  }
  int parse_unary() {
    if (at_not()) {
      next();
      Node n;
      n.type = Node::Not;
      n.a = parse_unary();
      return add(std::move(n));
    }
    if (peek().kind == Tok::LParen) {
      next();
      int e = parse_or();
      if (peek().kind != Tok::RParen) unexpected(peek());
      next();
      return e;
    }
    return parse_test();
  }

  static bool is_keyword(const std::string& w) {
    static const char* kw[] = {"and", "or", "not", "xor", "in", "eq", "ne", "gt", "lt", "ge", "le",
                               "contains", "matches", "any_eq", "all_eq", "any_ne", "all_ne", "bitwise_and"};
    for (const char* k : kw)
      if (w == k) return true;
    return false;
  }

  void note_field(FieldId id) { p_.fields.push_back(id); }

  Operand parse_operand() {
    const Token& t = peek();
    Operand o;
    o.col = t.col;
    o.len = t.len;
    if (t.kind == Tok::String || t.kind == Tok::Char) {
      next();
      o.text = t.text;
      o.quoted = t.kind == Tok::String;
      return o;
    }
    if (t.kind != Tok::Word || is_keyword(t.text)) unexpected(t);
    next();
    // Functions: len(), count(), lower(), upper() of a field.
    if (peek().kind == Tok::LParen) {
      Func fn = t.text == "len"     ? Func::Len
                : t.text == "count" ? Func::Count
                : t.text == "lower" ? Func::Lower
                : t.text == "upper" ? Func::Upper
                                    : Func::None;
      if (fn == Func::None) fail(t.col, "Function '" + t.text + "' does not exist");
      next();
      Operand arg = parse_operand();
      if (!arg.is_field || arg.ref.func != Func::None)
        fail(arg.col, "Argument to " + t.text + "() must be a field, not " + arg.text + ".");
      if ((fn == Func::Lower || fn == Func::Upper) && arg.ref.type != FieldType::String)
        fail(arg.col, "Only string type fields can be used as parameter for " + t.text + "()");
      if (peek().kind != Tok::RParen) unexpected(peek());
      next();
      arg.ref.func = fn;
      arg.col = t.col;
      return arg;
    }
    o.text = t.text;
    // A leading dot marks a field name explicitly (".frame.number").
    bool dotted = t.text.size() > 1 && t.text[0] == '.';
    FieldId id = FieldRegistry::instance().find(dotted ? std::string_view(t.text).substr(1) : std::string_view(t.text));
    if (id != kNoField) {
      o.is_field = true;
      o.ref.id = id;
      const FieldInfo& fi = FieldRegistry::instance().info(id);
      o.ref.type = fi.type;
      o.ref.name = fi.abbrev;
      note_field(id);
      if (peek().kind == Tok::Layer) parse_layer(o.ref, next());
      if (peek().kind == Tok::Slice) parse_slice(o.ref, next(), t.col);
    } else if (dotted || peek().kind == Tok::Slice || peek().kind == Tok::Layer) {
      fail(t.col, "\"" + (dotted ? t.text.substr(1) : t.text) + "\" is neither a field nor a protocol name.");
    }
    return o;
  }

  void parse_layer(FieldRef& r, const Token& t) {
    const std::string& s = t.text;
    size_t dash = s.find('-');
    int64_t lo, hi;
    bool ok = parse_slice_int(s.substr(0, dash), lo) && lo > 0;
    hi = lo;
    if (ok && dash != std::string::npos) ok = parse_slice_int(s.substr(dash + 1), hi) && hi >= lo;
    if (!ok) fail(t.col, "\"" + s + "\" is not a valid layer number.");
    r.layer_lo = uint32_t(lo);
    r.layer_hi = uint32_t(hi);
    r.layer_proto = FieldRegistry::instance().info(r.id).protocol;
    if (r.layer_proto != kNoField) note_field(r.layer_proto);  // layers are counted on it
  }

  // [i:j] (start:length), [i-j] (start-end), [i], [:j], [i:]; one range.
  void parse_slice(FieldRef& r, const Token& t, uint32_t field_col) {
    if (!bytes_like(r.type)) {
      std::string tn;
      fail(field_col, "\"" + r.name + "\" is a " + type_name(FieldRegistry::instance().info(r.id), tn) +
                   " and cannot be sliced into a sequence of bytes.");
    }
    std::string s = t.text;
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
            s.end());
    auto bad = [&] { fail(t.col, "\"" + s + "\" is not a valid range."); };
    if (s.find(',') != std::string::npos) fail(t.col, "Slices with several ranges are not supported.");
    Slice sl;
    size_t colon = s.find(':');
    size_t dash = s.find('-', 1);
    if (colon != std::string::npos) {
      std::string a = s.substr(0, colon), b = s.substr(colon + 1);
      if (a.empty()) sl.start = 0;
      else if (!parse_slice_int(a, sl.start)) bad();
      if (b.empty()) sl.len = -1;
      else if (!parse_slice_int(b, sl.len) || sl.len < 0) bad();
    } else if (dash != std::string::npos) {
      int64_t a, b;
      if (!parse_slice_int(s.substr(0, dash), a) || !parse_slice_int(s.substr(dash + 1), b)) bad();
      if (a < 0 || b < a) bad();
      sl.start = a;
      sl.len = b - a + 1;
    } else {
      if (!parse_slice_int(s, sl.start)) bad();
      sl.len = 1;
    }
    r.sliced = true;
    r.slice = sl;
  }

  bool relation_op(Op& op) {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::Eq: op = Op::Eq; return true;
      case Tok::Ne: op = Op::Ne; return true;
      case Tok::AllEq: op = Op::AllEq; return true;
      case Tok::AnyNe: op = Op::AnyNe; return true;
      case Tok::Lt: op = Op::Lt; return true;
      case Tok::Le: op = Op::Le; return true;
      case Tok::Gt: op = Op::Gt; return true;
      case Tok::Ge: op = Op::Ge; return true;
      case Tok::Matches: op = Op::Matches; return true;
      case Tok::BitAnd: op = Op::BitAnd; return true;
      case Tok::Word: break;
      default: return false;
    }
    static const struct {
      const char* w;
      Op op;
    } words[] = {{"eq", Op::Eq},         {"any_eq", Op::Eq},     {"ne", Op::Ne},        {"all_ne", Op::Ne},
                 {"all_eq", Op::AllEq},  {"any_ne", Op::AnyNe},  {"lt", Op::Lt},        {"le", Op::Le},
                 {"gt", Op::Gt},         {"ge", Op::Ge},         {"contains", Op::Contains},
                 {"matches", Op::Matches}, {"in", Op::In},       {"bitwise_and", Op::BitAnd}};
    for (const auto& w : words)
      if (t.text == w.w) {
        op = w.op;
        return true;
      }
    return false;
  }

  static const char* op_text(const Token& t) { return t.text.c_str(); }

  int parse_test() {
    Operand lhs = parse_operand();
    Op op;
    if (!relation_op(op)) {
      if (!lhs.is_field) {
        if (lhs.quoted || !looks_like_name(lhs.text))
          fail(lhs.col, "\"" + std::string(src_.substr(lhs.col - 1, lhs.len)) + "\" was unexpected in this context.");
        fail(lhs.col, "\"" + lhs.text + "\" is neither a field nor a protocol name.");
      }
      Node n;
      n.op = Op::Exists;
      n.lhs = lhs.ref;
      return add(std::move(n));
    }
    const Token& opt = next();
    if (!lhs.is_field) {
      if (!lhs.quoted && looks_like_name(lhs.text))
        fail(lhs.col, "\"" + lhs.text + "\" is neither a field nor a protocol name.");
      fail(lhs.col, "Left side of \"" + std::string(op_text(opt)) + "\" expression must be a field or function, not " +
                        std::string(src_.substr(lhs.col - 1, lhs.len)) + ".");
    }
    Node n;
    n.op = op;
    n.lhs = lhs.ref;
    FieldInfo fi = effective_info(lhs.ref);
    std::string tn;
    if (op == Op::In) {
      parse_set(n, fi);
      return add(std::move(n));
    }
    if ((op == Op::Contains || op == Op::Matches) && !bytes_like(fi.type))
      fail(lhs.col, lhs.ref.name + " (type=" + type_name(fi, tn) + ") cannot participate in " +
                        (op == Op::Contains ? "contains" : "matches") + " comparison.");
    if (op == Op::BitAnd && !integer_like(fi.type))
      fail(lhs.col, lhs.ref.name + " (type=" + type_name(fi, tn) + ") cannot participate in bitwise and comparison.");
    if (fi.type == FieldType::Label)
      fail(lhs.col, lhs.ref.name + " (type=Label) cannot participate in comparisons.");
    Operand rhs = parse_operand();
    if (rhs.is_field) {
      if (op == Op::Contains || op == Op::Matches || op == Op::BitAnd)
        fail(rhs.col, "The right side of \"" + std::string(op_text(opt)) + "\" must be a literal value.");
      FieldInfo ri = effective_info(rhs.ref);
      int ca = type_class(fi.type), cb = type_class(ri.type);
      bool ok = ca == cb || (ca == 7 && bytes_like(ri.type)) || (cb == 7 && bytes_like(fi.type));
      if (!ok || ca == 10) fail(rhs.col, lhs.ref.name + " and " + rhs.ref.name + " are not of compatible types.");
      n.rhs_field = true;
      n.rhs = rhs.ref;
      n.rhs.side = 1;
      return add(std::move(n));
    }
    if (op == Op::Matches) {
      compile_regex(n, rhs);
    } else if (op == Op::Contains) {
      n.lit = convert_contains(fi, rhs.text, rhs.quoted, rhs.col);
    } else {
      n.lit = convert_literal(fi, rhs.text, rhs.quoted, rhs.col);
    }
    return add(std::move(n));
  }

  void compile_regex(Node& n, const Operand& rhs) {
    std::string pat = rhs.text;
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    // PCRE's inline (?i), commonly used with Wireshark, has no ECMAScript form.
    if (pat.rfind("(?i)", 0) == 0) {
      pat.erase(0, 4);
      flags |= std::regex::icase;
    }
    try {
      n.re = std::regex(pat, flags);
    } catch (const std::regex_error& e) {
      fail(rhs.col, "\"" + rhs.text + "\" could not be compiled as a regular expression: " + e.what());
    }
  }

  // {a, b, c..d}; commas are optional between members (older syntax).
  void parse_set(Node& n, const FieldInfo& fi) {
    if (peek().kind != Tok::LBrace) unexpected(peek());
    next();
    auto convert = [&](const std::string& text, bool quoted, uint32_t col) {
      return convert_literal(fi, text, quoted, col);
    };
    bool need_member = true;
    while (true) {
      const Token& t = peek();
      if (t.kind == Tok::RBrace && !need_member) {
        next();
        break;
      }
      if (t.kind == Tok::Comma && !need_member) {
        next();
        need_member = true;
        continue;
      }
      if (t.kind != Tok::Word && t.kind != Tok::String && t.kind != Tok::Char) unexpected(t);
      if (t.kind == Tok::Word && is_keyword(t.text)) unexpected(t);
      next();
      SetMember m;
      std::string text = t.text;
      size_t dots = t.kind == Tok::Word ? text.find("..") : std::string::npos;
      if (dots != std::string::npos) {
        std::string lo = text.substr(0, dots), hi = text.substr(dots + 2);
        if (lo.empty()) unexpected(t);
        if (hi.empty()) {
          // "a.. b"
          const Token& h = peek();
          if (h.kind != Tok::Word && h.kind != Tok::Char) unexpected(h);
          next();
          m.hi = convert(h.text, false, h.col);
        } else {
          m.hi = convert(hi, false, t.col + uint32_t(dots) + 2);
        }
        m.lo = convert(lo, false, t.col);
        m.range = true;
      } else if (peek().kind == Tok::Word && peek().text.rfind("..", 0) == 0) {
        // "a ..b" or "a .. b"
        const Token& d = next();
        std::string hi = d.text.substr(2);
        uint32_t hcol = d.col + 2;
        if (hi.empty()) {
          const Token& h = peek();
          if (h.kind != Tok::Word && h.kind != Tok::Char) unexpected(h);
          next();
          hi = h.text;
          hcol = h.col;
        }
        m.lo = convert(text, t.kind == Tok::String, t.col);
        m.hi = convert(hi, false, hcol);
        m.range = true;
      } else {
        m.lo = convert(text, t.kind == Tok::String, t.col);
      }
      n.set.push_back(std::move(m));
      need_member = false;
    }
  }
};

class CompiledFilter : public DisplayFilter {
 public:
  explicit CompiledFilter(Program p) : p_(std::move(p)) {}
  bool match(const Event& ev) const override { return p_.root < 0 || eval(p_, ev); }
  std::vector<FieldId> fields() const override { return p_.fields; }

 private:
  Program p_;
};

}  // namespace
}  // namespace dfilter

std::unique_ptr<DisplayFilter> DisplayFilter::compile(std::string_view text) {
  dfilter::Parser parser(text, dfilter::lex(text));
  return std::make_unique<dfilter::CompiledFilter>(parser.run());
}

}  // namespace strato
