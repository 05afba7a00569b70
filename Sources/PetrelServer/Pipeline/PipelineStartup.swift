import Pipeline

extension PetrelComponents {
    /// Applies the start-up pipeline graph, then waits (bounded by
    /// `listenTimeout`) until its listening sources have bound their sockets
    /// before marking the pipeline part of readiness done. Sources that did
    /// not come up are logged as errors; readiness does not wait for them.
    func startPipeline(listenTimeout: Duration = .seconds(10)) async {
        readiness.update(.pipeline, reason: "applying the pipeline graph")
        await pipeline.apply(startupPipeline())
        readiness.update(.pipeline, reason: "waiting for pipeline sources to listen")
        for source in await pipeline.waitUntilListening(timeout: listenTimeout) {
            logger.error("pipeline source is not listening; ready without it", metadata: [
                "component_id": "\(source.component)", "addresses": "\(source.addresses.map(\.description))",
                "reason": "\(source.reason)"])
        }
        readiness.markReady(.pipeline)
    }
}
