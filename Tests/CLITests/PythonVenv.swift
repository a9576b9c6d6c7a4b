import Foundation
import XCTest

/// The venv of Scripts/convert_weights.py: `.build/venv-convert` with the pinned packages of
/// Scripts/convert_weights.requirements.txt (numpy, h5py, tflite, flatbuffers), created once and
/// reused. pip installs from PyPI only when a pin is missing; when PyPI cannot be reached the test
/// skips, saying so; any other failure of python3, venv or pip fails the test with pip's output.
enum PythonVenv {
    static let path = CLI.root + "/.build/venv-convert"
    static let python = path + "/bin/python"
    static let requirements = CLI.root + "/Scripts/convert_weights.requirements.txt"

    /// How a pip run ended.
    enum PipOutcome: Equatable {
        case installed
        case unreachable(String)  // the network line pip printed
        case failed(String)  // pip's whole output
    }

    /// pip's messages when an index cannot be reached (connection refused, DNS, timeouts, no route),
    /// as urllib3 reports them in pip's "Retrying ... after connection broken by" warnings.
    static let networkMarkers = [
        "Failed to establish a new connection", "NewConnectionError", "ConnectTimeoutError",
        "ReadTimeoutError", "Temporary failure in name resolution", "Name or service not known",
        "Network is unreachable", "No route to host", "Connection refused", "ProxyError",
    ]

    /// `installed` for status 0; `unreachable` when pip failed and said the index could not be reached.
    static func classify(status: Int32, output: String) -> PipOutcome {
        if status == 0 { return .installed }
        let lines = output.split(separator: "\n").map(String.init)
        if let line = lines.first(where: { line in networkMarkers.contains { line.contains($0) } }) {
            return .unreachable(line)
        }
        return .failed(output)
    }

    /// Result of the first `ready()` of this test process (pip runs once per process: a static
    /// `let` is initialised once, thread-safely, on first use).
    private static let setUp: Result<Void, Error> = Result { try create() }

    /// Makes the venv ready or throws XCTSkip (PyPI unreachable) or an error (anything else).
    static func ready() throws {
        try setUp.get()
    }

    /// Creates the venv (python3 -m venv, no network) unless it is there with a working pip.
    static func created() throws {
        if FileManager.default.isExecutableFile(atPath: python) && run(python, ["-m", "pip", "--version"]).status == 0 {
            return
        }
        try? FileManager.default.removeItem(atPath: path)
        let made = run("/usr/bin/env", ["python3", "-m", "venv", path])
        guard made.status == 0 else {
            throw VenvError("python3 -m venv \(path) failed (install python3 and python3-venv; Scripts/bootstrap does):\n\(made.output)")
        }
    }

    private static func create() throws {
        try created()
        let pip = try pipInstall(["-r", requirements])
        switch pip {
        case .installed: return
        case .unreachable(let line):
            throw XCTSkip("PyPI cannot be reached, so the converter's packages cannot be installed into \(path): \(line)")
        case .failed(let output):
            throw VenvError("pip install -r \(requirements) failed (not a network error):\n\(output)")
        }
    }

    /// `python -m pip install ARGS` in the venv: quiet, two retries, 30 s socket timeout.
    static func pipInstall(_ args: [String]) throws -> PipOutcome {
        let r = run(
            python,
            [
                "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--retries", "2",
                "--timeout", "30",
            ] + args)
        return classify(status: r.status, output: r.output)
    }

    /// Runs a program, returning its status and stdout+stderr together.
    static func run(_ program: String, _ args: [String], environment: [String: String]? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = args
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "cannot run \(program): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    struct VenvError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
