#include "tls_extensions.h"

#include <cstdio>

#include "tls_ext_values.h"
#include "tls_tree_util.h"
#include "tls_values.h"

namespace strato::tls {

bool is_grease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

void ja3_append(std::string& list, unsigned v) {
  if (!list.empty()) list.push_back('-');
  list += std::to_string(v);
}

namespace {

// ALPN identifiers whose protocol tshark names in the application data title.
const char* alpn_protocol(std::string_view id) {
  if (id == "http/1.1" || id == "http/1.0") return "Hypertext Transfer Protocol";
  if (id == "h2") return "HyperText Transfer Protocol 2";
  return nullptr;
}

void server_name(DissectContext& ctx, const Fields& F, Tvb h, uint32_t d, uint32_t dend, int e) {
  int t = ctx.add_label(F.text, h, d, dend - d, "Server Name Indication extension", e);
  ctx.add_uint(F.sni_list_len, h, d, 2, h.u16(d), t);
  uint32_t q = d + 2;
  while (q + 3 <= dend) {
    unsigned nt = h.u8(q), nl = h.u16(q + 1);
    ctx.add_uint(F.sni_type, h, q, 1, nt, t);
    ctx.add_uint(F.sni_len, h, q + 1, 2, nl, t);
    if (q + 3 + nl > dend) break;
    ctx.add_bytes(F.sni, h, q + 3, nl, t);
    q += 3 + nl;
  }
}

void alpn(DissectContext& ctx, const Fields& F, Tvb h, uint32_t d, uint32_t dend, bool server, Session& s, int e) {
  ctx.add_uint(F.alpn_len, h, d, 2, h.u16(d), e);
  uint32_t q = d + 2;
  int list = ctx.add_label(F.alpn_list, h, q, dend - q, "ALPN Protocol", e);
  while (q + 1 <= dend) {
    unsigned sl = h.u8(q);
    ctx.add_uint(F.alpn_str_len, h, q, 1, sl, list);
    if (q + 1 + sl > dend) break;
    ctx.add_bytes(F.alpn_str, h, q + 1, sl, list);
    if (server) s.app_proto = alpn_protocol(h.str(q + 1, sl));
    q += 1 + sl;
  }
}

void supported_groups(DissectContext& ctx, const Fields& F, Tvb h, uint32_t d, uint32_t dend, int e,
                      Ja3Parts& ja3) {
  unsigned gl = h.u16(d);
  ctx.add_uint(F.groups_len, h, d, 2, gl, e);
  uint32_t q = d + 2, qend = std::min(dend, q + gl);
  int g = ctx.add_label(F.groups, h, q, qend - q, "", e);
  if (ctx.want_labels()) ctx.set_label(g, counted("Supported Groups", (qend - q) / 2, "group"));
  for (; q + 2 <= qend; q += 2) {
    uint16_t v = h.u16(q);
    add_named_uint(ctx, F.group, h, q, 2, v, g);
    if (!is_grease(v)) ja3_append(ja3.groups, v);
  }
}

void ec_point_formats(DissectContext& ctx, const Fields& F, Tvb h, uint32_t d, uint32_t dend, int e,
                      Ja3Parts& ja3) {
  unsigned n = h.u8(d);
  ctx.add_uint(F.ecpf_len, h, d, 1, n, e);
  uint32_t q = d + 1, qend = std::min(dend, q + n);
  int l = ctx.add_label(F.ecpf, h, q, qend - q, "", e);
  if (ctx.want_labels()) ctx.set_label(l, "Elliptic curves point formats (" + std::to_string(qend - q) + ")");
  for (; q < qend; ++q) {
    add_named_uint(ctx, F.ecpf_item, h, q, 1, h.u8(q), l);
    ja3_append(ja3.formats, h.u8(q));
  }
}

void key_share(DissectContext& ctx, const Fields& F, Tvb h, uint32_t d, uint32_t dend, bool server, int e) {
  int t = ctx.add_label(F.text, h, d, dend - d, "Key Share extension", e);
  uint32_t q = d;
  if (!server) {
    ctx.add_uint(F.ks_client_len, h, d, 2, h.u16(d), t);
    q += 2;
  } else if (dend - d == 2) {  // HelloRetryRequest: the group the server wants
    add_named_uint(ctx, F.ks_selected, h, d, 2, h.u16(d), t);
    return;
  }
  while (q + 4 <= dend) {
    uint16_t g = h.u16(q);
    unsigned kl = h.u16(q + 2);
    uint32_t n = std::min(dend - q, 4 + kl);
    int en = ctx.add_label(F.text, h, q, n, "", t);
    if (ctx.want_labels()) {
      const char* gn = lookup(kTlsSupportedGroupNames, g);
      ctx.set_label(en, std::string("Key Share Entry: Group: ") + (gn ? gn : "Unknown") +
                            ", Key Exchange length: " + std::to_string(kl));
    }
    add_named_uint(ctx, F.ks_group, h, q, 2, g, en);
    ctx.add_uint(F.ks_len, h, q + 2, 2, kl, en);
    if (q + 4 + kl > dend) break;
    add_cut_bytes(ctx, F.ks_key, h, q + 4, kl, en);
    q += 4 + kl;
    if (server) break;
  }
}

void supported_versions(DissectContext& ctx, const Fields& F, Tvb h, uint32_t d, uint32_t dend, bool server,
                        Session& s, int e) {
  if (server) {
    if (dend - d != 2) return;
    ctx.add_uint(F.supported_version, h, d, 2, h.u16(d), e);
    s.version = h.u16(d);
    return;
  }
  ctx.add_uint(F.sv_len, h, d, 1, h.u8(d), e);
  uint32_t q = d + 1, qend = std::min(dend, d + 1 + h.u8(d));
  for (; q + 2 <= qend; q += 2) ctx.add_uint(F.supported_version, h, q, 2, h.u16(q), e);
}

}  // namespace

// The signature_algorithms list and the one algorithm of a key exchange share
// their items: each algorithm with its hash and signature bytes.
int add_sig_alg(DissectContext& ctx, const Fields& F, Tvb h, uint32_t q, int parent) {
  uint16_t v = h.u16(q);
  int a = ctx.add_uint(F.sig_alg, h, q, 2, v, parent);
  // TLS 1.2 pairs missing from the SignatureScheme names read "SHA224 DSA".
  if (ctx.want_labels() && a != parent && !lookup(kTlsSigHashAlgNames, v)) {
    const char* hn = lookup(kTlsSigHashHashNames, v >> 8);
    const char* sn = lookup(kTlsSigHashSigNames, v & 0xff);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%04x", v);
    ctx.set_label(a, std::string("Signature Algorithm: ") + (hn ? hn : "Unknown") + " " + (sn ? sn : "Unknown") +
                         " (" + hex + ")");
  }
  add_named_uint(ctx, F.sig_hash, h, q, 1, v >> 8, a);
  add_named_uint(ctx, F.sig_sig, h, q + 1, 1, v & 0xff, a);
  return a;
}

void hello_extensions(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, bool server,
                      Session& s, int parent, Ja3Parts& ja3) {
  if (p + 2 > end) return;
  uint32_t total = h.u16(p);
  ctx.add_uint(F.extensions_length, h, p, 2, total, parent);
  p += 2;
  end = std::min(end, p + total);
  while (p + 4 <= end) {
    unsigned type = h.u16(p), len = h.u16(p + 2);
    if (!is_grease(uint16_t(type))) ja3_append(ja3.exts, type);
    int e = ctx.add_label(F.text, h, p, std::min(4 + len, end - p), "", parent);
    if (ctx.want_labels()) {
      const char* tn = lookup(kTlsHandshakeExtensionTypeNames, type);
      ctx.set_label(e, std::string("Extension: ") + (tn ? tn : "Unknown type " + std::to_string(type)) +
                           " (len=" + std::to_string(len) + ")");
    }
    add_named_uint(ctx, F.ext_type, h, p, 2, type, e);
    ctx.add_uint(F.ext_len, h, p + 2, 2, len, e);
    uint32_t d = p + 4, dend = d + len;
    if (dend > end) break;
    switch (type) {
      case 0:  // server_name (empty in a ServerHello)
        if (len >= 2) server_name(ctx, F, h, d, dend, e);
        break;
      case 10:
        if (len >= 2) supported_groups(ctx, F, h, d, dend, e, ja3);
        break;
      case 11:
        if (len >= 1) ec_point_formats(ctx, F, h, d, dend, e, ja3);
        break;
      case 13:  // signature_algorithms
        if (len >= 2) {
          unsigned l = h.u16(d);
          ctx.add_uint(F.sig_algs_len, h, d, 2, l, e);
          uint32_t q = d + 2, qend = std::min(dend, q + l);
          int a = ctx.add_label(F.sig_algs, h, q, qend - q, "", e);
          if (ctx.want_labels()) ctx.set_label(a, counted("Signature Hash Algorithms", (qend - q) / 2, "algorithm"));
          for (; q + 2 <= qend; q += 2) add_sig_alg(ctx, F, h, q, a);
        }
        break;
      case 16:
        if (len >= 2) alpn(ctx, F, h, d, dend, server, s, e);
        break;
      case 21:  // padding
        add_cut_bytes(ctx, F.padding, h, d, len, e);
        break;
      case 35:  // session_ticket
        if (ctx.want_labels() || !ctx.skipped(F.ext_data)) {
          int i = ctx.add_bytes(F.ext_data, h, d, len, e);
          if (ctx.want_labels()) ctx.set_label(i, "Data (" + std::to_string(len) + (len == 1 ? " byte)" : " bytes)"));
        }
        break;
      case 43:
        supported_versions(ctx, F, h, d, dend, server, s, e);
        break;
      case 45:  // psk_key_exchange_modes
        if (len >= 1) {
          unsigned n = h.u8(d);
          ctx.add_uint(F.psk_modes_len, h, d, 1, n, e);
          for (uint32_t q = d + 1; q < std::min(dend, d + 1 + n); ++q) add_named_uint(ctx, F.psk_mode, h, q, 1, h.u8(q), e);
        }
        break;
      case 51:
        key_share(ctx, F, h, d, dend, server, e);
        break;
      case 65281:  // renegotiation_info
        if (len >= 1) {
          int t = ctx.add_label(F.text, h, d, len, "Renegotiation Info extension", e);
          unsigned n = h.u8(d);
          ctx.add_uint(F.reneg_len, h, d, 1, n, t);
          if (n && d + 1 + n <= dend) add_cut_bytes(ctx, F.reneg, h, d + 1, n, t);
        }
        break;
      default:
        break;
    }
    p = dend;
  }
}

void Fields::register_extensions(FieldRegistry& r) {
  using T = FieldType;
  FieldId p = proto;
  sni_type = r.add_field(p, "tls.handshake.extensions_server_name_type", "Server Name Type", T::UInt, Base::Dec, 8, 0,
                         kTlsServerNameTypeNames);
  groups_len = r.add_field(p, "tls.handshake.extensions_supported_groups_length", "Supported Groups List Length",
                           T::UInt, Base::Dec, 16);
  groups = r.add_field(p, "tls.handshake.extensions_supported_groups", "Supported Groups List", T::Label);
  group = r.add_field(p, "tls.handshake.extensions_supported_group", "Supported Group", T::UInt, Base::Hex, 16, 0,
                      kTlsSupportedGroupNames);
  ecpf_len = r.add_field(p, "tls.handshake.extensions_ec_point_formats_length", "EC point formats Length", T::UInt,
                         Base::Dec, 8);
  ecpf = r.add_field(p, "tls.handshake.extensions_ec_point_formats", "EC point formats", T::Label);
  ecpf_item = r.add_field(p, "tls.handshake.extensions_ec_point_format", "EC point format", T::UInt, Base::Dec, 8, 0,
                          kTlsEcPointFormatNames);
  sig_algs_len = r.add_field(p, "tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", T::UInt,
                             Base::Dec, 16);
  sig_algs = r.add_field(p, "tls.handshake.sig_hash_algs", "Signature Algorithms", T::Label);
  sig_alg = r.add_field(p, "tls.handshake.sig_hash_alg", "Signature Algorithm", T::UInt, Base::Hex, 16, 0,
                        kTlsSigHashAlgNames);
  sig_hash = r.add_field(p, "tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash", T::UInt, Base::Dec, 8, 0,
                         kTlsSigHashHashNames);
  sig_sig = r.add_field(p, "tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature", T::UInt, Base::Dec, 8,
                        0, kTlsSigHashSigNames);
  sv_len = r.add_field(p, "tls.handshake.extensions.supported_versions_len", "Supported Versions length", T::UInt,
                       Base::Dec, 8);
  psk_modes_len = r.add_field(p, "tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", T::UInt,
                              Base::Dec, 8);
  psk_mode = r.add_field(p, "tls.extension.psk_ke_mode", "PSK Key Exchange Mode", T::UInt, Base::Dec, 8, 0,
                         kTlsPskKeModeNames);
  ks_client_len = r.add_field(p, "tls.handshake.extensions_key_share_client_length", "Client Key Share Length",
                              T::UInt, Base::Dec, 16);
  ks_group = r.add_field(p, "tls.handshake.extensions_key_share_group", "Group", T::UInt, Base::Dec, 16, 0,
                         kTlsSupportedGroupNames);
  ks_len = r.add_field(p, "tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length", T::UInt,
                       Base::Dec, 16);
  ks_key = r.add_field(p, "tls.handshake.extensions_key_share_key_exchange", "Key Exchange", T::Bytes);
  ks_selected = r.add_field(p, "tls.handshake.extensions_key_share_selected_group", "Selected Group", T::UInt,
                            Base::Dec, 16, 0, kTlsSupportedGroupNames);
  reneg_len = r.add_field(p, "tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length",
                          T::UInt, Base::Dec, 8);
  reneg = r.add_field(p, "tls.handshake.extensions_reneg_info", "Renegotiation info", T::Bytes);
  padding = r.add_field(p, "tls.handshake.extensions_padding_data", "Padding Data", T::Bytes);
  ext_data = r.add_field(p, "tls.handshake.extension.data", "Data", T::Bytes);
  ja3_full = r.add_field(p, "tls.handshake.ja3_full", "JA3 Fullstring", T::String);
  ja3 = r.add_field(p, "tls.handshake.ja3", "JA3", T::String);
  ja3s_full = r.add_field(p, "tls.handshake.ja3s_full", "JA3S Fullstring", T::String);
  ja3s = r.add_field(p, "tls.handshake.ja3s", "JA3S", T::String);
}

}  // namespace strato::tls
