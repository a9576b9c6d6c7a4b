import XCTest
import FeatureMaps
import FeatureMapsEngine

/// Grad-CAM and saliency on the real ImageNet weights put the heat on the animal. "On the animal"
/// is a bounding box in the 224x224 network input (the photo resized without cropping), read off
/// the photo by eye, drawn over it and checked by eye once:
///   cat.png (512x341): the whole cat, ears to the bottom edge, without the blurred tail at the right:
///     x 22...160, y 20...223 (in the photo: x 50...366, y 30...339).
///   parrot.jpg (512x929): the macaw's head and body down to its feet, without the long tail:
///     x 61...203, y 24...145 (in the photo: x 140...464, y 100...601).
/// Checks: the peak of the upsampled Grad-CAM lies in the box; the mean Grad-CAM heat inside the
/// box is at least twice the mean outside (measured: cat 2.5, parrot 3.5); for the parrot, the mean
/// saliency inside is at least 1.3 times the mean outside (measured 1.55; 1 would be no preference:
/// pixel gradients also light up textured background, e.g. the plants at the lower left).
final class RealPhotoExplainTests: XCTestCase {
    struct Box {
        let x: ClosedRange<Int>, y: ClosedRange<Int>
        func contains(_ p: Int, width: Int) -> Bool { x.contains(p % width) && y.contains(p / width) }
    }

    func testGradCAMPeaksOnTheCat() throws {
        try check("cat.png", expectedClass: 285, box: Box(x: 22...160, y: 20...223), saliency: false)
    }

    func testGradCAMAndSaliencyPutTheHeatOnTheParrot() throws {
        try check("parrot.jpg", expectedClass: 88, box: Box(x: 61...203, y: 24...145), saliency: true)
    }

    private func check(_ photo: String, expectedClass: Int, box: Box, saliency: Bool) throws {
        let session = try Session.open(weightsFlag: try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5"))
        let image = try session.prepare(imageAt: try Fixtures.sharedFile("images/" + photo))
        let e = try GraphGradient(graph: session.graph).explain(
            [NDArray(image.tensor)], class: .top1, gradCAMLayer: "out_relu", saliency: saliency)
        XCTAssertEqual(e.classIndex, expectedClass, "\(photo): top-1 class")
        let heat = try XCTUnwrap(e.gradCAM).heatmap(height: 224, width: 224)
        let peak = heat.indices.max { heat[$0] < heat[$1] }!
        print("\(photo): Grad-CAM peak at x \(peak % 224), y \(peak / 224)")
        XCTAssert(box.contains(peak, width: 224), "\(photo): Grad-CAM peak at x \(peak % 224), y \(peak / 224) is off the animal")
        assertConcentrated(heat, box, at: 2, "\(photo) Grad-CAM")
        if let s = e.saliency { assertConcentrated(s.values, box, at: 1.3, "\(photo) saliency") }
    }

    private func assertConcentrated(_ values: [Float], _ box: Box, at least: Float, _ what: String) {
        var inside: [Float] = [], outside: [Float] = []
        for (p, v) in values.enumerated() {
            if box.contains(p, width: 224) { inside.append(v) } else { outside.append(v) }
        }
        let ratio = (inside.reduce(0, +) / Float(inside.count)) / (outside.reduce(0, +) / Float(outside.count))
        print("\(what): mean inside the box / mean outside = \(ratio)")
        XCTAssertGreaterThanOrEqual(ratio, least, "\(what): the heat is not concentrated on the animal")
    }
}
