import Foundation
import Logging
import PetrelCore
import Pipeline

/// What a pipeline reload did.
public enum PipelineReloadOutcome: Sendable {
    /// The new graph runs; what changed.
    case applied(file: String, PipelineRuntime.Changes)
    /// The file is invalid; the running graph stays.
    case invalid([ConfigError])
    /// Another reload is running; nothing was done.
    case busy
}

extension PetrelComponents {
    /// The graph `serve` starts with: petrel.yaml's, or the default pipeline
    /// when it configures none.
    func startupPipeline() -> PipelineConfig {
        config.pipeline ?? fallbackPipeline(enabled: config.defaultPipeline)
    }

    /// The default pipeline, or an empty graph when it is turned off
    /// (`--no-default-pipeline`, `default_pipeline: false`).
    func fallbackPipeline(enabled: Bool) -> PipelineConfig {
        enabled ? Self.defaultPipeline(pipeline.environment, logger: logger)
            : PipelineConfig(file: DefaultPipeline.file, components: [])
    }

    /// Re-reads the `--config` file, validates it like `serve` does, and moves
    /// the running pipeline to its graph (the default one when it has none).
    /// Only the pipeline reloads; other settings need a restart.
    public func reloadPipeline() async -> PipelineReloadOutcome {
        let outcome = await pipeline.exclusiveReload { () -> PipelineReloadOutcome in
            guard let file = config.configFile else {
                return .invalid([ConfigError(file: "flags", key: "--config",
                                             message: "petrel serve was started without a config file; there is nothing to reload")])
            }
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                return .invalid([ConfigError(file: file, key: "(document)", message: "cannot read: \(error.localizedDescription)")])
            }
            var fresh = ServerConfig()
            var problems = fresh.read(yaml: text, file: file)
            // The file's own addresses were checked; the running ones (flags win) count too.
            for problem in fresh.pipeline?.listenProblems(reserved: pipeline.environment.reservedListens) ?? []
                where !problems.contains(problem) {
                problems.append(problem)
            }
            if !problems.isEmpty { return .invalid(problems) }
            // The flag wins over the file, as at start-up.
            let graph = fresh.pipeline ?? fallbackPipeline(enabled: config.defaultPipeline && fresh.defaultPipeline)
            return .applied(file: file, await pipeline.apply(graph))
        }
        return outcome ?? .busy
    }

    /// The default pipeline, or an empty graph when none of its types is available.
    static func defaultPipeline(_ environment: PipelineEnvironment, logger: Logger) -> PipelineConfig {
        DefaultPipeline.config(environment, logger: logger) ?? PipelineConfig(file: DefaultPipeline.file, components: [])
    }
}
