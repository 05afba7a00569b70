import Hummingbird
import PetrelCore

/// Reading request bodies with the server's size limit, before and after gzip.
enum HTTPBody {
    struct Failure: Error {
        let status: HTTPResponse.Status
        let message: String
    }

    /// The whole body, decompressed when `Content-Encoding: gzip`; 413 past `limit`, 400 for bad gzip.
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw Failure(status: .contentTooLarge, message: "request body of \(length) bytes exceeds the limit of \(limit) bytes (ingest.max_body_bytes)")
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Failure(status: .contentTooLarge, message: "request body exceeds the limit of \(limit) bytes (ingest.max_body_bytes)")
        }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let encoding = request.headers[.contentEncoding]?.lowercased() ?? "identity"
        switch encoding {
        case "identity", "":
            return bytes
        case "gzip", "x-gzip":
            do {
                return try Zlib.decompress(bytes, format: .gzip, limit: limit)
            } catch let error as Zlib.Failure {
                if error.kind == .tooLarge {
                    throw Failure(status: .contentTooLarge, message: "gzip body decompresses past the limit of \(limit) bytes (ingest.max_body_bytes)")
                }
                throw Failure(status: .badRequest, message: "invalid gzip body: \(error.message)")
            }
        default:
            throw Failure(status: .unsupportedMediaType, message: "unsupported Content-Encoding \"\(encoding)\"; send identity or gzip")
        }
    }
}

extension Response {
    /// A JSON response from already-encoded bytes.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
