import NIOCore
import NIOHTTP1
import NIOPosix
import PetrelCore

/// A small HTTP/1.1 client: the CLI commands that talk to a running Petrel (`petrel query`)
/// and the `prometheus_scrape` source use it. One request per connection, the whole answer
/// in memory up to `maxBodyBytes`, bounded by a deadline. Built on SwiftNIO so the binary
/// needs no libcurl at run time; plain HTTP only.
public struct HTTPClient: Sendable {
    /// One answer: status code, headers and body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The first header named `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public let host: String
    public let port: Int
    /// The longest a request may take, from connecting to the last byte.
    public var timeout: Duration
    /// The largest answer accepted.
    public var maxBodyBytes = 256 << 20
    /// Sent as `User-Agent`.
    public var userAgent = "petrel"

    public init(host: String, port: Int, timeout: Duration) {
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    /// A client for `server`, written `http://host:port` (the scheme and a trailing `/` optional).
    public init(server: String, timeout: Duration = .seconds(130)) throws(HTTPClientError) {
        var text = Substring(server)
        if text.hasPrefix("http://") { text = text.dropFirst(7) }
        if text.hasPrefix("https://") { throw HTTPClientError(.badAddress, "https is not supported: \(server)") }
        while text.hasSuffix("/") { text = text.dropLast() }
        if !text.contains(":") || text.hasSuffix("]") { text += ":7070" }
        guard let address = HostPort(String(text)), !text.contains("/") else {
            throw HTTPClientError(.badAddress, "expected http://host:port, got \"\(server)\"")
        }
        self.init(host: address.host, port: address.port, timeout: timeout)
    }

    /// `host:port` as written in a Host header or URL.
    var authority: String { HostPort(host: host, port: port).description }

    /// GET `path` (which may carry a query string).
    public func get(_ path: String, headers: [(String, String)] = []) async throws(HTTPClientError) -> Response {
        try await send(method: .GET, path: path, headers: headers, body: [])
    }

    /// POST `form` as `application/x-www-form-urlencoded` to `path`.
    public func post(_ path: String, form: [(String, String)]) async throws(HTTPClientError) -> Response {
        try await send(method: .POST, path: path, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                       body: Array(FormEncoding.encode(form).utf8))
    }

    /// Sends one request with extra `headers` and waits for the whole answer.
    public func send(method: HTTPMethod, path: String, headers: [(String, String)], body: [UInt8]) async throws(HTTPClientError) -> Response {
        do {
            return try await withThrowingTaskGroup(of: Response.self) { group in
                group.addTask { try await exchange(method: method, path: path, headers: headers, body: body) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw HTTPClientError(.timeout, "no answer from \(host):\(port) within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.connect, "cannot reach http://\(authority): \(error)", cause: error)
        }
    }

    private func exchange(method: HTTPMethod, path: String, headers: [(String, String)], body: [UInt8]) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: authority)
            head.headers.add(name: "User-Agent", value: userAgent)
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            if method == .POST { head.headers.add(name: "Content-Length", value: String(body.count)) }
            try await outbound.write(.head(head))
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var response = Response(status: 0, headers: [], body: [])
            response.body.reserveCapacity(min(maxBodyBytes, 64 << 10))
            for try await part in inbound {
                switch part {
                case .head(let h):
                    response.status = Int(h.status.code)
                    response.headers = h.headers.map { (name: $0.name, value: $0.value) }
                case .body(var buffer):
                    guard response.body.count + buffer.readableBytes <= maxBodyBytes else {
                        throw HTTPClientError(.tooLarge, "answer larger than \(maxBodyBytes) bytes")
                    }
                    buffer.withUnsafeReadableBytes { response.body.append(contentsOf: $0) }
                case .end:
                    return response
                }
            }
            throw HTTPClientError(.connect, "connection closed before the answer was complete")
        }
    }
}

/// What went wrong talking to a server.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case badAddress, connect, timeout, tooLarge }
    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}

/// `application/x-www-form-urlencoded` bodies and query strings.
public enum FormEncoding {
    /// `a=1&b=x%20y`: every byte but the unreserved ones percent-encoded.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
