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
      alpn_len, alpn_list, alpn_str_len, alpn_str, supported_version, certificates_length, certificate_length, certificate;
  app::ReassemblyFields reasm;
  void register_all(FieldRegistry& reg);
};

// What one direction of a connection has seen so far.
struct Direction {
  bool encrypted = false;  // after ChangeCipherSpec: handshake and alerts are opaque
};
struct Session {
  uint16_t version = 0;  // negotiated (ServerHello / supported_versions), 0 until known
  Direction dir[2];
};

// Dissects one complete record at `rec` (header included); appends the
// message names to `info`.
void dissect_record(DissectContext& ctx, const Fields& F, Tvb rec, Session& s, int dir, int parent,
                    std::string& info);

const char* version_column(uint16_t v);  // "TLSv1.2", nullptr when unknown

}  // namespace strato::tls
