import Foundation
import Hummingbird

/// The web UI on the HTTP port: the app shell at `/` and at every client-side
/// route, its files under `/static/`, and the dashboard and live-stream APIs.
struct WebRoutes {
    let components: PetrelComponents

    /// Paths the single-page app routes itself; each is answered with index.html.
    static let appRoutes = ["/", "/dashboards", "/dashboards/**", "/explore", "/broker", "/pipeline"]

    func register(on router: Router<BasicRequestContext>) {
        for path in Self.appRoutes {
            router.get(RouterPath(path)) { request, _ in Self.serve("index.html", request) }
        }
        router.get("/static/**") { request, context in
            Self.serve(context.parameters.getCatchAll().joined(separator: "/"), request)
        }
        let store = DashboardStore(savedDirectory: components.config.dataDir + "/dashboards",
                                   provisionedDirectory: components.config.dashboardsDir)
        DashboardRoutes(store: store).register(on: router)
        LiveStreams(components: components).register(on: router)
    }

    /// One asset with revalidation (`ETag`, `Cache-Control: no-cache`: URLs are not
    /// versioned, so the browser asks each time and usually gets a 304) and gzip
    /// when the client accepts it.
    static func serve(_ path: String, _ request: Request) -> Response {
        guard let asset = WebAssets.all[path] else {
            return Response.text("no such file: /static/\(path)\n", status: .notFound)
        }
        var headers: HTTPFields = [.eTag: asset.etag, .cacheControl: "no-cache", .vary: "Accept-Encoding"]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == asset.etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        if let gzipped = asset.gzipped, Self.acceptsGzip(request.headers[.acceptEncoding]) {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipped))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }

    /// Whether `Accept-Encoding` lists gzip without `q=0`.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.lowercased().split(separator: ",").contains { part in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.first == "gzip" || fields.first == "*" else { return false }
            return !fields.dropFirst().contains { $0.replacingOccurrences(" ", "") == "q=0" || $0 == "q=0.0" }
        }
    }
}
