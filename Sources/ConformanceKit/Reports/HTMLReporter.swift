import Foundation

/// The run as one self-contained HTML page (`conform --html FILE`), from the same `RunReport` as the
/// console, JUnit and JSON reports: a banner with the outcome, the failures as links, a bar per area,
/// the run's metadata, then every scenario with its verdict, quoted requirements,
/// Expected/Actual, witnesses, known faults and (when kept) its wire trace, collapsed, with each
/// frame's time and direction. Filters by verdict and area (and a search box) are a few lines of
/// inline script; without script every scenario shows.
///
/// Everything the server controls (frames, error texts, reasons) is escaped by `HTMLPage.escape`.
public struct HTMLReporter: Sendable {
    public init() {}

    /// The verdicts in the order the filters and bars list them (reasons do not matter here: only
    /// `name` and `label` are read).
    static let verdictOrder: [Verdict] = [
        .fail, .unexpectedPass(reason: ""), .inconclusive(reason: ""), .flakyFailure(reason: ""), .expectedFailure(reason: ""),
        .unsupported(reason: ""), .skipped(reason: ""), .pass,
    ]

    public func render(_ report: RunReport) -> String {
        let metadata = report.metadata
        let status = report.exitStatus
        let figures = report.totals.closingFigures
        let outcome: (label: String, className: String) = switch status {
        case .success: ("PASS", "pass")
        case .failure: ("FAIL", "fail")
        case .inconclusive, .usage: ("INCONCLUSIVE", "inconclusive")
        }
        var body = """
            <header class="banner \(outcome.className)"><div class="inner">
            <h1>conform: \(outcome.label)</h1>
            <p id="closing-line">\(figures.passed) passed, \(figures.failed) failed, \(figures.skipped) skipped · exit status \(status.rawValue): \(HTMLPage.escape(ConsoleReporter.meaning(status)))</p>
            <p class="target">\(HTMLPage.escape(metadata.targetURL))</p>
            </div></header>
            <main>

            """
        body += failureLinks(report)
        body += areaSection(report)
        body += metadataSection(report)
        body += filterSection(report)
        body += "<h2 id=\"scenarios-heading\">Scenarios (<span id=\"shown-count\">\(report.results.count)</span> of \(report.results.count) shown)</h2>\n"
        body += "<div id=\"scenarios\">\n"
        for area in orderedAreas(report) {
            let results = report.results.filter { $0.scenario.area == area }
            body += "<section class=\"area-group\" data-area=\"\(HTMLPage.escape(area.rawValue))\">\n"
            body += "<h3>\(HTMLPage.escape(area.displayName))</h3>\n"
            for result in results { body += scenario(result, isStrict: metadata.isStrict) }
            body += "</section>\n"
        }
        body += "</div>\n<p class=\"footnote\">conform \(HTMLPage.escape(metadata.kitVersion)) · Spec \(HTMLPage.escape(metadata.specVersion)) · "
            + "run token \(HTMLPage.escape(metadata.runToken)). The same run as JSON: <code>conform --json FILE</code>.</p>\n</main>"
        return HTMLPage.document(title: "conform \(outcome.label): \(metadata.targetURL)", style: Self.style, body: body, script: Self.script)
    }

    // MARK: Sections

    private func metadataSection(_ report: RunReport) -> String {
        let metadata = report.metadata
        let formatter = ISO8601DateFormatter()
        let finishedAt = metadata.finishedAt ?? metadata.startedAt
        let seconds = max(0, finishedAt.timeIntervalSince(metadata.startedAt))
        var rows: [(String, String)] = [
            ("Target", metadata.targetURL),
            ("Spec version", metadata.specVersion),
            ("Kit version", "conform \(metadata.kitVersion)"),
            ("Seed", "\(metadata.seed) (conform --seed \(metadata.seed) repeats the run's choices)"),
            ("Run token", metadata.runToken),
            ("Started", formatter.string(from: metadata.startedAt)),
            ("Duration", ReportFormatting.duration(.milliseconds(Int64((seconds * 1000).rounded())))),
            ("Strict", metadata.isStrict ? "yes: SHOULD failures fail the run" : "no: SHOULD failures are reported, MUST failures fail the run"),
            ("Concurrency", String(metadata.concurrency)),
            ("Timeout factor", String(metadata.timeoutFactor)),
        ]
        if !metadata.filters.isEmpty { rows.append(("Filters", metadata.filters.joined(separator: ", "))) }
        if !metadata.excludes.isEmpty { rows.append(("Excludes", metadata.excludes.joined(separator: ", "))) }
        rows.append(("Capabilities", metadata.capabilities.isEmpty ? "none (no restart or crash command)" : metadata.capabilities.map(\.rawValue).sorted().joined(separator: ", ")))
        if metadata.usesExpectations { rows.append(("Expectations", "an --expect file applied")) }
        var html = "<h2>Run</h2>\n<dl class=\"meta\" id=\"metadata\">\n"
        for (name, value) in rows { html += "<dt>\(HTMLPage.escape(name))</dt><dd>\(HTMLPage.escape(value))</dd>\n" }
        return html + "</dl>\n"
    }

    /// One stacked bar per area (a segment per verdict, widths by count) with the console's figures.
    private func areaSection(_ report: RunReport) -> String {
        var html = "<h2>By area</h2>\n<table class=\"areas\" id=\"areas\">\n"
        for area in orderedAreas(report) {
            let results = report.results.filter { $0.scenario.area == area }
            html += "<tr><th scope=\"row\">\(HTMLPage.escape(area.displayName))</th><td class=\"bar-cell\"><div class=\"bar\" role=\"img\" aria-label=\"\(HTMLPage.escape(ConsoleReporter.areaFigures(results)))\">"
            for verdict in Self.verdictOrder.reversed() {
                let count = results.filter { $0.verdict.name == verdict.name }.count
                guard count > 0 else { continue }
                let share = Double(count) / Double(results.count) * 100
                html += "<span class=\"segment \(verdict.name)\" style=\"width: \(String(format: "%.2f", share))%\" title=\"\(count) \(verdict.label)\"></span>"
            }
            html += "</div></td><td class=\"figures\">\(HTMLPage.escape(ConsoleReporter.areaFigures(results)))</td></tr>\n"
        }
        html += "</table>\n<p class=\"legend\">"
        for verdict in Self.verdictOrder.reversed() where report.results.contains(where: { $0.verdict.name == verdict.name }) {
            html += "<span class=\"key\"><span class=\"swatch \(verdict.name)\"></span>\(verdict.label)</span> "
        }
        return html + "</p>\n"
    }

    /// The scenarios that failed the run (or might have), as links to their entries.
    private func failureLinks(_ report: RunReport) -> String {
        let failures = report.results.filter { Self.isOpenByDefault($0.verdict) }
        guard !failures.isEmpty else { return "" }
        var html = "<h2>Needs attention (\(failures.count))</h2>\n<ul class=\"attention\" id=\"attention\">\n"
        for result in failures {
            html += "<li><span class=\"badge \(result.verdict.name)\">\(result.verdict.label)</span> <a href=\"#\(Self.anchor(result))\"><code>\(HTMLPage.escape(result.scenario.id))</code></a> "
                + "\(HTMLPage.escape(result.scenario.title)) <span class=\"muted\">(\(HTMLPage.escape(result.scenario.requirements.joined(separator: ", "))))</span></li>\n"
        }
        return html + "</ul>\n"
    }

    private func filterSection(_ report: RunReport) -> String {
        var html = "<h2>Filters</h2>\n<form id=\"filters\" class=\"filters\" onsubmit=\"return false\">\n<fieldset><legend>Verdict</legend>\n"
        for verdict in Self.verdictOrder {
            let count = report.results.filter { $0.verdict.name == verdict.name }.count
            guard count > 0 else { continue }
            html += "<label class=\"chip\"><input type=\"checkbox\" name=\"verdict\" value=\"\(verdict.name)\" checked=\"checked\"/> "
                + "<span class=\"badge \(verdict.name)\">\(verdict.label)</span> \(count)</label>\n"
        }
        html += "</fieldset>\n<label>Area <select id=\"area-filter\"><option value=\"\">all areas</option>"
        for area in orderedAreas(report) {
            html += "<option value=\"\(HTMLPage.escape(area.rawValue))\">\(HTMLPage.escape(area.displayName))</option>"
        }
        html += "</select></label>\n<label>Search <input type=\"search\" id=\"search\" placeholder=\"ID, title or requirement\"/></label>\n"
        html += "<button type=\"button\" id=\"expand-all\">Expand all</button> <button type=\"button\" id=\"collapse-all\">Collapse all</button>\n"
        return html + "</form>\n"
    }

    private func scenario(_ result: ScenarioResult, isStrict: Bool) -> String {
        let info = result.scenario
        let search = ([info.id, info.title] + info.requirements).joined(separator: " ").lowercased()
        var html = "<details class=\"scenario \(result.verdict.name)\" id=\"\(Self.anchor(result))\" data-verdict=\"\(result.verdict.name)\" "
            + "data-area=\"\(HTMLPage.escape(info.area.rawValue))\" data-search=\"\(HTMLPage.escape(search))\"\(Self.isOpenByDefault(result.verdict) ? " open=\"open\"" : "")>\n"
        html += "<summary><span class=\"badge \(result.verdict.name)\">\(result.verdict.label)</span> <code class=\"id\">\(HTMLPage.escape(info.id))</code> "
            + "<span class=\"title\">\(HTMLPage.escape(info.title))</span> <span class=\"tags\">\(HTMLPage.escape(info.level.rawValue))"
            + "\(result.isRequired(isStrict: isStrict) ? "" : ", not required") · \(HTMLPage.escape(info.requirements.joined(separator: ", ")))"
            + "\(result.startedAt != nil ? " · " + HTMLPage.escape(ReportFormatting.duration(result.duration)) : "")</span></summary>\n<div class=\"detail\">\n"
        if let reason = result.verdict.reason { html += "<p class=\"reason\"><strong>Reason:</strong> \(HTMLPage.escape(reason))</p>\n" }
        for id in info.requirements { html += requirement(id) }
        if !result.expected.isEmpty || result.actual != nil {
            html += "<dl class=\"outcome\">\n"
            if !result.expected.isEmpty {
                html += "<dt>Expected</dt><dd><ul>" + result.expected.map { "<li><pre>\(HTMLPage.escape($0))</pre></li>" }.joined(separator: "<li class=\"or\">or</li>") + "</ul></dd>\n"
            }
            if let actual = result.actual { html += "<dt>Actual</dt><dd class=\"actual\"><pre>\(HTMLPage.escape(actual))</pre></dd>\n" }
            html += "</dl>\n"
        }
        if !result.witnessOperations.isEmpty {
            html += "<h4>Witnesses</h4>\n<ul class=\"witnesses\">" + result.witnessOperations.map { "<li><code>\(HTMLPage.escape($0.description))</code></li>" }.joined() + "</ul>\n"
        } else if !result.witnesses.isEmpty {
            html += "<p><strong>Witnesses:</strong> \(HTMLPage.escape(result.witnesses.map(\.description).joined(separator: ", ")))</p>\n"
        }
        if let faults = ReportFormatting.knownFaults(result) {
            html += "<h4>Faults known to fail this scenario</h4>\n<p class=\"muted\">Deliberately broken servers of Tests/MutantTests that it catches: what to look for first.</p>\n<ul class=\"faults\">"
                + faults.map { "<li>\(HTMLPage.escape($0))</li>" }.joined() + "</ul>\n"
        }
        if !result.wireTrace.isEmpty { html += trace(result) }
        return html + "</div>\n</details>\n"
    }

    /// `JOIN-1 (MUST)` and the sentence, quoted from the Spec.
    private func requirement(_ id: String) -> String {
        guard let requirement = RequirementCatalog.requirement(id) else {
            return "<p class=\"requirement\"><strong>\(HTMLPage.escape(id))</strong>: not in Spec \(HTMLPage.escape(RequirementCatalog.specVersion))</p>\n"
        }
        let level = requirement.condition.map { "\(requirement.level.rawValue), if \($0)" } ?? requirement.level.rawValue
        return "<blockquote class=\"requirement\" cite=\"Spec/SPEC.md\"><strong>\(HTMLPage.escape(id))</strong> <span class=\"level\">(\(HTMLPage.escape(level)))</span> "
            + "<q>\(HTMLPage.escape(requirement.text))</q></blockquote>\n"
    }

    private func trace(_ result: ScenarioResult) -> String {
        let total = result.wireTrace.count + result.droppedTraceEntries
        var html = "<details class=\"trace\"><summary>Wire trace: \(total) entr\(total == 1 ? "y" : "ies")"
            + "\(result.droppedTraceEntries > 0 ? ", the first \(result.droppedTraceEntries) dropped" : "")</summary>\n"
        html += "<table class=\"wire\"><thead><tr><th class=\"number\">time</th><th>session</th><th>direction</th><th>frame</th></tr></thead><tbody>\n"
        for entry in result.wireTrace {
            let direction = switch entry.direction {
            case .sent: "→ sent"
            case .received: "← received"
            case .note: "· note"
            }
            html += "<tr class=\"\(entry.direction.rawValue)\"><td class=\"number mono\">\(HTMLPage.escape(ReportFormatting.clockTime(entry.time)))</td>"
                + "<td class=\"mono\">\(HTMLPage.escape(entry.sessionLabel))</td><td class=\"direction\">\(direction)</td>"
                + "<td><pre>\(HTMLPage.escape(entry.text))</pre></td></tr>\n"
        }
        return html + "</tbody></table></details>\n"
    }

    // MARK: Helpers

    /// Areas in the order their first scenario appears.
    private func orderedAreas(_ report: RunReport) -> [ScenarioArea] {
        var areas: [ScenarioArea] = []
        for result in report.results where !areas.contains(result.scenario.area) { areas.append(result.scenario.area) }
        return areas
    }

    /// Verdicts shown open: what failed the run or left it undecided.
    static func isOpenByDefault(_ verdict: Verdict) -> Bool {
        switch verdict {
        case .fail, .unexpectedPass, .inconclusive: true
        default: false
        }
    }

    /// The element ID of a scenario's entry: `scenario-` and its ID with anything but letters and digits as `-`.
    static func anchor(_ result: ScenarioResult) -> String {
        "scenario-" + String(result.scenario.id.unicodeScalars.map { scalar in
            (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) && scalar.isASCII ? Character(scalar) : "-"
        })
    }

    static let style = """
        .banner .target { font-family: ui-monospace, monospace; opacity: 0.9; font-size: 0.95rem; }
        .muted { color: var(--muted); }
        table.areas th { width: 9em; background: none; font-weight: 600; }
        table.areas td.bar-cell { width: 45%; }
        table.areas td.figures { color: #374151; font-size: 0.9rem; }
        .bar { display: flex; height: 16px; border-radius: 3px; overflow: hidden; background: var(--soft); margin-top: 3px; }
        .segment, .swatch { display: inline-block; height: 100%; }
        .swatch { width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
        .segment.pass, .swatch.pass { background: var(--pass); } .segment.fail, .swatch.fail { background: var(--fail); }
        .segment.skipped, .swatch.skipped { background: #9ca3af; } .segment.unsupported, .swatch.unsupported { background: var(--unsupported); }
        .segment.inconclusive, .swatch.inconclusive { background: var(--inconclusive); } .segment.expectedFailure, .swatch.expectedFailure { background: var(--xfail); }
        .segment.unexpectedPass, .swatch.unexpectedPass { background: var(--xpass); } .segment.flakyFailure, .swatch.flakyFailure { background: var(--flaky); }
        .legend .key { margin-right: 14px; font-size: 0.9rem; white-space: nowrap; }
        ul.attention { padding-left: 0; list-style: none; } ul.attention li { margin: 4px 0; }
        form.filters { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; }
        form.filters fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 0; display: flex; flex-wrap: wrap; gap: 6px 12px; }
        form.filters legend { font-size: 0.85rem; color: var(--muted); padding: 0 4px; }
        .chip { white-space: nowrap; cursor: pointer; }
        select, input[type=search], button { font: inherit; padding: 3px 6px; }
        .area-group h3 { color: #374151; }
        details.scenario { border: 1px solid var(--line); border-left: 5px solid #9ca3af; border-radius: 4px; margin: 6px 0; }
        details.scenario.pass { border-left-color: var(--pass); } details.scenario.fail { border-left-color: var(--fail); background: #fef2f2; }
        details.scenario.unexpectedPass { border-left-color: var(--xpass); background: #fff7ed; }
        details.scenario.inconclusive { border-left-color: var(--inconclusive); background: #fffbeb; }
        details.scenario.expectedFailure { border-left-color: var(--xfail); } details.scenario.flakyFailure { border-left-color: var(--flaky); }
        details.scenario.unsupported { border-left-color: var(--unsupported); }
        details.scenario > summary { padding: 6px 10px; cursor: pointer; list-style-position: inside; }
        details.scenario > summary .id { font-weight: 600; }
        details.scenario > summary .tags { color: var(--muted); font-size: 0.85rem; white-space: nowrap; }
        .detail { padding: 2px 14px 12px 18px; background: #fff; border-top: 1px solid var(--line); }
        blockquote.requirement { margin: 10px 0; padding: 6px 12px; border-left: 4px solid #93c5fd; background: #eff6ff; }
        blockquote.requirement .level { color: var(--muted); }
        dl.outcome { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 10px 0; }
        dl.outcome dt { font-weight: 700; } dl.outcome dd { margin: 0; } dl.outcome ul { margin: 0; padding-left: 18px; }
        dl.outcome li.or { list-style: none; color: var(--muted); margin-left: -18px; font-size: 0.85rem; }
        dd.actual pre { background: #fee2e2; padding: 2px 6px; border-radius: 3px; }
        h4 { margin: 12px 0 4px; font-size: 0.95rem; }
        details.trace { margin-top: 12px; } details.trace > summary { cursor: pointer; font-weight: 600; color: #1d4ed8; }
        table.wire { margin-top: 6px; font-size: 0.86rem; } table.wire td { padding: 2px 6px; }
        table.wire tr.sent td.direction { color: #1d4ed8; } table.wire tr.received td.direction { color: #047857; }
        table.wire tr.note td { color: var(--muted); } table.wire td.direction, table.wire td.number { white-space: nowrap; }
        .footnote { margin-top: 32px; color: var(--muted); font-size: 0.85rem; }
        @media (max-width: 600px) { table.areas td.figures { display: none; } dl.outcome { grid-template-columns: 1fr; } }
        """

    /// The filters: verdict boxes, area, search; an area heading hides when none of its scenarios shows.
    static let script = """
        (function () {
          var form = document.getElementById('filters');
          var area = document.getElementById('area-filter');
          var search = document.getElementById('search');
          var scenarios = Array.prototype.slice.call(document.querySelectorAll('#scenarios details.scenario'));
          var groups = Array.prototype.slice.call(document.querySelectorAll('#scenarios .area-group'));
          function apply() {
            var verdicts = {};
            form.querySelectorAll('input[name=verdict]').forEach(function (box) { verdicts[box.value] = box.checked; });
            var query = search.value.trim().toLowerCase();
            var shown = 0;
            scenarios.forEach(function (element) {
              var visible = verdicts[element.dataset.verdict] === true
                && (area.value === '' || element.dataset.area === area.value)
                && (query === '' || element.dataset.search.indexOf(query) >= 0);
              element.hidden = !visible;
              if (visible) { shown += 1; }
            });
            groups.forEach(function (group) { group.hidden = !group.querySelector('details.scenario:not([hidden])'); });
            document.getElementById('shown-count').textContent = String(shown);
          }
          form.addEventListener('change', apply);
          search.addEventListener('input', apply);
          document.getElementById('expand-all').addEventListener('click', function () {
            scenarios.forEach(function (element) { if (!element.hidden) { element.open = true; } });
          });
          document.getElementById('collapse-all').addEventListener('click', function () {
            scenarios.forEach(function (element) { element.open = false; });
          });
          apply();
        })();
        """
}
