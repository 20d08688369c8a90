#pragma once
// Field ids of the DNS dissector, registered once under tshark's names.
#include "app_common/pdu_buffer.h"
#include "strato/field.h"

namespace strato::dns {

struct Fields {
  FieldId proto, mdns, llmnr, text, length, id, flags;
  FieldId f_response, f_opcode, f_authoritative, f_truncated, f_recdesired, f_recavail, f_z, f_authenticated,
      f_checkdisable, f_rcode, f_conflict, f_tentative;
  FieldId count_queries, count_answers, count_auth, count_add;
  FieldId qry_name, qry_name_len, count_labels, qry_type, qry_class, qry_qu;
  FieldId resp_name, resp_type, resp_class, resp_cache_flush, resp_ttl, resp_len;
  FieldId a, aaaa, cname, ns, ptr, mx_pref, mx_exchange, txt_len, txt, srv_priority, srv_weight, srv_port, srv_target;
  FieldId srv_service, srv_proto, srv_name;
  FieldId soa_mname, soa_rname, soa_serial, soa_refresh, soa_retry, soa_expire, soa_minimum, nsec_next, data;
  FieldId udp_payload_size, ext_rcode, edns0_version, resp_z, z_do, z_reserved, opt, opt_code, opt_len, opt_data;
  FieldId opt_client_family, opt_client_netmask, opt_client_scope, opt_client_addr, opt_client_addr4, opt_client_addr6;
  FieldId opt_cookie_client, opt_cookie_server, opt_keepalive_timeout, opt_padding, opt_chain_fqdn, opt_ede_code,
      opt_ede_text, opt_dau, opt_dhu, opt_n3u;
  FieldId rrsig_type_covered, rrsig_algorithm, rrsig_labels, rrsig_original_ttl, rrsig_expiration, rrsig_inception,
      rrsig_key_tag, rrsig_signers_name, rrsig_signature;
  FieldId sshfp_algorithm, sshfp_fp_type, sshfp_fp, undecoded_type;
  FieldId response_to, time, retransmission, retransmit_request_in, retransmit_response_in, unsolicited;
  app::ReassemblyFields reasm;  // DNS over TCP messages that span segments

  void register_all(FieldRegistry& reg);
};

}  // namespace strato::dns
