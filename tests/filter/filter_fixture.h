#pragma once
// Test fields registered under "test.*" and a builder for events carrying
// hand-made field values, so every operator can be checked in isolation.
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strato/display_filter.h"
#include "strato/event.h"
#include "strato/field.h"

namespace strato::test {

struct TestFields {
  FieldId proto, other_proto, u8, u16, u32, u64, i32, boolean, dbl, str, str2, bytes, ip, ip2, ip6, eth, abs, rel,
      named, frame, label, flags;
  static const TestFields& get();
};

// Owns the packet bytes an event's Packet-storage values point into.
class EventBuilder {
 public:
  explicit EventBuilder(std::string packet = std::string(64, '\0'));
  EventBuilder& proto(FieldId f, uint32_t start, uint32_t len);
  EventBuilder& u(FieldId f, uint64_t v);
  EventBuilder& i(FieldId f, int64_t v);
  EventBuilder& d(FieldId f, double v);
  EventBuilder& text(FieldId f, std::string_view s);          // stored in the arena
  EventBuilder& packet_ref(FieldId f, uint32_t off, uint32_t len);  // refers to packet bytes
  EventBuilder& ipv4(FieldId f, const char* dotted);
  EventBuilder& ipv6(FieldId f, const char* text);
  EventBuilder& ether(FieldId f, const uint8_t (&mac)[6]);
  const Event& event() const { return ev_; }

 private:
  std::vector<uint8_t> bytes_;
  Event ev_;
};

// Compiles and matches in one go; compile errors fail the calling test.
bool matches(std::string_view filter, const Event& ev);
// The one-line error text of a filter that must not compile ("" if it did).
std::string compile_error(std::string_view filter);

}  // namespace strato::test
