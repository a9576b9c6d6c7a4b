import XCTest
import FeatureMapsEngine
import FeatureMapsImages
@testable import FeatureMapsRender

/// The explain pictures, pixel by pixel, on hand-made maps. Expected jet colours are literals read
/// from matplotlib 3.11.2 (`matplotlib.colormaps["jet"](i, bytes=True)`), not from JetTable.swift.
final class ExplainRendererTests: XCTestCase {
    let jetFromMatplotlib: [(index: Int, rgb: [UInt8])] = [
        (0, [0, 0, 127]), (1, [0, 0, 132]), (32, [0, 0, 255]), (64, [0, 128, 255]), (96, [21, 255, 225]),
        (100, [34, 255, 212]), (128, [124, 255, 121]), (160, [228, 255, 18]), (192, [255, 148, 0]),
        (224, [255, 29, 0]), (254, [132, 0, 0]), (255, [127, 0, 0]),
    ]
    let explained = ExplainedClass(index: 88, label: "macaw", wordNetID: "n01818515", probability: 0.9, logit: 12, rank: 1)

    func testJetMatchesMatplotlib() {
        for (index, rgb) in jetFromMatplotlib {
            let c = Colormap.jet.color(atIndex: index)
            XCTAssertEqual([c.r, c.g, c.b], rgb, "jet index \(index)")
        }
        // matplotlib: jet(0.25), jet(0.5), jet(0.75), jet(1.0), jet(-0.2), jet(1.3) with bytes=True.
        for (t, rgb) in [
            (0.25, [0, 128, 255]), (0.5, [124, 255, 121]), (0.75, [255, 148, 0]), (1.0, [127, 0, 0]),
            (-0.2, [0, 0, 127]), (1.3, [127, 0, 0]),
        ] as [(Double, [UInt8])] {
            let c = Colormap.jet.color(unit: t)
            XCTAssertEqual([c.r, c.g, c.b], rgb, "jet(\(t))")
        }
    }

    /// numpy.percentile([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], [0, 50, 99, 100, 37.5]) = [1, 4, 8.7, 9, 3].
    func testPercentileMatchesNumPy() {
        let v: [Float] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
        for (p, expected) in [(0.0, 1.0), (50, 4), (99, 8.7), (100, 9), (37.5, 3)] as [(Double, Float)] {
            XCTAssertEqual(ExplainRenderer.percentile(v, p), expected, accuracy: 1e-5, "p\(p)")
        }
        XCTAssertEqual(ExplainRenderer.percentile([], 99), 0)
    }

    /// A 4x4 map (channel 0 weight 1, channel 1 weight -0.5): panel 1 shows ReLU(map) cell by cell,
    /// panel 2 the bilinear heat map blended at opacity 0.5 over a grey input.
    func testGradCAMPanels() throws {
        let a = TestTensors.make(4, 4, 2) { y, x, c in c == 1 ? 2 : (y == 1 && x == 2 ? 5 : Float(x)) }
        let g = TestTensors.make(4, 4, 2) { _, _, c in c == 0 ? 1 : -0.5 }
        let cam = GradCAM(layer: "out_relu", activation: a, gradient: g)
        XCTAssertEqual(cam.map[1 * 4 + 2], 4)  // 5 * 1 + 2 * -0.5
        XCTAssertEqual(cam.map[0], -1)
        let input = RGBImage(width: 32, height: 32, fill: (100, 100, 100))
        let picture = try ExplainRenderer.gradCAM(cam, input: input, explained: explained, classes: 1000, title: "grey.png")
        XCTAssertEqual(picture.panels.count, 3)
        let image = Canvas(image: picture.image)
        let (inputPanel, mapPanel, overlayPanel) = (picture.panels[0], picture.panels[1], picture.panels[2])
        XCTAssertEqual(image.pixel(x: inputPanel.x + 5, y: inputPanel.y + 7), RGB(grey: 100))
        for y in 0..<32 {
            for x in 0..<32 {
                let value = max(cam.map[(y / 8) * 4 + x / 8], 0) / 4
                let expected = Colormap.jet.rgb(atIndex: Viridis.index(unit: Double(value)))
                XCTAssertEqual(image.pixel(x: mapPanel.x + x, y: mapPanel.y + y), expected, "map panel (\(x), \(y))")
            }
        }
        XCTAssertEqual(image.pixel(x: mapPanel.x + 20, y: mapPanel.y + 12), RGB(127, 0, 0), "peak cell: jet's last colour")
        XCTAssertEqual(image.pixel(x: mapPanel.x + 3, y: mapPanel.y + 3), RGB(0, 0, 127), "negative cell: jet's first colour")
        let heat = cam.heatmap(height: 32, width: 32)
        for p in stride(from: 0, to: 32 * 32, by: 7) {
            let c = Colormap.jet.color(unit: Double(heat[p] / 4))
            let expected = [c.r, c.g, c.b].map { UInt8((0.5 * 100 + 0.5 * Double($0)).rounded()) }
            let actual = image.pixel(x: overlayPanel.x + p % 32, y: overlayPanel.y + p / 32)
            XCTAssertEqual([actual.r, actual.g, actual.b], expected, "overlay pixel \(p)")
        }
    }

    /// A map <= 0 everywhere is drawn in jet's first colour, without dividing by zero.
    func testGradCAMWithNoPositiveEvidence() throws {
        let a = TestTensors.make(3, 3, 1) { _, _, _ in 1 }
        let cam = GradCAM(layer: "out_relu", activation: a, gradient: TestTensors.make(3, 3, 1) { _, _, _ in -1 })
        let picture = try ExplainRenderer.gradCAM(
            cam, input: RGBImage(width: 33, height: 33), explained: explained,
            classes: 1000, title: "black.png")
        let image = Canvas(image: picture.image)
        XCTAssertEqual(image.pixel(x: picture.panels[1].x + 16, y: picture.panels[1].y + 16), RGB(0, 0, 127))
        XCTAssertEqual(image.pixel(x: picture.panels[2].x + 16, y: picture.panels[2].y + 16), RGB(0, 0, 64))  // round(127 / 2)
    }

    /// Saliency: 0 -> viridis's first colour; the 99th percentile and above -> its last.
    func testSaliencyPanelScalesToThe99thPercentile() throws {
        let g = TestTensors.make(10, 10, 3) { y, x, c in
            let v = Float(y * 10 + x) / 10  // 0 ... 9.9, largest in channel 1, negative in channel 2
            return c == 1 ? v : (c == 2 ? -v / 2 : v / 4)
        }
        let s = SaliencyMap(inputGradient: g)
        XCTAssertEqual(s.values[37], 3.7, accuracy: 1e-6)
        let p99 = ExplainRenderer.percentile(s.values, 99)
        XCTAssertEqual(p99, 9.801, accuracy: 1e-4)  // numpy.percentile(arange(100) / 10, 99)
        let picture = try ExplainRenderer.saliency(
            s, input: RGBImage(width: 10, height: 10), explained: explained,
            classes: 1000, title: "ramp.png")
        XCTAssertEqual(picture.panels.count, 2)
        let image = Canvas(image: picture.image), panel = picture.panels[1]
        XCTAssertEqual(image.pixel(x: panel.x, y: panel.y), RGB(68, 1, 84))
        XCTAssertEqual(image.pixel(x: panel.x + 9, y: panel.y + 9), RGB(253, 231, 36))
        let mid = Viridis.rgb(atIndex: Viridis.index(unit: Double(s.values[55] / p99)))
        XCTAssertEqual(image.pixel(x: panel.x + 5, y: panel.y + 5), mid)
    }

    /// Channels ordered by gradient x activation, largest first; tiles are the activations in viridis.
    func testTopChannelsGridOrderAndTiles() throws {
        let a = TestTensors.mixed(3, 5, 6)
        let g = TestTensors.make(3, 5, 6) { _, _, c in [0.5, 4, 1, -2, 0.1, 0.3][c] }
        let cam = GradCAM(layer: "block_13_expand_relu", activation: a, gradient: g)
        let expectedOrder = cam.contributions.indices.sorted { cam.contributions[$0] > cam.contributions[$1] }
        let grid = try ExplainRenderer.topChannels(cam, count: 3, columns: 2, explained: explained, classes: 1000, title: "t.png")
        XCTAssertEqual(grid.channels, Array(expectedOrder.prefix(3)))
        XCTAssertEqual(cam.contributions[1], 4 * 7.5, accuracy: 1e-5)  // constant 0.5 over 15 pixels, gradient 4
        let image = Canvas(image: grid.image)
        for (tile, channel) in zip(grid.tiles, grid.channels) {
            let plane = a.plane(channel)
            guard let low = plane.min(), let high = plane.max(), high > low else { continue }
            let darkest = plane.firstIndex(of: low)!, brightest = plane.firstIndex(of: high)!
            XCTAssertEqual(
                image.pixel(x: tile.x + (darkest % 5) * tile.factor, y: tile.y + (darkest / 5) * tile.factor),
                RGB(68, 1, 84), "channel \(channel) minimum")
            XCTAssertEqual(
                image.pixel(x: tile.x + (brightest % 5) * tile.factor, y: tile.y + (brightest / 5) * tile.factor),
                RGB(253, 231, 36), "channel \(channel) maximum")
        }
        XCTAssertThrowsError(
            try ExplainRenderer.topChannels(
                cam, count: 0, columns: 2, explained: explained, classes: 1000,
                title: "t.png"))
        XCTAssertEqual(
            try ExplainRenderer.topChannels(
                cam, count: 50, columns: 4, explained: explained, classes: 1000,
                title: "t.png"
            ).channels.count, 6)
    }
}
