import FeatureMapsEngine

/// Draws one channel of an HxWxC map as an (H*f)x(W*f) block of viridis pixels: each value
/// becomes an f x f square (nearest-neighbour upscaling by the integer factor f).
enum TilePainter {
    /// The integer upscaling factor that makes a map `mapWidth` wide at least `minTileWidth`
    /// pixels wide: ceil(minTileWidth / mapWidth), at least 1 (14 -> 8, 7 -> 16, 13 -> 9).
    static func scaleFactor(mapWidth: Int, minTileWidth: Int) -> Int {
        max(1, (minTileWidth + mapWidth - 1) / mapWidth)
    }

    /// Fast path. Paints channel `channel` of `map` at top-left (x, y); the whole tile must
    /// lie on the canvas. Colours one source row into a scratch row, then copies that row f
    /// times. Pixel-identical to `paintReference` (tested over awkward shapes).
    static func paint(
        _ map: Tensor, channel: Int, range: ValueRange, factor: Int,
        into canvas: inout Canvas, x: Int, y: Int
    ) {
        let (h, w, c) = (map.height, map.width, map.channels)
        precondition(channel >= 0 && channel < c, "channel \(channel) out of range 0..<\(c)")
        precondition(
            x >= 0 && y >= 0 && x + w * factor <= canvas.width && y + h * factor <= canvas.height,
            "tile does not fit on the canvas")
        let rowBytes = w * factor * 3
        let canvasStride = canvas.width * 3
        var row = [UInt8](repeating: 0, count: rowBytes)
        map.data.withUnsafeBufferPointer { src in
            viridisBytes.withUnsafeBufferPointer { lut in
                row.withUnsafeMutableBufferPointer { row in
                    canvas.pixels.withUnsafeMutableBufferPointer { dst in
                        for sy in 0..<h {
                            var o = 0
                            for sx in 0..<w {
                                let k = range.colorIndex(src[(sy * w + sx) * c + channel]) * 3
                                let (r, g, b) = (lut[k], lut[k + 1], lut[k + 2])
                                for _ in 0..<factor {
                                    row[o] = r
                                    row[o + 1] = g
                                    row[o + 2] = b
                                    o += 3
                                }
                            }
                            for dy in 0..<factor {
                                let start = (y + sy * factor + dy) * canvasStride + x * 3
                                UnsafeMutableRawPointer(dst.baseAddress! + start)
                                    .copyMemory(from: row.baseAddress!, byteCount: rowBytes)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Reference twin of `paint`: every destination pixel looks up its source value on its own.
    /// Clips to the canvas instead of requiring the tile to fit.
    static func paintReference(
        _ map: Tensor, channel: Int, range: ValueRange, factor: Int,
        into canvas: inout Canvas, x: Int, y: Int
    ) {
        let plane = map.plane(channel)
        for dy in 0..<(map.height * factor) {
            for dx in 0..<(map.width * factor) {
                let value = plane[(dy / factor) * map.width + dx / factor]
                let color = Viridis.rgb(atIndex: Viridis.index(unit: range.unit(value)))
                canvas.fill(x: x + dx, y: y + dy, width: 1, height: 1, color: color)
            }
        }
    }
}
