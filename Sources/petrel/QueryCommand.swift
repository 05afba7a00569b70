import ArgumentParser
import Foundation
import PetrelServer

/// `petrel query 'EXPR'`: runs a PromQL query on a running server and prints the answer.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a PromQL query against a running Petrel (or any Prometheus API).",
        discussion: "With --start (and optionally --end, --step) it runs a range query, otherwise an instant query. "
            + "Times are Unix seconds or RFC 3339; durations like 15s or 1m.")

    @Argument(help: "The PromQL expression.")
    var expression: String

    @Option(name: .customLong("server"), help: "Server base URL. Default http://127.0.0.1:7070")
    var server = "http://127.0.0.1:7070"

    @Option(name: .customLong("time"), help: "Evaluation time of an instant query. Default now")
    var time: String?

    @Option(name: .customLong("start"), help: "Start of a range query.")
    var start: String?

    @Option(name: .customLong("end"), help: "End of a range query. Default now")
    var end: String?

    @Option(name: .customLong("step"), help: "Resolution of a range query. Default 1m")
    var step: String?

    @Option(name: .customLong("timeout"), help: "Query timeout sent to the server, e.g. 30s")
    var timeout: String?

    @Flag(name: .customLong("json"), help: "Print the API's data object as JSON.")
    var json = false

    func validate() throws {
        if time != nil && (start != nil || end != nil || step != nil) {
            throw ValidationError("--time is for instant queries; use --start/--end/--step for a range query")
        }
        if start == nil && (end != nil || step != nil) {
            throw ValidationError("a range query needs --start")
        }
    }

    func run() async throws {
        let client: HTTPClient
        do {
            client = try HTTPClient(server: server)
        } catch {
            throw ValidationError("--server: \(error.message)")
        }
        var form = [("query", expression)]
        let path: String
        if let start {
            path = "/api/v1/query_range"
            let now = String(format: "%.3f", Date().timeIntervalSince1970)
            form += [("start", start), ("end", end ?? now), ("step", step ?? "1m")]
        } else {
            path = "/api/v1/query"
            if let time { form.append(("time", time)) }
        }
        if let timeout { form.append(("timeout", timeout)) }
        let response: HTTPClient.Response
        do {
            response = try await client.post(path, form: form)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        switch QueryPrinter.render(status: response.status, body: response.body, json: json) {
        case .text(let text):
            FileHandle.standardOutput.write(Data(text.utf8))
        case .error(let line):
            FileHandle.standardError.write(Data((line + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
