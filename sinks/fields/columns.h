#pragma once
// tshark's column pseudo-fields for -e: _ws.col.No., _ws.col.Time,
// _ws.col.Source, _ws.col.Destination, _ws.col.Protocol, _ws.col.Length,
// _ws.col.Info (the default columns, as tshark 4.0 names them).
#include <string>
#include <vector>

#include "strato/event.h"

namespace strato::fields {

enum class Column : int8_t { None = -1, No, Time, Source, Destination, Protocol, Length, Info };

Column column_by_name(const std::string& name);

// The column's text for one event, as the summary line shows it unpadded.
void append_column(Column c, const Event& ev, const std::vector<InterfaceInfo>* ifaces, std::string& out);

}  // namespace strato::fields
