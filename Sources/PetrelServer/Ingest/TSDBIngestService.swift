import Logging
import Metrics
import ServiceLifecycle
import PetrelCore
import Codecs
import LogStorage
import TSDB

/// The TSDB's consumer of the metrics topic: replays from the TSDB's replay
/// offset at start (that is crash recovery), then tails the topic, turning each
/// record into samples. Marks the process ready once the replay has caught up.
public struct TSDBIngestService: Service {
    /// The consumer group name under which the TSDB's offset is committed and pinned.
    public static let consumerGroup = "petrel-tsdb"

    let components: PetrelComponents
    let samplesAppended = Counter(label: "petrel_ingest_samples_total", dimensions: [("outcome", "appended")])
    let samplesRejected = Counter(label: "petrel_ingest_samples_total", dimensions: [("outcome", "rejected")])
    let lagGauge = Gauge(label: "petrel_tsdb_consumer_lag_records")

    public init(components: PetrelComponents) {
        self.components = components
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await consume()
        }
    }

    func consume() async throws {
        let partition = components.metricsTopic.partitions[0]
        let logger = components.logger
        var next = max(components.tsdb.replayOffset, partition.logStartOffset)
        if next > partition.logEndOffset { next = partition.logEndOffset }
        let replayEnd = partition.highWatermark
        logger.info("tsdb replay starting", metadata: ["from": "\(next)", "to": "\(replayEnd)"])
        let replayStart = monotonicNanos()
        var writer = SampleWriter(tsdb: components.tsdb)
        if next >= replayEnd { components.readiness.markReady() }
        while !Task.isCancelled {
            let records: [Record]
            do {
                records = try partition.read(from: next, maxBytes: 4 << 20)
            } catch {
                // Retention may have moved the start past us: resume at the start and say so.
                let start = partition.logStartOffset
                if next < start {
                    logger.warning("tsdb consumer fell behind retention", metadata: ["from": "\(next)", "resumeAt": "\(start)"])
                    next = start
                    continue
                }
                throw error
            }
            if records.isEmpty {
                lagGauge.record(0)
                _ = await partition.waitForData(after: next, timeout: .seconds(1))
                continue
            }
            for record in records {
                let (ok, bad) = writer.apply(record)
                samplesAppended.increment(by: ok)
                samplesRejected.increment(by: bad)
                if bad > 0 {
                    // Acknowledged samples the TSDB refused (series limits, retention reached meanwhile).
                    logger.warning("tsdb rejected samples", metadata: ["offset": "\(record.offset)", "rejected": "\(bad)"])
                }
                next = record.offset + 1
            }
            lagGauge.record(Double(max(0, partition.highWatermark - next)))
            if components.tsdb.needsMaintenance {
                // A large import fills the backfill buffer faster than the timer drains it.
                await components.maintainTSDB()
            }
            if !components.readiness.isReady {
                if next >= replayEnd {
                    let seconds = Double(monotonicNanos() - replayStart) / 1e9
                    logger.info("tsdb replay finished", metadata: ["offset": "\(next)", "seconds": "\(seconds)"])
                    components.readiness.markReady()
                } else {
                    components.readiness.update(reason: "replaying metrics topic: offset \(next) of \(replayEnd)")
                }
            }
        }
    }
}

/// Turns metrics-topic records into TSDB appends, remembering the series
/// reference of each line-protocol series key so a known series costs no
/// label allocation.
struct SampleWriter {
    let tsdb: TSDB
    let refs = SeriesRefCache()
    var parser = LineProtocolParser(options: MetricsIngestor.parserOptions)

    init(tsdb: TSDB) { self.tsdb = tsdb }

    /// Appends every sample of `record`; returns how many were appended and rejected.
    mutating func apply(_ record: Record) -> (Int, Int) {
        guard let value = record.value else { return (0, 0) }
        var format = MetricsIngestor.Format.influx
        var precision = Precision.nanoseconds
        var extra: [Label] = []
        for header in record.headers {
            guard let v = header.value else { continue }
            let text = String(decoding: v, as: UTF8.self)
            switch header.key {
            case MetricsIngestor.Header.format: format = MetricsIngestor.Format(rawValue: text) ?? .influx
            case MetricsIngestor.Header.precision: precision = Precision(v1: text) ?? .nanoseconds
            case MetricsIngestor.Header.db: extra.append(Label("db", text))
            default: break
            }
        }
        var appender = tsdb.appender()
        var ok = 0, bad = 0
        switch format {
        case .influx:
            var mapper = InfluxSampleMapper(extraLabels: extra)
            value.withUnsafeBytes { buffer in
                _ = parser.parse(buffer, precision: precision, defaultTimestamp: record.timestamp * 1_000_000) { line in
                    mapper.forEachSample(of: line) { key, t, v in
                        if Self.append(&appender, refs, key, t, v) { ok += 1 } else { bad += 1 }
                    }
                }
            }
        case .prometheus:
            value.withUnsafeBytes { buffer in
                _ = PrometheusTextParser().parse(buffer, defaultTimestamp: record.timestamp) { labels, t, v in
                    do {
                        _ = try appender.append(labels, t, v)
                        ok += 1
                    } catch {
                        bad += 1
                    }
                }
            }
        }
        appender.commit(sourceOffset: record.offset)
        return (ok, bad)
    }

    private static func append(_ appender: inout TSDBAppender, _ refs: SeriesRefCache,
                               _ key: SampleKey, _ t: Int64, _ v: Double) -> Bool {
        if let cached = refs.ref(for: key) {
            do {
                try appender.append(ref: cached, t, v)
                return true
            } catch {
                // The series may have left the head; fall through to the labels path.
            }
        }
        do {
            let ref = try appender.append(key.makeLabels(), t, v)
            refs.store(ref, for: key)
            return true
        } catch {
            return false
        }
    }
}
