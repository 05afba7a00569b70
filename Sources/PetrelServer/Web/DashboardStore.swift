import Foundation
import Synchronization

/// Where dashboards live and which copy wins: files saved from the UI under
/// `<data-dir>/dashboards/` (writable), the provisioned `--dashboards`
/// directory (read-only, re-read on every request so edits on disk show up),
/// and the built-in dashboards compiled into the binary. A saved copy shadows a
/// provisioned one with the same uid, which shadows a built-in one.
final class DashboardStore: Sendable {
    enum Source: String, Sendable { case saved, provisioned, builtin }

    /// One dashboard as listed: enough to show and open it.
    struct Entry {
        let uid: String
        let title: String
        let tags: [String]
        let source: Source
        let file: String?
        let model: [String: Any]

        var summary: [String: Any] {
            var out: [String: Any] = ["uid": uid, "title": title, "tags": tags, "source": source.rawValue,
                                      "url": "/dashboards/\(uid)"]
            if let file { out["file"] = file }
            return out
        }
    }

    /// A file that could not be read as a dashboard: listed, never silently skipped.
    struct Problem {
        let file: String
        let message: String
    }

    let savedDirectory: String
    let provisionedDirectory: String?
    private let writes = Mutex(())

    init(savedDirectory: String, provisionedDirectory: String?) {
        self.savedDirectory = savedDirectory
        self.provisionedDirectory = provisionedDirectory
    }

    /// Every dashboard by uid (highest-precedence copy) plus the files that failed to load.
    func list() -> (entries: [Entry], problems: [Problem]) {
        var byUID: [String: Entry] = [:]
        var problems: [Problem] = []
        for (name, text) in WebAssets.builtinDashboards {
            do {
                let model = try WebJSON.object(Array(text.utf8), what: "built-in dashboard \(name)")
                let entry = try Self.entry(model, fallbackUID: name, source: .builtin, file: nil)
                byUID[entry.uid] = entry
            } catch {
                problems.append(Problem(file: "builtin:\(name)", message: "\(error)"))
            }
        }
        if let provisionedDirectory {
            load(directory: provisionedDirectory, source: .provisioned, into: &byUID, problems: &problems)
        }
        load(directory: savedDirectory, source: .saved, into: &byUID, problems: &problems)
        let entries = byUID.values.sorted { ($0.title.lowercased(), $0.uid) < ($1.title.lowercased(), $1.uid) }
        return (entries, problems)
    }

    func entry(uid: String) throws -> Entry {
        try Self.checkUID(uid)
        guard let entry = list().entries.first(where: { $0.uid == uid }) else {
            throw WebError.notFound("no dashboard with uid \"\(uid)\"")
        }
        return entry
    }

    /// Validates `model` and writes it to `<saved>/<uid>.json`; returns whether a saved copy existed.
    @discardableResult
    func save(uid: String, model: [String: Any]) throws -> Bool {
        try Self.checkUID(uid)
        var model = model
        model["uid"] = uid
        _ = try Self.entry(model, fallbackUID: uid, source: .saved, file: nil)
        let path = savedDirectory + "/" + uid + ".json"
        return try writes.withLock { _ in
            do {
                try FileManager.default.createDirectory(atPath: savedDirectory, withIntermediateDirectories: true)
                let existed = FileManager.default.fileExists(atPath: path)
                let temporary = path + ".tmp"
                try Data(WebJSON.encode(model, pretty: true)).write(to: URL(fileURLWithPath: temporary))
                // rename(2) replaces atomically: a reader sees the old file or the new one, never half.
                guard rename(temporary, path) == 0 else {
                    throw WebError(.internalServerError, "internal", "cannot rename \(temporary) to \(path): errno \(errno)")
                }
                return existed
            } catch {
                throw WebError(.internalServerError, "internal", "cannot write \(path)", cause: error)
            }
        }
    }

    /// Removes the saved copy; provisioned and built-in dashboards are read-only.
    func delete(uid: String) throws {
        let entry = try entry(uid: uid)
        guard entry.source == .saved, let file = entry.file else {
            throw WebError(.forbidden, "read_only", "dashboard \"\(uid)\" is \(entry.source.rawValue) and read-only"
                + (entry.source == .provisioned ? "; remove its file from \(provisionedDirectory ?? "the provisioning directory")" : ""))
        }
        try writes.withLock { _ in
            do {
                try FileManager.default.removeItem(atPath: file)
            } catch {
                throw WebError(.internalServerError, "internal", "cannot delete \(file)", cause: error)
            }
        }
    }

    private func load(directory: String, source: Source, into byUID: inout [String: Entry], problems: inout [Problem]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = directory + "/" + name
            do {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw WebError.badData("cannot read the file")
                }
                var model = try WebJSON.object([UInt8](data), what: "dashboard file")
                if let inner = model["dashboard"] as? [String: Any] { model = inner }
                let entry = try Self.entry(model, fallbackUID: String(name.dropLast(5)), source: source, file: path)
                byUID[entry.uid] = entry
            } catch {
                problems.append(Problem(file: path, message: "\(error)"))
            }
        }
    }

    /// Checks the fields the UI relies on and builds the listing entry.
    static func entry(_ model: [String: Any], fallbackUID: String, source: Source, file: String?) throws -> Entry {
        let uid = (model["uid"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? fallbackUID
        try checkUID(uid)
        guard let title = model["title"] as? String, !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw WebError.badData("dashboard \"\(uid)\": \"title\" must be a non-empty string")
        }
        if let panels = model["panels"] {
            guard let list = panels as? [Any] else { throw WebError.badData("dashboard \"\(uid)\": \"panels\" must be an array") }
            for (i, panel) in list.enumerated() where !(panel is [String: Any]) {
                throw WebError.badData("dashboard \"\(uid)\": panels[\(i)] must be an object")
            }
        }
        var stored = model
        stored["uid"] = uid
        return Entry(uid: uid, title: title, tags: model["tags"] as? [String] ?? [], source: source, file: file, model: stored)
    }

    /// Uids become file names: 1–64 characters of letters, digits, `-`, `_` and `.` (not leading).
    static func checkUID(_ uid: String) throws {
        let ok = !uid.isEmpty && uid.utf8.count <= 64 && !uid.hasPrefix(".") && uid.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" || $0 == "."
        }
        if !ok { throw WebError.badData("invalid dashboard uid \"\(uid)\": use 1-64 letters, digits, '-', '_' or '.' (not leading)") }
    }
}
