@testable import FeatureMapsRender
import FeatureMapsEngine
import XCTest

final class GridRendererTests: XCTestCase {
    private let map = TestTensors.mixed(14, 14, 32)

    private func render(_ spec: GridSpec, map: Tensor? = nil) throws -> RenderedGrid {
        try GridRenderer.render(map ?? self.map, spec: spec)
    }

    /// 14x14 map, 16 tiles of 112 px (factor 8), 4 columns: 4*112 + 3*12 gaps + 2*16 margins
    /// = 516 wide; margins 32 + header 92 + gap 14 + 4 cells of (21 title + 4 + 112) + 3*14 = 728 high.
    func testDefaultGridDimensions() throws {
        let grid = try render(GridSpec(layerName: "x"))
        XCTAssertEqual(grid.image.width, 516)
        XCTAssertEqual(grid.image.height, 728)
        XCTAssertEqual(grid.channels, Array(0..<16))
    }

    func testLayoutForColumnCounts() {
        let cases: [(columns: Int, tiles: Int, usedColumns: Int, rows: Int)] = [
            (1, 16, 1, 16), (3, 16, 3, 6), (4, 16, 4, 4), (5, 16, 5, 4), (8, 16, 8, 2), (20, 16, 16, 1), (4, 3, 3, 1),
        ]
        for (columns, tiles, usedColumns, rows) in cases {
            let layout = GridLayout(
                mapHeight: 14, mapWidth: 14, tileCount: tiles, columns: columns, minTileWidth: 112,
                headerWidth: 100, headerHeight: 50, titleLines: 2)
            XCTAssertEqual(layout.columns, usedColumns, "columns \(columns)")
            XCTAssertEqual(layout.rows, rows, "columns \(columns)")
            XCTAssertEqual(layout.width, 32 + max(100, usedColumns * 112 + (usedColumns - 1) * 12))
            XCTAssertEqual(layout.height, 32 + 50 + 14 + rows * 137 + (rows - 1) * 14)
            let last = layout.tileOrigin(tiles - 1)
            XCTAssertEqual(last.y + 112, layout.height - 16, "last row ends at the bottom margin")
        }
    }

    func testOddSizedMapTiles() throws {
        let grid = try render(GridSpec(layerName: "x", selection: .first(2)), map: TestTensors.mixed(13, 13, 2))
        let layout = GridLayout(
            mapHeight: 13, mapWidth: 13, tileCount: 2, columns: 4, minTileWidth: 112,
            headerWidth: 0, headerHeight: 0, titleLines: 2)
        XCTAssertEqual(layout.tileWidth, 117)
        XCTAssertEqual(layout.tileHeight, 117)
        XCTAssertEqual(grid.image.height, 32 + 92 + 14 + 21 + 4 + 117)
    }

    func testTilesHoldTheChannelColours() throws {
        let grid = try render(GridSpec(layerName: "x", selection: .list([0, 1, 2])))
        let header = GridHeader(
            spec: GridSpec(layerName: "x", selection: .list([0, 1, 2])), map: map,
            selected: SelectedChannels(channels: [0, 1, 2], requested: 3), layerRange: nil)
        let layout = GridLayout(
            mapHeight: 14, mapWidth: 14, tileCount: 3, columns: 4, minTileWidth: 112,
            headerWidth: header.width, headerHeight: header.height, titleLines: 2)
        let canvas = Canvas(image: grid.image)
        let low = Viridis.rgb(atIndex: 0), high = Viridis.rgb(atIndex: 255)
        let ramp = layout.tileOrigin(0)  // channel 0: 0 at the left, 1 at the right
        XCTAssertEqual(canvas.pixel(x: ramp.x, y: ramp.y), low)
        XCTAssertEqual(canvas.pixel(x: ramp.x + 111, y: ramp.y + 111), high)
        let constant = layout.tileOrigin(1)  // channel 1: constant -> lowest colour
        XCTAssertEqual(canvas.pixel(x: constant.x, y: constant.y), low)
        XCTAssertEqual(canvas.pixel(x: constant.x + 111, y: constant.y + 111), low)
        let negative = layout.tileOrigin(2)  // channel 2: -3 at the top, -1 at the bottom
        XCTAssertEqual(canvas.pixel(x: negative.x + 5, y: negative.y), low)
        XCTAssertEqual(canvas.pixel(x: negative.x + 5, y: negative.y + 111), high)
        XCTAssertEqual(canvas.pixel(x: ramp.x - 1, y: ramp.y), Style.background)
    }

    func testLayerModeSharesOneRange() throws {
        // Channel 0 in 0...1, channel 1 constant 0.5: in layer mode the constant is mid-colour.
        let spec = GridSpec(layerName: "x", selection: .first(2), normalization: .layer)
        let grid = try render(spec)
        let header = GridHeader(
            spec: spec, map: map, selected: SelectedChannels(channels: [0, 1], requested: 2),
            layerRange: ValueRange(low: 0, high: 1))
        XCTAssertEqual(header.colorBar, ColorBar(lowLabel: "0", highLabel: "1"))
        let layout = GridLayout(
            mapHeight: 14, mapWidth: 14, tileCount: 2, columns: 4, minTileWidth: 112,
            headerWidth: header.width, headerHeight: header.height, titleLines: 2)
        let corner = layout.tileOrigin(1)
        XCTAssertEqual(Canvas(image: grid.image).pixel(x: corner.x, y: corner.y), Viridis.rgb(atIndex: 128))
        XCTAssertEqual(grid.notes, [.constantChannels(layer: "x", channels: [1])])
    }

    func testNotesReportClampingConstantsAndEmptyLayerRange() throws {
        let flat = TestTensors.constants(7, 7, [2.5, 2.5])
        let grid = try render(GridSpec(layerName: "flat", normalization: .layer), map: flat)
        XCTAssertEqual(grid.channels, [0, 1])
        XCTAssertEqual(
            grid.notes,
            [
                .clamped(layer: "flat", requested: 16, available: 2),
                .constantChannels(layer: "flat", channels: [0, 1]),
                .degenerateLayerRange(layer: "flat", value: 2.5),
            ])
        XCTAssertEqual(grid.notes[0].description, "flat has 2 channels, fewer than the 16 asked for; showing all 2")
    }

    func testStrongestSelectionOrdersTiles() throws {
        let grid = try render(GridSpec(layerName: "x", selection: .strongest(3)))
        XCTAssertEqual(grid.channels, [31, 30, 29])
    }

    func testRejectsBadSpecs() {
        XCTAssertThrowsError(try render(GridSpec(layerName: "x", columns: 0))) {
            XCTAssertEqual($0 as? RenderError, .columnsNotPositive(0))
        }
        XCTAssertThrowsError(try render(GridSpec(layerName: "x", minTileWidth: 0))) {
            XCTAssertEqual($0 as? RenderError, .tileWidthNotPositive(0))
        }
        XCTAssertThrowsError(try render(GridSpec(layerName: "x", selection: .list([32])))) {
            XCTAssertEqual($0 as? RenderError, .channelOutOfRange(channel: 32, layer: "x", channelCount: 32))
        }
        XCTAssertThrowsError(
            try render(
                GridSpec(
                    layerName: "x", selection: .first(32), columns: 1,
                    minTileWidth: 5000))
        ) {
            guard case .imageTooLarge = $0 as? RenderError else { return XCTFail("\($0)") }
        }
    }

    func testRenderingIsDeterministic() throws {
        let specs = [
            GridSpec(layerName: "a = b"),
            GridSpec(layerName: "x", resolvedName: "y", selection: .strongest(7), normalization: .layer, columns: 3),
        ]
        for spec in specs {
            XCTAssertEqual(try render(spec), try render(spec))
        }
    }

    func testAliasHeaderNamesBothLayers() {
        XCTAssertEqual(
            GridSpec(layerName: "block_1_conv1", resolvedName: "block_1_expand_relu").displayName,
            "block_1_conv1 = block_1_expand_relu")
        XCTAssertEqual(GridSpec(layerName: "Conv1", resolvedName: "Conv1").displayName, "Conv1")
    }

    func testSingleValueMapsAreNotReportedConstant() throws {
        let vector = TestTensors.constants(1, 1, [0.5, 2, -1])
        let grid = try render(GridSpec(layerName: "pool", normalization: .layer), map: vector)
        XCTAssertEqual(grid.notes, [.clamped(layer: "pool", requested: 16, available: 3)])
        XCTAssertEqual(grid.image.width, 2 * Style.margin + 3 * 112 + 2 * Style.tileGapX)
    }

    func testTileTitlesShowRangeAndMean() {
        let stats = ChannelStatistics(min: -2.891, max: -1.59, mean: 2.345, finiteCount: 4)
        let cell = TileCell(channel: 4, statistics: stats, range: ValueRange(stats), showMean: true)
        XCTAssertEqual(
            cell.gridTitle,
            [
                TitleLine(
                    .init(left: "ch 4", right: "mean 2.35"), .init(left: "ch 4", right: "2.35"),
                    .init(left: "ch 4")),
                TitleLine(.init(left: "-2.89 to -1.59"), .init(left: "-2.89..-1.59")),
            ])
        let plain = TileCell(channel: 0, statistics: stats, range: ValueRange(stats), showMean: false)
        XCTAssertEqual(plain.firstTitleLine, TitleLine(.init(left: "ch 0")))
    }
}
