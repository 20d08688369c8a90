// Evaluating a compiled filter against one event's flat field list. No heap
// allocation here except inside std::regex_search for `matches`; the program
// is shared read-only between threads.
#include <cstring>

#include "display_filter_ast.h"
#include "strato/dissector.h"

namespace strato::dfilter {

namespace {

enum Cmp : int { Less = -1, Equal = 0, Greater = 1, Unordered = 2 };

template <class T>
Cmp order(T a, T b) {
  return a < b ? Less : (b < a ? Greater : Equal);
}

// Orders two numbers of possibly different signedness without overflow.
Cmp cmp_numbers(const Scalar& a, const Scalar& b) {
  if (a.kind == Kind::Real || b.kind == Kind::Real) {
    auto as_real = [](const Scalar& s) -> long double {
      return s.kind == Kind::Real ? s.d : s.kind == Kind::UInt ? (long double)s.u : (long double)s.i;
    };
    long double x = as_real(a), y = as_real(b);
    if (x != x || y != y) return Unordered;
    return order(x, y);
  }
  if (a.kind == Kind::UInt && b.kind == Kind::UInt) return order(a.u, b.u);
  if (a.kind == Kind::SInt && b.kind == Kind::SInt) return order(a.i, b.i);
  if (a.kind == Kind::UInt) return b.i < 0 ? Greater : order(a.u, uint64_t(b.i));
  return a.i < 0 ? Less : order(uint64_t(a.i), b.u);
}

Cmp cmp_bytes(std::string_view a, std::string_view b, int prefix_bits) {
  if (prefix_bits >= 0) {
    // An IPv6 network: compare the first prefix_bits bits only.
    size_t full = size_t(prefix_bits) / 8;
    unsigned rest = unsigned(prefix_bits) % 8;
    if (a.size() < full + (rest ? 1 : 0) || b.size() < full + (rest ? 1 : 0)) return Unordered;
    int c = std::memcmp(a.data(), b.data(), full);
    if (c) return c < 0 ? Less : Greater;
    if (rest) {
      uint8_t m = uint8_t(0xff << (8 - rest));
      uint8_t x = uint8_t(a[full]) & m, y = uint8_t(b[full]) & m;
      if (x != y) return x < y ? Less : Greater;
    }
    return Equal;
  }
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c) return c < 0 ? Less : Greater;
  return order(a.size(), b.size());
}

Cmp compare(const Scalar& a, const Scalar& b, uint64_t mask = ~0ull, int prefix_bits = -1) {
  if (a.kind == Kind::None || b.kind == Kind::None) return Unordered;
  if (a.kind == Kind::Bytes || b.kind == Kind::Bytes) {
    if (a.kind != b.kind) return Unordered;
    return cmp_bytes(a.b, b.b, prefix_bits);
  }
  if (mask != ~0ull && a.kind == Kind::UInt && b.kind == Kind::UInt) return order(a.u & mask, b.u & mask);
  return cmp_numbers(a, b);
}

Scalar view(const Literal& l) {
  Scalar s;
  s.kind = l.kind;
  s.u = l.u;
  s.i = l.i;
  s.d = l.d;
  s.b = l.b;
  return s;
}

Cmp compare_lit(const Scalar& a, const Literal& l) { return compare(a, view(l), l.mask, l.prefix_bits); }

// Wireshark compares a protocol by the buffer it was added with, which runs
// from the protocol's start to the end of its layer's data, not just the
// item's length (`tcp contains "GET"` finds the payload). We do not keep that
// buffer, so take the rest of the frame (this includes link-layer trailers).
std::string_view protocol_bytes(const Event& ev, const FieldValue& fv) {
  if (!ev.data || fv.start > ev.cap_len) return {};
  return {reinterpret_cast<const char*>(ev.data) + fv.start, ev.cap_len - fv.start};
}

// The value of one occurrence as the filter sees it, after slicing or len().
bool extract(const Event& ev, const FieldValue& fv, const FieldRef& r, Scalar& s) {
  switch (r.type) {
    case FieldType::Protocol:
      s.kind = Kind::Bytes;
      s.b = protocol_bytes(ev, fv);
      break;
    case FieldType::Boolean:
      s.kind = Kind::UInt;
      s.u = fv.v.u != 0;
      break;
    case FieldType::UInt:
    case FieldType::FrameNum:
    case FieldType::AbsTime:
    case FieldType::IPv4:
      s.kind = Kind::UInt;
      s.u = fv.v.u;
      break;
    case FieldType::Int:
    case FieldType::RelTime:
      s.kind = Kind::SInt;
      s.i = fv.v.i;
      break;
    case FieldType::Double:
      s.kind = Kind::Real;
      s.d = fv.v.d;
      break;
    case FieldType::String:
    case FieldType::Bytes:
    case FieldType::IPv6:
    case FieldType::Ether:
      s.kind = Kind::Bytes;
      s.b = field_bytes(ev, fv);
      break;
    case FieldType::Label:
      s.kind = Kind::None;
      break;
  }
  if (r.sliced) {
    if (s.kind != Kind::Bytes) return false;
    int64_t n = int64_t(s.b.size());
    int64_t start = r.slice.start < 0 ? n + r.slice.start : r.slice.start;
    if (start < 0 || start > n) return false;
    int64_t len = r.slice.len < 0 ? n - start : r.slice.len;
    // tshark drops occurrences a slice runs past the end of.
    if (len > n - start) return false;
    s.b = s.b.substr(size_t(start), size_t(len));
  }
  if (r.func == Func::Len) {
    uint64_t len = s.kind == Kind::Bytes && (r.type != FieldType::Protocol || r.sliced) ? s.b.size() : fv.length;
    s = Scalar{};
    s.kind = Kind::UInt;
    s.u = len;
  } else if (r.func == Func::Lower || r.func == Func::Upper) {
    // One scratch buffer per thread and side: it keeps its capacity, so
    // steady state does not allocate.
    thread_local std::string scratch[2];
    std::string& buf = scratch[r.side & 1];
    buf.assign(s.b);
    for (char& c : buf) {
      if (r.func == Func::Lower && c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      if (r.func == Func::Upper && c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    }
    s.b = buf;
  }
  return true;
}

// Calls fn(scalar) for each occurrence of r until fn returns true; returns
// whether it did. count() is one value: the number of occurrences.
template <class Fn>
bool any_value(const Event& ev, const FieldRef& r, Fn&& fn) {
  const auto& fields = ev.dissection.fields;
  if (r.func == Func::Count) {
    uint64_t n = 0;
    uint32_t layer = 0;
    for (const FieldValue& fv : fields) {
      if (fv.id == r.layer_proto) ++layer;
      n += fv.id == r.id && (!r.layer_lo || (layer >= r.layer_lo && layer <= r.layer_hi));
    }
    Scalar s;
    s.kind = Kind::UInt;
    s.u = n;
    return fn(s);
  }
  if (r.layer_lo) {
    // Layers count instances of the field's protocol item, which precedes
    // its fields in the list.
    uint32_t layer = 0;
    for (const FieldValue& fv : fields) {
      if (fv.id == r.layer_proto) ++layer;
      if (fv.id != r.id || layer < r.layer_lo || layer > r.layer_hi) continue;
      Scalar s;
      if (extract(ev, fv, r, s) && fn(s)) return true;
    }
    return false;
  }
  for (const FieldValue& fv : fields) {
    if (fv.id != r.id) continue;
    Scalar s;
    if (extract(ev, fv, r, s) && fn(s)) return true;
  }
  return false;
}

bool exists(const Event& ev, const FieldRef& r) {
  return any_value(ev, r, [](const Scalar&) { return true; });
}

bool relation_holds(Op op, Cmp c) {
  switch (op) {
    case Op::Eq: return c == Equal;
    case Op::Lt: return c == Less;
    case Op::Le: return c == Less || c == Equal;
    case Op::Gt: return c == Greater;
    case Op::Ge: return c == Greater || c == Equal;
    case Op::AnyNe: return c != Equal;
    default: return false;
  }
}

bool in_set(const Scalar& s, const Node& n) {
  for (const SetMember& m : n.set) {
    if (m.range) {
      Cmp lo = compare_lit(s, m.lo), hi = compare_lit(s, m.hi);
      if ((lo == Equal || lo == Greater) && (hi == Equal || hi == Less)) return true;
    } else if (compare_lit(s, m.lo) == Equal) {
      return true;
    }
  }
  return false;
}

bool test_literal(const Node& n, const Event& ev) {
  switch (n.op) {
    case Op::Exists:
      return exists(ev, n.lhs);
    case Op::Ne: {
      // Wireshark 4.0: "a != b" is "not a == b", but false when a is absent.
      bool seen = false;
      bool eq = any_value(ev, n.lhs, [&](const Scalar& s) {
        seen = true;
        return compare_lit(s, n.lit) == Equal;
      });
      return seen && !eq;
    }
    case Op::AllEq: {
      bool seen = false;
      bool differs = any_value(ev, n.lhs, [&](const Scalar& s) {
        seen = true;
        return compare_lit(s, n.lit) != Equal;
      });
      return seen && !differs;
    }
    case Op::Contains:
      return any_value(ev, n.lhs, [&](const Scalar& s) {
        return s.kind == Kind::Bytes && s.b.find(n.lit.b) != std::string_view::npos;
      });
    case Op::Matches:
      return any_value(ev, n.lhs, [&](const Scalar& s) {
        return s.kind == Kind::Bytes && std::regex_search(s.b.begin(), s.b.end(), n.re);
      });
    case Op::In:
      return any_value(ev, n.lhs, [&](const Scalar& s) { return in_set(s, n); });
    case Op::BitAnd:
      return any_value(ev, n.lhs, [&](const Scalar& s) {
        if (s.kind == Kind::UInt) return (s.u & (n.lit.kind == Kind::UInt ? n.lit.u : uint64_t(n.lit.i))) != 0;
        if (s.kind == Kind::SInt) return (s.i & (n.lit.kind == Kind::SInt ? n.lit.i : int64_t(n.lit.u))) != 0;
        return false;
      });
    default:
      return any_value(ev, n.lhs, [&](const Scalar& s) { return relation_holds(n.op, compare_lit(s, n.lit)); });
  }
}

// Two fields: relations hold for any pair; != and === need both present.
bool test_fields(const Node& n, const Event& ev) {
  bool seen = false;
  auto pair_test = [&](auto&& pred) {
    return any_value(ev, n.lhs, [&](const Scalar& a) {
      return any_value(ev, n.rhs, [&](const Scalar& b) {
        seen = true;
        return pred(compare(a, b));
      });
    });
  };
  switch (n.op) {
    case Op::Ne: {
      bool eq = pair_test([](Cmp c) { return c == Equal; });
      return seen && !eq;
    }
    case Op::AllEq: {
      bool differs = pair_test([](Cmp c) { return c != Equal; });
      return seen && !differs;
    }
    default:
      return pair_test([&](Cmp c) { return relation_holds(n.op, c); });
  }
}

bool eval_node(const Program& p, int idx, const Event& ev) {
  const Node& n = p.nodes[size_t(idx)];
  switch (n.type) {
    case Node::And: return eval_node(p, n.a, ev) && eval_node(p, n.b, ev);
    case Node::Or: return eval_node(p, n.a, ev) || eval_node(p, n.b, ev);
    case Node::Xor: return eval_node(p, n.a, ev) != eval_node(p, n.b, ev);
    case Node::Not: return !eval_node(p, n.a, ev);
    case Node::Test: return n.rhs_field ? test_fields(n, ev) : test_literal(n, ev);
  }
  return false;
}

}  // namespace

bool eval(const Program& p, const Event& ev) { return eval_node(p, p.root, ev); }

}  // namespace strato::dfilter
