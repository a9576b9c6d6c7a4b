#if canImport(Glibc)
import Glibc
#endif
import FeatureMapsEngine

/// A file as the kernel knows it: the same device and inode are the same file, whatever its path
/// is now.
struct FileIdentity: Equatable, Sendable {
    let device: UInt64, inode: UInt64
    /// Bytes, when the identity was taken.
    let size: Int

    init(device: UInt64, inode: UInt64, size: Int) {
        self.device = device
        self.inode = inode
        self.size = size
    }

    init(_ info: stat) { self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size)) }
}

/// What a reading of a Keras weights file found: every listed layer's arrays, each either read
/// (its values, converted to float32 by HDF5) or located (where its float32 little-endian values
/// lie in the file, to be read there with pread(2) by whoever holds the file open).
///
/// Why: the isolated reader (IsolatedReader) runs libhdf5 in a child process. Sending 14 MB of
/// values through a pipe cost the child its own copy (3,500 page faults), the pipe, and the
/// parent a receive buffer. Located arrays cost the child only HDF5's metadata, and the parent
/// one copy from the page cache into the arrays it keeps. The parent trusts nothing it is told:
/// `resolve` checks every shape, count and range against the limits and against its own file.
struct WeightsManifest: Equatable, Sendable {
    enum Stored: Equatable, Sendable {
        case values(WeightArray)
        /// `product(shape)` float32 values at byte `offset`.
        case located(shape: [Int], offset: Int)

        var shape: [Int] {
            switch self {
            case .values(let array): return array.shape
            case .located(let shape, _): return shape
            }
        }
        /// The message's tag for the case (WireFormat): 0 values, 1 located.
        var kind: Int {
            if case .located = self { return 1 }
            return 0
        }
    }

    /// Layer names in the order the file lists them.
    var layerOrder: [String]
    /// Arrays by layer name, then by short weight name ("kernel").
    var layers: [String: [String: Stored]]
    /// The file the locations refer to; nil when nothing is located.
    var file: FileIdentity?
    /// For a model file (KerasModelFileWalk): its layout, attributes and array order; `layers` is
    /// then keyed by group path and full stored array name. nil for a weights-only file.
    var model: KerasModelStorage?

    init(layerOrder: [String], layers: [String: [String: Stored]] = [:], file: FileIdentity? = nil,
         model: KerasModelStorage? = nil) {
        self.layerOrder = layerOrder
        self.layers = layers
        self.file = file
        self.model = model
    }

    /// The weights, reading every located array from `fd`, which must be the file the manifest
    /// was made from (`file`: same device and inode). A located array whose shape is malformed or
    /// above KerasWeightsFile's limits, or whose bytes lie outside the file, or a file that is not
    /// the one read, or that ends early: `changedWhileReading` (the only way an honest reader
    /// gets there). Without `fd`, a located array is an error too.
    ///
    /// This is the weights-only reading (WeightsLoader): a Keras 3 variables file is not in its
    /// layout (`notKerasLayout`, as before model files were read); a legacy full-model file gives
    /// its layer_names' layers with short weight names ("kernel"), as it always did.
    func resolve(fd: Int32?, path: String) throws -> KerasWeights {
        if model?.layout == .variables { throw WeightsError.notKerasLayout(path: path) }
        let arrays = try resolveArrays(fd: fd, path: path, maxValuesPerArray: KerasWeightsFile.maxValuesPerArray,
                                       maxValuesPerFile: KerasWeightsFile.maxValuesPerFile)
        var weights = KerasWeights(layerOrder: layerOrder)
        for layer in layerOrder where weights.layers[layer] == nil {
            var short: [String: WeightArray] = [:]
            for (name, array) in arrays[layer] ?? [:] { short[KerasWeights.shortWeightName(name)] = array }
            weights.layers[layer] = short
        }
        return weights
    }

    /// Every array by layer (group) and stored name, located ones read from `fd` and checked as
    /// `resolve` says, against the limits given; for a model file, a located array above
    /// `maxValuesPerArray` is `tooLarge`.
    func resolveArrays(fd: Int32?, path: String, maxValuesPerArray: Int, maxValuesPerFile: Int) throws
        -> [String: [String: WeightArray]] {
        var weights: [String: [String: WeightArray]] = [:]
        var fileSize = 0
        if let fd {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw WeightsError.readerFailed(path: path, reason: Self.lastError()) }
            let now = FileIdentity(info)
            if let file, file.device != now.device || file.inode != now.inode { throw WeightsError.changedWhileReading(path: path) }
            fileSize = now.size
        }
        var budget = maxValuesPerFile
        for (layer, arrays) in layers {
            var resolved: [String: WeightArray] = [:]
            for (name, stored) in arrays {
                switch stored {
                case .values(let array):
                    budget -= array.values.count
                    resolved[name] = array
                case .located(let shape, let offset):
                    // A model file's child reads within larger limits (KerasModelFileWalk): above these,
                    // its array is too large here, not a sign of a changed file.
                    if model != nil, let count = WireFormat.product(shape), count > maxValuesPerArray {
                        throw WeightsError.hdf5(path: path, .tooLarge(object: layer + "/" + name, shape: shape.map(String.init),
                                                                      limit: maxValuesPerArray))
                    }
                    guard let fd, let count = WireFormat.product(shape), count > 0, shape.count <= 8,
                          count <= min(maxValuesPerArray, budget),
                          offset >= 0, offset <= fileSize - count * 4
                    else { throw WeightsError.changedWhileReading(path: path) }
                    budget -= count
                    resolved[name] = WeightArray(shape: shape, values: try Self.read(count, at: offset, from: fd, path: path))
                }
            }
            weights[layer] = resolved
        }
        return weights
    }

    /// `count` float32 values at byte `offset` of `fd`, straight into the array's storage.
    static func read(_ count: Int, at offset: Int, from fd: Int32, path: String) throws -> [Float] {
        var failure: WeightsError?
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            var done = 0
            while done < count * 4 {
                let n = pread(fd, base + done, count * 4 - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = .readerFailed(path: path, reason: lastError()); break }
                if n == 0 { failure = .changedWhileReading(path: path); break }
                done += n
            }
            if failure != nil { base.initializeMemory(as: UInt8.self, repeating: 0, count: count * 4) }
            initialized = count
        }
        if let failure { throw failure }
        return values
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
