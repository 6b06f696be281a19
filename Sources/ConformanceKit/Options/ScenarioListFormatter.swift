/// The text of `conform --list`: one scenario per line in columns ID, LEVEL, AREA, REQUIREMENTS, TITLE.
public enum ScenarioListFormatter {
    public static func format(_ scenarios: [Scenario]) -> String { format(scenarios.map(\.info)) }

    public static func format(_ scenarios: [ScenarioInfo]) -> String {
        let header = ["ID", "LEVEL", "AREA", "REQUIREMENTS", "TITLE"]
        let rows = [header] + scenarios.map { scenario in
            [scenario.id, scenario.level.rawValue, scenario.area.displayName, scenario.requirements.joined(separator: ","), scenario.title]
        }
        var widths = Array(repeating: 0, count: header.count - 1)
        for row in rows {
            for column in widths.indices { widths[column] = max(widths[column], row[column].count) }
        }
        var lines = rows.map { row in
            widths.indices.map { row[$0] + String(repeating: " ", count: widths[$0] - row[$0].count) }.joined(separator: "  ")
                + "  " + row[header.count - 1]
        }
        lines.append("\(scenarios.count) scenario\(scenarios.count == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}
