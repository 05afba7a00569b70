#if canImport(Glibc)
import Glibc
#endif

/// Lists a directory with `opendir`/`readdir`, without Foundation.
enum DirectoryListing {
    /// Entry names other than `.` and `..`; empty when the directory does not exist.
    static func names(in directory: String) throws(LogStorageError) -> [String] {
        guard let dir = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw FileIO.failure("opendir", directory)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Deletes `path` and everything under it.
    static func removeTree(_ path: String) throws(LogStorageError) {
        if isDirectory(path) {
            for name in try names(in: path) { try removeTree("\(path)/\(name)") }
            guard rmdir(path) == 0 || errno == ENOENT else { throw FileIO.failure("rmdir", path) }
        } else {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileIO.failure("unlink", path) }
        }
    }
}
