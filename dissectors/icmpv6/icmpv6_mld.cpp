// Multicast Listener Discovery: MLDv1 (RFC 2710) and MLDv2 (RFC 3810).
#include "icmpv6_fields.h"

namespace strato::icmpv6 {
namespace {

const ValueName kRecordNames[] = {{1, "Include"},           {2, "Exclude"},           {3, "Changed to include"},
                                  {4, "Changed to exclude"}, {5, "Allow new sources"}, {6, "Block old sources"},
                                  {0, nullptr}};

bool report_v2(DissectContext& ctx, const Fields& hf, Tvb tvb, int top) {
  if (!tvb.has(4, 4)) return false;
  ctx.add_bytes(hf.reserved, tvb, 4, 2, top);
  uint16_t n = tvb.u16(6);
  ctx.add_uint(hf.mldr_nrec, tvb, 6, 2, n, top);
  uint32_t off = 8;
  for (uint16_t i = 0; i < n; ++i) {
    if (!tvb.has(off, 20)) return false;
    uint8_t rtype = tvb.u8(off), aux = tvb.u8(off + 1);
    uint16_t nsrc = tvb.u16(off + 2);
    uint32_t rlen = 20 + nsrc * 16u + aux * 4u;
    int rec = ctx.add_label(hf.mldr_mar, tvb, off, rlen, {}, top);
    if (ctx.want_labels()) {
      const char* rn = name_of(kRecordNames, rtype);
      ctx.set_label(rec, std::string("Multicast Address Record ") + (rn ? rn : "Unknown") + ": " +
                             net::ipv6_text(tvb.data + off + 4));
    }
    ctx.add_uint(hf.mldr_type, tvb, off, 1, rtype, rec);
    ctx.add_uint(hf.mldr_aux_len, tvb, off + 1, 1, aux, rec);
    ctx.add_uint(hf.mldr_nsrc, tvb, off + 2, 2, nsrc, rec);
    ctx.add_bytes(hf.mldr_mcast, tvb, off + 4, 16, rec);
    off += 20;
    for (uint16_t s = 0; s < nsrc; ++s, off += 16) {
      if (!tvb.has(off, 16)) return false;
      ctx.add_bytes(hf.mldr_src, tvb, off, 16, rec);
    }
    if (aux) {
      if (!tvb.has(off, aux * 4u)) return false;
      ctx.add_bytes(hf.mldr_aux, tvb, off, aux * 4u, rec);
      off += aux * 4u;
    }
  }
  return true;
}

}  // namespace

bool dissect_mld(DissectContext& ctx, const Fields& hf, uint8_t type, Tvb tvb, int top) {
  if (type == 143) return report_v2(ctx, hf, tvb, top);
  if (!tvb.has(4, 20)) return false;
  // A query longer than MLDv1's 24 bytes is an MLDv2 query.
  const bool v2 = type == 130 && tvb.len > 24;
  ctx.add_uint(v2 ? hf.mld_code : hf.mld_delay, tvb, 4, 2, tvb.u16(4), top);
  ctx.add_bytes(hf.reserved, tvb, 6, 2, top);
  ctx.add_bytes(hf.mld_mcast, tvb, 8, 16, top);
  if (!v2) return true;
  if (!tvb.has(24, 4)) return false;
  Bit b[3] = {{hf.mld_s, 0x08, "Suppress Router-Side Processing", Bit::TrueFalse},
              {hf.mld_qrv, 0x07, "QRV (Querier's Robustness Variable)", Bit::Number},
              {hf.mld_frsv, 0xf0, "Reserved", Bit::Number}};
  add_flags(ctx, tvb, 24, 1, hf.mld_flag, "Flags", b, 3, top);
  ctx.add_uint(hf.mld_qqi, tvb, 25, 1, tvb.u8(25), top);
  uint16_t n = tvb.u16(26);
  ctx.add_uint(hf.mld_nsrc, tvb, 26, 2, n, top);
  for (uint32_t i = 0, off = 28; i < n; ++i, off += 16) {
    if (!tvb.has(off, 16)) return false;
    ctx.add_bytes(hf.mld_src, tvb, off, 16, top);
  }
  return true;
}

}  // namespace strato::icmpv6
