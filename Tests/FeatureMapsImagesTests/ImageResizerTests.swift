import FeatureMapsImages
import Foundation
import XCTest

final class ImageResizerTests: XCTestCase {
    /// `pattern(W, H).resize((w, h), Image.BILINEAR)` from Pillow 13. The resizer reproduces
    /// Pillow's fixed-point arithmetic and pass order, so the contract is exact equality.
    /// 120x217 -> 56x56 takes Pillow 13's vertical-first order; the others horizontal-first.
    func testMatchesPillowBilinear() throws {
        let cases = [
            ((300, 200), (224, 224)), ((97, 61), (40, 30)), ((31, 23), (50, 45)),
            ((64, 48), (64, 20)), ((50, 50), (13, 77)), ((120, 217), (56, 56)),
        ]
        for ((sw, sh), (dw, dh)) in cases {
            let name = "resize_\(sw)x\(sh)_to_\(dw)x\(dh)"
            let resized = ImageResizer.resizeBilinear(FixtureFiles.pattern(width: sw, height: sh), width: dw, height: dh)
            let worst = assertImagesClose(resized, try FixtureFiles.npyImage("\(name).npy"), tolerance: 0, name)
            print("\(name): max |Swift - Pillow| = \(worst)")
        }
    }

    func testSameSizeIsAnExactCopy() {
        let image = FixtureFiles.pattern(width: 224, height: 224)
        XCTAssertEqual(ImageResizer.resizeBilinear(image, width: 224, height: 224), image)
    }

    /// The fast passes against the loop-for-loop twin over awkward shapes: 1-pixel axes,
    /// one axis unchanged, extreme ratios, up and down at once, prime sizes, both pass orders
    /// and the order rule's boundary (30x50 -> 20x30: height shrinks by exactly twice as much).
    func testFastPassesMatchReferenceTwin() {
        let shapes = [
            ((1, 1), (1, 1)), ((1, 1), (5, 3)), ((7, 1), (2, 1)), ((1, 9), (1, 4)), ((5, 3), (17, 2)),
            ((1000, 3), (3, 3)), ((3, 1000), (3, 7)), ((7, 7), (7, 3)), ((7, 7), (3, 7)), ((13, 11), (26, 5)),
            ((97, 61), (224, 224)), ((224, 224), (97, 61)), ((2, 2), (1, 1)), ((255, 1), (256, 1)),
            ((10, 100), (9, 20)), ((40, 90), (60, 30)), ((33, 99), (30, 40)), ((33, 99), (29, 40)),
            ((30, 50), (20, 30)),
        ]
        for ((sw, sh), (dw, dh)) in shapes {
            let source = FixtureFiles.pattern(width: sw, height: sh)
            assertImagesClose(
                ImageResizer.resizeBilinear(source, width: dw, height: dh),
                ReferenceResize.resize(source, width: dw, height: dh), tolerance: 0,
                "\(sw)x\(sh) -> \(dw)x\(dh)")
        }
    }

    func testConstantImageStaysConstant() {
        let grey = RGBImage(width: 123, height: 77, fill: (200, 17, 255))
        XCTAssertEqual(
            ImageResizer.resizeBilinear(grey, width: 31, height: 90),
            RGBImage(width: 31, height: 90, fill: (200, 17, 255)))
    }

    /// Opt-in timing (FEATUREMAPS_BENCH=1, meaningful with `-c release`): a 4000x3000 photo-sized
    /// image to 224x224, best of 5.
    func testLargeDownscaleTiming() throws {
        try XCTSkipUnless(
            ProcessInfo.processInfo.environment["FEATUREMAPS_BENCH"] == "1",
            "set FEATUREMAPS_BENCH=1 to time the 4000x3000 -> 224x224 resize")
        let source = FixtureFiles.pattern(width: 4000, height: 3000)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let out = ImageResizer.resizeBilinear(source, width: 224, height: 224)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            XCTAssertEqual(out.width, 224)
        }
        print(String(format: "4000x3000 -> 224x224 bilinear: best of 5 = %.1f ms", best))
    }
}
