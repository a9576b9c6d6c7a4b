import Foundation

/// Where and how weights are downloaded, from the environment:
///   FEATUREMAPS_WEIGHTS_URL       base URL replacing Keras's (a mirror, an air-gapped server); http or https
///   FEATUREMAPS_OFFLINE=1         never download (any value but "", "0", "false", "no")
///   FEATUREMAPS_DOWNLOAD_TIMEOUT  whole seconds to wait for the connection or for the next bytes (default 30)
///   FEATUREMAPS_WEIGHTS_SHA256    the SHA-256 the downloaded file must have (overrides `KnownWeightsHashes`)
public struct DownloadSettings: Sendable, Equatable {
    /// Where keras.applications.MobileNetV2 downloads its weights from (BASE_WEIGHT_PATH).
    public static let kerasBaseURL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
    public static let defaultTimeout = 30.0

    /// Ends with "/".
    public var baseURL: String
    public var timeout: Double
    public var expectedSHA256: String?

    public init(baseURL: String = kerasBaseURL, timeout: Double = defaultTimeout, expectedSHA256: String? = nil) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.expectedSHA256 = expectedSHA256
    }

    /// Reads the variables above; a value that cannot be used is an error naming it.
    public init(environment: [String: String]) throws {
        self.init()
        if let base = environment["FEATUREMAPS_WEIGHTS_URL"], !base.isEmpty {
            baseURL = try Self.checkedBaseURL(base)
        }
        if let text = environment["FEATUREMAPS_DOWNLOAD_TIMEOUT"], !text.isEmpty {
            // Whole seconds: URLSession on Linux truncates its timeout to whole seconds (0.5 s would be 0).
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw WeightsError.badSetting(
                    name: "FEATUREMAPS_DOWNLOAD_TIMEOUT", value: text,
                    expected: "give whole seconds from 1 to 3600, such as 30")
            }
            timeout = Double(seconds)
        }
        if let hash = environment["FEATUREMAPS_WEIGHTS_SHA256"], !hash.isEmpty {
            let lower = hash.lowercased()
            guard lower.count == 64, lower.allSatisfy({ $0.isHexDigit }) else {
                throw WeightsError.badSetting(
                    name: "FEATUREMAPS_WEIGHTS_SHA256", value: hash,
                    expected: "give 64 hexadecimal digits, as sha256sum prints them")
            }
            expectedSHA256 = lower
        }
    }

    /// The URL of `variant`'s file.
    public func url(for variant: WeightsVariant) -> String { baseURL + variant.fileName }

    /// The SHA-256 the file of `variant` must have, if any is known.
    public func expectedHash(for variant: WeightsVariant) -> String? {
        expectedSHA256 ?? KnownWeightsHashes.sha256[variant.fileName]
    }

    /// Why downloading is off, or nil when it is allowed: the --offline flag, then FEATUREMAPS_OFFLINE.
    public static func offlineReason(flag: Bool, environment: [String: String]) -> String? {
        if flag { return "--offline" }
        if let value = environment["FEATUREMAPS_OFFLINE"], !["", "0", "false", "no"].contains(value.lowercased()) {
            return "FEATUREMAPS_OFFLINE=\(value)"
        }
        return nil
    }

    static func checkedBaseURL(_ text: String) throws -> String {
        let base = text.hasSuffix("/") ? text : text + "/"
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw WeightsError.badSetting(
                name: "FEATUREMAPS_WEIGHTS_URL", value: text,
                expected: "give an http:// or https:// URL of the folder holding Keras's files")
        }
        return base
    }
}

/// SHA-256 of Keras's official files, by file name. Empty on purpose: Keras itself publishes no
/// hash for MobileNetV2 (keras/src/applications/mobilenet_v2.py calls get_file without
/// file_hash), and the official host cannot be reached from the machines this was written on, so
/// no value could be computed here. Add an entry only from a file downloaded from
/// `DownloadSettings.kerasBaseURL` and hashed with `sha256sum`; never invent one.
public enum KnownWeightsHashes {
    public static let sha256: [String: String] = [:]
}
