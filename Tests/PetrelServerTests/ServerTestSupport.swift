import PetrelCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import PetrelServer

/// A recent whole minute (10 minutes ago), in seconds: test samples must fall within retention.
let T0 = Int(Date().timeIntervalSince1970) / 60 * 60 - 600

/// A fresh data directory and configuration for one in-process server.
struct TestServer {
    let dataDir: String
    var config: ServerConfig

    init(fsync: String = "interval") {
        dataDir = NSTemporaryDirectory() + "petrel-test-\(UUID().uuidString)"
        config = ServerConfig()
        config.dataDir = dataDir
        config.httpAddress = HostPort(host: "127.0.0.1", port: 0)
        config.fsync = .init(text: fsync)!
    }

    /// Builds the components and the application, runs `body` against it live, then shuts down.
    func run<T: Sendable>(_ body: @Sendable (PetrelComponents, any TestClientProtocol) async throws -> T) async throws -> T {
        var logger = Logger(label: "petrel-test")
        logger.logLevel = .warning
        let components = try PetrelComponents(config: config, logger: logger)
        let app = PetrelServer.buildApplication(components)
        return try await app.test(.live) { client in try await body(components, client) }
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: dataDir) }
}

extension TestClientProtocol {
    func write(_ body: String, path: String = "/write?precision=s", headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
    }

    /// Polls an instant query until `accept` likes the JSON result or the deadline passes (a guard
    /// against hanging: a loaded test run can stall for several seconds).
    func awaitQuery(_ promql: String, at time: Int, timeout: Duration = .seconds(60),
                    until accept: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        var last: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
            let response = try await execute(uri: "/api/v1/query?query=\(encoded)&time=\(time)", method: .get) { $0 }
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let data = json?["data"] as? [String: Any]
            last = data?["result"] as? [[String: Any]] ?? []
            if accept(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        return last
    }
}

func jsonObject(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
}

func sampleValue(_ result: [[String: Any]]) -> String? {
    (result.first?["value"] as? [Any])?.last as? String
}
