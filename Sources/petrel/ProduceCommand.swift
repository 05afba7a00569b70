import ArgumentParser
import KafkaClient
import PetrelCore

/// `petrel produce TOPIC`: one record per stdin line, then the count.
struct Produce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send each line of standard input as one record to a Kafka topic.",
        discussion: "Prints how many records the brokers acknowledged. Exits non-zero if any was refused.")

    @OptionGroup var connection: KafkaConnectionOptions
    @Argument(help: "Topic to write to.") var topic: String

    @Option(name: .customLong("key-separator"), help: "Split each line at the first SEP into key and value (lines without SEP get no key).")
    var keySeparator: String?

    @Option(name: .customLong("header"), help: ArgumentHelp("A header added to every record (repeatable).", valueName: "k=v"))
    var headers: [String] = []

    @Option(name: .customLong("partition"), help: "Write every record to this partition instead of letting the key choose.")
    var partition: Int32?

    func validate() throws {
        if let keySeparator, keySeparator.isEmpty { throw ValidationError("--key-separator must not be empty") }
    }

    func run() throws {
        let recordHeaders = try keyValuePairs(headers, option: "--header").map { RecordHeader(key: $0.0, value: Array($0.1.utf8)) }
        let producer = try KafkaProducer(config: connection.clientConfig())
        var sent = 0
        do {
            while let line = readLine(strippingNewline: true) {
                var key: [UInt8]? = nil
                var value = Substring(line)
                if let keySeparator, let range = line.range(of: keySeparator) {
                    key = Array(line[..<range.lowerBound].utf8)
                    value = line[range.upperBound...]
                }
                try producer.enqueue(topic: topic, partition: partition, key: key, value: Array(value.utf8), headers: recordHeaders)
                sent += 1
            }
            try producer.flush(timeout: max(connection.timeout, .seconds(30)))
        } catch {
            try? producer.close(timeout: .seconds(1))
            throw error
        }
        let counts = producer.deliveries
        try producer.close(timeout: .seconds(1))
        print("produced \(counts.delivered) record(s) to \(topic)")
        if let error = counts.firstError {
            throw KafkaClientError(code: error.code, rawCode: error.rawCode,
                                   message: "\(counts.failed) of \(sent) record(s) refused; first: \(error.message)", cause: error)
        }
    }
}
