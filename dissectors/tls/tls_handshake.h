#pragma once
// TLS records and handshake messages (RFC 5246, RFC 8446): fields under
// tshark's tls.* names and the Info column names of each message.
#include <string>

#include "app_common/pdu_buffer.h"
#include "strato/dissector.h"

namespace strato::tls {

struct Fields {
  FieldId proto, text, content_type, record_version, record_length, opaque_type, app_data, ccs, alert, alert_level,
      alert_desc;
  FieldId hs_type, hs_length, hs_version, random, random_time, random_bytes, session_id_length, session_id, cipher_suites_length, ciphersuites, ciphersuite,
      comp_methods_length, comp_methods, comp_method, extensions_length, ext_type, ext_len, sni_list_len, sni_type, sni_len, sni,
      alpn_len, alpn_list, alpn_str_len, alpn_str, supported_version, certificates_length, certificates,
      certificate_length, certificate;
  // Extensions (tls_extensions.cpp).
  FieldId groups_len, groups, group, ecpf_len, ecpf, ecpf_item, sig_algs_len, sig_algs, sig_alg, sig_hash, sig_sig,
      sv_len, psk_modes_len, psk_mode, ks_client_len, ks_group, ks_len, ks_key, ks_selected, reneg_len, reneg,
      padding, ext_data, ja3_full, ja3, ja3s_full, ja3s;
  // Key exchange, session ticket, application data.
  FieldId curve_type, named_curve, server_point_len, server_point, client_point_len, client_point, sig_len, sig,
      epms_len, epms, ticket_lifetime, ticket_len, ticket, app_data_proto;
  app::ReassemblyFields reasm;
  void register_all(FieldRegistry& reg);
  void register_extensions(FieldRegistry& reg);
};

// What one direction of a connection has seen so far.
struct Direction {
  bool encrypted = false;  // after ChangeCipherSpec: handshake and alerts are opaque
};
struct Session {
  uint16_t version = 0;  // negotiated (ServerHello / supported_versions), 0 until known
  uint16_t cipher = 0;   // chosen by the ServerHello: its key exchange shapes the KeyExchange messages
  const char* app_proto = nullptr;  // protocol named by the server's ALPN, when tshark knows it
  Direction dir[2];
};

// Dissects one complete record at `rec` (header included); appends the
// message names to `info`.
void dissect_record(DissectContext& ctx, const Fields& F, Tvb rec, Session& s, int dir, int parent,
                    std::string& info);

const char* version_column(uint16_t v);  // "TLSv1.2", nullptr when unknown

// One SignatureScheme with its hash and signature bytes (tls_extensions.cpp).
int add_sig_alg(DissectContext& ctx, const Fields& F, Tvb h, uint32_t q, int parent);

}  // namespace strato::tls
