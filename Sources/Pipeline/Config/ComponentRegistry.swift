import PetrelCore

/// The component types petrel.yaml may name, by kind and `type:`.
public struct ComponentRegistry: Sendable {
    public private(set) var sources: [String: any SourceConfig.Type] = [:]
    public private(set) var sinks: [String: any SinkConfig.Type] = [:]

    public init() {}

    public mutating func register(source type: any SourceConfig.Type) { sources[type.type] = type }
    public mutating func register(sink type: any SinkConfig.Type) { sinks[type.type] = type }

    /// Every built-in component type.
    public static let standard: ComponentRegistry = {
        var registry = ComponentRegistry()
        // Sinks
        registry.register(sink: TSDBSinkConfig.self)
        registry.register(sink: TopicSinkConfig.self)
        registry.register(sink: FileSinkConfig.self)
        registry.register(sink: ConsoleSinkConfig.self)
        registry.register(sink: BlackholeSinkConfig.self)
        // Sources
        registry.register(source: ExternalSourceConfig.self)
        registry.register(source: HostSourceConfig.self)
        registry.register(source: StatsDSourceConfig.self)
        registry.register(source: SyslogSourceConfig.self)
        registry.register(source: RandomWalkSourceConfig.self)
        registry.register(source: KafkaSourceConfig.self)
        registry.register(source: DemoWeblogsSourceConfig.self)
        registry.register(source: CSVSourceConfig.self)
        return registry
    }()

    /// The known `type:` values of `kind`, sorted, for error messages.
    public func types(of kind: ComponentKind) -> [String] {
        switch kind {
        case .source: return sources.keys.sorted()
        case .sink: return sinks.keys.sorted()
        case .transform: return []
        }
    }

    /// Decodes one component's settings; `section` holds its keys without
    /// `type`, `inputs` and `topic`. Unknown keys are an error.
    func decode(kind: ComponentKind, type: String, _ section: inout ConfigSection) throws -> PipelineConfig.Settings {
        let settings: PipelineConfig.Settings
        switch kind {
        case .source:
            guard let config = sources[type] else { throw unknownType(kind, type, section) }
            settings = .source(try config.init(&section))
        case .sink:
            guard let config = sinks[type] else { throw unknownType(kind, type, section) }
            settings = .sink(try config.init(&section))
        case .transform:
            throw unknownType(kind, type, section)
        }
        try section.finish()
        return settings
    }

    private func unknownType(_ kind: ComponentKind, _ type: String, _ section: ConfigSection) -> ConfigError {
        let known = types(of: kind)
        let list = known.isEmpty ? "none yet" : known.joined(separator: ", ")
        return section.error("type", "unknown \(kind.rawValue) type \"\(type)\" (known: \(list))")
    }
}
