import PetrelCore

/// The pipeline graph of petrel.yaml (`sources:`, `transforms:`, `sinks:`),
/// decoded and checked as a whole: every component's keys, its inputs, cycles
/// and listening sockets. Each edge is a topic named after the producing
/// component unless its `topic:` names another.
public struct PipelineConfig: Sendable {
    /// A component's decoded settings.
    public enum Settings: Sendable {
        case source(any SourceConfig)
        case sink(any SinkConfig)
    }

    public struct Component: Sendable {
        public let id: String
        public let kind: ComponentKind
        public let type: String
        /// Ids of the components whose topics this one reads (transforms, sinks).
        public let inputs: [String]
        /// The topic this component writes (sources, transforms); "" for sinks.
        public let topic: String
        /// A canonical text of the component's settings: equal text, unchanged component (reload keeps it running).
        public let fingerprint: String
        public let settings: Settings
    }

    /// The file the graph came from ("(default)" for the built-in pipeline).
    public var file: String
    /// Sources first, then transforms, then sinks; by id within each.
    public var components: [Component]

    public init(file: String, components: [Component]) {
        self.file = file
        self.components = components
    }

    public func component(_ id: String) -> Component? { components.first { $0.id == id } }

    /// Reads the pipeline keys of a parsed petrel.yaml root, removing them
    /// from `root`. Returns the graph, or every problem found (empty when
    /// none); with no pipeline keys at all, returns nil and no problems.
    public static func take(from root: inout ConfigSection, registry: ComponentRegistry = .standard,
                            environment: PipelineEnvironment? = nil) -> (PipelineConfig?, [ConfigError]) {
        var errors: [ConfigError] = []
        var components: [Component] = []
        var present = false
        var seen: [String: ComponentKind] = [:]
        for kind in ComponentKind.allCases {
            let section: ConfigSection?
            do {
                section = try root.section(kind.section)
            } catch {
                errors.append(error)
                continue
            }
            guard let section else { continue }
            present = true
            for id in section.map.keys.sorted() {
                let key = "\(kind.section).\(id)"
                if let other = seen[id] {
                    errors.append(ConfigError(file: root.file, key: key, message: "the id \"\(id)\" is already used by a \(other.rawValue); ids must be unique"))
                    continue
                }
                seen[id] = kind
                if let problem = idProblem(id) {
                    errors.append(ConfigError(file: root.file, key: key, message: problem))
                    continue
                }
                guard let map = section.map[id] as? [String: Any] else {
                    errors.append(ConfigError(file: root.file, key: key, message: "expected a mapping with at least `type:`"))
                    continue
                }
                var body = ConfigSection(file: root.file, path: key, map: map)
                do {
                    components.append(try decodeComponent(id: id, kind: kind, &body, registry: registry))
                } catch let error as ConfigError {
                    errors.append(error)
                } catch {
                    errors.append(body.error("\(error)"))
                }
            }
        }
        guard present else { return (nil, errors) }
        let config = PipelineConfig(file: root.file, components: components)
        // The graph is checked even when some components did not decode, so every
        // problem is reported at once; inputs naming those components are not.
        errors += config.checkGraph(environment: environment, declared: Set(seen.keys))
        return (errors.isEmpty ? config : nil, errors)
    }

    private static func decodeComponent(id: String, kind: ComponentKind, _ body: inout ConfigSection,
                                        registry: ComponentRegistry) throws -> Component {
        let fingerprint = canonical(body.map)
        guard let type = try body.string("type") else { throw body.error("type", "missing: every component names its type") }
        var inputs: [String] = []
        if kind == .source {
            if body.has("inputs") { throw body.error("inputs", "a source has no inputs") }
        } else {
            inputs = try body.strings("inputs") ?? []
            if inputs.isEmpty { throw body.error("inputs", "missing: a \(kind.rawValue) needs at least one input") }
        }
        var topic = ""
        if kind == .sink {
            if body.has("topic") && type != "topic" { throw body.error("topic", "a sink writes no topic of its own") }
        } else {
            topic = try body.string("topic") ?? id
            if let problem = idProblem(topic) { throw body.error("topic", problem) }
        }
        let settings = try registry.decode(kind: kind, type: type, &body)
        return Component(id: id, kind: kind, type: type, inputs: inputs, topic: topic, fingerprint: fingerprint, settings: settings)
    }

    /// Why `id` cannot name a component (and so a topic), or nil.
    static func idProblem(_ id: String) -> String? {
        if id.isEmpty || id.count > 200 { return "an id must have 1 to 200 characters" }
        if id == "." || id == ".." { return "\"\(id)\" cannot be an id" }
        let allowed = id.utf8.allSatisfy { b in
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 45 || b == 46
        }
        return allowed ? nil : "\"\(id)\" may hold only letters, digits, '.', '_' and '-' (it names a topic)"
    }

    /// Inputs that exist and produce something, no cycles (a topic sink writing
    /// its own input is one), no shared sockets.
    func checkGraph(environment: PipelineEnvironment?, declared: Set<String> = []) -> [ConfigError] {
        var errors: [ConfigError] = []
        let byId = Dictionary(uniqueKeysWithValues: components.map { ($0.id, $0) })
        for component in components {
            for (i, input) in component.inputs.enumerated() {
                let key = "\(component.kind.section).\(component.id).inputs[\(i)]"
                guard let producer = byId[input] else {
                    if declared.contains(input) { continue }
                    errors.append(ConfigError(file: file, key: key, message: "no component named \"\(input)\""))
                    continue
                }
                if producer.kind == .sink {
                    errors.append(ConfigError(file: file, key: key, message: "\"\(input)\" is a sink; sinks produce nothing to read"))
                }
                if case .sink(let settings) = component.settings, let copy = settings as? TopicSinkConfig,
                   copy.topic == producer.topic {
                    errors.append(ConfigError(file: file, key: "\(component.kind.section).\(component.id).topic",
                                              message: "writes \"\(copy.topic)\", the topic it reads from \"\(input)\": a loop"))
                }
            }
        }
        errors += cycles(byId)
        errors += listenProblems(reserved: environment?.reservedListens ?? [])
        errors += endpointClaimProblems()
        return errors
    }

    /// Sources that listen on a socket another source or Petrel itself (`reserved`) takes.
    public func listenProblems(reserved: [ListenAddress]) -> [ConfigError] {
        var errors: [ConfigError] = []
        var taken: [(ListenAddress, String)] = reserved.map { ($0, "Petrel itself (HTTP or Kafka listener)") }
        for component in components {
            guard case .source(let source) = component.settings else { continue }
            for address in source.listens {
                if let (_, owner) = taken.first(where: { $0.0.clashes(with: address) }) {
                    errors.append(ConfigError(file: file, key: "\(component.kind.section).\(component.id)",
                                              message: "listens on \(address), already taken by \(owner)"))
                }
                taken.append((address, "\(component.kind.section).\(component.id)"))
            }
        }
        return errors
    }

    private func cycles(_ byId: [String: Component]) -> [ConfigError] {
        var state: [String: Int] = [:] // 1 visiting, 2 done
        var errors: [ConfigError] = []
        func visit(_ id: String, _ path: [String]) {
            if state[id] == 2 { return }
            if state[id] == 1 {
                let loop = path.drop { $0 != id } + [id]
                let component = byId[id]!
                errors.append(ConfigError(file: file, key: "\(component.kind.section).\(id).inputs",
                                          message: "cycle: \(loop.joined(separator: " -> "))"))
                return
            }
            state[id] = 1
            for input in byId[id]?.inputs ?? [] where byId[input] != nil { visit(input, path + [id]) }
            state[id] = 2
        }
        for component in components { visit(component.id, []) }
        return errors
    }

    /// A stable text for a parsed YAML value: mappings by sorted key.
    static func canonical(_ value: Any) -> String {
        switch value {
        case let map as [String: Any]:
            return "{" + map.keys.sorted().map { "\($0):\(canonical(map[$0]!))" }.joined(separator: ",") + "}"
        case let list as [Any]:
            return "[" + list.map(canonical).joined(separator: ",") + "]"
        case let s as String:
            return "\"\(s)\""
        default:
            return "\(value)"
        }
    }
}
