import NIOCore

/// UNSUPPORTED_VERSION (35) answers for requests at versions older than the
/// ones Petrel speaks, written in the layout of the version asked for so
/// that the client can read them.
///
/// Kafka's own broker closes the connection on any request at a version it
/// does not support, except ApiVersions. Petrel answers where it can: the
/// versions below a supported range are fixed, known layouts (all of them
/// non-flexible), so the request's topics and partitions are read and each
/// gets error 35. Versions above the range have no layout known here and are
/// still refused by closing, as Kafka does.
public enum OldVersionRefusal {
    /// The error-35 response body for `api` at `version`, read from the
    /// request's `body`; nil when there is no such layout (the connection is
    /// then closed). Throws when the request body is malformed.
    public static func responseBody(api: ApiKey, version: Int16, body: ByteBuffer) throws -> ByteBuffer? {
        guard let support = api.support, version >= 0, version < support.minVersion else { return nil }
        var reader = Reader(buffer: body, api: api, version: version)
        var out = ByteBuffer()
        switch api {
        case .produce: try produce(&reader, into: &out)
        case .fetch: try fetch(&reader, into: &out)
        case .listOffsets: try listOffsets(&reader, into: &out)
        case .createTopics: try createTopics(&reader, into: &out)
        case .deleteTopics: try deleteTopics(&reader, into: &out)
        case .describeConfigs: try describeConfigs(&reader, into: &out)
        default: return nil
        }
        return out
    }

    static let code = KafkaErrorCode.unsupportedVersion.rawValue

    /// Produce v0–2: [name [index error base_offset (v2: log_append_time)]] (v1+: throttle).
    /// acks=0 gets no answer in Kafka, so it has no layout here either.
    private static func produce(_ r: inout Reader, into out: inout ByteBuffer) throws {
        let acks: Int16 = try r.int()
        guard acks != 0 else { throw r.error("acks=0 Produce cannot carry an error answer") }
        let _: Int32 = try r.int()
        try writeTopics(&r, into: &out) { r, out in
            out.writeInteger(try r.int() as Int32)
            try r.skipBytes()
            out.writeInteger(code)
            out.writeInteger(Int64(-1))
            if r.version >= 2 { out.writeInteger(Int64(-1)) }
        }
        if r.version >= 1 { out.writeInteger(Int32(0)) }
    }

    /// Fetch v0–3: (v1+: throttle) [name [index error high_watermark records]].
    private static func fetch(_ r: inout Reader, into out: inout ByteBuffer) throws {
        for _ in 0..<(r.version >= 3 ? 4 : 3) { let _: Int32 = try r.int() }
        if r.version >= 1 { out.writeInteger(Int32(0)) }
        try writeTopics(&r, into: &out) { r, out in
            out.writeInteger(try r.int() as Int32)
            let _: Int64 = try r.int()
            let _: Int32 = try r.int()
            out.writeInteger(code)
            out.writeInteger(Int64(-1))
            out.writeInteger(Int32(0))
        }
    }

    /// ListOffsets v0: [name [index error old_style_offsets]].
    private static func listOffsets(_ r: inout Reader, into out: inout ByteBuffer) throws {
        let _: Int32 = try r.int()
        try writeTopics(&r, into: &out) { r, out in
            out.writeInteger(try r.int() as Int32)
            let _: Int64 = try r.int()
            let _: Int32 = try r.int()
            out.writeInteger(code)
            out.writeInteger(Int32(0))
        }
    }

    /// CreateTopics v0–1: [name error (v1: message)].
    private static func createTopics(_ r: inout Reader, into out: inout ByteBuffer) throws {
        try r.array(into: &out) { r, out in
            try r.copyString(into: &out)
            let _: Int32 = try r.int()
            let _: Int16 = try r.int()
            try r.skipArray { r in
                let _: Int32 = try r.int()
                try r.skipArray { r in let _: Int32 = try r.int() }
            }
            try r.skipArray { r in
                try r.skipString()
                try r.skipString()
            }
            out.writeInteger(code)
            if r.version >= 1 { out.writeInteger(Int16(-1)) }
        }
    }

    /// DeleteTopics v0: [name error].
    private static func deleteTopics(_ r: inout Reader, into out: inout ByteBuffer) throws {
        try r.array(into: &out) { r, out in
            try r.copyString(into: &out)
            out.writeInteger(code)
        }
    }

    /// DescribeConfigs v0: throttle [error message resource_type resource_name [configs]].
    private static func describeConfigs(_ r: inout Reader, into out: inout ByteBuffer) throws {
        out.writeInteger(Int32(0))
        try r.array(into: &out) { r, out in
            let type: Int8 = try r.int()
            var name = ByteBuffer()
            try r.copyString(into: &name)
            try r.skipArray { r in try r.skipString() }
            out.writeInteger(code)
            out.writeInteger(Int16(-1))
            out.writeInteger(type)
            out.writeBuffer(&name)
            out.writeInteger(Int32(0))
        }
    }

    /// The common [name [partition ...]] shape of Produce, Fetch and ListOffsets.
    private static func writeTopics(_ r: inout Reader, into out: inout ByteBuffer,
                                    partition: (inout Reader, inout ByteBuffer) throws -> Void) throws {
        try r.array(into: &out) { r, out in
            try r.copyString(into: &out)
            try r.array(into: &out, partition)
        }
    }

    /// Reads the classic (non-flexible) encodings of an old request.
    struct Reader {
        var buffer: ByteBuffer
        let api: ApiKey
        let version: Int16

        func error(_ what: String) -> KafkaProtocolError {
            KafkaProtocolError(.invalidValue, "\(api) v\(version): \(what)")
        }

        mutating func int<T: FixedWidthInteger>() throws -> T {
            guard let value = buffer.readInteger(as: T.self) else {
                throw KafkaProtocolError(.truncated, "\(api) v\(version): the request ends inside a field")
            }
            return value
        }

        /// An array's count: never negative (null) here, never more than the bytes left could hold.
        mutating func count() throws -> Int {
            let n: Int32 = try int()
            guard n >= 0, Int(n) <= buffer.readableBytes else { throw error("array count \(n)") }
            return Int(n)
        }

        /// Reads an array and writes it with the same count, each element by `element`.
        mutating func array(into out: inout ByteBuffer, _ element: (inout Reader, inout ByteBuffer) throws -> Void) throws {
            let n = try count()
            out.writeInteger(Int32(n))
            for _ in 0..<n { try element(&self, &out) }
        }

        mutating func skipArray(_ element: (inout Reader) throws -> Void) throws {
            let n: Int32 = try int()
            guard n >= -1, Int(n) <= buffer.readableBytes else { throw error("array count \(n)") }
            for _ in 0..<max(0, Int(n)) { try element(&self) }
        }

        /// Copies a string (int16 length) as it is; a null one is written as empty.
        mutating func copyString(into out: inout ByteBuffer) throws {
            let n: Int16 = try int()
            guard n >= -1, let bytes = buffer.readSlice(length: max(0, Int(n))) else { throw error("string length \(n)") }
            var slice = bytes
            out.writeInteger(Int16(slice.readableBytes))
            out.writeBuffer(&slice)
        }

        mutating func skipString() throws {
            let n: Int16 = try int()
            guard n >= -1, buffer.readSlice(length: max(0, Int(n))) != nil else { throw error("string length \(n)") }
        }

        mutating func skipBytes() throws {
            let n: Int32 = try int()
            guard n >= -1, buffer.readSlice(length: max(0, Int(n))) != nil else { throw error("bytes length \(n)") }
        }
    }
}
