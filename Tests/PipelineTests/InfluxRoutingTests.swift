import Foundation
import Testing
import PetrelCore
import LogStorage
@testable import Pipeline

@Suite struct InfluxRoutingTests {
    @Test func writesGoToTheSourceNamingTheirDatabaseElseTheCatchAll() throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        func output(_ id: String) throws -> SourceOutput {
            SourceOutput(topic: try fixture.topics.topicOrCreate(id), metrics: ComponentMetrics(id: id, kind: .source, type: "influx"))
        }
        let endpoints = HTTPEndpoints()
        endpoints.claim(.influxWrite, component: "team_a", databases: ["a", "a2"], output: try output("team_a"))
        #expect(endpoints.endpoint(.influxWrite, database: "a")?.component == "team_a")
        #expect(endpoints.endpoint(.influxWrite, database: "other") == nil)
        #expect(endpoints.endpoint(.influxWrite) == nil)

        endpoints.claim(.influxWrite, component: "rest", output: try output("rest"))
        #expect(endpoints.endpoint(.influxWrite, database: "a2")?.component == "team_a")
        #expect(endpoints.endpoint(.influxWrite, database: "other")?.component == "rest")
        #expect(endpoints.endpoint(.influxWrite)?.component == "rest")
        #expect(endpoints.endpoint(.remoteWrite) == nil)

        endpoints.release(.influxWrite, component: "team_a")
        #expect(endpoints.endpoint(.influxWrite, database: "a")?.component == "rest")
        endpoints.release(.influxWrite, component: "rest")
        #expect(endpoints.endpoint(.influxWrite, database: "a") == nil)
    }

    @Test func twoSourcesClaimingOneDatabaseIsAnErrorNamingBoth() throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let error = #expect(throws: ConfigError.self) {
            _ = try fixture.pipeline(["sources": [
                "one": ["type": "influx", "databases": ["telegraf", "app"]],
                "two": ["type": "influx", "databases": ["app"]],
            ]])
        }
        #expect(error?.message.contains("sources.one") == true && error?.message.contains("sources.two") == true)
        #expect(error?.message.contains("\"app\"") == true)
    }

    @Test func onlyOneInfluxSourceMayTakeEveryDatabase() throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let error = #expect(throws: ConfigError.self) {
            _ = try fixture.pipeline(["sources": ["one": ["type": "influx"], "two": ["type": "influx"]]])
        }
        #expect(error?.message.contains("only one may") == true)
        #expect(throws: ConfigError.self) {
            _ = try fixture.pipeline(["sources": ["a": ["type": "prometheus_remote_write"], "b": ["type": "prometheus_remote_write"]]])
        }
        let split = try fixture.pipeline(["sources": [
            "one": ["type": "influx", "databases": ["a"]], "two": ["type": "influx"], "three": ["type": "influx", "databases": ["b"]],
        ]])
        #expect(split.components.count == 3)
        #expect(throws: ConfigError.self) {
            _ = try fixture.pipeline(["sources": ["one": ["type": "influx", "databases": ["a", "a"]]]])
        }
    }

    @Test func runningSourcesHoldTheirDatabasesOnceTheRuntimeIsReady() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let endpoints = HTTPEndpoints()
        let runtime = PipelineRuntime(topics: fixture.topics, environment: PipelineEnvironment(dataDir: fixture.directory, endpoints: endpoints),
                                      logger: .init(label: "test"))
        await runtime.apply(try fixture.pipeline(["sources": [
            "apps": ["type": "influx", "databases": ["apps"]], "rest": ["type": "influx"],
        ]]))
        // Readiness waits for the claims, so right after the wait they hold.
        #expect(await runtime.waitUntilListening(timeout: .seconds(60)).isEmpty)  // returns once the claims hold
        #expect(endpoints.endpoint(.influxWrite, database: "apps")?.component == "apps")
        #expect(endpoints.endpoint(.influxWrite, database: "x")?.component == "rest")
        #expect(endpoints.holds("apps") && !endpoints.holds("nobody"))
        await runtime.stop()
        #expect(endpoints.endpoint(.influxWrite, database: "apps") == nil)
    }
}
