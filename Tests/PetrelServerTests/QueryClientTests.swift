import Foundation
import Hummingbird
import Testing
@testable import PetrelServer

@Suite struct QueryClientTests {
    @Test("vectors print as an aligned table with the series, value and time")
    func vectorTable() {
        let body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"api"},"value":[0,"1"]},{"metric":{"job":"a-longer-job"},"value":[1.5,"0.25"]}]}}"#
        let out = QueryPrinter.render(status: 200, body: Array(body.utf8), json: false)
        #expect(out == .text("""
            SERIES                VALUE  TIME
            up{job="api"}         1      1970-01-01T00:00:00.000Z
            {job="a-longer-job"}  0.25   1970-01-01T00:00:01.500Z

            """))
    }

    @Test("matrices print one block per series and --json prints the data object")
    func matrixAndJSON() {
        let body = #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"x"},"values":[[60,"2"],[120,"3"]]}]}}"#
        #expect(QueryPrinter.render(status: 200, body: Array(body.utf8), json: false) == .text("""
            x
              1970-01-01T00:01:00.000Z  2
              1970-01-01T00:02:00.000Z  3

            """))
        let json = QueryPrinter.render(status: 200, body: Array(body.utf8), json: true)
        #expect(json == .text(#"{"result":[{"metric":{"__name__":"x"},"values":[[60,"2"],[120,"3"]]}],"resultType":"matrix"}"# + "\n"))
    }

    @Test("errors become 'error (<errorType>): message' and non-JSON answers are reported, not parsed")
    func errors() {
        let body = #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}"#
        #expect(QueryPrinter.render(status: 400, body: Array(body.utf8), json: false)
            == .error("error (bad_data): 1:5: parse error: unexpected end of input"))
        #expect(QueryPrinter.render(status: 502, body: Array("<html>".utf8), json: true) == .error("error (HTTP 502): <html>"))
    }

    @Test("server addresses parse with or without scheme and port; https and paths are refused")
    func addresses() throws {
        let a = try HTTPClient(server: "http://127.0.0.1:9999/")
        #expect(a.host == "127.0.0.1" && a.port == 9999)
        let b = try HTTPClient(server: "localhost")
        #expect(b.host == "localhost" && b.port == 7070)
        #expect(throws: HTTPClientError.self) { try HTTPClient(server: "https://x:1") }
        #expect(throws: HTTPClientError.self) { try HTTPClient(server: "http://x:1/prefix") }
        #expect(FormEncoding.encode([("query", "sum(x{a=\"b c\"})"), ("t", "1.5")])
            == "query=sum%28x%7Ba%3D%22b%20c%22%7D%29&t=1.5")
    }

    @Test("the client talks to a live server and reports a refused connection as an error")
    func liveServer() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, testClient in
            let port = try #require(testClient.port)
            let client = try HTTPClient(server: "http://127.0.0.1:\(port)", timeout: .seconds(60))
            let response = try await client.post("/api/v1/query", form: [("query", "1+1"), ("time", "60")])
            #expect(response.status == 200)
            #expect(QueryPrinter.render(status: response.status, body: response.body, json: true)
                == .text(#"{"result":[60,"2"],"resultType":"scalar"}"# + "\n"))
        }
        let refused = try HTTPClient(server: "http://127.0.0.1:1", timeout: .seconds(5))
        await #expect(throws: HTTPClientError.self) { _ = try await refused.get("/ready") }
    }
}
