#include "dns_opt.h"

#include <cstring>

#include "dns_labels.h"
#include "dns_values.h"
#include "strato/format.h"

namespace strato::dns {

namespace {

const char* lookup(const ValueName* t, uint64_t v) {
  for (; t->name; ++t)
    if (t->value == v) return t->name;
  return nullptr;
}

// RFC 7871: the address is cut to its prefix; tshark pads it back with zeros.
void client_subnet(DissectContext& ctx, const Fields& F, Tvb m, uint32_t d, uint32_t len, int parent) {
  if (len < 4) return;
  unsigned family = m.u16(d);
  ctx.add_uint(F.opt_client_family, m, d, 2, family, parent);
  ctx.add_uint(F.opt_client_netmask, m, d + 2, 1, m.u8(d + 2), parent);
  ctx.add_uint(F.opt_client_scope, m, d + 3, 1, m.u8(d + 3), parent);
  uint32_t alen = len - 4;
  uint8_t addr[16] = {};
  if (family == 1 && alen <= 4) {
    std::memcpy(addr, m.data + d + 4, alen);
    ctx.add_ipv4(F.opt_client_addr4, m, d + 4, uint32_t(addr[0]) << 24 | addr[1] << 16 | addr[2] << 8 | addr[3],
                 parent);
  } else if (family == 2 && alen <= 16) {
    std::memcpy(addr, m.data + d + 4, alen);
    ctx.add_bytes(F.opt_client_addr6, Tvb{addr, 16, Tvb::kDetached}, 0, 16, parent);
  } else {
    ctx.add_bytes(F.opt_client_addr, m, d + 4, alen, parent);
  }
}

void each_byte(DissectContext& ctx, FieldId f, Tvb m, uint32_t d, uint32_t len, int parent) {
  for (uint32_t i = 0; i < len; ++i) ctx.add_uint(f, m, d + i, 1, m.u8(d + i), parent);
}

void option_body(DissectContext& ctx, const Fields& F, Tvb m, unsigned code, uint32_t d, uint32_t len, int oi) {
  switch (code) {
    case 5: each_byte(ctx, F.opt_dau, m, d, len, oi); break;
    case 6: each_byte(ctx, F.opt_dhu, m, d, len, oi); break;
    case 7: each_byte(ctx, F.opt_n3u, m, d, len, oi); break;
    case 8: client_subnet(ctx, F, m, d, len, oi); break;
    case 10:  // COOKIE (RFC 7873): 8-byte client cookie, then the server's
      if (len < 8) break;
      ctx.add_bytes(F.opt_cookie_client, m, d, 8, oi);
      add_bytes_shown(ctx, F.opt_cookie_server, m, d + 8, len - 8, "Server Cookie", oi);
      break;
    case 11:
      if (len == 2) ctx.add_uint(F.opt_keepalive_timeout, m, d, 2, m.u16(d), oi);
      break;
    case 12: add_bytes_shown(ctx, F.opt_padding, m, d, len, "Padding", oi); break;
    case 13:
      if (len) {
        std::string_view s = m.str(d, len);
        s = s.substr(0, s.find('\0'));  // the wire-format name read as a C string
        int i = ctx.add_string(F.opt_chain_fqdn, m, d, len, s, oi);
        if (labelable(ctx, i, F.opt_chain_fqdn)) {
          std::string l = "Closest Trust Point: ";
          append_format_text(s, l);
          ctx.set_label(i, l);
        }
      }
      break;
    case 15: {  // Extended DNS Error (RFC 8914)
      if (len < 2) break;
      unsigned ic = m.u16(d);
      int i = ctx.add_uint(F.opt_ede_code, m, d, 2, ic, oi);
      if (!lookup(kDnsEdeInfoCodeNames, ic) && labelable(ctx, i, F.opt_ede_code)) {
        std::string l = ic >= 49152 ? "Info Code: Reserved for Private Use (" : "Info Code: Unassigned (";
        append_uint(ic, l);
        l += ')';
        ctx.set_label(i, l);
      }
      if (len > 2) ctx.add_string(F.opt_ede_text, m, d + 2, len - 2, m.str(d + 2, len - 2), oi);
      break;
    }
    default: break;
  }
}

}  // namespace

void dissect_opt_options(DissectContext& ctx, const Fields& F, Tvb m, uint32_t o, uint32_t end, int parent) {
  while (o + 4 <= end) {
    unsigned code = m.u16(o), olen = m.u16(o + 2);
    const char* cn = lookup(kDnsOptCodeNames, code);
    int oi = ctx.add_label(F.opt, m, o, 4 + olen, "", parent);
    if (labelable(ctx, oi, F.opt)) {
      std::string l = "Option: ";
      if (cn) {
        l += cn;
      } else {
        l += "Unknown (";
        append_uint(code, l);
        l += ')';
      }
      ctx.set_label(oi, l);
    }
    int ci = ctx.add_uint(F.opt_code, m, o, 2, code, oi);
    if (!cn) label_unknown(ctx, ci, F.opt_code, "Option Code", code, 0);
    ctx.add_uint(F.opt_len, m, o + 2, 2, olen, oi);
    if (o + 4 + olen > end) break;
    add_bytes_shown(ctx, F.opt_data, m, o + 4, olen, "Option Data", oi);
    option_body(ctx, F, m, code, o + 4, olen, oi);
    o += 4 + olen;
  }
}

}  // namespace strato::dns
