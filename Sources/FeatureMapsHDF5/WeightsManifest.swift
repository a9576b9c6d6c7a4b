#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file as the kernel knows it: the same device and inode are the same file, whatever its path
/// is now.
package struct FileIdentity: Equatable, Sendable {
    package let device: UInt64, inode: UInt64
    /// Bytes, when the identity was taken.
    package let size: Int

    package init(device: UInt64, inode: UInt64, size: Int) {
        self.device = device
        self.inode = inode
        self.size = size
    }

    package init(_ info: stat) { self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size)) }
}

/// What a reading of a Keras weights file found: every listed layer's arrays, each either read
/// (its values, converted to float32 by HDF5) or located (where its float32 little-endian values
/// lie in the file, to be read there with pread(2) by whoever holds the file open).
///
/// Why: the reader process (featuremaps-hdf5-reader, started by FeatureMapsWeights'
/// IsolatedReader) runs libhdf5 away from the caller. Sending 14 MB of values through a pipe cost
/// the reader its own copy (3,500 page faults), the pipe, and the caller a receive buffer. Located
/// arrays cost the reader only HDF5's metadata, and the caller one copy from the page cache into
/// the arrays it keeps. The caller trusts nothing it is told: FeatureMapsWeights' `resolve`
/// checks every shape, count and range against the limits and against its own file.
package struct WeightsManifest: Equatable, Sendable {
    package enum Stored: Equatable, Sendable {
        /// Row-major values read by HDF5; `values.count` is the product of `shape`.
        case values(shape: [Int], values: [Float])
        /// `product(shape)` float32 values at byte `offset`.
        case located(shape: [Int], offset: Int)

        package var shape: [Int] {
            switch self {
            case .values(let shape, _): return shape
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
    package var layerOrder: [String]
    /// Arrays by layer name, then by short weight name ("kernel", KerasWeightsFile.shortWeightName).
    package var layers: [String: [String: Stored]]
    /// The file the locations refer to; nil when nothing is located.
    package var file: FileIdentity?
    /// For a model file (KerasModelFileWalk): its layout, attributes and array order; `layers` is
    /// then keyed by group path and full stored array name. nil for a weights-only file.
    package var model: KerasModelStorage?

    package init(
        layerOrder: [String], layers: [String: [String: Stored]] = [:], file: FileIdentity? = nil,
        model: KerasModelStorage? = nil
    ) {
        self.layerOrder = layerOrder
        self.layers = layers
        self.file = file
        self.model = model
    }
}
