import ArgumentParser
import Foundation
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender
import FeatureMapsWeights
import FeatureMapsModels
import FeatureMapsServer
import FeatureMapsSupport

/// The documented exit statuses (README, "Exit status").
enum Status: Int32 {
    case success = 0
    case partialFailure = 2
    case usage = 64
    case inputImage = 65
    case weights = 66
    case output = 73
    case internalError = 1

    /// Which kind of failure an error is.
    init(for error: Error) {
        switch error {
        case let e as ImageError:
            switch e {
            case .invalidTextKey, .invalidTextValue, .encodeFailed: self = .output
            default: self = .inputImage
            }
        case is WeightsError: self = .weights
        case is OutputError: self = .output
        case is LayerLookupError, is ValidationError, is RenderError, is VisualizationError, is ServeError: self = .usage
        case let e as EngineError:
            if case .noClassificationTop = e { self = .weights } else { self = .usage }
        case is ModelError: self = .weights
        case let e as GraphError:
            switch e {
            case .unknownNode, .ambiguousNode: self = .usage
            default: self = .weights
            }
        case let e as TopImagesError:
            switch e {
            case .listUnreadable, .imageMissing: self = .inputImage
            default: self = .usage
            }
        case let e as ModelFileError:
            switch e {
            case .graph, .weightsOnly, .inputCount, .notAnImageModel: self = .weights
            case .arrayShape, .arrayUnreadable: self = .inputImage
            default: self = .usage
            }
        default: self = .internalError
        }
    }
}

enum Report {
    /// One line on stderr: "featuremaps: <message>".
    static func error(_ error: Error) {
        warn(message(for: error))
    }

    static func message(for error: Error) -> String {
        if let e = error as? LocalizedError, let d = e.errorDescription { return d }
        return String(describing: error)
    }

    /// Control characters (e.g. a newline in a file name or a layer name) are written as
    /// escapes, so a failure is always one line.
    static func warn(_ line: String) {
        FileHandle.standardError.write(Data(("featuremaps: " + escapingControlCharacters(line) + "\n").utf8))
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func output(_ line: String) {
        print(line)
    }

    /// Runs a command body; an error ends it with its one-line message and its exit status.
    static func running(_ body: () throws -> Status) throws {
        let status: Status
        do {
            status = try body()
        } catch let e as ExitCode {
            throw e
        } catch {
            Report.error(error)
            throw ExitCode(Status(for: error).rawValue)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Processes each input; a failing one is reported and the rest still run.
    /// Success when all succeed; the failure's own status when all fail; partial otherwise.
    static func forEach(_ inputs: [String], _ body: (String) throws -> Void) throws -> Status {
        var failures: [Status] = []
        for input in inputs {
            do {
                try body(input)
            } catch let e as OutputError {
                throw e  // the output directory is shared: no point in trying the next input
            } catch {
                Report.error(error)
                failures.append(Status(for: error))
            }
        }
        if failures.isEmpty { return .success }
        if failures.count == inputs.count { return failures[0] }
        return .partialFailure
    }

    /// The image with a stem no earlier input of this run used (OutputStems); a renamed one is
    /// said on stderr, so no output is overwritten silently.
    static func claimStem(_ image: PreparedImage, in stems: inout OutputStems) -> PreparedImage {
        var image = image
        let stem = stems.claim(image.stem)
        if stem != image.stem {
            note("\(image.path): another input of this run already writes \(image.stem)_*; this one's files are named \(stem)_*")
            image.stem = stem
        }
        return image
    }

    /// Says once on stderr what each alias stands for: "block_1_conv1 = block_1_expand_relu (112x112x96)".
    static func aliases(_ layers: [LayerChoice]) {
        for l in layers where l.isAlias {
            note("\(l.requested) = \(l.layer.name) (\(l.layer.shape.map(String.init).joined(separator: "x")))")
        }
    }
}
