#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Go's math functions, which Prometheus' results are made of. Where Go computes a value
// differently from the C library (Pow multiplies out integer powers by repeated squaring),
// the Go algorithm is followed so results agree to the last bit.

/// Go's `math.Pow`.
func goPow(_ x: Double, _ y: Double) -> Double {
    if y == 0 || x == 1 { return 1 }
    if y == 1 { return x }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 {
        if y < 0 { return x.sign == .minus && isOddInteger(y) ? -.infinity : .infinity }
        return x.sign == .minus && isOddInteger(y) ? x : 0
    }
    if y.isInfinite {
        if x == -1 { return 1 }
        return (x.magnitude < 1) == (y > 0) ? 0 : .infinity
    }
    if x.isInfinite {
        if x < 0 { return goPow(1 / x, -y) }
        return y < 0 ? 0 : .infinity
    }
    if y == 0.5 { return x.squareRoot() }
    if y == -0.5 { return 1 / x.squareRoot() }

    var yi = y.magnitude.rounded(.towardZero)
    var yf = y.magnitude - yi
    if yf != 0 && x < 0 { return .nan }
    if yi >= 9.223372036854775808e18 {
        if x == -1 { return 1 }
        return (x.magnitude < 1) == (y > 0) ? 0 : .infinity
    }
    var a1 = 1.0
    var ae = 0
    if yf != 0 {
        if yf > 0.5 {
            yf -= 1
            yi += 1
        }
        a1 = exp(yf * log(x))
    }
    var (x1, xe) = frexp(x)
    var i = Int64(yi)
    while i != 0 {
        if xe < -(1 << 12) || (1 << 12) < xe {
            ae += xe
            break
        }
        if i & 1 == 1 {
            a1 *= x1
            ae += xe
        }
        x1 *= x1
        xe <<= 1
        if x1 < 0.5 {
            x1 += x1
            xe -= 1
        }
        i >>= 1
    }
    if y < 0 {
        a1 = 1 / a1
        ae = -ae
    }
    return scalbn(a1, ae)
}

private func isOddInteger(_ y: Double) -> Bool {
    guard y.magnitude < 9.007199254740992e15, y == y.rounded(.towardZero) else { return false }
    return Int64(y) & 1 == 1
}

/// Go's `math.Frexp`: a fraction in [0.5, 1) and a power of two.
private func frexp(_ x: Double) -> (Double, Int) {
    if x == 0 || !x.isFinite { return (x, 0) }
    return (Double(sign: x.sign, exponent: -1, significand: x.significand), Int(x.exponent) + 1)
}

/// Go's `math.Mod` (the C `fmod`, exact in both).
func goMod(_ x: Double, _ y: Double) -> Double { fmod(x, y) }

/// Go's `math.Atan2`.
func goAtan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
