import Foundation

/// A small SVG chart writer for the report pages (`conform --html`, `conform bench --html`): line
/// charts and horizontal bar charts, on linear or logarithmic axes, with ticks, a legend and marked
/// points. Pure: values in, SVG text out; every label is escaped; the SVG is inline, with no external
/// reference, and scales to its container through its `viewBox`.
public enum SVGChart {
    public enum Scale: Sendable, Equatable {
        case linear
        /// Base 10; values at or below zero are drawn at the axis' lower end.
        case logarithmic
    }

    /// A labelled position on an axis.
    public struct Tick: Sendable, Equatable {
        public var value: Double
        public var label: String

        public init(_ value: Double, _ label: String) {
            self.value = value
            self.label = label
        }
    }

    public struct Axis: Sendable, Equatable {
        public var title: String
        public var scale: Scale
        /// Explicit ticks (their extent widens the range); nil places them automatically.
        public var ticks: [Tick]?
        /// Whether a linear axis starts at zero rather than at the smallest value.
        public var includesZero: Bool

        public init(_ title: String, scale: Scale = .linear, ticks: [Tick]? = nil, includesZero: Bool = true) {
            self.title = title
            self.scale = scale
            self.ticks = ticks
            self.includesZero = includesZero
        }
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(_ x: Double, _ y: Double) {
            self.x = x
            self.y = y
        }
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var color: String
        public var points: [Point]
        /// Whether to draw a dot at each point as well as the line.
        public var hasDots: Bool

        public init(_ name: String, color: String, points: [Point], hasDots: Bool = false) {
            self.name = name
            self.color = color
            self.points = points
            self.hasDots = hasDots
        }
    }

    /// A labelled point drawn over the lines (a percentile, a maximum).
    public struct Marker: Sendable, Equatable {
        public var point: Point
        public var label: String
        public var color: String

        public init(_ point: Point, label: String, color: String) {
            self.point = point
            self.label = label
            self.color = color
        }
    }

    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        public var color: String
        /// The text after the bar; nil prints the value.
        public var valueLabel: String?

        public init(_ label: String, value: Double, color: String, valueLabel: String? = nil) {
            self.label = label
            self.value = value
            self.color = color
            self.valueLabel = valueLabel
        }
    }

    /// The page's palette: distinguishable, and readable on white.
    public enum Color {
        public static let blue = "#2563eb"
        public static let orange = "#d97706"
        public static let green = "#15803d"
        public static let red = "#b91c1c"
        public static let grey = "#6b7280"
        public static let purple = "#7c3aed"
    }

    /// Maps values of one axis onto a length, linearly or by decade.
    struct Mapping: Sendable, Equatable {
        var lower: Double
        var upper: Double
        var scale: Scale

        /// The axis fitting `values` (and the explicit ticks' values): log axes span whole decades, linear
        /// ones end on a round step.
        init(values: [Double], axis: Axis) {
            scale = axis.scale
            let all = values + (axis.ticks ?? []).map(\.value)
            switch axis.scale {
            case .logarithmic:
                let positive = all.filter { $0 > 0 && $0.isFinite }
                let smallest = positive.min() ?? 1
                let largest = positive.max() ?? 10
                lower = pow(10, (log10(smallest)).rounded(.down))
                upper = pow(10, (log10(largest)).rounded(.up))
                if upper <= lower { upper = lower * 10 }
            case .linear:
                let finite = all.filter(\.isFinite)
                var smallest = finite.min() ?? 0
                let largest = finite.max() ?? 1
                if axis.includesZero { smallest = min(0, smallest) }
                if axis.ticks != nil {
                    lower = smallest
                    upper = largest > smallest ? largest : smallest + 1
                } else {
                    let step = SVGChart.niceStep((largest - smallest) / 5)
                    lower = (smallest / step).rounded(.down) * step
                    upper = max((largest / step).rounded(.up) * step, lower + step)
                }
            }
        }

        init(lower: Double, upper: Double, scale: Scale) {
            self.lower = lower
            self.upper = upper
            self.scale = scale
        }

        /// Where `value` falls between the ends: 0 at `lower`, 1 at `upper` (clamped).
        func fraction(_ value: Double) -> Double {
            let result: Double
            switch scale {
            case .linear:
                result = (value - lower) / (upper - lower)
            case .logarithmic:
                guard value > 0 else { return 0 }
                result = (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
            }
            return result.isFinite ? min(1, max(0, result)) : 0
        }

        /// Automatic ticks: round steps (linear), each decade, with 2 and 5 when there are few (log).
        func ticks() -> [Tick] {
            switch scale {
            case .linear:
                let step = SVGChart.niceStep((upper - lower) / 5)
                return stride(from: lower, through: upper + step / 1000, by: step).map { Tick($0, SVGChart.number($0)) }
            case .logarithmic:
                var ticks: [Tick] = []
                var decade = lower
                let decades = log10(upper / lower)
                while decade <= upper * 1.0001 {
                    ticks.append(Tick(decade, SVGChart.number(decade)))
                    if decades <= 2 && decade < upper {
                        ticks += [2.0, 5.0].map { Tick(decade * $0, SVGChart.number(decade * $0)) }
                    }
                    decade *= 10
                }
                return ticks.sorted { $0.value < $1.value }
            }
        }
    }

    // MARK: Charts

    /// A line chart of `series`, with `markers` drawn over it and a legend when there are several series.
    public static func lines(
        title: String, x: Axis, y: Axis, series: [Series], markers: [Marker] = [], width: Int = 640, height: Int = 300
    ) -> String {
        // Several series: a legend line under the title, so the plot starts lower.
        let frame = Frame(width: width, height: height, left: 64, right: 20, top: series.count > 1 ? 50 : 34, bottom: 44)
        let xs = series.flatMap { $0.points.map(\.x) } + markers.map(\.point.x)
        let ys = series.flatMap { $0.points.map(\.y) } + markers.map(\.point.y)
        let xMapping = Mapping(values: xs, axis: x)
        let yMapping = Mapping(values: ys, axis: y)
        func position(_ point: Point) -> (Double, Double) {
            (frame.left + xMapping.fraction(point.x) * frame.plotWidth, frame.top + (1 - yMapping.fraction(point.y)) * frame.plotHeight)
        }
        var svg = open(title: title, frame: frame)
        svg += grid(frame: frame, x: x, xMapping: xMapping, y: y, yMapping: yMapping)
        for line in series where !line.points.isEmpty {
            let path = line.points.enumerated().map { index, point in
                let (px, py) = position(point)
                return (index == 0 ? "M" : "L") + coordinate(px) + " " + coordinate(py)
            }.joined(separator: " ")
            svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(escape(line.color))\" stroke-width=\"2\" stroke-linejoin=\"round\"><title>\(escape(line.name))</title></path>\n"
            if line.hasDots {
                for point in line.points {
                    let (px, py) = position(point)
                    svg += "<circle cx=\"\(coordinate(px))\" cy=\"\(coordinate(py))\" r=\"2.5\" fill=\"\(escape(line.color))\"/>\n"
                }
            }
        }
        for (index, marker) in markers.enumerated() {
            let (px, py) = position(marker.point)
            // Labels alternate above and below their point, so neighbours do not overlap.
            let dy = index % 2 == 0 ? -8.0 : 16.0
            let anchor = px > frame.left + frame.plotWidth * 0.85 ? "end" : "middle"
            svg += "<circle cx=\"\(coordinate(px))\" cy=\"\(coordinate(py))\" r=\"4\" fill=\"#fff\" stroke=\"\(escape(marker.color))\" stroke-width=\"2\"/>\n"
            svg += "<text x=\"\(coordinate(px))\" y=\"\(coordinate(py + dy))\" text-anchor=\"\(anchor)\" class=\"marker\" fill=\"\(escape(marker.color))\">\(escape(marker.label))</text>\n"
        }
        if series.count > 1 { svg += legend(series.map { ($0.name, $0.color) }, frame: frame) }
        return svg + "</svg>\n"
    }

    /// Horizontal bars, one per row, from `origin` (0 on a linear axis; 1 suits ratios on a log axis),
    /// with a labelled reference line at `origin` when `originLabel` is given.
    public static func bars(
        title: String, axis: Axis, bars: [Bar], origin: Double = 0, originLabel: String? = nil, width: Int = 640
    ) -> String {
        let labelWidth = Double(min(260, max(60, (bars.map(\.label.count).max() ?? 0) * 7 + 12)))
        let rowHeight = 22.0
        let top = originLabel == nil ? 34.0 : 46.0
        let frame = Frame(width: width, height: Int(top + 40 + rowHeight * Double(max(1, bars.count))), left: labelWidth, right: 90, top: top, bottom: 40)
        let mapping = Mapping(values: bars.map(\.value) + [origin], axis: axis)
        var svg = open(title: title, frame: frame)
        svg += grid(frame: frame, x: axis, xMapping: mapping, y: nil, yMapping: nil)
        let originX = frame.left + mapping.fraction(origin) * frame.plotWidth
        for (index, bar) in bars.enumerated() {
            let top = frame.top + Double(index) * rowHeight + 3
            let end = frame.left + mapping.fraction(bar.value) * frame.plotWidth
            let (start, length) = end >= originX ? (originX, end - originX) : (end, originX - end)
            svg += "<text x=\"\(coordinate(frame.left - 8))\" y=\"\(coordinate(top + 12))\" text-anchor=\"end\">\(escape(bar.label))</text>\n"
            svg += "<rect x=\"\(coordinate(start))\" y=\"\(coordinate(top))\" width=\"\(coordinate(max(length, 1)))\" height=\"\(coordinate(rowHeight - 6))\" fill=\"\(escape(bar.color))\"><title>\(escape(bar.label)): \(escape(bar.valueLabel ?? number(bar.value)))</title></rect>\n"
            svg += "<text x=\"\(coordinate(max(end, originX) + 6))\" y=\"\(coordinate(top + 12))\" class=\"value\">\(escape(bar.valueLabel ?? number(bar.value)))</text>\n"
        }
        if let originLabel {
            svg += "<line x1=\"\(coordinate(originX))\" y1=\"\(coordinate(frame.top - 4))\" x2=\"\(coordinate(originX))\" y2=\"\(coordinate(frame.top + frame.plotHeight))\" stroke=\"#111\" stroke-dasharray=\"4 3\"/>\n"
            svg += "<text x=\"\(coordinate(originX + 4))\" y=\"\(coordinate(frame.top - 8))\" class=\"marker\">\(escape(originLabel))</text>\n"
        }
        return svg + "</svg>\n"
    }

    // MARK: Pieces

    struct Frame {
        var width: Int
        var height: Int
        var left: Double
        var right: Double
        var top: Double
        var bottom: Double

        var plotWidth: Double { Double(width) - left - right }
        var plotHeight: Double { Double(height) - top - bottom }
    }

    private static func open(title: String, frame: Frame) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(frame.width) \(frame.height)\" role=\"img\" aria-label=\"\(escape(title))\">\n"
            + "<title>\(escape(title))</title>\n"
            + "<text x=\"\(coordinate(frame.left))\" y=\"18\" class=\"chart-title\">\(escape(title))</text>\n"
    }

    /// Axis lines, grid lines, tick labels and axis titles (y only when given).
    private static func grid(frame: Frame, x: Axis, xMapping: Mapping, y: Axis?, yMapping: Mapping?) -> String {
        var svg = ""
        let bottom = frame.top + frame.plotHeight
        for tick in x.ticks ?? xMapping.ticks() {
            let px = frame.left + xMapping.fraction(tick.value) * frame.plotWidth
            svg += "<line x1=\"\(coordinate(px))\" y1=\"\(coordinate(frame.top))\" x2=\"\(coordinate(px))\" y2=\"\(coordinate(bottom))\" class=\"grid\"/>\n"
            svg += "<text x=\"\(coordinate(px))\" y=\"\(coordinate(bottom + 15))\" text-anchor=\"middle\" class=\"tick\">\(escape(tick.label))</text>\n"
        }
        svg += "<text x=\"\(coordinate(frame.left + frame.plotWidth / 2))\" y=\"\(coordinate(Double(frame.height) - 6))\" text-anchor=\"middle\" class=\"axis-title\">\(escape(x.title))</text>\n"
        if let y, let yMapping {
            for tick in y.ticks ?? yMapping.ticks() {
                let py = frame.top + (1 - yMapping.fraction(tick.value)) * frame.plotHeight
                svg += "<line x1=\"\(coordinate(frame.left))\" y1=\"\(coordinate(py))\" x2=\"\(coordinate(frame.left + frame.plotWidth))\" y2=\"\(coordinate(py))\" class=\"grid\"/>\n"
                svg += "<text x=\"\(coordinate(frame.left - 6))\" y=\"\(coordinate(py + 4))\" text-anchor=\"end\" class=\"tick\">\(escape(tick.label))</text>\n"
            }
            let middle = frame.top + frame.plotHeight / 2
            svg += "<text x=\"14\" y=\"\(coordinate(middle))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(coordinate(middle)))\" class=\"axis-title\">\(escape(y.title))</text>\n"
        }
        svg += "<rect x=\"\(coordinate(frame.left))\" y=\"\(coordinate(frame.top))\" width=\"\(coordinate(frame.plotWidth))\" height=\"\(coordinate(frame.plotHeight))\" class=\"frame\"/>\n"
        return svg
    }

    /// One line under the title: a swatch and the name of each series, left to right.
    private static func legend(_ entries: [(name: String, color: String)], frame: Frame) -> String {
        var svg = ""
        var x = frame.left
        for entry in entries {
            svg += "<rect x=\"\(coordinate(x))\" y=\"27\" width=\"10\" height=\"10\" fill=\"\(escape(entry.color))\"/>"
            svg += "<text x=\"\(coordinate(x + 14))\" y=\"36\" class=\"legend\">\(escape(entry.name))</text>\n"
            x += Double(entry.name.count) * 6.5 + 30
        }
        return svg
    }

    // MARK: Numbers and text

    /// The round step (1, 2 or 5 times a power of ten) at or above `rough`.
    package static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, log10(rough).rounded(.down))
        for multiple in [1.0, 2, 5, 10] where multiple * power >= rough * 0.999 { return multiple * power }
        return 10 * power
    }

    /// A short label: `0.05`, `2.5`, `120`, `15k`, `1.2M`.
    public static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        func trimmed(_ text: String) -> String {
            guard text.contains(".") else { return text }
            var text = text
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        if magnitude >= 1_000_000 { return trimmed(String(format: "%.1f", value / 1_000_000)) + "M" }
        if magnitude >= 10_000 { return trimmed(String(format: "%.0f", value / 1_000)) + "k" }
        if magnitude >= 1_000 { return trimmed(String(format: "%.1f", value / 1_000)) + "k" }
        if magnitude >= 10 || magnitude == 0 { return trimmed(String(format: "%.0f", value)) }
        if magnitude >= 1 { return trimmed(String(format: "%.1f", value)) }
        return trimmed(String(format: "%.3g", value))
    }

    static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { XMLText.escape(text, isAttribute: true) }
}
