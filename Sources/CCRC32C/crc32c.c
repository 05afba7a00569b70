// Hardware CRC-32C for PetrelCore's CRC32C. The instruction-set specific
// functions carry a `target` attribute, so the rest of the build needs no
// extra compiler flags; a runtime check decides whether they may be called.
//
// Long buffers are cut into three equal lanes whose CRCs run interleaved
// (the instruction has a latency of three cycles but a throughput of one),
// then joined: the raw CRC register is linear, so the state after A||B is
// shift(state after A, |B|) xor crc-from-zero(B), where shift multiplies by
// x^(8|B|) modulo the polynomial.

#include "CCRC32C.h"

#include <string.h>

#define POLY_REFLECTED 0x82F63B78u

/// Product of two polynomials modulo the CRC-32C polynomial, both in the
/// reflected representation used by the CRC register (bit 31 is x^0).
static uint32_t gf2_multiply(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (int bit = 31; bit >= 0; bit--) {
        if (a & (1u << bit)) product ^= b;
        b = (b & 1u) ? (b >> 1) ^ POLY_REFLECTED : b >> 1;
    }
    return product;
}

/// x^(8 * bytes) modulo the polynomial: the factor that moves a CRC register
/// past `bytes` zero bytes.
static uint32_t shift_factor(size_t bytes) {
    uint32_t result = 0x80000000u; // x^0
    uint32_t square = 0x00800000u; // x^8
    while (bytes > 0) {
        if (bytes & 1u) result = gf2_multiply(result, square);
        square = gf2_multiply(square, square);
        bytes >>= 1;
    }
    return result;
}

/// Lane lengths for the interleaved loop, longest first, and their shift factors.
enum { LANE_COUNT = 3 };
static const size_t lane_bytes[LANE_COUNT] = {8192, 1024, 128};
static uint32_t lane_factor[LANE_COUNT];
static int hardware_state = -1; // -1 unknown, 0 no, 1 yes

static void load_u64(uint64_t *out, const unsigned char *p) { memcpy(out, p, 8); }

// One instruction-set block: the function attribute, the 8-byte and 1-byte
// CRC steps, and the runtime check.
#if defined(__x86_64__)
#define HAVE_CRC_INSTRUCTION 1
#define CRC_TARGET __attribute__((target("sse4.2")))
#define CRC_STEP64(c, word) ((uint32_t)__builtin_ia32_crc32di((c), (word)))
#define CRC_STEP8(c, byte) __builtin_ia32_crc32qi((c), (byte))

static int detect(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#define HAVE_CRC_INSTRUCTION 1
#define CRC_TARGET __attribute__((target("crc")))
#define CRC_STEP64(c, word) __builtin_arm_crc32cd((c), (word))
#define CRC_STEP8(c, byte) __builtin_arm_crc32cb((c), (byte))

static int detect(void) { return (getauxval(AT_HWCAP) & HWCAP_CRC32) ? 1 : 0; }

#else
#define HAVE_CRC_INSTRUCTION 0
static int detect(void) { return 0; }
#endif

#if HAVE_CRC_INSTRUCTION

CRC_TARGET
static uint32_t crc_serial(uint32_t c, const unsigned char *p, size_t n) {
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t word;
        load_u64(&word, p);
        c = CRC_STEP64(c, word);
    }
    for (; n > 0; p++, n--) c = CRC_STEP8(c, *p);
    return c;
}

CRC_TARGET
static void crc_lanes(uint32_t *c0, uint32_t *c1, uint32_t *c2, const unsigned char *p, size_t lane) {
    uint32_t a = *c0, b = 0, c = 0;
    for (const unsigned char *end = p + lane; p < end; p += 8) {
        uint64_t wa, wb, wc;
        load_u64(&wa, p);
        load_u64(&wb, p + lane);
        load_u64(&wc, p + 2 * lane);
        a = CRC_STEP64(a, wa);
        b = CRC_STEP64(b, wb);
        c = CRC_STEP64(c, wc);
    }
    *c0 = a;
    *c1 = b;
    *c2 = c;
}

#else

static uint32_t crc_serial(uint32_t c, const unsigned char *p, size_t n) { (void)p; (void)n; return c; }
static void crc_lanes(uint32_t *c0, uint32_t *c1, uint32_t *c2, const unsigned char *p, size_t lane) {
    (void)c0; (void)c1; (void)c2; (void)p; (void)lane;
}

#endif

int petrel_crc32c_hardware_available(void) {
    int state = __atomic_load_n(&hardware_state, __ATOMIC_ACQUIRE);
    if (state >= 0) return state;
    for (int i = 0; i < LANE_COUNT; i++) lane_factor[i] = shift_factor(lane_bytes[i]);
    state = detect();
    // The factors are written before the state is published; racing first
    // callers compute the same values.
    __atomic_store_n(&hardware_state, state, __ATOMIC_RELEASE);
    return state;
}

uint32_t petrel_crc32c_hardware(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    uint32_t c = ~crc;
    for (int i = 0; i < LANE_COUNT; i++) {
        size_t lane = lane_bytes[i];
        while (count >= 3 * lane) {
            uint32_t c0 = c, c1, c2;
            crc_lanes(&c0, &c1, &c2, p, lane);
            c = gf2_multiply(gf2_multiply(c0, lane_factor[i]) ^ c1, lane_factor[i]) ^ c2;
            p += 3 * lane;
            count -= 3 * lane;
        }
    }
    c = crc_serial(c, p, count);
    return ~c;
}
