#pragma once
// ColorChecker reference values compiled from data/*.csv by cmake/embed_tables.cmake.

namespace smpshade::detail {

struct ChartTableRow {
  const char* name;
  double l, a, b;  // CIELAB, D50, 2° observer
};

struct ChartTable {
  const char* source;  // the CSV's first comment line: whose values these are
  int count;
  const ChartTableRow* rows;
};

const ChartTable& colorchecker24_2014();  // X-Rite, charts made after November 2014
const ChartTable& colorchecker24_2005();  // X-Rite, charts made before November 2014

}  // namespace smpshade::detail
