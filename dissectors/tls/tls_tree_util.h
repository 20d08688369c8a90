#pragma once
// Small helpers shared by the TLS message parsers: value lookups and the
// tree labels tshark builds by hand (counts, cut byte strings, unknown names).
#include <string>

#include "strato/dissector.h"

namespace strato::tls {

inline const char* lookup(const ValueName* t, uint64_t v) {
  for (; t->name; ++t)
    if (t->value == v) return t->name;
  return nullptr;
}

// "Cipher Suites (31 suites)", "Compression Methods (1 method)"
inline std::string counted(const char* title, uint32_t n, const char* unit) {
  return std::string(title) + " (" + std::to_string(n) + " " + unit + (n == 1 ? ")" : "s)");
}

inline void append_hex(Tvb t, uint32_t off, uint32_t n, std::string& out) {
  static const char* hex = "0123456789abcdef";
  for (uint32_t k = 0; k < n; ++k) {
    out.push_back(hex[t.u8(off + k) >> 4]);
    out.push_back(hex[t.u8(off + k) & 15]);
  }
}

// tshark shows at most 36 bytes of a byte string in the tree, then "…".
inline std::string cut_hex(Tvb t, uint32_t off, uint32_t n) {
  std::string s;
  append_hex(t, off, std::min<uint32_t>(n, 36), s);
  if (n > 36) s += "\xe2\x80\xa6";
  return s;
}

inline int add_cut_bytes(DissectContext& ctx, FieldId f, Tvb t, uint32_t off, uint32_t n, int parent) {
  int i = ctx.add_bytes(f, t, off, n, parent);
  if (n > 36 && ctx.want_labels() && i >= 0 && ctx.dissection().fields[i].id == f)
    ctx.set_label(i, FieldRegistry::instance().info(f).name + ": " + cut_hex(t, off, n));
  return i;
}

// A named integer whose value has no name reads "Unknown (8)" in tshark.
inline int add_named_uint(DissectContext& ctx, FieldId f, Tvb t, uint32_t off, uint32_t n, uint64_t v, int parent) {
  int i = ctx.add_uint(f, t, off, n, v, parent);
  if (ctx.want_labels() && i >= 0 && ctx.dissection().fields[i].id == f) {
    const FieldInfo& fi = FieldRegistry::instance().info(f);
    if (fi.names && !fi.value_name(v)) ctx.set_label(i, fi.name + ": Unknown (" + std::to_string(v) + ")");
  }
  return i;
}

}  // namespace strato::tls
