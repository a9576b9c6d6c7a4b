import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Pooling, global pooling, padding, cropping, upsampling, Flatten, Reshape, Permute and the
/// inference identities: naive references written with explicit padding, hand values, configs.
final class PoolingAndReshapingTests: XCTestCase {
    /// Pooling the long way: pad with NaN markers (TensorFlow's amounts), then skip them.
    func naivePool(_ x: NDArray, pool: [Int], strides: [Int], same: Bool, max isMax: Bool) -> NDArray {
        let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2])
        func pads(_ n: Int, _ k: Int, _ s: Int) -> (Int, Int) {
            guard same else { return (0, 0) }
            let out = (n + s - 1) / s, total = max(0, (out - 1) * s + k - n)
            return (total / 2, total - total / 2)
        }
        let (t, b) = pads(h, pool[0], strides[0]), (l, r) = pads(w, pool[1], strides[1])
        let oh = (h + t + b - pool[0]) / strides[0] + 1, ow = (w + l + r - pool[1]) / strides[1] + 1
        var out = NDArray(shape: [oh, ow, c])
        for y in 0..<oh {
            for xx in 0..<ow {
                for ch in 0..<c {
                    var cells: [Float] = []
                    for i in 0..<pool[0] {
                        for j in 0..<pool[1] {
                            let iy = y * strides[0] + i - t, ix = xx * strides[1] + j - l
                            if iy >= 0 && iy < h && ix >= 0 && ix < w { cells.append(x[iy, ix, ch]) }
                        }
                    }
                    out[y, xx, ch] = isMax ? cells.max()! : Float(cells.map(Double.init).reduce(0, +) / Double(cells.count))
                }
            }
        }
        return out
    }

    func testPoolingMatchesNaive() throws {
        var rng = SplitMix64(seed: 61)
        let x = rng.array(17, 13, 5)
        for (pool, strides) in [([2, 2], [2, 2]), ([3, 3], [2, 2]), ([3, 3], [1, 1]), ([2, 3], [1, 2]), ([2, 2], [1, 1])] {
            for same in [false, true] {
                for isMax in [true, false] {
                    let layer = Pooling2DLayer(isMax ? .max : .average, poolSize: pool, strides: strides, padding: same ? .same : .valid)
                    assertClose(
                        try runLayer(layer, x), naivePool(x, pool: pool, strides: strides, same: same, max: isMax), tolerance: 1e-6,
                        "\(layer.kind) \(pool) \(strides) same \(same)")
                }
            }
        }
        // 'same' average of a 2x2 map with a 3x3 window at stride 1: the corner averages its 4 real cells.
        let small = NDArray(shape: [2, 2, 1], data: [1, 2, 3, 6])
        XCTAssertEqual(try runLayer(Pooling2DLayer(.average, poolSize: [3, 3], strides: [1, 1], padding: .same), small).data, [3, 3, 3, 3])
        XCTAssertEqual(
            try runLayer(
                Pooling2DLayer(.max, poolSize: [3, 3], strides: [1, 1], padding: .same), NDArray(shape: [2, 2, 1], data: [-1, -2, -3, -4])
            ).data,
            [-1, -1, -1, -1], "max pads with -inf, not 0")
        let defaults = try build("MaxPooling2D", #"{"pool_size": [3, 3], "strides": null}"#) as! Pooling2DLayer
        XCTAssertEqual(defaults.strides, [3, 3])
        XCTAssertEqual(defaults.padding, .valid)
        XCTAssertNotNil(shapeError(Pooling2DLayer(.max, poolSize: [3, 3]), [2, 5, 1]))
    }

    func testGlobalPooling() throws {
        let x = NDArray(shape: [2, 2, 2], data: [1, -1, 2, -2, 3, -3, 6, -6])
        XCTAssertEqual(try runLayer(GlobalPooling2DLayer(.average), x).data, [3, -3])
        XCTAssertEqual(try runLayer(GlobalPooling2DLayer(.max, keepDims: true), x).shape, [1, 1, 2])
        XCTAssertEqual(try runLayer(GlobalPooling2DLayer(.max), x).data, [6, -1])
        XCTAssertTrue((try build("GlobalAveragePooling2D", #"{"keepdims": true, "data_format": "channels_last"}"#) as! GlobalPooling2DLayer).keepDims)
    }

    func testPaddingAndCropping() throws {
        let x = NDArray(shape: [2, 2, 1], data: [1, 2, 3, 4])
        let pad = try build("ZeroPadding2D", #"{"padding": [[0, 1], [1, 2]]}"#)
        XCTAssertEqual(try runLayer(pad, x), NDArray(shape: [3, 5, 1], data: [0, 1, 2, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0]))
        XCTAssertEqual(try pad.outputShape(inputs: [[4, 4, 3]]), [5, 7, 3])
        XCTAssertEqual(try build("ZeroPadding2D", #"{"padding": 1}"#).outputShape(inputs: [[2, 2, 1]]), [4, 4, 1])
        XCTAssertEqual(try build("ZeroPadding2D", #"{"padding": [1, 2]}"#).outputShape(inputs: [[2, 2, 1]]), [4, 6, 1])
        XCTAssertEqual(try build("ZeroPadding2D").outputShape(inputs: [[2, 2, 1]]), [4, 4, 1])
        assertThrows(
            .sizeLimit(layer: "layer", className: "ZeroPadding2D", what: "padding", value: 1 << 30, limit: 1 << 20),
            try build("ZeroPadding2D", #"{"padding": 1073741824}"#))
        let crop = try build("Cropping2D", #"{"cropping": [[1, 0], [0, 1]]}"#)
        XCTAssertEqual(try runLayer(crop, NDArray(shape: [3, 3, 1], data: (1...9).map(Float.init))).data, [4, 5, 7, 8])
        XCTAssertNotNil(shapeError(crop, [1, 3, 1]), "nothing left")
    }

    func testUpSampling() throws {
        let x = NDArray(shape: [2, 2, 1], data: [1, 2, 3, 4])
        let nearest = try runLayer(UpSampling2DLayer(size: [2, 3]), x)
        XCTAssertEqual(nearest.shape, [4, 6, 1])
        XCTAssertEqual(Array(nearest.data[0..<6]), [1, 1, 1, 2, 2, 2])
        XCTAssertEqual(Array(nearest.data[12..<18]), [3, 3, 3, 4, 4, 4])
        // Bilinear with half-pixel centres, 2 -> 4 along a row: samples at -0.25, 0.25, 0.75, 1.25
        // (clamped): 1, 1.25, 1.75, 2.
        let bilinear = try runLayer(UpSampling2DLayer(size: [1, 2], interpolation: .bilinear), NDArray(shape: [1, 2, 1], data: [1, 2]))
        XCTAssertEqual(bilinear.data, [1, 1.25, 1.75, 2])
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "UpSampling2D", key: "interpolation", value: #""lanczos3""#),
            try build("UpSampling2D", #"{"size": [2, 2], "interpolation": "lanczos3"}"#))
        XCTAssertEqual((try build("UpSampling2D", #"{"interpolation": "bilinear"}"#) as! UpSampling2DLayer).size, [2, 2])
    }

    func testFlattenReshapePermute() throws {
        var rng = SplitMix64(seed: 62)
        let x = rng.array(2, 3, 4)
        let flat = try runLayer(FlattenLayer(), x)
        XCTAssertEqual(flat.shape, [24])
        XCTAssertEqual(flat.data, x.data, "row-major over H, W, C")
        XCTAssertEqual(try runLayer(ReshapeLayer(targetShape: [-1, 8]), x).shape, [3, 8])
        XCTAssertEqual(try runLayer(ReshapeLayer(targetShape: [6, 4]), x).data, x.data)
        XCTAssertNotNil(shapeError(ReshapeLayer(targetShape: [5, -1]), [2, 3, 4]))
        XCTAssertNotNil(shapeError(ReshapeLayer(targetShape: [5, 5]), [2, 3, 4]))
        let p = try runLayer(PermuteLayer(dims: [3, 1, 2]), x)
        XCTAssertEqual(p.shape, [4, 2, 3])
        for c in 0..<4 { for y in 0..<2 { for w in 0..<3 { XCTAssertEqual(p[c, y, w], x[y, w, c]) } } }
        assertThrows(
            .invalidConfig(layer: "layer", className: "Permute", key: "dims", reason: "is [1, 3], not a permutation of 1...2"),
            try build("Permute", #"{"dims": [1, 3]}"#))
        assertThrows(
            .invalidConfig(layer: "layer", className: "Reshape", key: "target_shape", reason: "has more than one -1"),
            try build("Reshape", #"{"target_shape": [-1, -1]}"#))
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "Flatten", key: "data_format", value: #""channels_first""#),
            try build("Flatten", #"{"data_format": "channels_first"}"#))
    }

    func testInferenceIdentities() throws {
        let x = NDArray(shape: [3], data: [1, 2, 3])
        for name in ["Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Identity"] {
            let layer = try build(name, #"{"rate": 0.5, "stddev": 1.0, "seed": null, "noise_shape": [null, 1, 1, 1]}"#)
            XCTAssertEqual(try runLayer(layer, x), x, name)
            XCTAssertEqual(layer.kerasClassName, name)
        }
    }
}
