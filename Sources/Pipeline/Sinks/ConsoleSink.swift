import Foundation
import PetrelCore
import Synchronization

/// `type: console`: prints its inputs' records to standard output, for
/// debugging a pipeline (`encoding` as the file sink). Output is not
/// synced: a console is not a durable destination.
public struct ConsoleSinkConfig: SinkConfig {
    public static let type = "console"
    public let encoding: RecordEncoding

    public init(_ section: inout ConfigSection) throws {
        encoding = try RecordEncoding.read(&section)
    }

    public func build(_ context: ComponentContext) throws -> any Sink {
        ConsoleSink(encoding: encoding)
    }
}

struct ConsoleSink: Sink {
    let encoding: RecordEncoding
    /// One writer at a time, so lines of two inputs never interleave.
    private static let output = Mutex(())

    func write(_ records: [Record], from input: SinkInput) async throws {
        var bytes: [UInt8] = []
        for record in records { encoding.append(record, to: &bytes) }
        guard !bytes.isEmpty else { return }
        Self.output.withLock { _ in FileHandle.standardOutput.write(Data(bytes)) }
    }
}
