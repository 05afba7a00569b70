import PetrelCore

/// The events gathered for one `send`, and the spooled files it finishes.
struct FileBatch {
    var records: [Record] = []
    /// Encoded bytes of `records` (keys and values).
    var bytes = 0
    /// Lines (or multi-line events) and the raw bytes they came from, for the received counters.
    var lines = 0
    var rawBytes = 0
    /// Spooled files whose last line is in this batch: renamed or deleted once it is sent.
    var completed: [SpoolCompletion] = []

    var isEmpty: Bool { records.isEmpty && completed.isEmpty }
}

/// A spooled file read to its end.
struct SpoolCompletion: Equatable {
    var identity: FileIdentity
    var path: String
}
