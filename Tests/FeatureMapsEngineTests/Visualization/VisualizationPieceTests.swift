import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Each piece of feature visualization's pipeline and its backward: the Fourier image against a
/// direct double-precision inverse DFT, every backward against central finite differences of
/// L = sum u * piece(x) (GradientCheck's step and tolerance), on tiny odd and even sizes.
final class VisualizationPieceTests: XCTestCase {
    /// Central differences of L(x) = sum u * f(x) at the given indices vs `backward`(u).
    func checkBackward(
        _ what: String, x: [Float], indices: [Int], u: [Float], forward f: ([Float]) -> [Float], backward: [Float], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        func loss(_ x: [Float]) -> Double { zip(u, f(x)).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let scale = max(1, Double(backward.map(abs).max()!))
        for i in indices {
            var plus = x, minus = x
            plus[i] += GradientCheck.step
            minus[i] -= GradientCheck.step
            let fd = (loss(plus) - loss(minus)) / Double(plus[i] - minus[i])
            XCTAssertEqual(Double(backward[i]), fd, accuracy: GradientCheck.tolerance * scale, "\(what) [\(i)]", file: file, line: line)
        }
    }

    func testFourierImageIsTheInverseRealDFTOfTheScaledSpectrum() {
        var rng = SplitMix64(seed: 1201)
        for (h, w) in [(5, 6), (4, 7), (1, 1), (6, 4)] {
            let f = FourierImage(height: h, width: w, channels: 2)
            let k = w / 2 + 1
            XCTAssertEqual(f.parameterCount, 2 * 2 * h * k)
            let p = rng.floats(f.parameterCount)
            let image = f.image(p)
            for c in 0..<2 {
                for y in 0..<h {
                    for x in 0..<w {
                        var s = 0.0
                        for ky in 0..<h {
                            for kx in 0..<k {
                                let fy = Double(ky < (h + 1) / 2 ? ky : ky - h) / Double(h), fx = Double(kx) / Double(w)
                                let scale = 1 / max((fy * fy + fx * fx).squareRoot(), 1 / Double(max(h, w)))
                                let weight: Double = kx == 0 || (w % 2 == 0 && kx == w / 2) ? 1 : 2
                                let re = Double(p[((c * 2) * h + ky) * k + kx]), im = Double(p[((c * 2 + 1) * h + ky) * k + kx])
                                let a = 2 * Double.pi * (Double(ky * y) / Double(h) + Double(kx * x) / Double(w))
                                s += weight * scale * (re * cos(a) - im * sin(a))
                            }
                        }
                        s /= 4 * Double(h * w).squareRoot()
                        XCTAssertEqual(Double(image[(y * w + x) * 2 + c]), s, accuracy: 1e-4 * max(1, abs(s)), "\(h)x\(w) c\(c) (\(y), \(x))")
                    }
                }
            }
            let u = rng.floats(h * w * 2)
            checkBackward("fourier \(h)x\(w)", x: p, indices: Array(p.indices), u: u, forward: f.image, backward: f.backward(u))
        }
    }

    func testValidRGBBackward() {
        var rng = SplitMix64(seed: 1202)
        for channels in [3, 1] {
            let t = rng.floats(4 * channels, scale: 2)
            let u = rng.floats(t.count)
            let s = ValidRGB.forward(t, channels: channels)
            XCTAssertTrue(s.pixels.allSatisfy { $0 > 0 && $0 < 255 })
            checkBackward(
                "validRGB \(channels)", x: t, indices: Array(t.indices), u: u.map { $0 / 255 },
                forward: { ValidRGB.forward($0, channels: channels).pixels },
                backward: ValidRGB.backward(u.map { $0 / 255 }, sigmoid: s.sigmoid, channels: channels))
        }
        // Lucid's matrix over its largest column norm: that column has norm 1.
        let m = ValidRGB.decorrelation
        XCTAssertEqual(Double((0..<3).map { m[$0 * 3] * m[$0 * 3] }.reduce(0, +)), 1, accuracy: 1e-6)
    }

    func testRandomTransformIdentityAndBackward() {
        var rng = SplitMix64(seed: 1203)
        let (h, w, c) = (5, 6, 2)
        let x = rng.floats(h * w * c)
        XCTAssertEqual(RandomTransform.identity.forward(x, height: h, width: w, channels: c, background: 9), x)
        var gen = SeededGenerator(seed: 7)
        for _ in 0..<3 {
            let t = RandomTransform.random(jitter: 1.5, scaleRange: 0.2, degrees: 15, &gen)
            XCTAssertNotEqual(t.forward(x, height: h, width: w, channels: c, background: 0), x)
            let u = rng.floats(x.count)
            checkBackward(
                "transform \(t)", x: x, indices: Array(x.indices), u: u,
                forward: { t.forward($0, height: h, width: w, channels: c, background: 0.5) },
                backward: t.backward(u, height: h, width: w, channels: c))
        }
        // A shift by one whole pixel moves the image by one column; the new column is background.
        let shifted = RandomTransform(scale: 1, angle: 0, shiftY: 0, shiftX: 1).forward(x, height: h, width: w, channels: c, background: 9)
        XCTAssertEqual(shifted[0], 9)
        XCTAssertEqual(shifted[c], x[0], accuracy: 1e-6)
    }

    func testPixelPreprocessingMatchesApplyAndItsBackward() {
        var rng = SplitMix64(seed: 1204)
        let bytes = (0..<(3 * 4 * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for mode in Preprocessing.allCases {
            let reference = mode.apply(pixels: bytes, width: 4, height: 3, channels: 3).data
            let ours = mode.forward(pixels: bytes.map(Float.init), channels: 3)
            for i in reference.indices { XCTAssertEqual(ours[i], reference[i], accuracy: 1e-4 * max(1, abs(reference[i])), "\(mode) [\(i)]") }
            let x = bytes.map(Float.init), u = rng.floats(x.count)
            checkBackward(
                "\(mode)", x: x, indices: Array(x.indices), u: u, forward: { mode.forward(pixels: $0, channels: 3) },
                backward: mode.backward(u, channels: 3))
        }
    }

    func testAdamAscends() {
        // f(p) = -(p - 3)^2: ascent reaches 3.
        var adam = Adam(count: 1, learningRate: 0.1)
        var p: [Float] = [0]
        for _ in 0..<300 { adam.ascend(&p, gradient: [-2 * (p[0] - 3)]) }
        XCTAssertEqual(p[0], 3, accuracy: 0.05)
    }

    func testSeededGeneratorIsSplitMix64() {
        // The reference sequence of SplitMix64 from seed 0 (Vigna's splitmix64.c, as Java's
        // SplittableRandom and numpy's SeedSequence tests quote it).
        var ours = SeededGenerator(seed: 0)
        XCTAssertEqual((0..<3).map { _ in ours.next() }, [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var g = SeededGenerator(seed: 3)
        let normals = (0..<4000).map { _ in g.normal() }
        let mean = normals.reduce(0, +) / 4000, variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4000
        XCTAssertEqual(mean, 0, accuracy: 0.06)
        XCTAssertEqual(variance, 1, accuracy: 0.08)
    }
}
