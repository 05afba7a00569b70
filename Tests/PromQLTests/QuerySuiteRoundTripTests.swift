import Foundation
import Testing
@testable import PromQL

/// The queries of the differential suite (tests/promql/queries.txt) that Prometheus 2.42
/// accepts must parse here too, and print in a form that parses back to the same text, so
/// `/api/v1/format_query` answers are stable. The comparison with Prometheus' own printing
/// is in tests/test_promql_diff.py.
@Suite struct QuerySuiteRoundTripTests {
    static let queriesFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tests/promql/queries.txt")

    /// The valid queries (lines without the `! ` error marker), `$START`/`$END`/`$MID` filled in.
    static func validQueries() throws -> [String] {
        let text = try String(contentsOf: queriesFile, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("! ") }
            .map {
                $0.replacingOccurrences(of: "$START", with: "1700000000")
                    .replacingOccurrences(of: "$END", with: "1700021600")
                    .replacingOccurrences(of: "$MID", with: "1700010800")
            }
    }

    @Test("every valid query of the differential suite parses, and its printed form prints the same again")
    func roundTrip() throws {
        let queries = try Self.validQueries()
        #expect(queries.count >= 300)
        for query in queries {
            let printed: String
            do {
                printed = try Parser.parse(query).description
            } catch {
                Issue.record("\(query): \(error.message)")
                continue
            }
            do {
                let again = try Parser.parse(printed)
                #expect(again.description == printed, "\(query) prints as \(printed), which prints as \(again.description)")
            } catch {
                Issue.record("\(query) prints as \(printed), which does not parse: \(error.message)")
            }
        }
    }
}
