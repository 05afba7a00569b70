import Hummingbird
import PetrelCore
import Pipeline

/// `GET /api/v1/pipeline` (the running graph with live figures, for the
/// dashboard's Pipeline view) and `POST /api/v1/pipeline/reload` (re-read
/// petrel.yaml and apply its pipeline). See docs/pipeline/runtime.md.
struct PipelineRoutes {
    let components: PetrelComponents

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/pipeline") { _, _ in
            let snapshot = components.pipeline.snapshot()
            return PrometheusAPI.success { Self.write(snapshot, into: &$0) }
        }
        router.post("/api/v1/pipeline/reload") { _, _ in
            Self.response(await components.reloadPipeline())
        }
    }

    /// The answer to a reload: 200 with the changes, 400 with every problem, 409 when busy.
    static func response(_ outcome: PipelineReloadOutcome) -> Response {
        switch outcome {
        case .applied(let file, let changes):
            return PrometheusAPI.success { json in
                json.raw("{\"file\":")
                json.string(file)
                json.raw(",\"started\":")
                json.stringArray(changes.started)
                json.raw(",\"restarted\":")
                json.stringArray(changes.restarted)
                json.raw(",\"stopped\":")
                json.stringArray(changes.stopped)
                json.raw(",\"unchanged\":")
                json.stringArray(changes.unchanged)
                json.raw(",\"failed\":{")
                for (i, (id, failure)) in changes.failed.sorted(by: { $0.key < $1.key }).enumerated() {
                    if i > 0 { json.raw(",") }
                    json.string(id)
                    json.raw(":")
                    json.string(failure)
                }
                json.raw("}}")
            }
        case .invalid(let problems):
            let message = problems.map(\.description).joined(separator: "; ")
            return PrometheusAPI.error(.init(kind: .badData, message: message)) { json in
                json.raw(",\"errors\":")
                json.array(problems) { json, problem in
                    json.raw("{\"file\":")
                    json.string(problem.file)
                    json.raw(",\"key\":")
                    json.string(problem.key)
                    json.raw(",\"message\":")
                    json.string(problem.message)
                    json.raw("}")
                }
            }
        case .busy:
            return PrometheusAPI.error(.init(kind: .unavailable, message: "another pipeline reload is running; try again"),
                                       status: .conflict)
        }
    }

    /// The `data` object of `GET /api/v1/pipeline`.
    static func write(_ snapshot: PipelineSnapshot, into json: inout JSONWriter) {
        json.raw("{\"file\":")
        json.string(snapshot.file)
        json.raw(",\"reloadedAt\":\(snapshot.reloadedAtMillis),\"components\":")
        json.array(snapshot.components) { json, entry in
            let status = entry.status
            let component = status.component
            let m = status.metrics
            json.raw("{\"id\":")
            json.string(component.id)
            json.raw(",\"kind\":")
            json.string(component.kind.rawValue)
            json.raw(",\"type\":")
            json.string(component.type)
            json.raw(",\"inputs\":")
            json.stringArray(component.inputs)
            json.raw(",\"topic\":")
            json.string(component.topic)
            json.raw(",\"state\":")
            json.string(status.phase.rawValue)
            json.raw(",\"startedAt\":\(status.startedAtMillis)")
            json.raw(",\"eventsIn\":\(m?.eventsIn ?? 0),\"eventsOut\":\(m?.eventsOut ?? 0)")
            json.raw(",\"bytesIn\":\(m?.bytesIn ?? 0),\"bytesOut\":\(m?.bytesOut ?? 0)")
            json.raw(",\"errors\":\(m?.errors ?? 0),\"dropped\":\(m?.dropped ?? 0),\"lag\":\(m?.lag ?? 0)")
            json.raw(",\"eventsInPerSec\":\(rate(entry.eventsInPerSec)),\"eventsOutPerSec\":\(rate(entry.eventsOutPerSec))")
            json.raw(",\"lastError\":")
            if let error = status.failure ?? m?.lastError { json.string(error) } else { json.raw("null") }
            json.raw("}")
        }
        json.raw(",\"topics\":")
        json.array(snapshot.topics) { json, topic in
            json.raw("{\"name\":")
            json.string(topic.name)
            json.raw(",\"partitions\":\(topic.partitions),\"endOffset\":\(topic.endOffset),\"sizeBytes\":\(topic.sizeBytes)}")
        }
        json.raw(",\"edges\":")
        json.array(snapshot.edges) { json, edge in
            json.raw("{\"from\":")
            json.string(edge.from)
            json.raw(",\"to\":")
            json.string(edge.to)
            json.raw(",\"topic\":")
            json.string(edge.topic)
            json.raw("}")
        }
        json.raw("}")
    }

    /// A rate with at most 3 decimals, always a JSON number.
    static func rate(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0.0" }
        return String((value * 1000).rounded() / 1000)
    }
}
