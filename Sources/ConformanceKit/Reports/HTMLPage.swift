/// The frame of the report pages (`conform --html`, `conform bench --html`): one self-contained HTML
/// document, its style and script inline, no external URL (a Content-Security-Policy forbids loading
/// any), readable at phone width. Every text that reaches a page goes through `escape`.
///
/// The markup is also well-formed XML (void elements closed, boolean attributes given values, the
/// script in a commented CDATA section), so tests read a page as a document, not as a string.
package enum HTMLPage {
    /// A whole document around `body`; `script` (ours, never data) runs at the end of the body.
    package static func document(title: String, style: String, body: String, script: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"/>
        <title>\(escape(title))</title>
        <style>
        \(baseStyle)
        \(style)
        </style>
        </head>
        <body>
        \(body)
        \(script.isEmpty ? "" : "<script>/*<![CDATA[*/\n\(script)\n/*]]>*/</script>")
        </body>
        </html>

        """
    }

    /// Text or attribute value made inert: `&`, `<`, `>`, both quotes, and line breaks as character
    /// references (valid HTML5), controls as visible `\u{XX}`: server bytes cannot open a tag, close a
    /// script or an attribute, whatever they hold.
    package static func escape(_ text: String) -> String { XMLText.escape(text, isAttribute: true) }

    /// The style both pages share: type, tables, the banner, badges, charts.
    static let baseStyle = """
        :root { --pass: #15803d; --fail: #b91c1c; --skip: #6b7280; --unsupported: #475569; --inconclusive: #b45309;
          --xfail: #7c3aed; --xpass: #c2410c; --flaky: #a16207; --line: #d1d5db; --muted: #4b5563; --soft: #f3f4f6; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; margin: 0; background: #fff; }
        main { max-width: 1100px; margin: 0 auto; padding: 0 16px 48px; }
        h1 { font-size: 1.6rem; margin: 0; }
        h2 { font-size: 1.2rem; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 1.05rem; margin: 20px 0 6px; }
        code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86rem; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; background: var(--soft); }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        .banner { color: #fff; padding: 18px 0; }
        .banner p { margin: 4px 0 0; font-size: 1.05rem; }
        .banner .inner { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
        .banner.pass { background: var(--pass); } .banner.fail { background: var(--fail); } .banner.inconclusive { background: var(--inconclusive); }
        .badge { display: inline-block; min-width: 5.6em; text-align: center; border-radius: 4px; padding: 1px 6px; color: #fff;
          font-weight: 700; font-size: 0.78rem; letter-spacing: 0.03em; }
        .pass .badge, .badge.pass { background: var(--pass); } .fail .badge, .badge.fail { background: var(--fail); }
        .badge.skipped { background: var(--skip); } .badge.unsupported { background: var(--unsupported); }
        .badge.inconclusive { background: var(--inconclusive); } .badge.expectedFailure { background: var(--xfail); }
        .badge.unexpectedPass { background: var(--xpass); } .badge.flakyFailure { background: var(--flaky); }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
        dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
        svg.chart { width: 100%; height: auto; max-width: 760px; display: block; margin: 8px 0 16px; font: 12px system-ui, sans-serif; }
        svg.chart .grid { stroke: #e5e7eb; } svg.chart .frame { fill: none; stroke: #9ca3af; }
        svg.chart .chart-title { font-weight: 600; font-size: 13px; } svg.chart .tick { fill: #374151; }
        svg.chart .axis-title { fill: #374151; } svg.chart .marker { font-weight: 600; font-size: 11px; }
        svg.chart .value { fill: #111827; }
        @media (max-width: 600px) { body { font-size: 14px; } dl.meta { grid-template-columns: 1fr; } dl.meta dd { margin-bottom: 6px; } }
        """
}
