import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ConformanceKit

@Suite struct SVGChartTests {
    @Test func logarithmicAxesSpanWholeDecades() {
        let mapping = SVGChart.Mapping(values: [0.7, 45], axis: SVGChart.Axis("ms", scale: .logarithmic))
        #expect(mapping.lower == 0.1)
        #expect(mapping.upper == 100)
        #expect(abs(mapping.fraction(10) - 2.0 / 3.0) < 1e-9)
        #expect(mapping.fraction(0) == 0, "zero and below sit at the lower end")
        #expect(mapping.fraction(1_000) == 1, "clamped")
        #expect(mapping.ticks().map(\.label) == ["0.1", "1", "10", "100"])
        let narrow = SVGChart.Mapping(values: [2, 30], axis: SVGChart.Axis("ms", scale: .logarithmic))
        #expect(narrow.ticks().map(\.label) == ["1", "2", "5", "10", "20", "50", "100"])
    }

    @Test func linearAxesEndOnARoundStep() {
        let mapping = SVGChart.Mapping(values: [3, 37], axis: SVGChart.Axis("n"))
        #expect(mapping.lower == 0)
        #expect(mapping.upper == 40)
        #expect(mapping.fraction(20) == 0.5)
        #expect(mapping.ticks().map(\.value) == [0, 10, 20, 30, 40])
        let explicit = SVGChart.Mapping(values: [0.3, 2], axis: SVGChart.Axis("p", ticks: [SVGChart.Tick(3.6, "max")]))
        #expect(explicit.upper == 3.6, "explicit ticks widen the range and keep their ends")
    }

    @Test(arguments: [(0.3, 0.5), (7.0, 10.0), (1.0, 1.0), (1.2, 2.0), (2_100.0, 5_000.0)])
    func niceStepsAreOneTwoOrFiveTimesAPowerOfTen(rough: Double, step: Double) {
        #expect(abs(SVGChart.niceStep(rough) - step) < 1e-9)
    }

    @Test func numbersAreShort() {
        #expect([0, 0.05, 0.125, 2.5, 12, 120, 1_500, 15_000, 1_200_000].map(SVGChart.number) == ["0", "0.05", "0.125", "2.5", "12", "120", "1.5k", "15k", "1.2M"])
    }

    @Test func aLineChartPlacesItsPointsInsideTheFrame() throws {
        let svg = SVGChart.lines(
            title: "rate", x: SVGChart.Axis("s"), y: SVGChart.Axis("n"),
            series: [SVGChart.Series("a", color: "#000", points: [SVGChart.Point(0, 0), SVGChart.Point(10, 100)])])
        // Frame 640 × 300, plot from (64, 34) to (620, 256).
        #expect(svg.contains("d=\"M64.0 256.0 L620.0 34.0\""))
        let document = try XMLDocument(xmlString: svg)
        #expect(try document.nodes(forXPath: "/*/@viewBox").first?.stringValue == "0 0 640 300")
        #expect(try document.nodes(forXPath: "//*[local-name()='path']").count == 1)
        #expect(try document.nodes(forXPath: "//*[local-name()='text'][@class='legend']").isEmpty, "one series: no legend")
    }

    @Test func markersAndLegendAreDrawnAndEveryLabelEscaped() throws {
        let svg = SVGChart.lines(
            title: "<t&>", x: SVGChart.Axis("x\"", ticks: [SVGChart.Tick(0, "<0>"), SVGChart.Tick(2, "2")]), y: SVGChart.Axis("y", scale: .logarithmic),
            series: [
                SVGChart.Series("<a>", color: "#111", points: [SVGChart.Point(0, 1), SVGChart.Point(2, 100)], hasDots: true),
                SVGChart.Series("b", color: "#222", points: [SVGChart.Point(1, 10)]),
            ],
            markers: [SVGChart.Marker(SVGChart.Point(1, 10), label: "p99 <10> ms", color: "#333")])
        let document = try XMLDocument(xmlString: svg)
        let texts = try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("<t&>"))
        #expect(texts.contains("<0>"))
        #expect(texts.contains("p99 <10> ms"))
        #expect(texts.contains("<a>") && texts.contains("b"), "a legend with both series")
        #expect(try document.nodes(forXPath: "//*[local-name()='circle']").count == 3, "two dots and one marker")
        // y: 1 and 100 span 1...100; the marker at 10 sits halfway up the plot, which starts under the
        // legend (50 + 206 / 2 = 153).
        #expect(svg.contains("<circle cx=\"342.0\" cy=\"153.0\" r=\"4\""))
    }

    @Test func barsStartAtTheirOriginOnEitherSide() throws {
        let svg = SVGChart.bars(
            title: "ratios", axis: SVGChart.Axis("ratio", scale: .logarithmic),
            bars: [SVGChart.Bar("better", value: 10, color: "#0a0"), SVGChart.Bar("worse", value: 0.1, color: "#a00")],
            origin: 1, originLabel: "1×")
        let document = try XMLDocument(xmlString: svg)
        let rects = try document.nodes(forXPath: "//*[local-name()='rect'][not(@class)]")
        #expect(rects.count == 2)
        // Attributes through XPath: the SVG namespace hides them from attribute(forName:).
        func number(_ node: XMLNode, _ name: String) -> Double { Double((try? node.nodes(forXPath: "@" + name).first?.stringValue) ?? "") ?? -1 }
        // Axis 0.1...10: the origin 1 is the middle; "better" runs right of it, "worse" left, the same length.
        let origin = number(rects[0], "x")
        #expect(abs(number(rects[1], "x") + number(rects[1], "width") - origin) < 0.2)
        #expect(abs(number(rects[0], "width") - number(rects[1], "width")) < 0.2)
        #expect(try document.nodes(forXPath: "//*[local-name()='text'][@class='value']").compactMap(\.stringValue) == ["10", "0.1"])
        #expect(svg.contains("stroke-dasharray"), "the origin line")
    }
}
