#include "dns_message.h"

#include <cstdio>

#include "dns_labels.h"
#include "dns_name.h"
#include "dns_opt.h"
#include "dns_rdata.h"
#include "dns_values.h"
#include "strato/format.h"

namespace strato::dns {

namespace {

constexpr uint64_t kRetransmitWindowNs = 5000000000ull;  // tshark's default dns.retransmission_timer

const char* lookup(const ValueName* t, uint64_t v) {
  for (; t->name; ++t)
    if (t->value == v) return t->name;
  return nullptr;
}

const char* class_name(unsigned c) {
  const char* n = lookup(kDnsQryClassNames, c);
  return n ? n : "Unknown";
}

// "1... .... .... .... = Response: Message is a response"
std::string bits_label(uint16_t value, uint16_t mask, const char* name, const std::string& shown) {
  std::string s;
  for (int b = 15; b >= 0; --b) {
    if (b != 15 && b % 4 == 3) s.push_back(' ');
    s.push_back((mask >> b & 1) ? ((value >> b & 1) ? '1' : '0') : '.');
  }
  return s + " = " + name + ": " + shown;
}

void add_flag(DissectContext& ctx, FieldId f, Tvb msg, uint16_t flags, uint16_t mask, const char* name,
              const char* yes, const char* no, int parent) {
  bool v = flags & mask;
  int i = ctx.add_bool(f, msg, 2, 2, v, parent);
  if (labelable(ctx, i, f)) ctx.set_label(i, bits_label(flags, mask, name, v ? yes : no));
}

// tshark 4.0 files an SRV record's owner name (_service._proto.name, RFC
// 2782) as its three parts, split at the first two dots, instead of
// dns.resp.name; a shorter name yields only the leading parts.
void add_owner_name(DissectContext& ctx, const Fields& F, Tvb m, uint32_t p, const Name& n, unsigned type, int parent) {
  if (type != 33) {
    ctx.add_string(F.resp_name, m, p, n.wire_len, n.text, parent);
    return;
  }
  const FieldId parts[3] = {F.srv_service, F.srv_proto, F.srv_name};
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t dot = i < 2 ? n.text.find('.', start) : std::string::npos;
    ctx.add_string(parts[i], m, p, n.wire_len, n.text.substr(start, dot == std::string::npos ? dot : dot - start), parent);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
}

// mDNS keeps the class in the low 15 bits; tshark shows it masked.
void add_mdns_class(DissectContext& ctx, FieldId f, Tvb m, uint32_t off, int parent) {
  uint16_t raw = m.u16(off);
  int i = ctx.add_uint(f, m, off, 2, raw & 0x7fff, parent);
  if (!ctx.want_labels() || i < 0 || ctx.dissection().fields[i].id != f) return;
  std::string hex;
  append_hex(raw & 0x7fff, 4, hex);
  ctx.set_label(i, bits_label(raw, 0x7fff, "Class", std::string(class_name(raw & 0x7fff)) + " (" + hex + ")"));
}

// AA, TC, RD, RA, Z, AD and CD as tshark shows them (RA and AA only in responses).
void add_dns_flags(DissectContext& ctx, const Fields& F, Tvb m, uint16_t flags, bool response, int parent) {
  if (response)
    add_flag(ctx, F.f_authoritative, m, flags, 0x400, "Authoritative", "Server is an authority for domain",
             "Server is not an authority for domain", parent);
  add_flag(ctx, F.f_truncated, m, flags, 0x200, "Truncated", "Message is truncated", "Message is not truncated", parent);
  add_flag(ctx, F.f_recdesired, m, flags, 0x100, "Recursion desired", "Do query recursively",
           "Don't do query recursively", parent);
  if (response)
    add_flag(ctx, F.f_recavail, m, flags, 0x80, "Recursion available", "Server can do recursive queries",
             "Server can't do recursive queries", parent);
  add_flag(ctx, F.f_z, m, flags, 0x40, "Z", "reserved - incorrect!", "reserved (0)", parent);
  if (response)
    add_flag(ctx, F.f_authenticated, m, flags, 0x20, "Answer authenticated",
             "Answer/authority portion was authenticated by the server",
             "Answer/authority portion was not authenticated by the server", parent);
  else if (flags & 0x20)  // tshark 4.0 shows a query's AD bit (RFC 6840 5.7) only when set
    add_flag(ctx, F.f_authenticated, m, flags, 0x20, "AD bit", "Set", "Not set", parent);
  add_flag(ctx, F.f_checkdisable, m, flags, 0x10, "Non-authenticated data", "Acceptable", "Unacceptable", parent);
}

// RFC 4795 section 2.1.1: C (conflict) and T (tentative) replace AA and RD;
// there are no RA, Z, AD or CD bits.
void add_llmnr_flags(DissectContext& ctx, const Fields& F, Tvb m, uint16_t flags, bool response, int parent) {
  if (response)
    add_flag(ctx, F.f_conflict, m, flags, 0x400, "Conflict", "The name is not considered unique",
             "The name is considered unique", parent);
  else
    add_flag(ctx, F.f_conflict, m, flags, 0x400, "Conflict", "The sender received multiple responses", "None",
             parent);
  add_flag(ctx, F.f_truncated, m, flags, 0x200, "Truncated", "Message is truncated", "Message is not truncated",
           parent);
  add_flag(ctx, F.f_tentative, m, flags, 0x100, "Tentative", "Tentative", "Not tentative", parent);
}

uint64_t match_key(uint64_t conv, uint16_t id) { return conv * 0x9e3779b97f4a7c15ull ^ id; }

}  // namespace

const char* opcode_info_name(unsigned opcode, std::string& scratch) {
  if (const char* n = lookup(kDnsFlagsOpcodeNames, opcode)) return n;
  scratch = "Unknown operation (" + std::to_string(opcode) + ")";
  return scratch.c_str();
}

const char* type_long_name(unsigned type) {
  const char* n = lookup(kDnsQryTypeNames, type);
  return n ? n : "Unknown";
}

const char* type_short_name(unsigned type, std::string& scratch) {
  if (type == 255) return "ANY";
  const char* n = lookup(kDnsQryTypeNames, type);
  if (!n) {
    scratch = "Unknown (" + std::to_string(type) + ")";
    return scratch.c_str();
  }
  const char* sp = n;
  while (*sp && *sp != ' ') ++sp;
  scratch.assign(n, sp);
  return scratch.c_str();
}

bool looks_like_dns(Tvb m) {
  if (m.len <= 12) return false;
  uint16_t flags = m.u16(2);
  if (flags & 0x7800) return false;  // standard queries and responses only
  if (flags & 0x0040) return false;  // Z must be zero
  unsigned qd = m.u16(4), an = m.u16(6), ns = m.u16(8), ar = m.u16(10);
  bool response = flags & 0x8000;
  if (!response && (qd != 1 || an != 0 || ns != 0)) return false;
  if (response && qd > 1) return false;
  if (an > 128 || ns > 128 || ar > 128) return false;
  if (qd + an + ns + ar == 0) return false;
  uint32_t p = 12;
  Name n;
  for (unsigned i = 0; i < qd; ++i) {
    read_name(m, p, n);
    if (!n.ok) return false;
    p += n.wire_len;
    if (!m.has(p, 4)) return false;
    p += 4;
  }
  for (unsigned i = 0; i < an + ns + ar; ++i) {
    read_name(m, p, n);
    if (!n.ok) return false;
    p += n.wire_len;
    if (!m.has(p, 10)) return false;
    uint32_t rdlen = m.u16(p + 8);
    p += 10;
    if (!m.has(p, rdlen)) return false;
    p += rdlen;
  }
  return p == m.len;
}

void dissect_message(DissectContext& ctx, const Fields& F, MatchState& st, uint64_t conv, Tvb m, int top,
                     Flavor flavor) {
  std::string& info = ctx.info();
  std::string scratch;
  const bool mdns = flavor == Flavor::Mdns, llmnr = flavor == Flavor::Llmnr;
  auto fail = [&] {
    const Event& ev = ctx.event();
    if (ev.cap_len < ev.orig_len && m.base != Tvb::kDetached && m.base + m.len >= ev.cap_len) {
      info.append("[Packet size limited during capture]");
    } else if (ctx.dissection().malformed) {
      info.append("[Malformed Packet]");  // another message of the same segment, as tshark marks each
    } else {
      ctx.mark_malformed(mdns ? "mDNS" : llmnr ? "LLMNR" : "DNS", top);
    }
  };
  const char* title = mdns ? "Multicast Domain Name System" : llmnr ? "Link-local Multicast Name Resolution"
                                                                    : "Domain Name System";
  // tshark reads ID and flags before anything else, then adds the header
  // fields one by one: a message cut inside the counts still shows its ID.
  if (!m.has(0, 4)) {
    ctx.set_label(top, title);
    fail();
    return;
  }
  uint16_t id = m.u16(0), flags = m.u16(2);
  bool response = flags & 0x8000;
  unsigned opcode = (flags >> 11) & 0xf, rcode = flags & 0xf;
  if (ctx.want_labels()) ctx.set_label(top, std::string(title) + (response ? " (response)" : " (query)"));

  info.append(opcode_info_name(opcode, scratch));
  if (response) info.append(" response");
  char idbuf[16];
  std::snprintf(idbuf, sizeof idbuf, " 0x%04x", id);
  info.append(idbuf);
  const char* rcode_name = lookup(kDnsFlagsRcodeNames, rcode);
  if (response && rcode != 0) {
    info.push_back(' ');
    info.append(rcode_name ? rcode_name : ("Unknown error (" + std::to_string(rcode) + ")").c_str());
  }

  ctx.add_uint(F.id, m, 0, 2, id, top);
  int fi = ctx.add_uint(F.flags, m, 2, 2, flags, top);
  if (labelable(ctx, fi, F.flags)) {
    const char* op = lookup(kDnsFlagsOpcodeNames, opcode);
    std::string l = "Flags: ";
    append_hex(flags, 4, l);
    l += " ";
    l += op ? op : "Unknown operation";
    if (response) {
      l += " response, ";
      l += rcode_name ? rcode_name : "Unknown error";
    }
    ctx.set_label(fi, l);
  }
  add_flag(ctx, F.f_response, m, flags, 0x8000, "Response", "Message is a response", "Message is a query", fi);
  {
    int i = ctx.add_uint(F.f_opcode, m, 2, 2, opcode, fi);
    const char* op = lookup(kDnsFlagsOpcodeNames, opcode);
    if (labelable(ctx, i, F.f_opcode))
      ctx.set_label(i, bits_label(flags, 0x7800, "Opcode", std::string(op ? op : "Unknown") + " (" +
                                                              std::to_string(opcode) + ")"));
  }
  if (llmnr)
    add_llmnr_flags(ctx, F, m, flags, response, fi);
  else
    add_dns_flags(ctx, F, m, flags, response, fi);
  if (response) {
    int i = ctx.add_uint(F.f_rcode, m, 2, 2, rcode, fi);
    if (labelable(ctx, i, F.f_rcode))
      ctx.set_label(i, bits_label(flags, 0xf, "Reply code",
                                std::string(rcode_name ? rcode_name : "Unknown") + " (" + std::to_string(rcode) + ")"));
  }
  unsigned counts[4];
  const FieldId count_f[4] = {F.count_queries, F.count_answers, F.count_auth, F.count_add};
  for (int i = 0; i < 4; ++i) {
    if (!m.has(4 + 2 * i, 2)) {
      fail();
      return;
    }
    counts[i] = m.u16(4 + 2 * i);
    ctx.add_uint(count_f[i], m, 4 + 2 * i, 2, counts[i], top);
  }

  uint32_t p = 12;
  Name n;
  std::string first_qname;
  unsigned first_qtype = 0;
  bool ok = true;
  // tshark opens a section only with bytes left for it (a subtree to the
  // end of an exhausted buffer throws).
  if (counts[0] && p >= m.len) ok = false;
  if (counts[0] && ok) {
    int sect = ctx.add_label(F.text, m, p, 0, "Queries", top);
    for (unsigned q = 0; q < counts[0] && ok; ++q) {
      uint32_t start = p;
      read_name(m, p, n);
      if (!n.ok || !m.has(p + n.wire_len, 4)) {
        ok = false;
        break;
      }
      int qi = ctx.add_label(F.text, m, p, 0, "", sect);
      ctx.add_string(F.qry_name, m, p, n.wire_len, n.text, qi);
      ctx.add_uint(F.qry_name_len, m, p, n.wire_len, n.text.size() > 1 ? n.text.size() : 0, qi,
                   FieldValue::Generated);
      unsigned labels = 0;  // tshark counts the dots of the shown text
      if (n.text.size() > 1)
        for (char c : n.text) labels += c == '.';
      ctx.add_uint(F.count_labels, m, p, n.wire_len, n.text.size() > 1 ? labels + 1 : 0, qi, FieldValue::Generated);
      p += n.wire_len;
      unsigned type = m.u16(p), cls = m.u16(p + 2);
      ctx.add_uint(F.qry_type, m, p, 2, type, qi);
      const char* qu = "";
      if (mdns) {
        cls &= 0x7fff;
        bool unicast = m.u16(p + 2) & 0x8000;
        add_mdns_class(ctx, F.qry_class, m, p + 2, qi);
        add_flag(ctx, F.qry_qu, m.sub(p + 2 - 2), m.u16(p + 2), 0x8000, "\"QU\" question", "True", "False", qi);
        qu = unicast ? ", \"QU\" question" : ", \"QM\" question";
      } else {
        int ci = ctx.add_uint(F.qry_class, m, p + 2, 2, cls, qi);
        if (!lookup(kDnsQryClassNames, cls)) label_unknown(ctx, ci, F.qry_class, "Class", cls, 4);
      }
      p += 4;
      ctx.set_length(qi, p - start);
      const char* tname = type_short_name(type, scratch);
      if (ctx.want_labels()) ctx.set_label(qi, n.text + ": type " + tname + ", class " + class_name(cls) + qu);
      info.append(" ").append(tname).append(" ").append(n.text).append(qu);
      if (q == 0) {
        first_qname = n.text;
        first_qtype = type;
      }
    }
    ctx.set_length(sect, p - 12);
  }

  static const char* const kSections[3] = {"Answers", "Authoritative nameservers", "Additional records"};
  for (int s = 0; s < 3 && ok; ++s) {
    if (!counts[s + 1]) continue;
    if (p >= m.len) {
      ok = false;
      break;
    }
    uint32_t sect_start = p;
    int sect = ctx.add_label(F.text, m, p, 0, kSections[s], top);
    for (unsigned r = 0; r < counts[s + 1]; ++r) {
      uint32_t start = p;
      read_name(m, p, n);
      if (!n.ok || !m.has(p + n.wire_len, 10)) {
        ok = false;
        break;
      }
      int ri = ctx.add_label(F.text, m, p, 0, "", sect);
      add_owner_name(ctx, F, m, p, n, m.u16(p + n.wire_len), ri);
      p += n.wire_len;
      unsigned type = m.u16(p), cls = m.u16(p + 2);
      uint32_t ttl = m.u32(p + 4), rdlen = m.u16(p + 8);
      std::string tname = type_short_name(type, scratch);
      ctx.add_uint(F.resp_type, m, p, 2, type, ri);
      info += " " + tname;
      RdataText text;
      if (type == 41) {  // OPT pseudo-record (RFC 6891): class and TTL carry EDNS values
        ctx.add_uint(F.udp_payload_size, m, p + 2, 2, cls, ri);
        ctx.add_uint(F.ext_rcode, m, p + 4, 1, ttl >> 24, ri);
        ctx.add_uint(F.edns0_version, m, p + 5, 1, (ttl >> 16) & 0xff, ri);
        uint16_t z = ttl & 0xffff;
        int zi = ctx.add_uint(F.resp_z, m, p + 6, 2, z, ri);
        int d = ctx.add_bool(F.z_do, m, p + 6, 2, z & 0x8000, zi);
        if (labelable(ctx, d, F.z_do))
          ctx.set_label(d, bits_label(z, 0x8000, "DO bit",
                                      (z & 0x8000) ? "Accepts DNSSEC security RRs" : "Cannot handle DNSSEC security RRs"));
        int rz = ctx.add_uint(F.z_reserved, m, p + 6, 2, z & 0x7fff, zi);
        if (labelable(ctx, rz, F.z_reserved)) {
          std::string rs;
          append_hex(z & 0x7fff, 4, rs);
          ctx.set_label(rz, bits_label(z, 0x7fff, "Reserved", rs));
        }
        ctx.add_uint(F.resp_len, m, p + 8, 2, rdlen, ri);
        p += 10;
        if (!m.has(p, rdlen)) {
          ok = false;
          break;
        }
        uint32_t end = p + rdlen;
        dissect_opt_options(ctx, F, m, p, end, ri);
        p = end;
        if (ctx.want_labels()) ctx.set_label(ri, n.text + ": type " + tname);
      } else {
        const char* flush = "";
        if (mdns) {
          add_mdns_class(ctx, F.resp_class, m, p + 2, ri);
          add_flag(ctx, F.resp_cache_flush, m.sub(p + 2 - 2), cls, 0x8000, "Cache flush", "True", "False", ri);
          if (cls & 0x8000) flush = ", cache flush";
          cls &= 0x7fff;
          info += flush;
        } else {
          int ci = ctx.add_uint(F.resp_class, m, p + 2, 2, cls, ri);
          if (!lookup(kDnsQryClassNames, cls)) label_unknown(ctx, ci, F.resp_class, "Class", cls, 4);
        }
        add_duration(ctx, F.resp_ttl, m, p + 4, "Time to live", ri);
        ctx.add_uint(F.resp_len, m, p + 8, 2, rdlen, ri);
        p += 10;
        if (!dissect_rdata(ctx, F, m, p, rdlen, type, ri, text)) {
          ok = false;
          break;
        }
        p += rdlen;
        info += text.info;
        if (ctx.want_labels())
          ctx.set_label(ri, n.text + ": type " + tname + ", class " + class_name(cls) + flush + text.label);
      }
      ctx.set_length(ri, p - start);
    }
    ctx.set_length(sect, p - sect_start);
  }

  // tshark adds the matching items last, so a message cut short has none.
  if (ok && !ctx.pinfo.in_error_packet) {
    const Event& ev = ctx.event();
    uint64_t key = match_key(conv, id);
    auto it = st.pending.find(key);
    if (!response) {
      if (it != st.pending.end() && it->second.rep_frame == 0 && it->second.req_frame != ev.number &&
          it->second.qname == first_qname && it->second.qtype == first_qtype &&
          ev.ts_ns - it->second.req_ts < kRetransmitWindowNs) {
        ctx.add_bool(F.retransmission, m, 0, 0, true, top, FieldValue::Generated);
        ctx.add_uint(F.retransmit_request_in, m, 0, 0, it->second.req_frame, top, FieldValue::Generated);
      } else {
        Transaction& t = st.pending[key];
        t.req_frame = ev.number;
        t.rep_frame = 0;
        t.req_ts = ev.ts_ns;
        t.qname = first_qname;
        t.qtype = static_cast<uint16_t>(first_qtype);
      }
    } else if (it != st.pending.end()) {
      Transaction& t = it->second;
      if (t.rep_frame == 0) t.rep_frame = ev.number;
      if (t.rep_frame != ev.number) {
        ctx.add_bool(F.retransmission, m, 0, 0, true, top, FieldValue::Generated);
        ctx.add_uint(F.retransmit_response_in, m, 0, 0, t.rep_frame, top, FieldValue::Generated);
      }
      ctx.add_uint(F.response_to, m, 0, 0, t.req_frame, top, FieldValue::Generated);
      ctx.add_rel_time(F.time, static_cast<int64_t>(ev.ts_ns - t.req_ts), top);
    } else if (mdns || llmnr) {  // tshark marks unanswered-looking replies only on the multicast services
      ctx.add_bool(F.unsolicited, m, 0, 0, true, top, FieldValue::Generated);
    }
  }
  if (!ok) fail();
}

}  // namespace strato::dns
