@testable import FeatureMapsRender
import FeatureMapsEngine
import FeatureMapsImages
import XCTest

final class OverviewRendererTests: XCTestCase {
    private let input: RGBImage = {
        var pixels = [UInt8]()
        for y in 0..<224 {
            for x in 0..<224 { pixels += [UInt8(x), UInt8(y), 128] }
        }
        return RGBImage(width: 224, height: 224, pixels: pixels)
    }()

    private let predictions = [
        OverviewPrediction(label: "Egyptian cat", probability: 0.778),
        OverviewPrediction(label: "tabby", probability: 0.115),
        OverviewPrediction(label: "tiger cat", probability: 0.052),
        OverviewPrediction(label: "lynx", probability: 0.01),
    ]

    private var rows: [OverviewRow] {
        [
            OverviewRow(layerName: "Conv1_relu", map: TestTensors.mixed(112, 112, 8)),
            OverviewRow(
                layerName: "block_1_conv1", resolvedName: "block_1_expand_relu",
                map: TestTensors.mixed(56, 56, 9), selection: .strongest(6)),
            OverviewRow(layerName: "out_relu", map: TestTensors.mixed(7, 7, 4)),
        ]
    }

    func testInputIsDrawnUnchangedBelowTheTitle() throws {
        let image = try OverviewRenderer.render(input: input, predictions: predictions, rows: rows, title: "cat.png")
        let canvas = Canvas(image: image)
        let top = Style.margin + Font.height(scale: 2) + Style.sectionGap
        for (x, y) in [(0, 0), (223, 0), (17, 101), (223, 223)] {
            XCTAssertEqual(canvas.pixel(x: Style.margin + x, y: top + y), RGB(UInt8(x), UInt8(y), 128))
        }
    }

    func testSizeFollowsRows() throws {
        let none = try OverviewRenderer.render(input: input, predictions: [], rows: [], title: "t")
        XCTAssertEqual(none.width, 2 * Style.margin + 224 + 0)
        let full = try OverviewRenderer.render(input: input, predictions: predictions, rows: rows)
        // Rows: 6 tiles of 112 px at most, after the widest label ("= block_1_expand_relu", 125 px).
        XCTAssertEqual(full.width, 2 * Style.margin + 125 + Style.sectionGap + 6 * 112 + 5 * Style.tileGapX)
        let rowHeights = 3 * (Style.textBlockHeight(lines: 1) + Style.titleGap + 112)
        XCTAssertGreaterThan(full.height, none.height + rowHeights)
    }

    func testRowsClampAndValidateSelections() throws {
        let small = OverviewRow(layerName: "tiny", map: TestTensors.mixed(7, 7, 2))
        XCTAssertNoThrow(try OverviewRenderer.render(input: input, predictions: predictions, rows: [small]))
        let bad = OverviewRow(layerName: "tiny", map: TestTensors.mixed(7, 7, 2), selection: .list([5]))
        XCTAssertThrowsError(try OverviewRenderer.render(input: input, predictions: predictions, rows: [bad])) {
            XCTAssertEqual($0 as? RenderError, .channelOutOfRange(channel: 5, layer: "tiny", channelCount: 2))
        }
    }

    func testOverviewIsDeterministic() throws {
        let a = try OverviewRenderer.render(input: input, predictions: predictions, rows: rows, title: "t")
        let b = try OverviewRenderer.render(input: input, predictions: predictions, rows: rows, title: "t")
        XCTAssertEqual(a, b)
    }
}
