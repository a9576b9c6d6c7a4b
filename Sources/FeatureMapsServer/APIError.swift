import Foundation
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender
import FeatureMapsSupport
import Hummingbird

/// A request the API refuses: the HTTP status and the one-line message of its JSON body
/// `{"error": "..."}`. All message text is in `message`.
enum APIError: Error, Equatable {
    /// A query parameter with a value the API does not take (400).
    case badParameter(name: String, value: String, expected: String)
    /// A combination of query parameters the API refuses; `message` says why (400).
    case badQuery(String)
    /// An image id the store does not hold: never made, or dropped as least recently used (404).
    case unknownImage(String)
    case unknownModel(String, known: [String])
    /// Several models are served and the upload did not say which (400).
    case modelNeeded(known: [String])
    /// A photo name that --images did not list (404).
    case unknownPhoto(String)
    /// A top-images result that --examples did not list (404).
    case unknownExample(String)
    /// A channel path that is not a number followed by nothing, ".png" or ".npy" (404).
    case badChannel(String)
    case bodyTooLarge(limit: Int)
    case emptyBody
    /// A path the API does not have, or does not have for that method (404).
    case noRoute(method: String, path: String)

    var status: HTTPResponse.Status {
        switch self {
        case .badParameter, .badQuery, .modelNeeded, .emptyBody: return .badRequest
        case .unknownImage, .unknownModel, .unknownPhoto, .unknownExample, .badChannel, .noRoute: return .notFound
        case .bodyTooLarge: return .contentTooLarge
        }
    }

    var message: String {
        switch self {
        case let .badParameter(name, value, expected):
            return "\(name)=\(value) is not valid; use \(expected)"
        case let .badQuery(message):
            return message
        case let .unknownImage(id):
            return "no image \(id): upload it again (POST /api/images); the server keeps the \(ImageStore.defaultCapacity) most recently used"
        case let .unknownModel(id, known):
            return "no model \(id); the models are \(known.joined(separator: ", ")) (GET /api/models)"
        case let .modelNeeded(known):
            return "several models are served; say which with ?model= (\(known.joined(separator: ", ")))"
        case let .unknownPhoto(name):
            return "no photo \(name) in the server's --images folder (GET /api/photos lists them)"
        case let .unknownExample(name):
            return "no top-images result \(name) in the server's --examples folder (GET /api/examples lists them)"
        case let .badChannel(text):
            return "channel \(text) is not a channel number (write channels/3, channels/3.png or channels/3.npy)"
        case let .bodyTooLarge(limit):
            return "the upload is larger than \(limit / (1 << 20)) MB; send a smaller JPEG or PNG"
        case .emptyBody:
            return "the upload is empty; send the JPEG or PNG bytes as the request body"
        case let .noRoute(method, path):
            return "no such API path: \(method) \(path) (see the README's 'featuremaps serve' section)"
        }
    }
}

/// The status and message the API answers an error with: APIError as it says; the library's
/// errors by kind (an unreadable image 415 or 422, too many pixels 413, an unknown layer or
/// class 404, a channel the layer lacks 404, other refused values 422); anything else 500 with
/// its one-line description (never a stack trace).
enum ErrorAnswer {
    static func of(_ error: Error) -> (status: HTTPResponse.Status, message: String) {
        switch error {
        case let e as APIError: return (e.status, e.message)
        case let e as ImageError: return (status(e), describe(e))
        case is LayerLookupError: return (.notFound, describe(error))
        case let e as GraphError:
            switch e {
            case .unknownNode, .ambiguousNode: return (.notFound, describe(e))
            default: return (.unprocessableContent, describe(e))
            }
        case let e as EngineError:
            switch e {
            case .unknownClass, .classOutOfRange: return (.notFound, describe(e))
            default: return (.unprocessableContent, describe(e))
            }
        case let e as RenderError:
            if case .channelOutOfRange = e { return (.notFound, describe(e)) }
            return (.unprocessableContent, describe(e))
        case is ModelFileError: return (.unprocessableContent, describe(error))
        case let e as any HTTPResponseError:
            if e.status == .contentTooLarge { return (e.status, APIError.bodyTooLarge(limit: ExplorerServer.maxUploadBytes).message) }
            return (e.status, (e as? HTTPError)?.body ?? e.status.reasonPhrase)
        default: return (.internalServerError, "internal error: " + describe(error))
        }
    }

    static func status(_ e: ImageError) -> HTTPResponse.Status {
        switch e {
        case .emptyFile, .unsupportedFormat: return .unsupportedMediaType
        case .tooManyPixels, .outOfMemory: return .contentTooLarge
        default: return .unprocessableContent
        }
    }

    static func describe(_ error: Error) -> String {
        let text = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
        return escapingControlCharacters(text.split(separator: "\n").joined(separator: " "))
    }
}

/// Turns every error thrown below it (routes, the router's own 404) into
/// `{"error": "..."}` with its status (ErrorAnswer).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var answer = ErrorAnswer.of(error)
            if let e = error as? HTTPError, e.status == .notFound {
                answer.message = APIError.noRoute(method: request.method.rawValue, path: request.uri.path).message
            }
            return Reply.json(.object([("error", .string(answer.message))]), status: answer.status)
        }
    }
}
