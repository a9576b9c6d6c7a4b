import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The fast max pooling (Layers/MaxPooling2DFast.swift) against the plain loops
/// (Pooling2DLayer.referenceForward): bit-identical (max is exact and the fold is the same) on
/// channel counts 1, 3, 17 and 64, odd sizes, pools 2x2, 3x3 (ResNet50's, stride 2) and 2x3, 'valid'
/// and 'same' padding, several bands, and the same bits on 1 and 3 threads.
final class MaxPooling2DFastTests: XCTestCase {
    func testFastMaxPoolingIsTheReferenceBitForBit() throws {
        var rng = SplitMix64(seed: 64)
        for (h, w) in [(1, 1), (2, 3), (7, 9), (33, 31), (112, 112)] {
            for c in (h == 112 ? [64] : [1, 3, 17]) {
                let x = rng.array(h, w, c, scale: 3)
                for (pool, strides) in [([2, 2], [2, 2]), ([3, 3], [2, 2]), ([3, 3], [1, 1]), ([2, 3], [1, 2])] as [([Int], [Int])] {
                    for padding in [Padding.valid, .same] {
                        let layer = Pooling2DLayer(.max, poolSize: pool, strides: strides, padding: padding)
                        guard (try? layer.outputShape(inputs: [x.shape])) != nil else { continue }
                        let plain = try runLayer(layer, x, kernels: .reference)
                        for threads in [1, 3] {
                            let fast = try runLayer(layer, x, kernels: .fast, threads: threads)
                            XCTAssertEqual(fast.shape, plain.shape)
                            if let i = fast.data.indices.first(where: { fast.data[$0].bitPattern != plain.data[$0].bitPattern }) {
                                XCTFail(
                                    "\(h)x\(w)x\(c) pool \(pool) strides \(strides) \(padding) \(threads) threads: element \(i) \(fast.data[i]) vs \(plain.data[i])"
                                )
                            }
                        }
                    }
                }
            }
        }
    }
}
