#pragma once
// Reading the reference tables of data/ and tests/data/ in unit tests.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace smpshade::test {

/// Path of a file in the source tree.
inline std::string source_path(const std::string& relative) {
  return std::string(SMPSHADE_SOURCE_DIR) + "/" + relative;
}

/// Rows of a CSV file with '#' comments and one header line, split at commas.
inline std::vector<std::vector<std::string>> read_csv(const std::string& relative) {
  std::ifstream in(source_path(relative));
  if (!in) throw std::runtime_error("cannot open " + relative);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream cellstream(line);
    std::string cell;
    while (std::getline(cellstream, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace smpshade::test
