import Foundation
import XCTest

/// Bad option values, awkward outputs and awkward names: status 64 with one line for usage
/// errors, clamping with a note, numbered outputs instead of silent overwrites.
final class HostileArgumentTests: XCTestCase {
    func usage(
        _ args: [String], naming value: String, saying text: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let r = try Hostile.run(args, file: file, line: line)
        XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        let message = Hostile.assertFailureLines(r, count: 1, naming: [value], file: file, line: line).first ?? ""
        XCTAssert(text.isEmpty || message.contains(text), "'\(message)' lacks '\(text)'", file: file, line: line)
    }

    func testBadValuesAreOneLineUsageErrors() throws {
        let w = ["--weights", Hostile.weights]
        try usage(
            ["render"] + w + ["--layers", "block_1_convX", Hostile.image], naming: "block_1_convX",
            saying: "Did you mean block_1_conv1")
        try usage(
            ["extract"] + w + ["--layers", "Conv1,predicitons", Hostile.image], naming: "predicitons",
            saying: "Did you mean predictions")
        try usage(["render"] + w + ["--channels", "0", Hostile.image], naming: "--channels 0", saying: "at least 1")
        try usage(["render"] + w + ["--channels", "-3", Hostile.image], naming: "--channels -3", saying: "at least 1")
        try usage(["render"] + w + ["--channel-list", "5-2", Hostile.image], naming: "5-2")
        try usage(["classify"] + w + ["--top", "0", Hostile.image], naming: "--top 0")
        try usage(["classify"] + w + ["--top", "1001", Hostile.image], naming: "--top 1001", saying: "1000 classes")
        try usage(["classify"] + w + ["--top", "many", Hostile.image], naming: "many")
        try usage(["classify"] + w + ["--input-size", "31", Hostile.image], naming: "--input-size 31", saying: "use 32 to 2048")
        try usage(["classify"] + w + ["--input-size", "1000000000", Hostile.image], naming: "1000000000", saying: "use 32 to 2048")
        try usage(["classify"] + w + ["--input-size", "99999999999999999999999", Hostile.image], naming: "99999999999999999999999")
        try usage(["classify", "--colour", Hostile.image], naming: "--colour", saying: "featuremaps classify --help")
        try usage(["classify"] + w, naming: "image", saying: "featuremaps classify --help")
    }

    func testTooManyChannelsAreClampedWithANote() throws {
        let dir = try CLI.temporaryDirectory(self)
        let r = try Hostile.run(["render", "--weights", Hostile.weights, "--layers", "Conv1", "--channels", "500", "--out", dir, Hostile.image])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stderr.contains("Conv1 has 16 channels, fewer than the 500 asked for; showing all 16"), r.stderr)
        XCTAssertEqual(Hostile.files(in: dir), ["fixture_Conv1.png"])
    }

    func testOutputDirectoryIsCreatedOrRefused() throws {
        let dir = try Hostile.nobodyDirectory(self)
        let nested = dir + "/new/deeper"
        let made = try Hostile.run(["extract", "--weights", Hostile.weights, "--layers", "Conv1", "--out", nested, Hostile.image])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertEqual(Hostile.files(in: nested), ["fixture_Conv1.npy"])

        let aFile = Hostile.write([1], "plain-file", in: dir)
        let notDir = try Hostile.run(["extract", "--weights", Hostile.weights, "--layers", "Conv1", "--out", aFile, Hostile.image])
        XCTAssertEqual(notDir.status, 73, notDir.stderr)
        Hostile.assertFailureLines(notDir, count: 1, naming: [aFile])

        // Not writable: root may write anywhere, so run as nobody into a root-owned 0755 directory.
        let locked = dir + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        chmod(locked, 0o755)
        let weights = dir + "/w.h5", image = dir + "/cat.png"
        try FileManager.default.copyItem(atPath: Hostile.weights, toPath: weights)
        try FileManager.default.copyItem(atPath: Hostile.image, toPath: image)
        for args in [
            ["render", "--layers", "Conv1", "--out", locked, image],
            ["extract", "--layers", "Conv1", "--out", locked, image],
            ["render", "--layers", "Conv1", "--out", locked + "/sub", image],
        ] {
            let r = try Hostile.run(args + ["--weights", weights], asNobody: dir)
            XCTAssertEqual(r.status, 73, "\(args): \(r.stderr)")
            let line = Hostile.assertFailureLines(r, count: 1, naming: [locked]).first ?? ""
            XCTAssert(line.contains("--out"), line)
            XCTAssertEqual(Hostile.files(in: locked), [], "\(args) left files")
        }
    }

    /// A write that fails half-way (here: past a 64 KB file-size limit, as on a full disk) leaves
    /// neither a partial file nor the temporary one; files finished before it stay whole.
    func testAFailedWriteLeavesNoPartialFile() throws {
        let dir = try CLI.temporaryDirectory(self)
        let r = try Hostile.run(
            [
                "extract", "--weights", Hostile.weights, "--layers", "block_16_project,Conv1", "--out", dir,
                Hostile.image,
            ], fileSizeBlocks: 128)
        XCTAssertEqual(r.status, 73, r.stderr)
        let line = Hostile.assertFailureLines(r, count: 1, naming: [dir + "/fixture_Conv1.npy"]).first ?? ""
        XCTAssert(line.contains("File too large"), line)
        // block_16_project is 7x7x56 floats (11 KB): written; Conv1 is 112x112x16 floats (803 KB): refused.
        XCTAssertEqual(Hostile.files(in: dir), ["fixture_block_16_project.npy"])
        XCTAssertEqual(r.stdout, dir + "/fixture_block_16_project.npy\n")
        let render = try Hostile.run(
            [
                "render", "--weights", Hostile.weights, "--layers", "block_1_conv1", "--out", dir + "/png",
                Hostile.image,
            ], fileSizeBlocks: 16)
        XCTAssertEqual(render.status, 73, render.stderr)
        Hostile.assertFailureLines(render, count: 1, naming: [dir + "/png/fixture_block_1_conv1.png"], notes: 1)  // the alias note
        XCTAssertEqual(Hostile.files(in: dir + "/png"), [])
    }

    /// The same image twice, and two images with the same name in different folders: nothing is
    /// overwritten; later ones get "-2", "-3" and a note says so.
    func testSameStemTwiceGetsNumberedOutputs() throws {
        let dir = try CLI.temporaryDirectory(self)
        for sub in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: Hostile.image, toPath: "\(dir)/\(sub)/cat.png")
        }
        let out = dir + "/out"
        let r = try Hostile.run([
            "extract", "--weights", Hostile.weights, "--layers", "Conv1", "--out", out,
            dir + "/a/cat.png", dir + "/a/cat.png", dir + "/b/cat.png",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Hostile.files(in: out), ["cat-2_Conv1.npy", "cat-3_Conv1.npy", "cat_Conv1.npy"])
        XCTAssertEqual(
            r.stdout.split(separator: "\n").map(String.init),
            ["cat_Conv1.npy", "cat-2_Conv1.npy", "cat-3_Conv1.npy"].map { out + "/" + $0 })
        let notes = r.stderr.split(separator: "\n")
        XCTAssertEqual(notes.count, 2, r.stderr)
        XCTAssert(
            notes.last?.contains("\(dir)/b/cat.png: another input of this run already writes cat_*; this one's files are named cat-3_*") == true,
            r.stderr)
        // The same picture gives the same bytes under each name.
        XCTAssertEqual(try Hostile.bytes(out + "/cat_Conv1.npy"), try Hostile.bytes(out + "/cat-3_Conv1.npy"))
    }

    func testSpacesAndNonASCIIInNames() throws {
        let dir = try CLI.temporaryDirectory(self) + "/dossier été 日本"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let image = dir + "/chat noir – ÿ 猫.png"
        try FileManager.default.copyItem(atPath: Hostile.image, toPath: image)
        let out = dir + "/sortie à part"
        let r = try Hostile.run(["render", "--weights", Hostile.weights, "--layers", "Conv1", "--overview", "--out", out, image])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Hostile.files(in: out), ["chat noir – ÿ 猫_Conv1.png", "chat noir – ÿ 猫_overview.png"])
        XCTAssertEqual(r.stdout, out + "/chat noir – ÿ 猫_Conv1.png\n" + out + "/chat noir – ÿ 猫_overview.png\n")
        let c = try Hostile.run(["classify", "--json", "--weights", Hostile.weights, image])
        XCTAssertEqual(c.status, 0, c.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(json.first?["image"] as? String, image)
        // A newline or a tab in a name is escaped: still one line per failure.
        let newline = Hostile.write([], "bad\nname.jpg", in: dir)
        let n = try Hostile.run(["classify", "--weights", Hostile.weights, newline, dir + "/tab\there.png"])
        XCTAssertEqual(n.status, 65)
        let lines = Hostile.assertFailureLines(n, count: 2, naming: [dir + "/bad\\nname.jpg", dir + "/tab\\there.png"])
        XCTAssertEqual(lines.count, 2)
        // A missing file with such a name is named exactly in the one line.
        let missing = dir + "/ßpäce  twice.jpg"
        let m = try Hostile.run(["classify", "--weights", Hostile.weights, missing])
        XCTAssertEqual(m.status, 65)
        Hostile.assertFailureLines(m, count: 1, naming: [missing])
    }
}
