#pragma once
// The one record type that flows through the engine (packets now, syscall
// events later) and the batch that carries hundreds of them per flow-graph hop.
// Batches are recycled by the engine, so every vector and string in here keeps
// its capacity: steady-state dissection does no per-packet heap allocation.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strato/field.h"
#include "strato/ip_reassembly.h"

namespace strato {

// One dissected field occurrence. The tree (for -V) is implicit: `parent`
// is the index of the enclosing item in Dissection::fields, or -1.
struct FieldValue {
  enum Storage : uint8_t { Inline, Packet, Arena };
  enum Flags : uint8_t { Hidden = 1, Generated = 2, StreamId = 4 };

  FieldId id = kNoField;
  int32_t parent = -1;
  uint32_t start = 0, length = 0;  // bytes of the packet this item covers
  uint32_t label_off = 0, label_len = 0;  // custom tree text in the arena (len 0: default)
  Storage storage = Inline;
  uint8_t flags = 0;
  union {
    uint64_t u;
    int64_t i;
    double d;
    struct {
      uint32_t off, len;  // into packet bytes (Packet) or the arena (Arena)
    } ref;
  } v{};
};

struct Dissection {
  std::vector<FieldValue> fields;
  std::string arena;        // strings and labels made during dissection
  std::string protocols;    // frame.protocols, "eth:ethertype:ip:tcp"
  std::string col_protocol; // Protocol column
  std::string col_info;     // Info column
  std::string col_src, col_dst;  // Source / Destination columns
  bool malformed = false;
  std::vector<uint32_t> stream_items;  // indexes of fields holding shard-local stream ids

  void clear() {
    fields.clear();
    stream_items.clear();
    arena.clear();
    protocols.clear();
    col_protocol.clear();
    col_info.clear();
    col_src.clear();
    col_dst.clear();
    malformed = false;
  }
};

// Process metadata attached to an event by live sources (issue 3) or read
// back from pcapng comments.
struct ProcessInfo {
  int64_t pid = -1, tid = -1, ppid = -1;
  int64_t uid = -1;
  uint64_t cgroup_id = 0;
  std::string comm, exe, args, container_id, container_name, pod_name, pod_namespace;
  std::string user_name, cgroup_path;
};

struct Event {
  uint64_t number = 0;    // frame.number, 1-based, assigned in capture order
  uint64_t ts_ns = 0;     // ns since the epoch
  uint64_t rel_ns = 0;    // since the first event (frame.time_relative)
  uint64_t delta_ns = 0;  // since the previous event (frame.time_delta)
  uint32_t iface = 0;     // index into the source's interface list
  uint32_t link_type = 0; // LINKTYPE_* value
  uint32_t cap_len = 0, orig_len = 0;
  uint32_t data_off = 0;  // into Batch::bytes
  const uint8_t* data = nullptr;  // valid once the batch is sealed
  uint32_t epb_flags = 0; // direction etc. from pcapng
  std::string comment;    // pcapng opt_comment(s), joined by '\n'
  // Optional; shared and immutable: a live source hands the same one to
  // every event of a thread until the process changes.
  std::shared_ptr<const ProcessInfo> process;
  uint32_t shard = 0;     // which flow shard dissects it (engine internal)
  bool passed = true;     // display-filter verdict for the sink being served
  uint64_t sink_mask = ~0ull;  // per-sink verdicts (bit i: sink i), engine internal
  Dissection dissection;
  IpReassembly reassembled;  // set by the engine when this event completes an IP datagram

  void reset() {
    if (process) process.reset();
    reset_but_process();
  }
  void reset_but_process() {
    comment.clear();
    epb_flags = 0;
    passed = true;
    dissection.clear();
    reassembled.clear();
  }
};

// Interface description a source exposes, used by the pcapng writer and the
// text sinks (interface names) and by `strato interfaces`.
struct InterfaceInfo {
  std::string name, description;
  uint32_t link_type = 1;
  uint32_t snaplen = 262144;
  uint8_t tsresol = 9;  // pcapng if_tsresol (power of ten when bit 7 is clear)
  std::string filter, os;
  // pcapng interfaces have an id within their section (frame.interface_id,
  // 0-based) and a section number (frame.section_number, 1-based); pcap
  // files and live sources have neither, as in tshark.
  bool has_id = false;
  uint32_t section = 0, id_in_section = 0;
};

struct Batch {
  // A live source's records already sit in buffers of its own: it lends
  // them instead of copying each into `bytes` (a copy from memory another
  // CPU wrote, the largest single cost of a packet capture's user side).
  // A loan is given back when the batch is reused or destroyed, so the
  // lender must outlive its batches (the engine destroys batches first).
  class Lender {
   public:
    virtual void give_back(void* loan) = 0;

   protected:
    ~Lender() = default;
  };

  Batch() = default;
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  Batch(Batch&&) = default;  // a moved-from vector is empty: the loans move along
  Batch& operator=(Batch&&) = delete;
  ~Batch() { give_back_loans(); }

  uint64_t seq = 0;             // batch order, from 0
  std::vector<Event> events;    // only [0, count) are live
  size_t count = 0;
  std::vector<uint8_t> bytes;   // packet bytes of all events
  std::vector<std::string> out; // per sink, formatted in parallel, written in order
  bool end = false;             // the source has nothing more
  // The source's interfaces as of this batch (the list only grows while a
  // file is read); a snapshot so sinks may read it from any thread.
  std::shared_ptr<const std::vector<InterfaceInfo>> interfaces;

  // Appends an event whose bytes are copied into the batch arena. Pointers
  // into `bytes` are set by seal(), after the arena stops growing.
  Event& append(const uint8_t* data, uint32_t cap_len) {
    if (count == events.size()) events.emplace_back();
    Event& e = events[count++];
    e.reset();
    e.cap_len = cap_len;
    e.data_off = static_cast<uint32_t>(bytes.size());
    bytes.insert(bytes.end(), data, data + cap_len);
    return e;
  }
  // The same for an event of `process`, which it takes, handing back the
  // one its slot held. A live source keeps that for its next record: when
  // both are the same process (a busy one), no reference count moves, and
  // such counts are cache lines the source's threads would trade per event.
  Event& append(const uint8_t* data, uint32_t cap_len, std::shared_ptr<const ProcessInfo>& process) {
    if (count == events.size()) events.emplace_back();
    Event& e = events[count++];
    e.reset_but_process();
    e.process.swap(process);
    e.cap_len = cap_len;
    e.data_off = static_cast<uint32_t>(bytes.size());
    bytes.insert(bytes.end(), data, data + cap_len);
    return e;
  }
  // The same for bytes that stay where they are, in `loan`, until `from`
  // gets it back.
  Event& append_lent(const uint8_t* data, uint32_t cap_len, std::shared_ptr<const ProcessInfo>& process, Lender& from,
                     void* loan) {
    loans.push_back({&from, loan});
    if (count == events.size()) events.emplace_back();
    Event& e = events[count++];
    e.reset_but_process();
    e.process.swap(process);
    e.cap_len = cap_len;
    e.data_off = kLent;
    e.data = data;
    return e;
  }
  void seal() {
    for (size_t i = 0; i < count; ++i)
      if (events[i].data_off != kLent) events[i].data = bytes.data() + events[i].data_off;
  }
  void clear() {
    give_back_loans();
    count = 0;
    bytes.clear();
    end = false;
    for (auto& s : out) s.clear();
  }

 private:
  static constexpr uint32_t kLent = ~0u;  // data_off of an event whose bytes are lent
  struct Loan {
    Lender* from;
    void* loan;
  };
  std::vector<Loan> loans;
  void give_back_loans() {
    for (const Loan& l : loans) l.from->give_back(l.loan);
    loans.clear();
  }
};

}  // namespace strato
