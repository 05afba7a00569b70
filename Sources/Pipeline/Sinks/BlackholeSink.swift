import Logging
import PetrelCore
import Synchronization

/// `type: blackhole`: counts its inputs' records and drops them, for
/// measuring a source or a topic's throughput. With `print_interval` it logs
/// the totals that often.
public struct BlackholeSinkConfig: SinkConfig {
    public static let type = "blackhole"
    /// Milliseconds between progress log lines; nil = none.
    public let printIntervalMs: Int64?

    public init(_ section: inout ConfigSection) throws {
        printIntervalMs = try section.duration("print_interval")
        if let ms = printIntervalMs, ms <= 0 { throw section.error("print_interval", "must be positive") }
    }

    public func build(_ context: ComponentContext) throws -> any Sink {
        BlackholeSink(printIntervalMs: printIntervalMs, timeSource: context.timeSource, logger: context.logger)
    }
}

final class BlackholeSink: Sink {
    let printIntervalMs: Int64?
    let timeSource: any TimeSource
    let logger: Logger
    private let totals = Mutex(Totals())

    struct Totals {
        var events = 0
        var bytes = 0
        var lastPrintMillis: Int64 = 0
    }

    init(printIntervalMs: Int64?, timeSource: any TimeSource, logger: Logger) {
        self.printIntervalMs = printIntervalMs
        self.timeSource = timeSource
        self.logger = logger
        let now = timeSource.nowMillis()
        totals.withLock { $0.lastPrintMillis = now }
    }

    /// Events and bytes dropped so far.
    var dropped: (events: Int, bytes: Int) { totals.withLock { ($0.events, $0.bytes) } }

    func write(_ records: [Record], from input: SinkInput) async throws {
        let bytes = records.reduce(0) { $0 + ($1.value?.count ?? 0) + ($1.key?.count ?? 0) }
        let now = timeSource.nowMillis()
        let report = totals.withLock { totals -> (Int, Int)? in
            totals.events += records.count
            totals.bytes += bytes
            guard let interval = printIntervalMs, now - totals.lastPrintMillis >= interval else { return nil }
            totals.lastPrintMillis = now
            return (totals.events, totals.bytes)
        }
        if let report {
            logger.info("blackhole totals", metadata: ["events": "\(report.0)", "bytes": "\(report.1)"])
        }
    }
}
