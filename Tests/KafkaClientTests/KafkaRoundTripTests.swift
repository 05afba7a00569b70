import PetrelCore
import Testing
@testable import KafkaClient

/// Producer, consumer and admin against librdkafka's in-process mock cluster.
@Suite("KafkaClient against the mock cluster", .serialized)
struct KafkaRoundTripTests {
    /// Polls `consumer` until `count` records arrived or `deadline` passed, off the concurrency pool.
    static func consume(_ consumer: KafkaConsumer, count: Int, within deadline: Duration = .seconds(20)) async throws -> [ConsumedRecord] {
        try await offPool {
            let clock = ContinuousClock()
            let end = clock.now + deadline
            var records: [ConsumedRecord] = []
            while records.count < count && clock.now < end {
                records += try consumer.poll(maxRecords: count - records.count, timeout: .milliseconds(200))
            }
            return records
        }
    }

    /// A mock cluster with one topic holding `count` records `prefix0`, `prefix1`, ...
    static func filledCluster(topic: String, partitions: Int32, count: Int, prefix: String) async throws -> KafkaMockCluster {
        try await offPool {
            let cluster = try KafkaMockCluster()
            try cluster.createTopic(topic, partitions: partitions)
            let producer = try KafkaProducer(config: ["bootstrap.servers": cluster.bootstrapServers])
            for i in 0..<count { try producer.enqueue(topic: topic, value: Array("\(prefix)\(i)".utf8)) }
            try producer.close()
            return cluster
        }
    }

    @Test("records come back with keys, values, headers and timestamps, in order within each partition")
    func roundTrip() async throws {
        let cluster = try KafkaMockCluster()
        defer { cluster.close() }
        try cluster.createTopic("events", partitions: 3)
        let producer = try KafkaProducer(config: ["bootstrap.servers": cluster.bootstrapServers, "linger.ms": "5"])
        var sent: [TopicPartition: [String]] = [:]
        for i in 0..<60 {
            let key = Array("k\(i % 7)".utf8)
            let value = Array("v\(i)".utf8)
            let headers = [RecordHeader(key: "seq", value: Array("\(i)".utf8)), RecordHeader(key: "empty", value: nil)]
            let report = try await producer.send(topic: "events", key: key, value: value, headers: headers,
                                                 timestamp: 1_700_000_000_000 + Int64(i))
            sent[TopicPartition(topic: "events", partition: report.partition), default: []].append("v\(i)")
        }
        try producer.close()
        #expect(sent.count > 1, "keys spread over several partitions")

        let consumer = try KafkaConsumer(config: ["bootstrap.servers": cluster.bootstrapServers],
                                         topics: ["events"], start: .beginning)
        defer { try? consumer.close() }
        let records = try await Self.consume(consumer, count: 60)
        #expect(records.count == 60)
        var received: [TopicPartition: [String]] = [:]
        for consumed in records {
            let value = String(decoding: consumed.record.value ?? [], as: UTF8.self)
            let i = Int(value.dropFirst())!
            #expect(consumed.record.key == Array("k\(i % 7)".utf8))
            #expect(consumed.record.timestamp == 1_700_000_000_000 + Int64(i))
            #expect(consumed.record.headers == [RecordHeader(key: "seq", value: Array("\(i)".utf8)),
                                                RecordHeader(key: "empty", value: nil)])
            received[TopicPartition(topic: consumed.topic, partition: consumed.partition), default: []].append(value)
        }
        #expect(received == sent)
        #expect(Set(try consumer.assignment()) == Set((0..<3).map { TopicPartition(topic: "events", partition: $0) }))
    }

    @Test("enqueued records are all acknowledged by flush and readable as an async sequence")
    func enqueueAndFlush() async throws {
        let cluster = try KafkaMockCluster()
        defer { cluster.close() }
        try cluster.createTopic("bulk", partitions: 2)
        let producer = try KafkaProducer(config: ["bootstrap.servers": cluster.bootstrapServers])
        for i in 0..<1000 {
            try producer.enqueue(topic: "bulk", partition: Int32(i % 2), value: Array("line \(i)".utf8))
        }
        try producer.flush(timeout: .seconds(10))
        #expect(producer.deliveries.delivered == 1000)
        #expect(producer.deliveries.failed == 0)
        try producer.close()

        let consumer = try KafkaConsumer(config: ["bootstrap.servers": cluster.bootstrapServers],
                                         topics: ["bulk"], start: .beginning)
        defer { try? consumer.close() }
        var offsets: [Int32: [Int64]] = [:]
        let task = Task {
            var count = 0
            for try await record in consumer.records() {
                offsets[record.partition, default: []].append(record.record.offset)
                count += 1
                if count == 1000 { break }
            }
            return offsets
        }
        let result = try await task.value
        #expect(result[0] == Array(0..<500))
        #expect(result[1] == Array(0..<500))
    }

    @Test("a consumer group commits its offsets, so a second run of the group gets nothing new")
    func groupCommit() async throws {
        let cluster = try await Self.filledCluster(topic: "grouped", partitions: 2, count: 20, prefix: "g")
        defer { cluster.close() }

        let config = ["bootstrap.servers": cluster.bootstrapServers, "group.id": "readers",
                      "enable.auto.commit": "false"]
        let first = try KafkaConsumer(config: config, topics: ["grouped"], start: .beginning)
        let records = try await Self.consume(first, count: 20, within: .seconds(30))
        #expect(records.count == 20)
        try await offPool {
            try first.commit()
            try first.close()
        }

        let second = try KafkaConsumer(config: config, topics: ["grouped"], start: .beginning)
        defer { try? second.close() }
        let again = try await Self.consume(second, count: 1, within: .seconds(8))
        #expect(again.isEmpty)
    }

    @Test("seek moves an assigned partition back to an earlier offset")
    func seekBack() async throws {
        let cluster = try await Self.filledCluster(topic: "replay", partitions: 1, count: 10, prefix: "r")
        defer { cluster.close() }

        let consumer = try KafkaConsumer(config: ["bootstrap.servers": cluster.bootstrapServers],
                                         topics: ["replay"], start: .beginning)
        defer { try? consumer.close() }
        #expect(try await Self.consume(consumer, count: 10).count == 10)
        try consumer.seek(topic: "replay", partition: 0, offset: 7)
        let tail = try await Self.consume(consumer, count: 3)
        #expect(tail.map(\.record.offset) == [7, 8, 9])
    }

    @Test("admin create and delete against a broker without those APIs fail within their timeout")
    func adminCreateOnMock() async throws {
        // librdkafka 2.0's mock cluster has no CreateTopics/DeleteTopics; Petrel's broker
        // does, and tests/test_kafka_cli.py covers the successful path against it.
        let cluster = try KafkaMockCluster()
        defer { cluster.close() }
        let admin = try KafkaAdmin(config: ["bootstrap.servers": cluster.bootstrapServers])
        defer { admin.close() }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            try await offPool { try admin.createTopic("made", partitions: 2, configs: ["retention.ms": "1000"], timeout: .seconds(2)) }
        } throws: { error in
            (error as? KafkaClientError)?.message.contains("create topic made") == true
        }
        await #expect(throws: KafkaClientError.self) { try await offPool { try admin.deleteTopic("made", timeout: .seconds(2)) } }
        // Bounded by the calls' 2 s timeouts, not librdkafka's 60 s default, with room for load.
        #expect(clock.now - start < .seconds(40))
    }

    @Test("admin lists the cluster's topics with their partitions")
    func adminList() async throws {
        let cluster = try KafkaMockCluster()
        defer { cluster.close() }
        try cluster.createTopic("alpha", partitions: 4)
        try cluster.createTopic("beta", partitions: 1)
        let admin = try KafkaAdmin(config: ["bootstrap.servers": cluster.bootstrapServers])
        defer { admin.close() }
        let topics = try await offPool { try admin.listTopics(timeout: .seconds(10)) }
        let alpha = try #require(topics.first { $0.name == "alpha" })
        #expect(alpha.partitions.map(\.id) == [0, 1, 2, 3])
        #expect(topics.contains { $0.name == "beta" && $0.partitions.count == 1 })
    }
}
