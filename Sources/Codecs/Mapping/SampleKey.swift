import PetrelCore

/// The identity of one sample's series, as borrowed bytes and a hash, so a
/// caller can look up its series cache without building `Labels` per sample.
///
/// The bytes are canonical for a series given the order of its labels: the
/// metric name, then each label's name and value, every string preceded by its
/// length as an unsigned LEB128 varint. Equal bytes mean equal series; the same
/// labels in another order may give other bytes (a cache miss, not an error).
/// Valid only inside the callback that received it.
public struct SampleKey {
    /// A hash of `bytes` (FNV-1a of the name and of the labels, mixed). Stable
    /// across processes, but not `Labels.stableHash`.
    public let hash: UInt64
    public let bytes: UnsafeRawBufferPointer

    /// Builds the series' `Labels`: the name as `__name__`, sorted, empty values dropped.
    public func makeLabels() -> Labels {
        SampleKey.labels(fromKeyBytes: bytes) ?? Labels()
    }

    /// Copies the key bytes, e.g. to store them in a cache.
    public func copyBytes() -> [UInt8] { Array(bytes) }

    /// Decodes key bytes (from `bytes` or a stored copy) back into labels; nil if
    /// they are not a well-formed key.
    public static func labels(fromKeyBytes bytes: UnsafeRawBufferPointer) -> Labels? {
        var offset = 0
        func string() -> String? {
            guard let length = Varint.readUnsigned(bytes, at: &offset), length <= UInt64(bytes.count - offset) else {
                return nil
            }
            let end = offset + Int(length)
            defer { offset = end }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        }
        guard let name = string() else { return nil }
        var pairs = [Label(Labels.metricName, name)]
        while offset < bytes.count {
            guard let key = string(), let value = string() else { return nil }
            pairs.append(Label(key, value))
        }
        return Labels(pairs)
    }

    /// Mixes the name and label hashes into one well-spread 64-bit value.
    @inline(__always)
    static func mix(_ name: UInt64, _ labels: UInt64) -> UInt64 {
        var h = name ^ (labels &* 0x9E37_79B9_7F4A_7C15)
        h ^= h >> 32
        h &*= 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }
}
