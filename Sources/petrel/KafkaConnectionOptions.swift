import ArgumentParser
import KafkaClient

/// The options every Kafka command shares: where the brokers are and any
/// librdkafka properties to pass through.
struct KafkaConnectionOptions: ParsableArguments {
    @Option(name: .customLong("brokers"), help: "Kafka bootstrap servers, host:port[,host:port...].")
    var brokers = "127.0.0.1:9092"

    @Option(name: .customLong("property"), help: ArgumentHelp("A librdkafka property, e.g. acks=all (repeatable).", valueName: "k=v"))
    var properties: [String] = []

    @Option(name: .customLong("request-timeout"), help: "Seconds to wait for the brokers on each request.")
    var requestTimeout: Double = 10

    /// librdkafka's configuration: the brokers, then the `--property` pairs (which win).
    func clientConfig() throws -> [String: String] {
        var config = ["bootstrap.servers": brokers]
        for (key, value) in try keyValuePairs(properties, option: "--property") { config[key] = value }
        return config
    }

    var timeout: Duration { .milliseconds(Int64(max(0, requestTimeout) * 1000)) }
}

/// Splits `k=v` arguments at the first `=`; a missing `=` or empty key is a usage error.
func keyValuePairs(_ items: [String], option: String) throws -> [(String, String)] {
    try items.map { item in
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ValidationError("\(option): expected key=value, got \"\(item)\"")
        }
        return (String(item[..<eq]), String(item[item.index(after: eq)...]))
    }
}
