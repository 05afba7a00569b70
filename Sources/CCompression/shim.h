#include <snappy-c.h>
#include <lz4frame.h>
#include <zstd.h>
