#ifndef SMPSHADE_CHART_DETECT_H
#define SMPSHADE_CHART_DETECT_H
/* The chart plugin's interface (libsmpshade-chart.so, loaded by chart_locator() in
 * calibrate.cpp): OpenCV's mcc detector behind plain C types, as LittleCMS's lcms2_plugin.h
 * does it. The plugin hands the library a table that starts with a magic number and the
 * interface version it was built for; the library refuses a plugin whose magic or version is
 * not its own, so that a plugin and a library from different builds never exchange data they
 * read differently. Nothing C++ crosses: no std::vector, std::string, exception or smpshade
 * type. Change the version whenever a struct or a function below changes. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "SMPC", the first field of every chart plugin's table. */
#define SMPSHADE_CHART_PLUGIN_MAGIC 0x534d5043u
/* The interface this header describes. */
#define SMPSHADE_CHART_PLUGIN_VERSION 1u
/* The name of the function chart_locator() looks up (SmpshadeChartPluginEntry). */
#define SMPSHADE_CHART_ENTRY "smpshade_chart_plugin"

/* A photo in displayed orientation: `height` rows of `width` interleaved R, G, B samples, 8-bit
 * (unsigned char) or 16-bit (native-endian uint16_t) as `bits` says, rows `row_bytes` apart. */
typedef struct SmpshadeChartImage {
  int32_t width;
  int32_t height;
  int32_t bits;
  size_t row_bytes;
  const void* pixels;
} SmpshadeChartImage;

/* A point of the photo, in displayed pixel coordinates. */
typedef struct SmpshadeChartPoint {
  double x;
  double y;
} SmpshadeChartPoint;

/* The four outer corners of a candidate's 6 x 4 patch area, in the detector's order. */
typedef struct SmpshadeChartCorners {
  SmpshadeChartPoint corner[4];
} SmpshadeChartCorners;

/* Finds ColorCheckers in `image`: fills found[0 .. *count) (at most `capacity`), best first.
 * Square grids that are not a ColorChecker can be among them, and which corner comes first is
 * the detector's guess: calibrate() settles both from the patches' colours. Returns 1, or 0
 * with a message in `error` (at most `error_size` bytes with its terminating NUL) when the
 * detector fails. */
typedef int (*SmpshadeFindCharts)(const SmpshadeChartImage* image, SmpshadeChartCorners* found,
                                  int32_t capacity, int32_t* count, char* error,
                                  size_t error_size);

/* What the plugin gives the library. */
typedef struct SmpshadeChartPlugin {
  uint32_t magic;   /* SMPSHADE_CHART_PLUGIN_MAGIC */
  uint32_t version; /* SMPSHADE_CHART_PLUGIN_VERSION the plugin was built with */
  SmpshadeFindCharts find_charts;
} SmpshadeChartPlugin;

/* The plugin's one exported function: its table, valid for the life of the process. */
typedef const SmpshadeChartPlugin* (*SmpshadeChartPluginEntry)(void);

#ifdef __cplusplus
}
#endif

#endif /* SMPSHADE_CHART_DETECT_H */
