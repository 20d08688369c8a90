#include "strato/dissector.h"

namespace strato {

DissectorTables& DissectorTables::instance() {
  static DissectorTables t;
  return t;
}

void DissectorTables::add_dissector(Dissector* d) {
  for (auto* x : all_)
    if (x == d) return;
  d->slot = static_cast<int>(all_.size());
  all_.push_back(d);
  d->register_fields(FieldRegistry::instance());
}

Dissector* DissectorTables::find(std::string_view name) const {
  for (auto* d : all_)
    if (name == d->name()) return d;
  return nullptr;
}

void DissectorTables::add(const std::string& table, uint32_t key, Dissector* d) {
  for (auto& t : tables_)
    if (t->name == table) {
      t->entries[key] = d;
      return;
    }
  auto t = std::make_unique<Table>();
  t->name = table;
  t->entries[key] = d;
  tables_.push_back(std::move(t));
}

void DissectorTables::add_heuristic(const std::string& list, Dissector* d) { heur_[list].push_back(d); }

const DissectorTables::Table* DissectorTables::table(std::string_view name) const {
  for (auto& t : tables_)
    if (t->name == name) return t.get();
  // Tables are looked up once at resolve() time; create empty ones on demand
  // so a dissector may resolve a table nobody has registered into yet.
  auto* self = const_cast<DissectorTables*>(this);
  auto t = std::make_unique<Table>();
  t->name = std::string(name);
  self->tables_.push_back(std::move(t));
  return self->tables_.back().get();
}

const std::vector<Dissector*>* DissectorTables::heuristics(std::string_view list) const {
  auto* self = const_cast<DissectorTables*>(this);
  return &self->heur_[std::string(list)];
}

void DissectorTables::finish() {
  for (auto* d : all_) d->register_handoffs(*this);
  for (auto* d : all_) d->resolve(*this);
}

Shard::Shard(uint32_t index) : index_(index) {}

ShardState* Shard::state(const Dissector* d) {
  if (static_cast<size_t>(d->slot) >= states_.size()) states_.resize(d->slot + 1);
  auto& s = states_[d->slot];
  if (!s) s = d->new_shard_state();
  return s.get();
}

}  // namespace strato
