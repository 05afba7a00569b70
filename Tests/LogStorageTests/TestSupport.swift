import Logging
import PetrelCore
@testable import LogStorage

/// A fresh directory under /tmp for one test, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String

    init() {
        let base = "/tmp/petrel-logstorage-tests"
        try? FileIO.makeDirectory(base)
        path = "\(base)/\(UInt64.random(in: 0...UInt64.max))"
        try! FileIO.makeDirectory(path)
    }

    func cleanup() { try? DirectoryListing.removeTree(path) }
}

func makeRecords(_ count: Int, size: Int = 16, timestamp: Int64 = 1_700_000_000_000, tag: String = "r") -> [Record] {
    (0..<count).map { i in
        var value = Array("\(tag)\(i)-".utf8)
        if value.count < size { value += [UInt8](repeating: UInt8(ascii: "x"), count: size - value.count) }
        return Record(timestamp: timestamp + Int64(i), key: Array("key\(i)".utf8), value: value)
    }
}

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

func storeOptions(_ fsync: FsyncPolicy = .never, time: any TimeSource = ManualTimeSource(),
                  defaultTopic: TopicConfig = TopicConfig()) -> TopicStoreOptions {
    TopicStoreOptions(fsync: fsync, defaultTopic: defaultTopic, timeSource: time, logger: quietLogger)
}

/// A partition log opened directly on a directory.
func openPartition(_ directory: String, config: TopicConfig = TopicConfig(), fsync: FsyncPolicy = .never,
                   time: any TimeSource = ManualTimeSource()) throws -> PartitionLog {
    try PartitionLog(directory: directory, topic: "t", partition: 0, config: config, policy: fsync, timeSource: time,
                     logger: quietLogger)
}

/// Runs `body` in a task of its own and waits for it at most `limit`; true when it finished in time.
/// A body still running then is left behind, so a wait the code must not have fails the test
/// instead of hanging the run. Errors from `body` are rethrown.
func finishes(within limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
    let (outcome, report) = AsyncStream<(any Error)?>.makeStream()
    Task {
        do { try await body(); report.yield(nil) } catch { report.yield(error) }
    }
    let guardTimer = Task {
        try? await Task.sleep(for: limit)
        report.finish()
    }
    defer { guardTimer.cancel() }
    for await error in outcome {
        if let error { throw error }
        return true
    }
    return false
}
