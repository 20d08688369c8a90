#include "tcp_options.h"

#include "netcommon.h"

#include <cstdio>

namespace strato::tcp {
namespace {

const ValueName kKinds[] = {{0, "End of Option List"},
                            {1, "No-Operation"},
                            {2, "Maximum Segment Size"},
                            {3, "Window Scale"},
                            {4, "SACK Permitted"},
                            {5, "SACK"},
                            {8, "Time Stamp Option"},
                            {19, "MD5 Signature Option"},
                            {28, "User Timeout"},
                            {29, "TCP Authentication Option"},
                            {30, "Multipath TCP"},
                            {34, "TCP Fast Open Cookie"},
                            {172, "Accurate ECN Order 0"},
                            {174, "Accurate ECN Order 1"},
                            {253, "RFC3692-style Experiment 1"},
                            {254, "RFC3692-style Experiment 2"},
                            {0, nullptr}};

const ValueName kExids[] = {{0xacc0, "Accurate ECN - Order 0"},
                            {0xacc1, "Accurate ECN - Order 1"},
                            {0xacce, "Accurate ECN"},
                            {0xf989, "Fast Open"},
                            {0, nullptr}};

// AccECN byte counters (3 bytes each) in `c`; order 1 sends them reversed.
// Returns the item text after the option name.
std::string acc_ecn(DissectContext& ctx, const OptionFields& F, Tvb c, bool order1, int it, std::string& info) {
  const FieldId order0_f[] = {F.ee0b, F.eceb, F.ee1b}, order1_f[] = {F.ee1b, F.eceb, F.ee0b};
  const char* order0_n[] = {"EE0B", "ECEB", "EE1B"};
  const char* order1_n[] = {"EE1B", "ECEB", "EE0B"};
  std::string text;
  for (uint32_t i = 0; i < 3 && c.has(i * 3, 3); ++i) {
    uint32_t v = (uint32_t(c.u8(i * 3)) << 16) | (uint32_t(c.u8(i * 3 + 1)) << 8) | c.u8(i * 3 + 2);
    ctx.add_uint(order1 ? order1_f[i] : order0_f[i], c, i * 3, 3, v, it);
    const char* n = order1 ? order1_n[i] : order0_n[i];
    text += std::string(i ? ", " : "") + n + " " + std::to_string(v);
    info += std::string(" ") + n + "=" + std::to_string(v);
  }
  return text;
}

// Fast Open: an empty cookie asks for one.
void tfo(DissectContext& ctx, const OptionFields& F, Tvb c, int it, std::string& info, bool pure_syn) {
  if (c.len == 0) {
    ctx.add_label(F.tfo_request, c, 0, 0, "Fast Open Cookie Request", it);
    info += " TFO=R";
  } else {
    int ci = ctx.add_bytes(F.tfo_cookie, c, 0, c.len, it);
    info += " TFO=C";
    if (pure_syn && (ctx.want_labels() || !ctx.skipped(F.tfo_syn)))
      ctx.add_expert(F.tfo_syn, c, 0, c.len, ci, ExpertSeverity::Note, ExpertGroup::Sequence, "TCP SYN with TFO Cookie");
  }
}

}  // namespace

void OptionFields::register_fields(FieldRegistry& reg, FieldId p) {
  options = reg.add_field(p, "tcp.options", "TCP Options", FieldType::Bytes);
  kind = reg.add_field(p, "tcp.option_kind", "Kind", FieldType::UInt, Base::Dec, 8, 0, kKinds);
  len = reg.add_field(p, "tcp.option_len", "Length", FieldType::UInt, Base::Dec, 8);
  mss = reg.add_field(p, "tcp.options.mss", "TCP MSS Option", FieldType::Bytes);
  mss_val = reg.add_field(p, "tcp.options.mss_val", "MSS Value", FieldType::UInt, Base::Dec, 16);
  wscale = reg.add_field(p, "tcp.options.wscale", "TCP Window Scale Option", FieldType::Bytes);
  wscale_shift = reg.add_field(p, "tcp.options.wscale.shift", "Shift count", FieldType::UInt, Base::Dec, 8);
  wscale_mult = reg.add_field(p, "tcp.options.wscale.multiplier", "Multiplier", FieldType::UInt, Base::Dec, 16);
  sack_perm = reg.add_field(p, "tcp.options.sack_perm", "TCP SACK Permitted Option", FieldType::Bytes);
  sack = reg.add_field(p, "tcp.options.sack", "TCP SACK Option", FieldType::Bytes);
  sack_le = reg.add_field(p, "tcp.options.sack_le", "TCP SACK Left Edge", FieldType::UInt, Base::Dec, 32);
  sack_re = reg.add_field(p, "tcp.options.sack_re", "TCP SACK Right Edge", FieldType::UInt, Base::Dec, 32);
  sack_count = reg.add_field(p, "tcp.options.sack.count", "TCP SACK Count", FieldType::UInt, Base::Dec, 8);
  timestamp = reg.add_field(p, "tcp.options.time_stamp", "TCP Time Stamp Option", FieldType::Bytes);
  tsval = reg.add_field(p, "tcp.options.timestamp.tsval", "Timestamp value", FieldType::UInt, Base::Dec, 32);
  tsecr = reg.add_field(p, "tcp.options.timestamp.tsecr", "Timestamp echo reply", FieldType::UInt, Base::Dec, 32);
  nop = reg.add_field(p, "tcp.options.nop", "TCP Option - No-Operation (NOP)", FieldType::Bytes);
  eol = reg.add_field(p, "tcp.options.eol", "TCP Option - End of Option List (EOL)", FieldType::Bytes);
  unknown = reg.add_field(p, "tcp.options.unknown", "Unknown", FieldType::Bytes);
  unknown_payload = reg.add_field(p, "tcp.options.unknown.payload", "Payload", FieldType::Bytes);
  exp = reg.add_field(p, "tcp.options.experimental", "TCP Option - Experimental", FieldType::Bytes);
  exp_exid = reg.add_field(p, "tcp.options.experimental.exid", "Experiment Identifier", FieldType::UInt, Base::Hex, 16, 0, kExids);
  exp_data = reg.add_field(p, "tcp.options.experimental.data", "Data", FieldType::Bytes);
  acc_ecn = reg.add_field(p, "tcp.options.acc_ecn", "TCP Option - Accurate ECN", FieldType::Bytes);
  ee0b = reg.add_field(p, "tcp.options.acc_ecn.ee0b", "Accurate ECN Echo ECT(0) Byte Counter", FieldType::UInt, Base::Dec, 24);
  eceb = reg.add_field(p, "tcp.options.acc_ecn.eceb", "Accurate ECN Echo CE Byte Counter", FieldType::UInt, Base::Dec, 24);
  ee1b = reg.add_field(p, "tcp.options.acc_ecn.ee1b", "Accurate ECN Echo ECT(1) Byte Counter", FieldType::UInt, Base::Dec, 24);
  tfo = reg.add_field(p, "tcp.options.tfo", "TCP Option - TCP Fast Open", FieldType::Bytes);
  tfo_request = reg.add_field(p, "tcp.options.tfo.request", "Fast Open Cookie Request", FieldType::Label);
  tfo_cookie = reg.add_field(p, "tcp.options.tfo.cookie", "Fast Open Cookie", FieldType::Bytes);
  tfo_syn = reg.add_field(p, "tcp.analysis.tfo_syn", "TCP SYN with TFO Cookie", FieldType::Label);
}

OptionResult dissect_options(DissectContext& ctx, const OptionFields& F, Tvb tvb, int parent, uint32_t seq_base,
                             bool relative_sack, bool pure_syn) {
  OptionResult r;
  int top = ctx.add_bytes(F.options, tvb, 0, tvb.len, parent);
  r.item = top;
  // Tree text is built only for -V and Info pieces only for summary lines:
  // options are on nearly every segment.
  const bool L = ctx.want_labels(), C = ctx.want_columns();
  std::string summary;
  if (L) summary = "Options: (" + std::to_string(tvb.len) + " bytes)";
  auto note = [&](const char* a) {
    if (L) summary += a;
  };
  auto info_uint = [&](const char* key, uint64_t v) {
    if (!C) return;
    r.info += key;
    append_uint(v, r.info);
  };
  uint32_t off = 0;
  char buf[160];
  while (off < tvb.len) {
    uint8_t kind = tvb.u8(off);
    if (kind == 0 || kind == 1) {
      int it = ctx.add_bytes(kind == 0 ? F.eol : F.nop, tvb, off, 1, top);
      net::label(ctx, it, [&] { return kind == 0 ? "TCP Option - End of Option List (EOL)" : "TCP Option - No-Operation (NOP)"; });
      ctx.add_uint(F.kind, tvb, off, 1, kind, it);
      note(kind == 0 ? ", End of Option List (EOL)" : ", No-Operation (NOP)");
      ++off;  // tshark goes on after an EOL and shows whatever follows
      continue;
    }
    if (!tvb.has(off, 2)) {
      r.truncated = true;
      break;
    }
    uint8_t len = tvb.u8(off + 1);
    if (len < 2 || !tvb.has(off, len)) {
      // tshark reports a bad length and stops looking at options.
      r.truncated = !tvb.has(off, len < 2 ? 2 : len);
      break;
    }
    Tvb o = tvb.sub(off, len);
    switch (kind) {
      case 2:
        r.mss = true;
        if (len == 4) {
          uint16_t v = o.u16(2);
          int it = ctx.add_bytes(F.mss, o, 0, len, top);
          net::label(ctx, it, [&] {
            std::snprintf(buf, sizeof buf, "TCP Option - Maximum segment size: %u bytes", v);
            return std::string(buf);
          });
          ctx.add_uint(F.kind, o, 0, 1, kind, it);
          ctx.add_uint(F.len, o, 1, 1, len, it);
          ctx.add_uint(F.mss_val, o, 2, 2, v, it);
          note(", Maximum segment size");
          info_uint(" MSS=", v);
        }
        break;
      case 3:
        if (len == 3) {
          uint8_t s = o.u8(2);
          unsigned mult = 1u << (s > 14 ? 14 : s);
          int it = ctx.add_bytes(F.wscale, o, 0, len, top);
          net::label(ctx, it, [&] {
            std::snprintf(buf, sizeof buf, "TCP Option - Window scale: %u (multiply by %u)", s, mult);
            return std::string(buf);
          });
          ctx.add_uint(F.kind, o, 0, 1, kind, it);
          ctx.add_uint(F.len, o, 1, 1, len, it);
          ctx.add_uint(F.wscale_shift, o, 2, 1, s, it);
          ctx.add_uint(F.wscale_mult, o, 2, 1, mult, it, FieldValue::Generated);
          note(", Window scale");
          r.ws_shift = s;
          info_uint(" WS=", mult);
        }
        break;
      case 4:
        if (len == 2) {
          int it = ctx.add_bytes(F.sack_perm, o, 0, len, top);
          net::label(ctx, it, [&] { return "TCP Option - SACK permitted"; });
          ctx.add_uint(F.kind, o, 0, 1, kind, it);
          ctx.add_uint(F.len, o, 1, 1, len, it);
          note(", SACK permitted");
          if (C) r.info += " SACK_PERM";
        }
        break;
      case 5: {
        int it = ctx.add_bytes(F.sack, o, 0, len, top);
        std::string label = "TCP Option - SACK";
        ctx.add_uint(F.kind, o, 0, 1, kind, it);
        ctx.add_uint(F.len, o, 1, 1, len, it);
        unsigned n = 0;
        for (uint32_t p = 2; p + 8 <= len; p += 8, ++n) {
          uint32_t le = o.u32(p) - (relative_sack ? seq_base : 0), re = o.u32(p + 4) - (relative_sack ? seq_base : 0);
          ctx.add_uint(F.sack_le, o, p, 4, le, it);
          ctx.add_uint(F.sack_re, o, p + 4, 4, re, it);
          if (L) label += " " + std::to_string(le) + "-" + std::to_string(re);
          info_uint(" SLE=", le);
          info_uint(" SRE=", re);
        }
        ctx.add_uint(F.sack_count, o, 0, 0, n, it, FieldValue::Generated);
        net::label(ctx, it, [&] { return label; });
        note(", SACK");
        break;
      }
      case 8:
        if (len == 10) {
          uint32_t tsv = o.u32(2), tse = o.u32(6);
          int it = ctx.add_bytes(F.timestamp, o, 0, len, top);
          net::label(ctx, it, [&] {
            std::snprintf(buf, sizeof buf, "TCP Option - Timestamps: TSval %u, TSecr %u", tsv, tse);
            return std::string(buf);
          });
          ctx.add_uint(F.kind, o, 0, 1, kind, it);
          ctx.add_uint(F.len, o, 1, 1, len, it);
          ctx.add_uint(F.tsval, o, 2, 4, tsv, it);
          ctx.add_uint(F.tsecr, o, 6, 4, tse, it);
          note(", Timestamps");
          info_uint(" TSval=", tsv);
          info_uint(" TSecr=", tse);
        }
        break;
      case 34: {
        int it = ctx.add_bytes(F.tfo, o, 0, len, top);
        ctx.add_uint(F.kind, o, 0, 1, kind, it);
        ctx.add_uint(F.len, o, 1, 1, len, it);
        tfo(ctx, F, o.sub(2), it, r.info, pure_syn);
        net::label(ctx, it, [&] { return len == 2 ? "TCP Option - TCP Fast Open: Cookie Request" : "TCP Option - TCP Fast Open: Cookie"; });
        note(", TCP Fast Open");
        break;
      }
      case 172:
      case 174: {
        int it = ctx.add_bytes(F.acc_ecn, o, 0, len, top);
        ctx.add_uint(F.kind, o, 0, 1, kind, it);
        ctx.add_uint(F.len, o, 1, 1, len, it);
        bool order1 = kind == 174;
        std::string t = acc_ecn(ctx, F, o.sub(2), order1, it, r.info);
        net::label(ctx, it, [&] { return std::string("TCP Option - Accurate ECN (Order ") + (order1 ? "1" : "0") + "): " + t; });
        note(order1 ? ", Accurate ECN Order 1" : ", Accurate ECN Order 0");
        break;
      }
      case 253:
      case 254: {
        int it = ctx.add_bytes(F.exp, o, 0, len, top);
        ctx.add_uint(F.kind, o, 0, 1, kind, it);
        ctx.add_uint(F.len, o, 1, 1, len, it);
        std::string t = "TCP Option - Experimental";
        if (len >= 4) {
          uint16_t exid = o.u16(2);
          ctx.add_uint(F.exp_exid, o, 2, 2, exid, it);
          Tvb d = o.sub(4);
          if (exid == 0xf989) {
            tfo(ctx, F, d, it, r.info, pure_syn);
            t += ": Fast Open";
          } else if (exid == 0xacc0 || exid == 0xacc1) {
            bool order1 = exid == 0xacc1;
            std::string c = acc_ecn(ctx, F, d, order1, it, r.info);
            t += std::string(order1 ? ": Accurate ECN - Order 1: Accurate ECN (Order 1): " : ": Accurate ECN - Order 0: Accurate ECN (Order 0): ") + c;
          } else if (d.len) {
            ctx.add_bytes(F.exp_data, d, 0, d.len, it);
          }
        }
        net::label(ctx, it, [&] { return t; });
        note(", Experimental");
        break;
      }
      default: {
        int it = ctx.add_bytes(F.unknown, o, 0, len, top);
        const char* name = nullptr;
        for (const ValueName* v = kKinds; v->name; ++v)
          if (v->value == kind) name = v->name;
        net::label(ctx, it, [&] { return std::string("TCP Option - ") + (name ? name : "Unknown") + " (" + std::to_string(kind) + ")"; });
        ctx.add_uint(F.kind, o, 0, 1, kind, it);
        ctx.add_uint(F.len, o, 1, 1, len, it);
        if (len > 2) ctx.add_bytes(F.unknown_payload, o, 2, len - 2, it);
        if (L) summary += std::string(", ") + (name ? name : "Unknown");
      }
    }
    off += len;
  }
  net::label(ctx, top, [&] { return summary; });
  return r;
}

}  // namespace strato::tcp
