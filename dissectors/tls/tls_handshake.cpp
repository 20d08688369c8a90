#include "tls_handshake.h"

#include <cstring>

#include "md5.h"
#include "tls_ext_values.h"
#include "tls_extensions.h"
#include "tls_tree_util.h"
#include "tls_values.h"
#include "x509_layers.h"

namespace strato::tls {

namespace {

void append_info(std::string& info, const std::string& s) {
  if (!info.empty()) info += ", ";
  info += s;
}

// JA3/JA3S strings and their MD5 (generated items, after the extensions).
void add_ja3(DissectContext& ctx, FieldId full_f, FieldId hash_f, const std::string& full, int parent) {
  int i = ctx.add_string(full_f, Tvb{}, 0, 0, full, parent, FieldValue::Generated);
  // tshark's tree line holds at most 238 characters: longer ones are cut
  // and marked after the field name.
  const std::string& name = FieldRegistry::instance().info(full_f).name;
  if (ctx.want_labels() && i >= 0 && ctx.dissection().fields[i].id == full_f && name.size() + 2 + full.size() > 238)
    ctx.set_label(i, name + " [truncated]: " + full.substr(0, 238 - name.size() - 14));
  if (!ctx.skipped(hash_f)) ctx.add_string(hash_f, Tvb{}, 0, 0, md5_hex(full), parent, FieldValue::Generated);
}

// The version a ServerHello selects through supported_versions, else 0.
uint16_t server_hello_version(Tvb h, uint32_t p, uint32_t end) {
  p += 34;
  if (p + 1 > end) return 0;
  p += 1 + h.u8(p) + 3;
  if (p + 2 > end) return 0;
  end = std::min(end, p + 2 + h.u16(p));
  for (p += 2; p + 4 <= end; p += 4 + h.u16(p + 2))
    if (h.u16(p) == 43 && h.u16(p + 2) == 2 && p + 6 <= end) return h.u16(p + 4);
  return 0;
}

void hello(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, bool server, Session& s,
           int parent) {
  if (p + 2 + 32 + 1 > end) return;
  uint16_t ver = h.u16(p);
  std::string ciphers;  // JA3 cipher list
  Ja3Parts ja3;
  ctx.add_uint(F.hs_version, h, p, 2, ver, parent);
  int ri = ctx.add_bytes(F.random, h, p + 2, 32, parent);
  // A TLS 1.3 server random is all random: tshark does not split it.
  if (!server || server_hello_version(h, p, end) != 0x0304) {
    ctx.add_abs_time(F.random_time, uint64_t(h.u32(p + 2)) * 1000000000ull, ri, 0);
    ctx.add_bytes(F.random_bytes, h, p + 6, 28, ri);
  }
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
    s.cipher = h.u16(p);
    ciphers = std::to_string(s.cipher);
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
    for (uint32_t q = p; q + 2 <= p + cl; q += 2) {
      uint16_t c = h.u16(q);
      ctx.add_uint(F.ciphersuite, h, q, 2, c, cs);
      if (!is_grease(c)) ja3_append(ciphers, c);
    }
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
  hello_extensions(ctx, F, h, p, end, server, s, parent, ja3);
  bool want_full = !ctx.skipped(server ? F.ja3s_full : F.ja3_full), want_hash = !ctx.skipped(server ? F.ja3s : F.ja3);
  if (!want_full && !want_hash) return;
  std::string full = std::to_string(ver) + "," + ciphers + "," + ja3.exts;
  if (!server) full += "," + ja3.groups + "," + ja3.formats;
  if (server) add_ja3(ctx, F.ja3s_full, F.ja3s, full, parent);
  else add_ja3(ctx, F.ja3_full, F.ja3, full, parent);
}

bool suite_has(uint16_t cipher, const char* kx) {
  const char* n = lookup(kTlsHandshakeCiphersuiteNames, cipher);
  return n && std::strstr(n, kx);
}

// ServerKeyExchange of (EC)DHE suites: the server's share and its signature.
void server_key_exchange(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, const Session& s,
                         int parent) {
  if (!suite_has(s.cipher, "_ECDHE_") || p + 4 > end) return;
  int t = ctx.add_label(F.text, h, p, end - p, "EC Diffie-Hellman Server Params", parent);
  unsigned ct = h.u8(p);
  ctx.add_uint(F.curve_type, h, p, 1, ct, t);
  if (ct != 3) return;
  add_named_uint(ctx, F.named_curve, h, p + 1, 2, h.u16(p + 1), t);
  unsigned pl = h.u8(p + 3);
  ctx.add_uint(F.server_point_len, h, p + 3, 1, pl, t);
  p += 4;
  if (p + pl > end) return;
  add_cut_bytes(ctx, F.server_point, h, p, pl, t);
  p += pl;
  if (s.version >= 0x0303 && p + 2 <= end) {
    add_sig_alg(ctx, F, h, p, t);
    p += 2;
  }
  if (p + 2 > end) return;
  unsigned sl = h.u16(p);
  ctx.add_uint(F.sig_len, h, p, 2, sl, t);
  if (p + 2 + sl <= end) add_cut_bytes(ctx, F.sig, h, p + 2, sl, t);
}

void client_key_exchange(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, const Session& s,
                         int parent) {
  if (suite_has(s.cipher, "_ECDHE_") || suite_has(s.cipher, "_ECDH_")) {
    if (p + 1 > end) return;
    int t = ctx.add_label(F.text, h, p, end - p, "EC Diffie-Hellman Client Params", parent);
    unsigned pl = h.u8(p);
    ctx.add_uint(F.client_point_len, h, p, 1, pl, t);
    if (p + 1 + pl <= end) add_cut_bytes(ctx, F.client_point, h, p + 1, pl, t);
  } else if (suite_has(s.cipher, "TLS_RSA_")) {
    if (p + 2 > end) return;
    int t = ctx.add_label(F.text, h, p, end - p, "RSA Encrypted PreMaster Secret", parent);
    unsigned l = h.u16(p);
    ctx.add_uint(F.epms_len, h, p, 2, l, t);
    if (p + 2 + l <= end) add_cut_bytes(ctx, F.epms, h, p + 2, l, t);
  }
}

// "7200 seconds (2 hours)" as tshark writes a lifetime.
std::string lifetime_label(uint32_t v) {
  std::string s = "Session Ticket Lifetime Hint: " + std::to_string(v) + (v == 1 ? " second" : " seconds");
  if (v < 60) return s;
  std::string parts;
  const std::pair<uint32_t, const char*> units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  for (auto [size, unit] : units) {
    uint32_t n = v / size;
    v %= size;
    if (!n) continue;
    if (!parts.empty()) parts += ", ";
    parts += std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  }
  return s + " (" + parts + ")";
}

void new_session_ticket(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, int parent) {
  if (p + 6 > end) return;
  int t = ctx.add_label(F.text, h, p, end - p, "TLS Session Ticket", parent);
  int i = ctx.add_uint(F.ticket_lifetime, h, p, 4, h.u32(p), t);
  if (ctx.want_labels() && i != t) ctx.set_label(i, lifetime_label(h.u32(p)));
  unsigned l = h.u16(p + 4);
  ctx.add_uint(F.ticket_len, h, p + 4, 2, l, t);
  if (p + 6 + l <= end) add_cut_bytes(ctx, F.ticket, h, p + 6, l, t);
}

void certificates(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, int parent) {
  if (p + 3 > end) return;
  uint32_t total = h.u24(p);
  ctx.add_uint(F.certificates_length, h, p, 3, total, parent);
  p += 3;
  end = std::min(end, p + total);
  int list = ctx.add_label(F.certificates, h, p, end - p, "", parent);
  if (ctx.want_labels()) ctx.set_label(list, "Certificates (" + std::to_string(end - p) + " bytes)");
  while (p + 3 <= end) {
    uint32_t cl = h.u24(p);
    ctx.add_uint(F.certificate_length, h, p, 3, cl, list);
    if (p + 3 + cl > end) break;
    Tvb cert = h.sub(p + 3, cl);
    int c = ctx.add_bytes(F.certificate, h, p + 3, cl, list);
    if (ctx.want_labels() && c != list) {
      std::string subject = x509_subject(cert);
      ctx.set_label(c, "Certificate: " + cut_hex(h, p + 3, cl) + (subject.empty() ? "" : " (" + subject + ")"));
    }
    add_x509_layers(ctx, cert);
    p += 3 + cl;
  }
}

void add_app_data(DissectContext& ctx, const Fields& F, Tvb body, const Session& s, int r) {
  add_cut_bytes(ctx, F.app_data, body, 0, body.len, r);
  if (s.app_proto) ctx.add_string(F.app_data_proto, body, 0, 0, s.app_proto, r, FieldValue::Generated);
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
        ctx.add_label(F.alert, body, 0, body.len, "Alert Message: Encrypted Alert", r);
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
        ctx.add_label(F.text, body, 0, body.len, "Handshake Protocol: Encrypted Handshake Message", r);
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
        else if (ht == 12) server_key_exchange(ctx, F, body, p + 4, end, s, hi);
        else if (ht == 16) client_key_exchange(ctx, F, body, p + 4, end, s, hi);
        else if (ht == 4 && !tls13) new_session_ticket(ctx, F, body, p + 4, end, hi);
        append_info(info, name);
        names += names.empty() ? name : ", " + name;
        p += 4 + hl;
      }
      ctx.set_label(r, head + "Handshake Protocol: " + (names.empty() ? "Handshake" : names));
      if (s.version == 0x0304) tls13 = true;
      break;
    }
    case 23:
      add_app_data(ctx, F, body, s, r);
      append_info(info, "Application Data");
      if (ctx.want_labels())
        ctx.set_label(r, head + "Application Data Protocol: " + (s.app_proto ? s.app_proto : "Application Data"));
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
  certificates = r.add_field(p, "tls.handshake.certificates", "Certificates", T::Label);
  certificate_length = r.add_field(p, "tls.handshake.certificate_length", "Certificate Length", T::UInt, Base::Dec, 24);
  certificate = r.add_field(p, "tls.handshake.certificate", "Certificate", T::Bytes);
  curve_type = r.add_field(p, "tls.handshake.server_curve_type", "Curve Type", T::UInt, Base::Hex, 8, 0,
                           kTlsCurveTypeNames);
  named_curve = r.add_field(p, "tls.handshake.server_named_curve", "Named Curve", T::UInt, Base::Hex, 16, 0,
                            kTlsSupportedGroupNames);
  server_point_len = r.add_field(p, "tls.handshake.server_point_len", "Pubkey Length", T::UInt, Base::Dec, 8);
  server_point = r.add_field(p, "tls.handshake.server_point", "Pubkey", T::Bytes);
  client_point_len = r.add_field(p, "tls.handshake.client_point_len", "Pubkey Length", T::UInt, Base::Dec, 8);
  client_point = r.add_field(p, "tls.handshake.client_point", "Pubkey", T::Bytes);
  sig_len = r.add_field(p, "tls.handshake.sig_len", "Signature Length", T::UInt, Base::Dec, 16);
  sig = r.add_field(p, "tls.handshake.sig", "Signature", T::Bytes);
  epms_len = r.add_field(p, "tls.handshake.epms_len", "Encrypted PreMaster length", T::UInt, Base::Dec, 16);
  epms = r.add_field(p, "tls.handshake.epms", "Encrypted PreMaster", T::Bytes);
  ticket_lifetime = r.add_field(p, "tls.handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint",
                                T::UInt, Base::Dec, 32);
  ticket_len = r.add_field(p, "tls.handshake.session_ticket_length", "Session Ticket Length", T::UInt, Base::Dec, 16);
  ticket = r.add_field(p, "tls.handshake.session_ticket", "Session Ticket", T::Bytes);
  app_data_proto = r.add_field(p, "tls.app_data_proto", "Application Data Protocol", T::String);
  register_extensions(r);
  reasm.register_all(r);
}

}  // namespace strato::tls
