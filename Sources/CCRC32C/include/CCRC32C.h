#ifndef PETREL_CCRC32C_H
#define PETREL_CCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has a CRC-32C instruction Petrel can use
/// (x86-64 SSE4.2 `crc32`, or the ARMv8 CRC32 extension).
int petrel_crc32c_hardware_available(void);

/// CRC-32C (Castagnoli) of `count` bytes at `bytes`, continuing from `crc`
/// (0 to start), computed with the CPU's CRC instruction. Call only when
/// `petrel_crc32c_hardware_available()` returned 1.
uint32_t petrel_crc32c_hardware(uint32_t crc, const void *bytes, size_t count);

#endif
