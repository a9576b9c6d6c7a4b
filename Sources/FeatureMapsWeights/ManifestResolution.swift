#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FeatureMapsEngine
import FeatureMapsHDF5

extension WeightsManifest {
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
        let arrays = try resolveArrays(
            fd: fd, path: path, maxValuesPerArray: KerasWeightsFile.maxValuesPerArray,
            maxValuesPerFile: KerasWeightsFile.maxValuesPerFile)
        var weights = KerasWeights(layerOrder: layerOrder)
        for layer in layerOrder where weights.layers[layer] == nil {
            var short: [String: WeightArray] = [:]
            for (name, array) in arrays[layer] ?? [:] { short[KerasWeightsFile.shortWeightName(name)] = array }
            weights.layers[layer] = short
        }
        return weights
    }

    /// Every array by layer (group) and stored name, located ones read from `fd` and checked as
    /// `resolve` says, against the limits given; for a model file, a located array above
    /// `maxValuesPerArray` is `tooLarge`.
    func resolveArrays(fd: Int32?, path: String, maxValuesPerArray: Int, maxValuesPerFile: Int) throws
        -> [String: [String: WeightArray]]
    {
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
                case .values(let shape, let values):
                    guard WireFormat.product(shape) == values.count else { throw WeightsError.changedWhileReading(path: path) }
                    budget -= values.count
                    resolved[name] = WeightArray(shape: shape, values: values)
                case .located(let shape, let offset):
                    // A model file's reader reads within larger limits (KerasModelFileWalk): above these,
                    // its array is too large here, not a sign of a changed file.
                    if model != nil, let count = WireFormat.product(shape), count > maxValuesPerArray {
                        throw WeightsError.hdf5(
                            path: path,
                            .tooLarge(object: layer + "/" + name, shape: shape.map(String.init), limit: maxValuesPerArray))
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
    private static func read(_ count: Int, at offset: Int, from fd: Int32, path: String) throws -> [Float] {
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

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

extension KerasWeightsFile {
    /// Reads every weight of every layer listed in `file`, in this process. Arrays above the
    /// limits are refused from their dataspace, before any allocation (HDF5Error.tooLarge); a file
    /// not in Keras's layout is `WeightsError.notKerasLayout`.
    public static func read(_ file: HDF5File) throws -> KerasWeights {
        let manifest: WeightsManifest
        do { manifest = try self.manifest(file, locating: false) } catch let e as ReaderFailure {
            throw WeightsError(e, path: file.path)
        }
        return try manifest.resolve(fd: nil, path: file.path)
    }
}

extension WeightsError {
    /// The error naming `path` for what the reader found wrong with that file.
    init(_ failure: ReaderFailure, path: String) {
        switch failure {
        case .notHDF5: self = .notHDF5(path: path)
        case .notKerasLayout: self = .notKerasLayout(path: path)
        case .hdf5(let e): self = .hdf5(path: path, e)
        case .other(let reason): self = .readerFailed(path: path, reason: reason)
        }
    }
}
