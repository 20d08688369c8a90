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
  FieldId response_to, time, retransmission, retransmit_request_in, retransmit_response_in, unsolicited;
  app::ReassemblyFields reasm;  // DNS over TCP messages that span segments

  void register_all(FieldRegistry& reg);
};

}  // namespace strato::dns
