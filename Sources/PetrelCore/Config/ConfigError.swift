/// A configuration problem, named by file, key and reason. The key is the
/// dotted path from the top of the file (`sources.app_logs.include`), so it
/// names the component too.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public let file: String
    public let key: String
    public let message: String

    public init(file: String, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String { "\(file): \(key): \(message)" }
}
