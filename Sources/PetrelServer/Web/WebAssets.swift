import Hummingbird
import PetrelCore

/// One file of the web UI, ready to serve: its bytes, a gzip copy made once at
/// start-up, an ETag and a content type.
struct WebAsset: Sendable {
    let path: String
    let contentType: String
    let body: ByteBuffer
    /// Present only when gzip makes the file smaller.
    let gzipped: ByteBuffer?
    let etag: String

    init(path: String, text: String) {
        self.path = path
        self.contentType = Self.contentType(of: path)
        let bytes = Array(text.utf8)
        body = ByteBuffer(bytes: bytes)
        let compressed = Zlib.compress(bytes, format: .gzip, level: 9)
        gzipped = compressed.count < bytes.count ? ByteBuffer(bytes: compressed) : nil
        var hash = FNV1a()
        hash.add(text)
        etag = "\"\(String(hash.value, radix: 16))-\(bytes.count)\""
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last ?? "" {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        default: return "text/plain; charset=utf-8"
        }
    }
}

/// The web UI's files compiled into the binary (see scripts/gen-web-assets.py),
/// looked up by their path under web/.
enum WebAssets {
    static let all: [String: WebAsset] = {
        var table: [String: WebAsset] = [:]
        for source in sources { table[source.path] = WebAsset(path: source.path, text: source.text) }
        return table
    }()

    /// The built-in dashboards (web/dashboards/*.json), by file name without extension.
    static var builtinDashboards: [(name: String, text: String)] {
        sources.compactMap { source in
            guard source.path.hasPrefix("dashboards/"), source.path.hasSuffix(".json") else { return nil }
            return (String(source.path.dropFirst("dashboards/".count).dropLast(5)), source.text)
        }
    }
}
