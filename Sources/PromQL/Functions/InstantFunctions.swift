#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PetrelCore

/// Functions over instant vectors and scalars, evaluated once per step on that step's
/// argument vectors (Prometheus' `FunctionCalls` minus the range-vector ones).
enum InstantFunctions {
    /// Per-call state worked out once before the first step: string arguments, a compiled
    /// regex, the labels `absent()` would give, and per-series results worth remembering.
    struct Prepared {
        var call: Call
        var strings: [String] = []
        var regex: Regex<AnyRegexOutput>?
        var absentLabels = Labels()
        var relabelled: [Labels: Labels] = [:]
    }

    typealias Function = @Sendable (_ input: Evaluator.StepInput, _ ts: Int64, _ state: inout Prepared) throws(PromQLError) -> [VectorSample]

    /// Validates the call's constant arguments the way Prometheus does on its first step.
    static func prepare(_ call: Call) throws(PromQLError) -> Prepared {
        var state = Prepared(call: call)
        state.strings = call.args.map { arg in
            if case .string(let s) = arg.unwrappingParens { return s.value }
            return ""
        }
        switch call.function.name {
        case "label_replace":
            let pattern = state.strings[4]
            do {
                state.regex = try Regex("^(?:" + pattern + ")$")
            } catch {
                throw PromQLError(.execution, "invalid regular expression in label_replace(): \(pattern)")
            }
            if !isValidLabelName(state.strings[1]) {
                throw PromQLError(.execution, "invalid destination label name in label_replace(): \(state.strings[1])")
            }
        case "label_join":
            for source in state.strings.dropFirst(3) where !isValidLabelName(source) {
                throw PromQLError(.execution, "invalid source label name in label_join(): \(source)")
            }
            if !isValidLabelName(state.strings[1]) {
                throw PromQLError(.execution, "invalid destination label name in label_join(): \(state.strings[1])")
            }
        case "absent":
            if case .vectorSelector(let v) = call.args[0].unwrappingParens {
                state.absentLabels = Evaluator.absentLabels(v.matchers)
            }
        default:
            break
        }
        return state
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, Prometheus' label name rule.
    static func isValidLabelName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for (i, b) in name.utf8.enumerated() {
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            if !(letter || (digit && i > 0)) { return false }
        }
        return true
    }

    /// `f` applied to every element; the metric name is dropped.
    static func simple(_ f: @escaping @Sendable (Double) -> Double) -> Function {
        { input, _, _ in input[0].map { VectorSample(labels: $0.labels.withoutName, timestamp: $0.timestamp, value: f($0.value)) } }
    }

    /// A scalar result (one element without labels).
    static func scalar(_ v: Double) -> [VectorSample] { [VectorSample(labels: Labels(), timestamp: 0, value: v)] }

    static let table: [String: Function] = {
        var t: [String: Function] = [
            "abs": simple { $0.magnitude },
            "ceil": simple { $0.rounded(.up) },
            "floor": simple { $0.rounded(.down) },
            "exp": simple { exp($0) },
            "sqrt": simple { $0.squareRoot() },
            "ln": simple(goLog),
            "log2": simple(goLog2),
            "log10": simple(goLog10),
            "sin": simple { sin($0) }, "cos": simple { cos($0) }, "tan": simple { tan($0) },
            "asin": simple { asin($0) }, "acos": simple { acos($0) }, "atan": simple { atan($0) },
            "sinh": simple { sinh($0) }, "cosh": simple { cosh($0) }, "tanh": simple { tanh($0) },
            "asinh": simple { asinh($0) }, "acosh": simple { acosh($0) }, "atanh": simple { atanh($0) },
            "rad": simple { $0 * Double.pi / 180 },
            "deg": simple { $0 * 180 / Double.pi },
            "sgn": simple { $0 < 0 ? -1 : ($0 > 0 ? 1 : $0) },
            "pi": { _, _, _ in scalar(Double.pi) },
            "time": { _, ts, _ in scalar(Double(ts) / 1000) },
            "scalar": { input, _, _ in scalar(input[0].count == 1 ? input[0][0].value : .nan) },
            "vector": { input, _, _ in [VectorSample(labels: Labels(), timestamp: 0, value: input[0][0].value)] },
            "timestamp": { input, _, _ in
                input[0].map { VectorSample(labels: $0.labels.withoutName, timestamp: $0.timestamp, value: Double($0.timestamp) / 1000) }
            },
            "absent": { input, _, state in
                input[0].isEmpty ? [VectorSample(labels: state.absentLabels, timestamp: 0, value: 1)] : []
            },
            "clamp": { input, _, _ in
                let low = input[1][0].value, high = input[2][0].value
                if high < low { return [] }
                return input[0].map { VectorSample(labels: $0.labels.withoutName, timestamp: 0, value: goMax(low, goMin(high, $0.value))) }
            },
            "clamp_max": { input, _, _ in
                let high = input[1][0].value
                return input[0].map { VectorSample(labels: $0.labels.withoutName, timestamp: 0, value: goMin(high, $0.value)) }
            },
            "clamp_min": { input, _, _ in
                let low = input[1][0].value
                return input[0].map { VectorSample(labels: $0.labels.withoutName, timestamp: 0, value: goMax(low, $0.value)) }
            },
            "round": { input, _, _ in
                let toNearest = input.vectors.count > 1 ? input[1][0].value : 1
                // Prometheus multiplies by the inverse, which changes some results.
                let inverse = 1.0 / toNearest
                return input[0].map {
                    VectorSample(labels: $0.labels.withoutName, timestamp: 0, value: ($0.value * inverse + 0.5).rounded(.down) / inverse)
                }
            },
            "sort": { input, _, _ in
                var v = input[0]
                GoSort.sort(&v) { a, b in b.value.isNaN || b.value > a.value }
                return v
            },
            "sort_desc": { input, _, _ in
                var v = input[0]
                GoSort.sort(&v) { a, b in b.value.isNaN || b.value < a.value }
                return v
            },
            "label_replace": { input, _, state throws(PromQLError) in try labelReplace(input[0], &state) },
            "label_join": { input, _, state in labelJoin(input[0], &state) },
            "histogram_quantile": { input, _, _ in histogramQuantile(input[0][0].value, input[1]) },
            // Native-histogram functions: Petrel stores only float samples, which they skip.
            "histogram_count": { _, _, _ in [] },
            "histogram_sum": { _, _, _ in [] },
            "histogram_fraction": { _, _, _ in [] },
        ]
        for (name, f) in CalendarFunctions.table {
            t[name] = { input, ts, _ in
                if input.vectors.isEmpty { return scalar(f(ts / 1000)) }
                return input[0].map { VectorSample(labels: $0.labels.withoutName, timestamp: 0, value: f(goInt64($0.value))) }
            }
        }
        return t
    }()

    /// `histogram_quantile(φ, buckets)`: groups `le` buckets by their other labels (the
    /// metric name dropped) and estimates each group's quantile.
    static func histogramQuantile(_ q: Double, _ vector: [VectorSample]) -> [VectorSample] {
        var order: [Labels] = []
        var groups: [Labels: [Quantile.Bucket]] = [:]
        for sample in vector {
            guard let le = sample.labels["le"], let bound = Double(le) else { continue }
            let key = sample.labels.removing([Labels.metricName, "le"])
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(Quantile.Bucket(upperBound: bound, count: sample.value))
        }
        return order.map { VectorSample(labels: $0, timestamp: 0, value: Quantile.bucketQuantile(q, groups[$0]!)) }
    }

    static func labelReplace(_ vector: [VectorSample], _ state: inout Prepared) throws(PromQLError) -> [VectorSample] {
        let destination = state.strings[1], replacement = state.strings[2], source = state.strings[3]
        guard let regex = state.regex else { return vector }
        var out: [VectorSample] = []
        out.reserveCapacity(vector.count)
        for var sample in vector {
            if let cached = state.relabelled[sample.labels] {
                sample.labels = cached
            } else {
                let original = sample.labels
                let value = sample.labels[source] ?? ""
                if let match = try? regex.wholeMatch(in: value) {
                    let expanded = GoRegexTemplate.expand(replacement, match: match)
                    sample.labels = sample.labels.setting(destination, to: expanded)
                }
                state.relabelled[original] = sample.labels
            }
            out.append(sample)
        }
        return out
    }

    static func labelJoin(_ vector: [VectorSample], _ state: inout Prepared) -> [VectorSample] {
        let destination = state.strings[1], separator = state.strings[2]
        let sources = Array(state.strings.dropFirst(3))
        return vector.map { sample in
            var sample = sample
            let joined = sources.map { sample.labels[$0] ?? "" }.joined(separator: separator)
            sample.labels = sample.labels.setting(destination, to: joined)
            return sample
        }
    }
}

/// Go's `math.Max`: NaN wins, +Inf wins over NaN, +0 over -0.
func goMax(_ x: Double, _ y: Double) -> Double {
    if x == .infinity || y == .infinity { return .infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && x == y { return x.sign == .minus ? y : x }
    return x > y ? x : y
}

/// Go's `math.Min`: NaN wins, -Inf wins over NaN, -0 over +0.
func goMin(_ x: Double, _ y: Double) -> Double {
    if x == -.infinity || y == -.infinity { return -.infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && x == y { return x.sign == .minus ? x : y }
    return x < y ? x : y
}

/// Go's float-to-int64 conversion as amd64 does it: out of range and NaN give the
/// minimum value instead of trapping.
func goInt64(_ v: Double) -> Int64 {
    guard v.isFinite, v >= -9.223372036854775808e18, v < 9.223372036854775808e18 else { return .min }
    return Int64(v)
}
