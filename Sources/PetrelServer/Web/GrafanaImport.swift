/// Turns dashboard JSON as Grafana exports it into a dashboard Petrel stores
/// and renders, and reports what will not render: every unsupported panel by
/// title and type, every query that is not PromQL. Nothing is dropped — an
/// unsupported panel stays in the model (the UI shows it as a named
/// placeholder), so saving and exporting again loses nothing.
struct GrafanaImport {
    /// Panel types the UI draws. `graph` and `singlestat` are Grafana's older
    /// names for time series and stat; `row` and `text` are layout.
    static let supportedTypes: Set<String> = [
        "timeseries", "graph", "stat", "singlestat", "gauge", "bargauge", "table", "table-old", "heatmap", "row", "text",
    ]

    /// One panel or query the UI will not render, and why.
    struct Finding {
        let title: String
        let type: String
        let reason: String

        var json: [String: Any] { ["title": title, "type": type, "reason": reason] }
    }

    private(set) var model: [String: Any]
    private(set) var unsupported: [Finding] = []
    private(set) var panelCount = 0

    /// Accepts the bare dashboard or Grafana's import envelope `{"dashboard": {...}}`.
    init(_ document: [String: Any]) throws {
        var model = (document["dashboard"] as? [String: Any]) ?? document
        // Grafana's instance-specific fields: ids, import inputs and library elements.
        for key in ["id", "__inputs", "__requires", "__elements", "version", "iteration"] { model.removeValue(forKey: key) }
        if model["title"] == nil || (model["title"] as? String)?.isEmpty == true {
            throw WebError.badData("dashboard JSON has no \"title\"")
        }
        if let rows = model["rows"] as? [[String: Any]], model["panels"] == nil {
            model["panels"] = Self.panels(fromRows: rows)
            model.removeValue(forKey: "rows")
        }
        var flat: [[String: Any]] = []
        for case let panel as [String: Any] in model["panels"] as? [Any] ?? [] {
            // Collapsed rows carry their panels inside; lay them out after the row, open.
            var row = panel
            let children = row.removeValue(forKey: "panels") as? [[String: Any]] ?? []
            if row["type"] as? String == "row" { row["collapsed"] = false }
            flat.append(row)
            flat.append(contentsOf: children)
        }
        self.model = model
        var nextID = 1
        for i in flat.indices {
            if flat[i]["id"] == nil { flat[i]["id"] = nextID }
            nextID = max(nextID, (flat[i]["id"] as? Int ?? 0) + 1)
            inspect(flat[i])
        }
        self.model["panels"] = flat
        if (self.model["uid"] as? String).map({ (try? DashboardStore.checkUID($0)) == nil }) ?? true {
            self.model["uid"] = Self.slug(model["title"] as? String ?? "dashboard")
        }
    }

    var uid: String { model["uid"] as? String ?? "dashboard" }

    private mutating func inspect(_ panel: [String: Any]) {
        let type = panel["type"] as? String ?? "(none)"
        let title = (panel["title"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "(untitled)"
        if type == "row" { return }
        panelCount += 1
        guard Self.supportedTypes.contains(type) else {
            unsupported.append(Finding(title: title, type: type, reason: "panel type \"\(type)\" is not supported"))
            return
        }
        for case let target as [String: Any] in panel["targets"] as? [Any] ?? [] where target["hide"] as? Bool != true {
            if (target["expr"] as? String ?? "").isEmpty {
                let ref = target["refId"] as? String ?? "?"
                unsupported.append(Finding(title: title, type: type,
                                           reason: "query \(ref) has no PromQL \"expr\" (only Prometheus queries run)"))
            }
        }
    }

    /// Grafana's pre-5.0 `rows[]` of panels with `span` (of 12) become a 24-column `gridPos` layout.
    static func panels(fromRows rows: [[String: Any]]) -> [[String: Any]] {
        var out: [[String: Any]] = []
        var y = 0
        for row in rows {
            let height = max(3, (Int((row["height"] as? String ?? "250px").filter(\.isNumber)) ?? 250) / 30)
            if let title = row["title"] as? String, row["showTitle"] as? Bool == true {
                out.append(["type": "row", "title": title, "gridPos": ["x": 0, "y": y, "w": 24, "h": 1]])
                y += 1
            }
            var x = 0
            for var panel in row["panels"] as? [[String: Any]] ?? [] {
                let span = (panel["span"] as? Int) ?? (panel["span"] as? Double).map { Int($0) } ?? 12
                let w = min(24, max(1, span * 2))
                if x + w > 24 { x = 0; y += height }
                panel["gridPos"] = ["x": x, "y": y, "w": w, "h": height]
                panel.removeValue(forKey: "span")
                out.append(panel)
                x += w
            }
            y += height
        }
        return out
    }

    /// A uid from a title: lower-case letters, digits and dashes.
    static func slug(_ title: String) -> String {
        var out = ""
        for scalar in title.lowercased().unicodeScalars {
            if scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "dashboard" : String(out.prefix(64))
    }

    /// The import report returned to the client.
    var report: [String: Any] {
        ["uid": uid, "title": model["title"] as? String ?? "", "url": "/dashboards/\(uid)",
         "panels": panelCount, "unsupported": unsupported.map(\.json)]
    }
}
