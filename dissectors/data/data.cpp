// Payload nobody claimed: data.data (bytes) and data.len.
#include <string>

#include "strato/dissector.h"

namespace strato {
namespace {

class DataDissector : public Dissector {
 public:
  const char* name() const override { return "data"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("data", "Data");
    data_ = reg.add_field(proto_, "data.data", "Data", FieldType::Bytes);
    len_ = reg.add_field(proto_, "data.len", "Length", FieldType::Int);
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    if (tvb.len == 0) return 0;
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "data");
    ctx.set_label(top, "Data (" + std::to_string(tvb.len) + (tvb.len == 1 ? " byte)" : " bytes)"));
    int d = ctx.add_bytes(data_, tvb, 0, tvb.len, top);
    ctx.set_label(d, data_label(tvb));
    ctx.add_int(len_, tvb, 0, 0, tvb.len, top, FieldValue::Generated);
    return tvb.len;
  }

 private:
  // tshark abbreviates long byte strings in the tree with an ellipsis.
  static std::string data_label(Tvb tvb) {
    static const char* hex = "0123456789abcdef";
    std::string s = "Data: ";
    uint32_t n = tvb.len > 36 ? 36 : tvb.len;
    for (uint32_t i = 0; i < n; ++i) {
      s.push_back(hex[tvb.data[i] >> 4]);
      s.push_back(hex[tvb.data[i] & 15]);
    }
    if (n < tvb.len) s.append("\xe2\x80\xa6");
    return s;
  }

  FieldId proto_, data_, len_;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<DataDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "data", "Data: payload no dissector claimed", strato::create)
