// ICMPv6: type/code, checksum verified over the IPv6 pseudo-header (as
// tshark does), echo identifiers, error messages with the quoted IPv6
// packet (pinfo.in_error_packet set), and the Neighbor Discovery Info texts.
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "echo_pairing.h"
#include "icmpv6_fields.h"

namespace strato {
namespace {

const ValueName kTypes[] = {{1, "Destination Unreachable"},
                            {2, "Packet Too Big"},
                            {3, "Time Exceeded"},
                            {4, "Parameter Problem"},
                            {128, "Echo (ping) request"},
                            {129, "Echo (ping) reply"},
                            {130, "Multicast Listener Query"},
                            {131, "Multicast Listener Report"},
                            {132, "Multicast Listener Done"},
                            {133, "Router Solicitation"},
                            {134, "Router Advertisement"},
                            {135, "Neighbor Solicitation"},
                            {136, "Neighbor Advertisement"},
                            {137, "Redirect"},
                            {138, "Router Renumbering"},
                            {139, "Node Information Query"},
                            {140, "Node Information Reply"},
                            {141, "Inverse Neighbor Discovery Solicitation Message"},
                            {142, "Inverse Neighbor Discovery Advertisement Message"},
                            {143, "Multicast Listener Report Message v2"},
                            {0, nullptr}};
const ValueName kUnreach[] = {{0, "no route to destination"},
                              {1, "communication with destination administratively prohibited"},
                              {2, "beyond scope of source address"},
                              {3, "address unreachable"},
                              {4, "Port unreachable"},
                              {5, "source address failed ingress/egress policy"},
                              {6, "reject route to destination"},
                              {7, "Error in Source Routing Header"},
                              {8, "Headers too long"},
                              {0, nullptr}};
const ValueName kTimeEx[] = {{0, "hop limit exceeded in transit"}, {1, "fragment reassembly time exceeded"}, {0, nullptr}};
const ValueName kParam[] = {{0, "erroneous header field encountered"},
                            {1, "unrecognized Next Header type encountered"},
                            {2, "unrecognized IPv6 option encountered"},
                            {3, "IPv6 First Fragment has incomplete IPv6 Header Chain"},
                            {4, "SR Upper-layer Header Error"},
                            {5, "Unrecognized Next Header type encountered by intermediate node"},
                            {6, "Extension header too big"},
                            {7, "Extension header chain too long"},
                            {8, "Too many extension headers"},
                            {9, "Too many options in extension header"},
                            {10, "Option too big"},
                            {0, nullptr}};

const char* lookup(const ValueName* t, uint64_t v) {
  for (; t && t->name; ++t)
    if (t->value == v) return t->name;
  return nullptr;
}

using net::EchoKey;
using net::EchoState;

class Icmpv6Dissector : public Dissector {
 public:
  const char* name() const override { return "icmpv6"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("icmpv6", "Internet Control Message Protocol v6");
    type_ = reg.add_field(proto_, "icmpv6.type", "Type", FieldType::UInt, Base::Dec, 8, 0, kTypes);
    code_ = reg.add_field(proto_, "icmpv6.code", "Code", FieldType::UInt, Base::Dec, 8);
    checksum_ = reg.add_field(proto_, "icmpv6.checksum", "Checksum", FieldType::UInt, Base::Hex, 16);
    checksum_status_ = reg.add_field(proto_, "icmpv6.checksum.status", "Checksum Status", FieldType::UInt, Base::Dec, 8);
    hf_.register_fields(reg, proto_);
    resp_in_ = reg.add_field(proto_, "icmpv6.resp_in", "Response In", FieldType::FrameNum);
    resp_to_ = reg.add_field(proto_, "icmpv6.resp_to", "Response To", FieldType::FrameNum);
    resptime_ = reg.add_field(proto_, "icmpv6.resptime", "Response Time", FieldType::Double);
    reserved_ = hf_.reserved;
    mtu_ = reg.add_field(proto_, "icmpv6.mtu", "MTU", FieldType::UInt, Base::Dec, 32);
    pointer_ = reg.add_field(proto_, "icmpv6.pointer", "Pointer", FieldType::UInt, Base::Dec, 32);
    echo_id_ = reg.add_field(proto_, "icmpv6.echo.identifier", "Identifier", FieldType::UInt, Base::Hex, 16);
    echo_seq_ = reg.add_field(proto_, "icmpv6.echo.sequence_number", "Sequence", FieldType::UInt, Base::Dec, 16);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override { t.add("ip.proto", 58, this); }
  void resolve(DissectorTables& t) override {
    ipv6_ = t.find("ipv6");
    hlim_ = FieldRegistry::instance().find("ipv6.hlim");
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override;
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<EchoState>(); }

 private:
  FieldId proto_, type_, code_, checksum_, checksum_status_, reserved_, mtu_, pointer_, echo_id_, echo_seq_,
      short_, resp_in_, resp_to_, resptime_;
  icmpv6::Fields hf_;
  void match_echo(DissectContext& ctx, uint8_t type, uint16_t id, uint16_t sq, Tvb tvb, int top,
                  std::string& info) {
    auto& st = ctx.shard_state<EchoState>(this);
    const PacketInfo& pi = ctx.pinfo;
    EchoKey k{};
    std::memcpy(k.a, (type == 128 ? pi.net_src : pi.net_dst).bytes, 16);
    std::memcpy(k.b, (type == 128 ? pi.net_dst : pi.net_src).bytes, 16);
    k.id = id;
    k.seq = sq;
    const Event& ev = ctx.event();
    if (type == 128) {
      st.requests[k] = {ev.number, ev.ts_ns};
      return;
    }
    auto it = st.requests.find(k);
    if (it == st.requests.end()) return;
    uint64_t req = it->second.frame;
    net::label(ctx, ctx.add_uint(resp_to_, tvb, 0, 0, req, top, FieldValue::Generated),
               [&] { return "Response To: " + std::to_string(req); });
    double ms = double(int64_t(ev.ts_ns - it->second.ts_ns)) / 1e6;
    net::label(ctx, ctx.add_double(resptime_, tvb, 0, 0, ms, top, FieldValue::Generated), [&] {
      char buf[64];
      std::snprintf(buf, sizeof buf, "Response Time: %.3f ms", ms);
      return std::string(buf);
    });
    info += " (request in " + std::to_string(req) + ")";
  }

  FieldId hlim_ = kNoField;
  Dissector* ipv6_ = nullptr;
};

uint32_t Icmpv6Dissector::dissect(DissectContext& ctx, Tvb tvb, int parent) {
  PacketInfo& pi = ctx.pinfo;
  const bool err = pi.in_error_packet;
  int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "icmpv6");
  ctx.set_label(top, "Internet Control Message Protocol v6");
  if (!err) ctx.set_protocol_column("ICMPv6");
  if (!tvb.has(0, 4)) {
    net::out_of_bytes(ctx, short_, "ICMPv6", top, tvb);
    return tvb.len ? tvb.len : 1;
  }
  uint8_t type = tvb.u8(0), code = tvb.u8(1);
  uint16_t ck = tvb.u16(2);
  const ValueName* ct = type == 1 ? kUnreach : type == 3 ? kTimeEx : type == 4 ? kParam : nullptr;
  const char* tname = lookup(kTypes, type);
  const char* cname = lookup(ct, code);
  ctx.add_uint(type_, tvb, 0, 1, type, top);
  ctx.set_label(ctx.add_uint(code_, tvb, 1, 1, code, top),
                "Code: " + std::to_string(code) + (cname ? std::string(" (") + cname + ")" : ""));
  {
    char buf[80];
    uint8_t status = 2;
    uint32_t reported = net::reported_len(ctx, tvb);
    if (!err && reported == tvb.len && pi.net_src.family == Address::IPv6) {
      uint32_t sum = net::sum16(pi.net_src.bytes, 16);
      sum = net::sum16(pi.net_dst.bytes, 16, sum);
      sum += tvb.len >> 16;
      sum += tvb.len & 0xffff;
      sum += 58;
      sum = net::sum16(tvb.data, tvb.len, sum);
      if (net::fold16(sum) == 0) {
        std::snprintf(buf, sizeof buf, "Checksum: 0x%04x [correct]", ck);
        status = 1;
      } else {
        uint16_t should = net::fold16(sum - ck);
        std::snprintf(buf, sizeof buf, "Checksum: 0x%04x [incorrect, should be 0x%04x]", ck, should);
        status = 0;
      }
    } else {
      std::snprintf(buf, sizeof buf, err ? "Checksum: 0x%04x [unverified] [in ICMP error packet]"
                                          : "Checksum: 0x%04x [unverified]", ck);
    }
    ctx.set_label(ctx.add_uint(checksum_, tvb, 2, 2, ck, top), buf);
    static const char* st[] = {"Checksum Status: Bad", "Checksum Status: Good", "Checksum Status: Unverified"};
    ctx.set_label(ctx.add_uint(checksum_status_, tvb, 2, 0, status, top, FieldValue::Generated), st[status]);
  }
  std::string info = tname ? tname : "Unknown (" + std::to_string(type) + ")";
  if (cname) info += std::string(" (") + cname + ")";
  bool cut = false;
  switch (type) {
    case 1:
    case 2:
    case 3:
    case 4: {
      if (!tvb.has(4, 4)) {
        cut = true;
        break;
      }
      if (type == 2)
        ctx.add_uint(mtu_, tvb, 4, 4, tvb.u32(4), top);
      else if (type == 4)
        ctx.add_uint(pointer_, tvb, 4, 4, tvb.u32(4), top);
      else
        ctx.add_bytes(reserved_, tvb, 4, 4, top);
      if (!err) ctx.info() = info;
      Tvb inner = tvb.sub(8);
      if (inner.len && ipv6_) {
        PacketInfo saved = pi;
        pi.in_error_packet = true;
        ctx.call(ipv6_, inner, top);
        pi = saved;
      }
      return tvb.len;
    }
    case 128:
    case 129: {
      if (!tvb.has(4, 4)) {
        cut = true;
        break;
      }
      uint16_t id = tvb.u16(4), sq = tvb.u16(6);
      ctx.add_uint(echo_id_, tvb, 4, 2, id, top);
      ctx.add_uint(echo_seq_, tvb, 6, 2, sq, top);
      char buf[96];
      std::snprintf(buf, sizeof buf, " id=0x%04x, seq=%u, hop limit=%u", id, sq,
                    unsigned(net::ip_layer(pi) ? net::ip_layer(pi)->ttl : 0));
      info += buf;
      if (!err) match_echo(ctx, type, id, sq, tvb, top, info);
      if (tvb.len > 8) ctx.call_data(tvb.sub(8), top);
      break;
    }
    case 130:
    case 131:
    case 132:
    case 143:
      cut = !icmpv6::dissect_mld(ctx, hf_, type, tvb, top);
      break;
    case 133:
    case 134:
    case 135:
    case 136:
    case 137:
      cut = !icmpv6::dissect_nd(ctx, hf_, ipv6_, type, tvb, top, info);
      break;
    default:
      break;
  }
  if (!err) ctx.info() = info;
  if (cut) net::out_of_bytes(ctx, short_, "ICMPv6", top, tvb);
  return tvb.len;
}

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<Icmpv6Dissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "icmpv6", "Internet Control Message Protocol v6", strato::create)
