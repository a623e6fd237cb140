#pragma once
// CIE tables compiled from data/*.csv by cmake/embed_tables.cmake.

namespace smpshade::detail {

/// Rows of `columns` values at start_nm, start_nm + step_nm, ... (row-major).
struct TabulatedSpectra {
  int start_nm;
  int step_nm;
  int rows;
  int columns;
  const double* values;

  /// Column `column` at `nm`, interpolated linearly; 0 outside the table.
  double at(double nm, int column) const {
    const double position = (nm - start_nm) / step_nm;
    if (position < 0 || position > rows - 1) return 0.0;
    const int lower = static_cast<int>(position);
    if (lower >= rows - 1) return values[(rows - 1) * columns + column];
    const double t = position - lower;
    return (1.0 - t) * values[lower * columns + column] +
           t * values[(lower + 1) * columns + column];
  }
};

const TabulatedSpectra& cie1931_2deg_cmf();   // CIE 018:2019, 360–830 nm at 1 nm
const TabulatedSpectra& cie1964_10deg_cmf();  // CIE 018:2019, 360–830 nm at 1 nm
const TabulatedSpectra& illuminant_d50();     // CIE 015:2018, 300–830 nm at 5 nm
const TabulatedSpectra& illuminant_d65();     // CIE 015:2018, 300–830 nm at 5 nm
const TabulatedSpectra& illuminant_a();       // CIE 015:2018, 300–830 nm at 5 nm
const TabulatedSpectra& illuminant_fl11();    // CIE 015:2018, 380–780 nm at 5 nm
const TabulatedSpectra& illuminant_led_b3();  // CIE 015:2018 Table 10, 380–780 nm at 5 nm

}  // namespace smpshade::detail
