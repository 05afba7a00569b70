import PetrelCore

/// A file's identity on this machine: the same (device, inode) is the same
/// file whatever path it has now.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
}

/// One open file being read, and how far.
struct TailedFile {
    let identity: FileIdentity
    /// The path the file was found at: its events' `file` field and record key,
    /// kept when it is renamed so its lines stay in one partition, in order.
    let label: String
    /// Where the file is now (for checkpoints and spool renames).
    var path: String
    let fd: Int32
    /// Checksum of the first `fingerprint_bytes`; nil while the file is shorter.
    var fingerprint: UInt64?
    /// The start of the next line not yet emitted: where the next read begins.
    var readOffset: Int64
    /// Inside a line longer than `max_line_bytes`, which is being skipped.
    var skipping = false
    /// When discovery last failed to find the file at any matched path.
    var goneSinceMillis: Int64?
    /// The last read reached the end of the file.
    var atEnd = false
    /// What the file was before a truncation, so a copy of it can be resumed
    /// where the original was (copytruncate rotation).
    var beforeTruncation: (fingerprint: UInt64, offset: Int64)?
    var multiline: MultilineAggregator?
    let key: [UInt8]
    let suffix: [UInt8]

    init(identity: FileIdentity, path: String, fd: Int32, fingerprint: UInt64?, offset: Int64, host: String,
         multiline: MultilineAggregator?) {
        self.identity = identity
        self.label = path
        self.path = path
        self.fd = fd
        self.fingerprint = fingerprint
        self.readOffset = offset
        self.multiline = multiline
        key = Array(path.utf8)
        suffix = FileEventEncoder.suffix(file: path, host: host)
    }

    /// Everything before this offset is emitted: what a checkpoint records.
    var committedOffset: Int64 { multiline?.pendingOffset ?? readOffset }

    var checkpoint: FileCheckpoint {
        FileCheckpoint(fingerprint: FileCheckpointStore.fingerprintText(fingerprint), path: path,
                       device: identity.device, inode: identity.inode, offset: committedOffset)
    }

    /// Starts over at offset 0 of the same file (it was truncated or replaced).
    mutating func restart() {
        if let fingerprint { beforeTruncation = (fingerprint, readOffset) }
        readOffset = 0
        skipping = false
        fingerprint = nil
        atEnd = false
    }
}
