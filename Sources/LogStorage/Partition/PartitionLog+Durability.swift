import PetrelCore

/// Group commit and the readers' wake-ups.
extension PartitionLog {
    /// Returns once everything before `target` is durable per the policy.
    ///
    /// Leader/follower group commit: the first appender that finds no fsync
    /// under way leads and fsyncs everything written so far at once; the others
    /// park and are resumed by it. A parked appender whose records arrived after
    /// the leader's fsync began is made the next leader, so appends arriving
    /// during one fsync share the next, and an acknowledgement waits about one
    /// fsync, not an interval (the interval bounds only data nobody waits for,
    /// see `TopicStore.run()`).
    public func awaitDurable(_ target: Int64) async throws(LogStorageError) {
        if policy == .never { return }
        while true {
            let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<SyncOutcome, Never>) in
                let immediate: SyncOutcome? = state.withLock { s in
                    if s.highWatermark >= target { return .durable }
                    if s.closed { return .failed(LogStorageError(.closed, "\(topic)-\(partition) was closed")) }
                    if !s.flushLeaderActive {
                        s.flushLeaderActive = true
                        return .lead
                    }
                    s.syncWaiters.append(SyncWaiter(target: target, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            switch outcome {
            case .durable:
                return
            case .failed(let error):
                throw error
            case .lead:
                if let error = await finishGroupCommit() { throw error }
            }
        }
    }

    /// Runs one fsync for everything written so far, then resumes the parked
    /// appenders it covered and hands leadership to one it did not.
    private func finishGroupCommit() async -> LogStorageError? {
        var failure: LogStorageError?
        do {
            try await BlockingIOPool.shared.run { () throws(LogStorageError) in try self.flush() }
        } catch {
            failure = error
        }
        let (ready, nextLeader): ([SyncWaiter], SyncWaiter?) = state.withLock { s in
            var ready: [SyncWaiter] = []
            var remaining: [SyncWaiter] = []
            for waiter in s.syncWaiters {
                if failure != nil || waiter.target <= s.highWatermark { ready.append(waiter) } else { remaining.append(waiter) }
            }
            let next = remaining.isEmpty ? nil : remaining.removeFirst()
            s.syncWaiters = remaining
            if next == nil { s.flushLeaderActive = false }
            return (ready, next)
        }
        for waiter in ready { waiter.continuation.resume(returning: failure.map { .failed($0) } ?? .durable) }
        nextLeader?.continuation.resume(returning: .lead)
        return failure
    }

    /// fsyncs the active segment (older ones were synced when sealed) and
    /// raises the high watermark to what was written before the fsync began.
    func flush() throws(LogStorageError) {
        let (segment, end, rolled) = state.withLock { s in (s.active, s.logEndOffset, !s.rolledUnsealed.isEmpty) }
        // Data before `end` may sit in segments rolled since the last flush: they go first.
        if rolled { try sealRolledSegments() }
        let alreadyDurable = state.withLock { $0.highWatermark >= end }
        if !alreadyDurable {
            let start = monotonicNanos()
            try FileIO.fsync(segment.fd, path: segment.logPath)
            metrics.fsyncDuration.recordNanoseconds(Int64(monotonicNanos() - start))
            fsyncCount.add(1, ordering: .relaxed)
        }
        let now = Int64(monotonicNanos())
        let woken = state.withLock { s in
            if !alreadyDurable { s.lastFsyncNanos = now }
            return s.advanceHighWatermark(to: end)
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    /// fsyncs and indexes the segments rolled since the last call, oldest
    /// first (the index files' atomic writes also fsync the directory, which
    /// makes the new segments' names durable), then marks them sealed. One
    /// caller at a time; appends go on meanwhile.
    func sealRolledSegments() throws(LogStorageError) {
        try sealing.withLock { (_) throws(LogStorageError) in
            let pending = state.withLock { $0.rolledUnsealed }
            guard !pending.isEmpty else { return }
            for segment in pending { try segment.writeIndexesAndSync() }
            let dropped = state.withLock { s in
                s.rolledUnsealed.removeAll { rolled in pending.contains { $0 === rolled } }
                for segment in pending { segment.sealed = true }
                return pending.filter { sealed in !s.segments.contains { $0 === sealed } }
            }
            // Retention deleted some while they were sealed: remove the index files just written.
            for segment in dropped { segment.deleteFiles() }
        }
    }

    // MARK: - Readers

    /// Waits until a record past `offset` is visible (highWatermark > offset)
    /// or `timeout` passes; true when data is there. Woken by appends, no polling.
    public func waitForData(after offset: Int64, timeout: Duration) async -> Bool {
        if state.withLock({ $0.highWatermark > offset || $0.closed }) { return highWatermark > offset }
        let id = state.withLock { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        let woken = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.parkReader(id: id, after: offset) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        return woken || highWatermark > offset
    }

    private func parkReader(id: UInt64, after offset: Int64) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { s in
                    if s.highWatermark > offset { return true }
                    if s.closed || Task.isCancelled { return false }
                    s.dataWaiters[id] = DataWaiter(after: offset, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.dataWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Makes everything durable, writes the indexes, marks the partition
    /// cleanly closed and releases every waiter. Later appends throw `.closed`.
    func close() throws(LogStorageError) {
        let (active, alreadyClosed) = state.withLock { s in
            defer { s.closed = true }
            return (s.active, s.closed)
        }
        guard !alreadyClosed else { return }
        try flush()
        let (syncWaiters, dataWaiters, end) = state.withLock { s in
            let sync = s.syncWaiters, data = s.dataWaiters
            s.syncWaiters = []
            s.dataWaiters = [:]
            return (sync, data, s.highWatermark)
        }
        let closedError = LogStorageError(.closed, "\(topic)-\(partition) was closed")
        for waiter in syncWaiters {
            waiter.continuation.resume(returning: waiter.target <= end ? .durable : .failed(closedError))
        }
        for waiter in dataWaiters.values { waiter.continuation.resume(returning: false) }
        try active.writeIndexesAndSync()
        try FileIO.writeAtomically([], to: "\(directory)/\(PartitionLog.cleanShutdownFile)", directory: directory)
    }

    /// Stops the partition without writing anything (the topic is being deleted).
    func abandon() {
        let (syncWaiters, dataWaiters) = state.withLock { s in
            s.closed = true
            s.rolledUnsealed = []
            let sync = s.syncWaiters, data = s.dataWaiters
            s.syncWaiters = []
            s.dataWaiters = [:]
            return (sync, data)
        }
        let error = LogStorageError(.closed, "\(topic) was deleted")
        for waiter in syncWaiters { waiter.continuation.resume(returning: .failed(error)) }
        for waiter in dataWaiters.values { waiter.continuation.resume(returning: false) }
    }
}
