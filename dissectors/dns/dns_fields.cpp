#include "dns_fields.h"

#include "dns_values.h"

namespace strato::dns {

void Fields::register_all(FieldRegistry& r) {
  using T = FieldType;
  proto = r.add_protocol("dns", "Domain Name System");
  mdns = r.add_protocol("mdns", "Multicast Domain Name System");
  llmnr = r.add_protocol("llmnr", "Link-local Multicast Name Resolution");
  FieldId p = proto;
  text = r.add_field(kNoField, "text", "Text item", T::Label);
  length = r.add_field(p, "dns.length", "Length", T::UInt, Base::Dec, 16);
  id = r.add_field(p, "dns.id", "Transaction ID", T::UInt, Base::Hex, 16);
  flags = r.add_field(p, "dns.flags", "Flags", T::UInt, Base::Hex, 16);
  f_response = r.add_field(p, "dns.flags.response", "Response", T::Boolean, Base::Dec, 16, 0x8000);
  f_opcode = r.add_field(p, "dns.flags.opcode", "Opcode", T::UInt, Base::Dec, 16, 0x7800, kDnsFlagsOpcodeNames);
  f_authoritative = r.add_field(p, "dns.flags.authoritative", "Authoritative", T::Boolean, Base::Dec, 16, 0x400);
  f_truncated = r.add_field(p, "dns.flags.truncated", "Truncated", T::Boolean, Base::Dec, 16, 0x200);
  f_recdesired = r.add_field(p, "dns.flags.recdesired", "Recursion desired", T::Boolean, Base::Dec, 16, 0x100);
  f_recavail = r.add_field(p, "dns.flags.recavail", "Recursion available", T::Boolean, Base::Dec, 16, 0x80);
  f_z = r.add_field(p, "dns.flags.z", "Z", T::Boolean, Base::Dec, 16, 0x40);
  f_authenticated = r.add_field(p, "dns.flags.authenticated", "Answer authenticated", T::Boolean, Base::Dec, 16, 0x20);
  f_checkdisable = r.add_field(p, "dns.flags.checkdisable", "Non-authenticated data", T::Boolean, Base::Dec, 16, 0x10);
  f_rcode = r.add_field(p, "dns.flags.rcode", "Reply code", T::UInt, Base::Dec, 16, 0xf, kDnsFlagsRcodeNames);
  f_conflict = r.add_field(p, "dns.flags.conflict", "Conflict", T::Boolean, Base::Dec, 16, 0x400);
  f_tentative = r.add_field(p, "dns.flags.tentative", "Tentative", T::Boolean, Base::Dec, 16, 0x100);
  count_queries = r.add_field(p, "dns.count.queries", "Questions", T::UInt, Base::Dec, 16);
  count_answers = r.add_field(p, "dns.count.answers", "Answer RRs", T::UInt, Base::Dec, 16);
  count_auth = r.add_field(p, "dns.count.auth_rr", "Authority RRs", T::UInt, Base::Dec, 16);
  count_add = r.add_field(p, "dns.count.add_rr", "Additional RRs", T::UInt, Base::Dec, 16);
  qry_name = r.add_field(p, "dns.qry.name", "Name", T::String);
  qry_name_len = r.add_field(p, "dns.qry.name.len", "Name Length", T::UInt, Base::Dec, 16);
  count_labels = r.add_field(p, "dns.count.labels", "Label Count", T::UInt, Base::Dec, 16);
  qry_type = r.add_field(p, "dns.qry.type", "Type", T::UInt, Base::Dec, 16, 0, kDnsQryTypeNames);
  qry_class = r.add_field(p, "dns.qry.class", "Class", T::UInt, Base::Hex, 16, 0, kDnsQryClassNames);
  qry_qu = r.add_field(p, "dns.qry.qu", "\"QU\" question", T::Boolean, Base::Dec, 16, 0x8000);
  resp_name = r.add_field(p, "dns.resp.name", "Name", T::String);
  resp_type = r.add_field(p, "dns.resp.type", "Type", T::UInt, Base::Dec, 16, 0, kDnsQryTypeNames);
  resp_class = r.add_field(p, "dns.resp.class", "Class", T::UInt, Base::Hex, 16, 0, kDnsQryClassNames);
  resp_cache_flush = r.add_field(p, "dns.resp.cache_flush", "Cache flush", T::Boolean, Base::Dec, 16, 0x8000);
  resp_ttl = r.add_field(p, "dns.resp.ttl", "Time to live", T::UInt, Base::Dec, 32);
  resp_len = r.add_field(p, "dns.resp.len", "Data length", T::UInt, Base::Dec, 16);
  a = r.add_field(p, "dns.a", "Address", T::IPv4);
  aaaa = r.add_field(p, "dns.aaaa", "AAAA Address", T::IPv6);
  cname = r.add_field(p, "dns.cname", "CNAME", T::String);
  ns = r.add_field(p, "dns.ns", "Name Server", T::String);
  ptr = r.add_field(p, "dns.ptr.domain_name", "Domain Name", T::String);
  mx_pref = r.add_field(p, "dns.mx.preference", "Preference", T::UInt, Base::Dec, 16);
  mx_exchange = r.add_field(p, "dns.mx.mail_exchange", "Mail Exchange", T::String);
  txt_len = r.add_field(p, "dns.txt.length", "TXT Length", T::UInt, Base::Dec, 8);
  txt = r.add_field(p, "dns.txt", "TXT", T::String);
  srv_service = r.add_field(p, "dns.srv.service", "Service", T::String);
  srv_proto = r.add_field(p, "dns.srv.proto", "Protocol", T::String);
  srv_name = r.add_field(p, "dns.srv.name", "Name", T::String);
  srv_priority = r.add_field(p, "dns.srv.priority", "Priority", T::UInt, Base::Dec, 16);
  srv_weight = r.add_field(p, "dns.srv.weight", "Weight", T::UInt, Base::Dec, 16);
  srv_port = r.add_field(p, "dns.srv.port", "Port", T::UInt, Base::Dec, 16);
  srv_target = r.add_field(p, "dns.srv.target", "Target", T::String);
  soa_mname = r.add_field(p, "dns.soa.mname", "Primary name server", T::String);
  soa_rname = r.add_field(p, "dns.soa.rname", "Responsible authority's mailbox", T::String);
  soa_serial = r.add_field(p, "dns.soa.serial_number", "Serial Number", T::UInt, Base::Dec, 32);
  soa_refresh = r.add_field(p, "dns.soa.refresh_interval", "Refresh Interval", T::UInt, Base::Dec, 32);
  soa_retry = r.add_field(p, "dns.soa.retry_interval", "Retry Interval", T::UInt, Base::Dec, 32);
  soa_expire = r.add_field(p, "dns.soa.expire_limit", "Expire limit", T::UInt, Base::Dec, 32);
  soa_minimum = r.add_field(p, "dns.soa.minimum_ttl", "Minimum TTL", T::UInt, Base::Dec, 32);
  nsec_next = r.add_field(p, "dns.nsec.next_domain_name", "Next Domain Name", T::String);
  data = r.add_field(p, "dns.data", "Data", T::Bytes);
  udp_payload_size = r.add_field(p, "dns.rr.udp_payload_size", "UDP payload size", T::UInt, Base::Dec, 16);
  ext_rcode = r.add_field(p, "dns.resp.ext_rcode", "Higher bits in extended RCODE", T::UInt, Base::Hex, 8);
  edns0_version = r.add_field(p, "dns.resp.edns0_version", "EDNS0 version", T::UInt, Base::Dec, 8);
  resp_z = r.add_field(p, "dns.resp.z", "Z", T::UInt, Base::Hex, 16);
  z_do = r.add_field(p, "dns.resp.z.do", "DO bit", T::Boolean, Base::Dec, 16, 0x8000);
  z_reserved = r.add_field(p, "dns.resp.z.reserved", "Reserved", T::UInt, Base::Hex, 16, 0x7fff);
  opt = r.add_field(p, "dns.opt", "Option", T::Label);
  opt_code = r.add_field(p, "dns.opt.code", "Option Code", T::UInt, Base::Dec, 16, 0, kDnsOptCodeNames);
  opt_len = r.add_field(p, "dns.opt.len", "Option Length", T::UInt, Base::Dec, 16);
  opt_data = r.add_field(p, "dns.opt.data", "Option Data", T::Bytes);
  opt_client_family = r.add_field(p, "dns.opt.client.family", "Family", T::UInt, Base::Dec, 16, 0, kDnsOptFamilyNames);
  opt_client_netmask = r.add_field(p, "dns.opt.client.netmask", "Source Netmask", T::UInt, Base::Dec, 8);
  opt_client_scope = r.add_field(p, "dns.opt.client.scope", "Scope Netmask", T::UInt, Base::Dec, 8);
  opt_client_addr = r.add_field(p, "dns.opt.client.addr", "Client Subnet", T::Bytes);
  opt_client_addr4 = r.add_field(p, "dns.opt.client.addr4", "Client Subnet", T::IPv4);
  opt_client_addr6 = r.add_field(p, "dns.opt.client.addr6", "Client Subnet", T::IPv6);
  opt_cookie_client = r.add_field(p, "dns.opt.cookie.client", "Client Cookie", T::Bytes);
  opt_cookie_server = r.add_field(p, "dns.opt.cookie.server", "Server Cookie", T::Bytes);
  opt_keepalive_timeout =
      r.add_field(p, "dns.opt.edns_tcp_keepalive.timeout", "Timeout", T::UInt, Base::Dec, 16);
  opt_padding = r.add_field(p, "dns.opt.padding", "Padding", T::Bytes);
  opt_chain_fqdn = r.add_field(p, "dns.opt.chain.fqdn", "Closest Trust Point", T::String);
  opt_ede_code = r.add_field(p, "dns.opt.ext_error.info_code", "Info Code", T::UInt, Base::Dec, 16, 0,
                             kDnsEdeInfoCodeNames);
  opt_ede_text = r.add_field(p, "dns.opt.ext_error.extra_text", "Extra Text", T::String);
  opt_dau = r.add_field(p, "dns.opt.dau", "DAU", T::UInt, Base::Dec, 8, 0, kDnssecAlgNames);
  opt_dhu = r.add_field(p, "dns.opt.dhu", "DHU", T::UInt, Base::Dec, 8, 0, kDnsDsDigestNames);
  opt_n3u = r.add_field(p, "dns.opt.n3u", "N3U", T::UInt, Base::Dec, 8, 0, kDnsNsec3HashNames);
  rrsig_type_covered =
      r.add_field(p, "dns.rrsig.type_covered", "Type Covered", T::UInt, Base::Dec, 16, 0, kDnsQryTypeNames);
  rrsig_algorithm = r.add_field(p, "dns.rrsig.algorithm", "Algorithm", T::UInt, Base::Dec, 8, 0, kDnssecAlgNames);
  rrsig_labels = r.add_field(p, "dns.rrsig.labels", "Labels", T::UInt, Base::Dec, 8);
  rrsig_original_ttl = r.add_field(p, "dns.rrsig.original_ttl", "Original TTL", T::UInt, Base::Dec, 32);
  rrsig_expiration =
      r.add_field(p, "dns.rrsig.signature_expiration", "Signature Expiration", T::AbsTime, Base::Calendar);
  rrsig_inception = r.add_field(p, "dns.rrsig.signature_inception", "Signature Inception", T::AbsTime, Base::Calendar);
  rrsig_key_tag = r.add_field(p, "dns.rrsig.key_tag", "Key Tag", T::UInt, Base::Dec, 16);
  rrsig_signers_name = r.add_field(p, "dns.rrsig.signers_name", "Signer's name", T::String);
  rrsig_signature = r.add_field(p, "dns.rrsig.signature", "Signature", T::Bytes);
  sshfp_algorithm = r.add_field(p, "dns.sshfp.algorithm", "Algorithm", T::UInt, Base::Dec, 8, 0, kDnsSshfpAlgNames);
  sshfp_fp_type =
      r.add_field(p, "dns.sshfp.fingerprint.type", "Fingerprint type", T::UInt, Base::Dec, 8, 0, kDnsSshfpFpTypeNames);
  sshfp_fp = r.add_field(p, "dns.sshfp.fingerprint", "Fingerprint", T::Bytes);
  undecoded_type = r.add_field(p, "dns.undecoded.type", "Undecoded option", T::Label);
  response_to = r.add_field(p, "dns.response_to", "Request In", T::FrameNum);
  time = r.add_field(p, "dns.time", "Time", T::RelTime);
  retransmission = r.add_field(p, "dns.retransmission", "Retransmission", T::Boolean);
  retransmit_request_in =
      r.add_field(p, "dns.retransmit_request_in", "Retransmitted request. Original request in", T::FrameNum);
  retransmit_response_in =
      r.add_field(p, "dns.retransmit_response_in", "Retransmitted response. Original response in", T::FrameNum);
  unsolicited = r.add_field(p, "dns.unsolicited", "Unsolicited", T::Boolean);
  reasm.register_all(r);
}

}  // namespace strato::dns
