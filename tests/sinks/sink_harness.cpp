#include "sink_harness.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "strato/plugin_manager.h"
#include "test_support.h"

using namespace strato;

namespace sinktest {

namespace {

FieldId reg_once(const char* abbrev) {
  FieldRegistry& reg = FieldRegistry::instance();
  FieldId id = reg.find(abbrev);
  if (id != kNoField) return id;
  std::string a = abbrev;
  FieldId p = reg.add_protocol("sinktest", "Sink Test Protocol");
  if (a == "sinktest") return p;
  // Wireshark's text-only items (registered like this by the dissectors too).
  if (a == "text") return reg.add_field(kNoField, "text", "Text item", FieldType::Label);
  FieldType t = FieldType::UInt;
  Base b = Base::Dec;
  uint8_t bits = 32;
  if (a.find(".str") != std::string::npos) t = FieldType::String;
  else if (a.find(".bytes") != std::string::npos) t = FieldType::Bytes;
  else if (a.find(".text") != std::string::npos) t = FieldType::Label;
  else if (a.find(".hex") != std::string::npos) b = Base::Hex, bits = 16;
  else if (a.find(".sub") != std::string::npos) t = FieldType::Protocol;
  std::string name = a.substr(a.rfind('.') + 1);
  name[0] = char(toupper(name[0]));
  return reg.add_field(p, a, name, t, b, bits);
}

}  // namespace

FieldId field(const char* abbrev) { return reg_once(abbrev); }

std::unique_ptr<Sink> make(const std::string& plugin, const Opts& opts) {
  strato::test::load_plugins();
  // Register every test field before the sink validates its field list.
  for (const char* f : {"sinktest", "sinktest.num", "sinktest.hex", "sinktest.str", "sinktest.str2", "sinktest.bytes",
                        "sinktest.text", "sinktest.sub", "text"})
    reg_once(f);
  return PluginManager::instance().make_sink(plugin, opts);
}

std::string run_sink(Sink& sink, std::vector<Batch>& batches, const std::vector<InterfaceInfo>* ifaces) {
  FILE* f = tmpfile();
  SinkContext ctx;
  ctx.out = f;
  ctx.interfaces = ifaces;
  sink.start(ctx);
  for (auto& b : batches) {
    b.seal();
    std::string out;
    sink.format(b, out);
    sink.write(b, out);
  }
  sink.finish();
  fflush(f);
  std::string s;
  rewind(f);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  fclose(f);
  return s;
}

int EventBuilder::push(FieldId id, int parent, uint8_t flags) {
  FieldValue fv;
  fv.id = id;
  fv.parent = parent;
  fv.flags = flags;
  ev_.dissection.fields.push_back(fv);
  return int(ev_.dissection.fields.size() - 1);
}

void EventBuilder::set_label(int item, std::string_view text) {
  auto& fv = ev_.dissection.fields[size_t(item)];
  fv.label_off = uint32_t(ev_.dissection.arena.size());
  fv.label_len = uint32_t(text.size());
  ev_.dissection.arena.append(text);
}

int EventBuilder::proto(const char* abbrev, std::string_view label, int parent, uint8_t flags) {
  int i = push(reg_once(abbrev), parent, flags);
  if (!label.empty()) set_label(i, label);
  return i;
}

int EventBuilder::uint(const char* abbrev, uint64_t v, int parent, uint8_t flags) {
  int i = push(reg_once(abbrev), parent, flags);
  ev_.dissection.fields[size_t(i)].v.u = v;
  return i;
}

int EventBuilder::str(const char* abbrev, std::string_view v, int parent, uint8_t flags) {
  int i = push(reg_once(abbrev), parent, flags);
  auto& fv = ev_.dissection.fields[size_t(i)];
  fv.storage = FieldValue::Arena;
  fv.v.ref.off = uint32_t(ev_.dissection.arena.size());
  fv.v.ref.len = uint32_t(v.size());
  ev_.dissection.arena.append(v);
  return i;
}

int EventBuilder::bytes(const char* abbrev, std::string_view v, int parent, uint8_t flags) {
  return str(abbrev, v, parent, flags);
}

int EventBuilder::label(const char* abbrev, std::string_view text, int parent, uint8_t flags) {
  int i = push(reg_once(abbrev), parent, flags);
  set_label(i, text);
  return i;
}

}  // namespace sinktest
