import Logging
import PetrelCore
import Synchronization

/// The running `file` source. One task reads (`FileTailer`) while the
/// previous batch is being sent, so reading overlaps the topic's group-commit
/// wait; at most one send is in flight, so batches (and a file's lines) reach
/// the topic in order. After each send returns, the offsets the batch reached
/// are checkpointed; only then are finished spool files renamed or deleted.
/// After a crash, at most the last sent batch (the lines of about
/// `batch_max_bytes` of file bytes) is sent again.
struct FileSource: Source {
    let config: FileSourceConfig
    let context: ComponentContext

    /// How long the reader waits when every file is at its end.
    static let idleWait = Duration.milliseconds(100)

    func run(_ output: SourceOutput) async throws {
        let store = FileCheckpointStore(directory: context.stateDirectory)
        let tailer = FileTailer(config: config, checkpoints: try store.load(), metrics: context.metrics, logger: context.logger)
        let time = context.timeSource
        var inflight: InflightSend?
        let maxBatchBytes = min(FileBatch.defaultMaxBatchBytes, output.topic.config.maxMessageBytes)
        var batch = FileBatch(maxBatchBytes: maxBatchBytes)
        var lastDiscovery: Int64 = .min
        defer { inflight?.task.cancel() }
        while !Task.isCancelled {
            let nanos = time.nowNanos()
            let millis = nanos / 1_000_000
            if lastDiscovery == .min || millis - lastDiscovery >= config.globIntervalMillis {
                tailer.discover(nowMillis: millis)
                lastDiscovery = millis
            }
            let readSome = tailer.read(into: &batch, maxBytes: config.batchMaxBytes, nowMillis: millis, nowMicros: nanos / 1000)
            let full = batch.rawBytes >= config.batchMaxBytes
            // Send when the previous send is done, when the batch is full, or when there is nothing more to read.
            if !batch.isEmpty && (inflight == nil || inflight!.done || full || !readSome) {
                if let previous = inflight {
                    try await finish(previous, tailer: tailer)
                }
                inflight = start(batch, checkpoints: tailer.checkpoints(), output: output, store: store)
                batch = FileBatch(maxBatchBytes: maxBatchBytes)
            } else if !readSome {
                if let previous = inflight, previous.done {
                    try await finish(previous, tailer: tailer)
                    inflight = nil
                }
                do { try await Task.sleep(for: Self.idleWait) } catch { break }
            }
        }
        // Stopping: let the batch in flight land and checkpoint, so a restart does not repeat it.
        if let previous = inflight {
            inflight = nil
            try? await finish(previous, tailer: tailer)
        }
    }

    /// One batch on its way to the topic, then to the checkpoint file.
    struct InflightSend {
        let task: Task<Void, any Error>
        let flag: DoneFlag
        let completed: [SpoolCompletion]
        var done: Bool { flag.value.load(ordering: .acquiring) }
    }

    final class DoneFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private func start(_ batch: FileBatch, checkpoints: [FileCheckpoint], output: SourceOutput,
                       store: FileCheckpointStore) -> InflightSend {
        let flag = DoneFlag()
        var batch = batch
        batch.seal()
        let batches = batch.batches
        let task = Task {
            defer { flag.value.store(true, ordering: .releasing) }
            try await output.send(batches)
            try store.save(checkpoints)
        }
        return InflightSend(task: task, flag: flag, completed: batch.completed)
    }

    /// Waits for a send; then the spooled files it finished are renamed or deleted.
    private func finish(_ send: InflightSend, tailer: FileTailer) async throws {
        try await send.task.value
        for completion in send.completed {
            let failure: String?
            switch config.afterRead {
            case .delete: failure = FileSystem.remove(completion.path)
            case .rename: failure = FileSystem.move(completion.path, to: completion.path + FileSourceConfig.completedSuffix)
            }
            if let failure { context.metrics.error("spool: \(failure)") }
            tailer.finished(completion)
        }
    }
}
