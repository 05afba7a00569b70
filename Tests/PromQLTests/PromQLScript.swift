import PetrelCore
import Testing
@testable import PromQL

/// A small runner for test scripts in the style of Prometheus' `promql/testdata/*.test`:
///
///     load 5m
///       http_requests{job="api"} 0+10x10 _ stale 5
///     eval instant at 50m sum(http_requests)
///       {} 100
///     eval_fail instant at 50m topk(NaN, http_requests)
///       Scalar value NaN overflows int64
///     eval_ordered instant at 50m sort(http_requests)
///     eval range from 0 to 10m step 5m http_requests
///       http_requests{job="api"} 0 10 20
///     clear
///
/// Values compare with a relative tolerance of 1e-6 (NaN equals NaN); `eval_ordered`
/// also checks the order of the result.
struct PromQLScript {
    var storage = MemoryStorage([])
    var engine = Engine()

    /// Runs every command; each failed expectation is recorded with its line number.
    static func run(_ script: String, engine: Engine = Engine(), sourceLocation: SourceLocation = #_sourceLocation) {
        var runner = PromQLScript()
        runner.engine = engine
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        while i < lines.count {
            let line = lines[i].trimmingWhitespace
            i += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            var body: [String] = []
            while i < lines.count, let first = lines[i].first, first == " " || first == "\t" {
                let trimmed = lines[i].trimmingWhitespace
                if !trimmed.isEmpty { body.append(trimmed) }
                i += 1
            }
            if line == "clear" {
                runner.storage = MemoryStorage([])
            } else if line.hasPrefix("load ") {
                runner.load(interval: duration(String(line.dropFirst(5))), body)
            } else if line.hasPrefix("eval") {
                runner.eval(line, body, lineNumber: i - body.count - 1, sourceLocation: sourceLocation)
            } else {
                Issue.record("line \(i): unknown command \(line)", sourceLocation: sourceLocation)
            }
        }
    }

    static func duration(_ text: String) -> Int64 {
        (try? PromDuration.parse(text.trimmingWhitespace)) ?? 0
    }

    mutating func load(interval: Int64, _ lines: [String]) {
        for line in lines {
            let (labels, rest) = PromQLScript.parseLabels(line)
            var data = SeriesData(labels: labels)
            var t: Int64 = 0
            for token in rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
                for value in PromQLScript.expand(token) {
                    if let value {
                        data.timestamps.append(t)
                        data.values.append(value)
                    }
                    t += interval
                }
            }
            storage.series.append(data)
        }
    }

    /// `a+bxn` / `a-bxn` (n+1 values), `_` (no sample), `_xn`, `stale`, or a number.
    static func expand(_ token: String) -> [Double?] {
        if token == "_" { return [nil] }
        if token == "stale" { return [StaleMarker.value] }
        if let x = token.lastIndex(of: "x"), let n = Int(token[token.index(after: x)...]) {
            let head = String(token[..<x])
            if head == "_" { return Array(repeating: nil, count: n) }
            var split = head.index(after: head.startIndex)
            while split < head.endIndex, head[split] != "+", head[split] != "-" { split = head.index(after: split) }
            let start = number(String(head[..<split])) ?? 0
            var delta = 0.0
            if split < head.endIndex {
                delta = number(String(head[head.index(after: split)...])) ?? 0
                if head[split] == "-" { delta = -delta }
            }
            return (0...n).map { start + Double($0) * delta }
        }
        return [number(token)]
    }

    static func number(_ s: String) -> Double? {
        switch s {
        case "Inf", "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(s)
        }
    }

    /// `name{a="b", c="d"} rest` → labels and rest.
    static func parseLabels(_ line: String) -> (Labels, String) {
        if number(line.split(separator: " ").first.map(String.init) ?? "") != nil { return (Labels(), line) }
        var chars = Substring(line)
        var pairs: [String: String] = [:]
        var name = ""
        while let c = chars.first, c.isLetter || c == "_" || c == ":" || (!name.isEmpty && c.isNumber) {
            name.append(c)
            chars = chars.dropFirst()
        }
        if !name.isEmpty { pairs[Labels.metricName] = name }
        if chars.first == "{" {
            chars = chars.dropFirst()
            while let c = chars.first, c != "}" {
                if c == "," || c == " " {
                    chars = chars.dropFirst()
                    continue
                }
                var label = ""
                while let c = chars.first, c != "=" {
                    label.append(c)
                    chars = chars.dropFirst()
                }
                chars = chars.dropFirst(2)  // ="
                var value = ""
                while let c = chars.first, c != "\"" {
                    if c == "\\" {
                        chars = chars.dropFirst()
                        if let escaped = chars.first { value.append(escaped == "n" ? "\n" : escaped) }
                    } else {
                        value.append(c)
                    }
                    chars = chars.dropFirst()
                }
                chars = chars.dropFirst()
                pairs[label.trimmingWhitespace] = value
            }
            chars = chars.dropFirst()
        }
        return (Labels(pairs), String(chars).trimmingWhitespace)
    }

    func eval(_ line: String, _ body: [String], lineNumber: Int, sourceLocation: SourceLocation) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let command = words[0]
        let shouldFail = command == "eval_fail"
        let ordered = command == "eval_ordered"
        let query: String
        var result: QueryResult
        do {
            if words[1] == "instant" {
                // eval instant at T query
                let time = PromQLScript.duration(words[3])
                query = words[4...].joined(separator: " ")
                result = try engine.instantQuery(query, at: time, storage: storage)
            } else {
                // eval range from A to B step S query
                let (a, b, s) = (PromQLScript.duration(words[3]), PromQLScript.duration(words[5]), PromQLScript.duration(words[7]))
                query = words[8...].joined(separator: " ")
                result = try engine.rangeQuery(query, start: a, end: b, step: s, storage: storage)
            }
        } catch {
            if !shouldFail {
                Issue.record("line \(lineNumber): \(line) failed: \(error.message)", sourceLocation: sourceLocation)
            } else if let expected = body.first, error.message != expected {
                Issue.record("line \(lineNumber): expected error \(expected), got \(error.message)", sourceLocation: sourceLocation)
            }
            return
        }
        if shouldFail {
            Issue.record("line \(lineNumber): \(line) should have failed", sourceLocation: sourceLocation)
            return
        }
        var got: [(Labels, [Double])] = []
        switch result {
        case .scalar(_, let v): got = [(Labels(), [v])]
        case .vector(let v): got = v.map { ($0.labels, [$0.value]) }
        case .matrix(let m): got = m.map { ($0.labels, $0.values) }
        case .string(_, let s): got = [(Labels(["value": s]), [])]
        }
        let expected = body.map { line -> (Labels, [Double]) in
            let (labels, rest) = PromQLScript.parseLabels(line)
            return (labels, rest.split(separator: " ").flatMap { PromQLScript.expand(String($0)).map { $0 ?? .nan } })
        }
        let describe = { (rows: [(Labels, [Double])]) in rows.map { "\($0.0) \($0.1)" }.joined(separator: "; ") }
        guard got.count == expected.count else {
            Issue.record("line \(lineNumber): \(query): expected [\(describe(expected))], got [\(describe(got))]",
                         sourceLocation: sourceLocation)
            return
        }
        for (index, row) in expected.enumerated() {
            let match = ordered ? (got[index].0 == row.0 ? got[index] : nil) : got.first { $0.0 == row.0 }
            guard let match, match.1.count == row.1.count,
                  zip(match.1, row.1).allSatisfy({ PromQLScript.almostEqual($0, $1) })
            else {
                Issue.record("line \(lineNumber): \(query): expected [\(describe(expected))], got [\(describe(got))]",
                             sourceLocation: sourceLocation)
                return
            }
        }
    }

    static func almostEqual(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        let diff = (a - b).magnitude
        if a == 0 || b == 0 || diff < Double.leastNormalMagnitude { return diff < 1e-6 * Double.leastNormalMagnitude }
        return diff / (a.magnitude + b.magnitude) < 1e-6
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
