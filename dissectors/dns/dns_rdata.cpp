#include "dns_rdata.h"

#include "dns_labels.h"
#include "dns_message.h"
#include "dns_name.h"
#include "strato/format.h"

namespace strato::dns {

namespace {

// A name inside RDATA; false when it does not parse.
bool add_name(DissectContext& ctx, FieldId f, Tvb msg, uint32_t off, int parent, Name& n) {
  read_name(msg, off, n);
  ctx.add_string(f, msg, off, n.wire_len, n.text, parent);
  return n.ok;
}

// Type bit maps (RFC 4034 4.1.2): <window, length, bits>; tshark files each
// type present as dns.resp.type.
void add_type_bitmaps(DissectContext& ctx, const Fields& F, Tvb msg, uint32_t p, uint32_t end, int parent) {
  while (p + 2 <= end) {
    unsigned window = msg.u8(p), len = msg.u8(p + 1);
    p += 2;
    if (len > end - p) return;
    for (unsigned i = 0; i < len * 8; ++i) {
      if (!(msg.u8(p + i / 8) & (0x80 >> (i % 8)))) continue;
      unsigned type = window * 256 + i;
      int it = ctx.add_uint(F.resp_type, msg, p + i / 8, 1, type, parent);
      if (ctx.want_labels() && it >= 0 && ctx.dissection().fields[it].id == F.resp_type)
        ctx.set_label(it, std::string("RR type in bit map: ") + type_long_name(type));
    }
    p += len;
  }
}

// tshark's note for a type it cannot decode, then the raw data.
void undecoded(DissectContext& ctx, const Fields& F, Tvb msg, uint32_t off, uint32_t rdlen, unsigned type,
               int parent) {
  if (ctx.want_labels() || !ctx.skipped(F.undecoded_type)) {
    std::string m = "Dissector for DNS Type (" + std::to_string(type) +
                    ") code not implemented, Contact Wireshark developers if you want this supported";
    ctx.add_expert(F.undecoded_type, msg, off, rdlen, parent, ExpertSeverity::Note, ExpertGroup::Undecoded, m);
  }
  add_bytes_shown(ctx, F.data, msg, off, rdlen, "Data", parent);
}

}  // namespace

bool dissect_rdata(DissectContext& ctx, const Fields& F, Tvb msg, uint32_t off, uint32_t rdlen, unsigned type,
                   int parent, RdataText& t) {
  if (!msg.has(off, rdlen)) return false;
  Name n;
  switch (type) {
    case 1: {  // A
      if (rdlen < 4) return false;
      uint32_t addr = msg.u32(off);
      ctx.add_ipv4(F.a, msg, off, addr, parent);
      std::string s;
      append_ipv4(addr, s);
      t.label = ", addr " + s;
      t.info = " " + s;
      return true;
    }
    case 28: {  // AAAA
      if (rdlen < 16) return false;
      ctx.add_bytes(F.aaaa, msg, off, 16, parent);
      std::string s;
      append_ipv6(msg.data + off, s);
      t.label = ", addr " + s;
      t.info = " " + s;
      return true;
    }
    case 2:   // NS
    case 5:   // CNAME
    case 12:  // PTR
    {
      FieldId f = type == 2 ? F.ns : type == 5 ? F.cname : F.ptr;
      bool ok = add_name(ctx, f, msg, off, parent, n);
      const char* what = type == 2 ? ", ns " : type == 5 ? ", cname " : ", ";  // tshark 4.0: PTR bare
      t.label = what + n.text;
      t.info = " " + n.text;
      return ok;
    }
    case 6: {  // SOA
      if (!add_name(ctx, F.soa_mname, msg, off, parent, n)) return false;
      t.label = ", mname " + n.text;
      t.info = " " + n.text;
      uint32_t p = off + n.wire_len;
      Name r;
      if (!add_name(ctx, F.soa_rname, msg, p, parent, r)) return false;
      p += r.wire_len;
      if (!msg.has(p, 20)) return false;
      ctx.add_uint(F.soa_serial, msg, p, 4, msg.u32(p), parent);
      add_duration(ctx, F.soa_refresh, msg, p + 4, "Refresh Interval", parent);
      add_duration(ctx, F.soa_retry, msg, p + 8, "Retry Interval", parent);
      add_duration(ctx, F.soa_expire, msg, p + 12, "Expire limit", parent);
      add_duration(ctx, F.soa_minimum, msg, p + 16, "Minimum TTL", parent);
      return true;
    }
    case 15: {  // MX
      if (rdlen < 3) return false;
      unsigned pref = msg.u16(off);
      ctx.add_uint(F.mx_pref, msg, off, 2, pref, parent);
      bool ok = add_name(ctx, F.mx_exchange, msg, off + 2, parent, n);
      t.label = ", preference " + std::to_string(pref) + ", mx " + n.text;
      t.info = " ";
      t.info += std::to_string(pref);
      t.info += " ";
      t.info += n.text;
      return ok;
    }
    case 16: {  // TXT: several <length, text> strings
      uint32_t p = off, end = off + rdlen;
      while (p < end) {
        uint8_t len = msg.u8(p);
        ctx.add_uint(F.txt_len, msg, p, 1, len, parent);
        if (p + 1 + len > end) return false;
        ctx.add_bytes(F.txt, msg, p + 1, len, parent);
        p += 1 + len;
      }
      return true;
    }
    case 33: {  // SRV
      if (rdlen < 7) return false;
      unsigned pr = msg.u16(off), w = msg.u16(off + 2), port = msg.u16(off + 4);
      ctx.add_uint(F.srv_priority, msg, off, 2, pr, parent);
      ctx.add_uint(F.srv_weight, msg, off + 2, 2, w, parent);
      ctx.add_uint(F.srv_port, msg, off + 4, 2, port, parent);
      bool ok = add_name(ctx, F.srv_target, msg, off + 6, parent, n);
      t.label = ", priority " + std::to_string(pr) + ", weight " + std::to_string(w) + ", port " +
                std::to_string(port) + ", target " + n.text;
      t.info = " ";
      for (unsigned v : {pr, w, port}) t.info += std::to_string(v) + " ";
      t.info += n.text;
      return ok;
    }
    case 47: {  // NSEC (RFC 4034 4.1): next owner name, then the type bit maps
      bool ok = add_name(ctx, F.nsec_next, msg, off, parent, n);
      t.label = ", next domain name " + n.text;
      t.info = " " + n.text;
      if (ok) add_type_bitmaps(ctx, F, msg, off + n.wire_len, off + rdlen, parent);
      return ok;
    }
    case 44: {  // SSHFP (RFC 4255)
      if (rdlen < 2) return false;
      ctx.add_uint(F.sshfp_algorithm, msg, off, 1, msg.u8(off), parent);
      ctx.add_uint(F.sshfp_fp_type, msg, off + 1, 1, msg.u8(off + 1), parent);
      if (rdlen > 2) add_bytes_shown(ctx, F.sshfp_fp, msg, off + 2, rdlen - 2, "Fingerprint", parent);
      return true;
    }
    case 46: {  // RRSIG (RFC 4034 3.1)
      if (rdlen < 18) return false;
      ctx.add_uint(F.rrsig_type_covered, msg, off, 2, msg.u16(off), parent);
      ctx.add_uint(F.rrsig_algorithm, msg, off + 2, 1, msg.u8(off + 2), parent);
      ctx.add_uint(F.rrsig_labels, msg, off + 3, 1, msg.u8(off + 3), parent);
      add_duration(ctx, F.rrsig_original_ttl, msg, off + 4, "Original TTL", parent);
      ctx.add_abs_time(F.rrsig_expiration, uint64_t(msg.u32(off + 8)) * 1000000000ull, parent, 0);
      ctx.add_abs_time(F.rrsig_inception, uint64_t(msg.u32(off + 12)) * 1000000000ull, parent, 0);
      ctx.add_uint(F.rrsig_key_tag, msg, off + 16, 2, msg.u16(off + 16), parent);
      if (!add_name(ctx, F.rrsig_signers_name, msg, off + 18, parent, n) || n.wire_len > rdlen - 18) return false;
      uint32_t sig = off + 18 + n.wire_len;
      add_bytes_shown(ctx, F.rrsig_signature, msg, sig, off + rdlen - sig, "Signature", parent);
      return true;
    }
    case 256:  // URI (RFC 7553): tshark 4.0 has no decoder for it
      undecoded(ctx, F, msg, off, rdlen, type, parent);
      return true;
    default:
      return true;  // other types: the record's generic fields only
  }
}

}  // namespace strato::dns
