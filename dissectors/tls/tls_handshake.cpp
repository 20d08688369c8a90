#include "tls_handshake.h"

#include "tls_values.h"
#include "x509_layers.h"

namespace strato::tls {

namespace {

const char* lookup(const ValueName* t, uint64_t v) {
  for (; t->name; ++t)
    if (t->value == v) return t->name;
  return nullptr;
}

void append_info(std::string& info, const std::string& s) {
  if (!info.empty()) info += ", ";
  info += s;
}

// "Cipher Suites (31 suites)", "Compression Methods (1 method)"
std::string counted(const char* title, uint32_t n, const char* unit) {
  return std::string(title) + " (" + std::to_string(n) + " " + unit + (n == 1 ? ")" : "s)");
}

void hello_extensions(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, bool server,
                      Session& s, int parent) {
  if (p + 2 > end) return;
  uint32_t total = h.u16(p);
  ctx.add_uint(F.extensions_length, h, p, 2, total, parent);
  p += 2;
  end = std::min(end, p + total);
  while (p + 4 <= end) {
    unsigned type = h.u16(p), len = h.u16(p + 2);
    const char* tn = lookup(kTlsHandshakeExtensionTypeNames, type);
    int e = ctx.add_label(F.text, h, p, 4 + len,
                          std::string("Extension: ") + (tn ? tn : "Unknown type " + std::to_string(type)) +
                              " (len=" + std::to_string(len) + ")",
                          parent);
    ctx.add_uint(F.ext_type, h, p, 2, type, e);
    ctx.add_uint(F.ext_len, h, p + 2, 2, len, e);
    uint32_t d = p + 4, dend = d + len;
    if (dend > end) break;
    if (type == 0 && !server && len >= 2) {  // server_name
      ctx.add_uint(F.sni_list_len, h, d, 2, h.u16(d), e);
      uint32_t q = d + 2;
      while (q + 3 <= dend) {
        unsigned nt = h.u8(q), nl = h.u16(q + 1);
        ctx.add_uint(F.sni_type, h, q, 1, nt, e);
        ctx.add_uint(F.sni_len, h, q + 1, 2, nl, e);
        if (q + 3 + nl > dend) break;
        ctx.add_bytes(F.sni, h, q + 3, nl, e);
        q += 3 + nl;
      }
    } else if (type == 16 && len >= 2) {  // application_layer_protocol_negotiation
      ctx.add_uint(F.alpn_len, h, d, 2, h.u16(d), e);
      uint32_t q = d + 2;
      int list = ctx.add_label(F.alpn_list, h, q, dend - q, "ALPN Protocol", e);
      while (q + 1 <= dend) {
        unsigned sl = h.u8(q);
        ctx.add_uint(F.alpn_str_len, h, q, 1, sl, list);
        if (q + 1 + sl > dend) break;
        ctx.add_bytes(F.alpn_str, h, q + 1, sl, list);
        q += 1 + sl;
      }
    } else if (type == 43) {  // supported_versions
      if (server && len == 2) {
        ctx.add_uint(F.supported_version, h, d, 2, h.u16(d), e);
        s.version = h.u16(d);
      } else if (!server && len >= 1) {
        uint32_t q = d + 1, qend = std::min(dend, d + 1 + h.u8(d));
        for (; q + 2 <= qend; q += 2) ctx.add_uint(F.supported_version, h, q, 2, h.u16(q), e);
      }
    }
    p = dend;
  }
}

void hello(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, bool server, Session& s,
           int parent) {
  if (p + 2 + 32 + 1 > end) return;
  uint16_t ver = h.u16(p);
  ctx.add_uint(F.hs_version, h, p, 2, ver, parent);
  int ri = ctx.add_bytes(F.random, h, p + 2, 32, parent);
  ctx.add_abs_time(F.random_time, uint64_t(h.u32(p + 2)) * 1000000000ull, ri, 0);
  ctx.add_bytes(F.random_bytes, h, p + 6, 28, ri);
  p += 34;
  unsigned sid = h.u8(p);
  ctx.add_uint(F.session_id_length, h, p, 1, sid, parent);
  if (p + 1 + sid > end) return;
  if (sid) ctx.add_bytes(F.session_id, h, p + 1, sid, parent);
  p += 1 + sid;
  if (server) {
    if (p + 3 > end) return;
    ctx.add_uint(F.ciphersuite, h, p, 2, h.u16(p), parent);
    ctx.add_uint(F.comp_method, h, p + 2, 1, h.u8(p + 2), parent);
    p += 3;
    s.version = ver;
  } else {
    if (p + 2 > end) return;
    unsigned cl = h.u16(p);
    ctx.add_uint(F.cipher_suites_length, h, p, 2, cl, parent);
    p += 2;
    if (p + cl > end) return;
    int cs = ctx.add_label(F.ciphersuites, h, p, cl, "", parent);
    if (ctx.want_labels()) ctx.set_label(cs, counted("Cipher Suites", cl / 2, "suite"));
    for (uint32_t q = p; q + 2 <= p + cl; q += 2) ctx.add_uint(F.ciphersuite, h, q, 2, h.u16(q), cs);
    p += cl;
    if (p + 1 > end) return;
    unsigned ml = h.u8(p);
    ctx.add_uint(F.comp_methods_length, h, p, 1, ml, parent);
    p += 1;
    if (p + ml > end) return;
    int cm = ctx.add_label(F.comp_methods, h, p, ml, "", parent);
    if (ctx.want_labels()) ctx.set_label(cm, counted("Compression Methods", ml, "method"));
    for (uint32_t q = p; q < p + ml; ++q) ctx.add_uint(F.comp_method, h, q, 1, h.u8(q), cm);
    p += ml;
  }
  hello_extensions(ctx, F, h, p, end, server, s, parent);
}

void certificates(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, int parent) {
  if (p + 3 > end) return;
  uint32_t total = h.u24(p);
  ctx.add_uint(F.certificates_length, h, p, 3, total, parent);
  p += 3;
  end = std::min(end, p + total);
  while (p + 3 <= end) {
    uint32_t cl = h.u24(p);
    ctx.add_uint(F.certificate_length, h, p, 3, cl, parent);
    if (p + 3 + cl > end) break;
    ctx.add_bytes(F.certificate, h, p + 3, cl, parent);
    add_x509_layers(ctx, h.sub(p + 3, cl));
    p += 3 + cl;
  }
}

// tshark shows at most 36 bytes of a byte string in the tree, then "…".
void add_app_data(DissectContext& ctx, const Fields& F, Tvb body, int r) {
  int i = ctx.add_bytes(F.app_data, body, 0, body.len, r);
  if (body.len <= 36 || !ctx.want_labels() || ctx.dissection().fields[i].id != F.app_data) return;
  static const char* hex = "0123456789abcdef";
  std::string l = "Encrypted Application Data: ";
  for (uint32_t k = 0; k < 36; ++k) {
    l.push_back(hex[body.u8(k) >> 4]);
    l.push_back(hex[body.u8(k) & 15]);
  }
  l += "\xe2\x80\xa6";
  ctx.set_label(i, l);
}

}  // namespace

const char* version_column(uint16_t v) {
  switch (v) {
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    default: return nullptr;
  }
}

void dissect_record(DissectContext& ctx, const Fields& F, Tvb rec, Session& s, int dir, int parent,
                    std::string& info) {
  unsigned type = rec.u8(0);
  uint16_t ver = rec.u16(1);
  uint32_t len = rec.u16(3);
  Direction& d = s.dir[dir & 1];
  const char* vname = version_column(s.version ? s.version : ver);
  bool tls13 = s.version == 0x0304;
  std::string head = std::string(vname ? vname : "TLS") + " Record Layer: ";
  int r = ctx.add_label(F.text, rec, 0, rec.len, "", parent);
  // TLS 1.3 hides the real type: encrypted records show as opaque type 23.
  ctx.add_uint(tls13 && type == 23 ? F.opaque_type : F.content_type, rec, 0, 1, type, r);
  ctx.add_uint(F.record_version, rec, 1, 2, ver, r);
  ctx.add_uint(F.record_length, rec, 3, 2, len, r);
  Tvb body = rec.sub(5, len);
  switch (type) {
    case 20:
      ctx.add_label(F.ccs, body, 0, body.len, "Change Cipher Spec Message", r);
      append_info(info, "Change Cipher Spec");
      ctx.set_label(r, head + "Change Cipher Spec Protocol: Change Cipher Spec");
      if (!tls13) d.encrypted = true;
      break;
    case 21:
      if (d.encrypted || tls13 || body.len != 2) {
        append_info(info, "Encrypted Alert");
        ctx.set_label(r, head + "Encrypted Alert");
      } else {
        int a = ctx.add_label(F.alert, body, 0, 2, "Alert Message", r);
        ctx.add_uint(F.alert_level, body, 0, 1, body.u8(0), a);
        ctx.add_uint(F.alert_desc, body, 1, 1, body.u8(1), a);
        const char* lv = lookup(kTlsAlertMessageLevelNames, body.u8(0));
        const char* ds = lookup(kTlsAlertMessageDescNames, body.u8(1));
        append_info(info, std::string("Alert (Level: ") + (lv ? lv : "Unknown") +
                              ", Description: " + (ds ? ds : "Unknown") + ")");
        ctx.set_label(r, head + "Alert");
      }
      break;
    case 22: {
      if (d.encrypted) {
        append_info(info, "Encrypted Handshake Message");
        ctx.set_label(r, head + "Handshake Protocol: Encrypted Handshake Message");
        break;
      }
      std::string names;
      uint32_t p = 0;
      while (p + 4 <= body.len) {
        unsigned ht = body.u8(p);
        uint32_t hl = body.u24(p + 1);
        const char* hn = lookup(kTlsHandshakeTypeNames, ht);
        std::string name = hn ? hn : "Unknown Handshake Message (" + std::to_string(ht) + ")";
        int hi = ctx.add_label(F.text, body, p, 4 + hl, "Handshake Protocol: " + name, r);
        ctx.add_uint(F.hs_type, body, p, 1, ht, hi);
        ctx.add_uint(F.hs_length, body, p + 1, 3, hl, hi);
        uint32_t end = std::min(body.len, p + 4 + hl);
        if (ht == 1 || ht == 2) hello(ctx, F, body, p + 4, end, ht == 2, s, hi);
        else if (ht == 11 && !tls13) certificates(ctx, F, body, p + 4, end, hi);
        append_info(info, name);
        names += names.empty() ? name : ", " + name;
        p += 4 + hl;
      }
      ctx.set_label(r, head + "Handshake Protocol: " + (names.empty() ? "Handshake" : names));
      if (s.version == 0x0304) tls13 = true;
      break;
    }
    case 23:
      add_app_data(ctx, F, body, r);
      append_info(info, "Application Data");
      ctx.set_label(r, head + "Application Data Protocol: Application Data");
      break;
    default:
      append_info(info, "Ignored Unknown Record");
      ctx.set_label(r, head + "Ignored Unknown Record");
  }
}

void Fields::register_all(FieldRegistry& r) {
  using T = FieldType;
  proto = r.add_protocol("tls", "Transport Layer Security");
  FieldId p = proto;
  text = r.add_field(kNoField, "text", "Text item", T::Label);
  content_type = r.add_field(p, "tls.record.content_type", "Content Type", T::UInt, Base::Dec, 8, 0,
                             kTlsRecordContentTypeNames);
  record_version = r.add_field(p, "tls.record.version", "Version", T::UInt, Base::Hex, 16, 0, kTlsRecordVersionNames);
  record_length = r.add_field(p, "tls.record.length", "Length", T::UInt, Base::Dec, 16);
  opaque_type = r.add_field(p, "tls.record.opaque_type", "Opaque Type", T::UInt, Base::Dec, 8, 0,
                            kTlsRecordContentTypeNames);
  app_data = r.add_field(p, "tls.app_data", "Encrypted Application Data", T::Bytes);
  ccs = r.add_field(p, "tls.change_cipher_spec", "Change Cipher Spec Message", T::Label);
  alert = r.add_field(p, "tls.alert_message", "Alert Message", T::Label);
  alert_level = r.add_field(p, "tls.alert_message.level", "Level", T::UInt, Base::Dec, 8, 0, kTlsAlertMessageLevelNames);
  alert_desc = r.add_field(p, "tls.alert_message.desc", "Description", T::UInt, Base::Dec, 8, 0, kTlsAlertMessageDescNames);
  hs_type = r.add_field(p, "tls.handshake.type", "Handshake Type", T::UInt, Base::Dec, 8, 0, kTlsHandshakeTypeNames);
  hs_length = r.add_field(p, "tls.handshake.length", "Length", T::UInt, Base::Dec, 24);
  hs_version = r.add_field(p, "tls.handshake.version", "Version", T::UInt, Base::Hex, 16, 0, kTlsRecordVersionNames);
  random = r.add_field(p, "tls.handshake.random", "Random", T::Bytes);
  random_time = r.add_field(p, "tls.handshake.random_time", "GMT Unix Time", T::AbsTime, Base::Calendar);
  random_bytes = r.add_field(p, "tls.handshake.random_bytes", "Random Bytes", T::Bytes);
  session_id_length = r.add_field(p, "tls.handshake.session_id_length", "Session ID Length", T::UInt, Base::Dec, 8);
  session_id = r.add_field(p, "tls.handshake.session_id", "Session ID", T::Bytes);
  cipher_suites_length = r.add_field(p, "tls.handshake.cipher_suites_length", "Cipher Suites Length", T::UInt,
                                     Base::Dec, 16);
  ciphersuites = r.add_field(p, "tls.handshake.ciphersuites", "Cipher Suites", T::Label);
  ciphersuite = r.add_field(p, "tls.handshake.ciphersuite", "Cipher Suite", T::UInt, Base::Hex, 16, 0,
                            kTlsHandshakeCiphersuiteNames);
  comp_methods_length = r.add_field(p, "tls.handshake.comp_methods_length", "Compression Methods Length", T::UInt,
                                    Base::Dec, 8);
  comp_methods = r.add_field(p, "tls.handshake.comp_methods", "Compression Methods", T::Label);
  comp_method = r.add_field(p, "tls.handshake.comp_method", "Compression Method", T::UInt, Base::Dec, 8, 0,
                            kTlsHandshakeCompMethodNames);
  extensions_length = r.add_field(p, "tls.handshake.extensions_length", "Extensions Length", T::UInt, Base::Dec, 16);
  ext_type = r.add_field(p, "tls.handshake.extension.type", "Type", T::UInt, Base::Dec, 16, 0,
                         kTlsHandshakeExtensionTypeNames);
  ext_len = r.add_field(p, "tls.handshake.extension.len", "Length", T::UInt, Base::Dec, 16);
  sni_list_len = r.add_field(p, "tls.handshake.extensions_server_name_list_len", "Server Name list length", T::UInt,
                             Base::Dec, 16);
  sni_type = r.add_field(p, "tls.handshake.extensions_server_name_type", "Server Name Type", T::UInt, Base::Dec, 8);
  sni_len = r.add_field(p, "tls.handshake.extensions_server_name_len", "Server Name length", T::UInt, Base::Dec, 16);
  sni = r.add_field(p, "tls.handshake.extensions_server_name", "Server Name", T::String);
  alpn_len = r.add_field(p, "tls.handshake.extensions_alpn_len", "ALPN Extension Length", T::UInt, Base::Dec, 16);
  alpn_list = r.add_field(p, "tls.handshake.extensions_alpn_list", "ALPN Protocol", T::Label);
  alpn_str_len = r.add_field(p, "tls.handshake.extensions_alpn_str_len", "ALPN string length", T::UInt, Base::Dec, 8);
  alpn_str = r.add_field(p, "tls.handshake.extensions_alpn_str", "ALPN Next Protocol", T::String);
  supported_version = r.add_field(p, "tls.handshake.extensions.supported_version", "Supported Version", T::UInt,
                                  Base::Hex, 16, 0, kTlsRecordVersionNames);
  certificates_length = r.add_field(p, "tls.handshake.certificates_length", "Certificates Length", T::UInt,
                                    Base::Dec, 24);
  certificate_length = r.add_field(p, "tls.handshake.certificate_length", "Certificate Length", T::UInt, Base::Dec, 24);
  certificate = r.add_field(p, "tls.handshake.certificate", "Certificate", T::Bytes);
  reasm.register_all(r);
}

}  // namespace strato::tls
