import ArgumentParser
import KafkaClient
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `petrel consume TOPIC`: prints records, one per line, until a limit or Ctrl-C.
struct Consume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the records of a Kafka topic, one value per line.",
        discussion: """
            Without --group, reads every partition from the end (or the beginning with --from-beginning) \
            and commits nothing. With --group, joins that consumer group, resumes from its committed \
            offsets and commits what it printed before exiting.
            """)

    @OptionGroup var connection: KafkaConnectionOptions
    @Argument(help: "Topic to read.") var topic: String

    @Option(name: .customLong("group"), help: "Consumer group to join.") var group: String?
    @Flag(name: .customLong("from-beginning"), help: "Start at the oldest record when there is no committed offset.")
    var fromBeginning = false
    @Option(name: .customLong("max-messages"), help: "Exit after this many records.") var maxMessages: Int?
    @Option(name: .customLong("timeout"), help: "Exit when no record arrives for this many seconds.") var idleTimeout: Double?
    @Flag(name: .customLong("print-key"), help: "Print the key before the value, separated by a tab.") var printKey = false
    @Flag(name: .customLong("print-offset"), help: "Print partition:offset before each record, separated by a tab.")
    var printOffset = false

    func validate() throws {
        if let maxMessages, maxMessages < 1 { throw ValidationError("--max-messages must be at least 1") }
        if let idleTimeout, idleTimeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        var config = try connection.clientConfig()
        if let group { config["group.id"] = group }
        let consumer = try KafkaConsumer(config: config, topics: [topic], start: fromBeginning ? .beginning : .end,
                                         timeout: connection.timeout)
        Self.watchInterrupt()
        let clock = ContinuousClock()
        var lastRecord = clock.now
        var count = 0
        do {
            while !interruptRequested.load(ordering: .relaxed) {
                if let maxMessages, count >= maxMessages { break }
                if let idleTimeout, clock.now - lastRecord >= .milliseconds(Int64(idleTimeout * 1000)) { break }
                let batch = try consumer.poll(maxRecords: min(500, (maxMessages ?? Int.max) - count), timeout: .milliseconds(200))
                if batch.isEmpty { continue }
                lastRecord = clock.now
                for consumed in batch { print(line(consumed)) }
                count += batch.count
            }
            fflush(nil)
            try consumer.commit()
        } catch {
            fflush(nil)
            try? consumer.close()
            throw error
        }
        try consumer.close()
        writeStandardError("consumed \(count) record(s)\n")
    }

    private func line(_ consumed: ConsumedRecord) -> String {
        var text = ""
        if printOffset { text += "\(consumed.partition):\(consumed.record.offset)\t" }
        if printKey { text += String(decoding: consumed.record.key ?? [], as: UTF8.self) + "\t" }
        text += String(decoding: consumed.record.value ?? [], as: UTF8.self)
        return text
    }

    /// Turns Ctrl-C into a flag the loop checks, so the consumer still commits and leaves its group.
    private static func watchInterrupt() {
        signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
    }
}

/// Set by the SIGINT handler of `consume`.
private let interruptRequested = Atomic<Bool>(false)

/// Writes `text` to standard error, unbuffered.
func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
