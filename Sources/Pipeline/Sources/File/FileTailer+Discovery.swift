import PetrelCore

extension FileTailer {
    /// The paths the source reads now: the include globs minus the exclude
    /// patterns, or in spool mode the spool directory's files (without hidden
    /// names, `.COMPLETED` ones and excluded ones).
    func candidatePaths() -> [String] {
        var paths: [String] = []
        switch config.mode {
        case .tail:
            var seen: Set<String> = []
            for pattern in config.include {
                for path in FileSystem.glob(pattern) where seen.insert(path).inserted { paths.append(path) }
            }
        case .spool:
            let dir = config.spoolDirectory ?? "."
            for name in FileSystem.names(in: dir)
            where !name.hasPrefix(".") && !name.hasSuffix(FileSourceConfig.completedSuffix) {
                let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
                if config.include.isEmpty || config.include.contains(where: { FileSystem.matches(path, pattern: $0) }) {
                    paths.append(path)
                }
            }
        }
        return paths.filter { path in !config.exclude.contains { FileSystem.matches(path, pattern: $0) } }
    }

    /// Looks for files: opens new ones (resuming from a checkpoint, from
    /// where a copied file's original was, or per `read_from`), notices
    /// truncated and replaced ones, and marks those no longer at any path.
    func discover(nowMillis: Int64) {
        let firstTime = !hasDiscovered
        hasDiscovered = true
        var found: [(String, FileSystem.Status)] = []
        for path in candidatePaths() {
            guard let status = FileSystem.status(path), status.isRegular else { continue }
            found.append((path, status))
        }
        let tracked = Dictionary(files.enumerated().map { ($1.identity, $0) }, uniquingKeysWith: { a, _ in a })
        var seen: Set<FileIdentity> = []
        // New files first, while the tracked ones still show what they were
        // before this round (a copytruncate copy is matched to its original).
        for (path, status) in found {
            let identity = FileIdentity(device: status.device, inode: status.inode)
            guard seen.insert(identity).inserted, tracked[identity] == nil, !isCompleting(identity) else { continue }
            if let older = config.ignoreOlderMillis, nowMillis - status.modifiedMillis > older { continue }
            open(path, status: status, identity: identity, firstTime: firstTime)
        }
        for (path, status) in found {
            let identity = FileIdentity(device: status.device, inode: status.inode)
            guard let i = files.firstIndex(where: { $0.identity == identity }) else { continue }
            files[i].path = path
            files[i].goneSinceMillis = nil
            recheck(i, status: status)
        }
        for i in files.indices where !seen.contains(files[i].identity) && files[i].goneSinceMillis == nil {
            files[i].goneSinceMillis = nowMillis
        }
    }

    /// A tracked file found again: truncated (size below the read offset) or
    /// replaced under the same inode (its first bytes changed) means start at 0;
    /// a file that grew past `fingerprint_bytes` gets its fingerprint.
    private func recheck(_ i: Int, status: FileSystem.Status) {
        if status.size < files[i].readOffset {
            truncated(i, size: status.size)
        } else if status.size >= Int64(config.fingerprintBytes) {
            let now = FileSystem.fingerprint(fd: files[i].fd, count: config.fingerprintBytes)
            if let before = files[i].fingerprint, let now, now != before {
                truncated(i, size: status.size)
            }
            files[i].fingerprint = now
        }
    }

    private func open(_ path: String, status: FileSystem.Status, identity: FileIdentity, firstTime: Bool) {
        guard let fd = FileSystem.openForReading(path) else {
            metrics?.error("file \(path): cannot open: \(FileSystem.errorText())")
            return
        }
        let fingerprint = status.size >= Int64(config.fingerprintBytes)
            ? FileSystem.fingerprint(fd: fd, count: config.fingerprintBytes) : nil
        var offset: Int64
        var insertAt = files.count
        var how: String
        if let resumed = takeCheckpoint(identity, fingerprint: fingerprint, size: status.size) {
            offset = resumed
            how = "checkpoint"
        } else if let fingerprint, let original = files.firstIndex(where: { copyOf($0, fingerprint) }) {
            // A copy of a file being read (copytruncate): go on from where the original was.
            offset = files[original].fingerprint == fingerprint ? files[original].readOffset
                : files[original].beforeTruncation!.offset
            offset = min(offset, status.size)
            insertAt = original
            how = "copy of \(files[original].path)"
        } else if config.mode == .tail && firstTime && config.readFrom == .end {
            offset = status.size
            how = "end"
        } else {
            offset = 0
            how = "beginning"
        }
        var multiline: MultilineAggregator?
        if let settings = config.multiline {
            multiline = try? MultilineAggregator(settings, maxBytes: config.maxLineBytes)
        }
        let file = TailedFile(identity: identity, path: path, fd: fd, fingerprint: fingerprint, offset: offset,
                              host: host, multiline: multiline)
        files.insert(file, at: insertAt)
        logger?.info("reading file", metadata: ["file": "\(path)", "offset": "\(offset)", "from": "\(how)"])
    }

    private func copyOf(_ file: TailedFile, _ fingerprint: UInt64) -> Bool {
        file.goneSinceMillis == nil && (file.fingerprint == fingerprint || file.beforeTruncation?.fingerprint == fingerprint)
    }

    /// The saved offset of this file, matched by inode (with the same or an
    /// unknown fingerprint) or by fingerprint (the file moved); the entry is used up.
    private func takeCheckpoint(_ identity: FileIdentity, fingerprint: UInt64?, size: Int64) -> Int64? {
        let text = FileCheckpointStore.fingerprintText(fingerprint)
        let index = savedCheckpoints.firstIndex { entry in
            entry.device == identity.device && entry.inode == identity.inode
                && (entry.fingerprint == nil || entry.fingerprint == text)
        } ?? savedCheckpoints.firstIndex { entry in text != nil && entry.fingerprint == text }
        guard let index else { return nil }
        let entry = savedCheckpoints.remove(at: index)
        return entry.offset <= size ? entry.offset : 0
    }
}
