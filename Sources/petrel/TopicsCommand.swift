import ArgumentParser
import KafkaClient

/// `petrel topics list|create|delete|describe`: topic administration over the Kafka protocol.
struct Topics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, create, delete and describe Kafka topics.",
        subcommands: [List.self, Create.self, Delete.self, Describe.self])

    /// Runs `body` with an admin client for `connection`, closing it afterwards.
    static func withAdmin<T>(_ connection: KafkaConnectionOptions, _ body: (KafkaAdmin) throws -> T) throws -> T {
        let admin = try KafkaAdmin(config: connection.clientConfig())
        defer { admin.close() }
        return try body(admin)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each topic and its partition count, one per line.")
        @OptionGroup var connection: KafkaConnectionOptions
        @Flag(name: .customLong("all"), help: "Include internal topics (names starting with __).")
        var all = false

        func run() throws {
            let topics = try Topics.withAdmin(connection) { try $0.listTopics(timeout: connection.timeout) }
            for topic in topics where all || !topic.name.hasPrefix("__") {
                print("\(topic.name)\t\(topic.partitions.count)")
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a topic.")
        @OptionGroup var connection: KafkaConnectionOptions
        @Argument(help: "Topic name.") var name: String
        @Option(name: .customLong("partitions"), help: "Number of partitions.") var partitions: Int32 = 1
        @Option(name: .customLong("replication-factor"), help: "Replicas per partition.") var replicationFactor: Int32 = 1
        @Option(name: .customLong("config"), help: ArgumentHelp("A topic setting, e.g. retention.ms=3600000 (repeatable).", valueName: "k=v"))
        var configs: [String] = []

        func validate() throws {
            guard partitions > 0 else { throw ValidationError("--partitions must be at least 1") }
            guard replicationFactor > 0 else { throw ValidationError("--replication-factor must be at least 1") }
        }

        func run() throws {
            let settings = Dictionary(try keyValuePairs(configs, option: "--config"), uniquingKeysWith: { _, last in last })
            try Topics.withAdmin(connection) {
                try $0.createTopic(name, partitions: partitions, replicationFactor: replicationFactor,
                                   configs: settings, timeout: connection.timeout)
            }
            print("created topic \(name) with \(partitions) partition(s)")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a topic and its records.")
        @OptionGroup var connection: KafkaConnectionOptions
        @Argument(help: "Topic name.") var name: String

        func run() throws {
            try Topics.withAdmin(connection) { try $0.deleteTopic(name, timeout: connection.timeout) }
            print("deleted topic \(name)")
        }
    }

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a topic's partitions and configuration.")
        @OptionGroup var connection: KafkaConnectionOptions
        @Argument(help: "Topic name.") var name: String

        func run() throws {
            let description = try Topics.withAdmin(connection) { try $0.describeTopic(name, timeout: connection.timeout) }
            print("topic \(name)\tpartitions \(description.metadata.partitions.count)")
            for p in description.metadata.partitions {
                print("  partition \(p.id)\tleader \(p.leader)\treplicas \(list(p.replicas))\tisr \(list(p.inSyncReplicas))")
            }
            for entry in description.configs {
                print("  config \(entry.name)=\(entry.value ?? "")\(entry.isDefault ? "\t(default)" : "")")
            }
        }

        private func list(_ ids: [Int32]) -> String { ids.map(String.init).joined(separator: ",") }
    }
}
