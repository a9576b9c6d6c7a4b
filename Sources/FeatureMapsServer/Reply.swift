import FeatureMaps
import Hummingbird
import NIOCore

/// The API's response bodies: JSON (JSONValue, compact, UTF-8), PNG and .npy bytes. Nothing is
/// cached by the browser: an image id dies with the server or when the store drops it.
enum Reply {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        bytes(Array(value.encoded().utf8), type: "application/json; charset=utf-8", status: status)
    }

    static func png(_ bytes: [UInt8]) -> Response { Self.bytes(bytes, type: "image/png") }

    /// NumPy's .npy (application/octet-stream, as numpy.load reads it from a file or a buffer).
    static func npy(_ bytes: [UInt8]) -> Response { Self.bytes(bytes, type: "application/octet-stream") }

    static func bytes(_ bytes: [UInt8], type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: type, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
