#include "dns_labels.h"

#include "strato/format.h"

namespace strato::dns {

void append_duration(uint32_t secs, std::string& out) {
  if (secs == 0) {
    out += "0 seconds";
    return;
  }
  const struct {
    uint32_t size;
    const char* unit;
  } units[4] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  bool first = true;
  for (auto& u : units) {
    uint32_t n = secs / u.size;
    secs %= u.size;
    if (!n) continue;
    if (!first) out += ", ";
    first = false;
    append_uint(n, out);
    out += ' ';
    out += u.unit;
    if (n != 1) out += 's';
  }
}

void label_duration(DissectContext& ctx, int item, FieldId f, std::string_view name, uint32_t secs) {
  if (!labelable(ctx, item, f)) return;
  std::string l(name);
  l += ": ";
  append_uint(secs, l);
  l += " (";
  append_duration(secs, l);
  l += ')';
  ctx.set_label(item, l);
}

int add_duration(DissectContext& ctx, FieldId f, Tvb m, uint32_t off, std::string_view name, int parent) {
  uint32_t v = m.u32(off);
  int i = ctx.add_uint(f, m, off, 4, v, parent);
  label_duration(ctx, i, f, name, v);
  return i;
}

void label_unknown(DissectContext& ctx, int item, FieldId f, std::string_view name, uint64_t v, unsigned hex_digits) {
  if (!labelable(ctx, item, f)) return;
  std::string l(name);
  l += ": Unknown (";
  if (hex_digits)
    append_hex(v, hex_digits, l);
  else
    append_uint(v, l);
  l += ')';
  ctx.set_label(item, l);
}

int add_bytes_shown(DissectContext& ctx, FieldId f, Tvb m, uint32_t off, uint32_t len, std::string_view name,
                    int parent) {
  int i = ctx.add_bytes(f, m, off, len, parent);
  if ((len == 0 || len > 36) && labelable(ctx, i, f)) {
    static const char* hex = "0123456789abcdef";
    std::string l(name);
    l += ": ";
    if (len == 0) l += "<MISSING>";
    for (uint32_t k = 0; k < len && k < 36; ++k) {
      l.push_back(hex[m.u8(off + k) >> 4]);
      l.push_back(hex[m.u8(off + k) & 15]);
    }
    if (len > 36) l += "\xe2\x80\xa6";
    ctx.set_label(i, l);
  }
  return i;
}

}  // namespace strato::dns
