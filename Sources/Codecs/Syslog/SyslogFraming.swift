/// Splits a syslog TCP stream into messages (RFC 6587): octet counting
/// (`<length> <message>`) or non-transparent framing (one message per line).
/// `auto` decides per frame: a digit run followed by a space starts an
/// octet-counted frame (a syslog message itself always starts with `<`).
///
/// `next` looks at the unread bytes and says where the next complete frame
/// is, or nil when it needs more bytes; it throws when a frame is over
/// `maxMessageBytes` or its length prefix is malformed — the stream cannot
/// be resynchronised after that, so the caller closes it.
public struct SyslogFraming: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case auto
        case octetCounting = "octet_counting"
        case newline
    }

    /// Where one frame's message lies in the bytes given to `next`.
    public struct Frame: Sendable, Equatable {
        /// Offset of the message's first byte.
        public var start: Int
        /// The message's length (without the count prefix or line end).
        public var length: Int
        /// Bytes to consume: prefix, message and line end.
        public var consumed: Int
    }

    public var mode: Mode
    public var maxMessageBytes: Int

    public init(mode: Mode = .auto, maxMessageBytes: Int = 64 * 1024) {
        self.mode = mode
        self.maxMessageBytes = maxMessageBytes
    }

    /// The next complete frame at the start of `bytes`, or nil.
    public func next(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> Frame? {
        guard let first = bytes.first else { return nil }
        if isCounted(first) { return try nextCounted(bytes) }
        return try nextLine(bytes)
    }

    /// What remains when the peer closes: a last unterminated line is a message.
    public func last(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> Frame? {
        if let frame = try next(bytes) { return frame }
        guard let first = bytes.first, !isCounted(first) else { return nil }
        return Frame(start: 0, length: bytes.count, consumed: bytes.count)
    }

    private func isCounted(_ first: UInt8) -> Bool {
        switch mode {
        case .octetCounting: return true
        case .newline: return false
        case .auto: return first >= 0x31 && first <= 0x39
        }
    }

    private func nextCounted(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> Frame? {
        var length = 0
        var digits = 0
        for b in bytes {
            if b == 0x20 { break }
            guard b >= 0x30, b <= 0x39, digits < 10 else {
                throw Self.failure("bad octet count: expected digits then a space", bytes)
            }
            length = length * 10 + Int(b - 0x30)
            digits += 1
        }
        if digits == bytes.count { return nil }  // the space has not arrived yet
        guard digits > 0 else { throw Self.failure("bad octet count: expected digits then a space", bytes) }
        guard length <= maxMessageBytes else {
            throw Self.failure("frame of \(length) bytes is over max_message_bytes (\(maxMessageBytes))", bytes)
        }
        guard bytes.count >= digits + 1 + length else { return nil }
        return Frame(start: digits + 1, length: length, consumed: digits + 1 + length)
    }

    private func nextLine(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> Frame? {
        guard let newline = bytes.firstIndex(of: 0x0A) else {
            if bytes.count > maxMessageBytes {
                throw Self.failure("line over max_message_bytes (\(maxMessageBytes)) without a newline", bytes)
            }
            return nil
        }
        guard newline <= maxMessageBytes else {
            throw Self.failure("line of \(newline) bytes is over max_message_bytes (\(maxMessageBytes))", bytes)
        }
        let length = newline > 0 && bytes[newline - 1] == 0x0D ? newline - 1 : newline
        return Frame(start: 0, length: length, consumed: newline + 1)
    }

    private static func failure(_ reason: String, _ bytes: UnsafeRawBufferPointer) -> CodecError {
        CodecError(code: .syslog, message: reason, line: 1, byteOffset: 0,
                   text: CodecError.excerpt(UnsafeRawBufferPointer(rebasing: bytes.prefix(64))))
    }
}
