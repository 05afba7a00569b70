import Foundation
import PetrelCore

/// The scrape source's target list: the static `targets` plus what the
/// file-SD files say now. Files are Prometheus' file_sd format in JSON
/// (`[{"targets": ["host:port"], "labels": {"name": "value"}}]`); a file that
/// cannot be read or parsed keeps its last good targets and is reported.
struct TargetDiscovery {
    let config: PrometheusScrapeConfig
    let job: String
    /// Per file: its modification time and size when last read, and its targets.
    private var files: [String: (stamp: String, targets: [ScrapeTarget])] = [:]

    init(config: PrometheusScrapeConfig, job: String) {
        self.config = config
        self.job = job
    }

    /// The targets now; `problems` gets a message per bad file or entry.
    mutating func targets(problems: inout [String]) -> [ScrapeTarget] {
        var out: [ScrapeTarget] = []
        for address in config.targets {
            if case .success(let target) = parse(address, extra: [:]) { out.append(target) }
        }
        for path in config.fileSD {
            let stamp = Self.stamp(path)
            if files[path]?.stamp != stamp {
                switch read(path) {
                case .success(let targets): files[path] = (stamp, targets)
                case .failure(let problem): problems.append(problem.message)
                }
            }
            out += files[path]?.targets ?? []
        }
        var seen = Set<ScrapeTarget>()
        return out.filter { seen.insert($0).inserted }
    }

    private func parse(_ address: String, extra: [String: String]) -> Result<ScrapeTarget, ScrapeTargetProblem> {
        ScrapeTarget.parse(address, scheme: config.scheme, metricsPath: config.metricsPath, job: job,
                           extra: config.labels.merging(extra) { _, new in new })
    }

    /// Reads one file-SD file.
    func read(_ path: String) -> Result<[ScrapeTarget], ScrapeTargetProblem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ScrapeTargetProblem(message: "file_sd \(path): cannot read the file"))
        }
        guard let groups = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            return .failure(ScrapeTargetProblem(message: "file_sd \(path): expected a JSON list of {\"targets\": [...], \"labels\": {...}}"))
        }
        var out: [ScrapeTarget] = []
        for (index, item) in groups.enumerated() {
            guard let group = item as? [String: Any], let targets = group["targets"] as? [String] else {
                return .failure(ScrapeTargetProblem(message: "file_sd \(path): entry \(index) needs \"targets\": a list of strings"))
            }
            let labels = group["labels"] as? [String: String] ?? [:]
            if let bad = labels.keys.first(where: { !PrometheusScrapeConfig.isLabelName($0) }) {
                return .failure(ScrapeTargetProblem(message: "file_sd \(path): entry \(index): invalid label name \"\(bad)\""))
            }
            for address in targets {
                switch parse(address, extra: labels) {
                case .success(let target): out.append(target)
                case .failure(let problem):
                    return .failure(ScrapeTargetProblem(message: "file_sd \(path): entry \(index): \(problem.message)"))
                }
            }
        }
        return .success(out)
    }

    /// Changes when the file is replaced or rewritten.
    static func stamp(_ path: String) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "missing" }
        let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1
        return "\(date)/\(size)/\(inode)"
    }
}
