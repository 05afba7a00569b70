import Foundation
import PetrelCore

/// `type: csv`: replays a CSV file as metrics (numeric columns become
/// fields of `measurement`, `tag_columns` become tags) or as log events,
/// at the pace of its timestamps or as fast as the topic takes them.
/// Finishes at the end of the file unless `loop`. See docs/pipeline/generators.md.
public struct CSVSourceConfig: SourceConfig {
    public static let type = "csv"

    public enum Output: String, Sendable {
        case metrics, events
    }

    public enum Pace: String, Sendable {
        case original, fast
    }

    public var path = ""
    public var hasHeader = true
    public var delimiter: Character = ","
    public var timestampColumn: String?
    var timestampFormat = CSVRowMapper.TimestampFormat.rfc3339
    public var output = Output.metrics
    public var measurement = "csv"
    public var tagColumns: [String] = []
    public var pace = Pace.original
    public var speed = 1.0
    public var loop = false

    public init(_ section: inout ConfigSection) throws {
        guard let path = try section.string("path"), !path.isEmpty else {
            throw section.error("path", "expected the CSV file's path")
        }
        self.path = path
        hasHeader = try section.bool("has_header") ?? true
        if let d = try section.string("delimiter") {
            guard d.count == 1, let c = d.first, c != "\"", c != "\n" else {
                throw section.error("delimiter", "expected one character such as , or ;")
            }
            delimiter = c
        }
        timestampColumn = try section.string("timestamp_column")
        if let f = try section.string("timestamp_format") {
            guard let format = CSVRowMapper.TimestampFormat(rawValue: f) else {
                throw section.error("timestamp_format", "expected unix, unix_ms or rfc3339")
            }
            timestampFormat = format
        }
        if let a = try section.string("as") {
            guard let value = Output(rawValue: a) else { throw section.error("as", "expected metrics or events") }
            output = value
        }
        if let m = try section.string("measurement") {
            guard !m.isEmpty else { throw section.error("measurement", "expected a measurement name") }
            measurement = m
        }
        tagColumns = try section.strings("tag_columns") ?? []
        if let p = try section.string("pace") {
            guard let value = Pace(rawValue: p) else { throw section.error("pace", "expected original or fast") }
            pace = value
        }
        if let s = try section.double("speed") {
            guard s > 0, s.isFinite else { throw section.error("speed", "expected a factor above 0, such as 10") }
            speed = s
        }
        loop = try section.bool("loop") ?? false
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PipelineError(.startFailed, "csv \(context.id): cannot read \(path)")
        }
        return CSVSource(config: self, context: context)
    }

    /// The row mapper for a file whose first line is `header` (nil: no header,
    /// columns named `column1`, `column2`, ... after the first row's width).
    func mapper(columns: [String]) throws -> CSVRowMapper {
        var timestamp: Int? = nil
        if let name = timestampColumn {
            guard let index = columns.firstIndex(of: name) else {
                throw PipelineError(.invalidConfig, "csv: timestamp_column \"\(name)\" is not a column of \(path) "
                                    + "(columns: \(columns.joined(separator: ", ")))")
            }
            timestamp = index
        }
        var tags = Set<Int>()
        for name in tagColumns {
            guard let index = columns.firstIndex(of: name) else {
                throw PipelineError(.invalidConfig, "csv: tag column \"\(name)\" is not a column of \(path)")
            }
            tags.insert(index)
        }
        return CSVRowMapper(columns: columns, timestampColumn: timestamp, timestampFormat: timestampFormat,
                            tagColumns: tags)
    }
}
