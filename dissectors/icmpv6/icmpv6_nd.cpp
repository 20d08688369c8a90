// Router/Neighbor Discovery (RFC 4861) bodies and their options, with the
// tree texts and Info additions of tshark 4.0.
#include <cstdio>
#include <cstring>

#include "icmpv6_fields.h"

namespace strato::icmpv6 {
namespace {

// A prefix carried in fewer than 16 bytes (Route Information, PREF64) is
// shown zero-filled; the copy lives in `buf` until the item is recorded.
void add_short_prefix(DissectContext& ctx, FieldId f, Tvb tvb, uint32_t off, uint32_t n, int parent, uint8_t* buf) {
  std::memset(buf, 0, 16);
  std::memcpy(buf, tvb.data + off, n > 16 ? 16 : n);
  int item = ctx.add_bytes(f, Tvb{buf, 16, Tvb::kDetached}, 0, 16, parent);
  (void)item;
}

// A DNS Search List name: labels without compression; returns bytes used.
uint32_t dns_name(Tvb tvb, uint32_t off, uint32_t end, std::string& out) {
  uint32_t p = off;
  while (p < end) {
    uint32_t l = tvb.u8(p++);
    if (l == 0) break;
    if (p + l > end) l = end - p;
    if (!out.empty()) out.push_back('.');
    out.append(tvb.str(p, l));
    p += l;
  }
  return p - off;
}

class Options {
 public:
  Options(DissectContext& ctx, const Fields& hf, Dissector* ipv6, std::string& info)
      : ctx_(ctx), hf_(hf), ipv6_(ipv6), info_(info), labels_(ctx.want_labels()) {}

  // Walks the options from `off`; false when one runs past the data.
  bool all(Tvb tvb, uint32_t off, int parent) {
    while (off < tvb.len) {
      if (!tvb.has(off, 2)) return false;
      uint8_t type = tvb.u8(off), units = tvb.u8(off + 1);
      uint32_t len = units * 8u;
      int item = ctx_.add_label(hf_.opt, tvb, off, len ? len : 2, {}, parent);
      const char* tname = name_of(kOptionTypes, type);
      std::string text;
      if (labels_) text = std::string("ICMPv6 Option (") + (tname ? tname : "Unknown " + std::to_string(type));
      int ti = ctx_.add_uint(hf_.opt_type, tvb, off, 1, type, item);
      if (labels_ && !tname) ctx_.set_label(ti, "Type: Unknown (" + std::to_string(type) + ")");
      int li = ctx_.add_uint(hf_.opt_len, tvb, off + 1, 1, units, item);
      if (labels_) ctx_.set_label(li, "Length: " + std::to_string(units) + " (" + std::to_string(len) + " bytes)");
      if (len == 0) {
        // tshark stops here, before it closes the parenthesis.
        if (labels_) ctx_.set_label(item, text);
        ctx_.add_expert(hf_.invalid_len, tvb, off + 1, 1, li, ExpertSeverity::Error, ExpertGroup::Malformed,
                        "Invalid option length (Zero)");
        return true;
      }
      len_item_ = li;
      bool ok = tvb.has(off, len) && one(tvb, off, type, len, item, text);
      if (labels_) ctx_.set_label(item, text + ")");
      if (!ok) return false;
      off += len;
    }
    return true;
  }

 private:
  bool one(Tvb tvb, uint32_t off, uint8_t type, uint32_t len, int item, std::string& text);
  // A 32-bit lifetime whose all-ones value means forever.
  void lifetime(FieldId f, const char* name, Tvb tvb, uint32_t off, int parent) {
    uint32_t v = tvb.u32(off);
    int i = ctx_.add_uint(f, tvb, off, 4, v, parent);
    if (labels_ && v == 0xffffffffu) ctx_.set_label(i, std::string(name) + ": Infinity (4294967295)");
  }

  DissectContext& ctx_;
  const Fields& hf_;
  Dissector* ipv6_;
  std::string& info_;
  bool labels_;
  int len_item_ = -1;
  uint8_t prefix_buf_[16];
};

bool Options::one(Tvb tvb, uint32_t off, uint8_t type, uint32_t len, int item, std::string& text) {
  uint32_t p = off + 2, end = off + len;
  switch (type) {
    case 1:
    case 2: {
      if (len != 8) break;
      ctx_.add_bytes(hf_.linkaddr, tvb, p, 6, item);
      ctx_.add_bytes(type == 1 ? hf_.src_linkaddr : hf_.target_linkaddr, tvb, p, 6, item, FieldValue::Hidden);
      std::string mac = net::ether_text(tvb.data + p);
      if (labels_) text += " : " + mac;
      info_.append(type == 1 ? " from " : " is at ").append(mac);
      return true;
    }
    case 3: {
      if (len != 32) break;
      uint8_t plen = tvb.u8(p);
      ctx_.add_uint(hf_.pfx_len, tvb, p, 1, plen, item);
      static const Bit bits[] = {{0, 0x80, "On-link flag(L)", Bit::SetNotSet},
                                 {0, 0x40, "Autonomous address-configuration flag(A)", Bit::SetNotSet},
                                 {0, 0x20, "Router address flag(R)", Bit::SetNotSet},
                                 {0, 0x1f, "Reserved", Bit::Number}};
      Bit b[4] = {bits[0], bits[1], bits[2], bits[3]};
      b[0].f = hf_.pfx_l, b[1].f = hf_.pfx_a, b[2].f = hf_.pfx_r, b[3].f = hf_.pfx_rsv;
      add_flags(ctx_, tvb, p + 1, 1, hf_.pfx_flag, "Flag", b, 4, item);
      lifetime(hf_.pfx_valid, "Valid Lifetime", tvb, p + 2, item);
      lifetime(hf_.pfx_pref, "Preferred Lifetime", tvb, p + 6, item);
      ctx_.add_label(hf_.opt_reserved, tvb, p + 10, 4, "Reserved", item);
      ctx_.add_bytes(hf_.prefix, tvb, p + 14, 16, item);
      if (labels_) text += " : " + net::ipv6_text(tvb.data + p + 14) + "/" + std::to_string(plen);
      return true;
    }
    case 4: {
      ctx_.add_label(hf_.opt_reserved, tvb, p, 6, "Reserved", item);
      ctx_.add_label(hf_.redirected, tvb, p + 6, len - 8, "Redirected Packet", item);
      Tvb inner = tvb.sub(p + 6, len - 8);
      if (inner.len && ipv6_) {
        PacketInfo saved = ctx_.pinfo;
        ctx_.pinfo.in_error_packet = true;
        ctx_.call(ipv6_, inner, item);
        ctx_.pinfo = saved;
      }
      return true;
    }
    case 5:
    case 7: {
      if (len != 8) break;
      uint32_t v = tvb.u32(p + 2);
      ctx_.add_label(hf_.opt_reserved, tvb, p, 2, "Reserved", item);
      ctx_.add_uint(type == 5 ? hf_.mtu : hf_.adv_int, tvb, p + 2, 4, v, item);
      if (labels_) text += " : " + std::to_string(v);
      return true;
    }
    case 8: {
      if (len != 8) break;
      ctx_.add_label(hf_.opt_reserved, tvb, p, 2, "Reserved", item);
      ctx_.add_uint(hf_.ha_pref, tvb, p + 2, 2, tvb.u16(p + 2), item);
      ctx_.add_uint(hf_.ha_life, tvb, p + 4, 2, tvb.u16(p + 4), item);
      return true;
    }
    case 24: {
      if (len > 24) break;
      uint8_t plen = tvb.u8(p);
      ctx_.add_uint(hf_.pfx_len, tvb, p, 1, plen, item);
      Bit b[2] = {{hf_.ri_prf, 0x18, "Route Preference", Bit::Named, kPrf}, {hf_.ri_rsv, 0xe7, "Reserved", Bit::Number}};
      add_flags(ctx_, tvb, p + 1, 1, hf_.ri_flag, "Flag", b, 2, item);
      lifetime(hf_.ri_life, "Route Lifetime", tvb, p + 2, item);
      if (len > 8) add_short_prefix(ctx_, hf_.prefix, tvb, p + 6, len - 8, item, prefix_buf_);
      if (labels_) {
        uint8_t a[16] = {};
        std::memcpy(a, tvb.data + p + 6, len - 8);
        text += std::string(" : ") + name_of(kPrf, (tvb.u8(p + 1) >> 3) & 3) + " " + net::ipv6_text(a) + "/" +
                std::to_string(plen);
      }
      return true;
    }
    case 25: {
      ctx_.add_label(hf_.opt_reserved, tvb, p, 2, "Reserved", item);
      lifetime(hf_.rdnss_life, "Lifetime", tvb, p + 2, item);
      for (uint32_t a = p + 6; a + 16 <= end; a += 16) {
        ctx_.add_bytes(hf_.rdnss, tvb, a, 16, item);
        if (labels_) text += " " + net::ipv6_text(tvb.data + a);
      }
      return true;
    }
    case 31: {
      ctx_.add_label(hf_.opt_reserved, tvb, p, 2, "Reserved", item);
      lifetime(hf_.dnssl_life, "Lifetime", tvb, p + 2, item);
      for (uint32_t a = p + 6; a < end;) {
        if (tvb.u8(a) == 0) {
          ctx_.add_label(hf_.opt_padding, tvb, a, end - a, "Padding", item);
          break;
        }
        std::string name;
        uint32_t used = dns_name(tvb, a, end, name);
        ctx_.add_string(hf_.dnssl, tvb, a, used, name, item);
        if (labels_) text += " " + name;
        a += used;
      }
      return true;
    }
    case 38: {
      if (len != 16) break;
      uint16_t v = tvb.u16(p);
      int li = ctx_.add_uint(hf_.p64_life, tvb, p, 2, v >> 3, item);
      int pi = ctx_.add_uint(hf_.p64_plc, tvb, p, 2, v & 7, item);
      if (labels_) {
        ctx_.set_label(li, net::bits_label(v, 16, 0xfff8, "Scaled Lifetime: " + std::to_string(v >> 3)));
        const char* n = name_of(kPlc, v & 7);
        char buf[80];
        std::snprintf(buf, sizeof buf, "PLC (Prefix Length Code): %s (0x%x)", n ? n : "Unknown", v & 7);
        ctx_.set_label(pi, net::bits_label(v, 16, 0x0007, buf));
      }
      // The prefix length code says how many prefix bytes follow.
      static const uint8_t kBytes[] = {12, 8, 7, 6, 5, 4};
      if ((v & 7) < 6)
        add_short_prefix(ctx_, hf_.p64_prefix, tvb, p + 2, kBytes[v & 7], item, prefix_buf_);
      else
        ctx_.add_expert(hf_.invalid_len, tvb, off + 1, 1, len_item_, ExpertSeverity::Error, ExpertGroup::Malformed,
                        "Invalid Option Length");
      return true;
    }
    default:
      break;
  }
  // Options not decoded here, or with a length their layout does not fit.
  if (!name_of(kOptionTypes, type))
    ctx_.add_expert(hf_.undecoded, tvb, off, len, item, ExpertSeverity::Note, ExpertGroup::Undecoded,
                    "Dissector for ICMPv6 Option (" + std::to_string(type) +
                        ") code not implemented, Contact Wireshark developers if you want this supported");
  if (end > p) ctx_.add_bytes(hf_.opt_data, tvb, p, end - p, item);
  return true;
}

}  // namespace

bool dissect_nd(DissectContext& ctx, const Fields& hf, Dissector* ipv6, uint8_t type, Tvb tvb, int top,
                std::string& info) {
  const bool labels = ctx.want_labels();
  uint32_t opts = 0;
  switch (type) {
    case 133:
      if (!tvb.has(4, 4)) return false;
      ctx.add_bytes(hf.reserved, tvb, 4, 4, top);
      opts = 8;
      break;
    case 134: {
      if (!tvb.has(4, 12)) return false;
      ctx.add_uint(hf.ra_hop, tvb, 4, 1, tvb.u8(4), top);
      Bit b[6] = {{hf.ra_m, 0x80, "Managed address configuration", Bit::SetNotSet},
                  {hf.ra_o, 0x40, "Other configuration", Bit::SetNotSet},
                  {hf.ra_h, 0x20, "Home Agent", Bit::SetNotSet},
                  {hf.ra_prf, 0x18, "Prf (Default Router Preference)", Bit::Named, kPrf},
                  {hf.ra_p, 0x04, "Proxy", Bit::SetNotSet},
                  {hf.ra_rsv, 0x03, "Reserved", Bit::Number}};
      add_flags(ctx, tvb, 5, 1, hf.ra_flag, "Flags", b, 6, top);
      ctx.add_uint(hf.ra_life, tvb, 6, 2, tvb.u16(6), top);
      ctx.add_uint(hf.ra_reach, tvb, 8, 4, tvb.u32(8), top);
      ctx.add_uint(hf.ra_retrans, tvb, 12, 4, tvb.u32(12), top);
      opts = 16;
      break;
    }
    case 135:
      if (!tvb.has(4, 20)) return false;
      ctx.add_bytes(hf.reserved, tvb, 4, 4, top);
      ctx.add_bytes(hf.ns_target, tvb, 8, 16, top);
      info += " for " + net::ipv6_text(tvb.data + 8);
      opts = 24;
      break;
    case 136: {
      if (!tvb.has(4, 20)) return false;
      Bit b[4] = {{hf.na_r, 0x80000000u, "Router", Bit::SetNotSet},
                  {hf.na_s, 0x40000000u, "Solicited", Bit::SetNotSet},
                  {hf.na_o, 0x20000000u, "Override", Bit::SetNotSet},
                  {hf.na_rsv, 0x1fffffffu, "Reserved", Bit::Number}};
      add_flags(ctx, tvb, 4, 4, hf.na_flag, "Flags", b, 4, top);
      ctx.add_bytes(hf.na_target, tvb, 8, 16, top);
      uint8_t f = tvb.u8(4);
      info += " " + net::ipv6_text(tvb.data + 8);
      std::string flags;
      if (f & 0x80) flags += "rtr";
      if (f & 0x40) flags += flags.empty() ? "sol" : ", sol";
      if (f & 0x20) flags += flags.empty() ? "ovr" : ", ovr";
      if (!flags.empty()) info += " (" + flags + ")";
      opts = 24;
      break;
    }
    case 137:
      if (!tvb.has(4, 36)) return false;
      ctx.add_bytes(hf.reserved, tvb, 4, 4, top);
      ctx.add_bytes(hf.rd_target, tvb, 8, 16, top);
      ctx.add_bytes(hf.rd_dst, tvb, 24, 16, top);
      opts = 40;
      break;
    default:
      return true;
  }
  (void)labels;
  Options o(ctx, hf, ipv6, info);
  return o.all(tvb, opts, top);
}

}  // namespace strato::icmpv6
