/// One mapping of a YAML (or JSON) document, already parsed into Swift values,
/// read key by key. Every accessor removes the key it reads, so `finish()`
/// can report the keys nobody knew: a typo never passes silently.
public struct ConfigSection {
    public let file: String
    /// Dotted path of this mapping from the top of the document; "" at the top.
    public let path: String
    public private(set) var map: [String: Any]

    public init(file: String, path: String, map: [String: Any]) {
        self.file = file
        self.path = path
        self.map = map
    }

    /// The error for `key` of this mapping.
    public func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, key: path.isEmpty ? key : "\(path).\(key)", message: message)
    }

    /// The error for this mapping as a whole.
    public func error(_ message: String) -> ConfigError {
        ConfigError(file: file, key: path.isEmpty ? "(document)" : path, message: message)
    }

    public var isEmpty: Bool { map.isEmpty }

    public func has(_ key: String) -> Bool { map[key] != nil }

    public mutating func take(_ key: String) -> Any? { map.removeValue(forKey: key) }

    public mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = take(key) else { return nil }
        if let s = v as? String { return s }
        if let i = v as? Int { return String(i) }
        throw error(key, "expected a string")
    }

    public mutating func int(_ key: String) throws(ConfigError) -> Int? {
        guard let v = take(key) else { return nil }
        guard let i = v as? Int else { throw error(key, "expected an integer") }
        return i
    }

    public mutating func double(_ key: String) throws(ConfigError) -> Double? {
        guard let v = take(key) else { return nil }
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        throw error(key, "expected a number")
    }

    public mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = take(key) else { return nil }
        guard let b = v as? Bool else { throw error(key, "expected true or false") }
        return b
    }

    /// A duration such as `15d` or `100ms`, in milliseconds.
    public mutating func duration(_ key: String) throws(ConfigError) -> Int64? {
        guard let v = take(key) else { return nil }
        guard let s = v as? String, let ms = DurationText.millis(s) else {
            throw error(key, "expected a duration such as 100ms, 30s, 2h or 15d")
        }
        return ms
    }

    /// A list of strings; a single string is read as a list of one.
    public mutating func strings(_ key: String) throws(ConfigError) -> [String]? {
        guard let v = take(key) else { return nil }
        if let s = v as? String { return [s] }
        guard let list = v as? [Any] else { throw error(key, "expected a list of strings") }
        var out: [String] = []
        for (i, item) in list.enumerated() {
            if let s = item as? String { out.append(s) } else if let n = item as? Int { out.append(String(n)) } else {
                throw error("\(key)[\(i)]", "expected a string")
            }
        }
        return out
    }

    /// A mapping of strings to strings (labels, headers, tags).
    public mutating func stringMap(_ key: String) throws(ConfigError) -> [String: String]? {
        guard let v = take(key) else { return nil }
        guard let m = v as? [String: Any] else { throw error(key, "expected a mapping of names to strings") }
        var out: [String: String] = [:]
        for (name, value) in m {
            if let s = value as? String { out[name] = s } else if let n = value as? Int { out[name] = String(n) } else if let d = value as? Double {
                out[name] = String(d)
            } else if let b = value as? Bool { out[name] = String(b) } else {
                throw error("\(key).\(name)", "expected a string")
            }
        }
        return out
    }

    public mutating func section(_ key: String) throws(ConfigError) -> ConfigSection? {
        guard let v = take(key) else { return nil }
        guard let m = v as? [String: Any] else { throw error(key, "expected a mapping") }
        return ConfigSection(file: file, path: path.isEmpty ? key : "\(path).\(key)", map: m)
    }

    /// A list of mappings (`targets:`, `metric_relabel_configs:`), each as its own section.
    public mutating func sections(_ key: String) throws(ConfigError) -> [ConfigSection]? {
        guard let v = take(key) else { return nil }
        guard let list = v as? [Any] else { throw error(key, "expected a list of mappings") }
        var out: [ConfigSection] = []
        for (i, item) in list.enumerated() {
            guard let m = item as? [String: Any] else { throw error("\(key)[\(i)]", "expected a mapping") }
            out.append(ConfigSection(file: file, path: path.isEmpty ? "\(key)[\(i)]" : "\(path).\(key)[\(i)]", map: m))
        }
        return out
    }

    /// Reports the first key (in sorted order) that no accessor read.
    public func finish() throws(ConfigError) {
        if let unknown = map.keys.sorted().first {
            throw error(unknown, "unknown key")
        }
    }
}
