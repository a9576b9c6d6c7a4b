#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The message the reader process (featuremaps-hdf5-reader) writes to its stdout for the
/// caller (FeatureMapsWeights' IsolatedReader): what it found in the weights file (a
/// WeightsManifest: values read, or where they lie in the file; for a model file then its
/// KerasModelStorage, WireFormat+Model.swift), or the typed failure.
/// Little-endian, length-prefixed, bounded by "FMW3" ... "END!" so that a child that dies while
/// writing is noticed. `decode` checks every length and every shape against its value count;
/// anything malformed is nil (the parent then reports the reader as crashed), never a trap.
/// Located arrays' shapes and ranges are checked when they are read (WeightsManifest.resolve).
package enum WireFormat {
    static let head = Array("FMW3".utf8), tail = Array("END!".utf8)

    package static func encode(_ outcome: Result<WeightsManifest, ReaderFailure>) -> [UInt8] {
        var w = Writer()
        write(outcome, into: &w)
        return w.bytes
    }

    /// The same message written to `fd` as it is made, the weights straight from their arrays (no
    /// message-sized buffer: that was a sixth of a `classify`'s page faults). False when a write fails.
    package static func encode(_ outcome: Result<WeightsManifest, ReaderFailure>, to fd: Int32) -> Bool {
        var w = Writer { chunk in
            var written = 0
            while written < chunk.count {
                let n = Glibc.write(fd, chunk.baseAddress! + written, chunk.count - written)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                written += n
            }
            return true
        }
        write(outcome, into: &w)
        w.flush()
        return !w.failed
    }

    private static func write(_ outcome: Result<WeightsManifest, ReaderFailure>, into w: inout Writer) {
        w.bytes += head
        switch outcome {
        case .success(let manifest):
            w.u64(0)
            w.strings(manifest.layerOrder)
            if let file = manifest.file {
                w.u64(1)
                w.u64(file.device)
                w.u64(file.inode)
                w.u64(file.size)
            } else {
                w.u64(0)
            }
            w.u64(manifest.layers.count)
            for (layer, arrays) in manifest.layers.sorted(by: { $0.key < $1.key }) {
                w.string(layer)
                w.u64(arrays.count)
                for (name, stored) in arrays.sorted(by: { $0.key < $1.key }) {
                    w.string(name)
                    w.u64(stored.kind)
                    w.u64(stored.shape.count)
                    stored.shape.forEach { w.u64($0) }
                    switch stored {
                    case .values(_, let values):
                        w.u64(values.count)
                        values.withUnsafeBytes { w.raw($0) }  // Float is little-endian here
                    case .located(_, let offset):
                        w.u64(offset)
                    }
                }
            }
            writeModel(manifest.model, into: &w)
        case .failure(.notHDF5):
            w.u64(1)
        case .failure(.notKerasLayout):
            w.u64(2)
        case .failure(.hdf5(let e)):
            w.u64(3)
            switch e {
            case .openFailed(let p): w.u64(0); w.strings([p])
            case .callFailed(let f, let o): w.u64(1); w.strings([f, o])
            case .notFound(let o): w.u64(2); w.strings([o])
            case .unsupportedType(let o, let d): w.u64(3); w.strings([o, d])
            case .tooLarge(let o, let shape, let limit): w.u64(4); w.strings([o, String(limit)] + shape)
            }
        case .failure(.other(let reason)):
            w.u64(4)
            w.string(reason)
        }
        w.bytes += tail
    }

    package static func decode(_ bytes: [UInt8]) -> Result<WeightsManifest, ReaderFailure>? {
        bytes.withUnsafeBytes { decode($0) }
    }

    package static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<WeightsManifest, ReaderFailure>? {
        var r = Reader(bytes: bytes)
        guard r.take(head.count)?.elementsEqual(head) == true, bytes.suffix(tail.count).elementsEqual(tail) else { return nil }
        guard let tag = r.u64() else { return nil }
        let outcome: Result<WeightsManifest, ReaderFailure>
        switch tag {
        case 0:
            guard let order = r.strings(), let hasFile = r.u64(), hasFile <= 1 else { return nil }
            var manifest = WeightsManifest(layerOrder: order)
            if hasFile == 1 {
                guard let device = r.u64(), let inode = r.u64(), let size = r.u64(), size <= UInt64(Int.max) else { return nil }
                manifest.file = FileIdentity(device: device, inode: inode, size: Int(size))
            }
            guard let layerCount = r.count() else { return nil }
            for _ in 0..<layerCount {
                guard let layer = r.string(), let arrayCount = r.count() else { return nil }
                var arrays: [String: WeightsManifest.Stored] = [:]
                for _ in 0..<arrayCount {
                    guard let name = r.string(), let kind = r.u64(), kind <= 1, let shape = r.shape() else { return nil }
                    if kind == 1 {
                        guard let offset = r.u64(), offset <= UInt64(Int.max) else { return nil }
                        arrays[name] = .located(shape: shape, offset: Int(offset))
                        continue
                    }
                    guard let count = r.count(), let product = Self.product(shape), product == count,
                        let raw = r.take(count * 4)
                    else { return nil }
                    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                        if count > 0 { memcpy(buffer.baseAddress!, raw.baseAddress!, count * 4) }
                        initialized = count
                    }
                    arrays[name] = .values(shape: shape, values: values)
                }
                manifest.layers[layer] = arrays
            }
            guard let model = readModel(&r) else { return nil }
            manifest.model = model
            outcome = .success(manifest)
        case 1: outcome = .failure(.notHDF5)
        case 2: outcome = .failure(.notKerasLayout)
        case 3:
            guard let kind = r.u64(), let s = r.strings() else { return nil }
            let e: HDF5Error
            switch (kind, s.count) {
            case (0, 1): e = .openFailed(path: s[0])
            case (1, 2): e = .callFailed(function: s[0], object: s[1])
            case (2, 1): e = .notFound(object: s[0])
            case (3, 2): e = .unsupportedType(object: s[0], detail: s[1])
            case (4, 2...):
                guard let limit = Int(s[1]) else { return nil }
                e = .tooLarge(object: s[0], shape: Array(s[2...]), limit: limit)
            default: return nil
            }
            outcome = .failure(.hdf5(e))
        case 4:
            guard let reason = r.string() else { return nil }
            outcome = .failure(.other(reason))
        default: return nil
        }
        guard r.offset == bytes.count - tail.count else { return nil }
        return outcome
    }

    /// The product of `shape`, nil on overflow.
    package static func product(_ shape: [Int]) -> Int? {
        var p = 1
        for d in shape {
            let (m, overflow) = p.multipliedReportingOverflow(by: d)
            if overflow || d < 0 { return nil }
            p = m
        }
        return p
    }

    /// Builds a message in `bytes`; with a `sink`, passes it on in pieces instead (`raw` blocks
    /// directly, the rest when `flush`ed).
    struct Writer {
        var bytes: [UInt8] = []
        var sink: ((UnsafeRawBufferPointer) -> Bool)?
        var failed = false

        init(sink: ((UnsafeRawBufferPointer) -> Bool)? = nil) { self.sink = sink }

        mutating func raw(_ block: UnsafeRawBufferPointer) {
            guard let sink else { bytes += block; return }
            flush()
            if !failed && !sink(block) { failed = true }
        }

        mutating func flush() {
            guard let sink, !bytes.isEmpty else { return }
            if !failed && !bytes.withUnsafeBytes(sink) { failed = true }
            bytes.removeAll(keepingCapacity: true)
        }

        mutating func u64(_ v: Int) { u64(UInt64(v)) }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        mutating func string(_ s: String) { u64(s.utf8.count); bytes += s.utf8 }
        mutating func strings(_ list: [String]) { u64(list.count); list.forEach { string($0) } }
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func take(_ n: Int) -> UnsafeRawBufferPointer? {
            guard n >= 0, n <= bytes.count - offset else { return nil }
            defer { offset += n }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
        }
        mutating func u64() -> UInt64? {
            take(8).map { $0.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
        /// A count or length that must fit in what is left of the message.
        mutating func count() -> Int? {
            guard let v = u64(), v <= UInt64(bytes.count) else { return nil }
            return Int(v)
        }
        mutating func string() -> String? {
            guard let n = count(), let raw = take(n) else { return nil }
            return String(decoding: raw, as: UTF8.self)
        }
        /// A rank (at most 8), then that many dimensions.
        mutating func shape() -> [Int]? {
            guard let rank = count(), rank <= 8 else { return nil }
            var shape: [Int] = []
            for _ in 0..<rank {
                guard let d = u64(), d <= UInt64(Int32.max) else { return nil }
                shape.append(Int(d))
            }
            return shape
        }
        mutating func strings() -> [String]? {
            guard let n = count() else { return nil }
            var list: [String] = []
            for _ in 0..<n {
                guard let s = string() else { return nil }
                list.append(s)
            }
            return list
        }
    }
}
