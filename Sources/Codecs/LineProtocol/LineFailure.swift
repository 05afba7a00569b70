/// Why one line was rejected, kept as a small value while parsing (no string is
/// built unless the line really is bad). Messages follow InfluxDB 1.x
/// (`models/points.go`) word for word.
enum LineFailure: Error {
    case missingMeasurement
    case missingFields
    case missingTagKey
    case missingTagValue
    case invalidTagFormat
    case duplicateTags
    case maxKeyLength(Int)
    case missingFieldKey
    case missingFieldValue
    case invalidNumber
    case invalidFloat
    case invalidBoolean
    /// The bytes of an int64 out of range (`start..<end` in the line).
    case integerOutOfRange(start: Int, end: Int)
    case unsignedOutOfRange(start: Int, end: Int)
    case unbalancedQuotes
    case invalidFieldFormat
    case badTimestamp
    /// A timestamp strconv would not parse: `-` alone (syntax) or out of int64 range.
    case timestampUnparsable(start: Int, end: Int, outOfRange: Bool)
    case timeOutOfRange
    case invalidPoint
    case tooManyTags(Int)
    case tooManyFields(Int)
    case lineTooLong(Int)

    func message(line: UnsafePointer<UInt8>) -> String {
        func text(_ start: Int, _ end: Int) -> String {
            String(decoding: UnsafeBufferPointer(start: line + start, count: end - start), as: UTF8.self)
        }
        switch self {
        case .missingMeasurement: return "missing measurement"
        case .missingFields: return "missing fields"
        case .missingTagKey: return "missing tag key"
        case .missingTagValue: return "missing tag value"
        case .invalidTagFormat: return "invalid tag format"
        case .duplicateTags: return "duplicate tags"
        case .maxKeyLength(let n): return "max key length exceeded: \(n) > \(LineProtocolOptions.maxKeyLength)"
        case .missingFieldKey: return "missing field key"
        case .missingFieldValue: return "missing field value"
        case .invalidNumber: return "invalid number"
        case .invalidFloat: return "invalid float"
        case .invalidBoolean: return "invalid boolean"
        case .integerOutOfRange(let s, let e):
            let n = text(s, e)
            return "unable to parse integer \(n): strconv.ParseInt: parsing \"\(n)\": value out of range"
        case .unsignedOutOfRange(let s, let e):
            let n = text(s, e)
            return "unable to parse unsigned \(n): strconv.ParseUint: parsing \"\(n)\": value out of range"
        case .unbalancedQuotes: return "unbalanced quotes"
        case .invalidFieldFormat: return "invalid field format"
        case .badTimestamp: return "bad timestamp"
        case .timestampUnparsable(let s, let e, let range):
            return "strconv.ParseInt: parsing \"\(text(s, e))\": \(range ? "value out of range" : "invalid syntax")"
        case .timeOutOfRange: return "time outside range \(Precision.minNanos) - \(Precision.maxNanos)"
        case .invalidPoint: return "point is invalid"
        case .tooManyTags(let n): return "too many tags (limit \(n))"
        case .tooManyFields(let n): return "too many fields (limit \(n))"
        case .lineTooLong(let n): return "line too long (limit \(n) bytes)"
        }
    }
}
