import HTTPTypes
import Hummingbird
import PetrelCore
import PromQL
import ServiceLifecycle
import Synchronization

/// Live panels: `GET /api/v1/live?query=…[&query=…]&interval=250ms` is a
/// server-sent event stream that re-evaluates the queries as instant queries
/// every interval and sends each answer as one `data:` event,
/// `{"t":<ms>,"results":[{"data":<Prometheus vector>} | {"error":…}, …]}`.
/// Streams are bounded in number and lifetime
/// (EventSource reconnects by itself), and end when the client disconnects or
/// the server shuts down.
final class LiveStreams: Sendable {
    static let maxStreams = 32
    static let maxQueries = 32
    static let lifetime = Duration.seconds(600)

    let components: PetrelComponents
    let active = Atomic<Int>(0)

    init(components: PetrelComponents) {
        self.components = components
    }

    /// Holds one of the bounded stream slots until it is released (when the response body is dropped).
    final class Slot: Sendable {
        let streams: LiveStreams
        init(_ streams: LiveStreams) { self.streams = streams }
        deinit { streams.active.subtract(1, ordering: .relaxed) }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/live") { request, _ in
            do {
                return try self.open(FormParameters(encoded: Array((request.uri.query ?? "").utf8)))
            } catch let error as WebError {
                return error.response
            }
        }
    }

    func open(_ params: FormParameters) throws -> Response {
        let queries = params.all("query")
        if queries.isEmpty || queries.contains(where: \.isEmpty) {
            throw WebError.badData("live: give at least one non-empty query parameter")
        }
        if queries.count > Self.maxQueries { throw WebError.badData("live: at most \(Self.maxQueries) queries per stream") }
        var intervalMs: Int64 = 250
        if let text = params["interval"] {
            guard let ms = DurationText.millis(text), (100...60_000).contains(ms) else {
                throw WebError.badData("live: interval must be a duration from 100ms to 1m, got \"\(text)\"")
            }
            intervalMs = ms
        }
        // Parse errors are the client's to fix: answer them now rather than as a stream of
        // errors. Parsing is enough; the stream evaluates the queries itself.
        for query in queries {
            do {
                _ = try Parser.parse(query)
            } catch {
                throw WebError.badData("live: query \"\(query)\": \(error.message)")
            }
        }
        let taken = active.add(1, ordering: .relaxed).newValue
        let slot = Slot(self)
        if taken > Self.maxStreams {
            throw WebError(.serviceUnavailable, "unavailable", "live: too many live streams (at most \(Self.maxStreams)); close some panels or tabs")
        }
        let engine = components.engine
        let storage = TSDBQueryStorage(tsdb: components.tsdb)
        let interval = Duration.milliseconds(intervalMs)
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache",
                                   HTTPField.Name("X-Accel-Buffering")!: "no"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            withExtendedLifetime(slot) {}
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            let opened = ContinuousClock.now
            while !Task.isCancelled && !Task.isShuttingDownGracefully && ContinuousClock.now - opened < Self.lifetime {
                let now = SystemTimeSource().nowMillis()
                let results = Self.evaluate(queries, at: now, engine: engine, storage: storage)
                try await writer.write(ByteBuffer(string: "data: {\"t\":\(now),\"results\":\(results)}\n\n"))
                try await Task.sleep(for: interval)
            }
            try await writer.finish(nil)
            withExtendedLifetime(slot) {}
        })
    }

    /// The JSON array of one evaluation of every query.
    static func evaluate(_ queries: [String], at time: Int64, engine: Engine, storage: TSDBQueryStorage) -> String {
        var json = JSONWriter(capacity: 1024)
        json.raw("[")
        for (i, query) in queries.enumerated() {
            if i > 0 { json.raw(",") }
            do {
                let result = try engine.instantQuery(query, at: time, storage: storage)
                json.raw("{\"data\":\(result.prometheusJSON)}")
            } catch {
                json.raw("{\"error\":")
                json.string("\(error)")
                json.raw("}")
            }
        }
        json.raw("]")
        return json.text
    }
}
