import Foundation
import Testing
@testable import PetrelServer

/// The web UI's compiled-in assets and the dashboard model checks, without a socket.
@Suite struct WebTests {
    /// The repository's web/ folder, found from this file's path.
    static let webDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("web")

    @Test("the compiled-in assets match web/ exactly (run scripts/gen-web-assets.py when this fails)")
    func assetsAreNotStale() throws {
        let base = Self.webDirectory.path + "/"
        var onDisk: [String: String] = [:]
        let files = FileManager.default.enumerator(atPath: base)
        while let relative = files?.nextObject() as? String {
            guard [".html", ".css", ".js", ".json", ".svg", ".txt"].contains(where: relative.hasSuffix) else { continue }
            onDisk[relative] = try String(contentsOfFile: base + relative, encoding: .utf8)
        }
        #expect(!onDisk.isEmpty)
        let compiled = Dictionary(uniqueKeysWithValues: WebAssets.sources.map { ($0.path, $0.text) })
        #expect(Set(compiled.keys) == Set(onDisk.keys))
        for (path, text) in onDisk { #expect(compiled[path] == text, "\(path) differs from the compiled copy") }
    }

    @Test("every asset has a content type, an ETag and a smaller gzip copy when that helps")
    func assetsAreServable() {
        let index = WebAssets.all["index.html"]
        #expect(index?.contentType == "text/html; charset=utf-8")
        #expect(WebAssets.all["js/main.js"]?.contentType == "text/javascript; charset=utf-8")
        #expect(index?.etag.hasPrefix("\"") == true)
        #expect(WebAssets.all["js/panels.js"]?.gzipped != nil)
    }

    @Test("built-in dashboards are valid and named host, petrel and demo")
    func builtinsLoad() throws {
        let store = DashboardStore(savedDirectory: NSTemporaryDirectory() + "petrel-none-\(UUID())", provisionedDirectory: nil)
        let listed = store.list()
        #expect(listed.problems.isEmpty)
        #expect(Set(listed.entries.map(\.uid)) == ["host", "petrel", "demo"])
    }

    @Test("gzip is accepted unless refused with q=0")
    func acceptEncoding() {
        #expect(WebRoutes.acceptsGzip("gzip, deflate, br"))
        #expect(WebRoutes.acceptsGzip("br;q=1.0, gzip;q=0.8"))
        #expect(!WebRoutes.acceptsGzip("gzip;q=0"))
        #expect(!WebRoutes.acceptsGzip(nil))
        #expect(!WebRoutes.acceptsGzip("deflate"))
    }

    @Test("uids that could escape the dashboards directory are refused")
    func uidValidation() {
        #expect(throws: WebError.self) { try DashboardStore.checkUID("../etc") }
        #expect(throws: WebError.self) { try DashboardStore.checkUID("") }
        #expect(throws: WebError.self) { try DashboardStore.checkUID(".hidden") }
        #expect(throws: Never.self) { try DashboardStore.checkUID("node-exporter_full.v2") }
    }

    @Test("a Grafana export imports with collapsed rows opened and unsupported panels reported by title and type")
    func grafanaImport() throws {
        let document: [String: Any] = [
            "__inputs": [["name": "DS_PROMETHEUS"]], "id": 7, "title": "Node Exporter / Quick",
            "panels": [
                ["type": "row", "title": "CPU", "collapsed": true, "panels": [
                    ["type": "graph", "title": "Load", "targets": [["expr": "node_load1", "refId": "A"]]],
                ]],
                ["type": "piechart", "title": "Share", "targets": [["expr": "up", "refId": "A"]]],
                ["type": "stat", "title": "Logs", "targets": [["refId": "A", "query": "from(bucket)"]]],
            ],
        ]
        let imported = try GrafanaImport(document)
        #expect(imported.uid == "node-exporter-quick")
        #expect(imported.model["id"] == nil && imported.model["__inputs"] == nil)
        let panels = imported.model["panels"] as? [[String: Any]] ?? []
        #expect(panels.map { $0["title"] as? String } == ["CPU", "Load", "Share", "Logs"])
        #expect(imported.panelCount == 3)
        #expect(imported.unsupported.map(\.title) == ["Share", "Logs"])
        #expect(imported.unsupported.first?.type == "piechart")
    }

    @Test("pre-5.0 rows with spans become a 24-column grid")
    func oldRows() {
        let panels = GrafanaImport.panels(fromRows: [
            ["height": "300px", "panels": [["type": "graph", "span": 6], ["type": "graph", "span": 6]]],
        ])
        let grid = panels.compactMap { $0["gridPos"] as? [String: Int] }
        #expect(grid.map { $0["x"] } == [0, 12])
        #expect(grid.map { $0["w"] } == [12, 12])
        #expect(grid.allSatisfy { $0["h"] == 10 })
    }
}

@Suite struct DashboardsConfigTests {
    @Test("petrel.yaml's dashboards key sets the provisioned directory")
    func yamlKey() throws {
        var config = ServerConfig()
        try config.apply(yaml: "dashboards: /srv/dashboards\n", file: "petrel.yaml")
        #expect(config.dashboardsDir == "/srv/dashboards")
    }
}
