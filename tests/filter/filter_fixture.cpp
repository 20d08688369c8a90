#include "filter_fixture.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "strato/error.h"

namespace strato::test {

namespace {
const ValueName kRcodes[] = {{0, "No error"}, {3, "No such name"}, {5, "Refused"}, {0, nullptr}};
}

const TestFields& TestFields::get() {
  static TestFields t = [] {
    auto& r = FieldRegistry::instance();
    TestFields f;
    f.proto = r.add_protocol("testproto", "Test Protocol");
    f.other_proto = r.add_protocol("testother", "Other Test Protocol");
    f.u8 = r.add_field(f.proto, "test.u8", "u8", FieldType::UInt, Base::Dec, 8);
    f.u16 = r.add_field(f.proto, "test.u16", "u16", FieldType::UInt, Base::Dec, 16);
    f.u32 = r.add_field(f.proto, "test.u32", "u32", FieldType::UInt, Base::Hex, 32);
    f.u64 = r.add_field(f.proto, "test.u64", "u64", FieldType::UInt, Base::Dec, 64);
    f.i32 = r.add_field(f.proto, "test.i32", "i32", FieldType::Int, Base::Dec, 32);
    f.boolean = r.add_field(f.proto, "test.bool", "bool", FieldType::Boolean, Base::Dec, 8);
    f.dbl = r.add_field(f.proto, "test.dbl", "dbl", FieldType::Double);
    f.str = r.add_field(f.proto, "test.str", "str", FieldType::String);
    f.str2 = r.add_field(f.proto, "test.str2", "str2", FieldType::String);
    f.bytes = r.add_field(f.proto, "test.bytes", "bytes", FieldType::Bytes);
    f.ip = r.add_field(f.proto, "test.ip", "ip", FieldType::IPv4);
    f.ip2 = r.add_field(f.proto, "test.ip2", "ip2", FieldType::IPv4);
    f.ip6 = r.add_field(f.proto, "test.ip6", "ip6", FieldType::IPv6);
    f.eth = r.add_field(f.proto, "test.eth", "eth", FieldType::Ether);
    f.abs = r.add_field(f.proto, "test.abs", "abs", FieldType::AbsTime);
    f.rel = r.add_field(f.proto, "test.rel", "rel", FieldType::RelTime);
    f.named = r.add_field(f.proto, "test.rcode", "rcode", FieldType::UInt, Base::Dec, 4, 0x000f, kRcodes);
    f.frame = r.add_field(f.proto, "test.frame", "frame", FieldType::FrameNum);
    f.label = r.add_field(f.proto, "test.label", "label", FieldType::Label);
    f.flags = r.add_field(f.proto, "test.flags", "flags", FieldType::UInt, Base::Hex, 16);
    return f;
  }();
  return t;
}

EventBuilder::EventBuilder(std::string packet) : bytes_(packet.begin(), packet.end()) {
  ev_.cap_len = ev_.orig_len = static_cast<uint32_t>(bytes_.size());
  ev_.data = bytes_.data();
}

static FieldValue base(FieldId f) {
  FieldValue fv;
  fv.id = f;
  return fv;
}

EventBuilder& EventBuilder::proto(FieldId f, uint32_t start, uint32_t len) {
  FieldValue fv = base(f);
  fv.start = start;
  fv.length = len;
  ev_.dissection.fields.push_back(fv);
  return *this;
}

EventBuilder& EventBuilder::u(FieldId f, uint64_t v) {
  FieldValue fv = base(f);
  fv.v.u = v;
  ev_.dissection.fields.push_back(fv);
  return *this;
}

EventBuilder& EventBuilder::i(FieldId f, int64_t v) {
  FieldValue fv = base(f);
  fv.v.i = v;
  ev_.dissection.fields.push_back(fv);
  return *this;
}

EventBuilder& EventBuilder::d(FieldId f, double v) {
  FieldValue fv = base(f);
  fv.v.d = v;
  ev_.dissection.fields.push_back(fv);
  return *this;
}

EventBuilder& EventBuilder::text(FieldId f, std::string_view s) {
  FieldValue fv = base(f);
  fv.storage = FieldValue::Arena;
  fv.v.ref.off = static_cast<uint32_t>(ev_.dissection.arena.size());
  fv.v.ref.len = static_cast<uint32_t>(s.size());
  ev_.dissection.arena.append(s);
  ev_.dissection.fields.push_back(fv);
  return *this;
}

EventBuilder& EventBuilder::packet_ref(FieldId f, uint32_t off, uint32_t len) {
  FieldValue fv = base(f);
  fv.storage = FieldValue::Packet;
  fv.start = off;
  fv.length = len;
  fv.v.ref.off = off;
  fv.v.ref.len = len;
  ev_.dissection.fields.push_back(fv);
  return *this;
}

EventBuilder& EventBuilder::ipv4(FieldId f, const char* dotted) {
  in_addr a{};
  EXPECT_EQ(inet_pton(AF_INET, dotted, &a), 1) << dotted;
  return u(f, ntohl(a.s_addr));
}

EventBuilder& EventBuilder::ipv6(FieldId f, const char* t) {
  unsigned char buf[16];
  EXPECT_EQ(inet_pton(AF_INET6, t, buf), 1) << t;
  return text(f, std::string_view(reinterpret_cast<char*>(buf), 16));
}

EventBuilder& EventBuilder::ether(FieldId f, const uint8_t (&mac)[6]) {
  return text(f, std::string_view(reinterpret_cast<const char*>(mac), 6));
}

bool matches(std::string_view filter, const Event& ev) {
  TestFields::get();
  try {
    return DisplayFilter::compile(filter)->match(ev);
  } catch (const Error& e) {
    ADD_FAILURE() << "filter `" << filter << "` did not compile: " << e.what();
    return false;
  }
}

std::string compile_error(std::string_view filter) {
  TestFields::get();
  try {
    DisplayFilter::compile(filter);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Usage) << filter;
    return e.what();
  }
  return "";
}

}  // namespace strato::test
