import Hummingbird

/// The dashboard API: list, load, save, delete and import Grafana-model dashboards.
///
/// `GET /api/v1/dashboards`, `GET|PUT|DELETE /api/v1/dashboards/{uid}`,
/// `POST /api/v1/dashboards/import`. Bodies are JSON; answers use the
/// Prometheus envelope (`status`, `data` or `errorType` + `error`).
struct DashboardRoutes {
    let store: DashboardStore
    /// Dashboards are small documents; anything larger is a mistake.
    static let maxBodyBytes = 8 << 20

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/dashboards") { _, _ in
            let (entries, problems) = store.list()
            return WebJSON.success([
                "dashboards": entries.map(\.summary),
                "problems": problems.map { ["file": $0.file, "error": $0.message] },
            ] as [String: Any])
        }
        router.post("/api/v1/dashboards/import") { request, _ in
            try await answer {
                let document = try WebJSON.object(try await body(request), what: "import body")
                let imported = try GrafanaImport(document)
                // Grafana's import API refuses to replace a dashboard unless told to overwrite.
                if document["overwrite"] as? Bool == false,
                   let existing = try? store.entry(uid: imported.uid), existing.source == .saved {
                    throw WebError(.preconditionFailed, "exists",
                                   "a saved dashboard with uid \"\(imported.uid)\" exists (\(existing.title)); import with \"overwrite\": true to replace it")
                }
                let replaced = try store.save(uid: imported.uid, model: imported.model)
                var report = imported.report
                report["replaced"] = replaced
                return WebJSON.success(report)
            }
        }
        router.get("/api/v1/dashboards/{uid}") { _, context in
            try await answer {
                let entry = try store.entry(uid: context.parameters.get("uid") ?? "")
                return WebJSON.success(["dashboard": entry.model, "meta": entry.summary] as [String: Any])
            }
        }
        router.put("/api/v1/dashboards/{uid}") { request, context in
            try await answer {
                let uid = context.parameters.get("uid") ?? ""
                var model = try WebJSON.object(try await body(request), what: "dashboard body")
                if let inner = model["dashboard"] as? [String: Any] { model = inner }
                if let bodyUID = model["uid"] as? String, !bodyUID.isEmpty, bodyUID != uid {
                    throw WebError.badData("the body's uid \"\(bodyUID)\" differs from the path's \"\(uid)\"")
                }
                let replaced = try store.save(uid: uid, model: model)
                return WebJSON.success(["uid": uid, "url": "/dashboards/\(uid)", "replaced": replaced] as [String: Any])
            }
        }
        router.delete("/api/v1/dashboards/{uid}") { _, context in
            try await answer {
                let uid = context.parameters.get("uid") ?? ""
                try store.delete(uid: uid)
                return WebJSON.success(["uid": uid, "deleted": true] as [String: Any])
            }
        }
    }

    private func body(_ request: Request) async throws -> [UInt8] {
        do {
            return try await HTTPBody.collect(request, limit: Self.maxBodyBytes)
        } catch let failure as HTTPBody.Failure {
            throw WebError(failure.status, "bad_data", failure.message)
        }
    }

    /// Runs `work`, mapping a `WebError` to its JSON error response.
    private func answer(_ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let error as WebError {
            return error.response
        }
    }
}
