#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FeatureMapsHDF5
import Foundation

/// Where the weights reader executable (`featuremaps-hdf5-reader`, the package's product of that
/// name) is, in this order:
///   1. `FEATUREMAPS_READER`: its absolute path (a relative one is refused: it would depend on
///      the working directory);
///   2. beside the running executable (the folder of /proc/self/exe): SwiftPM puts every product
///      of a build in one folder (.build/release/featuremaps and .build/release/featuremaps-hdf5-reader;
///      a test bundle or a library user's program built by SwiftPM gets it there too, since
///      FeatureMapsWeights depends on it);
///   3. nowhere else: never a PATH lookup, so no program of that name in an untrusted folder is
///      ever run. Not found, `WeightsError.readerNotFound` lists where it looked.
public enum ReaderExecutable {
    public static let variable = "FEATUREMAPS_READER"
    public static let name = ReaderInvocation.executableName

    /// The reader's path, found as above. `runningExecutable` is the running program's path
    /// (default: /proc/self/exe resolved); an unset or empty variable is not a setting.
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        runningExecutable: String? = currentExecutable()
    ) throws -> String {
        if let setting = environment[variable], !setting.isEmpty {
            guard setting.hasPrefix("/") else {
                throw WeightsError.badSetting(
                    name: variable, value: setting,
                    expected: "give the absolute path of the \(name) executable")
            }
            guard isExecutableFile(setting) else { throw WeightsError.readerNotFound(searched: ["\(setting) (\(variable))"]) }
            return setting
        }
        guard let running = runningExecutable else {
            throw WeightsError.readerNotFound(searched: ["beside the running program (/proc/self/exe cannot be read)"])
        }
        let folder = running.lastIndex(of: "/").map { String(running[..<$0]) } ?? "."
        let beside = (folder.isEmpty ? "" : folder) + "/" + name
        guard isExecutableFile(beside) else { throw WeightsError.readerNotFound(searched: ["\(beside) (beside \(running))"]) }
        return beside
    }

    /// The running program's absolute path (readlink of /proc/self/exe), nil without /proc.
    public static func currentExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A regular file that this process may execute (stat(2), access(2) with X_OK).
    static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
