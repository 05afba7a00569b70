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
func frexp(_ x: Double) -> (Double, Int) {
    if x == 0 || !x.isFinite { return (x, 0) }
    return (Double(sign: x.sign, exponent: -1, significand: x.significand), Int(x.exponent) + 1)
}

/// Go's `math.Mod` (the C `fmod`, exact in both).
func goMod(_ x: Double, _ y: Double) -> Double { fmod(x, y) }

/// Go's `math.Atan2`.
func goAtan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }

/// C's `snprintf(buf, size, "%.6f", v)`, which rounds the exact binary value as Go's `%f` does.
func snprintf6(_ buffer: UnsafeMutablePointer<CChar>, _ size: Int, _ v: Double) -> Int32 {
    withVaList([v]) { vsnprintf(buffer, size, "%.6f", $0) }
}

/// Go's `math.Log` (the FreeBSD algorithm), so `ln`, `log2` and `log10` agree with
/// Prometheus to the last bit.
func goLog(_ x: Double) -> Double {
    let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    let l1 = 6.666666666666735130e-01, l2 = 3.999999999940941908e-01, l3 = 2.857142874366239149e-01
    let l4 = 2.222219843214978396e-01, l5 = 1.818357216161805012e-01, l6 = 1.531383769920937332e-01
    let l7 = 1.479819860511658591e-01
    if x.isNaN || x == .infinity { return x }
    if x < 0 { return .nan }
    if x == 0 { return -.infinity }
    var (f1, ki) = frexp(x)
    if f1 < 2.squareRoot() / 2 {
        f1 *= 2
        ki -= 1
    }
    let f = f1 - 1
    let k = Double(ki)
    let s = f / (2 + f)
    let s2 = s * s
    let s4 = s2 * s2
    let t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)))
    let t2 = s4 * (l2 + s4 * (l4 + s4 * l6))
    let r = t1 + t2
    let hfsq = 0.5 * f * f
    return k * ln2Hi - ((hfsq - (s * (hfsq + r) + k * ln2Lo)) - f)
}

/// Go's `math.Log2`: exact for powers of two.
func goLog2(_ x: Double) -> Double {
    let (frac, exp) = frexp(x)
    if frac == 0.5 { return Double(exp - 1) }
    return goLog(frac) * 1.44269504088896340735992468100189214 + Double(exp)
}

/// Go's `math.Log10`.
func goLog10(_ x: Double) -> Double {
    goLog(x) * 0.43429448190325182765112891891660508
}
