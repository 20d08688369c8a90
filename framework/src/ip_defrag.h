#pragma once
// IPv4 and IPv6 fragment reassembly, done in the engine's serial pre-pass
// before events are spread over flow shards: fragments of one datagram
// carry no ports, so they hash to different shards, while the datagram's
// transport state lives on the shard of its 5-tuple. The pre-pass sees
// every event in capture order, as tshark's single pass does, copies
// fragment bytes into a table keyed as tshark keys it (IPv4: addresses,
// protocol, ID, VLAN; IPv6: addresses and fragment identification), and
// stores the finished datagram on the completing event (Event::reassembled)
// so that event's shard is the one its 5-tuple picks.
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "strato/event.h"

namespace strato {

class IpDefrag {
 public:
  struct Limits {
    // Datagrams still incomplete this long after their first fragment, or
    // the oldest ones while too many bytes are pending, are dropped.
    uint64_t max_age_ns = 60ull * 1000000000ull;
    size_t max_pending_bytes = size_t(64) << 20;
  };
  IpDefrag() = default;
  explicit IpDefrag(Limits limits) : limits_(limits) {}

  // Adds the fragment `e` carries, if any; fills e.reassembled when it
  // completes a datagram.
  void feed(Event& e);
  // The hash that picks e's shard: its reassembled datagram's 5-tuple when
  // it completed one, else its own headers'.
  static uint64_t shard_hash(const Event& e);

  uint64_t dropped_datagrams() const { return dropped_; }
  uint64_t dropped_bytes() const { return dropped_bytes_; }
  size_t pending_datagrams() const { return table_.size(); }
  size_t pending_bytes() const { return pending_bytes_; }

 private:
  struct Key {
    uint8_t version = 0, proto = 0;
    uint16_t vlan = 0;
    uint32_t id = 0;
    uint8_t src[16] = {}, dst[16] = {};
    bool operator==(const Key& o) const;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Frag {
    uint64_t frame;
    uint32_t offset, len, at;  // `at`: where its bytes start in Pending::bytes
    uint8_t flags;
  };
  struct Pending;
  using Order = std::list<Pending*>;
  struct Pending {
    Key key;
    uint64_t first_ts = 0;
    std::vector<Frag> frags;  // sorted by offset; equal offsets in arrival order
    std::string bytes;
    uint32_t datalen = 0;
    bool datalen_set = false;
    size_t cost = 0;
    Order::iterator age;
  };
  struct Fragment {
    Key key;
    uint32_t ip_offset, offset, len;
    const uint8_t* data;
    bool more;
  };

  static bool parse(const Event& e, Fragment& f);
  void add(Event& e, const Fragment& f);
  static void complete(Pending& p, Event& e, const Fragment& f);
  void expire(uint64_t now);
  void drop(Pending* p);

  Limits limits_;
  std::unordered_map<Key, Pending, KeyHash> table_;
  Order order_;  // pending datagrams, oldest first
  size_t pending_bytes_ = 0;
  uint64_t dropped_ = 0, dropped_bytes_ = 0;
};

}  // namespace strato
