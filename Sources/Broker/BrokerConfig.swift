import LogStorage

/// How the embedded Kafka broker listens and behaves; the `kafka.*` settings.
public struct BrokerConfig: Sendable {
    /// Listen address; port 0 picks a free port (tests).
    public var host: String
    public var port: Int
    /// What Metadata tells clients to connect to; nil = the listen address.
    public var advertisedHost: String?
    /// Largest request frame accepted (Kafka's socket.request.max.bytes); bigger closes the connection.
    public var maxRequestBytes: Int
    /// Kafka's message.max.bytes: the largest record batch a producer may send.
    public var messageMaxBytes: Int
    /// Create a topic when a client asks for one that does not exist (auto.create.topics.enable).
    public var autoCreateTopics: Bool
    /// Settings of topics created automatically or with num_partitions -1.
    public var defaultTopic: TopicConfig
    /// This broker's id in every answer.
    public var nodeId: Int32

    public init(host: String = "127.0.0.1", port: Int = 9092, advertisedHost: String? = nil,
                maxRequestBytes: Int = 100 * 1024 * 1024, messageMaxBytes: Int = TopicConfig.defaultMaxMessageBytes,
                autoCreateTopics: Bool = true, defaultPartitions: Int = 1, defaultTopic: TopicConfig = TopicConfig(),
                nodeId: Int32 = 1) {
        self.host = host
        self.port = port
        self.advertisedHost = advertisedHost
        self.maxRequestBytes = maxRequestBytes
        self.messageMaxBytes = messageMaxBytes
        self.autoCreateTopics = autoCreateTopics
        var topic = defaultTopic
        topic.partitions = defaultPartitions
        self.defaultTopic = topic
        self.nodeId = nodeId
    }
}
