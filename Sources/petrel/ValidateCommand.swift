import ArgumentParser
import Foundation
import PetrelCore
import PetrelServer

/// `petrel validate petrel.yaml`: checks a configuration file as `serve`
/// would (every key, the pipeline graph, ports) without starting anything.
/// Prints each problem as `file: key: message` and exits 1, or prints a
/// one-line summary and exits 0.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a petrel.yaml (keys, values, pipeline graph, ports) without starting anything.")

    @Argument(help: "The configuration file to check.")
    var file: String

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(Data("\(file): (document): cannot read: \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
        var config = ServerConfig()
        let problems = config.read(yaml: text, file: file)
        guard problems.isEmpty else {
            for problem in problems { print(problem.description) }
            throw ExitCode.failure
        }
        print(config.summary(file: file))
    }
}
