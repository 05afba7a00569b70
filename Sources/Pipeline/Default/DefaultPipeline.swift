import Logging
import PetrelCore

/// The pipeline `petrel serve` runs when petrel.yaml has no `sources:` or
/// `sinks:` (or there is no petrel.yaml): the host's metrics and Petrel's own
/// `/metrics`, every 10 s, into the TSDB. A config with its own pipeline
/// replaces it entirely.
public enum DefaultPipeline {
    /// The `file` the default graph reports.
    public static let file = "(default)"

    /// The default graph as the petrel.yaml mapping it would be written as.
    public static func document(_ environment: PipelineEnvironment) -> [String: Any] {
        [
            "sources": [
                "host": ["type": "host", "interval": "10s"] as [String: Any],
                "petrel": ["type": "prometheus_scrape", "targets": ["http://\(environment.httpAddress)/metrics"],
                           "job": "petrel", "interval": "10s"] as [String: Any],
            ] as [String: Any],
            "sinks": [
                "db": ["type": "tsdb", "inputs": ["host", "petrel"]] as [String: Any],
            ] as [String: Any],
        ]
    }

    /// The default graph as petrel.yaml text (what a user would copy to start their own).
    public static func yaml(_ environment: PipelineEnvironment) -> String {
        var out = ""
        render(document(environment), indent: 0, into: &out)
        return out
    }

    /// Decodes the default graph. Components whose type is not in `registry`
    /// are left out (with a log line), and so are sinks left without inputs.
    public static func config(_ environment: PipelineEnvironment, registry: ComponentRegistry = .standard,
                              logger: Logger) -> PipelineConfig? {
        var document = document(environment)
        var sources = document["sources"] as? [String: Any] ?? [:]
        var missing: Set<String> = []
        for (id, body) in sources {
            guard let type = (body as? [String: Any])?["type"] as? String, registry.sources[type] == nil else { continue }
            logger.info("default pipeline: source type not available, left out", metadata: ["component_id": "\(id)", "type": "\(type)"])
            sources[id] = nil
            missing.insert(id)
        }
        var sinks = document["sinks"] as? [String: Any] ?? [:]
        for (id, body) in sinks {
            guard var map = body as? [String: Any] else { continue }
            let inputs = (map["inputs"] as? [String] ?? []).filter { !missing.contains($0) }
            if inputs.isEmpty {
                sinks[id] = nil
            } else {
                map["inputs"] = inputs
                sinks[id] = map
            }
        }
        guard !sources.isEmpty, !sinks.isEmpty else {
            logger.info("default pipeline: nothing to run")
            return nil
        }
        document["sources"] = sources
        document["sinks"] = sinks
        var root = ConfigSection(file: file, path: "", map: document)
        let (config, problems) = PipelineConfig.take(from: &root, registry: registry, environment: environment)
        for problem in problems {
            logger.error("default pipeline: invalid", metadata: ["error": "\(problem)"])
        }
        return config
    }

    /// Block-style YAML of mappings (sorted keys), lists and scalars.
    private static func render(_ map: [String: Any], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for key in map.keys.sorted() {
            switch map[key] {
            case let nested as [String: Any]:
                out += "\(pad)\(key):\n"
                render(nested, indent: indent + 2, into: &out)
            case let list as [String]:
                out += "\(pad)\(key): [\(list.map(quoted).joined(separator: ", "))]\n"
            case let value?:
                out += "\(pad)\(key): \(quoted("\(value)"))\n"
            case nil:
                break
            }
        }
    }

    private static func quoted(_ text: String) -> String {
        text.contains(":") || text.contains("#") ? "\"\(text)\"" : text
    }
}
