import CHDF5
#if canImport(Glibc)
import Glibc
#endif

// The only file that calls the HDF5 C library. Every call's return code is checked on the spot
// and becomes an `HDF5Error`; each wrapper names the C function it calls. Read-only.

public enum HDF5Error: Error, Equatable, Sendable {
    /// `H5Fopen` failed: not an HDF5 file, truncated, or unreadable.
    case openFailed(path: String)
    /// A call failed on an object: (C function, object path).
    case callFailed(function: String, object: String)
    case notFound(object: String)
    case unsupportedType(object: String, detail: String)
    /// A dataset with more values than the caller's limit (dimensions as stored, as text).
    case tooLarge(object: String, shape: [String], limit: Int)
}

/// Closes an HDF5 identifier with the matching H5?close when it goes out of scope.
final class HDF5Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t

    init(_ id: hid_t, function: String, object: String, close: @escaping (hid_t) -> herr_t) throws {
        guard id >= 0 else { throw HDF5Error.callFailed(function: function, object: object) }
        self.id = id
        self.close = close
    }

    deinit { _ = close(id) }
}

/// A read-only HDF5 file.
public final class HDF5File {
    let handle: HDF5Handle
    public let path: String

    /// HDF5 prints its error stack to stderr by default; turned off once, before the first call.
    private static let silenceErrorStack: Void = { _ = H5Eset_auto2(chdf5_e_default(), nil, nil) }()

    /// Opens `path` read-only (`H5Fopen`).
    public init(path: String) throws {
        _ = Self.silenceErrorStack
        self.path = path
        let id = H5Fopen(path, chdf5_acc_rdonly(), chdf5_p_default())
        guard id >= 0 else { throw HDF5Error.openFailed(path: path) }
        handle = try HDF5Handle(id, function: "H5Fopen", object: path, close: H5Fclose)
    }

    /// True when an attribute `name` exists on the object at `object` ("/" for the root) (`H5Aexists_by_name`).
    public func hasAttribute(_ name: String, on object: String) throws -> Bool {
        let r = H5Aexists_by_name(handle.id, object, name, chdf5_p_default())
        guard r >= 0 else { throw HDF5Error.callFailed(function: "H5Aexists_by_name", object: "\(object)@\(name)") }
        return r > 0
    }

    /// True when a link `path` exists (`H5Lexists`, checked one path component at a time).
    public func exists(_ path: String) -> Bool {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            if H5Lexists(handle.id, prefix, chdf5_p_default()) <= 0 { return false }
        }
        return true
    }

    /// The most strings a string attribute may hold (Keras's layer_names has a few hundred).
    public static let maxStrings = 1 << 16
    /// The longest fixed-length string accepted, in bytes.
    public static let maxStringBytes = 1 << 12

    /// A string or string-array attribute, fixed- or variable-length (`H5Aopen_by_name`, `H5Aread`).
    /// More than `maxStrings` strings, or fixed-length strings above `maxBytes` (default
    /// `maxStringBytes`), are refused before anything is allocated for them (`tooLarge`);
    /// variable-length ones above `maxBytes` after HDF5 read them.
    public func stringArrayAttribute(_ name: String, on object: String, maxBytes: Int = maxStringBytes) throws -> [String] {
        let where_ = "\(object)@\(name)"
        let attr = try HDF5Handle(
            H5Aopen_by_name(handle.id, object, name, chdf5_p_default(), chdf5_p_default()),
            function: "H5Aopen_by_name", object: where_, close: H5Aclose)
        let space = try HDF5Handle(H5Aget_space(attr.id), function: "H5Aget_space", object: where_, close: H5Sclose)
        let count = Int(H5Sget_simple_extent_npoints(space.id))
        guard count >= 0 else { throw HDF5Error.callFailed(function: "H5Sget_simple_extent_npoints", object: where_) }
        // Keras lists at most a few hundred names; a corrupt dataspace must not size our buffers.
        guard count <= Self.maxStrings else {
            throw HDF5Error.tooLarge(object: where_, shape: [String(count)], limit: Self.maxStrings)
        }
        // Keras writes the weight_names of a weightless layer as an empty float64 array: empty is empty.
        if count == 0 { return [] }
        let type = try HDF5Handle(H5Aget_type(attr.id), function: "H5Aget_type", object: where_, close: H5Tclose)
        guard H5Tget_class(type.id) == H5T_STRING else {
            throw HDF5Error.unsupportedType(object: where_, detail: "not a string attribute")
        }
        let variable = H5Tis_variable_str(type.id)
        guard variable >= 0 else { throw HDF5Error.callFailed(function: "H5Tis_variable_str", object: where_) }
        if variable > 0 {
            let memType = try HDF5Handle(H5Tcopy(chdf5_c_s1()), function: "H5Tcopy", object: where_, close: H5Tclose)
            guard H5Tset_size(memType.id, chdf5_variable()) >= 0 else {
                throw HDF5Error.callFailed(function: "H5Tset_size", object: where_)
            }
            // HDF5 does not convert between character sets: read UTF-8 (h5py's default for str) as UTF-8.
            guard H5Tset_cset(memType.id, H5Tget_cset(type.id)) >= 0 else {
                throw HDF5Error.callFailed(function: "H5Tset_cset", object: where_)
            }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(attr.id, memType.id, &pointers) >= 0 else {
                throw HDF5Error.callFailed(function: "H5Aread", object: where_)
            }
            defer { _ = H5Dvlen_reclaim(memType.id, space.id, chdf5_p_default(), &pointers) }
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            if let long = strings.first(where: { $0.utf8.count > maxBytes }) {
                throw HDF5Error.tooLarge(object: where_, shape: [String(count), "\(long.utf8.count) bytes"], limit: maxBytes)
            }
            return strings
        }
        let size = H5Tget_size(type.id)
        guard size > 0 else { throw HDF5Error.callFailed(function: "H5Tget_size", object: where_) }
        guard size <= maxBytes else {
            throw HDF5Error.tooLarge(object: where_, shape: [String(count), "\(size) bytes"], limit: maxBytes)
        }
        var bytes = [UInt8](repeating: 0, count: size * count)
        guard H5Aread(attr.id, type.id, &bytes) >= 0 else { throw HDF5Error.callFailed(function: "H5Aread", object: where_) }
        return (0..<count).map { i in
            let slice = bytes[(i * size)..<((i + 1) * size)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex  // NUL-padded (or space-padded, trimmed below)
            return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
                .trimmingTrailingSpaces()
        }
    }

    /// Shape and float32 values of the dataset at `path`, converted by HDF5 from any
    /// stored float type (`H5Dread` with H5T_NATIVE_FLOAT). A dataset of more than `maxValues`
    /// values (or whose size overflows) is refused from its dataspace, before anything is
    /// allocated for it: `tooLarge`.
    public func floatDataset(_ path: String, maxValues: Int) throws -> (shape: [Int], values: [Float]) {
        let dataset = try openNumericDataset(path, maxValues: maxValues)
        // A corrupt datatype or chunk size makes H5Dread allocate conversion and chunk buffers of
        // that size (gigabytes from a few bytes): numbers are 1 to 8 bytes, chunks hold at most
        // `maxValues` elements.
        let typeSize = H5Tget_size(dataset.type.id)
        guard (1...8).contains(typeSize) else {
            throw HDF5Error.unsupportedType(object: path, detail: "a number type of \(typeSize) bytes")
        }
        try checkChunks(of: dataset.handle, path: path, maxValues: maxValues)
        var values = [Float](repeating: 0, count: dataset.count)
        if dataset.count > 0 {
            let r = values.withUnsafeMutableBytes {
                H5Dread(dataset.handle.id, chdf5_native_float(), chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
            }
            guard r >= 0 else { throw HDF5Error.callFailed(function: "H5Dread", object: path) }
        }
        return (dataset.shape, values)
    }

    /// Shape and byte offset in the file of the dataset at `path` when its values lie there as
    /// they are to be used: contiguous storage, allocated, IEEE float32 little-endian, exactly
    /// 4 bytes per value (`H5Dget_offset`, `H5Dget_storage_size`, `H5Tequal`). nil for any other
    /// storage (chunked, compressed, another number type, not yet written, or not wholly within
    /// the file's first `fileSize` bytes): read it with `floatDataset`. The offset counts from the
    /// start of the file (a user block included).
    public func float32Location(_ path: String, maxValues: Int, fileSize: Int) throws -> (shape: [Int], offset: Int)? {
        let dataset = try openNumericDataset(path, maxValues: maxValues)
        guard H5Tequal(dataset.type.id, chdf5_ieee_f32le()) > 0, dataset.count > 0 else { return nil }
        let offset = H5Dget_offset(dataset.handle.id)
        guard offset != chdf5_haddr_undef(), offset <= haddr_t(fileSize),
            Int(offset) <= fileSize - dataset.count * 4,
            H5Dget_storage_size(dataset.handle.id) == hsize_t(dataset.count * 4)
        else { return nil }
        return (dataset.shape, Int(offset))
    }

    /// Device, inode and size of the file HDF5 has open (`H5Fget_vfd_handle`, then fstat(2) on
    /// the POSIX descriptor of HDF5's default "sec2" driver); nil for another driver.
    func identity() -> FileIdentity? {
        var vfd: UnsafeMutableRawPointer?
        guard H5Fget_vfd_handle(handle.id, chdf5_p_default(), &vfd) >= 0, let vfd else { return nil }
        var info = stat()
        guard fstat(vfd.load(as: Int32.self), &info) == 0 else { return nil }
        return FileIdentity(info)
    }

    /// Opens a numeric dataset and reads its shape, refusing more than `maxValues` values
    /// (`H5Dopen2`, `H5Dget_type`, `H5Dget_space`, `H5Sget_simple_extent_dims`).
    private func openNumericDataset(_ path: String, maxValues: Int) throws
        -> (handle: HDF5Handle, type: HDF5Handle, shape: [Int], count: Int)
    {
        let id = H5Dopen2(handle.id, path, chdf5_p_default())
        // A missing path is the common mistake: told as such (checked only when the open failed).
        if id < 0 && !exists(path) { throw HDF5Error.notFound(object: path) }
        let ds = try HDF5Handle(id, function: "H5Dopen2", object: path, close: H5Dclose)
        let type = try HDF5Handle(H5Dget_type(ds.id), function: "H5Dget_type", object: path, close: H5Tclose)
        let cls = H5Tget_class(type.id)
        guard cls == H5T_FLOAT || cls == H5T_INTEGER else {
            throw HDF5Error.unsupportedType(object: path, detail: "not a numeric dataset")
        }
        let space = try HDF5Handle(H5Dget_space(ds.id), function: "H5Dget_space", object: path, close: H5Sclose)
        let rank = Int(H5Sget_simple_extent_ndims(space.id))
        guard rank >= 0, rank <= 8 else { throw HDF5Error.callFailed(function: "H5Sget_simple_extent_ndims", object: path) }
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        guard H5Sget_simple_extent_dims(space.id, &dims, nil) >= 0 else {
            throw HDF5Error.callFailed(function: "H5Sget_simple_extent_dims", object: path)
        }
        var count = 1
        for d in dims.prefix(rank) {
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(truncatingIfNeeded: d))
            guard d <= hsize_t(Int.max), !overflow, product <= maxValues else {
                throw HDF5Error.tooLarge(object: path, shape: dims.prefix(rank).map { String($0) }, limit: maxValues)
            }
            count = product
        }
        return (ds, type, dims.prefix(rank).map { Int($0) }, count)
    }
}

extension HDF5File {
    /// Refuses a chunked dataset whose chunk holds more than `maxValues` elements
    /// (`H5Dget_create_plist`, `H5Pget_layout`, `H5Pget_chunk`).
    func checkChunks(of ds: HDF5Handle, path: String, maxValues: Int) throws {
        let plist = try HDF5Handle(H5Dget_create_plist(ds.id), function: "H5Dget_create_plist", object: path, close: H5Pclose)
        let layout = H5Pget_layout(plist.id)
        guard layout != H5D_LAYOUT_ERROR else { throw HDF5Error.callFailed(function: "H5Pget_layout", object: path) }
        guard layout == H5D_CHUNKED else { return }
        var chunk = [hsize_t](repeating: 0, count: 32)
        let rank = H5Pget_chunk(plist.id, 32, &chunk)
        guard rank >= 0 else { throw HDF5Error.callFailed(function: "H5Pget_chunk", object: path) }
        var volume = 1
        for d in chunk.prefix(Int(rank)) {
            let (product, overflow) = volume.multipliedReportingOverflow(by: Int(truncatingIfNeeded: d))
            guard d <= hsize_t(Int.max), !overflow, product <= maxValues else {
                throw HDF5Error.tooLarge(
                    object: path + " (chunk)", shape: chunk.prefix(Int(rank)).map { String($0) },
                    limit: maxValues)
            }
            volume = product
        }
    }
}

extension HDF5File {
    /// What a link in a group points to.
    public enum MemberKind: Equatable, Sendable { case group, dataset, other }

    /// The links of the group at `group` ("/" for the root) in increasing name order, with what each
    /// points to (`H5Gopen2`, `H5Gget_info`, `H5Lget_name_by_idx`, `H5Oopen`, `H5Iget_type`). A group
    /// of more than `limit` links, or a name above `maxStringBytes`, is refused (`tooLarge`).
    public func members(of group: String, limit: Int) throws -> [(name: String, kind: MemberKind)] {
        let g = try HDF5Handle(H5Gopen2(handle.id, group, chdf5_p_default()), function: "H5Gopen2", object: group, close: H5Gclose)
        var info = H5G_info_t()
        guard H5Gget_info(g.id, &info) >= 0 else { throw HDF5Error.callFailed(function: "H5Gget_info", object: group) }
        guard info.nlinks <= hsize_t(limit) else {
            throw HDF5Error.tooLarge(object: group, shape: ["\(info.nlinks) links"], limit: limit)
        }
        var members: [(name: String, kind: MemberKind)] = []
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_p_default())
            guard length >= 0 else { throw HDF5Error.callFailed(function: "H5Lget_name_by_idx", object: group) }
            guard length <= Self.maxStringBytes else {
                throw HDF5Error.tooLarge(object: group, shape: ["a name of \(length) bytes"], limit: Self.maxStringBytes)
            }
            var bytes = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &bytes, bytes.count, chdf5_p_default()) >= 0
            else { throw HDF5Error.callFailed(function: "H5Lget_name_by_idx", object: group) }
            let name = String(decoding: bytes.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var kind = MemberKind.other
            let object = H5Oopen(g.id, name, chdf5_p_default())  // a dangling soft link fails: "other"
            if object >= 0 {
                switch H5Iget_type(object) {
                case H5I_GROUP: kind = .group
                case H5I_DATASET: kind = .dataset
                default: kind = .other
                }
                _ = H5Oclose(object)
            }
            members.append((name, kind))
        }
        return members
    }

    /// True when the dataset at `path` stores integers (`H5Dopen2`, `H5Dget_type`, `H5Tget_class`):
    /// HDF5 converts them to float like any number, so a caller that wants floats must ask.
    public func storesIntegers(_ path: String) throws -> Bool {
        let ds = try HDF5Handle(H5Dopen2(handle.id, path, chdf5_p_default()), function: "H5Dopen2", object: path, close: H5Dclose)
        let type = try HDF5Handle(H5Dget_type(ds.id), function: "H5Dget_type", object: path, close: H5Tclose)
        return H5Tget_class(type.id) == H5T_INTEGER
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
