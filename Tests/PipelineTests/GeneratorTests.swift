import Codecs
import Foundation
import LogStorage
import PetrelCore
import Testing
@testable import Pipeline

@Suite struct RandomWalkTests {
    @Test("the same seed gives the same walk, one line per series with its tags")
    func deterministic() {
        var a = RandomWalk(metric: "random_walk", series: 3, start: 10, stepStddev: 1, tags: [("env", "demo")], seed: 7)
        var b = RandomWalk(metric: "random_walk", series: 3, start: 10, stepStddev: 1, tags: [("env", "demo")], seed: 7)
        let first = a.step(timestampNanos: 1_000)
        #expect(first.bytes == b.step(timestampNanos: 1_000).bytes)
        #expect(first.lines == 3)
        let text = String(decoding: first.bytes, as: UTF8.self)
        #expect(text.hasPrefix("random_walk,series=0,env=demo value="))
        #expect(text.hasSuffix(" 1000\n"))
        var c = RandomWalk(metric: "random_walk", series: 3, start: 10, stepStddev: 1, tags: [], seed: 8)
        _ = c.step(timestampNanos: 1_000)
        #expect(c.values != a.values)
    }

    @Test("steps have the configured spread")
    func spread() {
        var walk = RandomWalk(metric: "m", series: 1, start: 0, stepStddev: 2, tags: [], seed: 1)
        var previous = 0.0
        var sumSquares = 0.0
        for _ in 0..<20_000 {
            _ = walk.step(timestampNanos: 0)
            sumSquares += (walk.values[0] - previous) * (walk.values[0] - previous)
            previous = walk.values[0]
        }
        let stddev = (sumSquares / 20_000).squareRoot()
        #expect(abs(stddev - 2) < 0.1)
    }

    @Test("the source writes one metrics record per interval")
    func source() async throws {
        let bed = try TopicTestbed(type: "random_walk")
        defer { bed.close() }
        var s = yamlSection(["series": 4, "interval": "20ms", "seed": 3])
        let config = try RandomWalkSourceConfig(&s)
        #expect(s.isEmpty)
        let source = try config.build(bed.context)
        let output = bed.output
        let task = Task { try await source.run(output) }
        let deadline = ContinuousClock.now + .seconds(60)  // a guard against hanging; the loop ends as soon as the data is there
        while try bed.records().count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        _ = try? await task.value
        let records = try bed.records()
        #expect(records.count >= 2)
        let lines = String(decoding: records[0].value!, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(records[0].headers.contains { $0.key == MetricsRecord.Header.format })
    }
}

@Suite struct DemoWeblogsTests {
    @Test("entries are reproducible and look like nginx traffic")
    func realistic() {
        var a = WebLogGenerator(hosts: ["web-1", "web-2"], seed: 5)
        var b = WebLogGenerator(hosts: ["web-1", "web-2"], seed: 5)
        let start: Int64 = 1_795_348_800_000_000
        var statuses: [Int: Int] = [:]
        var paths: [String: Int] = [:]
        for i in 0..<5000 {
            let t = start + Int64(i) * 60_000_000 / 5000 * 5  // 5 minutes
            let entry = a.next(timestampMicros: t)
            #expect(entry == b.next(timestampMicros: t))
            statuses[entry.status / 100, default: 0] += 1
            paths[entry.path, default: 0] += 1
            #expect(entry.durationMs > 0)
        }
        #expect(statuses[2, default: 0] > 4000)
        #expect(statuses[5, default: 0] > 0)
        #expect(paths["/", default: 0] > paths["/admin", default: 0] * 5)
    }

    @Test("5xx come in bursts")
    func bursts() {
        var generator = WebLogGenerator(hosts: ["h"], seed: 9)
        let start: Int64 = 1_795_348_800_000_000
        var inBurst = (failures: 0, total: 0)
        var outside = (failures: 0, total: 0)
        for i in 0..<30_000 {
            let t = start + Int64(i) * 10_000  // 300 s
            let failed = generator.next(timestampMicros: t).status >= 500
            if generator.inBurst(t) {
                inBurst.total += 1
                inBurst.failures += failed ? 1 : 0
            } else {
                outside.total += 1
                outside.failures += failed ? 1 : 0
            }
        }
        #expect(inBurst.total > 0)
        #expect(Double(inBurst.failures) / Double(inBurst.total) > 0.1)
        #expect(Double(outside.failures) / Double(outside.total) < 0.02)
    }

    @Test("the event carries the combined log line and typed fields")
    func event() throws {
        let entry = WebLogGenerator.Entry(timestampMicros: 1_795_348_800_000_000, host: "web-1", clientIP: "10.1.2.3",
                                          method: "GET", path: "/", status: 200, bytes: 512, durationMs: 12.5,
                                          userAgent: "curl/8.11.0", referrer: "-")
        #expect(entry.combinedLogLine == #"10.1.2.3 - - [22/Nov/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.11.0""#)
        let json = try JSONSerialization.jsonObject(with: Data(entry.event.json().utf8)) as! [String: Any]
        #expect(json["source_type"] as? String == "demo_weblogs")
        #expect(json["status"] as? Int == 200)
        #expect(json["bytes"] as? Int == 512)
        #expect(json["duration_ms"] as? Double == 12.5)
        #expect(json["client_ip"] as? String == "10.1.2.3")
        #expect(json["user_agent"] as? String == "curl/8.11.0")
    }

    @Test("the request summary writes counts and latency quantiles per status and method")
    func summary() {
        var summary = RequestSummary()
        for ms in 1...100 {
            summary.add(.init(timestampMicros: 0, host: "h", clientIP: "", method: "GET", path: "/", status: 200,
                              bytes: 0, durationMs: Double(ms), userAgent: "", referrer: "-"))
        }
        let text = String(decoding: summary.lineProtocol(timestampNanos: 7).bytes, as: UTF8.self)
        #expect(text == "demo_http_requests,method=GET,status=200 count=100 7\n"
                + "demo_http_request_duration_ms,method=GET,status=200 p50=50,p99=99 7\n")
    }

    @Test("the source writes events and, with metrics_topic, request metrics")
    func source() async throws {
        let bed = try TopicTestbed(type: "demo_weblogs")
        defer { bed.close() }
        var s = yamlSection(["rate": 200.0, "metrics_topic": "m", "metrics_interval": "100ms"])
        let source = try DemoWeblogsSourceConfig(&s).build(bed.context)
        let output = bed.output
        let task = Task { try await source.run(output) }
        let metrics = try bed.store.topicOrCreate("m")
        let deadline = ContinuousClock.now + .seconds(60)  // a guard against hanging; the loop ends as soon as the data is there
        while try bed.records(metrics).isEmpty || bed.records().count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        _ = try? await task.value
        #expect(try bed.events().first?["source_type"] as? String == "demo_weblogs")
        let lines = String(decoding: try bed.records(metrics).first?.value ?? [], as: UTF8.self)
        #expect(lines.contains("demo_http_requests,method="))
    }
}

@Suite struct CSVSourceTests {
    @Test("CSV lines split on the delimiter with quoted fields")
    func split() {
        #expect(CSVLine.split("a,\"b,c\",\"say \"\"hi\"\"\",") == ["a", "b,c", "say \"hi\"", ""])
        #expect(CSVLine.split("x;y", delimiter: ";") == ["x", "y"])
        #expect(CSVLine.split("\"open") == nil)
    }

    func replay(_ text: String, _ options: [String: Any]) async throws -> (TopicTestbed, [Record]) {
        let bed = try TopicTestbed(type: "csv")
        let path = bed.directory + "/data.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var s = yamlSection(options.merging(["path": path]) { a, _ in a })
        let config = try CSVSourceConfig(&s)
        #expect(s.isEmpty)
        try await config.build(bed.context).run(bed.output)
        return (bed, try bed.records())
    }

    @Test("a metrics replay turns numeric columns into fields and tag columns into tags, then finishes")
    func metrics() async throws {
        let (bed, records) = try await replay("time,host,cpu,mem,note\n1700000000,a,0.5,10,x\n1700000001,b,1.5,20,y\n",
                                              ["timestamp_column": "time", "timestamp_format": "unix",
                                               "tag_columns": ["host"], "measurement": "sys", "pace": "fast"])
        defer { bed.close() }
        let text = records.map { String(decoding: $0.value!, as: UTF8.self) }.joined()
        #expect(text == "sys,host=a cpu=0.5,mem=10 1700000000000000000\nsys,host=b cpu=1.5,mem=20 1700000001000000000\n")
    }

    @Test("bad rows are counted with their line numbers and the rest goes through")
    func badRows() async throws {
        let (bed, records) = try await replay("t,v\n1700000000000,1\n1700000000001\nnot-a-time,2\n1700000000002,3\n",
                                              ["timestamp_column": "t", "timestamp_format": "unix_ms",
                                               "pace": "fast"])
        defer { bed.close() }
        let text = records.map { String(decoding: $0.value!, as: UTF8.self) }.joined()
        #expect(text.split(separator: "\n").count == 2)
        let snapshot = bed.context.metrics.snapshot
        #expect(snapshot.errors == 2)
        #expect(snapshot.lastError?.contains("line 4") == true)
    }

    @Test("an events replay writes one log event per row with typed fields, paced by its timestamps")
    func events() async throws {
        let start = ContinuousClock.now
        let (bed, _) = try await replay("ts,level,code\n2026-11-22T12:00:00Z,warn,7\n2026-11-22T12:00:00.2Z,info,8\n",
                                        ["timestamp_column": "ts", "as": "events", "speed": 2.0])
        defer { bed.close() }
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        let events = try bed.events()
        #expect(events.count == 2)
        #expect(events[0]["level"] as? String == "warn")
        #expect(events[0]["code"] as? Int == 7)
        #expect(events[1]["timestamp"] as? String == "2026-11-22T12:00:00.200000Z")
        #expect(events[0]["message"] as? String == "2026-11-22T12:00:00Z,warn,7")
    }

    @Test("an unknown timestamp column is an error naming the columns")
    func unknownColumn() async throws {
        await #expect { try await replay("a,b\n1,2\n", ["timestamp_column": "time"]) } throws: {
            "\($0)".contains("columns: a, b")
        }
    }
}
