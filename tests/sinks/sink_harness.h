#pragma once
// Runs a sink plugin in-process on hand-made events and returns its output.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "strato/event.h"
#include "strato/field.h"
#include "strato/sink.h"

namespace sinktest {

using Opts = std::multimap<std::string, std::string>;

std::unique_ptr<strato::Sink> make(const std::string& plugin, const Opts& opts);

// start, format (batch by batch), write, finish; returns what was written.
std::string run_sink(strato::Sink& sink, std::vector<strato::Batch>& batches,
                     const std::vector<strato::InterfaceInfo>* ifaces = nullptr);

// Builds events field by field.
class EventBuilder {
 public:
  explicit EventBuilder(strato::Event& ev) : ev_(ev) {}
  int proto(const char* abbrev, std::string_view label = {}, int parent = -1, uint8_t flags = 0);
  int uint(const char* abbrev, uint64_t v, int parent, uint8_t flags = 0);
  int str(const char* abbrev, std::string_view v, int parent, uint8_t flags = 0);
  int bytes(const char* abbrev, std::string_view v, int parent, uint8_t flags = 0);
  int label(const char* abbrev, std::string_view text, int parent, uint8_t flags = 0);
  void set_label(int item, std::string_view text);

 private:
  int push(strato::FieldId id, int parent, uint8_t flags);
  strato::Event& ev_;
};

// Test-only fields, registered once (types as named).
strato::FieldId field(const char* abbrev);

}  // namespace sinktest
