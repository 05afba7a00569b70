import PetrelCore

extension PipelineRuntime {
    /// A source of the running graph that is not listening on all its addresses.
    public struct NotListening: Sendable, Equatable, CustomStringConvertible {
        public let component: String
        /// The addresses nothing listens on yet (empty for a source whose HTTP routes are not claimed yet).
        public let addresses: [ListenAddress]
        /// Why: the component's start failure or last error, or that the wait ran out.
        public let reason: String

        public var description: String {
            "\(component) (\(addresses.map(\.description).joined(separator: ", "))): \(reason)"
        }
    }

    /// Waits until every source of the running graph that listens on a
    /// socket (statsd, syslog, influx_udp, ...) has reported it bound
    /// (`ComponentMetrics.listening(on:)`), and every
    /// `influx` / `prometheus_remote_write` source holds its HTTP routes, polling every
    /// 50 ms, for at most `timeout`. Returns the sources that are still not
    /// listening (empty when all are). A source that could not start, or
    /// that failed (counted an error) and is not listening, is given up on at
    /// once rather than waited for: a port taken by another process must not
    /// hold readiness back for the whole timeout.
    public func waitUntilListening(timeout: Duration = .seconds(10)) async -> [NotListening] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let (pending, failed) = listeningState()
            if pending.isEmpty || clock.now >= deadline {
                return failed + pending.map { NotListening(component: $0.component, addresses: $0.addresses,
                                                           reason: "not listening after \(timeout)") }
            }
            try? await Task.sleep(for: .milliseconds(50))
            if Task.isCancelled { return failed + pending }
        }
    }

    /// Whether the source takes writes of Petrel's own HTTP routes (which it
    /// claims when its task starts, so readiness waits for that as for a socket).
    static func claimsHTTPRoutes(_ settings: any SourceConfig) -> Bool {
        settings is InfluxHTTPSourceConfig || settings is RemoteWriteSourceConfig
    }

    /// Sources still expected to bind (`pending`) and sources given up on (`failed`).
    private func listeningState() -> (pending: [NotListening], failed: [NotListening]) {
        let listening = state.withLock { state in
            (state.config?.components ?? []).compactMap { component -> (PipelineConfig.Component, Running?, String?)? in
                guard case .source(let settings) = component.settings,
                      !settings.listens.isEmpty || Self.claimsHTTPRoutes(settings) else { return nil }
                return (component, state.running[component.id], state.failures[component.id])
            }
        }
        var pending: [NotListening] = []
        var failed: [NotListening] = []
        for (component, running, failure) in listening {
            guard case .source(let settings) = component.settings else { continue }
            let missing = settings.listens.filter { address in running?.metrics.isListening(on: address) != true }
            let unclaimed = Self.claimsHTTPRoutes(settings) && !environment.endpoints.holds(component.id)
            if missing.isEmpty && !unclaimed { continue }
            if let failure {
                failed.append(NotListening(component: component.id, addresses: missing, reason: failure))
            } else if let running, running.metrics.snapshot.errors > 0 {
                failed.append(NotListening(component: component.id, addresses: missing,
                                           reason: running.metrics.snapshot.lastError ?? "failed"))
            } else if running == nil {
                failed.append(NotListening(component: component.id, addresses: missing, reason: "not running"))
            } else {
                pending.append(NotListening(component: component.id, addresses: missing, reason: "waiting"))
            }
        }
        return (pending, failed)
    }
}
