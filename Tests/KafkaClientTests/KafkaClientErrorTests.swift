import Testing
@testable import KafkaClient

@Suite("KafkaClient errors")
struct KafkaClientErrorTests {
    /// A loopback port nothing listens on.
    static let nowhere = "127.0.0.1:1"

    @Test("an error names librdkafka's code and says what failed")
    func namesCode() {
        let error = KafkaClientError.timedOut("metadata for topic t")
        #expect(error.code == "_TIMED_OUT")
        #expect(error.description.contains("metadata for topic t"))
    }

    @Test("an unknown configuration property is refused by name")
    func unknownProperty() {
        #expect {
            _ = try KafkaProducer(config: ["bootstrap.servers": Self.nowhere, "no.such.property": "1"])
        } throws: { error in
            let error = error as! KafkaClientError
            return error.code == "_INVALID_ARG" && error.message.contains("no.such.property")
        }
    }

    @Test("admin calls to an unreachable broker fail with a timeout within their deadline")
    func adminUnreachable() async throws {
        let admin = try KafkaAdmin(config: ["bootstrap.servers": Self.nowhere])
        defer { admin.close() }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            _ = try await offPool { try admin.listTopics(timeout: .seconds(1)) }
        } throws: { error in
            (error as? KafkaClientError)?.code == "_TIMED_OUT"
        }
        // Far under librdkafka's own 60 s request timeout, with room for a loaded machine.
        #expect(clock.now - start < .seconds(30))
    }

    @Test("a send to an unreachable broker fails once the message timeout passes")
    func sendUnreachable() async throws {
        let producer = try KafkaProducer(config: ["bootstrap.servers": Self.nowhere, "message.timeout.ms": "1000"])
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            _ = try await producer.send(topic: "t", value: [1, 2, 3])
        } throws: { error in
            (error as? KafkaClientError)?.code == "_MSG_TIMED_OUT"
        }
        // Far under librdkafka's default message timeout (300 s), with room for a loaded machine.
        #expect(clock.now - start < .seconds(30))
        #expect(producer.deliveries.failed == 1)
        try producer.close(timeout: .seconds(1))
    }

    @Test("a consumer without a group fails to start when the broker is unreachable")
    func consumerUnreachable() async {
        await #expect {
            _ = try await offPool { try KafkaConsumer(config: ["bootstrap.servers": Self.nowhere], topics: ["t"], timeout: .seconds(1)) }
        } throws: { error in
            (error as? KafkaClientError)?.code == "_TIMED_OUT"
        }
    }
}
